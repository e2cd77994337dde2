"""The package space: every combination of one value per issue.

A :class:`DiscreteSpace` holds a short list of candidate values for each issue (a grid on
the scale, :func:`grid`, or the issue's named options, :func:`option_space`) and stands for
their Cartesian product without building it. Package number *k* is read as a mixed-radix
number whose digits index the issues' values (the last issue varies fastest, as in
:func:`itertools.product`):

.. math::

    d_j(k) = \\lfloor k / S_j \\rfloor \\bmod L_j, \\qquad S_j = \\prod_{t > j} L_t ,

so any slice of packages is computed from ``numpy.arange`` with *m* integer divisions, and a
million packages are processed in chunks (:meth:`DiscreteSpace.chunks`,
:func:`iter_utilities`) with no Python object per package. :func:`iter_utilities` looks
each issue's per-party loss up in a table of its *L* values instead of recomputing it, and
sums the issues in the same order as :meth:`~parley.deals.utility.Preferences.utilities`,
so both give identical numbers.

A :class:`ContinuousSpace` is the box of the issues' scales, for sampling
(:meth:`ContinuousSpace.sample`).

Examples
--------
>>> space = DiscreteSpace(("x", "y"), (np.array([0.0, 50.0, 100.0]), np.array([0.0, 100.0])))
>>> space.size, space.shape
(6, (3, 2))
>>> space.packages(3, 6).tolist()
[[50.0, 100.0], [100.0, 0.0], [100.0, 100.0]]
>>> int(space.index(np.array([[2, 1]]))[0])
5
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from parley.deals.utility import Preferences, finish_utilities
from parley.errors import ParleyError, Problem, ScenarioError
from parley.rng import SeedLike, as_generator
from parley.scenario import Scenario

__all__ = [
    "DEFAULT_CHUNK",
    "ContinuousSpace",
    "DiscreteSpace",
    "allowed_digits",
    "continuous_space",
    "grid",
    "inside_red_lines",
    "issue_tables",
    "iter_utilities",
    "option_space",
    "space_utilities",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Packages per chunk when a space is scanned (a chunk of utilities for 8 parties is 4 MiB).
DEFAULT_CHUNK = 1 << 16
_MAX_SIZE = 1 << 62


@dataclass(frozen=True, eq=False)
class DiscreteSpace:
    """The product of a finite list of values per issue (see the module docstring).

    Parameters
    ----------
    issue_ids : tuple of str
        Issues, in the order of the utility layer's columns.
    values : tuple of ndarray
        Candidate values of each issue (1-D, finite, at least one).
    labels : tuple of tuple of str, optional
        A label per value (e.g. the option's id); empty for a grid.
    """

    issue_ids: tuple[str, ...]
    values: tuple[FloatArray, ...]
    labels: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        if len(self.values) != len(self.issue_ids):
            raise ValueError("one array of values per issue is needed")
        for j, v in enumerate(self.values):
            if v.ndim != 1 or v.size == 0 or not np.isfinite(v).all():
                raise ValueError(f"values of issue {self.issue_ids[j]!r} must be a non-empty "
                                 "1-D array of finite numbers")
        if self.labels and [len(lab) for lab in self.labels] != [v.size for v in self.values]:
            raise ValueError("one label per value is needed")
        if self.size >= _MAX_SIZE:
            raise ParleyError(f"a space of {self.size:.3g} packages is too large to enumerate; "
                              "use fewer values per issue")

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of values per issue."""
        return tuple(int(v.size) for v in self.values)

    @property
    def size(self) -> int:
        """Number of packages (the product of :attr:`shape`)."""
        return math.prod(self.shape)

    @property
    def strides(self) -> tuple[int, ...]:
        """Mixed-radix place values :math:`S_j` (last issue fastest)."""
        out, acc = [], 1
        for n_values in reversed(self.shape):
            out.append(acc)
            acc *= n_values
        return tuple(reversed(out))

    def __len__(self) -> int:
        return self.size

    def digits(self, start: int = 0, stop: int | None = None) -> IntArray:
        """Value indices ``(k, m)`` of packages ``start`` to ``stop - 1``."""
        stop = self.size if stop is None else min(stop, self.size)
        return self.digits_of(np.arange(start, stop, dtype=np.int64))

    def digits_of(self, index: IntArray) -> IntArray:
        """Value indices ``(k, m)`` of the packages numbered ``index`` ``(k,)``."""
        k = np.asarray(index, dtype=np.int64)
        out = np.empty((k.size, len(self.values)), dtype=np.int64)
        for j, (stride, n_values) in enumerate(zip(self.strides, self.shape, strict=True)):
            out[:, j] = (k // stride) % n_values
        return out

    def packages(self, start: int = 0, stop: int | None = None) -> FloatArray:
        """Packages ``start`` to ``stop - 1`` as values, ``(k, m)``."""
        return self.values_of(self.digits(start, stop))

    def package(self, index: int) -> FloatArray:
        """Package number ``index`` as values, ``(m,)``."""
        out: FloatArray = self.packages(index, index + 1)[0]
        return out

    def values_of(self, digits: IntArray) -> FloatArray:
        """Packages ``(k, m)`` from value indices ``(k, m)``."""
        out = np.empty(digits.shape, dtype=float)
        for j, v in enumerate(self.values):
            out[:, j] = v[digits[:, j]]
        return out

    def index(self, digits: IntArray) -> IntArray:
        """Package numbers ``(k,)`` of value indices ``(k, m)``."""
        strides = np.asarray(self.strides, dtype=np.int64)
        out: IntArray = (np.asarray(digits, dtype=np.int64) * strides).sum(axis=1)
        return out

    def chunks(self, chunk_size: int = DEFAULT_CHUNK) -> Iterator[tuple[int, int]]:
        """``(start, stop)`` of consecutive chunks covering the space."""
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        for start in range(0, self.size, chunk_size):
            yield start, min(start + chunk_size, self.size)

    def label(self, issue: int, value_index: int) -> str:
        """Label of one value ('' when the space has no labels)."""
        return self.labels[issue][value_index] if self.labels else ""


@dataclass(frozen=True, eq=False)
class ContinuousSpace:
    """The box of the issues' scales: every package with each value on its scale."""

    issue_ids: tuple[str, ...]
    low: FloatArray
    high: FloatArray

    def sample(self, k: int, rng: SeedLike = None) -> FloatArray:
        """``k`` packages drawn uniformly from the box, ``(k, m)``."""
        gen = as_generator(rng)
        out: FloatArray = self.low + (self.high - self.low) * gen.random((k, self.low.size))
        return out


def _points(scenario: Scenario, points_per_issue: int | Mapping[str, int]) -> list[int]:
    problems = []
    counts = []
    for j, iss in enumerate(scenario.issues):
        k = (points_per_issue.get(iss.id, 11) if isinstance(points_per_issue, Mapping)
             else points_per_issue)
        if isinstance(k, bool) or not isinstance(k, int) or k < 2:
            problems.append(Problem(f"issues[{j}]", "a grid needs at least 2 points per issue",
                                    k, "give a whole number >= 2"))
        counts.append(k)
    if problems:
        raise ScenarioError(problems, scenario.name)
    return counts


def grid(scenario: Scenario, points_per_issue: int | Mapping[str, int] = 11) -> DiscreteSpace:
    """An evenly spaced grid on every issue's scale, ends included.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its issues' scales).
    points_per_issue : int or mapping of issue id to int
        Points per issue (11 gives steps of 10 on a 0-100 scale).

    Examples
    --------
    >>> from parley.scenario import Scenario
    >>> s = Scenario.model_validate({"name": "t", "actors": [{"id": "a", "name": "A",
    ...     "capability": 1}], "issues": [{"id": "x", "name": "X"}]})
    >>> grid(s, 5).values[0].tolist()
    [0.0, 25.0, 50.0, 75.0, 100.0]
    """
    counts = _points(scenario, points_per_issue)
    values = tuple(np.linspace(iss.scale.low, iss.scale.high, k)
                   for iss, k in zip(scenario.issues, counts, strict=True))
    return DiscreteSpace(tuple(i.id for i in scenario.issues), values)


def option_space(scenario: Scenario,
                 points_per_issue: int | Mapping[str, int] = 11) -> DiscreteSpace:
    """Each issue's named options (``Issue.options``); a grid on issues without options.

    Labels are the option ids (empty for grid values).
    """
    counts = _points(scenario, points_per_issue)
    values, labels = [], []
    for iss, k in zip(scenario.issues, counts, strict=True):
        if iss.options:
            opts = sorted(iss.options, key=lambda o: o.value)
            values.append(np.array([o.value for o in opts], dtype=float))
            labels.append(tuple(o.id for o in opts))
        else:
            values.append(np.linspace(iss.scale.low, iss.scale.high, k))
            labels.append(("",) * k)
    return DiscreteSpace(tuple(i.id for i in scenario.issues), tuple(values), tuple(labels))


def continuous_space(scenario: Scenario) -> ContinuousSpace:
    """The box of the issues' scales."""
    return ContinuousSpace(tuple(i.id for i in scenario.issues),
                           np.array([i.scale.low for i in scenario.issues], dtype=float),
                           np.array([i.scale.high for i in scenario.issues], dtype=float))


def _check(prefs: Preferences, space: DiscreteSpace) -> None:
    if tuple(space.issue_ids) != tuple(prefs.issue_ids):
        raise ParleyError(f"the space's issues {list(space.issue_ids)} differ from the "
                          f"preferences' issues {list(prefs.issue_ids)}; build both from "
                          "the same scenario")


def issue_tables(prefs: Preferences, space: DiscreteSpace) -> list[FloatArray]:
    """Per issue, each value's weighted loss for each party, ``(L_j, n)``."""
    _check(prefs, space)
    return [prefs.issue_terms(j, v) for j, v in enumerate(space.values)]


def space_utilities(prefs: Preferences, space: DiscreteSpace, start: int = 0,
                    stop: int | None = None, *, tables: list[FloatArray] | None = None,
                    digits: IntArray | None = None) -> FloatArray:
    """Utilities ``(k, n)`` of packages ``start`` to ``stop - 1`` of a discrete space.

    Identical to ``prefs.utilities(space.packages(start, stop))``, but reads each issue's
    losses from a table of its values.
    """
    tab = issue_tables(prefs, space) if tables is None else tables
    d = space.digits(start, stop) if digits is None else digits
    loss = np.zeros((d.shape[0], prefs.n_parties))
    for j, t in enumerate(tab):
        loss += t[d[:, j]]
    return finish_utilities(loss)


def iter_utilities(prefs: Preferences, space: DiscreteSpace, chunk_size: int = DEFAULT_CHUNK,
                   ) -> Iterator[tuple[int, IntArray, FloatArray]]:
    """Scan a discrete space: ``(start, digits (k, m), utilities (k, n))`` per chunk."""
    tables = issue_tables(prefs, space)
    for start, stop in space.chunks(chunk_size):
        d = space.digits(start, stop)
        yield start, d, space_utilities(prefs, space, tables=tables, digits=d)


def allowed_digits(prefs: Preferences, space: DiscreteSpace) -> list[BoolArray]:
    """Per issue, which of the space's values every party's red lines allow."""
    _check(prefs, space)
    return [prefs.allowed_values(j, v) for j, v in enumerate(space.values)]


def inside_red_lines(allowed: list[BoolArray], digits: IntArray) -> BoolArray:
    """Whether packages (value indices) respect every party's red lines, ``(k,)``."""
    ok = np.ones(digits.shape[0], dtype=bool)
    for j, a in enumerate(allowed):
        ok &= a[digits[:, j]]
    return ok
