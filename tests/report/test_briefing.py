"""The HTML briefing, its stakeholder map and the per-issue forecast rows.

The scenario used throughout (``_talks``), worked by hand:

* actors A (party, capability 2), B (party, capability 1), M (mediator, capability 3) and
  O (observer, capability 1, no stance on ``x``);
* issue ``x`` on 0-100, anchors 0 "none", 50 "half", 100 "all", status quo 30;
* stances on ``x``: A at 20, salience 0.5, accepts [0, 40]; B at 80, salience 1, accepts
  [45, 100]; M at 10, salience 0.5, no range.

Weights c x s are A 1, B 1, M 1.5 (total 3.5), so

* compromise = (1*20 + 1*80 + 1.5*10) / 3.5 = 115 / 3.5 = 32.857...: inside A's [0, 40],
  below B's [45, 100]; nearest anchor "half" (|32.86 - 50| = 17.1 < 32.86);
* weighted median: sorted 10 (1.5), 20 (1), 80 (1); the cumulative weight first reaches
  3.5 / 2 = 1.75 at 20, so 20: inside A's range, below B's; nearest anchor "none";
* Nash with the status quo 30 as threat point: ideal points lie on both sides of 30
  (10 and 20 below, 80 above), so no move from 30 helps everyone and the outcome is 30
  (Nash 1950; module docstring of parley.models.nash): inside A's, below B's; nearest
  anchor "half" (20 < 30).

The spread of the parties on ``x`` is 80 - 20 = 60; M at 10 is a mediator and does not
count (with it the spread would be 70).

Issue ``y``: only B has a stance (at 70, no range): spread 0, every verdict ``None``.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from parley.errors import MissingExtraError
from parley.models import Compromise, Forecast, NashBargaining, WeightedMedian
from parley.report import (
    figure_svg,
    forecast_rows,
    model_labels,
    render_briefing,
    stakeholder_map,
    verdict,
    write_briefing,
)
from parley.scenario import Range, Scenario

XSS = "<script>alert(1)</script>"
STAMP = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _talks(observer_name: str = "O", **extra: Any) -> Scenario:
    data: dict[str, Any] = {
        "name": "talks",
        "title": "Talks",
        "sources": [{"id": "art", "kind": "article", "title": "Talks resume",
                     "url": "https://example.org/article"}],
        "actors": [
            {"id": "a", "name": "Alpha", "capability": 2},
            {"id": "b", "name": "Beta", "capability": 1},
            {"id": "m", "name": "Mediator", "role": "mediator", "capability": 3},
            {"id": "o", "name": observer_name, "role": "observer", "capability": 1},
        ],
        "issues": [
            {"id": "x", "name": "Territory", "description": "Who holds the line.",
             "status_quo": 30,
             "scale": {"anchors": [{"value": 0, "label": "none"},
                                   {"value": 50, "label": "half"},
                                   {"value": 100, "label": "all"}]}},
            {"id": "y", "name": "Sanctions"},
        ],
        "stances": [
            {"actor": "a", "issue": "x", "salience": 0.5,
             "position": {"value": 20, "evidence": [{"source": "art",
                                                     "quote": "we hold at twenty"}]},
             "acceptable": {"low": 0, "high": 40}},
            {"actor": "b", "issue": "x", "position": 80, "salience": 1.0,
             "acceptable": {"low": 45, "high": 100}},
            {"actor": "m", "issue": "x", "position": 10, "salience": 0.5},
            {"actor": "b", "issue": "y", "position": 70, "salience": 0.8},
            {"actor": "o", "issue": "y", "position": 40, "salience": 0.3},
        ],
    }
    data.update(extra)
    return Scenario.model_validate(data)


def _forecasts(scenario: Scenario) -> list[Forecast]:
    return [Compromise().run(scenario), WeightedMedian().run(scenario),
            NashBargaining().run(scenario)]


def _xy(line: Any) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A Line2D's data as plain floats."""
    return (tuple(np.asarray(line.get_xdata(), dtype=float).tolist()),
            tuple(np.asarray(line.get_ydata(), dtype=float).tolist()))


def _offsets(collection: Any) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in np.asarray(collection.get_offsets(), dtype=float)]


