"""KTAB's spatial model of politics (SMP): bargaining over several issues at once.

Each actor *i* has a capability :math:`c_i`, a position :math:`x_i` and an ideal
:math:`y_i` in :math:`[0,1]^m` (every issue of the scenario is a dimension, mapped from its
scale to [0, 1]) and saliences :math:`s_{ik}` with total :math:`S_i = \\sum_k s_{ik} \\le 1`.
Rounds repeat, as in KTAB's ``smpc`` (Wise, Lester & Efird 2015; KTAB's ``SMPState``):

* **Utility.** :math:`D_{ij} = \\sqrt{\\sum_k s_{ik}^2 (y_{ik} - x_{jk})^2 / \\sum_k s_{ik}^2}`
  and :math:`u(D, R) = (1 - D)(1 + D R)` with risk attitude :math:`R \\in [-1, 1]`.
* **Votes and probabilities.** Actor *k* votes :math:`v(w_k, u_a, u_b)` (Prop:
  :math:`w_k (u_a - u_b)`) between options *a*, *b*; coalition strengths
  :math:`C_{ab} = 10^{-8} + \\sum_k v_k^+`; victory probabilities
  :math:`\\pi_{ab} = C_{ab}/(C_{ab} + C_{ba})` (VictoryProbModel Linear); the probability of
  each option is a probabilistic Condorcet election (PCE Conditional:
  :math:`P_a \\propto \\prod_b \\pi_{ab}`).
* **Risk attitudes.** The risk-neutral PCE :math:`P^0` over the *n* positions (weights
  :math:`c`) gives :math:`R_i = (3P^0_i - P_{max} - 2P_{min})/(2(P_{max} - P_{min}))`
  (BigRRange Mid) and *h*'s estimate :math:`\\hat R_{hi} = (2R_h + R_i)/3` (BigRAdjust
  OneThird).
* **Challenges.** From *h*'s view (:math:`U_{ab} = u(D_{ab}, \\hat R_{ha})`), *i* challenging
  *j* wins with :math:`\\phi = C_{ij}/(C_{ij} + C_{ji})`, the principals voting with weight
  :math:`w = c S` and each third party voting on its little three-actor contest
  (ThirdPartyCommit SemiCommit). *k*'s expected gain is
  :math:`\\Delta EU_k = (1 - S_j) 2U_{ki} + S_j(\\phi\\,2U_{ki} + (1-\\phi)\\,2U_{kj}) -
  (U_{ki} + U_{kj})`. Each *i* targets the *j* with the largest :math:`\\Delta EU_i > 10^{-5}`.
* **Bargains.** Both sides are asked to move to
  :math:`(\\omega_i x_{ik} + \\omega_j x_{jk})/(\\omega_i + \\omega_j)`,
  :math:`\\omega_i = s_{ik}^2 \\phi^2`, :math:`\\omega_j = s_{jk}^2 (1-\\phi)^2`, rounded to 4
  decimals (InterVecBrgn S2P2, BargnModel InitOnlyInterp).
* **Queues.** Each actor's queue holds its status quo and every bargain it is party to; a
  PCE (weights :math:`c`) over the mean utility each actor expects from the state each
  bargain would produce picks the winner (StateTransitions Deterministic: the most likely;
  Stochastic: a draw, from one independent random stream per queue).
* **Ideals** follow positions: :math:`y_i \\leftarrow \\sum_j A_{ij} x_j + (1 -
  \\sum_j A_{ij}) y_i` (accommodation matrix *A*, the identity by default).
* **Stopping.** After round :math:`t \\ge 2` when :math:`\\Delta_t < 0.02\\,(\\Delta_1 +
  10^{-4})`, :math:`\\Delta_t = \\sum_i \\lVert x_i(t) - x_i(t-1)\\rVert_2`, or at round 100.

KTAB never states a forecast; parley's outcome per issue is the probability-weighted mean
of the distinct final positions, and ``diagnostics`` add the modal position, the final
positions and their probabilities. All nine KTAB options are parameters (KTAB's defaults
are parley's). KTAB's bugs are fixed unless ``ktab_compat=True``: among them, third parties
that never vote under NoCommit/FullCommit, BigRAdjust=Full and full consensus that throw, the
receiver's bargain built from an expected gain instead of a probability, results that depend
on the scale of capabilities (parley rescales them to mean 100), ties broken by the order of
the file (parley: by actor id) and reported probabilities of the wrong group. With default
options both modes reproduce ``smpc``'s positions exactly. ``docs/models/spatial.md`` lists
the options, KTAB's names and codes, and every difference.

References
----------
.. [1] Wise, B., Lester, L. and Efird, B. (2015). *An introduction to the KAPSARC Toolkit
   for Behavioral Analysis (KTAB) using one-dimensional spatial models*. KAPSARC discussion
   paper KS-1516-DP011A.
.. [2] Efird, B., Lester, L. and Wise, B. (2016). Analyzing coalitions in China's policy
   formulation. *Journal of East Asian Studies* 16(1), 121-139.
.. [3] KAPSARC (2015-2019). *KTAB: KAPSARC Toolkit for Behavioral Analysis*, source code,
   ``examples/smp`` (MIT licence). https://github.com/KAPSARC/KTAB

Examples
--------
Three actors on one issue. A (capability 3) at 90 is the likeliest position; the two weaker
actors at 20 and 30 are pulled towards it, and the forecast lies between:

>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 3},
...                {"id": "b", "name": "B", "capability": 1},
...                {"id": "c", "name": "C", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 90, "salience": 0.5},
...                 {"actor": "b", "issue": "x", "position": 20, "salience": 0.5},
...                 {"actor": "c", "issue": "x", "position": 30, "salience": 0.5}]})
>>> f = SpatialModel().run(s)
>>> 20 < f["x"] < 90, f.history.shape[1:]
(True, (3, 1))
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from parley.arrays import ArrayView, array_view
from parley.errors import Problem, ScenarioError
from parley.models.base import Forecast, make_forecast, register
from parley.models.spatial_kernel import (
    KTAB_OPTION_NAMES,
    SmpKernelResult,
    SmpOptions,
    smp_kernel,
)
from parley.rng import SeedLike
from parley.scenario import Scenario

__all__ = ["KTAB_DEFAULTS", "PARAMETER_OF_OPTION", "SpatialModel", "queue_uniforms"]

FloatArray = NDArray[np.float64]

PARAMETER_OF_OPTION: dict[str, str] = {
    "VictoryProbModel": "victory_prob_model",
    "PCEModel": "pce_model",
    "StateTransitions": "state_transitions",
    "VotingRule": "voting_rule",
    "BigRAdjust": "big_r_adjust",
    "BigRRange": "big_r_range",
    "ThirdPartyCommit": "third_party_commit",
    "InterVecBrgn": "inter_vec_brgn",
    "BargnModel": "bargn_model",
}
"""KTAB's option name -> parley's parameter name, in KTAB's order."""

