"""Charts of a scenario and its forecasts, drawn with matplotlib (the ``report`` extra).

The stakeholder map is the standard picture of a spatial negotiation model: each actor is a
point at its position on the issue's scale (x) and its salience (y), with marker area
proportional to its capability, the quantities that the compromise, median and Nash models
weigh (van den Bos 1991; Thomson et al. 2006; Bueno de Mesquita 1994 draws the same map
for the expected utility model). Each party's acceptable range is a thin bar at its
salience, each model's forecast a vertical line, the status quo a dotted one.

matplotlib is imported only inside the functions, so ``import parley.report`` stays light;
without it they raise :class:`~parley.errors.MissingExtraError`. No pyplot and no global
matplotlib state are used: figures are :class:`matplotlib.figure.Figure` objects drawn on
their own canvas, and any style setting is local (``matplotlib.rc_context``).

References
----------
.. [1] van den Bos, J. M. M. (1991). *Dutch EC Policy Making*. Amsterdam: Thesis.
.. [2] Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In
   *European Community Decision Making*, 71-104. Yale University Press.
.. [3] Thomson, R., Stokman, F. N., Achen, C. H. and Koenig, T. (eds.) (2006). *The
   European Union Decides*. Cambridge University Press.

Examples
--------
>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 2},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5},
...                 {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}]})
>>> svg = figure_svg(stakeholder_map(s, "x"))
>>> svg.startswith("<svg")
True
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from parley.errors import MissingExtraError
from parley.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from parley.models.base import Forecast

__all__ = ["ROLE_COLOURS", "figure_svg", "stakeholder_map", "trajectory_chart"]

#: Marker colour of each actor role.
ROLE_COLOURS = {"party": "#1f5f9e", "mediator": "#2a8c3a", "observer": "#8a8a8a"}
_FORECAST_COLOURS = ("#c0392b", "#d97a00", "#7b3fa0", "#8c564b", "#d6378f", "#138d9c")
_MAX_AREA = 900.0  # marker area (points^2) of the most capable actor
_PURPOSE = "Drawing the briefing's charts"
# local style: plain text (not math, not LaTeX) for user-supplied labels
_DRAW_RC = {"text.usetex": False}
# text as <text> elements (escaped, selectable, small), ids reproducible from content
_SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "parley"}


def _matplotlib() -> Any:
    try:
        import matplotlib
        import matplotlib.figure
    except ImportError:
        raise MissingExtraError("matplotlib", "report", _PURPOSE) from None
    return matplotlib


@contextmanager
def _style(rc: dict[str, Any]) -> Iterator[None]:
    with _matplotlib().rc_context(rc):
        yield


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def stakeholder_map(scenario: Scenario, issue_id: str,
                    forecasts: Sequence[Forecast] = ()) -> Figure:
    """Draw the stakeholder map of one issue: position x salience, area ~ capability.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    issue_id : str
        The issue to draw.
    forecasts : sequence of Forecast, optional
        Forecasts to mark, each as a vertical line labelled with its model and value
        (forecasts without a value for the issue are left out).

    Returns
    -------
    matplotlib.figure.Figure
        A new figure with one axes. Each actor with a stance on the issue is one marker
        (one scatter collection per role, colours :data:`ROLE_COLOURS`), labelled with its
        name; marker area is proportional to capability; each acceptable range is a bar
        at the actor's salience; the scale's anchor labels stand below the axis, the
        status quo (if any) is a dotted black line.

    Raises
    ------
    MissingExtraError
        If matplotlib is not installed.
    KeyError
        If the scenario has no issue ``issue_id``.
    """
    mpl = _matplotlib()
    issue = scenario.issue(issue_id)
    scale = issue.scale
    width = scale.high - scale.low
    with _style(_DRAW_RC):
        fig: Figure = mpl.figure.Figure(figsize=(8.0, 5.0), layout="constrained")
        ax = fig.add_subplot()
        ax.set_xlim(scale.low - 0.04 * width, scale.high + 0.04 * width)
        ax.set_ylim(-0.05, 1.08)
        ax.set_ylabel("salience")
        ax.grid(True, color="#e4e4e4", linewidth=0.6)
        ax.set_axisbelow(True)

        stances = [(a, st) for a in scenario.actors
                   if (st := scenario.stance(a.id, issue_id)) is not None]
        top = max((a.capability.value for a, _ in stances), default=1.0)
        for role, colour in ROLE_COLOURS.items():
            group = [(a, st) for a, st in stances if a.role == role]
            if not group:
                continue
            ax.scatter([st.position.value for _, st in group],
                       [st.salience.value for _, st in group],
                       s=[_MAX_AREA * a.capability.value / top for a, _ in group],
                       color=colour, alpha=0.55, edgecolors=colour, linewidths=1.0,
                       label=role, zorder=3)
        placed: list[tuple[float, float]] = []
        for actor, st in stances:
            x, y = st.position.value, st.salience.value
            colour = ROLE_COLOURS[actor.role]
            if st.acceptable is not None:
                ax.plot([st.acceptable.low, st.acceptable.high], [y, y], color=colour,
                        linewidth=2.0, alpha=0.45, marker="|", markersize=9, zorder=2,
                        solid_capstyle="butt")
            crowd = sum(abs(px - x) < 0.03 * width and abs(py - y) < 0.05 for px, py in placed)
            placed.append((x, y))
            ax.annotate(actor.name, (x, y), xytext=(7, 4 - 11 * crowd),
                        textcoords="offset points", fontsize=8.5, color="#222222",
                        parse_math=False, zorder=4)
        if not stances:
            ax.text(0.5, 0.5, "no stances recorded on this issue", transform=ax.transAxes,
                    ha="center", va="center", color="#666666", parse_math=False)

        _mark_lines(ax, issue.status_quo.value if issue.status_quo else None, issue_id,
                    forecasts)
        anchor_height = _anchor_labels(ax, scenario, issue_id)
        ax.set_xlabel(issue.name + (f" ({scale.unit})" if scale.unit else ""),
                      labelpad=6.0 + anchor_height, parse_math=False)
        _legend(ax, stances)
    return fig


def trajectory_chart(scenario: Scenario, issue_id: str, forecast: Forecast) -> Figure:
    """Draw a dynamic model's round-by-round positions on one issue.

    One thin line per actor (colour by role), and the capability x salience weighted
    median per round as a thick black line (see :func:`parley.report.round_medians`).

    Raises
    ------
    ValueError
        If ``forecast`` has no history (a static model).
    MissingExtraError
        If matplotlib is not installed.
    """
    from parley.report.trajectory import round_medians

    if forecast.history is None:
        raise ValueError(f"model {forecast.model!r} has no round-by-round history to draw")
    mpl = _matplotlib()
    issue = scenario.issue(issue_id)
    j = forecast.issue_ids.index(issue_id)
    history = forecast.history[:, :, j]
    rounds = range(history.shape[0])
    with _style(_DRAW_RC):
        fig: Figure = mpl.figure.Figure(figsize=(8.0, 3.6), layout="constrained")
        ax = fig.add_subplot()
        for i, actor_id in enumerate(forecast.actor_ids):
            if scenario.stance(actor_id, issue_id) is None:
                continue
            actor = scenario.actor(actor_id)
            ax.plot(rounds, history[:, i], color=ROLE_COLOURS[actor.role], alpha=0.6,
                    linewidth=1.2, marker="o", markersize=3)
            ax.annotate(actor.name, (rounds[-1], history[-1, i]), xytext=(4, 0),
                        textcoords="offset points", fontsize=8, va="center",
                        parse_math=False)
        ax.plot(rounds, round_medians(scenario, forecast)[issue_id], color="black",
                linewidth=2.5, label="weighted median")
        ax.set_ylim(issue.scale.low, issue.scale.high)
        ax.set_xlabel("round")
        ax.set_ylabel(issue.scale.unit or "position")
        ax.set_title(f"{forecast.model}: {issue.name}", fontsize=10, loc="left")
        ax.grid(True, color="#e4e4e4", linewidth=0.6)
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def _mark_lines(ax: Axes, status_quo: float | None, issue_id: str,
                forecasts: Sequence[Forecast]) -> None:
    """Vertical lines for the status quo and each forecast, labelled above the axes."""
    marks: list[tuple[str, float, str, str]] = []
    if status_quo is not None:
        marks.append(("status quo", status_quo, "#000000", ":"))
    for k, forecast in enumerate(forecasts):
        if issue_id not in forecast.issue_ids:
            continue
        value = forecast[issue_id]
        if math.isnan(value):
            continue
        marks.append((forecast.model, value, _FORECAST_COLOURS[k % len(_FORECAST_COLOURS)],
                      "--"))
    # one row of labels per line, so that close values never print over each other
    for row, (name, value, colour, style) in enumerate(marks):
        ax.axvline(value, color=colour, linestyle=style, linewidth=1.4, zorder=1)
        ax.annotate(f"{name} {_fmt(value)}", xy=(value, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(0, 3 + 11 * row),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8,
                    color=colour, annotation_clip=False, parse_math=False)


def _anchor_labels(ax: Axes, scenario: Scenario, issue_id: str) -> float:
    """Write the scale's anchor labels below the tick labels; return their height (pt)."""
    scale = scenario.issue(issue_id).scale
    if not scale.anchors:
        return 0.0
    width = scale.high - scale.low
    ax.set_xticks([a.value for a in scale.anchors], minor=True)
    ax.tick_params(axis="x", which="minor", direction="in", length=7, width=1.0,
                   color="#777777")
    texts = [textwrap.fill(a.label, 24) for a in scale.anchors]
    line_h = 9.0
    row_h = line_h * max(t.count("\n") + 1 for t in texts) + 3.0
    rows_right_edge: list[float] = []  # last x used in each row
    n_rows = 0
    for anchor, text in sorted(zip(scale.anchors, texts, strict=True),
                               key=lambda p: p[0].value):
        frac = (anchor.value - scale.low) / width if width else 0.5
        ha = "left" if frac <= 0.05 else "right" if frac >= 0.95 else "center"
        row = next((r for r, edge in enumerate(rows_right_edge)
                    if anchor.value - edge > 0.28 * width), len(rows_right_edge))
        if row == len(rows_right_edge):
            rows_right_edge.append(anchor.value)
        else:
            rows_right_edge[row] = anchor.value
        n_rows = max(n_rows, row + 1)
        ax.annotate(text, xy=(anchor.value, 0.0), xycoords=("data", "axes fraction"),
                    xytext=(0, -20 - row_h * row), textcoords="offset points", ha=ha,
                    va="top", multialignment=ha, fontsize=7.5, color="#555555",
                    annotation_clip=False, parse_math=False)
    return row_h * n_rows


