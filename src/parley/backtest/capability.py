"""Capability schemes for the DEU backtest: equal, Council votes by treaty period, GDP.

A capability scheme gives each actor of a DEU issue a capability (> 0); only ratios
matter. Three schemes:

``equal``
    Every actor 1. The compromise model is then the salience-weighted mean, the benchmark
    of Thomson et al. (2006) and Achen (2006).
``council-votes``
    The member states' voting weights in the Council under the treaty of the proposal's
    period (:data:`PERIOD_TABLE`), the Commission and the Parliament each the mean
    member-state weight of that table:

    ================  ===================  =============================================
    period            table                source
    ================  ===================  =============================================
    up to 2003        :data:`PRE_NICE`     weighted votes, EU-15 (87 votes)
    2004-2008         :data:`NICE`         weighted votes, EU-27 (345 votes)
    2009 and later    :data:`LISBON`       population shares, EU-28 (double majority)
    ================  ===================  =============================================

``gdp``
    The file's GDP row (trillion USD; the Commission and the Parliament 4.1 there, as large
    as the largest member state).

**Which table applies.** The period is that of the proposal's introduction, a proxy for the
treaty in force when the Council decided: Nice weights applied from 1 November 2004 and the
double majority from 1 November 2014 (with Nice weights on request until 31 March 2017), so
some proposals are weighed by the table of the following treaty. If a member state with a
stance has no weight in the period's table (a state that joined during the negotiation,
e.g. the 2004 entrants on a 2003 proposal), the issue uses the first later table that weighs
every member state with a stance; the same rule picks the table when the intro date is
unknown, starting from the earliest.

**The Commission and the Parliament** cast no Council votes; under the vote schemes each
gets the mean member-state weight of the table (5.8 of 87 pre-Nice, 12.78 of 345 under
Nice, 3.57 % of the population under Lisbon), i.e. the weight of an average member state.
This is parley's convention, not a published one: it is neutral (it makes neither
institution a dominant nor a negligible player) and it scales with the table, so that the
ratios among the member states are unchanged. Published studies weigh the two institutions
in different ways (see the chapters of Thomson et al. 2006); change
:func:`institution_weight` to test another choice.

References
----------
.. [1] Treaty establishing the European Community (Amsterdam consolidation), Article
   205(2), with the weights of the 1994 Act of Accession (Austria, Finland, Sweden), in
   force 1 January 1995 to 31 October 2004. OJ C 340, 10.11.1997.
.. [2] Treaty of Nice, Protocol on the enlargement of the European Union, Article 3
   (OJ C 80, 10.3.2001), as adjusted by the 2003 Act of Accession, Article 12 (OJ L 236,
   23.9.2003) and the 2005 Act of Accession, Article 22 (Bulgaria 10, Romania 14; OJ L 157,
   21.6.2005); in force 1 November 2004 to 31 October 2014.
.. [3] Treaty on European Union (Lisbon), Article 16(4), and TFEU Article 238(3): a
   qualified majority is 55 % of the member states representing 65 % of the population.
   Population shares for 2016 from Council Decision (EU, Euratom) 2015/2393 of 8 December
   2015 amending the Council's Rules of Procedure, Annex III (OJ L 332, 18.12.2015, p. 133),
   based on Eurostat data available on 30 September 2015 (EU-28 population 508,940,955).
.. [4] Thomson, R., Stokman, F. N., Achen, C. H. & König, T. (eds.) (2006). *The European
   Union Decides*. Cambridge University Press.
.. [5] Achen, C. H. (2006). Evaluating political decision-making models. In Thomson et al.
   (2006), 264-298.

Examples
--------
>>> from parley.io.deu import DeuIssue
>>> import datetime as dt
>>> issue = DeuIssue("d99001", "d99001i1", 3, intro=dt.date(1999, 3, 1), period="up-to-2003",
...                  positions={"com": 50, "de": 0, "lu": 100},
...                  saliences={"com": 50, "de": 50, "lu": 50}, outcome=40)
>>> capabilities("council-votes", issue)
{'com': 5.8, 'de': 10.0, 'lu': 2.0}
>>> council_table(issue).id
'pre-nice'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parley.errors import ParleyError
from parley.io.deu import DeuIssue

__all__ = [
    "COUNCIL_TABLES",
    "INSTITUTIONS",
    "LISBON",
    "NICE",
    "PERIOD_TABLE",
    "PRE_NICE",
    "SCHEMES",
    "WeightTable",
    "capabilities",
    "check_scheme",
    "council_table",
    "institution_weight",
    "scheme_descriptions",
]

SCHEMES = ("equal", "council-votes", "gdp")
"""The capability schemes, in the order the leaderboard lists them."""

INSTITUTIONS = ("com", "ep")
"""DEU codes of the Commission and the Parliament (no Council votes)."""


@dataclass(frozen=True)
class WeightTable:
    """Member states' weights under one treaty, with their source.

    Attributes
    ----------
    id, label : str
        Short id (``pre-nice``) and a display label.
    weights : mapping of DEU actor code to float
        The weight of each member state of the table.
    unit : str
        What a weight counts (``votes``, ``% of EU population``).
    source : str
        The legal act (and statistics) the weights are taken from.
    """

    id: str
    label: str
    weights: Mapping[str, float]
    unit: str
    source: str

    def covers(self, actors: Sequence[str]) -> bool:
        """Whether every member state among ``actors`` has a weight in this table."""
        return all(a in self.weights for a in actors if a not in INSTITUTIONS)


PRE_NICE = WeightTable(
    id="pre-nice",
    label="Council weighted votes before Nice (EU-15)",
    weights={"de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5,
             "pt": 5, "at": 4, "se": 4, "dk": 3, "ie": 3, "fi": 3, "lu": 2},
    unit="votes",
    source=("TEC Article 205(2) (Amsterdam consolidation, OJ C 340, 10.11.1997) with the "
            "weights of the 1994 Act of Accession; 87 votes; in force 1.1.1995-31.10.2004"),
)

NICE = WeightTable(
    id="nice",
    label="Council weighted votes under Nice (EU-27)",
    weights={"de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14,
             "nl": 13, "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10,
             "se": 10, "bu": 10, "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cy": 4,
             "ee": 4, "lv": 4, "lu": 4, "si": 4, "mt": 3},
    unit="votes",
    source=("Treaty of Nice, Protocol on enlargement, Art. 3 (OJ C 80, 10.3.2001); 2003 Act "
            "of Accession, Art. 12 (OJ L 236, 23.9.2003); 2005 Act of Accession, Art. 22 "
            "(OJ L 157, 21.6.2005); 345 votes; in force 1.11.2004-31.10.2014"),
)

LISBON = WeightTable(
    id="lisbon",
    label="Population shares, Lisbon double majority (EU-28, 2016)",
    weights={"de": 15.93, "fr": 13.04, "uk": 12.73, "it": 12.07, "es": 9.12, "pl": 7.47,
             "ro": 3.90, "nl": 3.37, "be": 2.21, "el": 2.13, "cz": 2.05, "pt": 2.04,
             "hu": 1.94, "se": 1.92, "at": 1.69, "bu": 1.42, "dk": 1.11, "fi": 1.08,
             "sk": 1.06, "ie": 0.91, "cr": 0.83, "lt": 0.57, "si": 0.41, "lv": 0.39,
             "ee": 0.26, "cy": 0.17, "lu": 0.11, "mt": 0.08},
    unit="% of EU population",
    source=("TEU Art. 16(4), TFEU Art. 238(3); population shares for 2016 from Council "
            "Decision (EU, Euratom) 2015/2393, Annex III (OJ L 332, 18.12.2015, p. 133), "
            "Eurostat data of 30.9.2015 (EU-28: 508,940,955)"),
)

COUNCIL_TABLES = (PRE_NICE, NICE, LISBON)
"""The Council tables, oldest first (the order of the fallback rule)."""

PERIOD_TABLE: Mapping[str, str] = {"up-to-2003": "pre-nice", "2004-2008": "nice",
                                   "2009-later": "lisbon"}
"""Which table each proposal period uses (see the module docstring)."""


def institution_weight(table: WeightTable) -> float:
    """The capability of the Commission and the Parliament under ``table``: the mean weight.

    >>> institution_weight(PRE_NICE)
    5.8
    """
    return sum(table.weights.values()) / len(table.weights)


def council_table(issue: DeuIssue) -> WeightTable:
    """The Council table for ``issue``: its period's, or the first later one that weighs all.

    Raises
    ------
    ParleyError
        If no table weighs every member state with a stance (an unknown actor code).
    """
    ids = [t.id for t in COUNCIL_TABLES]
    period = issue.period or ""
    start = ids.index(PERIOD_TABLE[period]) if period in PERIOD_TABLE else 0
    for table in COUNCIL_TABLES[start:]:
        if table.covers(issue.actors):
            return table
    unknown = sorted(a for a in issue.actors
                     if a not in INSTITUTIONS and a not in COUNCIL_TABLES[-1].weights)
    raise ParleyError(f"issue {issue.issue!r} (line {issue.line}): no Council voting table "
                      f"weighs the actors {unknown}. Fix: use the DEU member-state codes, or "
                      "the 'equal' scheme")


def check_scheme(scheme: str, gdp: Mapping[str, float] | None = None) -> None:
    """Raise :class:`ParleyError` unless ``scheme`` is known and usable with this data.

    >>> check_scheme("votes")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    parley.errors.ParleyError: unknown capability scheme 'votes'; choose one of: equal, ...
    """
    if scheme not in SCHEMES:
        raise ParleyError(f"unknown capability scheme {scheme!r}; choose one of: "
                          f"{', '.join(SCHEMES)}")
    if scheme == "gdp" and not gdp:
        raise ParleyError("the 'gdp' capability scheme needs the file's GDP row. Fix: "
                          "use a DEU file with the GDP row, or another scheme")


def capabilities(scheme: str, issue: DeuIssue,
                 gdp: Mapping[str, float] | None = None) -> dict[str, float]:
    """Each actor's capability on ``issue`` under ``scheme`` (one of :data:`SCHEMES`).

    Only the actors with a stance are returned. Under ``gdp``, an actor missing from the
    GDP row is left out (the issue's scenario then omits it).

    Raises
    ------
    ParleyError
        For an unknown scheme, ``gdp`` without a GDP row, or (``council-votes``) an actor
        that no Council table weighs.
    """
    check_scheme(scheme, gdp)
    if scheme == "equal":
        return dict.fromkeys(issue.actors, 1.0)
    if scheme == "council-votes":
        table = council_table(issue)
        inst = institution_weight(table)
        return {a: inst if a in INSTITUTIONS else float(table.weights[a])
                for a in issue.actors}
    row = gdp or {}
    return {a: float(row[a]) for a in issue.actors if a in row}


def scheme_descriptions() -> dict[str, Any]:
    """The schemes and their sources, JSON-ready (stored with every backtest)."""
    return {
        "equal": {"description": "every actor capability 1"},
        "council-votes": {
            "description": ("member states' Council weights under the treaty of the "
                            "proposal's period; Commission and Parliament the mean "
                            "member-state weight of the table"),
            "period_table": dict(PERIOD_TABLE),
            "tables": {t.id: {"label": t.label, "unit": t.unit, "source": t.source,
                              "weights": dict(t.weights),
                              "institutions": round(institution_weight(t), 6)}
                       for t in COUNCIL_TABLES},
        },
        "gdp": {"description": ("the file's GDP row (trillion USD; Commission and "
                                "Parliament 4.1)")},
    }
