"""Simulate the talks a scenario describes: agents, timeline, protocol, result.

:func:`simulate` builds the agents from the scenario (utilities from positions, saliences
and red lines through :func:`parley.deals.preferences`; walk-away utilities from the status
quo or ``Actor.reservation``; strategies from the names given, else Boulware, or *staller*
for a party the scenario accuses of delaying), lays out the meetings of the scenario's
timeline (:mod:`.timeline`), and runs them in order on one package grid, with one clock whose
deadline is the end of the last meeting:

* plenaries with the chosen protocol (:mod:`.protocols`); with ``single-text`` the round's
  mediator drafts (an impartial mediator at the parties' mean where the scenario has none);
* side channels among two or more parties as alternating offers; their understandings and
  narrowed ranges bind their members in later meetings;
* consultations (one party with observers, or with the mediator): the outsiders move the
  party's walk-away utility towards its utility of their own position,

  .. math::

      r_i \\leftarrow r_i + \\lambda\\,(U_i(x_O) - r_i), \\qquad
      \\lambda = w\\,\\frac{C_O}{C_O + C_i},

  where :math:`x_O` is the outsiders' capability x salience weighted mean position on each
  issue (the party's own position where they have none), :math:`C` capabilities and
  :math:`w` = ``observer_weight``: backers who share its aims stiffen a party (its outside
  option improves, as European support does Kyiv's), outsiders who do not soften it. They
  do not vote. This is parley's reading of outside options (Raiffa 1982, ch. 4; Fisher &
  Ury 1981, BATNA), a judgement, not a published rule;
* mediator pressure (``pressure`` events) multiplies the pressed party's concession exponent
  by ``1 + pressure`` from the event's round on.

:func:`run_simulations` runs several protocols, records each run in the run store
(``kind="simulate"``) and writes the HTML page (:mod:`.briefing`).

Randomness: only the order of turns when ``order="random"`` (drawn afresh for each meeting
from ``seed`` through :func:`parley.rng.as_generator`); everything else is deterministic, so
the same seed gives the same transcript.

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard University Press.
.. [2] Fisher, R. and Ury, W. (1981). *Getting to Yes*. Boston: Houghton Mifflin.

Examples
--------
Two parties, one issue on 0-100, A at 0 and B at 100, red lines A <= 60 and B >= 40, linear
concession over 11 rounds on a grid of 11 points. They meet inside [40, 60]:

>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [
...         {"actor": "a", "issue": "x", "position": 0, "salience": 1,
...          "acceptable": {"low": 0, "high": 60}},
...         {"actor": "b", "issue": "x", "position": 100, "salience": 1,
...          "acceptable": {"low": 40, "high": 100}}]})
>>> r = simulate(s, strategies=["a=linear", "b=linear"], steps=11)
>>> r.agreement, 40 <= r.package["x"] <= 60
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from parley.arrays import array_view
from parley.deals.space import grid, option_space
from parley.deals.utility import Loss, Preferences, preferences
from parley.errors import MissingExtraError, ParleyError
from parley.negotiation.offers import OfferPolicy, OfferSpace, Package
from parley.negotiation.protocols import Protocol, SingleText, common_values, get_protocol
from parley.negotiation.result import IssueOutcome, IssueStatus, SimulationResult
from parley.negotiation.strategies import Staller, Strategy, boulware, parse_strategy
from parley.negotiation.table import Clock, Table
from parley.negotiation.timeline import Meeting, Timeline, build_timeline
from parley.rng import as_generator
from parley.scenario import Scenario

__all__ = ["SimulationRun", "assign_strategies", "run_simulations", "simulate"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
StrategySpec = Sequence[str] | Mapping[str, str | Strategy] | None


def assign_strategies(parties: Sequence[str], spec: StrategySpec = None,
                      stallers: Mapping[str, str] | None = None) -> list[Strategy]:
    """Each party's strategy: Boulware, a staller where accused of delay, then ``spec``.

    ``spec`` is a list of ``"ACTOR=NAME"`` strings or a mapping of actor id to a name or a
    :class:`~parley.negotiation.strategies.Strategy`.
    """
    chosen: dict[str, Strategy] = {p: boulware() for p in parties}
    for p in stallers or {}:
        if p in chosen:
            chosen[p] = Staller()
    items: list[tuple[str, str | Strategy]] = []
    if isinstance(spec, Mapping):
        items = list(spec.items())
    elif spec:
        for text in spec:
            actor, sep, name = str(text).partition("=")
            if not sep or not actor.strip() or not name.strip():
                raise ParleyError(f"a strategy must be given as ACTOR=NAME; got {text!r}. "
                                  "Fix: e.g. --strategy russia=hard-liner")
            items.append((actor.strip(), name.strip()))
    for actor, given in items:
        if actor not in chosen:
            raise ParleyError(f"no negotiating party {actor!r} to give a strategy. Fix: use "
                              f"one of {', '.join(parties)}")
        chosen[actor] = parse_strategy(given) if isinstance(given, str) else given
    return [chosen[p] for p in parties]


def _space(scenario: Scenario, prefs: Preferences, grid_points: int | Mapping[str, int],
           space: str) -> OfferSpace:
    if space == "grid":
        ds = grid(scenario, grid_points)
    elif space == "options":
        ds = option_space(scenario, grid_points)
    else:
        raise ParleyError(f"space must be 'grid' or 'options'; got {space!r}")
    return OfferSpace.build(prefs, ds)


def _initial_text(scenario: Scenario, table: Table, members: Sequence[int],
                  mediator: str | None) -> IntArray:
    prefs = table.prefs
    out = np.zeros(table.space.n_issues, dtype=np.int64)
    for j, issue_id in enumerate(prefs.issue_ids):
        if table.settled[j] >= 0:
            out[j] = table.settled[j]
            continue
        stance = scenario.stance(mediator, issue_id) if mediator else None
        if stance is not None:
            target = stance.position.value
        else:
            cares = [i for i in members if prefs.mask[i, j]] or list(members)
            target = float(np.mean([prefs.position[i, j] for i in cares]))
        common = common_values(table, members, j)
        out[j] = table.space.nearest(j, target, common if common.size else None)
    return out


def _consult(scenario: Scenario, table: Table, meeting: Meeting, index: int, step: int,
             weight: float) -> None:
    """Outsiders move one party's walk-away utility (see the module docstring)."""
    prefs = table.prefs
    party = meeting.parties[0]
    i = prefs.party_index(party)
    outsiders = [o for o in meeting.others if o != party]
    if not outsiders or weight <= 0:
        return
    view = array_view(scenario)
    rows = [view.actor_ids.index(o) for o in outsiders]
    cap_o = float(view.capability[rows].sum())
    cap_i = float(scenario.actor(party).capability.value)
    x = prefs.position[i].copy()
    for j, issue_id in enumerate(prefs.issue_ids):
        col = view.issue_ids.index(issue_id)
        w = np.array([view.capability[r] * view.salience[r, col] if view.mask[r, col] else 0.0
                      for r in rows])
        if w.sum() > 0:
            pos = np.array([view.position[r, col] if view.mask[r, col] else 0.0 for r in rows])
            x[j] = float((w * pos).sum() / w.sum())
    u = float(prefs.utilities(x[None, :])[0, i])
    lam = weight * cap_o / (cap_o + cap_i)
    old = float(table.reservation[i])
    new = old + lam * (u - old)
    table.set_reservation(i, new)
    table.log(step, index, ", ".join(outsiders), "influence", None, value=new,
              note=f"{party}: walk-away {old:.3f} -> {new:.3f} (their position is worth "
                   f"{u:.3f} to {party}; weight {lam:.3f})")


