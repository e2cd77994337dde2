"""The DEU reader: issues, GDP row, missing values, dates, scenarios and malformed files.

Expected values come from tests/data/deu/small.tsv as written (see the rows quoted in each
test), from the real file parsed here independently with the ``csv`` module, or from the
data set's README (364 issues, 351 with an outcome and >= 3 actors).
"""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from parley.errors import Problem, ScenarioError
from parley.io.deu import (
    DeuData,
    deu_dataset_scenario,
    deu_scenario,
    parse_deu_date,
    period_of,
    read_deu,
)

from .conftest import DEU3, SMALL

HEADER = "prnr\tisnr\tintro\tcounvte\tpcom\tpde\tpfr\tscom\tsde\tsfr\trp\tout"


def problems_of(text: str) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as info:
        read_deu(text, source="bad.tsv")
    assert all(p.source == "bad.tsv" for p in info.value.problems)
    assert "bad.tsv" in str(info.value)
    return info.value.problems


# -- the small file ------------------------------------------------------------------------

def test_every_row_but_the_gdp_row_is_an_issue(small: DeuData) -> None:
    assert [i.issue for i in small.issues] == ["d99001i1", "n05002i1", "d16003i1",
                                               "d16003i2", "d16003i3"]
    assert [i.line for i in small.issues] == [3, 4, 5, 6, 7]
    assert small.gdp_line == 2
    assert small.actors == ("com", "ep", "de", "fr", "lu", "cz")


def test_the_gdp_row_is_read_from_the_position_columns(small: DeuData) -> None:
    # line 2: "4.1" "4.1" "3.5" "2.6" "0.06" "0.2" under pcom pep pde pfr plu pcz
    assert small.gdp == {"com": 4.1, "ep": 4.1, "de": 3.5, "fr": 2.6, "lu": 0.06, "cz": 0.2}


def test_actors_need_both_a_position_and_a_salience(small: DeuData) -> None:
    # n05002i1: ep has a salience (70) but no position; lu has neither
    assert small.issues[1].actors == ("com", "de", "fr", "cz")
    # d16003i1: plu is 999 (out of range = missing) while slu is 50
    assert "lu" not in small.issues[2].positions
    assert small.issues[2].saliences["lu"] == 50.0
    assert small.issues[2].actors == ("com", "ep", "de", "fr")


def test_blank_reference_point_and_outcome_are_missing(small: DeuData) -> None:
    assert small.issues[1].reference_point is None
    assert small.issues[4].outcome is None
    assert small.issues[0].reference_point == 0.0
    assert small.issues[0].outcome == 40.0


def test_scoreable_needs_an_outcome_and_three_actors(small: DeuData) -> None:
    # d16003i2 has two actors, d16003i3 no outcome
    assert [i.issue for i in small.scoreable()] == ["d99001i1", "n05002i1", "d16003i1"]
    assert [i.issue for i in small.scoreable(min_actors=5)] == ["d99001i1"]


def test_metadata_columns_are_kept(small: DeuData) -> None:
    i = small.issues[0]
    assert (i.proposal, i.name, i.act_type, i.council, i.procedure, i.voting_rule) == (
        "d99001", "hens", "Dir", "Agri", "CNS", "QMV")


def test_mangled_intro_dates_are_repaired_and_give_the_period(small: DeuData) -> None:
    # "15-03-99", "2014-07-05" (was 14-07-05), "02-02-2016"
    assert [i.intro for i in small.issues[:3]] == [dt.date(1999, 3, 15), dt.date(2005, 7, 14),
                                                  dt.date(2016, 2, 2)]
    assert [i.period for i in small.issues[:3]] == ["up-to-2003", "2004-2008", "2009-later"]


@pytest.mark.parametrize(("text", "expected"), [
    ("26-01-00", dt.date(2000, 1, 26)),
    ("07-02-96", dt.date(1996, 2, 7)),
    ("14-12-1999", dt.date(1999, 12, 14)),
    ("2014-07-04", dt.date(2004, 7, 14)),
    ("1930-05-05", dt.date(2005, 5, 30)),
    ("", None),
])
def test_dates_in_each_written_form(text: str, expected: dt.date | None) -> None:
    assert parse_deu_date(text) == expected


@pytest.mark.parametrize("text", ["31-02-05", "2005/01/01", "soon", "1-2"])
def test_unreadable_dates_raise(text: str) -> None:
    with pytest.raises(ValueError, match=r"date|day"):
        parse_deu_date(text)


def test_periods_split_at_2003_and_2008() -> None:
    assert [period_of(dt.date(y, 6, 1)) for y in (1996, 2003, 2004, 2008, 2009, 2019)] == [
        "up-to-2003", "up-to-2003", "2004-2008", "2004-2008", "2009-later", "2009-later"]


def test_an_issue_becomes_a_one_issue_scenario(small: DeuData) -> None:
    s = deu_scenario(small.issues[0], source=str(SMALL))
    assert [a.id for a in s.actors] == ["com", "ep", "de", "fr", "lu"]
    assert all(a.capability.value == 1.0 for a in s.actors)
    (issue,) = s.issues
    assert issue.id == "d99001i1"
    assert (issue.scale.low, issue.scale.high) == (0.0, 100.0)
    assert issue.status_quo is not None
    assert issue.status_quo.value == 0.0
    st = s.stance("de", "d99001i1")
    assert st is not None
    assert st.position.value == 0.0
    assert st.salience.value == 1.0
    assert st.position.evidence[0].quote == "line 3: pde=0"
    # the outcome must not leak into the scenario a model sees
    assert "40" not in issue.description
    assert s.issues[0].status_quo.value != 40


