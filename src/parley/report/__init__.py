"""Charts and the self-contained HTML briefing (matplotlib: the ``report`` extra).

Importing this package does not import matplotlib; the drawing functions do, and raise
:class:`~parley.errors.MissingExtraError` without it. :func:`forecast_rows` needs no
extra.
"""

from parley.report.briefing import (
    forecast_rows,
    model_labels,
    render_briefing,
    verdict,
    write_briefing,
)
from parley.report.charts import ROLE_COLOURS, figure_svg, stakeholder_map, trajectory_chart
from parley.report.trajectory import round_medians

__all__ = [
    "ROLE_COLOURS",
    "figure_svg",
    "forecast_rows",
    "model_labels",
    "render_briefing",
    "round_medians",
    "stakeholder_map",
    "trajectory_chart",
    "verdict",
    "write_briefing",
]