def simulate(
    scenario: Scenario,
    *,
    protocol: str | Protocol = "alternating",
    strategies: StrategySpec = None,
    seed: int | np.random.Generator | None = None,
    steps: int = 10,
    grid_points: int | Mapping[str, int] = 11,
    space: Literal["grid", "options"] = "grid",
    policy: OfferPolicy = "closest",
    issue_by_issue: bool = True,
    use_timeline: bool = True,
    rounds: Sequence[str] | None = None,
    pressure: float = 1.0,
    observer_weight: float = 0.5,
    order: Literal["listed", "random"] = "listed",
    clock: Clock = "faratin",
    tolerance: float = 1e-9,
    deadlines: Mapping[str, int] | None = None,
    parties: Sequence[str] | None = None,
    loss: Loss = "linear",
) -> SimulationResult:
    """Simulate the talks of ``scenario`` (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    protocol : {'alternating', 'single-text'} or protocol object
        The protocol of plenaries (side channels always alternate offers).
    strategies : list of "ACTOR=NAME", or mapping, optional
        Strategies by party (default: Boulware; staller where the scenario accuses a party of
        delaying). Names: see :func:`~parley.negotiation.strategies.parse_strategy`.
    seed : int or Generator, optional
        Seed of the random order of turns (``order="random"``).
    steps : int
        Rounds of offers per negotiating meeting.
    grid_points : int or mapping
        Grid points per issue (11: steps of 10 on a 0-100 scale).
    space : {'grid', 'options'}
        The package grid, or the issues' named options (a grid where an issue has none).
    policy : {'closest', 'lowest'}
        Offer policy (:mod:`.offers`).
    issue_by_issue : bool
        Settle issues one by one (``False``: only whole packages are agreed).
    use_timeline : bool
        Follow the scenario's rounds and sessions (``False``: one plenary of ``steps``).
    rounds : sequence of str, optional
        Only these scenario rounds.
    pressure : float
        Strength of mediator pressure (exponent factor ``1 + pressure``).
    observer_weight : float
        Weight :math:`w` of outsiders' influence on walk-away utilities (0: none).
    order : {'listed', 'random'}
        Order of turns in each meeting: the parties' order, or drawn from ``seed``.
    clock : {'faratin', 'negmas'}
        Relative-time convention (:mod:`.table`).
    tolerance : float
        Tolerance below its target at which a party still offers and accepts (NegMAS's
        ``eps``).
    deadlines : mapping of party to int, optional
        A party's own deadline in rounds (default: the end of the timeline).
    parties : sequence of str, optional
        Actors to treat as negotiating parties (default: role ``party``).
    loss : {'linear', 'quadratic'}
        Utility loss shape (:mod:`parley.deals.utility`).

    Raises
    ------
    ParleyError
        For unknown protocols, strategies, parties or settings; ScenarioError for a
        scenario without parties to negotiate.
    """
    proto = get_protocol(protocol)
    if steps < 1:
        raise ParleyError(f"steps must be at least 1; got {steps}")
    if order not in ("listed", "random"):
        raise ParleyError(f"order must be 'listed' or 'random'; got {order!r}")
    if clock not in ("faratin", "negmas"):
        raise ParleyError(f"clock must be 'faratin' or 'negmas'; got {clock!r}")
    if policy not in ("closest", "lowest"):
        raise ParleyError(f"policy must be 'closest' or 'lowest'; got {policy!r}")
    prefs = preferences(scenario, parties=parties, loss=loss)
    if prefs.n_parties < 2:
        raise ParleyError("a negotiation needs at least two parties. Fix: give two actors "
                          "role 'party', or name them with parties=[...]")
    offer_space = _space(scenario, prefs, grid_points, space)
    tl = build_timeline(scenario, prefs.actor_ids, steps=steps, rounds=rounds,
                        use_timeline=use_timeline)
    strats = assign_strategies(prefs.actor_ids, strategies, tl.stallers)
    dl: list[int | None] = [None] * prefs.n_parties
    for p, d in (deadlines or {}).items():
        if p not in prefs.actor_ids:
            raise ParleyError(f"no party {p!r} to give a deadline. Fix: use one of "
                              f"{', '.join(prefs.actor_ids)}")
        dl[prefs.party_index(p)] = int(d)
    table = Table(prefs, offer_space, strats, max(tl.total_steps, 1), policy=policy,
                  issue_by_issue=issue_by_issue, clock=clock, tol=tolerance, deadlines=dl)
    rng = as_generator(seed) if order == "random" else None
    step = 0
    text: IntArray | None = None
    meetings_out: list[dict[str, Any]] = []
    for index, meeting in enumerate(tl.meetings):
        for pr in tl.pressures:
            if pr.meeting == index:
                i = prefs.party_index(pr.party)
                table.pressure[i] *= 1.0 + pressure
                table.log(step, index, meeting.mediator or "mediator", "pressure", None,
                          value=float(table.pressure[i]), note=f"{pr.party}: {pr.event}")
        start = step
        if meeting.kind == "consultation":
            _consult(scenario, table, meeting, index, step, observer_weight)
        elif meeting.kind == "negotiation" and not table.done:
            members = [prefs.party_index(p) for p in meeting.parties]
            if rng is not None:
                members = [members[k] for k in rng.permutation(len(members))]
            rng_steps = range(step, step + meeting.steps)
            if meeting.format == "plenary" and isinstance(proto, SingleText):
                first = text if text is not None else _initial_text(
                    scenario, table, members, meeting.mediator)
                text = proto.run(table, index, members, rng_steps, meeting.mediator, first)
            else:
                get_protocol("alternating").run(table, index, members, rng_steps)
            step += meeting.steps
        meetings_out.append({
            "index": index, "id": meeting.id, "round": meeting.round, "format": meeting.format,
            "kind": meeting.kind, "parties": list(meeting.parties),
            "others": list(meeting.others), "mediator": meeting.mediator,
            "first_round": start + 1 if meeting.steps else None,
            "last_round": step if meeting.steps else None, "description": meeting.description})
    params = {"protocol": proto.name, "steps": steps, "grid_points": grid_points,
              "space": space, "policy": policy, "issue_by_issue": issue_by_issue,
              "use_timeline": use_timeline, "rounds": list(rounds) if rounds else None,
              "pressure": pressure, "observer_weight": observer_weight, "order": order,
              "clock": clock, "tolerance": tolerance, "deadlines": dict(deadlines or {}),
              "loss": loss,
              "strategies": {p: s.label for p, s in zip(prefs.actor_ids, strats, strict=True)}}
    seed_value = seed if isinstance(seed, int) else None
    return _result(scenario, table, tl, proto.name, params, seed_value, meetings_out,
                   max(step, 0))


