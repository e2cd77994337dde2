"""Error summaries with seeded percentile bootstrap intervals, vectorised.

For absolute errors :math:`e_1, \\dots, e_n` the summary is the mean and the median, each
with a percentile bootstrap interval (Efron & Tibshirani 1993, ch. 13): draw ``B``
resamples of size *n* with replacement, compute the statistic on each, and take the
:math:`(1 - \\text{level})/2` and :math:`(1 + \\text{level})/2` quantiles of the ``B``
values.

The resampling is done once per (group, *n*) and in counts, not in values: with the errors
sorted, resample *b* is a vector of counts :math:`k_{b1}, \\dots, k_{bn}`; its mean is
:math:`\\sum_i k_{bi} e_{(i)} / n` and its *r*-th smallest value is :math:`e_{(i)}` for the
first *i* whose cumulative count exceeds *r*. The median's ranks depend on the counts
only, so many error vectors of the same length are summarised for the price of one
matrix-vector product each. The result is exactly that of resampling the sorted errors with
the same indices (``tests/backtest`` checks it against the direct computation).

References
----------
.. [1] Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman &
   Hall, ch. 13 (the percentile interval).

Examples
--------
>>> s = summarise_errors([1.0, 2.0, 3.0, 10.0], n_resamples=500, seed=1)
>>> s.n, s.mean, s.median
(4, 4.0, 2.5)
>>> s.mean_ci[0] <= s.mean <= s.mean_ci[1]
True
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ErrorSummary",
    "Resampler",
    "Resamples",
    "resample_indices",
    "summarise_errors",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ErrorSummary:
    """Mean and median absolute error with bootstrap intervals (``None`` when ``n == 0``)."""

    n: int
    mean: float | None
    median: float | None
    mean_ci: tuple[float, float] | None
    median_ci: tuple[float, float] | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"n": self.n, "mean": self.mean, "median": self.median,
                "mean_ci": None if self.mean_ci is None else list(self.mean_ci),
                "median_ci": None if self.median_ci is None else list(self.median_ci)}


def resample_indices(n: int, n_resamples: int, rng: np.random.Generator) -> IntArray:
    """``(n_resamples, n)`` indices drawn uniformly with replacement from ``range(n)``."""
    return rng.integers(0, n, size=(n_resamples, n), dtype=np.int64)


@dataclass(frozen=True, eq=False)
class Resamples:
    """Bootstrap resamples of size ``n`` as counts, with the ranks of their medians.

    Build with :meth:`from_indices`; apply to any error vector of length ``n`` with
    :meth:`summarise`.
    """

    counts: FloatArray
    median_lo: IntArray
    median_hi: IntArray

    @property
    def n(self) -> int:
        """Size of each resample."""
        return int(self.counts.shape[1])

    @classmethod
    def from_indices(cls, idx: IntArray) -> Resamples:
        """Counts and median ranks of resamples given as indices into the sorted errors."""
        b, n = idx.shape
        flat = (idx + n * np.arange(b, dtype=np.int64)[:, None]).ravel()
        counts = np.bincount(flat, minlength=b * n).reshape(b, n)
        cum = np.cumsum(counts, axis=1)
        lo = np.argmax(cum > (n - 1) // 2, axis=1)
        hi = np.argmax(cum > n // 2, axis=1)
        return cls(counts.astype(float), lo.astype(np.int64), hi.astype(np.int64))

    def statistics(self, errors: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """The mean and the median of every resample of ``errors`` (length ``n``)."""
        e = np.sort(np.asarray(errors, dtype=float))
        if e.shape != (self.n,):
            raise ValueError(f"expected {self.n} errors; got shape {e.shape}")
        means = self.counts @ e / self.n
        medians = (e[self.median_lo] + e[self.median_hi]) / 2.0
        return means, medians

    def summarise(self, errors: ArrayLike, level: float) -> ErrorSummary:
        """Mean, median and their percentile intervals at ``level``."""
        e = np.asarray(errors, dtype=float)
        means, medians = self.statistics(e)
        q = [(1.0 - level) / 2.0, (1.0 + level) / 2.0]
        mlo, mhi = np.quantile(means, q)
        dlo, dhi = np.quantile(medians, q)
        return ErrorSummary(n=int(e.size), mean=float(e.mean()), median=float(np.median(e)),
                            mean_ci=(float(mlo), float(mhi)),
                            median_ci=(float(dlo), float(dhi)))


class Resampler:
    """Seeded resamples keyed by (group, size), drawn once and reused.

    Every error vector of the same size in the same group (e.g. every model's errors on
    the proposals of 2004-2008) is summarised with the same resamples, and the draws do
    not depend on the order in which groups are asked for.

    Parameters
    ----------
    seed : int
        Master seed.
    n_resamples : int
        Resamples per interval (``B``).
    """

    def __init__(self, seed: int, n_resamples: int) -> None:
        if n_resamples < 1:
            raise ValueError(f"n_resamples must be >= 1; got {n_resamples}")
        self.seed = seed
        self.n_resamples = n_resamples
        self._cache: dict[tuple[str, int], Resamples] = {}

    def resamples(self, group: str, n: int) -> Resamples:
        """The resamples of size ``n`` for ``group``."""
        key = (group, n)
        if key not in self._cache:
            seq = np.random.SeedSequence(self.seed, spawn_key=(zlib.crc32(group.encode()), n))
            idx = resample_indices(n, self.n_resamples, np.random.default_rng(seq))
            self._cache[key] = Resamples.from_indices(idx)
        return self._cache[key]

    def summarise(self, errors: Sequence[float] | FloatArray, group: str,
                  level: float = 0.95) -> ErrorSummary:
        """Summarise the finite entries of ``errors`` (``nan`` = no forecast)."""
        e = np.asarray(errors, dtype=float)
        e = e[np.isfinite(e)]
        if e.size == 0:
            return ErrorSummary(0, None, None, None, None)
        return self.resamples(group, int(e.size)).summarise(e, level)


def summarise_errors(errors: Sequence[float] | FloatArray, *, n_resamples: int = 2000,
                     level: float = 0.95, seed: int = 0) -> ErrorSummary:
    """Mean and median of the finite ``errors`` with percentile bootstrap intervals."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1); got {level}")
    return Resampler(seed, n_resamples).summarise(errors, "all", level)
