"""Readers for foreign scenario formats: KTAB CSV, Decide, and the plain one-issue table.

Expected values come from the files themselves, parsed here independently with the
``csv`` module, from published figures, or from hand computations shown in docstrings.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.errors import Problem, ScenarioError
from parley.io import detect_format, dumps, load, loads
from parley.io.decide import read_decide
from parley.io.ktab import read_ktab_csv
from parley.io.table import read_table
from parley.models.compromise import Compromise
from parley.models.median import WeightedMedian
from parley.scenario import Scenario, Stance

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

KTAB_SHAPES = {  # file: (actors, dimensions), as listed in shared/data/README.md
    "SOE-Policy.csv": (26, 1),
    "SOE-Competitive.csv": (34, 1),
    "SOE-Pol-Comp.csv": (13, 2),
    "dummyData_3Dim.csv": (7, 3),
    "dummyData_6Dim.csv": (27, 6),
}
DECIDE_FILES = ("copenhagen.csv", "cop21.csv", "sample_data.txt")
EC_TABLE = "eum/bdm1994_ec_car_emissions.csv"


def data_file(relative: str) -> Path:
    """A file of the shared reference data, or skip the test when it is absent."""
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"reference data {relative} not found at {DATA.resolve()} "
                    "(the shared data folder sits beside the checkout in CI only)")
    return path


def problems_of(reader: Callable[..., Scenario], text: str) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as info:
        reader(text, source="bad.csv")
    assert all(p.source == "bad.csv" for p in info.value.problems)
    return info.value.problems


def stance_of(s: Scenario, actor: str, issue: str) -> Stance:
    found = s.stance(actor, issue)
    assert found is not None, f"no stance of {actor!r} on {issue!r}"
    return found


def has(problems: tuple[Problem, ...], field: str, line: int, rule: str = "") -> bool:
    return any(p.field == field and p.line == line and rule in p.rule for p in problems)


# ---------------------------------------------------------------------------------------
# KTAB CSV
# ---------------------------------------------------------------------------------------

KTAB_TOY = """Toy,Three actors,3,1,
Actor,Description,Influence,Policy Position,Policy Salience,
A,Alpha,60,20,50,
B,Beta,40,80,100,
C,Gamma,10,50,30,
"""


def test_every_ktab_csv_in_the_data_folder_has_a_known_shape() -> None:
    folder = data_file("ktab")
    assert {p.name for p in folder.glob("*.csv")} == set(KTAB_SHAPES)


@pytest.mark.parametrize(("name", "shape"), sorted(KTAB_SHAPES.items()))
def test_ktab_csv_loads_with_the_published_actor_and_dimension_counts(
        name: str, shape: tuple[int, int]) -> None:
    path = data_file(f"ktab/{name}")
    s = read_ktab_csv(path.read_text(encoding="utf-8"), source=str(path))
    n, d = shape
    assert (len(s.actors), len(s.issues), len(s.stances)) == (n, d, n * d)
    assert all(i.scale.low == 0 and i.scale.high == 100 for i in s.issues)


@pytest.mark.parametrize("name", sorted(KTAB_SHAPES))
def test_ktab_first_actor_equals_its_csv_row_with_salience_divided_by_100(name: str) -> None:
    path = data_file(f"ktab/{name}")
    with path.open(newline="", encoding="utf-8") as f:
        rows = [[c.strip() for c in r] for r in csv.reader(f)]
    header, row = rows[1], rows[2]
    s = read_ktab_csv(path.read_text(encoding="utf-8"), source=str(path))
    actor = s.actors[0]
    assert actor.id == row[0]
    assert actor.name == row[1]
    assert actor.role == "party"
    assert actor.capability.value == float(row[2])
    d = KTAB_SHAPES[name][1]
    for j, issue in enumerate(s.issues):
        stance = s.stance(row[0], issue.id)
        assert stance is not None
        assert stance.position.value == pytest.approx(float(row[3 + 2 * j]), abs=1e-12)
        assert stance.salience.value == pytest.approx(float(row[4 + 2 * j]) / 100, abs=1e-12)
        assert issue.name.lower() in header[3 + 2 * j].lower()
    assert len(s.issues) == d


def test_ktab_dimension_ids_come_from_the_position_column_names() -> None:
    path = data_file("ktab/SOE-Pol-Comp.csv")
    s = read_ktab_csv(path.read_text(encoding="utf-8"), source=str(path))
    assert [(i.id, i.name) for i in s.issues] == [("policy", "Policy"),
                                                  ("competitive", "Competitive")]
    assert s.title == "China Policy/Competitive; scen 2"


def test_ktab_soe_policy_weighted_mean_and_median_match_the_hand_figures() -> None:
    """Capability x salience weighted mean 35.0 and weighted median 30 (figures from the
    issue), recomputed here as well from the raw CSV: sum(c*s*x) / sum(c*s)."""
    path = data_file("ktab/SOE-Policy.csv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = [[c.strip() for c in r] for r in csv.reader(f)][2:]
    c_s_x = [(float(r[2]), float(r[4]), float(r[3])) for r in rows]
    raw_mean = sum(c * s * x for c, s, x in c_s_x) / sum(c * s for c, s, _ in c_s_x)
    s = read_ktab_csv(path.read_text(encoding="utf-8"), source=str(path))
    assert Compromise().run(s)["policy"] == pytest.approx(35.0, abs=0.05)
    assert Compromise().run(s)["policy"] == pytest.approx(raw_mean, rel=1e-12)
    assert WeightedMedian().run(s)["policy"] == 30.0


def test_ktab_numbers_cite_their_row() -> None:
    s = read_ktab_csv(KTAB_TOY, source="toy.csv")
    assert [(src.id, src.kind) for src in s.sources] == [("ktab-csv", "dataset")]
    ev = stance_of(s, "B", "policy").salience.evidence
    assert [(e.source, e.quote) for e in ev] == [("ktab-csv", "line 4: B,Beta,40,80,100,")]
    assert s.actor("C").capability.evidence[0].quote == "line 5: C,Gamma,10,50,30,"


def test_ktab_wrong_header_is_reported_on_line_2() -> None:
    text = KTAB_TOY.replace("Actor,Description", "Name,Description")
    assert has(problems_of(read_ktab_csv, text), "header", 2, "Actor,Description")


def test_ktab_counts_on_line_1_must_match_the_rows_and_columns() -> None:
    text = KTAB_TOY.replace("Toy,Three actors,3,1,", "Toy,Three actors,4,2,")
    problems = problems_of(read_ktab_csv, text)
    assert has(problems, "number of actors", 1, "(3)")
    assert has(problems, "number of dimensions", 1, "(1)")


def test_ktab_row_with_too_few_fields_is_reported_once_with_its_line() -> None:
    problems = problems_of(read_ktab_csv, KTAB_TOY.replace("B,Beta,40,80,100,", "B,Beta,40,80"))
    assert [(p.field, p.line) for p in problems] == [("row", 4)]


def test_ktab_collects_every_bad_cell_in_one_pass() -> None:
    text = KTAB_TOY.replace("A,Alpha,60,", "A,Alpha,sixty,").replace("C,Gamma,10,50,30,",
                                                                      "C,Gamma,10,50,,")
    problems = problems_of(read_ktab_csv, text)
    assert has(problems, "Influence", 3, "must be a number")
    assert has(problems, "Policy Salience", 5, "must not be empty")
    assert "line 3" in str(ScenarioError(problems))


def test_ktab_salience_outside_0_100_is_reported_with_its_column() -> None:
    problems = problems_of(read_ktab_csv, KTAB_TOY.replace("B,Beta,40,80,100,",
                                                           "B,Beta,40,80,140,"))
    assert has(problems, "Policy Salience", 4, "[0, 100]")
    assert next(p for p in problems if p.line == 4).value == 140.0


def test_ktab_duplicate_actor_ids_are_traced_to_their_rows() -> None:
    problems = problems_of(read_ktab_csv, KTAB_TOY.replace("C,Gamma", "A,Gamma"))
    assert {p.line for p in problems if "unique" in p.rule} == {3, 5}


def test_ktab_empty_input_is_a_clear_error() -> None:
    problems = problems_of(read_ktab_csv, " \n")
    assert (problems[0].field, problems[0].rule) == ("file", "is empty")


# ---------------------------------------------------------------------------------------
# Decide
# ---------------------------------------------------------------------------------------

def decide_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [r for r in csv.reader(f, delimiter="\t", quotechar="'") if r]


@pytest.mark.parametrize("name", DECIDE_FILES)
def test_decide_file_has_the_actors_issues_and_stances_of_its_rows(name: str) -> None:
    path = data_file(f"decide/{name}")
    rows = decide_rows(path)
    s = read_decide(path.read_text(encoding="utf-8"), source=str(path))
    assert [a.id for a in s.actors] == [r[1] for r in rows if r[0] == "#A"]
    assert [i.id for i in s.issues] == [r[1] for r in rows if r[0] == "#P"]
    assert len(s.stances) == sum(r[0] == "#D" for r in rows)


@pytest.mark.parametrize("name", DECIDE_FILES)
def test_decide_scale_runs_from_the_smallest_to_the_largest_scale_point(name: str) -> None:
    path = data_file(f"decide/{name}")
    points: dict[str, list[float]] = defaultdict(list)
    for r in decide_rows(path):
        if r[0] == "#M":
            points[r[1]].append(float(r[2]))
    s = read_decide(path.read_text(encoding="utf-8"), source=str(path))
    assert {i.id: (i.scale.low, i.scale.high) for i in s.issues} == {
        k: (min(v), max(v)) for k, v in points.items()}


@pytest.mark.parametrize("name", DECIDE_FILES)
def test_decide_stances_and_capability_equal_the_d_rows(name: str) -> None:
    """In all three files each actor has one power on every issue: it is the capability."""
    path = data_file(f"decide/{name}")
    s = read_decide(path.read_text(encoding="utf-8"), source=str(path))
    for r in decide_rows(path):
        if r[0] != "#D":
            continue
        stance = s.stance(r[1], r[2])
        assert stance is not None
        assert (stance.position.value, stance.salience.value) == (float(r[3]), float(r[4]))
        assert s.actor(r[1]).capability.value == float(r[5])
        assert stance.note == ""


def test_decide_sample_data_keeps_its_non_default_scale() -> None:
    path = data_file("decide/sample_data.txt")
    s = read_decide(path.read_text(encoding="utf-8"), source=str(path))
    assert (s.issue("tol-hoogte").scale.low, s.issue("tol-hoogte").scale.high) == (0.5, 7.0)
    assert s.name == "sample_data"


DECIDE_TOY = "\n".join([
    "'#A'\t'a'\t'Alpha'\t''",
    "'#A'\t'b'\t'Beta'\t''",
    "'#P'\t'x'\t'X'\t''",
    "'#M'\t'x'\t0",
    "'#M'\t'x'\t100",
    "'#P'\t'y'\t'Y'\t''",
    "'#M'\t'y'\t0",
    "'#M'\t'y'\t100",
    "'#D'\t'a'\t'x'\t20\t0.5\t0.3",
    "'#D'\t'a'\t'y'\t40\t0.8\t0.3",
    "'#D'\t'b'\t'x'\t80\t1.0\t0.6",
    "'#D'\t'b'\t'y'\t60\t0.2\t0.6",
]) + "\n"


def test_decide_delimiter_is_sniffed() -> None:
    semicolons = read_decide(DECIDE_TOY.replace("\t", ";"))
    assert stance_of(semicolons, "b", "y").position.value == 60.0
    commas = read_decide(DECIDE_TOY.replace("\t", ","))
    assert commas.actor("a").capability.value == 0.3


def test_decide_power_varying_by_issue_gives_the_largest_as_capability_and_a_note() -> None:
    text = DECIDE_TOY.replace("'y'\t40\t0.8\t0.3", "'y'\t40\t0.8\t0.9")
    s = read_decide(text)
    assert s.actor("a").capability.value == 0.9
    # the salience is kept as given, not multiplied by power / max power
    assert stance_of(s, "a", "x").salience.value == 0.5
    assert "0.3" in stance_of(s, "a", "x").note
    assert "0.9" in stance_of(s, "a", "x").note
    assert "Power varies by issue for a" in s.description
    assert stance_of(s, "b", "x").note == ""


def test_decide_saliences_on_0_100_are_divided_by_100() -> None:
    text = (DECIDE_TOY.replace("\t0.5\t", "\t50\t").replace("\t0.8\t", "\t80\t")
            .replace("\t1.0\t", "\t100\t").replace("\t0.2\t", "\t20\t"))
    s = read_decide(text)
    assert stance_of(s, "a", "y").salience.value == 0.8
    assert "0-100" in s.description


def test_decide_unknown_row_type_is_a_wrong_header() -> None:
    problems = problems_of(read_decide, "name\tcapability\nA\t1\n")
    assert has(problems, "row type", 1, "'#A'")


def test_decide_row_with_too_few_fields_names_its_layout() -> None:
    problems = problems_of(read_decide, DECIDE_TOY.replace("'y'\t60\t0.2\t0.6", "'y'\t60\t0.2"))
    assert has(problems, "#D", 12, "position, salience, power")


def test_decide_collects_every_bad_cell_in_one_pass() -> None:
    text = (DECIDE_TOY.replace("'x'\t20\t0.5", "'x'\ttwenty\t0.5")
            .replace("'y'\t60\t0.2", "'y'\t60\t-0.2"))
    problems = problems_of(read_decide, text)
    assert has(problems, "#D position", 9, "must be a number")
    assert has(problems, "#D salience", 12, "[0, 1]")


def test_decide_position_off_the_scale_is_traced_to_its_row() -> None:
    problems = problems_of(read_decide, DECIDE_TOY.replace("'x'\t80\t1.0", "'x'\t180\t1.0"))
    assert any(p.field.startswith("stances[2].position") and p.line == 11 for p in problems)


def test_decide_stance_for_an_undeclared_actor_is_traced_to_its_row() -> None:
    problems = problems_of(read_decide, DECIDE_TOY + "'#D'\t'c'\t'x'\t50\t0.5\t0.1\n")
    assert has(problems, "stances[4].actor", 13, "declared actor")


def test_decide_empty_input_is_a_clear_error() -> None:
    assert problems_of(read_decide, "")[0].rule == "is empty"


# ---------------------------------------------------------------------------------------
# plain table
# ---------------------------------------------------------------------------------------

TABLE_TOY = """actor,capability,position,salience
a,2,10,0.5
b,1,30,1.0
c,1,20,0.25
d,3,25,0.5
e,1,15,0.75
"""


def test_table_ec_emissions_reads_unit_scale_and_saliences() -> None:
    path = data_file(EC_TABLE)
    s = read_table(path.read_text(encoding="utf-8"), source=str(path))
    (issue,) = s.issues
    assert (issue.id, issue.scale.unit) == ("bdm1994-ec-car-emissions", "years")
    assert (issue.scale.low, issue.scale.high) == (4.0, 10.0)  # positions run from 4 to 10
    assert s.name == "bdm1994_ec_car_emissions"
    assert stance_of(s, "Denmark", issue.id).salience.value == 1.0
    assert stance_of(s, "UK", issue.id).salience.value == 0.9
    assert "divided by 100" in s.description
    assert len(s.actors) == 10


def test_table_ec_emissions_weighted_mean_and_median_match_the_hand_computation() -> None:
    """Weights w = c * s (salience on 0-100; the /100 cancels):

    * position 4: NL .08*80 + LU .03*20 + DE .16*80 + DK .05*100 = 6.4+0.6+12.8+5.0 = 24.8
    * position 7: BE .08*40 + IE .05*10 + GR .08*70 = 3.2+0.5+5.6 = 9.3
    * position 10: FR .16*60 + IT .16*60 + UK .16*90 = 9.6+9.6+14.4 = 33.6

    Total 67.7. Mean = (4*24.8 + 7*9.3 + 10*33.6) / 67.7 = 500.3 / 67.7 = 7.390 (the file's
    ``initial_weighted_mean_c_x_s`` row: 7.39). Median: half the weight is 33.85; the
    cumulative weight is 24.8 at 4 and 34.1 at 7, so the median is 7.
    """
    path = data_file(EC_TABLE)
    s = read_table(path.read_text(encoding="utf-8"), source=str(path))
    issue = s.issues[0].id
    assert Compromise().run(s)[issue] == pytest.approx(7.39, abs=0.005)
    assert WeightedMedian().run(s)[issue] == 7.0


def test_table_unit_suffix_names_the_scale_unit() -> None:
    s = read_table(TABLE_TOY.replace("position", "position_km"))
    assert s.issues[0].scale.unit == "km"
    assert s.issues[0].id == "issue"


def test_table_saliences_on_0_100_are_divided_by_100() -> None:
    text = TABLE_TOY.replace(",0.5\n", ",50\n").replace(",1.0\n", ",100\n").replace(
        ",0.25\n", ",25\n").replace(",0.75\n", ",75\n")
    s = read_table(text)
    assert [st.salience.value for st in s.stances] == [0.5, 1.0, 0.25, 0.5, 0.75]
    assert "divided by 100" in s.description


def test_table_scale_comes_from_the_data_unless_given() -> None:
    assert (read_table(TABLE_TOY).issues[0].scale.low,
            read_table(TABLE_TOY).issues[0].scale.high) == (10.0, 30.0)
    given_scale = read_table(TABLE_TOY, scale=(0, 100)).issues[0]
    assert (given_scale.scale.low, given_scale.scale.high) == (0.0, 100.0)
    assert "given by the caller" in given_scale.description


def test_table_equal_positions_widen_the_scale_and_say_so() -> None:
    s = read_table("actor,capability,position,salience\na,1,4,0.5\nb,1,4,0.7\n")
    assert (s.issues[0].scale.low, s.issues[0].scale.high) == (2.0, 6.0)
    assert "widened" in s.description


def test_table_position_off_an_explicit_scale_is_traced_to_its_row() -> None:
    with pytest.raises(ScenarioError) as info:
        read_table(TABLE_TOY, scale=(0, 20))
    assert {p.line for p in info.value.problems} == {3, 5}  # b at 30, d at 25


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_table_delimiter_is_sniffed(delimiter: str) -> None:
    text = TABLE_TOY.replace(",", delimiter)
    got, want = read_table(text), read_table(TABLE_TOY)
    assert [(a.id, a.capability.value) for a in got.actors] == [
        (a.id, a.capability.value) for a in want.actors]
    assert [(x.position.value, x.salience.value) for x in got.stances] == [
        (x.position.value, x.salience.value) for x in want.stances]


def test_table_optional_columns_name_role_and_acceptable_range() -> None:
    s = read_table("actor,name,role,capability,position,salience,low,high\n"
                   "un,United Nations,mediator,1,50,0.3,,\n"
                   "a,Alpha,,2,20,0.5,10,40\n"
                   "b,Beta,party,2,80,0.5,60,90\n")
    assert s.actor("un").role == "mediator"
    assert s.actor("a").name == "Alpha"
    assert s.actor("a").role == "party"
    acc = stance_of(s, "a", "issue").acceptable
    assert acc is not None
    assert (acc.low, acc.high) == (10.0, 40.0)
    assert stance_of(s, "un", "issue").acceptable is None


def test_table_wrong_header_names_the_missing_column() -> None:
    problems = problems_of(read_table, "actor,capability,position,weight\na,1,2,3\n")
    assert has(problems, "header", 1, "'salience'")
    assert any(p.value == "weight" for p in problems)


def test_table_row_with_too_many_fields_is_reported() -> None:
    problems = problems_of(read_table, TABLE_TOY.replace("c,1,20,0.25", "c,1,20,0.25,9"))
    assert has(problems, "row", 4, "header has 4")


def test_table_collects_every_bad_cell_in_one_pass() -> None:
    """A non-numeric capability on line 5 and a missing salience on line 6, together."""
    text = TABLE_TOY.replace("d,3,25,0.5", "d,three,25,0.5").replace("e,1,15,0.75", "e,1,15,")
    problems = problems_of(read_table, text)
    assert has(problems, "capability", 5, "must be a number")
    assert has(problems, "salience", 6, "must not be empty")


def test_table_salience_out_of_range_is_reported_with_its_line() -> None:
    problems = problems_of(read_table, TABLE_TOY.replace("b,1,30,1.0", "b,1,30,-0.4"))
    assert has(problems, "salience", 3, "[0, 1]")
    problems = problems_of(read_table, TABLE_TOY.replace("b,1,30,1.0", "b,1,30,140"))
    assert has(problems, "salience", 3, "[0, 100]")


def test_table_empty_input_is_a_clear_error() -> None:
    assert problems_of(read_table, "\n\n")[0].rule == "is empty"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 1e3), st.floats(-1e3, 1e3), st.floats(0, 1)),
                min_size=2, max_size=6))
def test_table_values_read_back_exactly(rows: list[tuple[float, float, float]]) -> None:
    text = "actor,capability,position,salience\n" + "".join(
        f"a{k},{c!r},{x!r},{s!r}\n" for k, (c, x, s) in enumerate(rows))
    scenario = read_table(text, scale=(-1e3, 1e3))
    got = [(a.capability.value, st_.position.value, st_.salience.value)
           for a, st_ in zip(scenario.actors, scenario.stances, strict=True)]
    assert got == rows


# ---------------------------------------------------------------------------------------
# round trip and dispatcher
# ---------------------------------------------------------------------------------------

ALL_FILES = ([f"ktab/{n}" for n in sorted(KTAB_SHAPES)]
             + [f"decide/{n}" for n in DECIDE_FILES] + [EC_TABLE])
FORMAT_OF = {"ktab": "ktab", "decide": "decide", "eum": "table"}


@pytest.mark.parametrize("relative", ALL_FILES)
def test_native_yaml_round_trip_preserves_the_content_hash(relative: str) -> None:
    s = load(data_file(relative))
    assert loads(dumps(s)).content_hash() == s.content_hash()
    assert loads(dumps(s, fmt="json"), fmt="json").content_hash() == s.content_hash()


@pytest.mark.parametrize("relative", ALL_FILES)
def test_load_detects_the_format_from_the_file(relative: str) -> None:
    path = data_file(relative)
    text = path.read_text(encoding="utf-8")
    fmt = FORMAT_OF[relative.split("/")[0]]
    assert detect_format(path, text) == fmt
    reader = {"ktab": read_ktab_csv, "decide": read_decide, "table": read_table}[fmt]
    assert load(path).content_hash() == reader(text, source=str(path)).content_hash()


def test_load_of_a_bad_table_file_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "talks.csv"
    path.write_text(TABLE_TOY.replace("b,1,30,1.0", "b,1,thirty,1.0"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert str(info.value).startswith(f"1 problem in {path}:")
    assert "(line 3)" in str(info.value)
    assert info.value.problems[0].source == str(path)