def _label(scenario: Scenario, space: OfferSpace, j: int, index: int) -> str:
    lab = space.label(j, index)
    if lab:
        return lab
    issue = scenario.issue(space.issue_ids[j])
    value = float(space.values[j][index])
    for opt in issue.options:
        if abs(opt.value - value) < 1e-9:
            return opt.id
    return issue.scale.nearest_label(value)


def _result(scenario: Scenario, table: Table, tl: Timeline, protocol: str,
            params: dict[str, Any], seed: int | None, meetings: list[dict[str, Any]],
            steps: int) -> SimulationResult:
    prefs, space = table.prefs, table.space
    ids = prefs.actor_ids
    outcomes = []
    lows = prefs.acceptable_low.max(axis=0).tolist()  # every party's red lines allow...
    highs = prefs.acceptable_high.min(axis=0).tolist()
    for j, issue_id in enumerate(prefs.issue_ids):
        issue = scenario.issue(issue_id)
        last = {p: (float(space.values[j][int(o[j])]) if (o := table.last_offer[i]) is not None
                    else None) for i, p in enumerate(ids)}
        lo, hi = lows[j], highs[j]
        vals = space.values[j]
        on_grid = [v for v in vals.tolist() if lo - 1e-12 <= v <= hi + 1e-12]
        zone = (min(on_grid), max(on_grid)) if on_grid else None
        reported = tl.reported.get(issue_id, [])
        if table.settled[j] >= 0:
            k = int(table.settled[j])
            mi = table.settled_meeting[j]
            meeting = meetings[mi] if mi is not None else None
            rnd = (table.settled_step[j] or 0) + 1
            status: IssueStatus = "agreed"
            reason = f"agreed in round {rnd}" + (f" ({meeting['id']})" if meeting else "")
            outcomes.append(IssueOutcome(
                issue_id, issue.name, status, float(vals[k]), _label(scenario, space, j, k),
                rnd, meeting["id"] if meeting else None,
                meeting["round"] if meeting else None, last, zone, reason, reported))
            continue
        if zone is None:
            lines = ", ".join(
                f"{p} {prefs.acceptable_low[i, j]:g}-{prefs.acceptable_high[i, j]:g}"
                for i, p in enumerate(ids))
            status, reason = "deadlocked", f"red lines do not overlap: {lines}"
        else:
            status = "open"
            reason = (f"time ran out; every party's red lines allow {zone[0]:g}-{zone[1]:g}")
        outcomes.append(IssueOutcome(issue_id, issue.name, status, None, "", None, None, None,
                                     last, zone, reason, reported))
    agreement = table.done
    package = ({o.issue: float(o.value) for o in outcomes if o.value is not None}
               if agreement else None)
    rounds = [table.settled_step[j] for j in range(space.n_issues)]
    agreement_round = (max(r for r in rounds if r is not None) + 1) if agreement else None
    utilities = _utilities(table, agreement)
    rounded = _Rounded(space)
    transcript = _transcript(table, meetings, rounded)
    return SimulationResult(
        scenario=scenario.name, title=scenario.title, protocol=protocol, parameters=params,
        seed=seed, parties=ids, strategies=dict(params["strategies"]),
        issues=tuple(outcomes), agreement=agreement, package=package,
        agreement_round=agreement_round, utilities=utilities, meetings=meetings,
        transcript=transcript, offers=_offer_series(table, steps, rounded), steps=steps)


