"""Bueno de Mesquita's expected utility ("challenge") model, as reconstructed by Scholz et al.

Each issue is a line. Actor *i* has capability :math:`c_i`, salience :math:`s_i \\in [0, 1]`
and position :math:`x_i`; distances are normalised by the scale's width,
:math:`d_{ij} = |x_i - x_j| / (\\text{high} - \\text{low})`. In rounds, every actor weighs
challenging every other actor, offers are made, and every actor accepts at most one
(Bueno de Mesquita 1994, 1997; Scholz, Calbert & Smith 2011).

Utilities, perceived by *i* with its risk exponent :math:`r_i`:

.. math::

    U_s = 2 - 4(\\tfrac12 - \\tfrac12 d_{ij})^{r_i}, \\quad
    U_f = 2 - 4(\\tfrac12 + \\tfrac12 d_{ij})^{r_i}, \\quad
    U_{sq} = 2 - 4(\\tfrac12)^{r_i},

    U_b = 2 - 4(\\tfrac12 - \\tfrac14(d_{i\\mu} + d_{ij}))^{r_i}, \\quad
    U_w = 2 - 4(\\tfrac12 + \\tfrac14(d_{i\\mu} + d_{ij}))^{r_i}

(:math:`\\mu` the capability x salience weighted median). Votes and the probability that
*i* beats *j*:

.. math::

    v_k(x_i, x_j) = c_k s_k (d_{kj}^{\\rho_k} - d_{ki}^{\\rho_k}), \\qquad
    P_{ij} = \\frac{\\sum_{k: v_k > 0} v_k(x_i, x_j)}{\\text{denominator}}

with :math:`\\rho_k = r_k` (Scholz's code) or 1 (BDM), and the denominator
:math:`\\sum_k |v_k(x_i, x_j)|` (BDM, so :math:`P_{ij} + P_{ji} = 1`) or one global constant
:math:`\\sum_k \\sum_a \\sum_b |v_k(x_a, x_b)|` (Scholz's code). Expected utility of *i*
challenging *j*, as *i* sees it:

.. math::

    E^i(U_{ij}) = s_j [P_{ij} U_s + (1 - P_{ij}) U_f] + (1 - s_j) U_s - Q U_{sq}
                  - (1 - Q)[T U_b + (1 - T) U_w],

and :math:`E^i(U_{ji})` swaps *i* and *j* in *P*, *s* and :math:`d_{\\cdot\\mu}` but keeps
:math:`r_i`. Risk: with every exponent 1, the danger of *i* is
:math:`D_i = \\sum_{j \\ne i} E(U_{ji})`,
:math:`R_i = (2 D_i - D_{max} - D_{min}) / (D_{max} - D_{min})` and
:math:`r_i = (1 - R_i/3)/(1 + R_i/3)`. With :math:`a = E^i(U_{ij})` and
:math:`b = E^i(U_{ji})`, receiver *i* gets from *j*: a *conflict* it loses when
:math:`b > a > 0` (moves to :math:`x_j`); a *compromise* when :math:`a < 0 < b` and
:math:`b > |a|` (moves to :math:`x_i + (x_j - x_i)|a|/b`); a *capitulation* when
:math:`a < 0 < b \\le |a|` (moves to :math:`x_j`; absent from Scholz's code). All actors move
at once. The forecast is the weighted median after the last round; the weighted mean is
reported beside it.

``variant`` picks a preset; every switch can also be set on its own (``None`` means "as the
variant says"):

=================  ===========================  ==========================
option             ``"scholz2011"`` (default)   ``"bdm1994"``
=================  ===========================  ==========================
``probability``    ``"global"``                 ``"pair"``
``vote_exponent``  ``"risk"``                   ``"linear"``
``risk``           ``"actors"``                 ``"positions"``
``q``, ``t``       1.0, 0.5                     1.0, 0.5
``capitulation``   ``False``                    ``True``
``offer_choice``   ``"scholz2011"``             ``"smallest-move"``
=================  ===========================  ==========================

``docs/models/expected-utility.md`` explains each option, the stop rules and what each
variant gives on Bueno de Mesquita's EC car-emissions example. The model is deterministic:
``rng`` is accepted for the common interface and ignored.

References
----------
.. [1] Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method.
   In B. Bueno de Mesquita and F. N. Stokman (eds.), *European Community Decision Making*,
   71-104. Yale University Press.
.. [2] Bueno de Mesquita, B. (1997). A decision making model: its structure and form.
   *International Interactions* 23(3-4), 235-266.
.. [3] Scholz, J. B., Calbert, G. J. and Smith, G. A. (2011). Unravelling Bueno de
   Mesquita's group decision model. *Journal of Theoretical Politics* 23(4), 510-531.

Examples
--------
Three actors on a 0..10 scale: A (capability 2, salience 0.5) at 0, B (1, 1) at 4 and C
(1, 0.5) at 10. With every risk exponent 1 and the pairwise probability, A and B share the
vote on (A, B) 0.4 : 0.6, so :math:`E^A(U_{AB}) = 0.8(1 - 2 \\cdot 1 \\cdot 0.6) = -0.16` and
:math:`E^A(U_{BA}) = 0.8(1 - 2 \\cdot 0.5 \\cdot 0.4) = 0.48`: A compromises
:math:`0.16/0.48 = 1/3` of the way to B. C loses a conflict to A and moves to 0. The median
of (0, 4/3, 4) with weights (0.5, 1, 1) is 4/3:

>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 2},
...                {"id": "b", "name": "B", "capability": 1},
...                {"id": "c", "name": "C", "capability": 1}],
...     "issues": [{"id": "x", "name": "X", "scale": {"low": 0, "high": 10}}],
...     "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 0.5},
...                 {"actor": "b", "issue": "x", "position": 4, "salience": 1.0},
...                 {"actor": "c", "issue": "x", "position": 10, "salience": 0.5}]})
>>> f = ExpectedUtility(risk="neutral", probability="pair", max_rounds=1).run(s)
>>> [round(float(x), 4) for x in f.history[1, :, 0]], round(f["x"], 4)
([1.3333, 4.0, 0.0], 1.3333)
>>> f.diagnostics["issues"]["x"]["moves"][0][2]
{'offer': 'conflict', 'from': 'a', 'position': 0.0}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

from parley.arrays import array_view
from parley.errors import ParleyError
from parley.models.base import Forecast, make_forecast, register
from parley.models.eum_kernel import (
    OFFER_KINDS,
    STOP_REASONS,
    EUMOptions,
    EUMResult,
    OfferChoice,
    ProbabilityRule,
    RiskRule,
    StopRule,
    VoteExponent,
    eum_kernel,
)
from parley.rng import SeedLike
from parley.scenario import Scenario

__all__ = ["VARIANTS", "ExpectedUtility", "Variant"]

Variant = Literal["scholz2011", "bdm1994"]

#: The presets: Scholz et al.'s reconstruction (their code) and Bueno de Mesquita's text.
VARIANTS: dict[str, dict[str, Any]] = {
    "scholz2011": {"probability": "global", "vote_exponent": "risk", "risk": "actors",
                   "q": 1.0, "t": 0.5, "capitulation": False, "offer_choice": "scholz2011"},
    "bdm1994": {"probability": "pair", "vote_exponent": "linear", "risk": "positions",
                "q": 1.0, "t": 0.5, "capitulation": True, "offer_choice": "smallest-move"},
}


@register
@dataclass(frozen=True)
class ExpectedUtility:
    """Bueno de Mesquita's expected utility model (BDM 1994; Scholz et al. 2011).

    Parameters
    ----------
    variant : {'scholz2011', 'bdm1994'}
        Preset for every option left at ``None``.
    probability : {'global', 'pair'}, optional
        Denominator of the probability of success.
    vote_exponent : {'risk', 'linear'}, optional
        Distances in votes raised to the voter's risk exponent, or linear.
    risk : {'actors', 'positions', 'neutral'}, optional
        Danger compared across actors, across the actor's possible positions, or no risk
        step (every exponent 1).
    q, t : float, optional
        Probability that the status quo persists without a challenge (Q) and that things
        then improve for the challenger (T); T matters only when Q < 1.
    capitulation : bool, optional
        Whether capitulation offers exist.
    offer_choice : {'scholz2011', 'smallest-move', 'largest-eu'}, optional
        How a receiver picks one of several offers.
    max_rounds : int
        Most rounds run (default 10, as Scholz et al. ran the model).
    stop : {'repeat', 'no-offers', 'max-rounds'}
        Stop at the first repeated state, when no actor accepts an offer, or only after
        ``max_rounds``. Repeats are reported in ``diagnostics`` whatever the rule.
    tol : float
        States within ``tol`` times the scale's width count as the same.
    """

    name: ClassVar[str] = "expected-utility"

    variant: Variant = "scholz2011"
    probability: ProbabilityRule | None = None
    vote_exponent: VoteExponent | None = None
    risk: RiskRule | None = None
    q: float | None = None
    t: float | None = None
    capitulation: bool | None = None
    offer_choice: OfferChoice | None = None
    max_rounds: int = 10
    stop: StopRule = "repeat"
    tol: float = 1e-9

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ParleyError(f"expected-utility option 'variant' must be one of "
                              f"{list(VARIANTS)}; got {self.variant!r}")
        self.options()

    def options(self) -> EUMOptions:
        """The kernel options: the variant's preset with every explicit option applied."""
        chosen = dict(VARIANTS[self.variant])
        for key in chosen:
            value = getattr(self, key)
            if value is not None:
                chosen[key] = value
        return EUMOptions(**chosen, max_rounds=self.max_rounds, stop=self.stop,
                          tol=self.tol)

    def run(self, scenario: Scenario, *, rng: SeedLike = None) -> Forecast:
        """Run the rounds on every issue and forecast the weighted median after the last."""
        v = array_view(scenario, require_weight=True)
        opts = self.options()
        res = eum_kernel(v.capability[None], v.position[None], v.salience[None],
                         v.mask[None], v.low, v.high, opts)
        rounds = int(res.rounds.max(initial=0))
        return make_forecast(
            self, scenario, res.outcome[0],
            actor_ids=v.actor_ids,
            history=res.positions[0, : rounds + 1],
            diagnostics=_diagnostics(self.variant, opts, res, v.actor_ids, v.issue_ids,
                                     v.mask),
        )


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


