"""Shared plumbing of the row-based readers (KTAB CSV, Decide, plain table).

Each reader turns a text into rows with their 1-based line numbers, converts cells to
numbers while collecting every :class:`~parley.errors.Problem` (one pass, never stopping at
the first), builds a raw scenario mapping, and hands it to
:func:`parley.scenario.parse_scenario`. Problems found after mapping (``stances[7]``) are
traced back to the line the stance came from.

Private module: the public readers are :mod:`parley.io.ktab`, :mod:`parley.io.decide` and
:mod:`parley.io.table`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from parley.errors import Problem, ScenarioError
from parley.io.native import field_line
from parley.scenario import Scenario, parse_scenario, semantic_problems

__all__ = [
    "Row",
    "as_sentence",
    "dimension_ids",
    "empty_error",
    "finish",
    "number",
    "quantity",
    "read_rows",
    "salience_quantity",
    "salience_top",
    "slugify",
    "sniff_delimiter",
    "source_entry",
    "stem",
]


@dataclass(frozen=True)
class Row:
    """One non-blank row of a delimited text: its 1-based line, its cells and its raw text."""

    line: int
    cells: tuple[str, ...]
    raw: str

    def quote(self) -> str:
        """The evidence quote for a number read from this row: ``line 4: LK,...``."""
        return f"line {self.line}: {self.raw}"


def read_rows(text: str, delimiter: str, quotechar: str = '"', *,
              source: str | None = None) -> list[Row]:
    """Split ``text`` into rows, keeping line numbers; cells are stripped of spaces.

    Blank lines, and lines whose cells are all empty (``,,,``), are skipped.

    >>> [(r.line, r.cells) for r in read_rows("a, b\\n\\n c ,d\\n", ",")]
    [(1, ('a', 'b')), (3, ('c', 'd'))]
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        quotechar=quotechar, skipinitialspace=True)
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            stripped = tuple(c.strip() for c in cells)
            if any(stripped):
                raw = "\n".join(ln.strip() for ln in lines[start - 1:reader.line_num])
                rows.append(Row(start, stripped, raw))
            start = reader.line_num + 1
    except csv.Error as err:
        raise ScenarioError([Problem("file", f"cannot be split into fields: {err}",
                                     lines[start - 1][:60] if start <= len(lines) else "",
                                     "check the quotes on this line", start, source)],
                            source) from None
    return rows


def sniff_delimiter(line: str, candidates: str = ",;\t") -> str:
    """The candidate delimiter that occurs most often in ``line`` (the first on a tie).

    >>> sniff_delimiter("actor;capability;position;salience")
    ';'
    """
    counts = [(line.count(c), -i, c) for i, c in enumerate(candidates)]
    return max(counts)[2]


def slugify(text: str) -> str:
    """Lower-case ``text`` and join its runs of letters and digits with ``-`` (at most 120).

    >>> slugify("Policy Position")
    'policy-position'
    >>> slugify("  EU (incl. Norway) ")
    'eu-incl-norway'
    """
    return "-".join(re.findall(r"[0-9a-z]+", text.lower()))[:120].strip("-")


def as_sentence(text: str) -> str:
    """``text`` as a sentence followed by a space (empty stays empty).

    >>> as_sentence("Two actors") + as_sentence("Done!") + "|" + as_sentence("") + "|"
    'Two actors. Done! ||'
    """
    if not text:
        return ""
    return text + ("" if text.endswith((".", "!", "?")) else ".") + " "


def dimension_ids(names: Iterable[str]) -> list[tuple[str, str]]:
    """``(id, name)`` of each KTAB dimension: the name without the word "position", its
    slug as the id, made unique.

    Shared by the KTAB CSV reader (names from the position columns) and the KTAB XML
    reader (``dName``), so that both name the issues of one scenario alike.

    >>> dimension_ids(["Policy Position", "Policy", ""])
    [('policy', 'Policy'), ('policy-2', 'Policy'), ('dimension-3', 'Dimension 3')]
    """
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for j, column in enumerate(names):
        name = re.sub(r"\s*\bposition\b\s*", " ", column, flags=re.IGNORECASE).strip()
        name = name or column or f"Dimension {j + 1}"
        base = slugify(name) or f"dim{j + 1}"
        ident, k = base, 2
        while ident in seen:
            ident, k = f"{base}-{k}", k + 1
        seen.add(ident)
        out.append((ident, name))
    return out