def _utilities(table: Table, agreement: bool) -> dict[str, dict[str, Any]]:
    prefs, space = table.prefs, table.space
    loss = np.zeros(prefs.n_parties)
    for j in range(space.n_issues):
        if table.settled[j] >= 0:
            loss = loss + space.loss[j][int(table.settled[j])]
        elif np.isnan(prefs.status_quo[j]):
            loss = loss + prefs.weight[:, j]
        else:
            loss = loss + prefs.issue_terms(j, prefs.status_quo[j:j + 1])[0]
    partial = np.clip(1.0 - loss, 0.0, 1.0)
    full = table.utilities(table.settled) if agreement else None
    out = {}
    for i, p in enumerate(prefs.actor_ids):
        walk = table.u_res(i)
        out[p] = {"reservation": float(prefs.reservation[i]),
                  "reservation_source": prefs.reservation_source[i],
                  "walk_away": walk, "best": float(table.u_max[i]),
                  "agreement": None if full is None else float(full[i]),
                  "partial": float(partial[i]),
                  "beats_walk_away": None if full is None else bool(full[i] >= walk - 1e-9)}
    return out


def _round6(x: float) -> float:
    """``round(x, 6)``, the same float, about four times faster.

    ``round`` gives the double nearest to ``n / 10**6``, ``n`` the integer nearest to the
    exact ``x * 10**6``. For ``0 < x * 1e6 < 2**26`` the computed product is within
    ``2**-27`` of the exact one, so where its fractional part is not within ``1e-6`` of
    one half both round to the same ``n``, and ``n / 1e6`` (``n`` and ``1e6`` exact, one
    correctly rounded division) is that same double. Elsewhere (zeros and negative numbers
    included, for the sign of a zero result): ``round``.
    """
    t = x * 1e6
    if 0.0 < t < 67108864.0:
        f = math.floor(t)
        frac = t - f
        if frac < 0.499999:
            return f / 1e6
        if frac > 0.500001:
            return (f + 1) / 1e6
    return round(float(x), 6)


