"""The committed train/test split: fixed, by proposal, and what its documented seed gives."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from parley.backtest.split import SPLIT_SEED, DeuSplit, load_split, make_split
from parley.errors import ParleyError
from parley.io.deu import DeuData


def test_the_committed_split_is_disjoint_and_balanced() -> None:
    split = load_split()
    assert set(split.train).isdisjoint(split.test)
    assert len(split.train) + len(split.test) == 351  # the README's scoreable issues
    assert split.seed == SPLIT_SEED
    assert split.train_fraction == 0.5
    assert 0.4 < len(split.train) / 351 < 0.6


def test_no_proposal_is_on_both_sides(deu3: DeuData) -> None:
    split = load_split()
    side = {}
    for issue in deu3.scoreable():
        s = split.side(issue.issue)
        assert s is not None
        assert side.setdefault(issue.proposal, s) == s


def test_the_committed_split_is_what_its_seed_gives(deu3: DeuData) -> None:
    committed = load_split()
    assert committed.dataset.endswith(deu3.sha256)
    again = make_split(deu3.scoreable(), seed=committed.seed,
                       train_fraction=committed.train_fraction, dataset=committed.dataset)
    text = (resources.files("parley.backtest") / "deu_split.json").read_text("utf-8")
    assert again.to_json() == text


def test_another_seed_gives_another_split(small: DeuData) -> None:
    a = make_split(small.scoreable(), seed=1)
    sides = {make_split(small.scoreable(), seed=s).train for s in range(20)}
    assert len(sides) > 1
    assert make_split(small.scoreable(), seed=1) == a


def test_a_split_file_round_trips(tmp_path: Path, small: DeuData) -> None:
    split = make_split(small.scoreable(), seed=4, dataset="small.tsv")
    path = tmp_path / "split.json"
    path.write_text(split.to_json(), encoding="utf-8")
    assert load_split(path) == split


@pytest.mark.parametrize("content", ["{", "[]", json.dumps({"seed": 1})])
def test_a_broken_split_file_is_an_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "split.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParleyError, match=r"split\.json"):
        load_split(path)


def test_train_fraction_must_be_a_proper_fraction(small: DeuData) -> None:
    with pytest.raises(ParleyError, match="train_fraction"):
        make_split(small.scoreable(), train_fraction=1.0)


def test_side_of_an_unlisted_issue_is_none() -> None:
    assert DeuSplit(1, 0.5, ("a",), ("b",)).side("c") is None