def stem(source: str | None) -> str | None:
    """The file stem of a source path (``None`` when there is no source)."""
    if not source:
        return None
    name = PurePath(source).stem.strip()
    return name or None


def number(cell: str, *, field: str, line: int, problems: list[Problem],
           source: str | None, fix: str = "write a number, e.g. 45 or 0.7") -> float | None:
    """Parse ``cell`` as a finite number; on failure add a problem and return ``None``."""
    if cell == "":
        problems.append(Problem(field, "must not be empty", cell, fix, line, source))
        return None
    try:
        value = float(cell)
    except ValueError:
        problems.append(Problem(field, "must be a number", cell, fix, line, source))
        return None
    if not math.isfinite(value):
        problems.append(Problem(field, "must be a finite number", cell, fix, line, source))
        return None
    return value


def quantity(value: float, source_id: str, row: Row) -> dict[str, Any]:
    """A raw quantity mapping citing the row it was read from."""
    return {"value": value, "evidence": [{"source": source_id, "quote": row.quote()}]}


def salience_top(saliences: Iterable[float]) -> float:
    """The top of the file's salience scale: 100 when any salience exceeds 1, else 1.

    >>> salience_top([0.2, 0.9]), salience_top([20, 90]), salience_top([])
    (1.0, 100.0, 1.0)
    """
    values = list(saliences)
    return 100.0 if values and max(values) > 1 else 1.0


def salience_quantity(value: float | None, top: float, source_id: str, row: Row, *, field: str,
                      what: str, problems: list[Problem],
                      source: str | None) -> dict[str, Any] | None:
    """The salience ``value / top`` as a quantity citing ``row`` (see :func:`salience_top`).

    ``None`` for no value. Outside ``[0, top]`` a problem is added (``what`` names the input
    in its rule: "file", "table") and the result is ``None``.
    """
    if value is None:
        return None
    if not 0 <= value <= top:
        problems.append(Problem(
            field, f"salience must be in [0, {top:g}]"
            + (f" (the {what}'s saliences exceed 1, so they are read as 0-100)"
               if top > 1 else ""), value,
            "give saliences in [0, 1] (or all of them on 0-100)", row.line, source))
        return None
    return quantity(value / top, source_id, row)


def source_entry(source_id: str, title: str) -> dict[str, Any]:
    """The ``sources`` entry for the file being read (kind ``dataset``)."""
    return {"id": source_id, "kind": "dataset", "title": title}


def _located(problems: list[Problem], lines: Mapping[str, int],
             source: str | None) -> list[Problem]:
    out = [Problem(p.field, p.rule, p.value, p.fix,
                   p.line if p.line is not None else field_line(p.field, lines), source)
           for p in problems]
    out.sort(key=lambda p: p.line or 0)
    return out


def finish(data: dict[str, Any], problems: list[Problem], lines: Mapping[str, int],
           source: str | None) -> Scenario:
    """Validate the mapped ``data`` and raise every problem, each with its line.

    ``lines`` maps field paths of ``data`` (``actors[3]``, ``stances[7]``) to the line they
    came from. If the reader already found problems (its bad cells are left out of
    ``data``), the semantic checks still run on the rest, so that one pass reports all.
    """
    if problems:
        seen = {p.field for p in problems}
        found = list(problems) + [p for p in semantic_problems(data) if p.field not in seen]
        raise ScenarioError(_located(found, lines, source), source)
    try:
        return parse_scenario(data, source)
    except ScenarioError as err:
        raise ScenarioError(_located(list(err.problems), lines, source), source) from None


def empty_error(source: str | None, what: str) -> ScenarioError:
    """The error for an input with nothing in it."""
    return ScenarioError([Problem("file", "is empty", "", f"write {what} into it", 1, source)],
                         source)