class _Rounded(dict[Package, tuple[float, ...]]):
    """Package -> every party's utility of it rounded to 6 decimals (filled on demand)."""

    def __init__(self, space: OfferSpace) -> None:
        super().__init__()
        self.space = space

    def __missing__(self, package: Package) -> tuple[float, ...]:
        u = self[package] = tuple(_round6(x) for x in self.space.utilities_of(package))
        return u


def _transcript(table: Table, meetings: list[dict[str, Any]], rounded: _Rounded,
                ) -> list[dict[str, Any]]:
    """The transcript as JSON-ready dicts, from the table's records.

    A package's values and its rounded utilities are worked out once per package and copied
    into each entry that names it. Keys in the order: round, meeting, actor, action, package,
    utilities, target, value, issues, note (the last six only where present).
    """
    space = table.space
    issue_ids = space.issue_ids
    values = [v.tolist() for v in space.values]
    parties = table.party_ids
    meeting_ids = [mt["id"] for mt in meetings]
    n_meetings = len(meeting_ids)
    seen: dict[Package, tuple[dict[str, float], dict[str, float]]] = {}
    out: list[dict[str, Any]] = []
    append = out.append
    for step, meeting, actor, action, package, target, issues, note, value in table.records:
        where = meeting_ids[meeting] if meeting < n_meetings else None
        if package is None:
            d: dict[str, Any] = {"round": step + 1, "meeting": where, "actor": actor,
                                 "action": action}
        else:
            hit = seen.get(package)
            if hit is None:
                hit = seen[package] = (
                    {issue: values[j][k]
                     for j, (issue, k) in enumerate(zip(issue_ids, package, strict=True))},
                    dict(zip(parties, rounded[package], strict=True)))
            if target is not None and value is None and not issues and not note:
                append({"round": step + 1, "meeting": where, "actor": actor, "action": action,
                        "package": hit[0].copy(), "utilities": hit[1].copy(),
                        "target": _round6(target)})  # an offer
                continue
            d = {"round": step + 1, "meeting": where, "actor": actor, "action": action,
                 "package": hit[0].copy(), "utilities": hit[1].copy()}
        if target is not None:
            d["target"] = _round6(target)
        if value is not None:
            d["value"] = _round6(value)
        if issues:
            d["issues"] = [issue_ids[j] for j in issues]
        if note:
            d["note"] = note
        append(d)
    return out


