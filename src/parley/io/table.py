"""Reader for a plain one-issue table: one row per actor, as a spreadsheet would export it.

The header names the columns, in any order and any case::

    actor,capability,position_years,salience
    Netherlands,0.08,4,80
    Belgium,0.08,7,40

============================  ================================================================
column                        meaning
============================  ================================================================
``actor``                     actor id (required)
``capability``                capability, > 0 (required)
``position`` or               position on the issue (required); a suffix names the unit,
``position_<unit>``           e.g. ``position_years`` -> unit ``years``
``salience``                  salience in [0, 1], or on 0-100 (required; see below)
``name``, ``role``            display name (default: the id); ``party``, ``mediator`` or
                              ``observer`` (default ``party``)
``low``, ``high``             the actor's acceptable range (both or neither)
``note``                      a free-text note on the stance
============================  ================================================================

The delimiter (comma, semicolon or tab) is sniffed from the header. If any salience exceeds
1, all saliences are taken to be on 0-100 and divided by 100. The issue's scale runs from
the smallest to the largest position (and acceptable bound) unless ``scale`` is given; if all
positions are equal, the scale is widened around them by half their magnitude (1 at zero).
Both facts are recorded in the scenario's and the issue's descriptions. Every number cites
its row (source id ``table``).

Examples
--------
>>> text = '''actor;capability;position_years;salience
... a;2;4;50
... b;1;10;100
... '''
>>> s = read_table(text)
>>> s.issue("issue").scale.unit, s.issue("issue").scale.high, s.stance("b", "issue").salience.value
('years', 10.0, 1.0)
"""

from __future__ import annotations

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
    slugify,
    sniff_delimiter,
    source_entry,
    stem,
)
from parley.scenario import Scenario

__all__ = ["SOURCE_ID", "read_table"]

SOURCE_ID = "table"
"""The id of the ``sources`` entry that every number read from a table cites."""

_REQUIRED = ("actor", "capability", "position", "salience")
_OPTIONAL = ("name", "role", "low", "high", "note")
_ROLES = ("party", "mediator", "observer")
_HEADER_FIX = ("give a header with the columns actor, capability, position (or "
               "position_<unit>) and salience; optional: name, role, low, high, note")


def _columns(header: Row, source: str | None,
             problems: list[Problem]) -> tuple[dict[str, int], str]:
    """Map each known column to its index; return the map and the position unit."""
    index: dict[str, int] = {}
    unit = ""
    for k, cell in enumerate(header.cells):
        key = cell.strip().lower()
        if key.startswith("position"):
            suffix = key.removeprefix("position")
            if suffix and not suffix.startswith("_"):
                key = ""
            else:
                unit = cell.strip()[len("position_"):] if suffix else ""
                key = "position"
        if key not in _REQUIRED + _OPTIONAL:
            if cell:
                problems.append(Problem("header", "is not a known column", cell,
                                        _HEADER_FIX, header.line, source))
            continue
        if key in index:
            problems.append(Problem("header", f"names the column {key!r} twice", cell,
                                    "keep one of them", header.line, source))
            continue
        index[key] = k
    for key in _REQUIRED:
        if key not in index:
            problems.append(Problem("header", f"must have a column {key!r}",
                                    header.raw[:80], _HEADER_FIX, header.line, source))
    if ("low" in index) != ("high" in index):
        problems.append(Problem("header", "needs both 'low' and 'high' (an acceptable range) "
                                "or neither", header.raw[:80], "add the missing column",
                                header.line, source))
    return index, unit


def _widened(x: float) -> tuple[float, float]:
    half = abs(x) / 2 or 1.0
    return (x - half, x + half)


