"""Reader for the DEU data set (Decision-making in the European Union), TSV form.

DEU records, for each controversial issue of an EU legislative proposal, the position and
salience of the Commission, the European Parliament and every member state on a 0-100
scale, the reference point (the status quo, the outcome if no law is adopted) and the
observed outcome (Thomson et al. 2006, 2012; Arregui & Perarnaud 2022 for DEU III). The
file this module reads is tab-separated with quoted fields::

    "prnrnmc" "isnrnmc" "prnr" "prname" "isnr" ... "intro" ... "pcom" "pep" "pat" ... "rp" "out"
                                                               "4.1"  "4.1"  "0.48" ...
    1         1         "d00032" "documents" "d00032i1" ... "26-01-00" ... 100 100 40 ... 60 100

* line 1 is the header. Actors are the codes ``x`` with both a ``p<x>`` (position) and an
  ``s<x>`` (salience) column: ``com``, ``ep`` and the member states (``de``, ``fr``...).
* a row with no proposal and no issue id, before the first issue, is the **GDP row**
  (trillion USD; the Commission and Parliament set to 4.1). It is read as
  :attr:`DeuData.gdp`, a capability scheme, and is not an issue.
* every other row is one issue: ``prnr`` the proposal id, ``isnr`` the issue id (unique),
  ``prname`` a short name, ``type`` (Reg, Dir, Dec), ``council`` (configuration), ``proc``
  (COD, CNS), ``counvte`` (the Council's voting rule: QMV, Unan...), ``intro`` (the date
  the Commission introduced the proposal), ``rp`` the reference point and ``out`` the
  observed outcome.
* blank cells and numbers outside 0-100 (the file codes some missing values as 999) are
  missing; text where a number belongs is an error.
* dates are ``dd-mm-yy`` or ``dd-mm-yyyy``; a spreadsheet has rewritten some ``dd-mm-yy``
  dates as ``yyyy-mm-dd`` by reading them as ``yy-mm-dd`` (``14-07-04``, 14 July 2004,
  became ``2014-07-04``). :func:`parse_deu_date` undoes that: in the ``yyyy-mm-dd`` form
  the last two digits of the "year" are the day and the "day" is the two-digit year.
  The ``finact`` (final act) column is mangled beyond repair in places and is not read.

Each issue with an observed outcome becomes a one-issue :class:`~parley.scenario.Scenario`
(:func:`deu_scenario`): the actors with both a position and a salience, salience / 100,
the reference point as status quo, the scale 0-100, capabilities from a capability scheme
(:mod:`parley.backtest.capability`; equal by default). Every number cites its line.

Two-digit years are read as 19yy from 50 up and 20yy below (DEU covers 1996-2019).

References
----------
.. [1] Thomson, R., Stokman, F. N., Achen, C. H. & König, T. (eds.) (2006). *The European
   Union Decides*. Cambridge University Press.
.. [2] Thomson, R. et al. (2012). The DEU II dataset. *European Union Politics* 13(4),
   604-622.
.. [3] Arregui, J. & Perarnaud, C. (2022). A new dataset on legislative decision-making in
   the European Union: the DEU III dataset. *Journal of European Public Policy* 29(1),
   12-22. Data: doi:10.34810/data53 (CC BY 4.0).

Examples
--------
>>> text = "\\n".join([
...     'prnr\\tisnr\\tintro\\tpcom\\tpde\\tpfr\\tscom\\tsde\\tsfr\\trp\\tout',
...     '\\t\\t\\t4.1\\t3.5\\t2.6\\t\\t\\t\\t\\t',
...     '"d04001"\\t"d04001i1"\\t"14-07-04"\\t100\\t0\\t50\\t50\\t100\\t50\\t0\\t40'])
>>> data = read_deu(text)
>>> issue, = data.issues
>>> issue.issue, issue.intro, issue.period, issue.actors
('d04001i1', datetime.date(2004, 7, 14), '2004-2008', ('com', 'de', 'fr'))
>>> data.gdp["de"]
3.5
>>> s = deu_scenario(issue)
>>> s.stance("de", "d04001i1").salience.value, s.issue("d04001i1").status_quo.value
(1.0, 0.0)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from parley.errors import Problem, ScenarioError
from parley.io._tabular import Row, empty_error, read_rows, slugify
from parley.scenario import Scenario, parse_scenario

__all__ = [
    "ACTOR_NAMES",
    "PERIODS",
    "PERIOD_LABELS",
    "SOURCE_ID",
    "DeuData",
    "DeuIssue",
    "deu_dataset_scenario",
    "deu_scenario",
    "load_deu",
    "parse_deu_date",
    "period_of",
    "read_deu",
]

SOURCE_ID = "deu"
"""The id of the ``sources`` entry that every number read from a DEU file cites."""

DATASET_URL = "https://doi.org/10.34810/data53"

ACTOR_NAMES: Mapping[str, str] = {
    "com": "European Commission", "ep": "European Parliament",
    "at": "Austria", "be": "Belgium", "bu": "Bulgaria", "cr": "Croatia", "cy": "Cyprus",
    "cz": "Czech Republic", "dk": "Denmark", "ee": "Estonia", "fi": "Finland",
    "fr": "France", "de": "Germany", "el": "Greece", "hu": "Hungary", "ie": "Ireland",
    "it": "Italy", "lv": "Latvia", "lt": "Lithuania", "lu": "Luxembourg", "mt": "Malta",
    "nl": "Netherlands", "pl": "Poland", "pt": "Portugal", "ro": "Romania",
    "si": "Slovenia", "sk": "Slovakia", "es": "Spain", "se": "Sweden",
    "uk": "United Kingdom",
}
"""Display names of the DEU actor codes (an unknown code is shown as itself)."""

PERIODS = ("up-to-2003", "2004-2008", "2009-later")
"""Periods of a proposal by the year it was introduced: up to 2003, 2004-2008, later."""

PERIOD_LABELS: Mapping[str, str] = {
    "up-to-2003": "proposals up to 2003",
    "2004-2008": "proposals 2004-2008",
    "2009-later": "proposals from 2009",
}

_REQUIRED = ("prnr", "isnr", "out")
_SCALE = (0.0, 100.0)


@dataclass(frozen=True)
class DeuIssue:
    """One issue of the DEU data set, as read (numbers on 0-100; ``None`` if missing).

    Attributes
    ----------
    proposal, issue : str
        Proposal id (``prnr``) and issue id (``isnr``, unique in the file).
    line : int
        1-based line of the issue in the file.
    name : str
        The proposal's short name (``prname``).
    act_type, council, procedure, voting_rule : str
        ``type``, ``council``, ``proc`` and ``counvte`` as written (empty if absent).
    intro : datetime.date or None
        Date the proposal was introduced (see :func:`parse_deu_date`).
    period : str or None
        :func:`period_of` the intro date (one of :data:`PERIODS`).
    positions, saliences : mapping of actor code to float
        Only the actors with a value (0-100).
    reference_point, outcome : float or None
        ``rp`` (status quo) and ``out`` (observed outcome).
    """

    proposal: str
    issue: str
    line: int
    name: str = ""
    act_type: str = ""
    council: str = ""
    procedure: str = ""
    voting_rule: str = ""
    intro: dt.date | None = None
    period: str | None = None
    positions: Mapping[str, float] = field(default_factory=dict)
    saliences: Mapping[str, float] = field(default_factory=dict)
    reference_point: float | None = None
    outcome: float | None = None

    @property
    def actors(self) -> tuple[str, ...]:
        """Codes of the actors with both a position and a salience, in file order."""
        return tuple(a for a in self.positions if a in self.saliences)

    def scoreable(self, min_actors: int = 3) -> bool:
        """Whether the issue has an observed outcome and ``min_actors`` actors with stances."""
        return self.outcome is not None and len(self.actors) >= min_actors


@dataclass(frozen=True)
class DeuData:
    """A DEU file: its issues in file order, the GDP row, the actor codes, its text's SHA-256."""

    source: str | None
    actors: tuple[str, ...]
    issues: tuple[DeuIssue, ...]
    gdp: Mapping[str, float] = field(default_factory=dict)
    gdp_line: int | None = None
    sha256: str = ""

    def scoreable(self, min_actors: int = 3) -> tuple[DeuIssue, ...]:
        """The issues with an observed outcome and at least ``min_actors`` actors."""
        return tuple(i for i in self.issues if i.scoreable(min_actors))