def _offer_series(table: Table, steps: int, rounded: _Rounded,
                  ) -> dict[str, dict[str, list[float | None]]]:
    """``[party][proposer]``: utility of the proposer's standing offer after each round.

    The offers on the table change only in rounds where someone offers: between those
    rounds each proposer's row is filled in one slice.
    """
    ids = table.party_ids
    entries = [(r[0], r[2], r[4]) for r in table.records
               if r[4] is not None and r[3] in ("offer", "text")]
    n = len(entries)
    standing: dict[str, tuple[float, ...]] = {}  # proposer: rounded utilities of its offer
    rows: dict[str, list[tuple[float, ...]]] = {}  # proposer: per round from its first offer
    first: dict[str, int] = {}  # proposer: the round of its first offer
    k, rnd = 0, 0
    while rnd < steps:
        while k < n and entries[k][0] <= rnd:
            _, who, pkg = entries[k]
            if who not in first:
                first[who] = rnd
                rows[who] = []
            standing[who] = rounded[pkg]
            k += 1
        nxt = min(entries[k][0], steps) if k < n else steps  # the next round with an offer
        for who, u in standing.items():
            rows[who] += [u] * (nxt - rnd)
        rnd = nxt
    series: dict[str, dict[str, list[float | None]]] = {p: {} for p in ids}
    for who, row in rows.items():
        pad: list[float | None] = [None] * first[who]
        for p, col in zip(ids, zip(*row, strict=True), strict=True):
            series[p][who] = pad + list(col)
    return series


@dataclass(frozen=True)
class SimulationRun:
    """What :func:`run_simulations` did: results, stored runs, the page written."""

    scenario: Scenario
    results: tuple[SimulationResult, ...]
    runs: tuple[Any, ...] = ()
    store_path: Path | None = None
    report_path: Path | None = None
    report_skipped: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``parley simulate --json``."""
        return {"scenario": {"name": self.scenario.name, "title": self.scenario.title,
                             "hash": self.scenario.content_hash()},
                "results": [r.to_dict() for r in self.results],
                "runs": [{"id": r.id, "protocol": r.model} for r in self.runs],
                "store": str(self.store_path) if self.store_path else None,
                "report": str(self.report_path) if self.report_path else None}


def run_simulations(scenario: Scenario, *, protocols: Sequence[str] = ("alternating",
                                                                         "single-text"),
                    store: str | Path | None = None, report: str | Path | None = None,
                    **options: Any) -> SimulationRun:
    """Simulate ``scenario`` under each protocol; store the runs; write the HTML page.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    protocols : sequence of str
        Protocols to run, in order.
    store : path or "default", optional
        Run store to record one run per protocol in (``kind="simulate"``).
    report : path, optional
        Where to write the HTML page.
    **options
        Passed to :func:`simulate` (``strategies``, ``seed``, ``steps``...).
    """
    timed = []
    for name in protocols:
        started = datetime.now(UTC)
        result = simulate(scenario, protocol=name, **options)
        timed.append((result, started, datetime.now(UTC)))
    results = tuple(r for r, _, _ in timed)
    records: tuple[Any, ...] = ()
    store_path = None
    if store is not None:
        from parley.store import RunStore

        with RunStore(None if store == "default" else store) as st:
            records = tuple(
                st.record_run(kind="simulate", scenario=scenario, model=r.protocol,
                              parameters=r.parameters, seed=r.seed, result=r.to_dict(),
                              started_at=t0, finished_at=t1) for r, t0, t1 in timed)
            store_path = st.path
    report_path, skipped = None, ""
    if report is not None:
        try:
            from parley.negotiation.briefing import write_simulation_page

            report_path = write_simulation_page(scenario, results, report)
        except MissingExtraError as err:
            skipped = f"page not written: {err}"
    return SimulationRun(scenario, results, records, store_path, report_path, skipped)