KTAB_DEFAULTS: tuple[int, ...] = (0, 0, 0, 2, 1, 1, 1, 1, 0)
"""KTAB's default option codes, in the order of :data:`PARAMETER_OF_OPTION`."""

# aliases in KTAB's XML schema (smpSchema.xsd) that its reader does not accept
_ALIASES = {"VotingRule": {"proportional": 2}, "BigRAdjust": {"no": 0}}


def _snake(name: str) -> str:
    """KTAB's value name in parley's spelling: ``MarkovIncentive`` -> ``markov_incentive``."""
    special = {"PropBin": "prop_bin", "PropCbc": "prop_cbc", "ASymProsp": "asym_prosp",
               "S2PMax": "s2pmax", "PWCompInterp": "pw_comp_interp"}
    if name in special:
        return special[name]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text).lower()


def _code(option: str, value: object) -> int:
    """The integer code of a value given as parley name, KTAB name or code."""
    names = KTAB_OPTION_NAMES[option]
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | np.integer):
        if 0 <= int(value) < len(names):
            return int(value)
        raise ValueError
    if isinstance(value, str):
        key = _squash(value)
        for code, name in enumerate(names):
            if key in (_squash(name), _squash(_snake(name))):
                return code
        if key in _ALIASES.get(option, {}):
            return _ALIASES[option][key]
    raise ValueError