def _svgs(document: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", document, flags=re.S)


class _Tags(HTMLParser):
    """Every start tag of a document, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(document: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(document)
    return parser.tags


# ------------------------------------------------------------------------------------------
# forecast_rows
# ------------------------------------------------------------------------------------------

def test_forecast_rows_match_the_hand_worked_example() -> None:
    s = _talks()
    x, y = forecast_rows(s, _forecasts(s))
    assert x["id"] == "x"
    assert x["name"] == "Territory"
    assert x["status_quo"] == 30.0
    assert x["models"]["compromise"]["value"] == pytest.approx(115 / 3.5)
    assert x["models"]["compromise"]["label"] == "half"
    assert x["models"]["weighted-median"] == {"value": pytest.approx(20.0), "label": "none"}
    assert x["models"]["nash"]["value"] == pytest.approx(30.0, abs=1e-6)
    assert x["models"]["nash"]["label"] == "half"
    assert x["spread"] == pytest.approx(60.0)
    assert x["verdicts"] == {
        "a": {"compromise": "inside", "weighted-median": "inside", "nash": "inside"},
        "b": {"compromise": "below", "weighted-median": "below", "nash": "below"},
    }
    assert y["spread"] == 0.0
    assert y["status_quo"] is None
    assert all(v is None for per in y["verdicts"].values() for v in per.values())
    assert all(cell["label"] == "" for cell in y["models"].values())


def test_a_forecast_beyond_the_top_of_a_range_is_above_it() -> None:
    """A (capability 2, salience 0.5) at 20 accepting [0, 40], B (1, 1) at 80: weights 1 and
    1, compromise (20 + 80) / 2 = 50 > 40, so "above" for A; B has no range."""
    s = Scenario.model_validate({
        "name": "toy",
        "actors": [{"id": "a", "name": "A", "capability": 2},
                   {"id": "b", "name": "B", "capability": 1}],
        "issues": [{"id": "x", "name": "X"}],
        "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5,
                     "acceptable": {"low": 0, "high": 40}},
                    {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}]})
    (row,) = forecast_rows(s, [Compromise().run(s)])
    assert row["models"]["compromise"]["value"] == pytest.approx(50.0)
    assert row["verdicts"] == {"a": {"compromise": "above"}, "b": {"compromise": None}}
    assert row["spread"] == pytest.approx(60.0)


@pytest.mark.parametrize(("value", "expected"), [
    (-0.1, "below"), (0.0, "inside"), (25.0, "inside"), (40.0, "inside"), (40.1, "above"),
    (None, None), (math.nan, None),
])
def test_verdict_places_a_value_against_a_closed_range(value: float | None,
                                                       expected: str | None) -> None:
    assert verdict(value, Range(low=0, high=40)) == expected


def test_verdict_without_a_range_is_none() -> None:
    assert verdict(50.0, None) is None


def test_forecast_rows_are_json_ready() -> None:
    s = _talks()
    rows = forecast_rows(s, _forecasts(s))
    assert json.loads(json.dumps(rows, allow_nan=False)) == rows


def test_a_forecast_lacking_an_issue_gives_no_value_and_no_verdict() -> None:
    s = _talks()
    only_x = s.replace(issues=[s.issues[0]], stances=[st for st in s.stances if st.issue == "x"])
    (x, y) = forecast_rows(s, [Compromise().run(only_x)])
    assert x["models"]["compromise"]["value"] == pytest.approx(115 / 3.5)
    assert y["models"]["compromise"] == {"value": None, "label": ""}
    assert y["verdicts"]["b"] == {"compromise": None}


def test_repeated_models_get_distinct_labels() -> None:
    s = _talks()
    forecasts = [NashBargaining().run(s), NashBargaining(loss="linear").run(s)]
    assert model_labels(forecasts) == ["nash", "nash#2"]
    (x, _) = forecast_rows(s, forecasts)
    assert list(x["models"]) == ["nash", "nash#2"]


def test_forecast_rows_need_no_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    s = _talks()
    assert len(forecast_rows(s, _forecasts(s))) == 2


# ------------------------------------------------------------------------------------------
# the stakeholder map
# ------------------------------------------------------------------------------------------

def test_the_map_has_one_marker_per_actor_with_a_stance_sized_by_capability() -> None:
    from matplotlib.collections import PathCollection

    s = _talks()
    fig = stakeholder_map(s, "x", _forecasts(s))
    (ax,) = fig.axes
    markers: dict[tuple[float, float], float] = {}
    roles = set()
    for coll in ax.collections:
        if isinstance(coll, PathCollection):
            roles.add(coll.get_label())
            for xy, size in zip(_offsets(coll), coll.get_sizes(), strict=True):
                markers[xy] = float(size)
    # A, B, M have stances on x; O has none
    assert sorted(markers) == [(10.0, 0.5), (20.0, 0.5), (80.0, 1.0)]
    assert roles == {"party", "mediator"}
    # area ~ capability: M 3, A 2, B 1
    assert markers[(20.0, 0.5)] / markers[(80.0, 1.0)] == pytest.approx(2.0)
    assert markers[(10.0, 0.5)] / markers[(80.0, 1.0)] == pytest.approx(3.0)
    texts = {t.get_text() for t in ax.texts}
    assert {"Alpha", "Beta", "Mediator"} <= texts
    assert "O" not in texts
    # forecasts and the status quo, labelled with the hand-worked values
    assert {"compromise 32.86", "weighted-median 20", "nash 30", "status quo 30"} <= texts
    assert {"none", "half", "all"} <= texts
    vertical = sorted(xs[0] for xs, _ in map(_xy, ax.lines) if len(xs) == 2 and len(set(xs)) == 1)
    assert vertical == pytest.approx(sorted([115 / 3.5, 20.0, 30.0, 30.0]), abs=1e-6)


def test_the_map_draws_each_acceptable_range_at_its_salience() -> None:
    s = _talks()
    (ax,) = stakeholder_map(s, "x").axes
    bars = sorted((xs, ys) for xs, ys in map(_xy, ax.lines)
                  if len(set(ys)) == 1 and len(set(xs)) == 2)
    assert bars == [((0.0, 40.0), (0.5, 0.5)), ((45.0, 100.0), (1.0, 1.0))]


def test_the_map_of_an_issue_with_one_stance_has_one_marker() -> None:
    s = _talks()
    (ax,) = stakeholder_map(s, "y").axes
    offsets = [xy for c in ax.collections for xy in _offsets(c)]
    assert sorted(offsets) == [(40.0, 0.3), (70.0, 0.8)]


def test_an_unknown_issue_is_a_key_error_naming_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known"):
        stakeholder_map(_talks(), "nope")


def test_figure_svg_is_a_bare_svg_element_with_unique_prefixed_ids() -> None:
    svg = figure_svg(stakeholder_map(_talks(), "x"), id_prefix="p1-")
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg
    assert "DOCTYPE" not in svg
    assert "<metadata" not in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids
    assert all(i.startswith("p1-") for i in ids)
    refs = re.findall(r'(?:href="#|url\(#)([^")]+)', svg)
    assert set(refs) <= set(ids)


def test_figure_svg_rejects_an_unsafe_prefix() -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        figure_svg(stakeholder_map(_talks(), "x"), id_prefix='"><x')


def test_drawing_leaves_global_matplotlib_settings_alone() -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    figure_svg(stakeholder_map(_talks(), "x"))
    assert dict(matplotlib.rcParams) == before


def test_drawing_without_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"parley\[report\]"):
        stakeholder_map(_talks(), "x")
    with pytest.raises(MissingExtraError, match="matplotlib"):
        render_briefing(_talks(), [])


# ------------------------------------------------------------------------------------------
# the HTML document
# ------------------------------------------------------------------------------------------

def test_the_briefing_references_nothing_outside_itself() -> None:
    s = _talks()
    doc = render_briefing(s, _forecasts(s), generated_at=STAMP)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)""", doc,
                         flags=re.I)
    assert "@import" not in doc
    assert not re.search(r"""url\(\s*(?!["']?#)""", doc)
    tags = _tags(doc)
    assert not [t for t, _ in tags if t in ("script", "link", "img", "iframe", "object")]
    for _, attrs in tags:
        for name in ("href", "src", "xlink:href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (name, value)
    # the source's URL is shown as text, not followed
    assert "https://example.org/article" in doc


def test_every_user_string_is_escaped_in_the_page_and_in_the_svg() -> None:
    s = _talks(observer_name=XSS, title=f"Title {XSS}", description=f"About {XSS}")
    s = s.replace(sources=[{"id": "art", "title": XSS, "url": "javascript:alert(1)"}])
    doc = render_briefing(s, _forecasts(s), title=None, generated_at=STAMP)
    assert "<script" not in doc.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert not [t for t, _ in _tags(doc) if t == "script"]
    # O has a stance on y: its name is a label in that map, escaped by matplotlib
    (_, svg_y) = _svgs(doc)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg_y


def test_the_briefing_has_every_issue_section_and_every_actor() -> None:
    s = _talks()
    doc = render_briefing(s, _forecasts(s), generated_at=STAMP)
    for issue in s.issues:
        assert f'<section class="issue" id="issue-{issue.id}">' in doc
        assert f'href="#issue-{issue.id}"' in doc
        assert issue.name in doc
    for actor in s.actors:
        assert f"<td>{actor.name}</td>" in doc
    assert len(_svgs(doc)) == len(s.issues)
    assert "Who holds the line." in doc
    assert "&ldquo;we hold at twenty&rdquo; [<code>art</code>]" in doc
    assert '<section id="sources">' in doc
    # header: hash prefix, version, time stamp
    assert s.content_hash()[:12] in doc
    assert "2026-03-01T12:00:00+00:00" in doc
    assert "parley " in doc


def test_the_forecast_table_shows_the_hand_worked_values_and_verdicts() -> None:
    s = _talks()
    doc = render_briefing(s, _forecasts(s), generated_at=STAMP)
    table = doc[doc.index('<section id="forecast">'):doc.index('<section class="issue"')]
    assert '32.86<span class="anchor">half</span>' in table
    assert '20<span class="anchor">none</span>' in table
    assert '<td class="num">60</td>' in table  # spread on x
    assert 'Alpha: <span class="inside">inside</span>' in table
    assert 'Beta: <span class="below">below</span>' in table


def test_ids_are_unique_across_the_embedded_charts() -> None:
    s = _talks()
    doc = render_briefing(s, _forecasts(s), generated_at=STAMP)
    ids = re.findall(r'\bid="([^"]+)"', doc)
    assert len(ids) == len(set(ids))


def test_the_same_inputs_give_the_same_document() -> None:
    s = _talks()
    forecasts = _forecasts(s)
    assert (render_briefing(s, forecasts, generated_at=STAMP)
            == render_briefing(s, forecasts, generated_at=STAMP))


def test_a_forecast_of_another_version_of_the_scenario_is_flagged() -> None:
    s = _talks()
    other = s.replace(title="Talks, revised")
    doc = render_briefing(s, [Compromise().run(other)], generated_at=STAMP)
    assert "different version of this scenario" in doc
    assert "different version" not in render_briefing(s, [Compromise().run(s)],
                                                       generated_at=STAMP)


def test_write_briefing_writes_the_rendered_document(tmp_path: Path) -> None:
    s = _talks()
    forecasts = _forecasts(s)
    target = tmp_path / "out" / "briefing.html"
    written = write_briefing(s, forecasts, target, title="My title", generated_at=STAMP)
    assert written == target
    text = target.read_text(encoding="utf-8")
    assert text == render_briefing(s, forecasts, title="My title", generated_at=STAMP)
    assert "<title>My title</title>" in text


# ------------------------------------------------------------------------------------------
# imports
# ------------------------------------------------------------------------------------------

def _python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return proc.stdout.strip()


def test_importing_parley_report_does_not_import_matplotlib() -> None:
    assert _python("import parley.report, sys; print('matplotlib' in sys.modules)") == "False"


def test_rendering_never_imports_pyplot() -> None:
    code = ("import sys\n"
            "from parley.scenario import Scenario\n"
            "from parley.report import render_briefing\n"
            "s = Scenario.model_validate({'name': 't', "
            "'actors': [{'id': 'a', 'name': 'A', 'capability': 1}], "
            "'issues': [{'id': 'x', 'name': 'X'}], "
            "'stances': [{'actor': 'a', 'issue': 'x', 'position': 5, 'salience': 1}]})\n"
            "render_briefing(s, [])\n"
            "print('matplotlib.figure' in sys.modules, 'matplotlib.pyplot' in sys.modules)")
    assert _python(code) == "True False"
