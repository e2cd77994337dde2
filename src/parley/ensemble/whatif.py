"""What-ifs: a small declarative change set, applied to a scenario and compared with it.

A change set is a YAML (or JSON) file::

    name: Russia softens on the Donbas
    description: optional text
    changes:
      - position: {actor: russia, issue: donbas, value: 80}
      - salience: {actor: ukraine, issue: donbas, value: 0.8}
      - capability: {actor: united-states, value: 60}
      - status_quo: {issue: donbas, value: 70}
      - red_line: {actor: ukraine, issue: donbas, low: 0, high: 40}
      - red_line: {actor: russia, issue: front-line, remove: true}
      - stance: {actor: italy, issue: prisoner-exchange, position: 80, salience: 0.2}
      - add_actor: {id: china, name: China, role: observer, capability: 40,
                    stances: [{issue: donbas, position: 70, salience: 0.3}]}
      - remove_actor: {actor: united-kingdom}
      - join_side_channel: {actor: united-states, session: geneva-medinsky-ukraine}
      - leave_side_channel: {actor: germany, session: geneva-europeans-ukraine}

Each change is a mapping with one key, the operation. ``stance`` adds a stance or replaces
one (keeping its acceptable range unless the change gives one; ``acceptable: null`` drops
it). Changes apply in order, each to the
result of the ones before, and the scenario is validated after each, so that every problem
names the change that caused it: the file, the line, the field, the rule, the value given
and the fix (:class:`~parley.errors.ScenarioError`).

A number that declares an uncertainty keeps it, shifted by the change (scaled, for a
capability) and clipped to the valid range, unless the change says ``uncertainty: keep``
(unchanged; the new value must lie in it) or ``uncertainty: drop`` (the new value is
certain).

**Comparison.** :func:`compare_whatif` runs the same ensemble (model, draws, seed, chunk
size, jitter) on the baseline and on the changed scenario. Every input both share gets the
same uniforms in both (:mod:`parley.ensemble.sampling`: common random numbers), so the
draw-by-draw differences measure the change, not sampling noise, and their standard error
is that of paired differences (Law 2015, sec. 11.2). Forecasting models do not read the
format of the talks (plenary or side channel); a change of side channel moves a simulation
only, and the comparison says so.

References
----------
.. [1] Law, A. M. (2015). *Simulation Modeling and Analysis*, 5th ed. McGraw-Hill,
   section 11.2 (common random numbers).

Examples
--------
>>> from parley.io import load
>>> cs = loads_changes('''
... name: US presses Russia
... changes:
...   - capability: {actor: united-states, value: 80}
... ''', source="press.yaml")
>>> changed = apply_changes(load("geneva-2026"), cs)
>>> changed.actor("united-states").capability.value
80.0
>>> cs.changes[0].describe()
'capability of united-states -> 80'
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from parley.ensemble.executors import Executor
from parley.ensemble.kernels import Kernel, SimulationKernel, kernel_for
from parley.ensemble.runner import EnsembleResult, _as_executor, _resolve_seed, run_ensemble
from parley.ensemble.sampling import Jitter
from parley.errors import Problem, ScenarioError
from parley.io.native import line_map, read_text
from parley.models.base import Model
from parley.scenario import Scenario, parse_scenario

__all__ = [
    "OPERATIONS",
    "Change",
    "ChangeSet",
    "WhatIfComparison",
    "apply_changes",
    "compare_whatif",
    "load_changes",
    "loads_changes",
    "parse_changes",
]

#: Each operation and the fields it takes (required, optional).
OPERATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "position": (("actor", "issue", "value"), ("uncertainty",)),
    "salience": (("actor", "issue", "value"), ("uncertainty",)),
    "capability": (("actor", "value"), ("uncertainty",)),
    "status_quo": (("issue", "value"), ("uncertainty",)),
    "red_line": (("actor", "issue"), ("low", "high", "remove")),
    "stance": (("actor", "issue", "position", "salience"), ("acceptable",)),
    "add_actor": (("id", "capability"), ("name", "role", "bloc", "reservation", "description",
                                         "stances")),
    "remove_actor": (("actor",), ()),
    "join_side_channel": (("actor", "session"), ("round",)),
    "leave_side_channel": (("actor", "session"), ("round",)),
}
_UNCERTAINTY_MODES = ("shift", "keep", "drop")
_NUMERIC = {"value", "low", "high", "capability", "position", "salience", "reservation"}
_QUANTITIES = {"capability", "position", "salience"}


def _g(x: Any) -> str:
    """A number (or a quantity mapping's value) for a description."""
    value = x.get("value") if isinstance(x, Mapping) else x
    return f"{value:g}" if _is_number(value) else str(value)


@dataclass(frozen=True)
class Change:
    """One change of a change set: its operation, fields, place in the file."""

    op: str
    args: Mapping[str, Any]
    index: int
    line: int | None = None

    def describe(self) -> str:
        """One line, e.g. ``position of russia on donbas -> 80``."""
        a = self.args
        if self.op in ("position", "salience"):
            return f"{self.op} of {a['actor']} on {a['issue']} -> {a['value']:g}"
        if self.op == "capability":
            return f"capability of {a['actor']} -> {a['value']:g}"
        if self.op == "status_quo":
            return f"status quo of {a['issue']} -> {a['value']:g}"
        if self.op == "red_line":
            if a.get("remove"):
                return f"red line of {a['actor']} on {a['issue']} removed"
            return f"red line of {a['actor']} on {a['issue']} -> [{a['low']:g}, {a['high']:g}]"
        if self.op == "stance":
            return (f"stance of {a['actor']} on {a['issue']}: position {_g(a['position'])}, "
                    f"salience {_g(a['salience'])}")
        if self.op == "add_actor":
            return f"add actor {a['id']}"
        if self.op == "remove_actor":
            return f"remove actor {a['actor']}"
        verb = "joins" if self.op == "join_side_channel" else "leaves"
        return f"{a['actor']} {verb} side channel {a['session']}"


@dataclass(frozen=True)
class ChangeSet:
    """A named, ordered list of changes (see the module docstring for the format)."""

    name: str
    changes: tuple[Change, ...]
    description: str = ""
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: name, description and each change with its description."""
        return {"name": self.name, "description": self.description, "source": self.source,
                "changes": [{"op": c.op, **dict(c.args), "text": c.describe()}
                            for c in self.changes]}


def _locate(path: str, lines: Mapping[str, int]) -> int | None:
    probe = path
    while probe:
        if probe in lines:
            return lines[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return None


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def parse_changes(data: Any, source: str | None = None,
                  lines: Mapping[str, int] | None = None) -> ChangeSet:
    """Check the structure of a change set (a parsed mapping) and build it.

    Raises
    ------
    ScenarioError
        Listing every structural problem, with its line where ``lines`` has it.
    """
    lines = lines or {}
    problems: list[Problem] = []

    def bad(path: str, rule: str, value: Any, fix: str) -> None:
        problems.append(Problem(path, rule, value, fix, _locate(path, lines), source))

    if not isinstance(data, Mapping):
        bad("changes", "a change set must be a mapping with 'changes:'", type(data).__name__,
            "start the file with 'name:' and 'changes:'")
        raise ScenarioError(problems, source)
    unknown = sorted(set(data) - {"name", "description", "changes"})
    for key in unknown:
        bad(str(key), "is not a field of a change set", key,
            "use name, description and changes")
    items = data.get("changes")
    if not isinstance(items, list) or not items:
        bad("changes", "must be a non-empty list of changes", items,
            "list changes such as '- position: {actor: russia, issue: donbas, value: 80}'")
        raise ScenarioError(problems, source)
    changes: list[Change] = []
    for k, item in enumerate(items):
        path = f"changes[{k}]"
        if not isinstance(item, Mapping) or len(item) != 1:
            bad(path, "each change must be a mapping with exactly one operation", item,
                f"write e.g. '- position: {{actor: ..., issue: ..., value: ...}}'; "
                f"operations: {', '.join(OPERATIONS)}")
            continue
        ((op, args),) = item.items()
        if op not in OPERATIONS:
            close = difflib.get_close_matches(str(op), list(OPERATIONS), n=1)
            bad(f"{path}.{op}", "is not a change operation", op,
                (f"did you mean {close[0]!r}? " if close else "") +
                f"operations: {', '.join(OPERATIONS)}")
            continue
        sub = f"{path}.{op}"
        if not isinstance(args, Mapping):
            bad(sub, "must be a mapping of fields", args,
                f"give {', '.join(OPERATIONS[op][0])}")
            continue
        required, optional = OPERATIONS[op]
        before = len(problems)
        for name in required:
            if name not in args:
                bad(f"{sub}.{name}", "is required", None, f"give {name}")
        for name in sorted(set(args) - set(required) - set(optional), key=str):
            bad(f"{sub}.{name}", f"is not a field of '{op}'", name,
                f"use {', '.join(required + optional)}")
        for name, value in args.items():
            if name in _QUANTITIES and isinstance(value, Mapping) and op in ("stance",
                                                                             "add_actor"):
                continue  # a quantity with its uncertainty: the scenario validates it
            if name in _NUMERIC and not _is_number(value):
                bad(f"{sub}.{name}", "must be a number", value, "give a finite number")
            elif name in ("actor", "issue", "id", "session", "round") and (
                    not isinstance(value, str) or not value.strip()):
                bad(f"{sub}.{name}", "must be an id (text)", value, "give the id as text")
        if op == "red_line" and len(problems) == before:
            if args.get("remove") is True:
                if "low" in args or "high" in args:
                    bad(sub, "give either low and high, or remove: true", dict(args),
                        "drop low/high to remove the red line, or drop remove")
            elif args.get("remove", False) is not False:
                bad(f"{sub}.remove", "must be true or false", args["remove"],
                    "write remove: true")
            elif "low" not in args or "high" not in args:
                bad(sub, "needs low and high (or remove: true)", dict(args),
                    "give the acceptable range as low and high")
            elif args["low"] > args["high"]:
                bad(f"{sub}.low", "must not exceed high", [args["low"], args["high"]],
                    "swap low and high")
        mode = args.get("uncertainty", "shift")
        if "uncertainty" in optional and mode not in _UNCERTAINTY_MODES:
            bad(f"{sub}.uncertainty", "must be shift, keep or drop", mode,
                "shift moves the declared distribution with the value (the default)")
        if len(problems) == before:
            changes.append(Change(str(op), dict(args), k, _locate(sub, lines)))
    name = data.get("name", "")
    if not isinstance(name, str):
        bad("name", "must be text", name, "give the what-if a short name")
    if problems:
        raise ScenarioError(problems, source)
    return ChangeSet(str(name) or (Path(source).stem if source else "what-if"),
                     tuple(changes), str(data.get("description", "")), source)


def loads_changes(text: str, source: str | None = None) -> ChangeSet:
    """Parse a change set from YAML (or JSON) text, with line numbers in its errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError([Problem("file", f"is not valid YAML: "
                                     f"{getattr(err, 'problem', None) or err}", "",
                                     "fix the YAML syntax at that line", line, source)],
                            source) from None
    return parse_changes(data, source, line_map(text))


def load_changes(path: str | Path) -> ChangeSet:
    """Read a change set file (YAML or JSON)."""
    p = Path(path)
    return loads_changes(read_text(p), str(p))


# ----------------------------------------------------------------------------------------
# applying
# ----------------------------------------------------------------------------------------


class _RefusalError(Exception):
    def __init__(self, field: str, rule: str, value: Any, fix: str) -> None:
        super().__init__(rule)
        self.problem = (field, rule, value, fix)


def _suggest(value: str, known: list[str], what: str) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    head = f"did you mean {close[0]!r}? " if close else ""
    return f"{head}known {what}s: {', '.join(known)}"


def _find(items: list[dict[str, Any]], key: str, value: str, what: str, field: str
          ) -> dict[str, Any]:
    for item in items:
        if item.get(key) == value:
            return item
    article = "an" if what[0] in "aeiou" else "a"
    raise _RefusalError(field, f"must name {article} {what} of the scenario", value,
                   _suggest(value, [str(i.get(key)) for i in items], what))


def _shifted(u: dict[str, Any] | None, old: float, new: float, lo: float, hi: float,
             scale: bool) -> dict[str, Any] | None:
    """The distribution ``u`` moved with the value (scaled for a capability), clipped."""
    if u is None:
        return None

    def move(x: float) -> float:
        y = x * (new / old) if scale else x + (new - old)
        return min(max(y, lo), hi)

    out = dict(u)
    for key in ("low", "mode", "high", "mean"):
        if key in out:
            out[key] = move(float(out[key]))
    if "sd" in out and scale:
        out["sd"] = float(out["sd"]) * new / old
    return out


def _set_quantity(q: Any, new: float, mode: str, lo: float, hi: float,
                  scale: bool = False) -> dict[str, Any]:
    old = q["value"] if isinstance(q, Mapping) else float(q)
    base: dict[str, Any] = dict(q) if isinstance(q, Mapping) else {"value": old}
    unc: dict[str, Any] | None = base.get("uncertainty")
    if mode == "drop":
        base["uncertainty"] = None
    elif mode == "shift" and unc is not None:
        base["uncertainty"] = _shifted(unc, float(old), new, lo, hi, scale)
    base["value"] = new
    return base


def _apply_one(data: dict[str, Any], c: Change) -> list[str]:
    """Apply change ``c`` to the scenario mapping ``data`` in place; return notes."""
    a = c.args
    where = f"changes[{c.index}].{c.op}"
    actors: list[dict[str, Any]] = data["actors"]
    issues: list[dict[str, Any]] = data["issues"]
    stances: list[dict[str, Any]] = data["stances"]
    mode = str(a.get("uncertainty", "shift"))
    notes: list[str] = []

    def issue_of(field: str = "issue") -> dict[str, Any]:
        return _find(issues, "id", str(a[field]), "issue", f"{where}.{field}")

    def actor_of(field: str = "actor") -> dict[str, Any]:
        return _find(actors, "id", str(a[field]), "actor", f"{where}.{field}")

    def stance_of() -> dict[str, Any]:
        actor_of()
        issue_of()
        for st in stances:
            if st["actor"] == a["actor"] and st["issue"] == a["issue"]:
                return st
        raise _RefusalError(where, "the actor has no stance on this issue",
                       f"{a['actor']}/{a['issue']}",
                       "add one with '- stance: {actor, issue, position, salience}'")

    if c.op in ("position", "salience"):
        st = stance_of()
        value = float(a["value"])
        if c.op == "salience":
            lo, hi = 0.0, 1.0
        else:
            scale = issue_of()["scale"]
            lo, hi = float(scale["low"]), float(scale["high"])
        if not lo <= value <= hi:
            what = "salience" if c.op == "salience" else "a position"
            raise _RefusalError(f"{where}.value", f"{what} must lie in [{lo:g}, {hi:g}]", value,
                           "give a value in that range" + (
                               " (saliences run from 0 to 1)" if c.op == "salience" else ""))
        st[c.op] = _set_quantity(st[c.op], value, mode, lo, hi)
    elif c.op == "capability":
        actor = actor_of()
        value = float(a["value"])
        if value <= 0:
            raise _RefusalError(f"{where}.value", "capability must be > 0", value,
                           "give a positive number (only ratios between actors matter)")
        actor["capability"] = _set_quantity(actor["capability"], value, mode, 1e-300,
                                            math.inf, scale=True)
    elif c.op == "status_quo":
        issue = issue_of()
        value = float(a["value"])
        lo, hi = float(issue["scale"]["low"]), float(issue["scale"]["high"])
        if not lo <= value <= hi:
            raise _RefusalError(f"{where}.value", f"the status quo must lie on the scale "
                           f"[{lo:g}, {hi:g}]", value, "give a value on the scale")
        issue["status_quo"] = (_set_quantity(issue["status_quo"], value, mode, lo, hi)
                               if issue.get("status_quo") is not None else value)
    elif c.op == "red_line":
        st = stance_of()
        st["acceptable"] = None if a.get("remove") else {"low": float(a["low"]),
                                                         "high": float(a["high"])}
    elif c.op == "stance":
        actor_of()
        issue_of()
        old = [s for s in stances if s["actor"] == a["actor"] and s["issue"] == a["issue"]]
        new = {"actor": a["actor"], "issue": a["issue"], "position": a["position"],
               "salience": a["salience"],
               "acceptable": a["acceptable"] if "acceptable" in a else (
                   old[0].get("acceptable") if old else None)}
        stances[:] = [s for s in stances if not any(s is o for o in old)] + [new]
    elif c.op == "add_actor":
        if any(x["id"] == a["id"] for x in actors):
            raise _RefusalError(f"{where}.id", "an actor with this id exists already", a["id"],
                           "choose another id, or change the actor with other operations")
        new_actor = {k: v for k, v in a.items() if k != "stances"}
        new_actor.setdefault("name", str(a["id"]))
        actors.append(new_actor)
        extra = a.get("stances") or []
        if not isinstance(extra, list):
            raise _RefusalError(f"{where}.stances", "must be a list of stances", extra,
                           "write stances: [{issue: ..., position: ..., salience: ...}]")
        for k, st in enumerate(extra):
            if not isinstance(st, Mapping) or "issue" not in st:
                raise _RefusalError(f"{where}.stances[{k}]", "must be a mapping with issue, "
                               "position and salience", st,
                               "write {issue: ..., position: ..., salience: ...}")
            stances.append({"actor": a["id"], **dict(st)})
    elif c.op == "remove_actor":
        actor_of()
        who = a["actor"]
        actors[:] = [x for x in actors if x["id"] != who]
        stances[:] = [s for s in stances if s["actor"] != who]
        for rnd in data.get("rounds", []):
            if rnd.get("mediator") == who:
                rnd["mediator"] = None
                notes.append(f"{who} no longer mediates round {rnd['id']}")
            for sess in rnd.get("sessions", []):
                sess["participants"] = [p for p in sess.get("participants", []) if p != who]
        for ev in data.get("events", []):
            ev["actors"] = [x for x in ev.get("actors", []) if x != who]
    else:
        actor_of()
        sessions = [(rnd, s) for rnd in data.get("rounds", []) for s in rnd.get("sessions", [])
                    if s.get("id") == a["session"]
                    and ("round" not in a or rnd.get("id") == a["round"])]
        if not sessions:
            known = sorted({str(s.get("id")) for rnd in data.get("rounds", [])
                            for s in rnd.get("sessions", [])
                            if s.get("format") == "side_channel"})
            raise _RefusalError(f"{where}.session", "must name a side channel of the scenario",
                           a["session"], _suggest(str(a["session"]), known, "side channel")
                           if known else "declare the side channel under a round's sessions")
        if len(sessions) > 1:
            raise _RefusalError(f"{where}.session", "names sessions in several rounds",
                           a["session"], "add round: <round id>")
        _, sess = sessions[0]
        if sess.get("format") != "side_channel":
            raise _RefusalError(f"{where}.session", "is a plenary session, not a side channel",
                           a["session"], "name a session whose format is side_channel")
        members = list(sess.get("participants", []))
        if c.op == "join_side_channel":
            if a["actor"] in members:
                raise _RefusalError(f"{where}.actor", "already takes part in this side channel",
                               a["actor"], "drop this change")
            sess["participants"] = [*members, a["actor"]]
        else:
            if a["actor"] not in members:
                raise _RefusalError(f"{where}.actor", "does not take part in this side channel",
                               a["actor"], f"its participants are {', '.join(members)}")
            sess["participants"] = [p for p in members if p != a["actor"]]
    return notes


def apply_changes(scenario: Scenario, changes: ChangeSet) -> Scenario:
    """The scenario with every change applied in order (validated after each).

    Raises
    ------
    ScenarioError
        Naming, for the first change that cannot apply or leaves an invalid scenario, the
        change file, its line, the field, the rule, the value and the fix.
    """
    return _apply(scenario, changes)[0]


def _apply(scenario: Scenario, changes: ChangeSet) -> tuple[Scenario, list[str]]:
    data = json.loads(json.dumps(scenario.model_dump(mode="json")))
    current = scenario
    notes: list[str] = []
    src = changes.source
    for c in changes.changes:
        try:
            notes += _apply_one(data, c)
        except _RefusalError as r:
            fld, rule, value, fix = r.problem
            raise ScenarioError([Problem(fld, rule, value, fix, c.line, src)], src) from None
        try:
            current = parse_scenario(data, src)
        except ScenarioError as err:
            raise ScenarioError([Problem(
                f"changes[{c.index}].{c.op}",
                f"leaves the scenario invalid: {p.field}: {p.rule}", p.value,
                f"{p.fix} (change: {c.describe()})" if p.fix else c.describe(), c.line, src)
                for p in err.problems], src) from None
        data = json.loads(json.dumps(current.model_dump(mode="json")))
    return current, notes


# ----------------------------------------------------------------------------------------
# comparing
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WhatIfComparison:
    """A what-if against its baseline, draw by draw on common random numbers."""

    changes: ChangeSet
    baseline: EnsembleResult
    variant: EnsembleResult
    notes: tuple[str, ...] = field(default=())

    def rows(self) -> list[dict[str, Any]]:
        """Per issue: both distributions, the paired difference, agreement probabilities."""
        b_sum, v_sum = self.baseline.summary(), self.variant.summary()
        out = []
        for j, issue in enumerate(self.baseline.issue_ids):
            xb, xv = self.baseline.outcome[:, j], self.variant.outcome[:, j]
            ok = np.isfinite(xb) & np.isfinite(xv)
            d = xv[ok] - xb[ok]
            tol = 1e-9 * float(self.baseline.high[j] - self.baseline.low[j])
            bi, vi = b_sum["issues"][issue], v_sum["issues"][issue]
            n = int(ok.sum())
            out.append({
                "issue": issue,
                "name": self.baseline.issue_names[j],
                "baseline": bi["distribution"],
                "variant": vi["distribution"],
                "difference": {
                    "mean": float(d.mean()) if n else None,
                    "se": float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else None,
                    "share_higher": float((d > tol).mean()) if n else None,
                    "share_lower": float((d < -tol).mean()) if n else None,
                },
                "acceptable_to_all": {"baseline": bi["acceptable_to_all"],
                                      "variant": vi["acceptable_to_all"]},
                **({"agreed": {"baseline": bi["agreed"], "variant": vi["agreed"]}}
                   if "agreed" in bi else {}),
            })
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``parley whatif --json``."""
        return {
            "scenario": {"name": self.baseline.scenario, "hash": self.baseline.scenario_hash},
            "variant_hash": self.variant.scenario_hash,
            "whatif": self.changes.to_dict(),
            "model": self.baseline.spec.model,
            "parameters": dict(self.baseline.spec.parameters),
            "ensemble": self.baseline.spec.to_dict(),
            "notes": list(self.notes),
            "issues": self.rows(),
            "acceptable_to_all_on_every_issue": {
                "baseline": self.baseline.summary()["acceptable_to_all_on_every_issue"],
                "variant": self.variant.summary()["acceptable_to_all_on_every_issue"]},
        }


def compare_whatif(
    scenario: Scenario,
    changes: ChangeSet,
    model: str | Model | Kernel = "compromise",
    *,
    n_runs: int = 1000,
    seed: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    jitter: Jitter | None = None,
    chunk_size: int | None = None,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> WhatIfComparison:
    """Run one ensemble on ``scenario`` and on it with ``changes``, on the same draws.

    Parameters are those of :func:`~parley.ensemble.runner.run_ensemble`; ``progress``
    counts the draws of both runs together.
    """
    variant, notes = _apply(scenario, changes)
    base_kernel = kernel_for(model, scenario, parameters)
    var_kernel = (kernel_for(model, variant, parameters) if isinstance(model, str | Model)
                  else _rebind(base_kernel, variant))
    if any(c.op.endswith("side_channel") for c in changes.changes) and not isinstance(
            base_kernel, SimulationKernel):
        notes.append(f"the model {base_kernel.name!r} does not read the format of the talks; "
                     "side-channel changes move a simulation's outcome, not this forecast")
    master = _resolve_seed(seed)
    size = chunk_size or base_kernel.chunk_size
    ex, own = _as_executor(executor, workers, scheduler)

    def part(offset: int) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(offset + done, 2 * total)

    try:
        base = run_ensemble(scenario, base_kernel, n_runs=n_runs, seed=master, jitter=jitter,
                            chunk_size=size, executor=ex, progress=part(0))
        var = run_ensemble(variant, var_kernel, n_runs=n_runs, seed=master, jitter=jitter,
                           chunk_size=size, executor=ex, progress=part(n_runs))
    finally:
        if own:
            ex.close()
    return WhatIfComparison(changes, base, var, tuple(notes))


def _rebind(kernel: Kernel, scenario: Scenario) -> Kernel:
    """The same kernel on another scenario (loop and simulation kernels hold theirs)."""
    import dataclasses

    if dataclasses.is_dataclass(kernel) and hasattr(kernel, "scenario"):
        rebound: Kernel = dataclasses.replace(kernel, scenario=scenario)
        return rebound
    return kernel
