"""The DEU backtest: hand-computed errors on a small file, the published DEU III figures,
failures, tuning on the split, the run store and the HTML page.

tests/data/deu/small.tsv has three scoreable issues (positions on 0-100, saliences / 100):

==========  =====================================================  =======  ====  =========
issue       actors: position (salience)                            outcome  rp    period
==========  =====================================================  =======  ====  =========
d99001i1    com 100 (.5), ep 80 (.5), de 0 (1), fr 50 (.5),        40       0     1999
            lu 100 (.5)
n05002i1    com 0 (1), de 100 (.5), fr 100 (.5), cz 0 (1)          25       -     2005
d16003i1    com 60, ep 60, de 20, fr 20 (all .8)                   60       20    2016
==========  =====================================================  =======  ====  =========
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

import parley.models.base as model_base
from parley.backtest import (
    BASELINES,
    SCHEMES,
    TuningSpec,
    backtest_deu,
    make_split,
    record_backtest,
    render_leaderboard,
)
from parley.backtest.scoring import issue_scenarios, predict
from parley.errors import ParleyError
from parley.io.deu import DeuData, read_deu
from parley.models import model_names
from parley.models.base import Forecast, make_forecast
from parley.rng import SeedLike
from parley.scenario import Scenario
from parley.store import RunStore

# -- hand computations on small.tsv --------------------------------------------------------
# equal capabilities: salience-weighted means
EQUAL = [(50 + 40 + 0 + 25 + 50) / 3.0,            # 165 / 3 = 55
         (0 + 50 + 50 + 0) / 3.0,                  # 100 / 3 = 33.33
         (60 + 60 + 20 + 20) / 4.0]                # 40
# Council votes: 1999 pre-Nice (de 10, fr 10, lu 2; com, ep 87/15 = 5.8), weights c x s
VOTES_1 = (5.8 * .5 * 100 + 5.8 * .5 * 80 + 10 * 1 * 0 + 10 * .5 * 50 + 2 * .5 * 100) / (
    5.8 * .5 + 5.8 * .5 + 10 * 1 + 10 * .5 + 2 * .5)                           # 872/21.8 = 40
# 2005 Nice (de 29, fr 29, cz 12; com 345/27)
VOTES_2 = (29 * .5 * 100 + 29 * .5 * 100) / (345 / 27 * 1 + 29 * .5 + 29 * .5 + 12 * 1)
# 2016 Lisbon population shares (de 15.93, fr 13.04; com, ep the mean, 100.01/28)
INST = 100.01 / 28
VOTES_3 = (2 * INST * 60 + (15.93 + 13.04) * 20) / (2 * INST + 15.93 + 13.04)
# the GDP row: com, ep 4.1, de 3.5, fr 2.6, lu 0.06, cz 0.2
GDP = [(2.05 * 100 + 2.05 * 80 + 1.3 * 50 + 0.03 * 100) / (2.05 + 2.05 + 3.5 + 1.3 + 0.03),
       (1.75 * 100 + 1.3 * 100) / (4.1 + 1.75 + 1.3 + 0.2),
       (4.1 * 60 + 4.1 * 60 + 3.5 * 20 + 2.6 * 20) / (4.1 + 4.1 + 3.5 + 2.6)]
OUT = [40.0, 25.0, 60.0]


def mae(pred: Sequence[float]) -> float:
    return float(np.mean([abs(p - o) for p, o in zip(pred, OUT, strict=True)]))


def test_compromise_errors_match_the_hand_computation(small: DeuData) -> None:
    b = backtest_deu(small, models=["compromise"], n_resamples=200)
    assert EQUAL[0] == 55.0
    assert abs(VOTES_1 - 40.0) < 1e-9
    cases = {"equal": EQUAL, "council-votes": [VOTES_1, VOTES_2, VOTES_3], "gdp": GDP}
    for scheme, pred in cases.items():
        e = b.entry(f"compromise [{scheme}]")
        np.testing.assert_allclose(e.prediction, pred, rtol=1e-12)
        assert e.overall.mean == pytest.approx(mae(pred), rel=1e-12)
        assert e.overall.n == 3
        assert e.failures == 0


def test_baselines_match_the_hand_computation(small: DeuData) -> None:
    b = backtest_deu(small, models=[], n_resamples=200)
    # Commission 100, 0, 60 -> errors 60, 25, 0
    assert b.entry("commission").overall.mean == pytest.approx(85 / 3)
    # medians of [0 50 80 100 100], [0 0 100 100], [20 20 60 60] -> 80, 50, 40
    assert b.entry("median-of-positions").overall.mean == pytest.approx((40 + 25 + 20) / 3)
    # reference point 0 and 20 on two issues -> 40, 40
    rp = b.entry("reference-point").overall
    assert (rp.n, rp.mean, rp.median) == (2, 40.0, 40.0)
    assert {e.label for e in b.entries} == set(BASELINES)


def test_breakdowns_by_period_rule_and_split(small: DeuData) -> None:
    split = make_split(small.scoreable(), seed=0)
    b = backtest_deu(small, models=["compromise"], schemes=["equal"], split=split,
                     n_resamples=200)
    e = b.entry("compromise [equal]")
    errors = [55.0 - 40, 100 / 3 - 25, 60 - 40.0]  # |forecast - outcome| from EQUAL
    assert {k: v.mean for k, v in e.by_period.items()} == pytest.approx(
        {"up-to-2003": errors[0], "2004-2008": errors[1], "2009-later": errors[2]})
    assert {k: v.mean for k, v in e.by_voting_rule.items()} == pytest.approx(
        {"QMV": (errors[0] + errors[2]) / 2, "Unan": errors[1]})
    expect_split = {"train": [], "test": []}
    for issue, err in zip(small.scoreable(), errors, strict=True):
        expect_split[str(split.side(issue.issue))].append(err)
    for side, errs in expect_split.items():
        if errs:
            assert e.by_split[side].mean == pytest.approx(np.mean(errs))
    assert e.overall.median == pytest.approx(15.0)


def test_entries_are_sorted_best_first(small: DeuData) -> None:
    b = backtest_deu(small, n_resamples=100)
    means = [e.overall.mean for e in b.entries if e.overall.mean is not None]
    assert means == sorted(means)


def test_every_registered_model_runs_under_every_scheme(small: DeuData) -> None:
    b = backtest_deu(small, n_resamples=100)
    labels = {e.label for e in b.entries}
    assert {f"{m} [{s}]" for m in model_names() for s in SCHEMES} <= labels
    assert b.settings["models"] == model_names()


def test_a_seed_gives_the_same_leaderboard(small: DeuData) -> None:
    a = backtest_deu(small, models=["compromise"], seed=3, n_resamples=100).to_dict()
    b = backtest_deu(small, models=["compromise"], seed=3, n_resamples=100).to_dict()
    a.pop("timings"), b.pop("timings")
    for x in (a, b):
        for e in x["entries"]:
            e.pop("seconds")
    assert a == b


def test_all_figures_are_untuned_full_sample_by_default(small: DeuData) -> None:
    b = backtest_deu(small, models=["compromise"], n_resamples=100)
    assert all(e.sample == "full" and not e.tuned for e in b.entries)
    assert "untuned, full-sample" in b.sample_note
    assert b.settings["tuning"] == []


# -- failures ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fragile:
    """Raises on issues with five actors, gives nan on proposal n05002, else 50."""

    name: ClassVar[str] = "fragile-test-model"

    def run(self, scenario: Scenario, *, rng: SeedLike = None) -> Forecast:
        if len(scenario.actors) == 5:
            raise RuntimeError("cannot handle <five> actors")
        value = np.nan if scenario.issues[0].id.startswith("n05") else 50.0
        return make_forecast(self, scenario, np.array([value]))


def test_a_failing_model_is_recorded_not_fatal(small: DeuData,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(model_base._REGISTRY, Fragile.name, Fragile)
    b = backtest_deu(small, models=["compromise", Fragile.name], schemes=["equal"],
                     n_resamples=100)
    e = b.entry(f"{Fragile.name} [equal]")
    assert e.failures == 2
    assert e.overall.n == 1
    assert e.overall.mean == pytest.approx(10.0)  # |50 - 60| on d16003i1
    errors = {f.issue: f.error for f in b.failures if f.model == Fragile.name}
    assert errors["d99001i1"].startswith("RuntimeError: cannot handle")
    assert "nan" in errors["n05002i1"]
    assert b.entry("compromise [equal]").failures == 0
    page = render_leaderboard(b)
    assert "&lt;five&gt;" in page
    assert "<five>" not in page


def test_predict_records_forecasts_off_the_scale(small: DeuData) -> None:
    @dataclass(frozen=True)
    class Wild:
        name: ClassVar[str] = "wild"

        def run(self, scenario: Scenario, *, rng: SeedLike = None) -> Forecast:
            return make_forecast(self, scenario, np.array([150.0]))

    scenarios, bad = issue_scenarios(small.scoreable(), "equal")
    assert bad == []
    pred, failures = predict(Wild(), scenarios, small.scoreable(), scheme="equal", seed=0)
    assert np.isnan(pred).all()
    assert len(failures) == 3
    assert "off the scale" in failures[0].error


def test_unknown_models_and_schemes_are_errors(small: DeuData) -> None:
    with pytest.raises(ParleyError, match="unknown model"):
        backtest_deu(small, models=["oracle"])
    with pytest.raises(ParleyError, match="unknown capability scheme"):
        backtest_deu(small, schemes=["votes"])


# -- tuning --------------------------------------------------------------------------------

def test_a_tuned_model_is_scored_once_on_the_held_out_issues(small: DeuData) -> None:
    split = make_split(small.scoreable(), seed=0)
    spec = TuningSpec("nash", {"loss": ["quadratic", "linear"]})
    b = backtest_deu(small, models=["compromise"], schemes=["equal"], split=split,
                     tuning=[spec], n_resamples=100)
    e = b.entry("nash [equal]")
    assert e.sample == "held-out"
    assert e.tuned
    sides = [split.side(i) for i in b.issues.ids]
    assert all(np.isnan(p) == (s == "train") for p, s in zip(e.prediction, sides, strict=True))
    assert e.overall.n == sides.count("test")
    tried = {t["parameters"]["loss"]: t["train_mae"] for t in e.tuning["tried"]}
    assert e.parameters["loss"] == min(tried, key=lambda k: tried[k])
    assert "nash [equal]" in b.sample_note
    assert b.held_out
    assert b.entry("compromise [equal]").sample == "full"


def test_tuning_needs_a_split_that_lists_the_file(small: DeuData) -> None:
    with pytest.raises(ParleyError, match="split"):
        backtest_deu(small, tuning=[TuningSpec("nash", {"loss": ["linear"]})])


def test_without_tuning_a_foreign_file_is_scored_without_a_split(small: DeuData) -> None:
    b = backtest_deu(small, models=[], n_resamples=50)
    assert b.settings["split"] is None
    assert all(not e.by_split for e in b.entries)


# -- the published figures -----------------------------------------------------------------

def test_deu3_reproduces_the_published_figures(deu3: DeuData) -> None:
    """Salience-weighted mean 23.64, median of positions 28.37, Commission 37.55, reference
    point 51.31 on its 252 issues (the data set's README; Thomson et al. 2006)."""
    b = backtest_deu(deu3, models=["compromise"], schemes=["equal"], n_resamples=200)
    figures = {e.label: e.overall for e in b.entries}
    assert figures["compromise [equal]"].n == 351
    assert figures["compromise [equal]"].mean == pytest.approx(23.64, abs=0.05)
    assert figures["median-of-positions"].mean == pytest.approx(28.37, abs=0.05)
    assert figures["commission"].mean == pytest.approx(37.55, abs=0.05)
    assert figures["reference-point"].mean == pytest.approx(51.31, abs=0.05)
    assert figures["reference-point"].n == 252
    assert b.settings["split"]["committed"] is True
    assert b.settings["split"]["train"] + b.settings["split"]["test"] == 351


# -- the store and the page ----------------------------------------------------------------

def test_the_leaderboard_is_kept_as_a_backtest_run(small: DeuData) -> None:
    b = backtest_deu(small, models=["compromise"], n_resamples=100)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with RunStore(":memory:") as store:
        run = record_backtest(store, b, small, started_at=start, finished_at=start)
        back = store.get_run(run.id)
        assert back.kind == "backtest"
        assert back.model is None
        assert back.result == json.loads(json.dumps(b.to_dict()))
        assert back.seed == b.settings["seed"]
        scenario = store.get_scenario(back.scenario_hash)
        assert [i.id for i in scenario.issues] == list(b.issues.ids)


def test_the_page_is_self_contained_and_escaped() -> None:
    text = "\n".join([
        "prnr\tisnr\tintro\tcounvte\tpcom\tpde\tpfr\tscom\tsde\tsfr\trp\tout",
        "d04001\td04001i1\t14-07-04\t<script>x</script>\t100\t0\t50\t50\t100\t50\t0\t40"])
    b = backtest_deu(read_deu(text, source="a&b.tsv"), models=["compromise"],
                     schemes=["equal", "council-votes"], n_resamples=50)
    page = render_leaderboard(b, generated_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert "<script" not in page
    assert "&lt;script&gt;" in page
    assert "a&amp;b.tsv" in page
    assert "http://" not in page
    assert "https://" not in page
    assert " src=" not in page
    assert "Council Decision (EU, Euratom) 2015/2393" in page
    assert page.startswith("<!DOCTYPE html>")


def test_run_deu_backtest_stores_and_writes_the_page(tmp_path: Path) -> None:
    from parley.backtest import run_deu_backtest

    from .conftest import SMALL

    result = run_deu_backtest(SMALL, models=["compromise"], schemes=["equal"], n_resamples=50,
                              store=tmp_path / "runs.sqlite3", report=tmp_path / "lb.html")
    assert result.run is not None
    assert result.store_path == tmp_path / "runs.sqlite3"
    assert result.report_path is not None
    assert result.report_path.read_text().count("<table>")
