"""Bootstrap summaries: the counting shortcut against direct resampling, and seeding."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.backtest.stats import Resampler, Resamples, resample_indices, summarise_errors


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=40),
       st.integers(0, 2**32 - 1))
def test_counting_shortcut_equals_direct_resampling(errors: list[float], seed: int) -> None:
    e = np.sort(np.array(errors))
    idx = resample_indices(len(e), 64, np.random.default_rng(seed))
    means, medians = Resamples.from_indices(idx).statistics(e)
    np.testing.assert_allclose(means, e[idx].mean(axis=1), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(medians, np.median(e[idx], axis=1))


def test_interval_is_the_percentile_of_the_direct_bootstrap() -> None:
    e = np.array([3.0, 9.0, 1.0, 40.0, 12.0, 7.0, 0.0, 25.0])
    idx = resample_indices(e.size, 999, np.random.default_rng(11))
    summary = Resamples.from_indices(idx).summarise(e, level=0.9)
    direct = np.sort(e)[idx]
    assert summary.mean_ci == pytest.approx(tuple(np.quantile(direct.mean(1), [0.05, 0.95])))
    assert summary.median_ci == pytest.approx(
        tuple(np.quantile(np.median(direct, 1), [0.05, 0.95])))
    # point figures by hand: sum 97 / 8; sorted 0 1 3 7 9 12 25 40 -> median (7 + 9) / 2
    assert (summary.n, summary.mean, summary.median) == (8, 97 / 8, 8.0)


def test_missing_errors_are_left_out() -> None:
    s = summarise_errors([np.nan, 2.0, 4.0, np.nan], n_resamples=100)
    assert (s.n, s.mean, s.median) == (2, 3.0, 3.0)
    assert summarise_errors([np.nan]).n == 0


def test_the_same_seed_gives_the_same_interval_and_another_seed_another() -> None:
    e = np.random.default_rng(0).uniform(0, 60, 200)
    a = summarise_errors(e, seed=5)
    assert summarise_errors(e, seed=5) == a
    assert summarise_errors(e, seed=6).mean_ci != a.mean_ci


def test_groups_of_the_same_size_share_resamples_whatever_the_order() -> None:
    r1, r2 = Resampler(3, 50), Resampler(3, 50)
    r1.resamples("a", 10)
    first = r1.resamples("b", 10)
    np.testing.assert_array_equal(first.counts, r2.resamples("b", 10).counts)
    assert r1.resamples("b", 10) is first


def test_a_wider_level_gives_a_wider_interval() -> None:
    e = np.random.default_rng(1).uniform(0, 60, 100)
    narrow, wide = summarise_errors(e, level=0.5), summarise_errors(e, level=0.99)
    assert narrow.mean_ci is not None
    assert wide.mean_ci is not None
    assert wide.mean_ci[0] < narrow.mean_ci[0] < narrow.mean_ci[1] < wide.mean_ci[1]


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5])
def test_a_level_outside_the_unit_interval_is_refused(level: float) -> None:
    with pytest.raises(ValueError, match="level"):
        summarise_errors([1.0], level=level)
