"""Randomness as an argument: one helper turns a seed into a numpy ``Generator``.

Nothing in parley touches global random state. Ensembles spawn child seeds from one master
``SeedSequence``, so that the same seed gives the same result on every executor.

Examples
--------
>>> a = as_generator(42).random()
>>> b = as_generator(42).random()
>>> a == b
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["SeedLike", "as_generator", "spawn"]

SeedLike = int | np.random.SeedSequence | np.random.Generator | None


def as_generator(seed: SeedLike = None) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``seed`` (a generator is passed through)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def spawn(seed: int | np.random.SeedSequence | None, n: int) -> list[np.random.SeedSequence]:
    """Spawn ``n`` independent child seed sequences from one master seed.

    >>> [s.entropy for s in spawn(7, 2)] == [7, 7]
    True
    """
    master = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return master.spawn(n)