def _choices(option: str) -> str:
    return ", ".join(f"{_snake(n)!r} ({n}, {c})" for c, n in enumerate(KTAB_OPTION_NAMES[option]))


@register
@dataclass(frozen=True)
class SpatialModel:
    """KTAB's spatial model of politics, with KTAB's nine options as parameters.

    Each option accepts parley's name (``"markov_incentive"``), KTAB's name
    (``"MarkovIncentive"``) or KTAB's integer code (``1``) and is stored as parley's name.

    Parameters
    ----------
    victory_prob_model : {'linear', 'square', 'quartic', 'octic', 'binary'}
        How coalition strength ratios become victory probabilities (KTAB VictoryProbModel).
    pce_model : {'conditional', 'markov_incentive', 'markov_uniform'}
        Probabilistic Condorcet election (KTAB PCEModel).
    state_transitions : {'deterministic', 'stochastic'}
        Whether each queue takes its likeliest bargain or draws one (KTAB StateTransitions).
    voting_rule : {'binary', 'prop_bin', 'prop', 'prop_cbc', 'cubic', 'asym_prosp'}
        How a utility difference becomes a vote (KTAB VotingRule).
    big_r_adjust : {'none', 'one_third', 'half', 'two_thirds', 'full'}
        Weight of *i*'s own risk attitude in *h*'s estimate of it (KTAB BigRAdjust).
    big_r_range : {'min', 'mid', 'max'}
        Range of risk attitudes: [0, 1], [-1/2, 1] or [-1, 1] (KTAB BigRRange).
    third_party_commit : {'no_commit', 'semi_commit', 'full_commit'}
        Which final positions a third party expects after joining a side (KTAB
        ThirdPartyCommit).
    inter_vec_brgn : {'s1p1', 's2p2', 's2pmax'}
        How a bargain interpolates the two positions (KTAB InterVecBrgn).
    bargn_model : {'init_only_interp', 'init_rcvr_interp', 'pw_comp_interp'}
        Whose estimate of the win probability forms the bargain (KTAB BargnModel).
    max_rounds : int
        Stop after this many rounds (KTAB: 100).
    tol : float
        Stop when a round's movement is below ``tol`` times the first round's (KTAB: 0.02).
    accommodation : tuple of (actor, reference, weight)
        Entries of KTAB's ideal-accommodation matrix, which starts as the identity: the
        ideal of ``actor`` moves with weight ``weight`` towards ``reference``'s position
        (KTAB XML ``IdealAdjustment``). Each row must sum to at most 1.
    ktab_compat : bool
        Reproduce KTAB's bugs and quirks instead of fixing them (see
        ``docs/models/spatial.md``).
    """

    name: ClassVar[str] = "spatial"
    victory_prob_model: str = "linear"
    pce_model: str = "conditional"
    state_transitions: str = "deterministic"
    voting_rule: str = "prop"
    big_r_adjust: str = "one_third"
    big_r_range: str = "mid"
    third_party_commit: str = "semi_commit"
    inter_vec_brgn: str = "s2p2"
    bargn_model: str = "init_only_interp"
    max_rounds: int = 100
    tol: float = 0.02
    accommodation: tuple[tuple[str, str, float], ...] = field(default=())
    ktab_compat: bool = False

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        for option, param in PARAMETER_OF_OPTION.items():
            value = getattr(self, param)
            try:
                code = _code(option, value)
            except ValueError:
                problems.append(Problem(f"spatial.{param}", f"must name a KTAB {option}",
                                        value, f"use one of {_choices(option)}"))
                continue
            object.__setattr__(self, param, _snake(KTAB_OPTION_NAMES[option][code]))
        if not isinstance(self.max_rounds, int) or self.max_rounds < 1:
            problems.append(Problem("spatial.max_rounds", "must be a whole number >= 1",
                                    self.max_rounds, "KTAB uses 100"))
        if not isinstance(self.tol, int | float) or not self.tol >= 0:
            problems.append(Problem("spatial.tol", "must be a number >= 0", self.tol,
                                    "KTAB uses 0.02"))
        try:
            acc = tuple((str(a), str(b), float(w)) for a, b, w in self.accommodation)
        except (TypeError, ValueError):
            problems.append(Problem("spatial.accommodation",
                                    "must be a sequence of (actor, reference, weight)",
                                    self.accommodation, "e.g. (('bob', 'alice', 0.07),)"))
        else:
            object.__setattr__(self, "accommodation", acc)
        if problems:
            raise ScenarioError(problems)

    # -- KTAB's vocabulary ---------------------------------------------------------------
    @classmethod
    def from_ktab(cls, parameters: Mapping[str, object] | Sequence[int] | None = None,
                  **kwargs: Any) -> SpatialModel:
        """Build the model from KTAB's option names (``{"PCEModel": "MarkovIncentive"}``,
        as in KTAB's XML) or its nine integer codes (as ``runSmpModel``'s ``modelParams``).

        >>> SpatialModel.from_ktab([0, 1, 1, 3, 1, 1, 1, 1, 0]).voting_rule
        'prop_cbc'
        """
        params: dict[str, Any] = {}
        if parameters is None:
            pass
        elif isinstance(parameters, Mapping):
            unknown = [k for k in parameters if k not in PARAMETER_OF_OPTION]
            if unknown:
                raise ScenarioError([Problem("spatial.parameters", "must be KTAB option names",
                                             unknown, f"use {', '.join(PARAMETER_OF_OPTION)}")])
            params = {PARAMETER_OF_OPTION[k]: v for k, v in parameters.items()}
        else:
            codes = list(parameters)
            if len(codes) != len(PARAMETER_OF_OPTION):
                raise ScenarioError([Problem("spatial.parameters", "must hold 9 option codes",
                                             codes, "give KTAB's nine codes in its order")])
            params = dict(zip(PARAMETER_OF_OPTION.values(), codes, strict=True))
        params.update(kwargs)
        return cls(**params)

    def ktab_codes(self) -> tuple[int, ...]:
        """The nine options as KTAB's integer codes, in KTAB's order.

        >>> SpatialModel().ktab_codes() == KTAB_DEFAULTS
        True
        """
        return tuple(_code(o, getattr(self, p)) for o, p in PARAMETER_OF_OPTION.items())

    def ktab_names(self) -> dict[str, str]:
        """The nine options under KTAB's names, with KTAB's value names."""
        return {o: KTAB_OPTION_NAMES[o][c]
                for o, c in zip(PARAMETER_OF_OPTION, self.ktab_codes(), strict=True)}

    def options(self) -> SmpOptions:
        """The options as the kernel takes them."""
        codes = dict(zip(PARAMETER_OF_OPTION.values(), self.ktab_codes(), strict=True))
        return SmpOptions(**codes, ktab_compat=self.ktab_compat, max_rounds=self.max_rounds,
                          tol=float(self.tol))

    @property
    def stochastic(self) -> bool:
        """Whether state transitions are drawn at random."""
        return self.state_transitions == "stochastic"

    # -- running -----------------------------------------------------------------------
    def run(self, scenario: Scenario, *, rng: SeedLike = None) -> Forecast:
        """Run the SMP on ``scenario`` until it settles; forecast each issue.

        ``rng`` seeds stochastic runs (one independent stream per actor's queue); it is
        ignored in deterministic mode.
        """
        full = array_view(scenario)
        # an actor with no positive salience anywhere has no say in the SMP (its votes and
        # challenges weigh nothing): it is left out and keeps its positions
        active: NDArray[np.bool_] = np.asarray((full.mask & (full.salience > 0)).any(axis=1))
        v = full if active.all() else _subset(full, active)
        prep = _prepare(v, self)
        order = prep.order
        acc = self._accommodation_matrix(v, order)
        uniforms = None
        entropy = None
        if self.stochastic:
            uniforms, entropy = queue_uniforms([rng], v.n_actors, self.max_rounds)
        res = smp_kernel(prep.capability[None], prep.position[None], prep.salience[None],
                         accommodation=None if acc is None else acc[None], uniforms=uniforms,
                         options=self.options())
        forecast = self._forecast(scenario, v, prep, res, entropy)
        if active.all() or forecast.history is None:
            return forecast
        history = np.repeat(full.position[None], forecast.history.shape[0], axis=0)
        history[:, active] = forecast.history
        diagnostics = dict(forecast.diagnostics)
        diagnostics["inert_actors"] = [a for a, on in zip(full.actor_ids, active, strict=True)
                                       if not on]
        return dataclasses.replace(forecast, actor_ids=full.actor_ids, history=history,
                                   diagnostics=diagnostics)

    def run_batch(self, capability: FloatArray, position: FloatArray, salience: FloatArray, *,
                  accommodation: FloatArray | None = None,
                  rng: SeedLike | Sequence[SeedLike] = None) -> SmpKernelResult:
        """Run the batched kernel with this model's options on arrays.

        Parameters
        ----------
        capability : ndarray, shape (B, n)
        position : ndarray, shape (B, n, m)
            Positions on [0, 1] (map each issue's scale first).
        salience : ndarray, shape (B, n, m)
            Saliences, each actor's total at most 1.
        accommodation : ndarray, shape (B, n, n), optional
        rng : seed, or one seed per batch element
            For stochastic runs: a single seed is spawned into one child per element;
            element *b* then equals :meth:`run` with ``rng`` set to that child.
        """
        cap = np.asarray(capability, dtype=float)
        uniforms = None
        if self.stochastic:
            bsz, n = cap.shape
            seeds: list[Any]
            if isinstance(rng, Sequence):
                seeds = list(rng)
            elif isinstance(rng, np.random.Generator):
                seeds = list(rng.spawn(bsz))
            else:
                seeds = _children(_seed_sequence(rng), bsz)
            if len(seeds) != bsz:
                raise ScenarioError([Problem("rng", "must give one seed per batch element",
                                             len(seeds), f"give {bsz} seeds")])
            uniforms, _ = queue_uniforms(seeds, n, self.max_rounds)
        return smp_kernel(cap, np.asarray(position, dtype=float),
                          np.asarray(salience, dtype=float), accommodation=accommodation,
                          uniforms=uniforms, options=self.options())

    def _accommodation_matrix(self, v: ArrayView, order: NDArray[np.intp]) -> FloatArray | None:
        if not self.accommodation:
            return None
        n = v.n_actors
        index = {a: k for k, a in enumerate(v.actor_ids)}
        acc = np.eye(n)
        problems: list[Problem] = []
        for e, (a, b, w) in enumerate(self.accommodation):
            for who in (a, b):
                if who not in index:
                    problems.append(Problem(f"spatial.accommodation[{e}]",
                                            "must name actors of the scenario", who,
                                            f"use one of {', '.join(v.actor_ids)}"))
            if not 0.0 <= w <= 1.0:
                problems.append(Problem(f"spatial.accommodation[{e}]", "weight must be in [0, 1]",
                                        w, "give a weight from 0 to 1"))
            if a in index and b in index:
                acc[index[a], index[b]] = w
        for k, total in enumerate(acc.sum(axis=1)):
            if total > 1.0 + 1e-10:
                problems.append(Problem(
                    "spatial.accommodation",
                    f"weights of actor {v.actor_ids[k]!r} must sum to at most 1",
                    float(total), "lower its own (diagonal) weight"))
        if problems:
            raise ScenarioError(problems)
        if np.array_equal(acc, np.eye(n)):
            return None
        out: FloatArray = acc[np.ix_(order, order)]
        return out

    def _forecast(self, scenario: Scenario, v: ArrayView, prep: _Prepared,
                  res: SmpKernelResult, entropy: list[Any] | None) -> Forecast:
        t = int(res.rounds[0])
        inv = np.argsort(prep.order)
        span = v.high - v.low
        hist = v.low + res.positions[0, :t + 1][:, inv] * span
        final = hist[-1]
        prob = res.probability[0, t][inv]
        rep = prob > 0
        group = prep.order[res.group[0, t]][inv]
        # summed in the kernel's order, so that the listing order of actors cannot matter
        k_prob, k_final = res.probability[0, t], hist[-1][prep.order]
        k_rep = k_prob > 0
        outcome = (k_prob[k_rep, None] * k_final[k_rep]).sum(axis=0) / k_prob[k_rep].sum()
        ids, issues = v.actor_ids, v.issue_ids

        def point(x: FloatArray) -> dict[str, float]:
            return {iss: float(val) for iss, val in zip(issues, x, strict=True)}

        distinct: list[dict[str, Any]] = []
        for k in sorted(np.flatnonzero(rep), key=lambda k: -prob[k]):
            members = [ids[a] for a in range(len(ids)) if group[a] == k]
            distinct.append({"position": point(final[k]), "probability": float(prob[k]),
                             "actors": members})
        aprob = res.actor_probability[0, :t + 1][:, inv]
        diagnostics: dict[str, Any] = {
            "rounds": t,
            "converged": bool(res.converged[0]),
            "stop": "movement" if res.converged[0] else "max_rounds",
            "ktab_options": self.ktab_names(),
            "ktab_codes": list(self.ktab_codes()),
            "ktab_compat": self.ktab_compat,
            "movement": [float(x) for x in res.movement[0, :t]],
            "final_positions": {a: point(final[k]) for k, a in enumerate(ids)},
            "position_probabilities": {a: float(aprob[-1, k]) for k, a in enumerate(ids)},
            "probability_history": aprob.tolist(),
            "risk_attitudes": {a: float(r) for a, r in zip(ids, res.risk[0, t][inv],
                                                            strict=True)},
            "modal_position": distinct[0],
            "distinct_positions": distinct,
            "ideals": {a: point(v.low + res.ideals[0, t][inv][k] * span)
                       for k, a in enumerate(ids)} if self.accommodation else "positions",
            "filled_stances": prep.filled,
            "rescaled_salience": prep.rescaled,
        }
        if entropy is not None:
            diagnostics["seed_entropy"] = entropy[0]
        return make_forecast(self, scenario, outcome, actor_ids=ids, history=hist,
                             diagnostics=diagnostics)