def _diagnostics(variant: str, opts: EUMOptions, res: EUMResult, actors: tuple[str, ...],
                 issues: tuple[str, ...], mask: np.ndarray[Any, Any]) -> dict[str, Any]:
    """JSON-ready diagnostics of a B = 1 kernel result."""
    per_issue: dict[str, Any] = {}
    for j, issue in enumerate(issues):
        k = int(res.rounds[0, j])
        period, first = int(res.period[0, j]), int(res.first_round[0, j])
        repeat = {"period": period, "first_round": first} if period > 0 else None
        moves = []
        for t in range(k):
            row = []
            for i in range(len(actors)):
                kind = int(res.offer[0, t, i, j])
                who = int(res.sender[0, t, i, j])
                row.append({
                    "offer": OFFER_KINDS[kind],
                    "from": actors[who] if kind else None,
                    "position": _num(res.positions[0, t + 1, i, j]) if kind else None,
                })
            moves.append(row)
        per_issue[issue] = {
            "rounds": k,
            "stop": STOP_REASONS[int(res.stop[0, j])],
            "repeat": repeat,
            "oscillation": repeat if period > 1 else None,
            "median": [_num(x) for x in res.median[0, : k + 1, j]],
            "mean": [_num(x) for x in res.mean[0, : k + 1, j]],
            "risk": [[_num(r) if mask[i, j] else None
                      for i, r in enumerate(res.risk[0, t, :, j])] for t in range(k)],
            "moves": moves,
        }
    options = {key: getattr(opts, key) for key in (
        "probability", "vote_exponent", "risk", "q", "t", "capitulation", "offer_choice",
        "max_rounds", "stop", "tol")}
    return {
        "variant": variant,
        "options": options,
        "rounds": int(res.rounds.max(initial=0)),
        "weighted_mean": {issue: _num(res.mean[0, -1, j]) for j, issue in enumerate(issues)},
        "issues": per_issue,
    }
