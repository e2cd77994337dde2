"""The array view of a scenario that every model computes on.

Models never read the scenario's Python objects in a hot loop; they take an
:class:`ArrayView`: capability ``(n,)``, position ``(n, m)``, salience ``(n, m)`` and mask
``(n, m)`` (``True`` where the actor has a stance on the issue), with the issues' scale
bounds and status quo. Missing stances are masked, never zero-filled: their position and
salience entries are ``nan`` and ``0``.

Examples
--------
>>> from parley.io import load
>>> v = array_view(load("geneva-2026"))
>>> v.position.shape == (len(v.actor_ids), len(v.issue_ids))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from parley.errors import Problem, ScenarioError
from parley.scenario import Role, Scenario

__all__ = ["ArrayView", "array_view"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class ArrayView:
    """Arrays of one scenario (see the module docstring for shapes)."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    mask: BoolArray
    low: FloatArray
    high: FloatArray
    status_quo: FloatArray
    acceptable_low: FloatArray
    acceptable_high: FloatArray

    @property
    def n_actors(self) -> int:
        """Number of actors ``n``."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues ``m``."""
        return len(self.issue_ids)

    def weights(self) -> FloatArray:
        """Capability x salience, ``(n, m)``, zero where the actor has no stance."""
        return np.where(self.mask, self.capability[:, None] * self.salience, 0.0)


def array_view(scenario: Scenario, roles: Sequence[Role] | None = None, *,
               require_weight: bool = False) -> ArrayView:
    """Build the :class:`ArrayView` of a scenario.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    roles : sequence of {'party', 'mediator', 'observer'}, optional
        Keep only actors with these roles (default: every actor).
    require_weight : bool
        Raise :class:`~parley.errors.ScenarioError` naming every issue on which no actor has
        a stance with positive salience (a forecasting model has nothing to work with there).
    """
    actors = [a for a in scenario.actors if roles is None or a.role in roles]
    issues = scenario.issues
    n, m = len(actors), len(issues)
    position = np.full((n, m), np.nan)
    salience = np.zeros((n, m))
    mask = np.zeros((n, m), dtype=bool)
    acc_lo = np.full((n, m), -np.inf)
    acc_hi = np.full((n, m), np.inf)
    for i, a in enumerate(actors):
        for j, iss in enumerate(issues):
            st = scenario.stance(a.id, iss.id)
            if st is None:
                continue
            mask[i, j] = True
            position[i, j] = st.position.value
            salience[i, j] = st.salience.value
            if st.acceptable is not None:
                acc_lo[i, j], acc_hi[i, j] = st.acceptable.low, st.acceptable.high
    if require_weight:
        weighted: BoolArray = np.asarray((mask & (salience > 0)).any(axis=0))
        empty = [iss.id for j, iss in enumerate(issues) if not weighted[j]]
        if empty:
            raise ScenarioError([Problem(
                f"issues[{[i.id for i in issues].index(e)}]",
                "a forecast needs at least one actor with a stance of positive salience",
                e, "add a stance on this issue, or remove the issue") for e in empty],
                scenario.name)
    return ArrayView(
        actor_ids=tuple(a.id for a in actors),
        issue_ids=tuple(i.id for i in issues),
        capability=np.array([a.capability.value for a in actors], dtype=float),
        position=position,
        salience=salience,
        mask=mask,
        low=np.array([i.scale.low for i in issues], dtype=float),
        high=np.array([i.scale.high for i in issues], dtype=float),
        status_quo=np.array([i.status_quo.value if i.status_quo is not None else np.nan
                             for i in issues], dtype=float),
        acceptable_low=acc_lo,
        acceptable_high=acc_hi,
    )