def read_table(text: str, source: str | None = None, *,
               scale: tuple[float, float] | None = None) -> Scenario:
    """Read a plain one-issue table into a :class:`~parley.scenario.Scenario`.

    Parameters
    ----------
    text : str
        The table's text (CSV; comma, semicolon or tab).
    source : str, optional
        Where the text came from (a path): its stem names the scenario and the issue.
    scale : (low, high), optional
        The issue's scale. Default: from the smallest to the largest position in the data.

    Returns
    -------
    Scenario
        One issue (id: the slug of the file stem, or ``issue``), one actor and one stance
        per row.

    Raises
    ------
    ScenarioError
        Listing every problem in one pass (missing or unknown columns, rows with too many
        fields, empty or non-numeric cells, non-positive capabilities, saliences out of
        range, unknown roles, positions off an explicit scale), each with its line and
        column.
    """
    if not text.strip():
        raise empty_error(source, "a header and one row per actor")
    first = next(ln for ln in text.splitlines() if ln.strip())
    rows = read_rows(text, sniff_delimiter(first), source=source)
    problems: list[Problem] = []
    header = rows[0]
    width = len(header.cells)
    while width and not header.cells[width - 1]:
        width -= 1
    col, unit = _columns(header, source, problems)
    if problems:
        raise ScenarioError(problems, source)
    if len(rows) < 2:
        problems.append(Problem("rows", "a table needs at least one actor row", 0,
                                "add one row per actor after the header", header.line, source))
        raise ScenarioError(problems, source)
    names = {key: header.cells[k] for key, k in col.items()}

    parsed: list[tuple[Row, dict[str, Any]]] = []
    for row in rows[1:]:
        cells = row.cells + ("",) * (width - len(row.cells))
        if any(cells[width:]):
            problems.append(Problem("row", f"has {len(row.cells)} fields but the header has "
                                    f"{width}", row.raw[:80], "remove the extra fields, or "
                                    "quote a field that holds the delimiter", row.line, source))
        values: dict[str, Any] = {"id": cells[col["actor"]]}
        if not values["id"]:
            problems.append(Problem(names["actor"], "must not be empty", "",
                                    "give each actor a short id", row.line, source))

        def num(key: str, fix: str, row: Row = row, cells: tuple[str, ...] = cells
                ) -> float | None:
            return number(cells[col[key]], field=names[key], line=row.line, problems=problems,
                          source=source, fix=fix)

        cap = num("capability", "give the capability as a positive number")
        if cap is not None and cap <= 0:
            problems.append(Problem(names["capability"], "capability must be > 0", cap,
                                    "give a positive number (only ratios between actors "
                                    "matter)", row.line, source))
            cap = None
        values["capability"] = cap
        values["position"] = num("position", "give the position as a number")
        values["salience"] = num("salience", "give the salience in [0, 1] (or all on 0-100)")
        if "low" in col and (cells[col["low"]] or cells[col["high"]]):
            values["low"] = num("low", "give both ends of the acceptable range, or neither")
            values["high"] = num("high", "give both ends of the acceptable range, or neither")
        for key in ("name", "role", "note"):
            values[key] = cells[col[key]] if key in col else ""
        if values["role"] and values["role"].lower() not in _ROLES:
            problems.append(Problem(names["role"], "must be party, mediator or observer",
                                    values["role"], "use one of the allowed roles (or leave "
                                    "it empty for party)", row.line, source))
            values["role"] = ""
        parsed.append((row, values))

    top = salience_top(v["salience"] for _, v in parsed if v["salience"] is not None)
    issue_id = slugify(stem(source) or "") or "issue"
    issue_name = (stem(source) or "issue").replace("_", " ").replace("-", " ")

    lines: dict[str, int] = {"issues[0]": header.line}
    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    bounds: list[float] = []
    for row, v in parsed:
        if not v["id"]:
            continue
        actor: dict[str, Any] = {"id": v["id"], "name": v["name"] or v["id"],
                                 "role": (v["role"] or "party").lower()}
        if v["capability"] is not None:
            actor["capability"] = quantity(v["capability"], SOURCE_ID, row)
        stance: dict[str, Any] = {"actor": v["id"], "issue": issue_id, "note": v["note"]}
        if v["position"] is not None:
            stance["position"] = quantity(v["position"], SOURCE_ID, row)
            bounds.append(v["position"])
        salience = salience_quantity(v["salience"], top, SOURCE_ID, row,
                                     field=names["salience"], what="table", problems=problems,
                                     source=source)
        if salience is not None:
            stance["salience"] = salience
        if v.get("low") is not None and v.get("high") is not None:
            stance["acceptable"] = {"low": v["low"], "high": v["high"]}
            bounds += [v["low"], v["high"]]
        lines[f"actors[{len(actors)}]"] = row.line
        lines[f"stances[{len(stances)}]"] = row.line
        actors.append(actor)
        stances.append(stance)

    notes = ["Read from a plain one-issue table."]
    if top > 1:
        notes.append("Saliences were given on 0-100 and divided by 100.")
    issue: dict[str, Any] = {"id": issue_id, "name": issue_name}
    if scale is not None:
        low, high = float(scale[0]), float(scale[1])
        issue["description"] = f"Scale [{low:g}, {high:g}] given by the caller."
    elif bounds and min(bounds) < max(bounds):
        low, high = min(bounds), max(bounds)
        issue["description"] = (f"Scale [{low:g}, {high:g}] taken from the data (smallest and "
                                "largest position).")
    elif bounds:
        low, high = _widened(bounds[0])
        issue["description"] = (f"All positions equal {bounds[0]:g}; the scale was widened "
                                f"to [{low:g}, {high:g}].")
    else:
        low, high = 0.0, 100.0
    issue["scale"] = {"low": low, "high": high, "unit": unit}
    if "description" in issue:
        notes.append(issue["description"])

    name = stem(source)
    title = PurePath(source).name if source else "table"
    data: dict[str, Any] = {
        "name": name or "table",
        "title": name or "table",
        "description": " ".join(notes),
        "sources": [source_entry(SOURCE_ID, f"table {title}")],
        "actors": actors,
        "issues": [issue],
        "stances": stances,
    }
    return finish(data, problems, lines, source)
