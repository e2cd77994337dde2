"""The one exception tree of parley.

Every error parley raises on purpose derives from :class:`ParleyError`. Messages name
the file, the field, the rule, the value and the fix, so that the command line can show
them without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ConvergenceError",
    "MissingExtraError",
    "ParleyError",
    "Problem",
    "ScenarioError",
    "StoreError",
]


class ParleyError(Exception):
    """Root of every error parley raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    field : str
        Dotted path of the offending field, e.g. ``stances[3].salience``.
    rule : str
        The rule that was broken, e.g. ``must be in [0, 1]``.
    value : object
        The value that was given.
    fix : str
        What to do about it.
    line : int or None
        1-based line in the source file, where known.
    source : str or None
        File (or other origin) the value came from.
    """

    field: str
    rule: str
    value: object = None
    fix: str = ""
    line: int | None = None
    source: str | None = None

    def __str__(self) -> str:
        return self.describe()

    def describe(self, *, with_source: bool = True) -> str:
        """One line: field, rule, value, where (file and line) and fix."""
        where = ""
        if self.source is not None and with_source:
            where = f" ({self.source}" + (f", line {self.line})" if self.line else ")")
        elif self.line:
            where = f" (line {self.line})"
        text = f"{self.field}: {self.rule}; got {self.value!r}{where}"
        if self.fix:
            text += f". Fix: {self.fix}"
        return text


class ScenarioError(ParleyError):
    """A scenario (or a file meant to be one) is invalid.

    Carries every :class:`Problem` found in one pass, so that a user can fix them all at
    once.

    Examples
    --------
    >>> err = ScenarioError([Problem("actors[0].capability", "must be > 0", -1.0,
    ...                              "give a positive number", 7)], "talks.yaml")
    >>> print(err)
    1 problem in talks.yaml:
      - actors[0].capability: must be > 0; got -1.0 (line 7). Fix: give a positive number
    """

    def __init__(self, problems: Iterable[Problem] | str, source: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem(field="scenario", rule=problems, source=source)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''}"
        if self.source:
            head += f" in {self.source}"
        lines = (p.describe(with_source=p.source != self.source) for p in self.problems)
        return head + ":\n" + "\n".join(f"  - {line}" for line in lines)


class ConvergenceError(ParleyError, RuntimeError):
    """An iterative computation did not converge within its limits."""


class MissingExtraError(ParleyError, ImportError):
    """An optional dependency is missing; the message names the install command."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the optional package '{package}'. "
            f"Install it with: python -m pip install 'parley[{extra}]'"
        )
        self.package = package
        self.extra = extra


class StoreError(ParleyError, RuntimeError):
    """The run store cannot be opened or written safely."""
