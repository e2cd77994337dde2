"""Each party's utility over multi-issue packages: the one utility layer of deal finding.

A *package* :math:`x = (x_1, \\dots, x_m)` sets every issue to a point on its scale. Party
*i* values it by the salience-weighted distance from its positions :math:`p_{ij}`:

.. math::

    U_i(x) = 1 - \\sum_j \\tilde s_{ij}\\,
             \\ell\\!\\left(\\frac{|x_j - p_{ij}|}{h_j - l_j}\\right),
    \\qquad \\tilde s_{ij} = \\frac{s_{ij}}{\\sum_k s_{ik}},

where :math:`[l_j, h_j]` is issue *j*'s scale and the saliences :math:`s_{ij}` are
normalised over the issues the party has a stance on (issues without a stance get weight
0: the party is indifferent there). The loss shape :math:`\\ell` is ``"linear"``
(:math:`\\ell(d) = d`, the city-block utility of Schneider, Finke & Bailer 2010) or
``"quadratic"`` (:math:`\\ell(d) = d^2`, Achen 2006), so :math:`U_i` lies in [0, 1]: 1 at
the party's ideal package, 0 only if every issue it cares about sits at the far end of the
scale. The function is additive over issues (Keeney & Raiffa 1976; Raiffa 1982, ch. 10),
which :mod:`parley.deals.pareto` exploits.

**Red lines.** A party's acceptable ranges are hard limits. Utilities stay finite (a
package outside a red line still has a utility, so that charts and what-ifs can show how
far off it is); feasibility is a separate mask, :meth:`Preferences.acceptable`, and a
package is a *deal* (:meth:`Preferences.deal_mask`) only if it lies inside every party's
acceptable ranges and gives every party at least its reservation utility.

**Reservation (walk-away) utility** :math:`r_i`. The actor's explicit ``reservation`` field
when the scenario gives one (it must lie in [0, 1]); otherwise the utility of no deal,
i.e. of the status quo. On an issue without a status quo, no deal is treated as the
party's worst outcome there: per-issue utility 0 (loss 1), at most the utility of the
party's worst point on the scale (equal when its position is at an end of the scale).
:attr:`Preferences.reservation_source` records which rule gave each number.

Everything is vectorised: :meth:`Preferences.utilities` takes packages ``(K, m)`` and
returns ``(K, n)`` with a loop over the *m* issues only, and always sums the issues in the
same order, so the same package gets bit-for-bit the same utilities whichever function
evaluates it (the exact Pareto filter relies on this).

References
----------
.. [1] Keeney, R. L. and Raiffa, H. (1976). *Decisions with Multiple Objectives:
   Preferences and Value Tradeoffs*. New York: Wiley.
.. [2] Raiffa, H. (1982). *The Art and Science of Negotiation*. Cambridge, MA: Harvard
   University Press.
.. [3] Achen, C. H. (2006). Evaluating political decision-making models. In R. Thomson et
   al. (eds.), *The European Union Decides*, 264-298. Cambridge University Press.
.. [4] Schneider, G., Finke, D. and Bailer, S. (2010). Bargaining power in the European
   Union: an evaluation of competing game-theoretic models. *Political Studies* 58(1),
   85-103.

Examples
--------
Two parties, two issues on 0-100. A sits at (0, 0) with saliences 0.75 and 0.25, B at
(100, 100) with 0.5 and 0.5. At the package (50, 100), A loses 0.75 x 0.5 + 0.25 x 1 =
0.625 and B loses 0.5 x 0.5 + 0 = 0.25:

>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 0.75},
...                 {"actor": "a", "issue": "y", "position": 0, "salience": 0.25},
...                 {"actor": "b", "issue": "x", "position": 100, "salience": 0.5},
...                 {"actor": "b", "issue": "y", "position": 100, "salience": 0.5}]})
>>> prefs = preferences(s)
>>> prefs.utilities(np.array([[50.0, 100.0]])).round(3).tolist()
[[0.375, 0.75]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from parley.arrays import array_view
from parley.errors import Problem, ScenarioError
from parley.scenario import Scenario

__all__ = ["LOSSES", "Loss", "Preferences", "preferences"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Loss = Literal["linear", "quadratic"]
#: The loss shapes a :class:`Preferences` accepts.
LOSSES: tuple[Loss, ...] = ("linear", "quadratic")


def _shape(distance: FloatArray, loss: Loss) -> FloatArray:
    """The loss of a normalised distance in [0, 1]."""
    if loss == "quadratic":
        return distance * distance
    return distance


@dataclass(frozen=True, eq=False)
class Preferences:
    """The parties' utility functions over packages, held as arrays.

    Build one with :func:`preferences`. ``n`` parties, ``m`` issues.

    Attributes
    ----------
    actor_ids : tuple of str
        The parties, in row order.
    issue_ids : tuple of str
        The issues, in column order.
    position : ndarray, shape (n, m)
        Ideal points (the scale's midpoint where a party has no stance; its weight is 0).
    weight : ndarray, shape (n, m)
        Normalised saliences :math:`\\tilde s_{ij}`: each row sums to 1.
    low, high : ndarray, shape (m,)
        Scale bounds.
    acceptable_low, acceptable_high : ndarray, shape (n, m)
        Red lines (the scale bounds where a party gives none).
    status_quo : ndarray, shape (m,)
        Status quo per issue (``nan`` where none).
    reservation : ndarray, shape (n,)
        Walk-away utility :math:`r_i`.
    reservation_source : tuple of str
        ``"explicit"`` (the actor's ``reservation`` field), ``"status_quo"`` or
        ``"status_quo_partial"`` (some issues lack a status quo and count as utility 0).
    loss : {'linear', 'quadratic'}
        Loss shape :math:`\\ell`.
    mask : ndarray of bool, shape (n, m)
        Whether the party has a stance on the issue.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    position: FloatArray
    weight: FloatArray
    low: FloatArray
    high: FloatArray
    acceptable_low: FloatArray
    acceptable_high: FloatArray
    status_quo: FloatArray
    reservation: FloatArray
    reservation_source: tuple[str, ...]
    loss: Loss
    mask: BoolArray

    @property
    def n_parties(self) -> int:
        """Number of parties ``n``."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues ``m``."""
        return len(self.issue_ids)

    @property
    def span(self) -> FloatArray:
        """Scale length ``high - low`` per issue, ``(m,)``."""
        return self.high - self.low

    def party_index(self, actor_id: str) -> int:
        """Row of a party (``KeyError`` naming the known parties otherwise)."""
        try:
            return self.actor_ids.index(actor_id)
        except ValueError:
            raise KeyError(f"no party {actor_id!r}; known: {list(self.actor_ids)}") from None

    def issue_index(self, issue_id: str) -> int:
        """Column of an issue (``KeyError`` naming the known issues otherwise)."""
        try:
            return self.issue_ids.index(issue_id)
        except ValueError:
            raise KeyError(f"no issue {issue_id!r}; known: {list(self.issue_ids)}") from None

    def issue_terms(self, issue: int, values: FloatArray) -> FloatArray:
        """Each party's weighted loss on one issue, ``(L, n)`` for ``L`` values.

        :math:`\\tilde s_{ij}\\,\\ell(|v - p_{ij}| / (h_j - l_j))`; :meth:`utilities` is one
        minus their sum over issues, taken in issue order.
        """
        v = np.asarray(values, dtype=float).reshape(-1, 1)
        distance = np.abs(v - self.position[:, issue]) / self.span[issue]
        out: FloatArray = self.weight[:, issue] * _shape(distance, self.loss)
        return out

    def utilities(self, packages: FloatArray) -> FloatArray:
        """Utilities of many packages at once.

        Parameters
        ----------
        packages : ndarray, shape (K, m)
            One package per row, each value on its issue's scale.

        Returns
        -------
        ndarray, shape (K, n)
            :math:`U_i` of each package for each party, in [0, 1].
        """
        x = np.asarray(packages, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.n_issues:
            raise ValueError(f"packages must have shape (K, {self.n_issues}); got {x.shape}")
        loss = np.zeros((x.shape[0], self.n_parties))
        for j in range(self.n_issues):
            loss += self.issue_terms(j, x[:, j])
        return finish_utilities(loss)

    def acceptable(self, packages: FloatArray) -> BoolArray:
        """Whether each package lies inside each party's red lines, ``(K, n)``."""
        x = np.asarray(packages, dtype=float)[:, None, :]
        inside = np.logical_and(x >= self.acceptable_low, x <= self.acceptable_high)
        out: BoolArray = np.asarray(inside.all(axis=2))
        return out

    def deal_mask(self, packages: FloatArray, utilities: FloatArray | None = None,
                  *, strict: bool = False) -> BoolArray:
        """Which packages are deals, ``(K,)``.

        A deal lies inside every party's red lines and gives every party at least its
        reservation utility (``strict=True``: more than it).
        """
        u = self.utilities(packages) if utilities is None else utilities
        rational = np.greater(u, self.reservation) if strict else np.greater_equal(
            u, self.reservation)
        out: BoolArray = np.asarray(
            np.logical_and(rational, self.acceptable(packages)).all(axis=1))
        return out

    def allowed_values(self, issue: int, values: FloatArray) -> BoolArray:
        """Which values of one issue every party's red lines allow, ``(L,)``."""
        v = np.asarray(values, dtype=float)[:, None]
        ok = np.logical_and(v >= self.acceptable_low[:, issue],
                            v <= self.acceptable_high[:, issue])
        out: BoolArray = np.asarray(ok.all(axis=1))
        return out

    def no_deal_utilities(self) -> FloatArray:
        """Each party's utility of no deal (status quo; loss 1 on issues without one)."""
        loss = np.zeros(self.n_parties)
        for j in range(self.n_issues):
            if np.isnan(self.status_quo[j]):
                loss += self.weight[:, j]
            else:
                loss += self.issue_terms(j, self.status_quo[j : j + 1])[0]
        return finish_utilities(loss)

    def with_positions(self, party: str, positions: FloatArray) -> Preferences:
        """A copy with one party's ideal points replaced (its reservation follows them
        when it comes from the status quo)."""
        i = self.party_index(party)
        position = self.position.copy()
        position[i] = np.asarray(positions, dtype=float)
        moved = replace(self, position=position)
        if self.reservation_source[i] == "explicit":
            return moved
        reservation = self.reservation.copy()
        reservation[i] = moved.no_deal_utilities()[i]
        return replace(moved, reservation=reservation)

    def with_reservation(self, party: str, value: float) -> Preferences:
        """A copy with one party's reservation utility replaced (source ``explicit``)."""
        i = self.party_index(party)
        reservation = self.reservation.copy()
        reservation[i] = value
        source = list(self.reservation_source)
        source[i] = "explicit"
        return replace(self, reservation=reservation, reservation_source=tuple(source))

    def permuted(self, order: Sequence[int]) -> Preferences:
        """A copy with the parties in another order (rows permuted)."""
        idx = np.asarray(order, dtype=int)
        return replace(
            self, actor_ids=tuple(self.actor_ids[k] for k in idx), position=self.position[idx],
            weight=self.weight[idx], acceptable_low=self.acceptable_low[idx],
            acceptable_high=self.acceptable_high[idx], reservation=self.reservation[idx],
            reservation_source=tuple(self.reservation_source[k] for k in idx),
            mask=self.mask[idx])


def finish_utilities(loss: FloatArray) -> FloatArray:
    """``1 - loss`` clipped to [0, 1] (rounding can push a sum of weights past 1)."""
    out: FloatArray = np.clip(1.0 - loss, 0.0, 1.0)
    return out


def preferences(scenario: Scenario, *, parties: Sequence[str] | None = None,
                loss: Loss = "linear") -> Preferences:
    """Build the parties' :class:`Preferences` from a scenario.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    parties : sequence of str, optional
        Actor ids to treat as parties (default: every actor whose role is ``party``).
    loss : {'linear', 'quadratic'}
        Loss shape (see the module docstring).

    Raises
    ------
    ScenarioError
        For an unknown loss or party id, a party without a stance of positive salience,
        or a reservation utility outside [0, 1].
    """
    problems: list[Problem] = []
    if loss not in LOSSES:
        problems.append(Problem("loss", "must be 'linear' or 'quadratic'", loss,
                                "choose one of the two"))
    known = [a.id for a in scenario.actors]
    if parties is None:
        ids = [a.id for a in scenario.parties]
        if not ids:
            problems.append(Problem("actors", "deal analysis needs at least one actor with "
                                    "role 'party'", [], "give the negotiating actors role "
                                    "'party', or name them with parties=[...]"))
    else:
        ids = list(parties)
        for pid in ids:
            if pid not in known:
                problems.append(Problem("parties", "must name declared actors", pid,
                                        f"use some of: {', '.join(known)}"))
        if len(set(ids)) != len(ids):
            problems.append(Problem("parties", "must not repeat an actor", ids,
                                    "name each party once"))
        if not ids:
            problems.append(Problem("parties", "must name at least one actor", ids,
                                    "name the negotiating actors"))
    if problems:
        raise ScenarioError(problems, scenario.name)

    view = array_view(scenario)
    rows = np.array([view.actor_ids.index(a) for a in ids], dtype=int)
    mask = view.mask[rows]
    salience = np.where(mask, view.salience[rows], 0.0)
    total = salience.sum(axis=1)
    for k, pid in enumerate(ids):
        if not total[k] > 0:
            problems.append(Problem(f"actors[{known.index(pid)}]",
                                    "a party needs a stance with positive salience for deal "
                                    "analysis", pid, "add a stance, or leave it out of "
                                    "parties=[...]"))
        res = scenario.actor(pid).reservation
        if res is not None and not 0.0 <= res <= 1.0:
            problems.append(Problem(f"actors[{known.index(pid)}].reservation",
                                    "a reservation utility must be in [0, 1] (0: the worst "
                                    "package, 1: the party's ideal)", res,
                                    "give a number in [0, 1], or drop it to use the status "
                                    "quo"))
    if problems:
        raise ScenarioError(problems, scenario.name)

    weight = salience / total[:, None]
    mid = (view.low + view.high) / 2.0
    position = np.where(mask, view.position[rows], mid)
    acc_lo = np.maximum(view.acceptable_low[rows], view.low)
    acc_hi = np.minimum(view.acceptable_high[rows], view.high)
    sq_missing = np.isnan(view.status_quo)
    partial = bool((mask & (weight > 0) & sq_missing).any(axis=1).any())
    base = Preferences(
        actor_ids=tuple(ids), issue_ids=view.issue_ids, position=position, weight=weight,
        low=view.low, high=view.high, acceptable_low=acc_lo, acceptable_high=acc_hi,
        status_quo=view.status_quo, reservation=np.zeros(len(ids)),
        reservation_source=(), loss=loss, mask=mask)
    no_deal = base.no_deal_utilities()
    reservation = no_deal.copy()
    sources = []
    for k, pid in enumerate(ids):
        res = scenario.actor(pid).reservation
        cares_missing = bool((weight[k] > 0)[sq_missing].any()) if partial else False
        if res is not None:
            reservation[k] = res
            sources.append("explicit")
        else:
            sources.append("status_quo_partial" if cares_missing else "status_quo")
    return replace(base, reservation=reservation, reservation_source=tuple(sources))