@dataclass(frozen=True, eq=False)
class _Prepared:
    """Kernel inputs in the order the kernel runs the actors."""

    order: NDArray[np.intp]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    filled: list[str]
    rescaled: dict[str, float]


def _subset(v: ArrayView, keep: NDArray[np.bool_]) -> ArrayView:
    """The array view restricted to the actors in ``keep``."""
    return dataclasses.replace(
        v, actor_ids=tuple(a for a, k in zip(v.actor_ids, keep, strict=True) if k),
        capability=v.capability[keep], position=v.position[keep], salience=v.salience[keep],
        mask=v.mask[keep], acceptable_low=v.acceptable_low[keep],
        acceptable_high=v.acceptable_high[keep])


def _prepare(v: ArrayView, model: SpatialModel) -> _Prepared:
    """Map a scenario's arrays to the kernel's (positions on [0, 1]; see the notes)."""
    problems: list[Problem] = []
    sal = np.where(v.mask, v.salience, 0.0)
    for j, iss in enumerate(v.issue_ids):
        if not (sal[:, j] > 0).any():
            problems.append(Problem(f"issues[{j}]",
                                    "the spatial model needs an actor with positive salience "
                                    "on every issue", iss,
                                    "give some actor a positive salience, or drop the issue"))
    for i, a in enumerate(v.actor_ids):
        if not (sal[i] > 0).any():
            problems.append(Problem(f"actors[{i}]", "the spatial model needs every actor to "
                                    "have positive salience on some issue", a,
                                    "give the actor a salience, or drop it"))
    if problems:
        raise ScenarioError(problems)
    pos = (v.position - v.low) / (v.high - v.low)
    filled: list[str] = []
    if not v.mask.all():
        # an actor without a stance on an issue sits at the issue's status quo, or else at
        # the capability x salience weighted mean of the others, with salience 0
        w = np.where(v.mask, v.capability[:, None] * sal, 0.0)
        mean = (w * np.where(v.mask, pos, 0.0)).sum(axis=0) / w.sum(axis=0)
        sq = (v.status_quo - v.low) / (v.high - v.low)
        fill = np.where(np.isnan(sq), mean, sq)
        pos = np.where(v.mask, pos, fill[None, :])
        filled = [f"{v.actor_ids[i]}/{v.issue_ids[j]}" for i, j in zip(*np.nonzero(~v.mask),
                                                                        strict=True)]
    totals = sal.sum(axis=1)
    over = totals > 1.0
    rescaled = {v.actor_ids[i]: float(totals[i]) for i in np.flatnonzero(over)}
    sal = np.where(over[:, None], sal / np.where(over, totals, 1.0)[:, None], sal)
    if model.ktab_compat:
        order = np.arange(v.n_actors, dtype=np.intp)
    else:
        order = np.array(sorted(range(v.n_actors), key=lambda i: v.actor_ids[i]), dtype=np.intp)
    return _Prepared(order, v.capability[order], pos[order], sal[order], filled, rescaled)


