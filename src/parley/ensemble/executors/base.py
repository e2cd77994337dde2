"""The one interface every executor implements: run tasks, report each as it completes.

An executor takes a function and a sequence of tasks and yields a :class:`Completed` for
every task, in the order they finish, carrying the task's position in the sequence and its
value or the exception it raised. The caller reassembles results by that position, so
that the numbers never depend on which worker ran what, or when (DESIGN.md, "ensembles and
scale"). An executor never raises a task's error itself: a chunk that fails is reported and
the others go on.

Executors own their workers: :meth:`Executor.close` (or leaving a ``with`` block) shuts
them down. Algorithm code never imports an executor's backend; :mod:`parley.ensemble`
picks an executor by name through :func:`parley.ensemble.executors.get_executor`.

Examples
--------
>>> from parley.ensemble.executors.local import InProcessExecutor
>>> with InProcessExecutor() as ex:
...     done = sorted((c.index, c.value) for c in ex.map(abs, [-3, 1, -2]))
>>> done
[(0, 3), (1, 1), (2, 2)]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar

__all__ = ["Completed", "Executor"]


@dataclass(frozen=True)
class Completed:
    """One finished task.

    Attributes
    ----------
    index : int
        The task's position in the sequence given to :meth:`Executor.map`.
    value : object
        What the function returned (``None`` if it raised).
    error : BaseException or None
        What it raised, if anything.
    """

    index: int
    value: Any = None
    error: BaseException | None = None


class Executor(ABC):
    """Runs tasks somewhere and reports them as they complete."""

    #: The name :func:`~parley.ensemble.executors.get_executor` knows it by.
    name: ClassVar[str]

    @abstractmethod
    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        """Run ``fn`` on every task; yield a :class:`Completed` per task as it finishes.

        ``fn`` and the tasks must be picklable for executors that run elsewhere (a
        top-level function; frozen dataclasses of arrays and plain values).
        """

    @property
    def workers(self) -> int:
        """How many tasks can run at once."""
        return 1

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release the workers (idempotent)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
