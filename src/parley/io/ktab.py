"""Reader for KTAB's spatial-model CSV (KAPSARC Toolkit for Behavioral Analysis).

The format, as KTAB's ``SMPModel::csvRead`` reads it::

    DummyData_3Dim ,"Dummy scenario to test reading format",7,3,
    Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,Pstn3,Sal3,
    SActor-00, Random Spatial Actor, 102.543, 75.79, 49.53,  6.37,  5.91, 70.45, 28.15,

* line 1: scenario name, description, number of actors *n*, number of dimensions *d*
  (extra trailing fields are ignored);
* line 2: the header ``Actor, Description, Influence`` (or ``Power``), then a position and a
  salience column per dimension; the dimension names come from the position columns;
* then *n* rows: actor id, description, capability, and *d* (position, salience) pairs,
  both on 0-100.

It maps to a scenario as follows: one actor per row (id = ``Actor``, name = ``Description``,
role ``party``, capability = influence); one issue per dimension on the scale 0-100, its id
the slug of the position column's name without the word "Position" (``Policy Position`` ->
``policy``); one stance per actor and dimension, with salience = KTAB salience / 100. Every
number cites the row it came from (source id ``ktab-csv``).

References
----------
.. [1] Wise, B., Lester, L. & Efird, B. (2015). *An introduction to the KAPSARC Toolkit for
   Behavioral Analysis (KTAB) using one-dimensional spatial models*. KAPSARC KS-1516-DP011A.
.. [2] Efird, B., Lester, L. & Wise, B. (2016). Analyzing coalitions in China's policy
   formulation. *Journal of East Asian Studies* 16(1).

Examples
--------
>>> text = '''Toy,Two actors,2,1,
... Actor,Description,Influence,Policy Position,Policy Salience,
... A,Alpha,60,20,50,
... B,Beta,40,80,100,
... '''
>>> s = read_ktab_csv(text)
>>> [i.id for i in s.issues], s.stance("B", "policy").salience.value
(['policy'], 1.0)
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from parley.errors import Problem, ScenarioError
from parley.io._tabular import (
    Row,
    as_sentence,
    dimension_ids,
    empty_error,
    finish,
    number,
    quantity,
    read_rows,
    slugify,
    source_entry,
    stem,
)
from parley.scenario import Scenario

__all__ = ["SOURCE_ID", "read_ktab_csv"]

SOURCE_ID = "ktab-csv"
"""The id of the ``sources`` entry that every number read from a KTAB CSV cites."""

_HEADER_FIX = ("start line 2 with 'Actor,Description,Influence' followed by a position and a "
               "salience column per dimension")


def _trim(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Drop the empty fields that KTAB files carry after a trailing comma."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _count(cell: str, field: str, row: Row, problems: list[Problem],
           source: str | None) -> int | None:
    try:
        value = float(cell)
    except ValueError:
        value = float("nan")
    if not value.is_integer() or value < 0:
        problems.append(Problem(field, "must be a whole number", cell,
                                "give line 1 as: name, description, actors, dimensions",
                                row.line, source))
        return None
    return int(value)


def read_ktab_csv(text: str, source: str | None = None) -> Scenario:
    """Read a KTAB spatial-model CSV into a :class:`~parley.scenario.Scenario`.

    Parameters
    ----------
    text : str
        The file's text.
    source : str, optional
        Where the text came from (a path), for messages and the ``sources`` entry.

    Returns
    -------
    Scenario
        Named after line 1's scenario name (slugified; the original is the title).

    Raises
    ------
    ScenarioError
        Listing every problem in one pass: line 1's counts that disagree with the rows and
        columns, a wrong header, rows with the wrong number of fields, cells that are not
        numbers, positions or saliences outside 0-100, capabilities that are not positive.
        Each names the line and the column.
    """
    if not text.strip():
        raise empty_error(source, "a KTAB CSV")
    rows = read_rows(text, ",", source=source)
    problems: list[Problem] = []
    first = rows[0]
    head = _trim(first.cells)
    if len(head) < 4:
        problems.append(Problem(
            "line 1", "must hold: scenario name, description, number of actors, number of "
            "dimensions", first.raw[:80], "start the file with e.g. 'Talks,Description,7,3,'",
            first.line, source))
    if len(rows) < 2:
        problems.append(Problem("header", "is missing", "", _HEADER_FIX, first.line + 1, source))
        raise ScenarioError(problems, source)
    header = rows[1]
    columns = _trim(header.cells)
    if len(columns) < 2 or columns[0].lower() != "actor" or columns[1].lower() != "description":
        problems.append(Problem("header", "must start with 'Actor,Description'",
                                header.raw[:80], _HEADER_FIX, header.line, source))
        raise ScenarioError(problems, source)
    extra = len(columns) - 3
    if extra < 2 or extra % 2:
        problems.append(Problem(
            "header", "must have Actor, Description, Influence and then a position and a "
            "salience column per dimension (an odd number of at least 5 columns)",
            len(columns), _HEADER_FIX, header.line, source))
    n_dims = max(extra, 0) // 2
    capability_column = columns[2] if len(columns) > 2 else "Influence"
    dims = dimension_ids(columns[3:3 + 2 * n_dims:2])
    actor_rows = rows[2:]

    name = head[0] if head else ""
    description = head[1] if len(head) > 1 else ""
    if len(head) >= 4:
        n_given = _count(head[2], "number of actors", first, problems, source)
        d_given = _count(head[3], "number of dimensions", first, problems, source)
        if n_given is not None and n_given != len(actor_rows):
            problems.append(Problem(
                "number of actors", f"must equal the number of actor rows ({len(actor_rows)})",
                n_given, f"write {len(actor_rows)} on line 1, or add the missing actor rows",
                first.line, source))
        if d_given is not None and extra >= 2 and d_given != n_dims:
            problems.append(Problem(
                "number of dimensions",
                f"must equal the number of position/salience column pairs in the header "
                f"({n_dims})", d_given,
                f"write {n_dims} on line 1, or fix the header's columns", first.line, source))
    if not actor_rows:
        problems.append(Problem("actors", "a KTAB CSV needs at least one actor row", 0,
                                "add one row per actor after the header", header.line, source))

    title = name or (stem(source) or "KTAB scenario")
    lines: dict[str, int] = {"name": first.line, "title": first.line,
                             "description": first.line, "sources": first.line}
    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    n_fields = 3 + 2 * n_dims
    for row in actor_rows:
        cells = row.cells
        if len(cells) > n_fields and not any(cells[n_fields:]):
            cells = cells[:n_fields]  # the trailing comma(s) KTAB files carry
        if len(cells) != n_fields:
            problems.append(Problem(
                "row", f"must have {n_fields} fields (Actor, Description, {capability_column}, "
                f"then a position and a salience for each of the {n_dims} dimensions)",
                len(cells), "add or remove fields to match the header", row.line, source))
        present = len(cells)
        cells = cells + ("",) * (n_fields - len(cells))
        ident = cells[0]
        if not ident:
            problems.append(Problem("Actor", "must not be empty", ident,
                                    "give each actor a short id", row.line, source))
            continue
        actor: dict[str, Any] = {"id": ident, "name": cells[1] or ident, "role": "party"}
        cap = None if present <= 2 else number(
            cells[2], field=capability_column, line=row.line, problems=problems,
            source=source, fix="give the actor's influence as a positive number")
        if cap is not None and cap <= 0:
            problems.append(Problem(capability_column, "capability must be > 0", cap,
                                    "give a positive number (only ratios between actors matter)",
                                    row.line, source))
        elif cap is not None:
            actor["capability"] = quantity(cap, SOURCE_ID, row)
        lines[f"actors[{len(actors)}]"] = row.line
        actors.append(actor)
        for j, (issue_id, _) in enumerate(dims):
            stance: dict[str, Any] = {"actor": ident, "issue": issue_id}
            for key, k, scale in (("position", 3 + 2 * j, 1), ("salience", 4 + 2 * j, 100)):
                column = columns[k]
                # a short row is reported once above, not once per missing cell
                value = None if k >= present else number(
                    cells[k], field=column, line=row.line, problems=problems, source=source,
                    fix=f"give the {key} as a number from 0 to 100")
                if value is not None and not 0 <= value <= 100:
                    problems.append(Problem(column, f"{key} must be in [0, 100] (KTAB's scale)",
                                            value, f"give the {key} on 0-100", row.line, source))
                elif value is not None:
                    stance[key] = quantity(value / scale, SOURCE_ID, row)
            lines[f"stances[{len(stances)}]"] = row.line
            stances.append(stance)

    for j in range(len(dims)):
        lines[f"issues[{j}]"] = header.line
    where = f" from {PurePath(source).name}" if source else ""
    data: dict[str, Any] = {
        "name": slugify(name) or stem(source) or "ktab",
        "title": title,
        "description": as_sentence(description) + "Read from a KTAB CSV: positions on 0-100 as "
                       "given, saliences given on 0-100 divided by 100.",
        "sources": [source_entry(SOURCE_ID, f"KTAB CSV '{title}'{where}")],
        "actors": actors,
        "issues": [{"id": i, "name": nm, "scale": {"low": 0.0, "high": 100.0}}
                   for i, nm in dims],
        "stances": stances,
    }
    return finish(data, problems, lines, source)
