"""The Pareto chart: deals for a chosen pair of parties, in their utilities.

Each frontier deal is a point at (utility of party A, utility of party B). With more than
two parties these are projections of the many-party frontier; the step line joins the
points that are also undominated for the two parties alone. Dashed lines mark the two
walk-away utilities (a deal lies above and to the right of both); markers show the Nash,
Kalai-Smorodinsky and egalitarian points of the whole frontier when a
:class:`~parley.deals.report.DealReport` is given, and the line from the disagreement point
to the two parties' ideal point on which the Kalai-Smorodinsky point lies for two parties
(Kalai & Smorodinsky 1975).

matplotlib is imported only inside :func:`pareto_chart`; without it the function raises
:class:`~parley.errors.MissingExtraError`. No pyplot and no global state: the result is a
:class:`matplotlib.figure.Figure` on its own canvas.

References
----------
.. [1] Kalai, E. and Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
   *Econometrica* 43(3), 513-518.
.. [2] Raiffa, H. (1982). *The Art and Science of Negotiation*. Cambridge, MA: Harvard
   University Press (the "efficient frontier" charts of ch. 10 and 11).

Examples
--------
>>> from parley.scenario import Scenario
>>> from parley.deals.report import analyse_deals
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X", "status_quo": 50}],
...     "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 1},
...                 {"actor": "b", "issue": "x", "position": 100, "salience": 1}]})
>>> fig = pareto_chart(analyse_deals(s), "a", "b")
>>> fig.axes[0].get_xlabel()
'utility of a'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from parley.deals.pareto import Frontier, nondominated
from parley.errors import MissingExtraError, ParleyError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from parley.deals.report import DealReport

__all__ = ["pareto_chart"]

_MARKERS = {"nash": ("*", "#c0392b", "Nash"),
            "kalai_smorodinsky": ("D", "#d97a00", "Kalai-Smorodinsky"),
            "egalitarian": ("s", "#7b3fa0", "egalitarian")}


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("matplotlib", "report", "Drawing the Pareto chart") from None
    return Figure


def pareto_chart(source: DealReport | Frontier, party_a: str, party_b: str, *,
                 title: str | None = None) -> Figure:
    """Draw the deals of a report (or a frontier) for two parties.

    Parameters
    ----------
    source : DealReport or Frontier
        What to draw; a report adds the bargaining solutions.
    party_a, party_b : str
        The parties on the x and y axes.
    title : str, optional
        Figure title (default: ``Deals for <a> and <b>``).

    Raises
    ------
    ParleyError
        If a party is not among the frontier's parties.
    MissingExtraError
        If matplotlib is not installed.
    """
    frontier = source if isinstance(source, Frontier) else source.frontier
    ids = frontier.actor_ids
    for p in (party_a, party_b):
        if p not in ids:
            raise ParleyError(f"no party {p!r} in the deal analysis; parties: {', '.join(ids)}")
    a, b = ids.index(party_a), ids.index(party_b)
    figure_class = _figure_class()
    fig: Figure = figure_class(figsize=(6.0, 5.0))
    ax = fig.add_subplot()
    u = frontier.utilities[:, [a, b]]
    d = frontier.reservation[[a, b]]
    if u.shape[0]:
        ax.scatter(u[:, 0], u[:, 1], s=12, color="#9aa5b1", label="frontier deals")
        pair = u[nondominated(u)]
        pair = pair[np.lexsort([-pair[:, 1], pair[:, 0]])]
        ax.step(pair[:, 0], pair[:, 1], where="post", color="#1f5f9e", linewidth=1.5,
                label=f"undominated for {party_a} and {party_b}")
        ideal = u.max(axis=0)
        ax.plot([d[0], ideal[0]], [d[1], ideal[1]], color="#8a8a8a", linewidth=0.8,
                linestyle=":", label="disagreement to ideal point")
    else:
        ax.text(0.5, 0.5, "no deal: no package is acceptable to every party",
                ha="center", va="center", transform=ax.transAxes)
    ax.axvline(d[0], color="#555555", linestyle="--", linewidth=0.8)
    ax.axhline(d[1], color="#555555", linestyle="--", linewidth=0.8)
    if not isinstance(source, Frontier):
        for name, point in source.solutions.items():
            if point is None:
                continue
            marker, colour, label = _MARKERS[name]
            ax.scatter([point.utilities[a]], [point.utilities[b]], marker=marker, s=90,
                       color=colour, edgecolor="black", linewidth=0.5, zorder=3, label=label)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel(f"utility of {party_a}")
    ax.set_ylabel(f"utility of {party_b}")
    ax.set_title(title or f"Deals for {party_a} and {party_b}")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower left", fontsize="small", frameon=False)
    return fig