# ------------------------------------------------------------------------------------------
# dates and periods
# ------------------------------------------------------------------------------------------

def _year(two: int) -> int:
    return 1900 + two if two >= 50 else 2000 + two


def parse_deu_date(text: str) -> dt.date | None:
    """Read a DEU date: ``dd-mm-yy``, ``dd-mm-yyyy``, or a mangled ``yyyy-mm-dd``.

    The mangled form comes from a spreadsheet reading ``dd-mm-yy`` as ``yy-mm-dd``: the
    "year" ``20dd`` (or ``19dd``) holds the day and the "day" holds the two-digit year.
    Blank gives ``None``; anything else raises ``ValueError``.

    >>> parse_deu_date("26-01-00"), parse_deu_date("14-12-1999")
    (datetime.date(2000, 1, 26), datetime.date(1999, 12, 14))
    >>> parse_deu_date("2014-07-04")  # was 14-07-04
    datetime.date(2004, 7, 14)
    """
    text = text.strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a date: {text!r}")
    a, b, c = parts
    if len(a) == 4 and len(c) == 2:
        day, month, year = int(a[2:]), int(b), _year(int(c))
    elif len(a) <= 2 and len(c) == 4:
        day, month, year = int(a), int(b), int(c)
    elif len(a) <= 2 and len(c) == 2:
        day, month, year = int(a), int(b), _year(int(c))
    else:
        raise ValueError(f"not a date: {text!r}")
    return dt.date(year, month, day)