def test_a_scenario_without_reference_point_has_no_status_quo(small: DeuData) -> None:
    s = deu_scenario(small.issues[1], evidence=False)
    assert s.issues[0].status_quo is None
    assert s.stance("cz", "n05002i1") is not None


def test_capabilities_are_applied_and_missing_ones_drop_the_actor(small: DeuData) -> None:
    s = deu_scenario(small.issues[0], {"com": 2.0, "de": 3.0, "fr": 1.0})
    assert {a.id: a.capability.value for a in s.actors} == {"com": 2.0, "de": 3.0, "fr": 1.0}


def test_the_dataset_scenario_holds_every_scoreable_issue(small: DeuData) -> None:
    s = deu_dataset_scenario(small)
    assert [i.id for i in s.issues] == ["d99001i1", "n05002i1", "d16003i1"]
    assert len(s.stances) == 5 + 4 + 4
    assert s.name == "deu-small"


# -- malformed files -----------------------------------------------------------------------

def test_text_in_a_number_column_is_an_error_with_its_line() -> None:
    text = HEADER + "\nd1\td1i1\t01-01-99\tQMV\t10\tabc\t30\t50\t50\t50\t0\t20\n"
    (p,) = problems_of(text)
    assert (p.line, p.field, p.value) == (2, "column 'pde'", "abc")
    assert "number" in p.rule
    assert p.fix


def test_missing_required_columns_are_named() -> None:
    problems = problems_of("prnr\tpcom\tscom\n")
    assert {p.field for p in problems} == {"column 'isnr'", "column 'out'"}
    assert all(p.line == 1 for p in problems)


def test_a_header_without_actor_columns_is_an_error() -> None:
    (p,) = problems_of("prnr\tisnr\tout\nd1\td1i1\t50\n")
    assert p.field == "columns"
    assert "p<actor>" in p.rule


def test_every_problem_of_a_file_is_reported_in_one_pass() -> None:
    text = "\n".join([
        HEADER,
        "d1\td1i1\t01-01-99\tQMV\t10\t20\t30\t50\t50\t50\t0\t20",
        "d1\td1i1\t01-01-99\tQMV\t10\t20\t30\t50\t50\t50\t0\t20",      # duplicate id
        "d2\td2i1\t31-02-05\tQMV\t10\t20\t30\t50\t50\t50\t0\t20",      # no 31 February
        "d3\td3i1\t01-01-99\tQMV\t10\t20\t30\t50\t50\t50\t0\tlots",    # text outcome
        "\t\t\t\t1\t2\t3\t\t\t\t\t",                                   # id-less row after issues
        "d4\td4i1\t01-01-99\tQMV\t10\t20\t30\t50\t50\t50\t0\t20\textra",  # extra field
    ])
    found = {(p.line, p.field) for p in problems_of(text)}
    assert found == {(3, "column 'isnr'"), (4, "column 'intro'"), (5, "column 'out'"),
                     (6, "column 'isnr'"), (7, "row")}


def test_a_non_positive_gdp_value_is_an_error() -> None:
    (p,) = problems_of(HEADER + "\n\t\t\t\t4.1\t-1\t2\t\t\t\t\t\n")
    assert (p.line, p.field, p.value) == (2, "column 'pde'", "-1")


def test_an_empty_file_is_an_error() -> None:
    (p,) = problems_of("")
    assert p.rule == "is empty"


def test_a_missing_file_is_a_scenario_error() -> None:
    from parley.io.deu import load_deu

    with pytest.raises(ScenarioError, match="does not exist"):
        load_deu("no/such/deu.tsv")


# -- the real file -------------------------------------------------------------------------

def test_deu3_has_the_issues_its_readme_reports(deu3: DeuData) -> None:
    assert len(deu3.issues) == 364
    assert len(deu3.scoreable()) == 351
    assert sum(i.reference_point is not None for i in deu3.scoreable()) == 252
    assert len(deu3.actors) == 30
    assert deu3.actors[:2] == ("com", "ep")
    assert {i.period for i in deu3.issues} == {"up-to-2003", "2004-2008", "2009-later"}


def test_deu3_values_match_an_independent_parse(deu3: DeuData) -> None:
    with DEU3.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    head = rows[0]
    gdp = {c[1:]: float(v) for c, v in zip(head, rows[1], strict=True)
           if c.startswith("p") and v and c[1:] in deu3.actors}
    assert deu3.gdp == gdp
    assert deu3.gdp["de"] == 4.1
    for row, issue in zip(rows[2:], deu3.issues, strict=True):
        d = dict(zip(head, row, strict=True))
        assert issue.issue == d["isnr"]
        for a in deu3.actors:
            raw = d["p" + a]
            expect = float(raw) if raw and 0 <= float(raw) <= 100 else None
            assert issue.positions.get(a) == expect
        assert issue.outcome == (float(d["out"]) if d["out"] else None)
