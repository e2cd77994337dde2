"""GENIUS XML: export a scenario as a domain and utility spaces; import them as a scenario.

GENIUS (Lin et al. 2014) and NegMAS describe a negotiation by a *domain* file (the issues and
their discrete values) and one *utility space* file per party: an additive utility

.. math::

    U(x) = \\sum_j w_j \\, \\frac{\\mathrm{eval}_j(x_j)}{\\max_v \\mathrm{eval}_j(v)},
    \\qquad \\sum_j w_j = 1,

with a reservation value and a discount factor. GENIUS divides each evaluation by the
largest evaluation of its issue (``EvaluatorDiscrete.normalize``) and expects weights that
sum to 1; :func:`read_genius` applies both normalisations.

**Export** (:func:`to_genius`, :func:`write_genius`). Each issue is discretised to a grid of
``points_per_issue`` values on its scale (ends included) or to its named options; a value's
name is the number it stands for, its ``description`` the option id. Party *i*'s
per-issue evaluation of value *v* is :math:`e_{ij}(v) = 1 - \\ell(|v - p_{ij}| / (h_j - l_j))`,
its parley utility on the grid is :math:`U_i = \\sum_j \\tilde s_{ij} e_{ij}`
(:mod:`parley.deals.utility`). The file holds GENIUS's normal form of the same function:
evaluations :math:`e_{ij}(v) / \\max_v e_{ij}(v)`, weights
:math:`\\tilde s_{ij} \\max_v e_{ij}(v) / c_i` and reservation :math:`r_i / c_i` (clipped to
[0, 1]), with :math:`c_i = \\sum_j \\tilde s_{ij} \\max_v e_{ij}(v)` the party's best utility
on the grid. So the GENIUS utility of every package is parley's divided by :math:`c_i`
(exactly parley's when every position lies on the grid, :math:`c_i = 1`), and time-based
strategies, which scale their targets between the worst or reservation utility and the best,
make the same offers in both. Red lines have no GENIUS equivalent and are not exported.

**Import** (:func:`read_genius`). Discrete issues (and integer issues, as their whole
numbers) become issues on the scale of their values when every value's name is a number, or
on 0-100 with one named option per value, evenly spaced in the listed order, otherwise. Each
profile becomes a party whose position is its best-evaluated value (the first of equals) and
whose salience on each issue is its normalised weight; its reservation value becomes the
actor's ``reservation``. parley's utility is linear in the distance from the position, so
the scenario reproduces a profile exactly only when its evaluations fall linearly from the
peak (as exported ones do); :attr:`GeniusImport.fit_error` gives, per party, the largest
difference over all packages, and :class:`GeniusProfile` keeps the exact normalised profile.

Documents with a DTD or entity declarations are refused (no entity expansion).

References
----------
.. [1] Lin, R., Kraus, S., Baarslag, T., Tykhonov, D., Hindriks, K. and Jonker, C. M.
   (2014). Genius: an integrated environment for supporting the design of generic automated
   negotiators. *Computational Intelligence* 30(1), 48-70.
.. [2] Mohammad, Y., Nakadai, S. and Greenwald, A. (2021). NegMAS: a platform for automated
   negotiations. In *PRIMA 2020*, LNCS 12568, 343-351.

Examples
--------
>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 0.75},
...                 {"actor": "a", "issue": "y", "position": 0, "salience": 0.25},
...                 {"actor": "b", "issue": "x", "position": 100, "salience": 0.5},
...                 {"actor": "b", "issue": "y", "position": 100, "salience": 0.5}]})
>>> g = to_genius(s, points_per_issue=3)
>>> back = read_genius(g.domain, g.profiles)
>>> back.scenario.stance("a", "x").salience.value, back.fit_error["a"]
(0.75, 0.0)
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import numpy as np
from numpy.typing import NDArray

from parley.deals.space import DiscreteSpace, grid, option_space
from parley.deals.utility import Loss, preferences
from parley.errors import Problem, ScenarioError
from parley.io._xml import parse_xml
from parley.scenario import Scenario, parse_scenario

__all__ = ["GeniusExport", "GeniusImport", "GeniusProfile", "read_genius", "to_genius",
           "write_genius"]

FloatArray = NDArray[np.float64]
SOURCE_ID = "genius"


@dataclass(frozen=True)
class GeniusExport:
    """A scenario as GENIUS XML: the domain and one utility space per party."""

    domain: str
    profiles: dict[str, str]
    space: DiscreteSpace
    scale: dict[str, float]


@dataclass(frozen=True)
class GeniusProfile:
    """One GENIUS utility space, normalised as GENIUS does.

    Attributes
    ----------
    weights : ndarray, shape (m,)
        Issue weights, summing to 1.
    evaluations : tuple of ndarray
        Per issue, each value's evaluation divided by the issue's largest, ``(L_j,)``.
    reservation, discount : float or None
        The ``reservation`` and ``discount_factor`` values, where given.
    """

    name: str
    weights: FloatArray
    evaluations: tuple[FloatArray, ...]
    reservation: float | None = None
    discount: float | None = None

    def utilities(self, digits: NDArray[np.int64]) -> FloatArray:
        """GENIUS utility of packages given as value indices ``(K, m)``."""
        d = np.asarray(digits, dtype=np.int64).reshape(-1, len(self.evaluations))
        out = np.zeros(d.shape[0])
        for j, ev in enumerate(self.evaluations):
            out += self.weights[j] * ev[d[:, j]]
        return out


@dataclass(frozen=True)
class GeniusImport:
    """A GENIUS domain and profiles read as a scenario.

    ``space`` holds the domain's values (labels: the value names), ``profiles`` the exact
    normalised profiles, ``fit_error`` per party the largest gap between the profile's
    utility and the scenario's parley utility over all packages.
    """

    scenario: Scenario
    space: DiscreteSpace
    profiles: dict[str, GeniusProfile]
    fit_error: dict[str, float]


# -- export -------------------------------------------------------------------------------

def _restrict(scenario: Scenario, parties: Sequence[str] | None,
              issues: Sequence[str] | None) -> Scenario:
    if parties is None and issues is None:
        return scenario
    keep_i = list(issues) if issues is not None else [i.id for i in scenario.issues]
    keep_a = list(parties) if parties is not None else [a.id for a in scenario.parties]
    problems = [Problem("issues", "must name declared issues", i,
                        f"use some of: {', '.join(x.id for x in scenario.issues)}")
                for i in keep_i if i not in {x.id for x in scenario.issues}]
    problems += [Problem("parties", "must name declared actors", a,
                         f"use some of: {', '.join(x.id for x in scenario.actors)}")
                 for a in keep_a if a not in {x.id for x in scenario.actors}]
    if problems:
        raise ScenarioError(problems, scenario.name)
    data = scenario.model_dump(mode="json")
    data["issues"] = [i for i in data["issues"] if i["id"] in keep_i]
    data["actors"] = [dict(a, role="party") for a in data["actors"] if a["id"] in keep_a]
    data["stances"] = [s for s in data["stances"]
                       if s["issue"] in keep_i and s["actor"] in keep_a]
    data["rounds"], data["events"] = [], []
    return parse_scenario(data, scenario.name)


def _num(x: float) -> str:
    return repr(float(x)) if not float(x).is_integer() else f"{float(x):.1f}"


def _name(x: float) -> str:
    return f"{float(x):g}" if abs(float(x) - float(f"{float(x):g}")) < 1e-12 else repr(float(x))


def to_genius(scenario: Scenario, *, parties: Sequence[str] | None = None,
              issues: Sequence[str] | None = None,
              points_per_issue: int | Mapping[str, int] = 5, use_options: bool = False,
              loss: Loss = "linear") -> GeniusExport:
    """The GENIUS domain and utility-space XML of a scenario (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    parties : sequence of str, optional
        The parties to export (default: role ``party``).
    issues : sequence of str, optional
        The issues to export (default: all); saliences are renormalised over them.
    points_per_issue : int or mapping
        Grid points per issue.
    use_options : bool
        Use each issue's named options (a grid where it has none).
    loss : {'linear', 'quadratic'}
        Utility loss shape.
    """
    sub = _restrict(scenario, parties, issues)
    prefs = preferences(sub, parties=parties, loss=loss)
    space = option_space(sub, points_per_issue) if use_options else grid(sub, points_per_issue)
    dom = ['<?xml version="1.0" encoding="UTF-8"?>', "<negotiation_template>",
           f'<utility_space number_of_issues="{prefs.n_issues}">',
           f'<objective index="0" description="" name={quoteattr(sub.name)} '
           'type="objective" etype="objective">']
    for j, issue_id in enumerate(prefs.issue_ids):
        dom.append(f'<issue index="{j + 1}" etype="discrete" type="discrete" '
                   f'vtype="discrete" name={quoteattr(issue_id)}>')
        for k, v in enumerate(space.values[j]):
            desc = space.label(j, k) or _name(v)
            dom.append(f'<item index="{k + 1}" value={quoteattr(_name(v))} cost="0" '
                       f'description={quoteattr(desc)}></item>')
        dom.append("</issue>")
    dom += ["</objective>", "</utility_space>", "</negotiation_template>", ""]
    profiles: dict[str, str] = {}
    scale: dict[str, float] = {}
    for i, party in enumerate(prefs.actor_ids):
        evals, tops = [], []
        for j in range(prefs.n_issues):
            w = float(prefs.weight[i, j])
            if w > 0:
                e = 1.0 - prefs.issue_terms(j, space.values[j])[:, i] / w
            else:
                e = np.ones(space.values[j].size)
            e = np.clip(e, 0.0, 1.0)
            top = float(e.max())
            evals.append(e / top if top > 0 else np.zeros_like(e))
            tops.append(top)
        c = float(sum(float(prefs.weight[i, j]) * tops[j] for j in range(prefs.n_issues)))
        scale[party] = c
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               f'<utility_space type="additive" number_of_issues="{prefs.n_issues}">',
               f'<objective index="0" description="" name={quoteattr(sub.name)} '
               'type="objective" etype="objective">']
        for j, issue_id in enumerate(prefs.issue_ids):
            out.append(f'<issue index="{j + 1}" etype="discrete" type="discrete" '
                       f'vtype="discrete" name={quoteattr(issue_id)}>')
            for k, v in enumerate(space.values[j]):
                out.append(f'<item index="{k + 1}" value={quoteattr(_name(v))} '
                           f'evaluation="{_num(evals[j][k])}"/>')
            out.append("</issue>")
        for j in range(prefs.n_issues):
            w = float(prefs.weight[i, j]) * tops[j] / c if c > 0 else 0.0
            out.append(f'<weight index="{j + 1}" value="{_num(w)}"/>')
        out.append("</objective>")
        r = min(max(float(prefs.reservation[i]) / c, 0.0), 1.0) if c > 0 else 0.0
        out += [f'<reservation value="{_num(r)}"/>', "</utility_space>", ""]
        profiles[party] = "\n".join(out)
    return GeniusExport("\n".join(dom), profiles, space, scale)


@dataclass(frozen=True)
class GeniusFiles:
    """Paths written by :func:`write_genius`."""

    domain: Path
    profiles: dict[str, Path]


def write_genius(scenario: Scenario, folder: str | Path, **options: Any) -> GeniusFiles:
    """Write :func:`to_genius` as ``<name>-domain.xml`` and ``<name>-<party>.xml`` files."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    g = to_genius(scenario, **options)
    domain = out / f"{scenario.name}-domain.xml"
    domain.write_text(g.domain, encoding="utf-8")
    paths = {}
    for party, text in g.profiles.items():
        p = out / f"{scenario.name}-{party}.xml"
        p.write_text(text, encoding="utf-8")
        paths[party] = p
    return GeniusFiles(domain, paths)


# -- import -------------------------------------------------------------------------------

def _parse(text: str, source: str) -> tuple[ET.Element, dict[int, int]]:
    """Parse XML safely (no DTD, no entities); element id -> line."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ScenarioError([Problem("file", "is empty", "", "write a GENIUS XML document",
                                     1, source)], source)
    return parse_xml(text, source, needs_neither="GENIUS files")


def _objective(root: ET.Element) -> ET.Element:
    us = root.find("utility_space") if root.tag == "negotiation_template" else root
    us = root if us is None else us
    obj = us.find("objective")
    return us if obj is None else obj


def _read_domain(text: str, source: str, problems: list[Problem],
                 ) -> tuple[str, list[str], list[list[str]], list[list[str]]]:
    root, lines = _parse(text, source)
    if root.tag not in ("negotiation_template", "utility_space"):
        raise ScenarioError([Problem("root", "must be <negotiation_template>", f"<{root.tag}>",
                                     "give a GENIUS domain file", lines.get(id(root)),
                                     source)], source)
    obj = _objective(root)
    names: list[str] = []
    values: list[list[str]] = []
    descs: list[list[str]] = []
    for k, issue in enumerate(obj.iter("issue")):
        line = lines.get(id(issue))
        name = (issue.get("name") or "").strip()
        if not name:
            problems.append(Problem(f"issue[{k + 1}].name", "must not be empty", "",
                                    "name the issue", line, source))
            name = f"issue-{k + 1}"
        kind = issue.get("type", "discrete")
        if kind == "discrete":
            items = [(it.get("value") or "").strip() for it in issue.iter("item")]
            desc = [(it.get("description") or "").strip() for it in issue.iter("item")]
        elif kind == "integer":
            try:
                lo, hi = int(issue.get("lowerbound", "")), int(issue.get("upperbound", ""))
                items, desc = [str(v) for v in range(lo, hi + 1)], [""] * (hi - lo + 1)
            except ValueError:
                items, desc = [], []
        else:
            problems.append(Problem(f"issue[{k + 1}].type", "must be discrete or integer",
                                    kind, "discretise real issues to discrete values", line,
                                    source))
            items, desc = [], []
        if not items and kind in ("discrete", "integer"):
            problems.append(Problem(f"issue[{k + 1}]", "must have values", name,
                                    "add <item value=...> elements (or integer bounds)",
                                    line, source))
        if len(set(items)) != len(items):
            problems.append(Problem(f"issue[{k + 1}]", "values must be distinct", items,
                                    "remove the repeated values", line, source))
        names.append(name)
        values.append(items)
        descs.append(desc)
    if not names:
        problems.append(Problem("objective", "must hold at least one <issue>", "",
                                "add issues", lines.get(id(obj)), source))
    return (obj.get("name") or "").strip(), names, values, descs


def _read_profile(text: str, source: str, name: str, issues: list[str],
                  values: list[list[str]], problems: list[Problem]) -> GeniusProfile:
    root, lines = _parse(text, source)
    if root.tag != "utility_space":
        raise ScenarioError([Problem("root", "must be <utility_space>", f"<{root.tag}>",
                                     "give a GENIUS utility-space (profile) file",
                                     lines.get(id(root)), source)], source)
    obj = _objective(root)
    raw_w = np.zeros(len(issues))
    evals = [np.zeros(len(v)) for v in values]
    seen = set()
    for el in obj:
        line = lines.get(id(el))
        if el.tag == "weight":
            try:
                idx = int(el.get("index", "")) - 1
                w = float(el.get("value", ""))
            except ValueError:
                problems.append(Problem("weight", "needs a whole index and a number value",
                                        dict(el.attrib), "write <weight index=\"1\" "
                                        "value=\"0.5\"/>", line, source))
                continue
            if not 0 <= idx < len(issues) or not math.isfinite(w) or w < 0:
                problems.append(Problem(f"weight[{idx + 1}]", "must name an issue index and "
                                        "a number >= 0", dict(el.attrib), "fix the index or "
                                        "value", line, source))
                continue
            raw_w[idx] = w
        elif el.tag == "issue":
            iname = (el.get("name") or "").strip()
            if iname not in issues:
                problems.append(Problem("issue.name", "must name an issue of the domain", iname,
                                        f"use one of: {', '.join(issues)}", line, source))
                continue
            j = issues.index(iname)
            seen.add(j)
            for it in el.iter("item"):
                val = (it.get("value") or "").strip()
                ev_text = it.get("evaluation")
                iline = lines.get(id(it))
                if val not in values[j]:
                    problems.append(Problem(f"{iname}.item", "must be a value of the domain "
                                            "issue", val, f"use one of: {', '.join(values[j])}",
                                            iline, source))
                    continue
                try:
                    ev = float(ev_text if ev_text is not None else "")
                except ValueError:
                    problems.append(Problem(f"{iname}.{val}.evaluation", "must be a number",
                                            ev_text, "give evaluation=\"...\" >= 0", iline,
                                            source))
                    continue
                if not math.isfinite(ev) or ev < 0:
                    problems.append(Problem(f"{iname}.{val}.evaluation", "must be >= 0", ev,
                                            "GENIUS evaluations are non-negative", iline,
                                            source))
                    continue
                evals[j][values[j].index(val)] = ev
    for j in range(len(issues)):
        if j not in seen and raw_w[j] > 0:
            problems.append(Problem(f"{issues[j]}", "has a weight but no evaluations", name,
                                    "add the issue's <item evaluation=...> elements", None,
                                    source))
    total = float(raw_w.sum())
    if total <= 0:
        problems.append(Problem("weight", "weights must sum to more than 0", total,
                                "give each issue's <weight>", None, source))
        total = 1.0
    norm = tuple(e / e.max() if e.max() > 1e-12 else np.zeros_like(e) for e in evals)

    def attr(tag: str) -> float | None:
        el = root.find(tag)
        if el is None:
            return None
        try:
            return float(el.get("value", ""))
        except ValueError:
            problems.append(Problem(tag, "must be a number", el.get("value"),
                                    "give value=\"...\"", lines.get(id(el)), source))
            return None

    res = attr("reservation")
    if res is not None and not 0 <= res <= 1:
        problems.append(Problem("reservation", "must be in [0, 1]", res,
                                "give a utility between 0 and 1", None, source))
        res = None
    return GeniusProfile(name, raw_w / total, norm, res, attr("discount_factor"))


def _text(x: str | Path) -> tuple[str, str]:
    if isinstance(x, Path) or (isinstance(x, str) and "<" not in x and Path(x).is_file()):
        p = Path(x)
        return p.read_text(encoding="utf-8-sig"), str(p)
    return str(x), "<text>"


def read_genius(domain: str | Path, profiles: Mapping[str, str | Path] | Sequence[str | Path],
                *, name: str | None = None) -> GeniusImport:
    """Read a GENIUS domain and utility spaces as a scenario (see the module docstring).

    Parameters
    ----------
    domain : str or Path
        The domain XML (text or a file).
    profiles : mapping of party id to XML, or sequence of files
        The utility spaces; a sequence of files names parties by file stem.
    name : str, optional
        Scenario name (default: the domain's objective name, else ``genius``).

    Raises
    ------
    ScenarioError
        Listing every problem found (with file and line), or for a DTD or entities.
    """
    dom_text, dom_src = _text(domain)
    problems: list[Problem] = []
    dom_name, issues, values, descs = _read_domain(dom_text, dom_src, problems)
    items: list[tuple[str, str | Path]]
    if isinstance(profiles, Mapping):
        items = list(profiles.items())
    else:
        items = [(Path(p).stem, p) for p in profiles]
    profs: dict[str, GeniusProfile] = {}
    for pid, given in items:
        text, src = _text(given)
        profs[pid] = _read_profile(text, src, pid, issues, values, problems)
    if not profs:
        problems.append(Problem("profiles", "at least one utility space is needed", 0,
                                "pass the parties' profile files", None, dom_src))
    if problems:
        raise ScenarioError(problems, dom_src)
    numeric: list[FloatArray | None] = []
    for vals in values:
        try:
            numeric.append(np.array([float(v) for v in vals]))
        except ValueError:
            numeric.append(None)
    issue_dicts: list[dict[str, Any]] = []
    pos_values: list[FloatArray] = []
    for j, iname in enumerate(issues):
        nums = numeric[j]
        if nums is not None and np.isfinite(nums).all():
            lo, hi = float(nums.min()), float(nums.max())
            if hi <= lo:
                hi = lo + 1.0
            pos_values.append(nums)
            d: dict[str, Any] = {"id": iname, "name": iname,
                                 "scale": {"low": lo, "high": hi}}
            opts = [{"id": desc, "value": float(v)}
                    for desc, raw, v in zip(descs[j], values[j], nums, strict=False)
                    if desc and desc != raw and _good_id(desc)]
            if opts:
                d["options"] = opts
        else:
            n = len(values[j])
            pts = np.linspace(0.0, 100.0, n) if n > 1 else np.array([0.0])
            pos_values.append(pts)
            d = {"id": iname, "name": iname, "scale": {"low": 0, "high": 100},
                 "options": [{"id": _option_id(v, k), "label": v, "value": float(p)}
                             for k, (v, p) in enumerate(zip(values[j], pts, strict=True))]}
        issue_dicts.append(d)
    actors, stances = [], []
    for pid, prof in profs.items():
        actor: dict[str, Any] = {"id": pid, "name": pid, "role": "party", "capability": 1}
        if prof.reservation is not None:
            actor["reservation"] = prof.reservation
        actors.append(actor)
        for j, iname in enumerate(issues):
            if prof.weights[j] <= 0:
                continue
            best = int(np.argmax(prof.evaluations[j]))
            stances.append({"actor": pid, "issue": iname,
                            "position": float(pos_values[j][best]),
                            "salience": float(prof.weights[j])})
    data = {"name": name or dom_name or "genius", "title": dom_name or "",
            "sources": [{"id": SOURCE_ID, "kind": "dataset", "title": f"GENIUS files: {dom_src}"}],
            "actors": actors, "issues": issue_dicts, "stances": stances}
    scenario = parse_scenario(data, dom_src)
    space = DiscreteSpace(tuple(issues), tuple(pos_values), tuple(tuple(v) for v in values))
    prefs = preferences(scenario, parties=list(profs))
    fit = {}
    for i, (pid, prof) in enumerate(profs.items()):
        err = 0.0
        for j in range(len(issues)):
            parley_terms = prefs.issue_terms(j, pos_values[j])[:, i]
            genius_terms = prof.weights[j] * (1.0 - prof.evaluations[j])
            err += float(np.abs(parley_terms - genius_terms).max())
        fit[pid] = round(err, 12)
    return GeniusImport(scenario, space, profs, fit)


def _good_id(text: str) -> bool:
    return bool(text) and text == text.strip() and len(text) <= 120


def _option_id(value: str, k: int) -> str:
    text = " ".join(value.split())[:120]
    return text if text else f"value-{k + 1}"