def _seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        raise TypeError("a Generator has no seed sequence to copy")
    return np.random.SeedSequence(seed)


def _children(ss: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """``ss.spawn(n)`` as from a fresh ``ss``, without consuming ``ss``."""
    return [np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, k),
                                   pool_size=ss.pool_size) for k in range(n)]


def queue_uniforms(seeds: Sequence[SeedLike], n: int, rounds: int,
                   ) -> tuple[FloatArray, list[Any]]:
    """Uniform draws for stochastic runs: one independent generator per actor's queue.

    Parameters
    ----------
    seeds : sequence of seed
        One seed per batch element (int, ``SeedSequence``, ``Generator`` or ``None`` for
        fresh entropy).
    n, rounds : int
        Actors (queues) and rounds.

    Returns
    -------
    uniforms : ndarray, shape (len(seeds), n, rounds)
        Queue *k* of element *b* draws from ``SeedSequence(entropy, spawn_key=(..., k))``,
        the *k*-th child of element *b*'s seed; a seed therefore always gives the same draws
        (a ``SeedSequence`` passed in is not consumed).
    entropy : list
        The entropy of each element's seed (``None`` for a ``Generator``), to reproduce
        a run started without a seed.

    >>> u, _ = queue_uniforms([7], 3, 4)
    >>> u.shape, bool((u == queue_uniforms([7], 3, 4)[0]).all())
    ((1, 3, 4), True)
    """
    out = np.empty((len(seeds), n, rounds))
    entropy: list[Any] = []
    for b, seed in enumerate(seeds):
        if isinstance(seed, np.random.Generator):
            gens = seed.spawn(n)
            entropy.append(None)
        else:
            ss = _seed_sequence(seed)
            gens = [np.random.default_rng(c) for c in _children(ss, n)]
            entropy.append(ss.entropy)
        for k, g in enumerate(gens):
            out[b, k] = g.random(rounds)
    return out, entropy
