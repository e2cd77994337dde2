"""Stokman's exchange model: actors trade voting positions on issues they care less about.

Two actors on opposite sides of the outcome on two issues p and q can both gain if each
moves towards the other on the issue it cares less about. The outcome of every issue is the
capability x salience weighted mean of the (voting) positions,

.. math:: O_d = \\frac{\\sum_i c_i s_{id} y_{id}}{\\sum_i c_i s_{id}},

and an actor's utility is the salience-weighted closeness of the outcomes to its
positions, so shifting :math:`O_p` by :math:`\\Delta_p` towards actor *i* (who demands p)
and :math:`O_q` by :math:`\\Delta_q` towards *j* gives both the same gain when
:math:`\\Delta_q = \\Delta_p (s_{ip} + s_{jp}) / (s_{iq} + s_{jq})` (Equal Gain, Stokman &
Van Oosten 1994). In each round the exchange with the highest gain is executed first, the
candidates it affects are recomputed, and so on until none is left; an exchange never
moves an actor past its partner's position nor an outcome past the demander's position.
Between rounds the preference positions move towards the voting positions,
:math:`x' = x + (0.1 + 0.4(1 - s))(y - x)` (Decide; Stokman 2015). The forecast is the
outcome after the last round. The randomised variant REX (Dijkstra et al. 2018) randomises
the division of each exchange's gain and is run ``n_repetitions`` times. The algorithm and
its equations are in :mod:`parley.models.exchange_kernel`; ``docs/models/exchange.md``
compares it with the Decide software.

Decide gives an actor's power per actor-issue; parley's scenario has one capability per
actor, used on every issue. :func:`~parley.models.exchange_kernel.exchange_rounds` takes a
per-issue ``power`` array for data where power varies by issue.

References
----------
.. [1] Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an
   object-oriented model of policy networks. In B. Bueno de Mesquita & F. N. Stokman
   (eds.), *European Community Decision Making*, 105-127. Yale University Press.
.. [2] Stokman, F. N. (2015). Decide: software for analysing and supporting collective
   decision-making.
.. [3] Dijkstra, J., van Assen, M. A. L. M., Stokman, F. N. & Draaijer, J. (2018). The
   exchange of voting positions: randomised equal gain (REX).

Examples
--------
A cares most about issue x and B about issue y; they are on opposite sides of both
compromises (20 and 80). Each gives in completely on the issue it cares less about, in
every round:

>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 0.8},
...                 {"actor": "a", "issue": "y", "position": 0, "salience": 0.2},
...                 {"actor": "b", "issue": "x", "position": 100, "salience": 0.2},
...                 {"actor": "b", "issue": "y", "position": 100, "salience": 0.8}]})
>>> f = ExchangeModel(max_rounds=1).run(s, rng=1)
>>> {k: round(v, 6) for k, v in f.outcomes().items()}
{'x': 0.0, 'y': 100.0}
>>> [(m["actor"], m["issue"], m["from"], round(m["to"], 6))
...  for m in f.diagnostics["exchanges"][0][0]["moves"]]
[('a', 'y', 0.0, 100.0), ('b', 'x', 100.0, 0.0)]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from parley.arrays import ArrayView, array_view
from parley.errors import ParleyError
from parley.models.base import Forecast, make_forecast, register
from parley.models.compromise import weighted_mean
from parley.models.exchange_kernel import ExchangeRecord, ExchangeRun, TieBreak, exchange_rounds
from parley.rng import SeedLike, as_generator
from parley.scenario import Scenario

__all__ = ["ExchangeModel"]

FloatArray = NDArray[np.float64]


@register
@dataclass(frozen=True)
class ExchangeModel:
    """Stokman's exchange model, Equal Gain or randomised (REX).

    Parameters
    ----------
    variant : {'equal', 'random'}
        ``'equal'``: Equal Gain (Stokman & Van Oosten 1994). ``'random'``: REX (Dijkstra
        et al. 2018), repeated ``n_repetitions`` times; the forecast is the mean outcome.
    p : float in [0, 1]
        REX: how far each exchange's division of gain may stray from equal (0: Equal
        Gain). The default, 0.8, is the non-zero value that Decide's command line runs.
    n_repetitions : int
        REX: number of runs (each with its own child seed).
    max_rounds : int
        Most rounds of exchange (Decide's default: 10); the model stops earlier when a
        round has no exchange.
    outcome : {'voting', 'preference'}
        Forecast the weighted mean of the last round's voting positions (the positions
        actors take after exchanging, the default) or of their updated preferences.
    tie_break : {'random', 'listed'}
        Equal gains (within a relative 1e-9) are broken by a seeded random order of the
        actors' and issues' ids (``'random'``, so that listing the actors in another order
        changes nothing), or by Decide's listing order (``'listed'``: issue pair, groups
        A-D before B-C, then actor order; it depends on the order of the actors).
    allow_overshoot : bool
        Drop the constraint that an exchange may not move an outcome past the demander's
        position.
    fixed_weight, salience_weight : float
        The preference update :math:`x' = x + (f + g(1 - s))(y - x)` (Decide: 0.1, 0.4).
    """

    name: ClassVar[str] = "exchange"

    variant: Literal["equal", "random"] = "equal"
    p: float = 0.8
    n_repetitions: int = 100
    max_rounds: int = 10
    outcome: Literal["voting", "preference"] = "voting"
    tie_break: TieBreak = "random"
    allow_overshoot: bool = False
    fixed_weight: float = 0.1
    salience_weight: float = 0.4

    def __post_init__(self) -> None:
        def bad(field: str, rule: str, fix: str) -> ParleyError:
            value = getattr(self, field)
            return ParleyError(f"exchange model parameter {field} {rule}; got {value!r} "
                               f"({fix})")

        choices = {"variant": ("equal", "random"), "outcome": ("voting", "preference"),
                   "tie_break": ("random", "listed")}
        for field, allowed in choices.items():
            if getattr(self, field) not in allowed:
                raise bad(field, f"must be one of {', '.join(map(repr, allowed))}",
                          "choose one of them")
        if not 0.0 <= self.p <= 1.0:
            raise bad("p", "must be in [0, 1]", "0 is Equal Gain, 1 the widest randomisation")
        for field, low in (("n_repetitions", 1), ("max_rounds", 0)):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise bad(field, f"must be an integer >= {low}", f"give a whole number >= {low}")
        for field in ("fixed_weight", "salience_weight"):
            if not getattr(self, field) >= 0.0:
                raise bad(field, "must be >= 0", "Decide uses fixed 0.1, salience 0.4")
        if not self.fixed_weight + self.salience_weight <= 1.0:
            raise bad("salience_weight", f"plus fixed_weight ({self.fixed_weight!r}) must "
                      "not exceed 1", "preferences must not move past the voting positions")

    def run(self, scenario: Scenario, *, rng: SeedLike = None) -> Forecast:
        """Run rounds of exchange on ``scenario`` and forecast every issue's outcome."""
        v = array_view(scenario, require_weight=True)
        gen = as_generator(rng)
        span = v.high - v.low
        z = (v.position - v.low) / span * 100.0
        power = np.broadcast_to(v.capability[:, None], z.shape)
        weight = v.weights()
        actor_rank, issue_rank = _ranks(v.actor_ids), _ranks(v.issue_ids)

        def one(seed: np.random.Generator, p: float) -> ExchangeRun:
            return exchange_rounds(
                z, v.salience, power, v.mask, max_rounds=self.max_rounds, rng=seed, p=p,
                tie_break=self.tie_break, allow_overshoot=self.allow_overshoot,
                fixed_weight=self.fixed_weight, salience_weight=self.salience_weight,
                actor_rank=actor_rank, issue_rank=issue_rank)

        def native(run: ExchangeRun) -> FloatArray:
            pos = run.voting if self.outcome == "voting" else run.preference
            return v.low + pos / 100.0 * span

        if self.variant == "equal":
            run = one(gen, 0.0)
            history = native(run)
            outcome = weighted_mean(history[-1], weight)
            diagnostics = _equal_diagnostics(run, v, weight)
        else:
            runs = [one(child, self.p) for child in gen.spawn(self.n_repetitions)]
            histories = [native(r) for r in runs]
            longest = max(h.shape[0] for h in histories)
            history = np.mean([np.concatenate([h, np.repeat(h[-1:], longest - h.shape[0], 0)])
                               for h in histories], axis=0)
            finals = np.array([weighted_mean(h[-1], weight) for h in histories])
            outcome = finals.mean(axis=0)
            diagnostics = _random_diagnostics(runs, finals, v)
        diagnostics = {"variant": self.variant, "outcome": self.outcome, **diagnostics}
        return make_forecast(self, scenario, outcome, actor_ids=v.actor_ids,
                             history=history, diagnostics=diagnostics)


