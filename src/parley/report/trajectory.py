"""Round-by-round summaries of dynamic models' histories (no plotting dependency).

A dynamic model's :class:`~parley.models.base.Forecast` carries ``history``: every actor's
position per round, shape ``(rounds + 1, n, m)``. :func:`round_medians` reduces it to the
capability x salience weighted median per round and issue, the trajectory that the
terminal table and the briefing's charts show.
"""

from __future__ import annotations

import numpy as np

from parley.arrays import array_view
from parley.models.base import Forecast
from parley.models.median import weighted_median
from parley.scenario import Scenario

__all__ = ["round_medians"]


def round_medians(scenario: Scenario, forecast: Forecast) -> dict[str, list[float]]:
    """Weighted median position per round, per issue (empty if the model has no history).

    Weights are capability x salience from the scenario, matched to the history's actors by
    id; actors without a stance on an issue are left out of its median.

    Examples
    --------
    >>> from parley.io import load
    >>> from parley.models import get_model
    >>> s = load("town-budget")
    >>> round_medians(s, get_model("compromise").run(s))
    {}
    """
    if forecast.history is None:
        return {}
    view = array_view(scenario)
    rows = [view.actor_ids.index(a) for a in forecast.actor_ids]
    weights = view.weights()[rows]
    medians = weighted_median(np.asarray(forecast.history, dtype=float), weights[None, :, :])
    return {issue: [float(x) for x in medians[:, j]]
            for j, issue in enumerate(forecast.issue_ids)}
