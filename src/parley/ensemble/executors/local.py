"""Executors on this machine: in the calling process, or in a pool of processes.

:class:`InProcessExecutor` (``"local"``) runs the tasks one after another in the caller's
process: no start-up cost, and the tracebacks of failing tasks are the real ones.
:class:`ProcessExecutor` (``"processes"``) runs them in a :class:`concurrent.futures.
ProcessPoolExecutor` whose workers are started with the ``spawn`` method: a fresh
interpreter imports parley, so nothing (threads, locks, open stores) is inherited from the
caller, and the same code runs on Linux, macOS and Windows. Only a few tasks per worker are
in flight at a time, so that a million-draw ensemble does not pickle all its tasks up front.

Examples
--------
>>> with InProcessExecutor() as ex:
...     [c.index for c in ex.map(len, ["ab", "c"])]
[0, 1]
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from parley.ensemble.executors.base import Completed, Executor
from parley.errors import ParleyError

__all__ = ["InProcessExecutor", "ProcessExecutor", "available_cpus"]


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - macOS and Windows


class InProcessExecutor(Executor):
    """Run every task in the calling process, in order."""

    name = "local"

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        """Run ``fn`` on each task in turn."""
        for i, task in enumerate(tasks):
            try:
                value = fn(task)
            except Exception as err:  # reported, not raised: the other tasks go on
                yield Completed(i, None, err)
            else:
                yield Completed(i, value)


class ProcessExecutor(Executor):
    """Run tasks in a pool of worker processes started with ``spawn``.

    Parameters
    ----------
    workers : int, optional
        Number of processes (default: the CPUs this process may use).
    in_flight : int
        Tasks submitted ahead per worker.
    """

    name = "processes"

    def __init__(self, workers: int | None = None, *, in_flight: int = 2) -> None:
        if workers is not None and (isinstance(workers, bool) or workers < 1):
            raise ParleyError(f"the process executor needs workers >= 1; got {workers!r}. "
                              "Fix: give a positive number, or leave it out")
        self._workers = workers if workers is not None else available_cpus()
        self._in_flight = max(1, in_flight)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def workers(self) -> int:
        """Number of worker processes."""
        return self._workers

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self._workers,
                                             mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Completed]:
        """Run ``fn`` on the tasks in the pool; yield them as they finish."""
        pool = self._get_pool()
        pending: dict[Future[Any], int] = {}
        todo = iter(enumerate(tasks))
        window = self._workers * self._in_flight

        def fill() -> None:
            for i, task in todo:
                pending[pool.submit(fn, task)] = i
                if len(pending) >= window:
                    return

        try:
            fill()
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    i = pending.pop(fut)
                    err = fut.exception()
                    yield Completed(i, None, err) if err is not None else Completed(
                        i, fut.result())
                fill()
        finally:
            for fut in pending:
                fut.cancel()

    def close(self) -> None:
        """Shut the pool down, cancelling tasks not yet started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