def period_of(date: dt.date | None) -> str | None:
    """The period of a proposal introduced on ``date`` (one of :data:`PERIODS`).

    >>> period_of(dt.date(2003, 12, 31)), period_of(dt.date(2008, 1, 1)), period_of(None)
    ('up-to-2003', '2004-2008', None)
    """
    if date is None:
        return None
    if date.year <= 2003:
        return "up-to-2003"
    if date.year <= 2008:
        return "2004-2008"
    return "2009-later"


# ------------------------------------------------------------------------------------------
# the reader
# ------------------------------------------------------------------------------------------

def _header(row: Row, source: str | None, problems: list[Problem]
            ) -> tuple[dict[str, int], tuple[str, ...]]:
    index: dict[str, int] = {}
    for k, cell in enumerate(row.cells):
        key = cell.strip().lower()
        if key in index:
            problems.append(Problem(f"column {key!r}", "column names must be unique", key,
                                    "rename or remove the duplicate column", row.line, source))
        index.setdefault(key, k)
    actors = tuple(key[1:] for key in index
                   if key.startswith("p") and len(key) > 1 and "s" + key[1:] in index)
    for key in _REQUIRED:
        if key not in index:
            problems.append(Problem(f"column {key!r}", "is required in a DEU file", None,
                                    f"add a column named {key!r} to the header (line 1)",
                                    row.line, source))
    if not actors:
        problems.append(Problem("columns", "a DEU file needs a position column p<actor> and a "
                                "salience column s<actor> for each actor", "none found",
                                "name the columns e.g. pcom, scom, pde, sde", row.line, source))
    return index, actors


def _cell(row: Row, index: Mapping[str, int], key: str) -> str:
    k = index.get(key)
    return row.cells[k].strip() if k is not None and k < len(row.cells) else ""


def _score(row: Row, index: Mapping[str, int], key: str, problems: list[Problem],
           source: str | None) -> float | None:
    """A 0-100 value: blank or out of range is missing; text is a problem."""
    cell = _cell(row, index, key)
    if cell == "":
        return None
    try:
        value = float(cell)
    except ValueError:
        problems.append(Problem(f"column {key!r}", "must be a number on 0-100 (blank or out "
                                "of range means missing)", cell,
                                "write a number, or leave the cell blank", row.line, source))
        return None
    if not math.isfinite(value) or not _SCALE[0] <= value <= _SCALE[1]:
        return None
    return value


def _gdp(row: Row, index: Mapping[str, int], actors: tuple[str, ...],
         problems: list[Problem], source: str | None) -> dict[str, float]:
    gdp: dict[str, float] = {}
    for a in actors:
        cell = _cell(row, index, "p" + a)
        if cell == "":
            continue
        try:
            value = float(cell)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value <= 0:
            problems.append(Problem(f"column 'p{a}'", "a GDP row value must be a positive "
                                    "number (trillion USD)", cell,
                                    "write the GDP, or leave the cell blank", row.line, source))
            continue
        gdp[a] = value
    return gdp


