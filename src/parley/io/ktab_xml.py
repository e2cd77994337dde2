"""Reader for KTAB's XML scenario format (the spatial model of politics).

The format, as KTAB's ``SMPModel::xmlRead`` reads it (schema ``smpSchema.xsd``)::

    <Scenario>
      <name>...</name><desc>...</desc><prngSeed>03507583219545544127</prngSeed>
      <ModelParameters>  <!-- optional; if present, all nine -->
        <VictoryProbModel>Linear</VictoryProbModel> ... <BargnModel>InitOnlyInterp</BargnModel>
      </ModelParameters>
      <Dimensions><dName>FirstDim</dName> ...</Dimensions>
      <Actors>
        <Actor><name>Alice</name><description>...</description><capability>117.7</capability>
          <Position><dCoord>52.8</dCoord> ...</Position><Salience><dSal>32.3</dSal> ...</Salience>
        </Actor> ...
      </Actors>
      <IdealAdjustment>  <!-- optional here; KTAB's reader requires it -->
        <iaPair><adjustingIdeal>Bob</adjustingIdeal><referencePos>Alice</referencePos>
                <adjust>0.07</adjust></iaPair> ...
      </IdealAdjustment>
    </Scenario>

:func:`read_ktab_xml` maps it to a scenario as :func:`parley.io.ktab.read_ktab_csv` maps a
KTAB CSV: one actor per ``Actor`` (id = ``name``, name = ``description``, capability), one
issue per ``dName`` on the scale 0-100 (id: the slug of the name without the word
"Position"), one stance per actor and dimension with salience = ``dSal`` / 100. Every number
cites the line it came from (source id ``ktab-xml``). What is not scenario data (the seed,
the model parameters, the accommodation matrix) comes from :func:`read_ktab_xml_settings`,
ready for :meth:`parley.models.spatial.SpatialModel.from_ktab`.

Unlike KTAB, the reader takes a missing ``IdealAdjustment`` as the identity and a missing
``prngSeed`` as no seed, accepts the schema's value names ``Proportional`` and ``No`` besides
KTAB's ``Prop`` and ``None``, and checks positions against 0-100; it reports every problem
(an empty ``dCoord``, a salience total over 100, an unknown actor in an ``iaPair``) with its
line. Documents with a DTD or entity declarations are refused.

References
----------
.. [1] KAPSARC (2015-2019). *KTAB*, ``examples/smp/doc/smpSchema.xsd`` and
   ``examples/smp/libsrc/smpread.cpp`` (MIT licence). https://github.com/KAPSARC/KTAB

Examples
--------
>>> text = '''<Scenario><name>Toy</name><desc>Two actors</desc><prngSeed>7</prngSeed>
... <Dimensions><dName>Policy Position</dName></Dimensions>
... <Actors>
...  <Actor><name>A</name><description>Alpha</description><capability>60</capability>
...   <Position><dCoord>20</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>
...  <Actor><name>B</name><description>Beta</description><capability>40</capability>
...   <Position><dCoord>80</dCoord></Position><Salience><dSal>100</dSal></Salience></Actor>
... </Actors></Scenario>'''
>>> s = read_ktab_xml(text)
>>> [i.id for i in s.issues], s.stance("B", "policy").salience.value
(['policy'], 1.0)
>>> read_ktab_xml_settings(text).seed
7
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from parley.errors import Problem, ScenarioError
from parley.io._tabular import (
    as_sentence,
    dimension_ids,
    empty_error,
    finish,
    slugify,
    source_entry,
    stem,
)
from parley.io._xml import line_of, parse_xml
from parley.scenario import Scenario

__all__ = ["KTAB_PARAMETERS", "SOURCE_ID", "KtabXmlSettings", "read_ktab_xml",
           "read_ktab_xml_settings"]

SOURCE_ID = "ktab-xml"
"""The id of the ``sources`` entry that every number read from a KTAB XML file cites."""

KTAB_PARAMETERS: dict[str, tuple[str, ...]] = {
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "StateTransitions": ("Deterministic", "Stochastic"),
    "VotingRule": ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp", "Proportional"),
    "BigRAdjust": ("None", "OneThird", "Half", "TwoThirds", "Full", "No"),
    "BigRRange": ("Min", "Mid", "Max"),
    "ThirdPartyCommit": ("NoCommit", "SemiCommit", "FullCommit"),
    "InterVecBrgn": ("S1P1", "S2P2", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}
"""The nine ``ModelParameters`` children, in order, with the values accepted for each."""

_UINT64 = 2**64


@dataclass(frozen=True)
class KtabXmlSettings:
    """The run settings a KTAB XML scenario carries besides the scenario itself.

    Attributes
    ----------
    seed : int or None
        ``prngSeed`` (KTAB's seed for its own generator; parley uses it as a numpy seed).
    parameters : dict of str to str
        ``ModelParameters`` as written (KTAB option name -> value name); empty if absent,
        in which case KTAB's defaults apply.
    accommodation : tuple of (actor id, actor id, float)
        ``IdealAdjustment`` entries (adjusting actor, reference actor, weight), applied on
        top of the identity matrix.
    """

    seed: int | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    accommodation: tuple[tuple[str, str, float], ...] = ()


def read_ktab_xml(text: str, source: str | None = None) -> Scenario:
    """Read a KTAB XML scenario into a :class:`~parley.scenario.Scenario`.

    Parameters
    ----------
    text : str
        The file's text.
    source : str, optional
        Where the text came from (a path), for messages and the ``sources`` entry.

    Raises
    ------
    ScenarioError
        Listing every problem in one pass, each with its line: XML that is not well formed
        or declares a DTD or entities; a root other than ``Scenario``; missing or empty
        elements; numbers that are not numbers; capabilities that are not positive;
        positions outside 0-100; saliences outside 0-100 or totalling over 100 for an actor;
        as many ``dCoord`` and ``dSal`` as dimensions; unknown model parameter values;
        ``iaPair`` entries naming unknown actors or with weights outside [0, 1].
    """
    data, _, problems, lines = _parse(text, source)
    return finish(data, problems, lines, source)


def read_ktab_xml_settings(text: str, source: str | None = None) -> KtabXmlSettings:
    """Read the seed, model parameters and accommodation of a KTAB XML scenario.

    Raises the same :class:`~parley.errors.ScenarioError` as :func:`read_ktab_xml` for a
    malformed file.

    Examples
    --------
    For a file with ``ModelParameters`` and ``IdealAdjustment``::

        settings = read_ktab_xml_settings(text)
        model = SpatialModel.from_ktab(settings.parameters,
                                       accommodation=settings.accommodation)
        forecast = model.run(read_ktab_xml(text), rng=settings.seed)
    """
    data, settings, problems, lines = _parse(text, source)
    finish(data, problems, lines, source)
    return settings


# ----------------------------------------------------------------------------------------
# parsing
# ----------------------------------------------------------------------------------------

class _Reader:
    """Walks the tree, collecting values and problems (with lines)."""

    def __init__(self, text: str, source: str | None, root: ET.Element,
                 lines: dict[int, int]) -> None:
        self.text = text
        self.source = source
        self.root = root
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, el: ET.Element | None) -> int | None:
        return None if el is None else self.lines.get(id(el))

    def problem(self, where: str, rule: str, value: object, fix: str,
                el: ET.Element | None) -> None:
        self.problems.append(Problem(where, rule, value, fix, self.line(el), self.source))

    def child(self, parent: ET.Element, tag: str, where: str, *,
              required: bool = True) -> ET.Element | None:
        el = parent.find(tag)
        if el is None and required:
            self.problem(f"{where}/{tag}", "is missing", None,
                         f"add a <{tag}> element to <{parent.tag}>", parent)
        return el

    def text_of(self, parent: ET.Element, tag: str, where: str, *,
                required: bool = True) -> tuple[str, ET.Element | None]:
        el = self.child(parent, tag, where, required=required)
        if el is None:
            return "", None
        value = (el.text or "").strip()
        if not value and required:
            self.problem(f"{where}/{tag}", "must not be empty", "",
                         f"write a value between <{tag}> and </{tag}>", el)
        return value, el

    def number(self, el: ET.Element, where: str, fix: str) -> float | None:
        raw = (el.text or "").strip()
        if not raw:
            self.problem(where, "must not be empty (KTAB's reader stops here too)", raw, fix, el)
            return None
        try:
            value = float(raw)
        except ValueError:
            self.problem(where, "must be a number", raw, fix, el)
            return None
        if not math.isfinite(value):
            self.problem(where, "must be a finite number", raw, fix, el)
            return None
        return value

    def quote(self, el: ET.Element | None) -> str:
        line = self.line(el)
        return f"line {line}: {line_of(self.text, line)}" if line else ""

    def quantity(self, value: float, el: ET.Element | None) -> dict[str, Any]:
        return {"value": value, "evidence": [{"source": SOURCE_ID, "quote": self.quote(el)}]}


def _parse(text: str, source: str | None,
           ) -> tuple[dict[str, Any], KtabXmlSettings, list[Problem], dict[str, int]]:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise empty_error(source, "a KTAB XML scenario")
    root, lines = parse_xml(
        text, source, needs_neither="KTAB scenarios", quote=True,
        markup_fix="fix the markup at this line (tags must close in order; '&' and '<' in "
                   "text must be written &amp; and &lt;)")
    r = _Reader(text, source, root, lines)
    if root.tag != "Scenario":
        raise ScenarioError([Problem("root", "must be <Scenario>", f"<{root.tag}>",
                                     "this is not a KTAB scenario file", r.line(root), source)],
                            source)
    where = "Scenario"
    name, name_el = r.text_of(root, "name", where)
    desc, _ = r.text_of(root, "desc", where, required=False)
    seed = _seed(r, root)
    parameters = _parameters(r, root)

    dims_el = r.child(root, "Dimensions", where, required=False)
    dim_names: list[str] = []
    if dims_el is not None:
        for k, d in enumerate(dims_el.findall("dName")):
            value = (d.text or "").strip()
            if not value:
                r.problem(f"Dimensions/dName[{k + 1}]", "must not be empty", "",
                          "name the dimension", d)
            dim_names.append(value or f"Dimension {k + 1}")
        if not dim_names:
            r.problem("Dimensions", "must hold at least one <dName>", "", "add <dName>s",
                      dims_el)
    actors_el = r.child(root, "Actors", where)
    actor_els = [] if actors_el is None else actors_el.findall("Actor")
    if actors_el is not None and not actor_els:
        r.problem("Actors", "must hold at least one <Actor>", "", "add <Actor> elements",
                  actors_el)
    if dims_el is None and actor_els:
        first = actor_els[0].find("Position")
        count = 0 if first is None else len(first.findall("dCoord"))
        dim_names = [f"Dimension {k + 1}" for k in range(count)]
    dims = dimension_ids(dim_names)

    title = name or (stem(source) or "KTAB scenario")
    line_map: dict[str, int] = {}
    for key in ("name", "title", "description", "sources"):
        if r.line(name_el):
            line_map[key] = r.line(name_el) or 0
    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    ids: list[str] = []
    for a, el in enumerate(actor_els):
        _actor(r, el, a, dims, actors, stances, ids, line_map)

    accommodation = _accommodation(r, root, ids)
    where_from = f" from {PurePath(source).name}" if source else ""
    data: dict[str, Any] = {
        "name": slugify(name) or stem(source) or "ktab",
        "title": title,
        "description": (as_sentence(desc) + "Read from a KTAB XML scenario: positions on "
                        "0-100 as given, saliences given on 0-100 divided by 100."),
        "sources": [source_entry(SOURCE_ID, f"KTAB XML '{title}'{where_from}")],
        "actors": actors,
        "issues": [{"id": i, "name": nm, "scale": {"low": 0.0, "high": 100.0}}
                   for i, nm in dims],
        "stances": stances,
    }
    for j in range(len(dims)):
        if dims_el is not None and r.line(dims_el):
            line_map[f"issues[{j}]"] = r.line(dims_el) or 0
    settings = KtabXmlSettings(seed=seed, parameters=parameters, accommodation=accommodation)
    return data, settings, r.problems, line_map


def _seed(r: _Reader, root: ET.Element) -> int | None:
    raw, el = r.text_of(root, "prngSeed", "Scenario", required=False)
    if el is None or not raw:
        return None
    if not raw.isdigit() or int(raw) >= _UINT64:
        r.problem("Scenario/prngSeed", "must be a whole number from 0 to 2**64 - 1", raw,
                  "write the seed as digits, e.g. 03507583219545544127", el)
        return None
    return int(raw)


def _parameters(r: _Reader, root: ET.Element) -> dict[str, str]:
    el = r.child(root, "ModelParameters", "Scenario", required=False)
    if el is None:
        return {}
    out: dict[str, str] = {}
    for option, values in KTAB_PARAMETERS.items():
        raw, child = r.text_of(el, option, "ModelParameters")
        if child is None or not raw:
            continue
        if raw not in values:
            r.problem(f"ModelParameters/{option}", "is not a value KTAB knows", raw,
                      f"use one of {', '.join(values)}", child)
            continue
        out[option] = raw
    return out


def _actor(r: _Reader, el: ET.Element, a: int, dims: list[tuple[str, str]],
           actors: list[dict[str, Any]], stances: list[dict[str, Any]], ids: list[str],
           line_map: dict[str, int]) -> None:
    where = f"Actors/Actor[{a + 1}]"
    name, _ = r.text_of(el, "name", where)
    desc, _ = r.text_of(el, "description", where, required=False)
    ident = name or f"actor-{a + 1}"
    ids.append(ident)
    actor: dict[str, Any] = {"id": ident, "name": desc or ident, "role": "party"}
    cap_el = r.child(el, "capability", where)
    if cap_el is not None:
        cap = r.number(cap_el, f"{where}/capability", "give the capability as a positive "
                                                      "number")
        if cap is not None and cap <= 0:
            r.problem(f"{where}/capability", "capability must be > 0", cap,
                      "give a positive number (only ratios between actors matter)", cap_el)
        elif cap is not None:
            actor["capability"] = r.quantity(cap, cap_el)
    line_map[f"actors[{len(actors)}]"] = r.line(el) or 0
    actors.append(actor)
    values: dict[str, list[tuple[float | None, ET.Element]]] = {}
    for block, tag in (("Position", "dCoord"), ("Salience", "dSal")):
        block_el = r.child(el, block, where)
        items = [] if block_el is None else block_el.findall(tag)
        if block_el is not None and len(items) != len(dims):
            r.problem(f"{where}/{block}", f"must hold one <{tag}> per dimension ({len(dims)})",
                      len(items), f"give {len(dims)} <{tag}> elements", block_el)
        values[tag] = [(r.number(it, f"{where}/{block}/{tag}[{k + 1}]",
                                 "give a number from 0 to 100"), it)
                       for k, it in enumerate(items)]
    total = 0.0
    for k, (value, it) in enumerate(values["dSal"]):
        if value is not None and not 0 <= value <= 100:
            r.problem(f"{where}/Salience/dSal[{k + 1}]", "salience must be in [0, 100]",
                      value, "give the salience on 0-100", it)
        elif value is not None:
            total += value
    if total > 100:
        r.problem(f"{where}/Salience", "saliences must total at most 100 (KTAB's rule)", total,
                  "lower the saliences so that the actor's total is 100 or less",
                  el.find("Salience"))
    for k, (value, it) in enumerate(values["dCoord"]):
        if value is not None and not 0 <= value <= 100:
            r.problem(f"{where}/Position/dCoord[{k + 1}]",
                      "position must be in [0, 100] (KTAB's scale)", value,
                      "give the position on 0-100", it)
    for j, (issue_id, _) in enumerate(dims):
        stance: dict[str, Any] = {"actor": ident, "issue": issue_id}
        for key, tag, scale in (("position", "dCoord", 1.0), ("salience", "dSal", 100.0)):
            if j < len(values[tag]):
                value, it = values[tag][j]
                if value is not None and 0 <= value <= 100:
                    stance[key] = r.quantity(value / scale, it)
        line_map[f"stances[{len(stances)}]"] = r.line(el) or 0
        stances.append(stance)


def _accommodation(r: _Reader, root: ET.Element, ids: list[str],
                   ) -> tuple[tuple[str, str, float], ...]:
    el = r.child(root, "IdealAdjustment", "Scenario", required=False)
    if el is None:
        return ()
    out: list[tuple[str, str, float]] = []
    rows: dict[str, dict[str, float]] = {}
    for k, pair in enumerate(el.findall("iaPair")):
        where = f"IdealAdjustment/iaPair[{k + 1}]"
        who, who_el = r.text_of(pair, "adjustingIdeal", where)
        ref, ref_el = r.text_of(pair, "referencePos", where)
        adj_el = r.child(pair, "adjust", where)
        ok = True
        for value, v_el, tag in ((who, who_el, "adjustingIdeal"), (ref, ref_el, "referencePos")):
            if value and value not in ids:
                r.problem(f"{where}/{tag}", "must name an actor of the scenario", value,
                          f"use one of {', '.join(ids)}", v_el)
                ok = False
        weight = None if adj_el is None else r.number(adj_el, f"{where}/adjust",
                                                      "give a weight from 0 to 1")
        if weight is not None and not 0 <= weight <= 1:
            r.problem(f"{where}/adjust", "must be in [0, 1]", weight, "give a weight from 0 to 1",
                      adj_el)
            ok = False
        if ok and who and ref and weight is not None:
            rows.setdefault(who, {a: float(a == who) for a in ids})[ref] = weight
            out.append((who, ref, weight))
    for who, row in rows.items():
        total = sum(row.values())
        if total > 1 + 1e-10:
            r.problem("IdealAdjustment", f"weights of {who!r} (with its own weight, 1 unless "
                      "given) must total at most 1", total,
                      f"lower {who!r}'s weights, e.g. its own (adjustingIdeal = referencePos)",
                      el)
    return tuple(out)