def _ranks(ids: tuple[str, ...]) -> NDArray[np.int64]:
    """Rank of each id in sorted order (ties in the seeded tie-break follow the ids)."""
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[order] = np.arange(len(ids))
    return ranks


def _exchange_dict(e: ExchangeRecord, v: ArrayView) -> dict[str, Any]:
    span = v.high - v.low
    a, b = v.actor_ids[e.actor_p], v.actor_ids[e.actor_q]
    p, q = v.issue_ids[e.issue_p], v.issue_ids[e.issue_q]

    def at(d: int, z: float) -> float:
        return float(v.low[d] + z / 100.0 * span[d])

    third = np.ones(v.n_actors, dtype=bool)
    third[[e.actor_p, e.actor_q]] = False
    ext = e.externalities

    def total(where: NDArray[np.bool_], sign: int) -> float:
        vals = ext[where & third]
        return float(vals[vals * sign > 0].sum())

    return {
        "actors": [a, b],
        "demands": {a: p, b: q},
        "moves": [
            {"actor": a, "issue": q, "from": at(e.issue_q, e.q_from), "to": at(e.issue_q, e.q_to)},
            {"actor": b, "issue": p, "from": at(e.issue_p, e.p_from), "to": at(e.issue_p, e.p_to)},
        ],
        "outcome_shift": {p: float(e.shift_p / 100.0 * span[e.issue_p]),
                          q: float(e.shift_q / 100.0 * span[e.issue_q])},
        "gain": e.gain,
        "gains": {a: e.gain_p, b: e.gain_q},
        "overshoot_limited": e.overshoot,
        "tied": e.tied,
        "externalities": {
            "inner_positive": total(e.inner, 1), "inner_negative": total(e.inner, -1),
            "outer_positive": total(~e.inner, 1), "outer_negative": total(~e.inner, -1),
            "by_actor": {v.actor_ids[k]: float(ext[k]) for k in np.flatnonzero(third)},
        },
    }


