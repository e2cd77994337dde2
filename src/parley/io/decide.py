"""Reader for the Decide format of Stokman's exchange model.

A Decide file is a list of typed rows, tab-separated (``;`` and ``,`` are accepted too,
sniffed from the first line) with single-quoted text fields::

    '#A'  'USA'        'USA'        ''                      actor: id, name, description
    '#P'  'Newtreaty'  'Newtreaty'  ''                      issue: id, name, description
    '#M'  'Newtreaty'  0                                    scale point: issue, value [, label]
    '#M'  'Newtreaty'  100
    '#D'  'USA'  'Newtreaty'  10.0  0.9  0.26               actor, issue, position, salience, power

It maps to a scenario as follows: one actor per ``#A`` row (role ``party``), one issue per
``#P`` row whose scale runs from the smallest to the largest of its ``#M`` values (labelled
``#M`` points become anchors), one stance per ``#D`` row. Saliences are on [0, 1]; if any
salience in the file exceeds 1, all of them are taken to be on 0-100 and divided by 100, and
the scenario's description says so.

Decide gives an actor's *power* on every ``#D`` row, while parley has one capability per
actor. When an actor's power is the same on all its rows (as in every published Decide data
set we know), that power is its capability. When it differs, the capability is the actor's
largest power and each stance's ``note`` records the power given on that issue; the power is
*not* folded into the salience. Every number cites its row (source id ``decide``).

References
----------
.. [1] Stokman, F. N. & Thomson, R. (2015). Decide: software for analysing and supporting
   collective decision-making. In *Decision-making in the European Union*.
.. [2] Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an
   object-oriented model of policy networks. In *European Community Decision Making*,
   105-127. Yale University Press.

Examples
--------
>>> text = '''
... '#A'\\t'a'\\t'Alpha'\\t''
... '#A'\\t'b'\\t'Beta'\\t''
... '#P'\\t'x'\\t'X'\\t''
... '#M'\\t'x'\\t0
... '#M'\\t'x'\\t10
... '#D'\\t'a'\\t'x'\\t2.0\\t0.5\\t0.3
... '#D'\\t'b'\\t'x'\\t8.0\\t1.0\\t0.6
... '''
>>> s = read_decide(text)
>>> s.issue("x").scale.high, s.actor("b").capability.value
(10.0, 0.6)
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath
from typing import Any

from parley.errors import Problem, ScenarioError
from parley.io._tabular import (
    Row,
    empty_error,
    finish,
    number,
    quantity,
    read_rows,
    salience_quantity,
    salience_top,
    sniff_delimiter,
    source_entry,
    stem,
)
from parley.scenario import Scenario

__all__ = ["SOURCE_ID", "read_decide"]

SOURCE_ID = "decide"
"""The id of the ``sources`` entry that every number read from a Decide file cites."""

_KINDS = {
    "#A": ("actor", 2, "'#A', id, name, description"),
    "#P": ("issue", 2, "'#P', id, name, description"),
    "#M": ("scale point", 3, "'#M', issue, value"),
    "#D": ("stance", 6, "'#D', actor, issue, position, salience, power"),
}


def read_decide(text: str, source: str | None = None) -> Scenario:
    """Read a Decide (exchange model) file into a :class:`~parley.scenario.Scenario`.

    Parameters
    ----------
    text : str
        The file's text.
    source : str, optional
        Where the text came from (a path): names the scenario (its stem) and the messages.

    Returns
    -------
    Scenario
        Named after the file's stem (``decide`` without a source).

    Raises
    ------
    ScenarioError
        Listing every problem in one pass (unknown row types, rows with too few fields,
        cells that are not numbers, saliences out of range, powers that are not positive,
        issues without a scale, stances naming undeclared actors or issues, positions off
        the scale), each with its line and field.
    """
    if not text.strip():
        raise empty_error(source, "Decide rows ('#A', '#P', '#M', '#D')")
    first = next(ln for ln in text.splitlines() if ln.strip())
    rows = read_rows(text, sniff_delimiter(first, "\t;,"), "'", source=source)
    problems: list[Problem] = []
    by_kind: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        tag = row.cells[0].upper()
        if tag not in _KINDS:
            problems.append(Problem(
                "row type", "must be '#A' (actor), '#P' (issue), '#M' (scale point) or "
                "'#D' (actor, issue, position, salience, power)", row.cells[0][:40],
                "start each row with its type, e.g. '#A'", row.line, source))
            continue
        what, n_min, layout = _KINDS[tag]
        if len(row.cells) < n_min or not row.cells[1]:
            problems.append(Problem(tag, f"a {what} row needs the fields {layout}",
                                    row.raw[:80], "fill in the missing fields", row.line, source))
            continue
        by_kind[tag].append(row)
    if not by_kind["#A"]:
        problems.append(Problem("actors", "a Decide file needs at least one '#A' actor row", 0,
                                "declare the actors first: '#A', id, name, description",
                                rows[0].line, source))
        if not any(by_kind.values()):
            raise ScenarioError(problems, source)
    if not by_kind["#P"]:
        problems.append(Problem("issues", "a Decide file needs at least one '#P' issue row", 0,
                                "declare the issues: '#P', id, name, description",
                                rows[0].line, source))

    lines: dict[str, int] = {}
    actors: list[dict[str, Any]] = []
    for row in by_kind["#A"]:
        lines[f"actors[{len(actors)}]"] = row.line
        actors.append({"id": row.cells[1], "name": _cell(row, 2) or row.cells[1],
                       "role": "party", "description": _cell(row, 3)})

    issue_rows = {row.cells[1]: row for row in by_kind["#P"]}
    points: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for row in by_kind["#M"]:
        value = number(row.cells[2], field="#M value", line=row.line, problems=problems,
                       source=source, fix="give the scale point as a number")
        if row.cells[1] not in issue_rows:
            problems.append(Problem("#M issue", "must name an issue declared in a '#P' row",
                                    row.cells[1], "declare the issue, or fix its spelling",
                                    row.line, source))
        elif value is not None:
            points[row.cells[1]].append((value, _cell(row, 3)))

    issues: list[dict[str, Any]] = []
    for ident, row in issue_rows.items():
        values = sorted({v for v, _ in points[ident]})
        issue: dict[str, Any] = {"id": ident, "name": _cell(row, 2) or ident,
                                 "description": _cell(row, 3)}
        if len(values) < 2:
            problems.append(Problem(
                "#M", f"issue {ident!r} needs at least two distinct '#M' scale points "
                "(its low and high)", values, f"add rows '#M', '{ident}', low and "
                f"'#M', '{ident}', high", row.line, source))
        else:
            anchors = [{"value": v, "label": label} for v, label in points[ident] if label]
            issue["scale"] = {"low": values[0], "high": values[-1], "anchors": anchors}
        lines[f"issues[{len(issues)}]"] = row.line
        issues.append(issue)

    parsed: list[tuple[Row, float | None, float | None, float | None]] = []
    for row in by_kind["#D"]:
        cells = row.cells
        pos = number(cells[3], field="#D position", line=row.line, problems=problems,
                     source=source, fix="give the position as a number on the issue's scale")
        sal = number(cells[4], field="#D salience", line=row.line, problems=problems,
                     source=source, fix="give the salience as a number in [0, 1]")
        power = number(cells[5], field="#D power", line=row.line, problems=problems,
                       source=source, fix="give the actor's power as a positive number")
        if power is not None and power <= 0:
            problems.append(Problem("#D power", "power must be > 0", power,
                                    "give a positive number (only ratios between actors "
                                    "matter)", row.line, source))
            power = None
        parsed.append((row, pos, sal, power))

    top = salience_top(s for _, _, s, _ in parsed if s is not None)
    powers: dict[str, list[tuple[float, Row]]] = defaultdict(list)
    for row, _, _, power in parsed:
        if power is not None:
            powers[row.cells[1]].append((power, row))
    varying = {a for a, ps in powers.items() if len({p for p, _ in ps}) > 1}

    stances: list[dict[str, Any]] = []
    for row, pos, sal, power in parsed:
        actor_id = row.cells[1]
        stance: dict[str, Any] = {"actor": actor_id, "issue": row.cells[2]}
        if pos is not None:
            stance["position"] = quantity(pos, SOURCE_ID, row)
        salience = salience_quantity(sal, top, SOURCE_ID, row, field="#D salience",
                                     what="file", problems=problems, source=source)
        if salience is not None:
            stance["salience"] = salience
        if power is not None and actor_id in varying:
            best = max(p for p, _ in powers[actor_id])
            stance["note"] = (f"Decide power on this issue: {power:g}; the actor's capability "
                              f"is its largest power, {best:g}.")
        lines[f"stances[{len(stances)}]"] = row.line
        stances.append(stance)

    for k, actor in enumerate(actors):
        ps = powers.get(actor["id"])
        if ps:
            best, best_row = max(ps, key=lambda pr: pr[0])
            actor["capability"] = quantity(best, SOURCE_ID, best_row)
        elif not any(row.cells[1] == actor["id"] for row in by_kind["#D"]):
            line = lines[f"actors[{k}]"]
            problems.append(Problem(
                "#A", f"actor {actor['id']!r} has no '#D' row, so its power (capability) is "
                "unknown", actor["id"], "add its '#D' rows, or remove its '#A' row",
                line, source))

    notes = ["Read from a Decide (exchange model) file."]
    if top > 1:
        notes.append("Saliences were given on 0-100 and divided by 100.")
    if varying:
        notes.append("Power varies by issue for " + ", ".join(sorted(varying)) + "; their "
                     "capability is their largest power, and each stance's note gives the "
                     "power on that issue.")
    name = stem(source)
    title = f"Decide file {PurePath(source).name}" if source else "Decide data"
    data: dict[str, Any] = {
        "name": name or "decide",
        "title": name or "Decide scenario",
        "description": " ".join(notes),
        "sources": [source_entry(SOURCE_ID, title)],
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }
    return finish(data, problems, lines, source)


def _cell(row: Row, k: int) -> str:
    return row.cells[k] if len(row.cells) > k else ""
