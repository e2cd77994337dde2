"""Adjusted Winner: published examples, a hand computation, the procedure's properties,
and the CSV points reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.deals.adjusted_winner import adjusted_winner, parse_points_csv, read_points_csv
from parley.errors import ScenarioError


def test_wikipedia_alice_and_bob_both_end_with_131_673() -> None:
    """The Wikipedia article (read through its mirror at cryer.org.uk/Adjusted_winner_
    procedure) states: Alice bids 86 on good 1 and 75 on good 2; Bob bids 81, 60 and 40 on
    goods 2, 3, 4; Alice wins good 1 (86), Bob goods 2-4 (181); good 2 has Bob's lowest
    ratio and is split, Alice receiving 95/156 of it. The mirror does not show Bob's bid
    on good 1 or Alice's on goods 3 and 4; any values below the other side's bids that keep
    good 2's ratio lowest and the totals equal give the same result, and 19, 20, 19 do
    (totals 200 each). By hand: p = (181 - 86) / (75 + 81) = 95/156;
    Alice 86 + 75 * 95/156 = 131.673..., Bob 60 + 40 + 81 * 61/156 = 131.673...."""
    r = adjusted_winner([86, 75, 20, 19], [19, 81, 60, 40], ["1", "2", "3", "4"],
                        sides=("Alice", "Bob"))
    assert r.initial_winner == "Bob"
    assert r.split_item == "2"
    assert r.split_fraction_a == pytest.approx(95 / 156, abs=1e-12)
    assert r.total_a == pytest.approx(86 + 75 * 95 / 156, abs=1e-9)
    assert r.total_b == pytest.approx(100 + 81 * 61 / 156, abs=1e-9)
    assert round(r.total_a, 3) == round(r.total_b, 3) == 131.673
    assert (r.items_a, r.items_b) == (("1",), ("3", "4"))


def test_brams_and_taylor_bob_and_carol_divorce() -> None:
    """The worked example of Brams & Taylor's Adjusted Winner site: Carol bids 50, 20, 15,
    10, 5 and Bob 40, 30, 10, 10, 10 on retirement account, home, summer cottage,
    investments, other. Carol wins the account and cottage (65), Bob the home and other
    (40); the tied investments are transferred first (ratio 1), leaving 65 vs 50; the
    account (ratio 50/40) is split with Bob receiving p = (65 - 50) / (50 + 40) = 1/6;
    both end with 56 2/3 points (published: 56.67)."""
    items = ["retirement", "home", "cottage", "investments", "other"]
    r = adjusted_winner([50, 20, 15, 10, 5], [40, 30, 10, 10, 10], items,
                        sides=("Carol", "Bob"))
    assert r.split_item == "retirement"
    assert r.split_fraction_a == pytest.approx(5 / 6)
    assert r.total_a == pytest.approx(170 / 3) == r.total_b
    assert set(r.items_b) == {"home", "investments", "other"}
    assert r.items_a == ("cottage",)


def test_a_whole_transfer_can_equalise_without_a_split() -> None:
    """A bids (60, 25, 15), B (40, 20, 40): A wins x, y (85), B wins z (40). y has the
    lower ratio (1.25 < 1.5); moving it all gives 60 vs 60: no item is split."""
    r = adjusted_winner([60, 25, 15], [40, 20, 40], ["x", "y", "z"])
    assert r.split_item is None
    assert r.split_fraction_a is None
    assert (r.total_a, r.total_b) == (60.0, 60.0)
    assert r.share_a == (1.0, 0.0, 0.0)


def test_equal_first_allocation_needs_no_transfer() -> None:
    r = adjusted_winner([60, 40], [40, 60], ["x", "y"])
    assert r.initial_winner is None
    assert r.share_a == (1.0, 0.0)


@st.composite
def bids(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    n = draw(st.integers(1, 7))

    def side() -> list[float]:
        cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=n - 1, max_size=n - 1)))
        edges = [0, *cuts, 100]
        return [float(edges[k + 1] - edges[k]) for k in range(n)]

    return side(), side()


@settings(max_examples=200, deadline=None)
@given(bids())
def test_the_division_is_equitable_envy_free_efficient_with_one_split(
        pair: tuple[list[float], list[float]]) -> None:
    """Brams & Taylor's properties: equal totals; each side values its share at >= half of
    the 100 points (envy-free); at most one split item; and efficiency: every item A gets
    any of has a ratio a/b at least that of every item B gets any of."""
    a, b = pair
    r = adjusted_winner(a, b, [f"g{k}" for k in range(len(a))])
    assert r.total_a == pytest.approx(r.total_b, abs=1e-9)
    assert r.total_a >= 50 - 1e-9
    assert sum(1 for s in r.share_a if 0 < s < 1) <= 1
    assert r.total_a == pytest.approx(sum(s * v for s, v in zip(r.share_a, a, strict=True)))
    assert r.total_b == pytest.approx(sum((1 - s) * v for s, v in zip(r.share_a, b,
                                                                          strict=True)))
    for i, si in enumerate(r.share_a):
        for j, sj in enumerate(r.share_a):
            if si > 0 and sj < 1:
                assert a[i] * b[j] >= a[j] * b[i] - 1e-9


@pytest.mark.parametrize(("args", "match"), [
    (([50, 50], [100], ["x", "y"]), "same length"),
    (([50, 50], [50, 50], ["x", "x"]), "unique"),
    (([150, -50], [50, 50], ["x", "y"]), "finite number >= 0"),
    (([60, 60], [50, 50], ["x", "y"]), "same total"),
])
def test_bad_bids_raise_a_scenario_error(args: tuple[list[float], list[float], list[str]],
                                         match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        adjusted_winner(*args)


def test_the_csv_reader_names_the_sides_from_the_header(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("item,Israel,Egypt\n# comment\nSinai,35,65\n\nsecurity,65,35\n")
    table = read_points_csv(path)
    assert table.sides == ("Israel", "Egypt")
    assert table.items == ("Sinai", "security")
    r = table.adjusted_winner()
    assert (r.items_a, r.items_b) == (("security",), ("Sinai",))
    assert r.to_dict()["points"] == {"Israel": 65.0, "Egypt": 65.0}


def test_the_csv_reader_reports_every_problem_with_its_line() -> None:
    text = "item,A,B\nx,ten,50\nx,20,abc\ny,-5,50\nz,1\n"
    with pytest.raises(ScenarioError) as err:
        parse_points_csv(text, source="bids.csv")
    found = {(p.field, p.rule, p.line) for p in err.value.problems}
    assert found == {
        ("A points of 'x'", "must be a number", 2),
        ("item 'x'", "items must be unique", 3),
        ("B points of 'x'", "must be a number", 3),
        ("A points of 'y'", "must not be negative", 4),
        ("line 5", "each row needs three cells: item and two numbers", 5),
    }
    assert {p.source for p in err.value.problems} == {"bids.csv"}
    assert "line 2" in next(p.fix for p in err.value.problems if "unique" in p.rule)
    assert "bids.csv" in str(err.value)


def test_sums_other_than_100_are_an_error_or_rescaled_with_a_note() -> None:
    text = "item,A,B\nx,30,50\ny,30,50\n"
    with pytest.raises(ScenarioError, match=r"A points: must sum to 100; got 60"):
        parse_points_csv(text)
    table = parse_points_csv(text, normalise=True)
    assert table.points_a == (50.0, 50.0)
    assert table.notes == ("points of A summed to 60; rescaled to 100",)


@pytest.mark.parametrize(("text", "match"), [
    ("", "the table is empty"),
    ("item,A\nx,100\n", "three columns"),
    ("item,A,A\nx,50,50\n", "three columns"),
    ("item,A,B\n", "no items"),
])
def test_malformed_tables_are_reported(text: str, match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        parse_points_csv(text)


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot be read"):
        read_points_csv(tmp_path / "nope.csv")
