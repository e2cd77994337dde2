"""The deals page's document: a deal analysis plus the points its Pareto chart draws.

:func:`deals_document` runs :func:`parley.deals.analyse_deals` on the grid of packages and
adds ``chart``: the Pareto frontier of the whole grid (red lines and walk-aways ignored, so
that a closed zone still shows how far apart the parties are) and the frontier of the deals,
each as rows of utilities (one per party) and packages (one value per issue). The dashboard
draws any pair of parties from them in the browser. A frontier of many points is thinned
for the page to :data:`CHART_POINTS` rows: first every row that is undominated for some pair
of parties (the step line of that pair's chart), then evenly spaced others; ``size`` keeps
the full count.

Examples
--------
>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X", "status_quo": 50}],
...     "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 1},
...                 {"actor": "b", "issue": "x", "position": 100, "salience": 1}]})
>>> doc = deals_document(s, grid_points=3)
>>> doc["chart"]["frontier"]["packages"]
[[0.0], [50.0], [100.0]]
>>> doc["chart"]["frontier"]["utilities"]
[[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from parley.deals import Frontier, Loss, analyse_deals, grid, nondominated, pareto_frontier
from parley.deals.report import jsonable
from parley.scenario import Scenario

__all__ = ["CHART_POINTS", "chart_rows", "deals_document"]

#: Most frontier rows sent to the page per set (whole grid, deals).
CHART_POINTS = 600


def chart_rows(utilities: np.ndarray[Any, Any], limit: int = CHART_POINTS) -> list[int]:
    """Rows of a frontier worth drawing: undominated for some pair, then evenly spaced.

    Parameters
    ----------
    utilities : array (K, n)
        Utilities of the frontier's packages, one column per party.
    limit : int
        Most rows to return (the pairwise undominated rows are kept even beyond it).

    Returns
    -------
    list of int
        Row indices, in increasing order.

    Examples
    --------
    >>> u = np.array([[1.0, 0.0], [0.4, 0.4], [0.5, 0.5], [0.0, 1.0]])
    >>> chart_rows(u, limit=3)
    [0, 2, 3]
    """
    k, n = utilities.shape
    if k <= limit:
        return list(range(k))
    keep: set[int] = set()
    for a, b in combinations(range(n), 2):
        keep.update(int(i) for i in nondominated(utilities[:, [a, b]]))
    rest = [i for i in range(k) if i not in keep]
    room = limit - len(keep)
    if room > 0 and rest:
        picks = np.linspace(0, len(rest) - 1, num=min(room, len(rest))).round().astype(int)
        keep.update(rest[int(i)] for i in picks)
    return sorted(keep)


def _points(frontier: Frontier, inside: np.ndarray[Any, Any] | None) -> dict[str, Any]:
    rows = chart_rows(frontier.utilities)
    out: dict[str, Any] = {
        "size": len(frontier), "shown": len(rows),
        "utilities": np.round(frontier.utilities[rows], 6).tolist(),
        "packages": frontier.packages[rows].tolist(),
    }
    if inside is not None:
        out["inside_red_lines"] = inside[rows].tolist()
    return out


def deals_document(scenario: Scenario, *, parties: Sequence[str] | None = None,
                   loss: Loss = "linear", grid_points: int = 11, top: int = 10
                   ) -> dict[str, Any]:
    """The deal analysis of ``scenario`` as JSON, with the Pareto chart's points.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    parties, loss, grid_points, top
        As for :func:`parley.deals.analyse_deals` (package space: the grid).

    Returns
    -------
    dict
        :meth:`parley.deals.DealReport.to_dict` plus ``chart``: ``frontier`` (the whole
        grid's Pareto frontier, with ``inside_red_lines`` per row) and ``deals`` (the
        frontier of the deals), each with ``utilities`` (rows of one value per party, in
        the order of ``parties``), ``packages`` (one value per issue, in the order of
        ``issues``), ``size`` and ``shown``.
    """
    report = analyse_deals(scenario, parties=parties, loss=loss, grid_points=grid_points,
                           top=top)
    doc = report.to_dict()
    whole = pareto_frontier(report.preferences, grid(scenario, grid_points), deals_only=False)
    inside = np.asarray(report.preferences.acceptable(whole.packages).all(axis=1))
    doc["chart"] = jsonable({"frontier": _points(whole, inside),
                             "deals": _points(report.frontier, None)})
    return doc