def _legend(ax: Axes, stances: Sequence[tuple[Any, Any]]) -> None:
    from matplotlib.lines import Line2D

    roles = [r for r in ROLE_COLOURS if any(a.role == r for a, _ in stances)]
    handles = [Line2D([], [], marker="o", linestyle="", markersize=7, alpha=0.6,
                      color=ROLE_COLOURS[r], label=r) for r in roles]
    if any(st.acceptable is not None for _, st in stances):
        handles.append(Line2D([], [], color="#555555", linewidth=2.0, alpha=0.5, marker="|",
                              markersize=8, label="acceptable range"))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize=8, frameon=False, title="area ~ capability", title_fontsize=8)


def figure_svg(fig: Figure, *, id_prefix: str = "") -> str:
    """Render a figure as inline SVG text for embedding in HTML.

    The XML prolog, the DOCTYPE and the metadata block are left out; text stays text
    (``svg.fonttype: none``, XML-escaped by matplotlib) and element ids are derived from
    content, so the same figure gives the same SVG. Settings apply to this call only.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (it need not belong to pyplot).
    id_prefix : str, optional
        Put before every element id (and every reference to one), so that several figures
        embedded in one HTML page keep their ids unique. Letters, digits, ``-`` and ``_``.

    Returns
    -------
    str
        The ``<svg ...>...</svg>`` element.
    """
    if not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(f"id_prefix may hold only letters, digits, '-' and '_'; "
                         f"got {id_prefix!r}")
    buf = io.BytesIO()
    with _style(_SVG_RC):
        fig.savefig(buf, format="svg",
                    metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buf.getvalue().decode("utf-8")
    text = text[text.find("<svg"):].strip()
    if id_prefix:
        # matplotlib escapes '<', '>' and '"' in text and attribute values, so a tag is
        # exactly '<' ... '>', and ids occur only in id="..", href="#.." and url(#..)
        text = _TAG.sub(lambda m: _prefix_ids(m.group(0), id_prefix), text)
    return text


_ID_PREFIX = re.compile(r"[A-Za-z0-9_-]*")
_TAG = re.compile(r"<[^<>]*>")
_ID_REF = re.compile(r'(\bid="|href="#|url\(#)')


def _prefix_ids(tag: str, prefix: str) -> str:
    return _ID_REF.sub(lambda m: m.group(1) + prefix, tag)