def read_deu(text: str, source: str | None = None) -> DeuData:
    """Read a DEU TSV file (see the module docstring for the format).

    Parameters
    ----------
    text : str
        The file's text.
    source : str, optional
        Where it came from, for messages.

    Returns
    -------
    DeuData
        Every issue in file order (scoreable or not), the GDP row and the actor codes.

    Raises
    ------
    ScenarioError
        Listing every problem found, each with its line: missing required columns, rows
        with more fields than the header, text where a number belongs, unreadable dates,
        rows without an issue id, duplicate issue ids.
    """
    rows = read_rows(text, "\t", source=source)
    if not rows:
        raise empty_error(source, "a DEU header line and issue rows")
    problems: list[Problem] = []
    index, actors = _header(rows[0], source, problems)
    if problems:
        raise ScenarioError(problems, source)
    width = len(rows[0].cells)
    issues: list[DeuIssue] = []
    gdp: dict[str, float] = {}
    gdp_line: int | None = None
    seen: dict[str, int] = {}
    for row in rows[1:]:
        if len(row.cells) > width and any(row.cells[width:]):
            problems.append(Problem("row", f"has {len(row.cells)} fields; the header has "
                                    f"{width}", len(row.cells),
                                    "check the tabs on this line", row.line, source))
            continue
        proposal, issue_id = _cell(row, index, "prnr"), _cell(row, index, "isnr")
        if not proposal and not issue_id:
            if not issues and gdp_line is None:
                gdp, gdp_line = _gdp(row, index, actors, problems, source), row.line
            else:
                problems.append(Problem("column 'isnr'", "every issue row needs an issue id "
                                        "(only the GDP row, before the issues, has none)",
                                        "", "fill in prnr and isnr", row.line, source))
            continue
        if not issue_id:
            problems.append(Problem("column 'isnr'", "must not be empty", "",
                                    "give the issue an id", row.line, source))
            continue
        if issue_id in seen:
            problems.append(Problem("column 'isnr'", f"issue ids must be unique (also on line "
                                    f"{seen[issue_id]})", issue_id,
                                    "rename one of the two issues", row.line, source))
            continue
        seen[issue_id] = row.line
        try:
            intro = parse_deu_date(_cell(row, index, "intro"))
        except ValueError:
            problems.append(Problem("column 'intro'", "must be a date dd-mm-yy or dd-mm-yyyy",
                                    _cell(row, index, "intro"),
                                    "write the date as e.g. 26-01-00, or leave it blank",
                                    row.line, source))
            intro = None
        positions = {a: v for a in actors
                     if (v := _score(row, index, "p" + a, problems, source)) is not None}
        saliences = {a: v for a in actors
                     if (v := _score(row, index, "s" + a, problems, source)) is not None}
        issues.append(DeuIssue(
            proposal=proposal, issue=issue_id, line=row.line,
            name=_cell(row, index, "prname"), act_type=_cell(row, index, "type"),
            council=_cell(row, index, "council"), procedure=_cell(row, index, "proc"),
            voting_rule=_cell(row, index, "counvte"), intro=intro, period=period_of(intro),
            positions=positions, saliences=saliences,
            reference_point=_score(row, index, "rp", problems, source),
            outcome=_score(row, index, "out", problems, source)))
    if problems:
        raise ScenarioError(problems, source)
    return DeuData(source=source, actors=actors, issues=tuple(issues), gdp=gdp,
                   gdp_line=gdp_line, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def load_deu(path: str | Path) -> DeuData:
    """Read a DEU TSV file from ``path`` (see :func:`read_deu`).

    Raises
    ------
    ScenarioError
        If the file is missing, not UTF-8 text, or malformed.
    """
    from parley.io.native import read_text

    return read_deu(read_text(Path(path)), source=str(path))


# ------------------------------------------------------------------------------------------
# one issue as a scenario
# ------------------------------------------------------------------------------------------

def _evidence(issue: DeuIssue, text: str) -> list[dict[str, str]]:
    return [{"source": SOURCE_ID, "quote": f"line {issue.line}: {text}"}]


def deu_scenario(issue: DeuIssue, capability: Mapping[str, float] | None = None, *,
                 source: str | None = None, evidence: bool = True) -> Scenario:
    """The one-issue scenario of a DEU issue.

    Parameters
    ----------
    issue : DeuIssue
        The issue.
    capability : mapping of actor code to float, optional
        Capabilities (> 0); default 1 for every actor. An actor with a stance but no
        capability in the mapping is left out.
    source : str, optional
        The file it was read from (named in the scenario's ``sources``).
    evidence : bool
        Whether each number cites its line (``False`` builds the scenario faster).

    Returns
    -------
    Scenario
        Named ``deu-<issue id>``; one issue (id = the issue id) on the scale 0-100 with the
        reference point as status quo; one party per actor with both a position and a
        salience, salience divided by 100. The observed outcome is *not* in the scenario
        (a backtest must not see it); it is :attr:`DeuIssue.outcome`.

    Raises
    ------
    ScenarioError
        If no actor remains.
    """
    actors = [a for a in issue.actors if capability is None or a in capability]
    if not actors:
        raise ScenarioError([Problem(f"issue {issue.issue!r}", "needs at least one actor with "
                                     "a position, a salience and a capability", 0,
                                     "check the issue's row and the capability scheme",
                                     issue.line, source)], source)
    iss: dict[str, Any] = {
        "id": issue.issue,
        "name": f"{issue.name or issue.proposal}: issue {issue.issue}",
        "description": (f"DEU proposal {issue.proposal}, {issue.act_type} {issue.procedure}, "
                        f"Council voting rule {issue.voting_rule or 'unknown'}, introduced "
                        f"{issue.intro or 'on an unknown date'} (line {issue.line})."),
        "scale": {"low": _SCALE[0], "high": _SCALE[1]},
    }
    if issue.reference_point is not None:
        iss["status_quo"] = ({"value": issue.reference_point,
                              "evidence": _evidence(issue, f"rp={issue.reference_point:g}")}
                             if evidence else issue.reference_point)
    stances = []
    for a in actors:
        p, s = issue.positions[a], issue.saliences[a]
        stances.append({
            "actor": a, "issue": issue.issue,
            "position": ({"value": p, "evidence": _evidence(issue, f"p{a}={p:g}")}
                         if evidence else p),
            "salience": ({"value": s / 100.0, "evidence": _evidence(issue, f"s{a}={s:g}")}
                         if evidence else s / 100.0),
        })
    data = {
        "name": slugify(f"deu-{issue.issue}") or "deu-issue",
        "title": f"DEU {issue.proposal} {issue.name}".strip(),
        "sources": [_source_entry(source)],
        "actors": [{"id": a, "name": ACTOR_NAMES.get(a, a),
                    "capability": 1.0 if capability is None else capability[a]}
                   for a in actors],
        "issues": [iss],
        "stances": stances,
    }
    return parse_scenario(data, source)


def _source_entry(source: str | None) -> dict[str, str]:
    return {"id": SOURCE_ID, "kind": "dataset", "title": source or "DEU data set",
            "url": DATASET_URL}


def deu_dataset_scenario(data: DeuData, issues: Sequence[DeuIssue] | None = None, *,
                         name: str | None = None) -> Scenario:
    """Many DEU issues as one scenario (equal capabilities, no per-number evidence).

    This is the record of *what a backtest ran on* (the run store keys runs by scenario):
    the issues' stances and reference points, never their outcomes. Models are run on the
    one-issue scenarios of :func:`deu_scenario`, not on this one.

    Parameters
    ----------
    data : DeuData
        The file's content.
    issues : sequence of DeuIssue, optional
        The issues to include (default: :meth:`DeuData.scoreable`).
    name : str, optional
        Scenario name (default ``deu-<file stem>``).
    """
    chosen = list(data.scoreable() if issues is None else issues)
    if not chosen:
        raise ScenarioError([Problem("issues", "a DEU scenario needs at least one issue with "
                                     "actors", 0, "check the file", None, data.source)],
                            data.source)
    present = {a for i in chosen for a in i.actors}
    actors = [a for a in data.actors if a in present]
    issues_out: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    for i in chosen:
        entry: dict[str, Any] = {"id": i.issue, "name": f"{i.name or i.proposal}: {i.issue}",
                                 "scale": {"low": _SCALE[0], "high": _SCALE[1]}}
        if i.reference_point is not None:
            entry["status_quo"] = i.reference_point
        issues_out.append(entry)
        stances += [{"actor": a, "issue": i.issue, "position": i.positions[a],
                     "salience": i.saliences[a] / 100.0} for a in i.actors]
    stem = PurePath(data.source).stem if data.source else "data"
    return parse_scenario({
        "name": name or slugify(f"deu-{stem}") or "deu",
        "title": f"DEU issues of {data.source or 'a DEU file'}",
        "description": (f"{len(chosen)} DEU issues as one scenario (equal capabilities), the "
                        "record of a backtest's input; observed outcomes are not included."),
        "sources": [_source_entry(data.source)],
        "actors": [{"id": a, "name": ACTOR_NAMES.get(a, a), "capability": 1.0}
                   for a in actors],
        "issues": issues_out,
        "stances": stances,
    }, data.source)