def _equal_diagnostics(run: ExchangeRun, v: ArrayView, weight: FloatArray) -> dict[str, Any]:
    span = v.high - v.low

    def outcomes(pos: FloatArray) -> list[list[float]]:
        return [weighted_mean(v.low + row / 100.0 * span, weight).tolist() for row in pos[1:]]

    return {
        "rounds": len(run.exchanges),
        "stop_reason": run.stop_reason,
        "exchanges_per_round": [len(r) for r in run.exchanges],
        "ties": sum(e.tied > 1 for r in run.exchanges for e in r),
        "voting_outcome": outcomes(run.voting),
        "preference_outcome": outcomes(run.preference),
        "units": "positions and shifts in issue units; gains and externalities in "
                 "salience x points on the issue's scale normalised to 0-100",
        "exchanges": [[_exchange_dict(e, v) for e in r] for r in run.exchanges],
    }


def _random_diagnostics(runs: list[ExchangeRun], finals: FloatArray,
                        v: ArrayView) -> dict[str, Any]:
    cov = np.atleast_2d(np.cov(finals, rowvar=False, ddof=0))
    return {
        "repetitions": len(runs),
        "outcome_sd": finals.std(axis=0).tolist(),
        "outcome_cov": cov.tolist(),
        "outcomes": finals.tolist(),
        "rounds": [len(r.exchanges) for r in runs],
        "stop_reasons": dict(Counter(r.stop_reason for r in runs)),
        "exchanges_per_round_mean": float(np.mean(
            [len(x) for r in runs for x in r.exchanges] or [0])),
        "issues": list(v.issue_ids),
    }
