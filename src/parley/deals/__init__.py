"""Deal finding: what agreement is possible, and what trade would unlock it.

Plain functions over a scenario; nothing here calls a forecasting model.

========================  ===========================================================
module                    concept
========================  ===========================================================
``utility``               each party's utility over packages, red lines, walk-away
``space``                 the package space: grid, named options, continuous box
``pareto``                exact Pareto frontier (discrete), sampled (continuous)
``bargaining``            Nash, Kalai-Smorodinsky and egalitarian points
``zopa``                  zone of possible agreement, per issue and over packages
``logroll``               two-issue trades that both parties gain from
``whatif``                the smallest change that opens a zone of agreement
``adjusted_winner``       Brams & Taylor's Adjusted Winner for two parties
``report``                :func:`analyse_deals`, everything above in one call
``chart``                 the Pareto chart for two parties (matplotlib, imported lazily)
========================  ===========================================================
"""

from parley.deals.adjusted_winner import (
    AdjustedWinnerResult,
    PointsTable,
    adjusted_winner,
    parse_points_csv,
    read_points_csv,
)
from parley.deals.bargaining import (
    BargainingPoint,
    BargainingSolutions,
    bargaining_solutions,
    egalitarian_index,
    kalai_smorodinsky_index,
    nash_index,
)
from parley.deals.chart import pareto_chart
from parley.deals.logroll import Logroll, logrolls
from parley.deals.pareto import Frontier, nondominated, pareto_frontier, sample_frontier
from parley.deals.report import DealReport, RankedPackage, analyse_deals
from parley.deals.space import (
    ContinuousSpace,
    DiscreteSpace,
    continuous_space,
    grid,
    iter_utilities,
    option_space,
    space_utilities,
)
from parley.deals.utility import Loss, Preferences, preferences
from parley.deals.whatif import (
    Change,
    Fix,
    IssueWhatIf,
    WhatIf,
    issue_fixes,
    package_fixes,
    what_would_it_take,
)
from parley.deals.zopa import Conflict, IssueZopa, PackageZopa, issue_zopas, package_zopa

__all__ = [
    "AdjustedWinnerResult",
    "BargainingPoint",
    "BargainingSolutions",
    "Change",
    "Conflict",
    "ContinuousSpace",
    "DealReport",
    "DiscreteSpace",
    "Fix",
    "Frontier",
    "IssueWhatIf",
    "IssueZopa",
    "Logroll",
    "Loss",
    "PackageZopa",
    "PointsTable",
    "Preferences",
    "RankedPackage",
    "WhatIf",
    "adjusted_winner",
    "analyse_deals",
    "bargaining_solutions",
    "continuous_space",
    "egalitarian_index",
    "grid",
    "issue_fixes",
    "issue_zopas",
    "iter_utilities",
    "kalai_smorodinsky_index",
    "logrolls",
    "nash_index",
    "nondominated",
    "option_space",
    "package_fixes",
    "package_zopa",
    "pareto_chart",
    "pareto_frontier",
    "parse_points_csv",
    "preferences",
    "read_points_csv",
    "sample_frontier",
    "space_utilities",
    "what_would_it_take",
]
