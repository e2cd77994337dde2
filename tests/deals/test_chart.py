"""The Pareto chart: what it draws, and a clear error without matplotlib."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from parley.deals.chart import pareto_chart
from parley.deals.pareto import pareto_frontier
from parley.deals.report import analyse_deals
from parley.deals.space import grid
from parley.deals.utility import preferences
from parley.errors import MissingExtraError, ParleyError
from tests.deals.helpers import build

pytest.importorskip("matplotlib", reason="the chart needs matplotlib (parley[report])")


def scenario():  # type: ignore[no-untyped-def]
    return build([[0.0, 0.0], [100.0, 100.0], [50.0, 20.0]],
                 [[0.8, 0.2], [0.2, 0.8], [0.5, 0.5]], ids=["a", "b", "c"],
                 status_quo=[50.0, 50.0])


def test_chart_plots_the_frontier_projection_and_the_solutions() -> None:
    report = analyse_deals(scenario())
    fig = pareto_chart(report, "a", "b")
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("utility of a", "utility of b")
    assert ax.get_title() == "Deals for a and b"
    frontier_points = ax.collections[0].get_offsets()
    expected = report.frontier.utilities[:, :2]
    assert np.allclose(np.asarray(frontier_points), expected)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"Nash", "Kalai-Smorodinsky", "egalitarian"} <= set(labels)


def test_chart_accepts_a_frontier_and_an_empty_one() -> None:
    s = scenario()
    fig = pareto_chart(pareto_frontier(preferences(s), grid(s, 5)), "c", "a", title="t")
    assert fig.axes[0].get_title() == "t"
    closed = build([[0.0], [100.0]], [[1.0], [1.0]], ranges=[[(0.0, 20.0)], [(30.0, 100.0)]])
    empty = pareto_chart(analyse_deals(closed), "p0", "p1")
    assert "no deal" in empty.axes[0].texts[0].get_text()


def test_unknown_party_is_a_parley_error() -> None:
    with pytest.raises(ParleyError, match="no party 'z'"):
        pareto_chart(analyse_deals(scenario()), "a", "z")


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r"parley\[report\]"):
        pareto_chart(analyse_deals(scenario()), "a", "b")


def test_importing_parley_deals_does_not_import_matplotlib() -> None:
    import subprocess

    code = "import sys, parley.deals; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
