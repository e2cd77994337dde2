"""Summaries against hand computations on a few draws."""

from __future__ import annotations

import math

import numpy as np

from parley.ensemble.summary import RedLines, distribution, summarise
from tests.ensemble.helpers import toy


def test_distribution_of_five_draws_by_hand() -> None:
    # draws 10, 20, 30, 40, 100 on 0..100: mean 40; s.d. sqrt(sum of squared deviations / 4)
    # = sqrt((900 + 400 + 100 + 0 + 3600) / 4) = sqrt(1250); median 30; the 25 % quantile
    # (linear interpolation at position 0.25 * 4 = 1) is 20
    d = distribution(np.array([10.0, 20.0, 30.0, 40.0, 100.0, np.nan]), 0.0, 100.0,
                     quantiles=(0.25, 0.5), bins=4)
    assert d["n"] == 5
    assert d["mean"] == 40.0
    assert math.isclose(d["sd"], math.sqrt(1250))
    assert d["quantiles"] == {"0.25": 20.0, "0.5": 30.0}
    # bins [0,25) [25,50) [50,75) [75,100]: 10, 20 | 30, 40 | - | 100
    assert d["histogram"]["counts"] == [2, 2, 0, 1]


def test_agreement_probability_is_the_share_of_draws_inside_every_red_line() -> None:
    red = RedLines.from_scenario(toy())  # a: [0, 60], b: [40, 100]
    out = np.array([[30.0], [40.0], [50.0], [60.0], [70.0]])
    doc = summarise(out, ("x",), np.array([0.0]), np.array([100.0]), red)["issues"]["x"]
    # inside [40, 60]: 40, 50, 60 -> 3 of 5; a accepts 30..60 (4), b accepts 40..70 (4)
    assert doc["acceptable_to_all"] == 0.6
    assert math.isclose(doc["acceptable_to_all_se"], math.sqrt(0.6 * 0.4 / 5))
    assert doc["acceptable_to"] == {"a": 0.8, "b": 0.8}
    assert doc["zone"] == [40.0, 60.0]


def test_issues_without_red_lines_have_no_agreement_probability() -> None:
    s = toy(second_issue=True)  # red lines on x only
    red = RedLines.from_scenario(s)
    out = np.array([[50.0, 10.0], [70.0, 20.0]])
    doc = summarise(out, ("x", "y"), np.array([0.0, 0.0]), np.array([100.0, 100.0]), red)
    assert doc["issues"]["y"]["acceptable_to_all"] is None
    assert doc["issues"]["y"]["acceptable_to"] == {}
    # every issue at once is judged on the constrained issues only: 1 of 2 draws
    assert doc["acceptable_to_all_on_every_issue"] == 0.5


def test_disjoint_red_lines_have_no_zone_and_probability_zero() -> None:
    red = RedLines(("a", "b"), np.array([[0.0], [70.0]]), np.array([[50.0], [100.0]]),
                   np.array([[True], [True]]))
    doc = summarise(np.array([[55.0], [60.0]]), ("x",), np.array([0.0]), np.array([100.0]),
                    red)["issues"]["x"]
    assert doc["zone"] is None
    assert doc["acceptable_to_all"] == 0.0


def test_a_missing_outcome_is_never_acceptable() -> None:
    red = RedLines.from_scenario(toy())
    doc = summarise(np.array([[np.nan], [50.0]]), ("x",), np.array([0.0]),
                    np.array([100.0]), red)
    assert doc["issues"]["x"]["acceptable_to_all"] == 0.5
    assert doc["issues"]["x"]["distribution"]["n"] == 1
