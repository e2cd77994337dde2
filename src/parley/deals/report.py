"""One call for the command line: everything deal finding says about a scenario.

:func:`analyse_deals` builds the parties' utilities (:mod:`parley.deals.utility`), a
package space (a grid on every issue, the issues' named options, or the continuous box),
and reports: the zone of agreement per issue and over packages (:mod:`~parley.deals.zopa`),
the Pareto frontier of deals (:mod:`~parley.deals.pareto`), the Nash, Kalai-Smorodinsky and
egalitarian points on it (:mod:`~parley.deals.bargaining`), the best packages by Nash
product with every party's utility against its walk-away, the logrolls
(:mod:`~parley.deals.logroll`) and what it would take to open a closed zone
(:mod:`~parley.deals.whatif`). :meth:`DealReport.to_dict` is JSON-ready.

Examples
--------
>>> from parley.scenario import Scenario
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X", "status_quo": 50},
...                {"id": "y", "name": "Y", "status_quo": 50}],
...     "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 0.8},
...                 {"actor": "a", "issue": "y", "position": 0, "salience": 0.2},
...                 {"actor": "b", "issue": "x", "position": 100, "salience": 0.2},
...                 {"actor": "b", "issue": "y", "position": 100, "salience": 0.8}]})
>>> r = analyse_deals(s, grid_points=11)
>>> r.solutions.nash.package
(0.0, 100.0)
>>> r.package_zopa.exists
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from parley.deals.bargaining import BargainingSolutions, bargaining_solutions
from parley.deals.logroll import Logroll, logrolls
from parley.deals.pareto import Frontier, pareto_frontier, sample_frontier
from parley.deals.space import DiscreteSpace, grid, option_space
from parley.deals.utility import Loss, Preferences, preferences
from parley.deals.whatif import WhatIf, issue_fixes, what_would_it_take
from parley.deals.zopa import IssueZopa, PackageZopa, issue_zopas, package_zopa
from parley.errors import ParleyError
from parley.rng import SeedLike
from parley.scenario import Scenario

__all__ = ["MAX_PACKAGES", "DealReport", "RankedPackage", "analyse_deals", "jsonable"]

#: Largest discrete space :func:`analyse_deals` enumerates by default.
MAX_PACKAGES = 5_000_000


def jsonable(value: Any) -> Any:
    """Replace non-finite floats by ``None`` and numpy scalars by Python numbers, deeply."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class RankedPackage:
    """A frontier deal with every party's utility against its walk-away.

    ``labels`` gives, per issue, the named option at that value, or else the label of the
    scale's nearest anchor.
    """

    rank: int
    package: dict[str, float]
    labels: dict[str, str]
    utilities: dict[str, float]
    reservation: dict[str, float]
    gains: dict[str, float]
    nash_product: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"rank": self.rank, "package": self.package, "labels": self.labels,
                "utilities": self.utilities, "reservation": self.reservation,
                "gains": self.gains, "nash_product": self.nash_product}


@dataclass(frozen=True, eq=False)
class DealReport:
    """What agreement is possible, and which trades would unlock it.

    Attributes
    ----------
    scenario : str
        Scenario name.
    parties, issues : tuple of str
        Utility columns and package columns.
    loss : str
        Loss shape of the utilities.
    space : str
        ``"grid"``, ``"options"`` or ``"continuous"``.
    n_packages : int
        Packages searched (evaluated, for the continuous space).
    preferences : Preferences
        The utilities used.
    issue_zopas : tuple of IssueZopa
        Zone of agreement per issue.
    package_zopa : PackageZopa or None
        Zone over packages (``None`` for the continuous space).
    frontier : Frontier
        Pareto frontier of the deals.
    solutions : BargainingSolutions
        Nash, Kalai-Smorodinsky and egalitarian points on the frontier.
    top : tuple of RankedPackage
        Frontier deals with the largest Nash products.
    logrolls : tuple of Logroll
        Mutually beneficial two-issue trades, best first.
    whatif : WhatIf
        What it would take to open the closed zones.
    """

    scenario: str
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    loss: str
    space: str
    n_packages: int
    preferences: Preferences
    issue_zopas: tuple[IssueZopa, ...]
    package_zopa: PackageZopa | None
    frontier: Frontier
    solutions: BargainingSolutions
    top: tuple[RankedPackage, ...]
    logrolls: tuple[Logroll, ...]
    whatif: WhatIf

    @property
    def frontier_size(self) -> int:
        """Number of packages on the frontier."""
        return len(self.frontier)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (non-finite numbers become ``null``)."""
        prefs = self.preferences
        out: dict[str, Any] = jsonable({
            "scenario": self.scenario,
            "parties": list(self.parties),
            "issues": list(self.issues),
            "loss": self.loss,
            "space": self.space,
            "n_packages": self.n_packages,
            "reservation": {p: float(r) for p, r in zip(self.parties, prefs.reservation,
                                                       strict=True)},
            "reservation_source": dict(zip(self.parties, prefs.reservation_source,
                                           strict=True)),
            "issue_zopa": [z.to_dict() for z in self.issue_zopas],
            "package_zopa": None if self.package_zopa is None else self.package_zopa.to_dict(),
            "frontier_size": self.frontier_size,
            "solutions": {name: None if p is None else p.to_dict(self.parties, self.issues)
                          for name, p in self.solutions.items()},
            "top": [t.to_dict() for t in self.top],
            "logrolls": [r.to_dict() for r in self.logrolls],
            "what_would_it_take": self.whatif.to_dict(),
        })
        return out


def _label(scenario: Scenario, issue: str, value: float) -> str:
    iss = scenario.issue(issue)
    for opt in iss.options:
        if opt.value == value:
            return opt.label or opt.id
    return iss.scale.nearest_label(value)


def _top(scenario: Scenario, frontier: Frontier, top: int) -> tuple[RankedPackage, ...]:
    if len(frontier) == 0 or top <= 0:
        return ()
    gains = frontier.utilities - frontier.reservation
    with np.errstate(divide="ignore"):
        log_product = np.log(np.maximum(gains, 0.0)).sum(axis=1)
    order = np.lexsort([np.arange(len(frontier)), -gains.sum(axis=1), -log_product])[:top]
    out = []
    for rank, k in enumerate(order, start=1):
        package = dict(zip(frontier.issue_ids, (float(v) for v in frontier.packages[k]),
                           strict=True))
        out.append(RankedPackage(
            rank, package, {i: _label(scenario, i, v) for i, v in package.items()},
            dict(zip(frontier.actor_ids, (float(v) for v in frontier.utilities[k]),
                     strict=True)),
            dict(zip(frontier.actor_ids, (float(v) for v in frontier.reservation),
                     strict=True)),
            dict(zip(frontier.actor_ids, (float(v) for v in gains[k]), strict=True)),
            float(np.prod(np.maximum(gains[k], 0.0)))))
    return tuple(out)


def analyse_deals(scenario: Scenario, *, parties: Sequence[str] | None = None,
                  loss: Loss = "linear", grid_points: int = 11, top: int = 10,
                  rng: SeedLike = None,
                  space: Literal["grid", "options", "continuous"] = "grid",
                  baseline: Literal["midpoint", "status_quo"] = "midpoint",
                  n_samples: int = 4000, max_packages: int = MAX_PACKAGES) -> DealReport:
    """Analyse what agreement is possible in a scenario.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    parties : sequence of str, optional
        Actor ids to treat as parties (default: the actors whose role is ``party``).
    loss : {'linear', 'quadratic'}
        Loss shape of the utilities.
    grid_points : int
        Points per issue of the grid (``space="grid"``), or of the grid on issues without
        named options (``space="options"``).
    top : int
        How many frontier deals to list.
    rng : seed or Generator
        Randomness for the continuous space's sample.
    space : {'grid', 'options', 'continuous'}
        The package space.
    baseline : {'midpoint', 'status_quo'}
        Where logrolls start from.
    n_samples : int
        Candidate packages of the continuous space.
    max_packages : int
        Largest discrete space to enumerate.

    Raises
    ------
    ScenarioError
        For bad parties, loss or grid.
    ParleyError
        When the discrete space has more than ``max_packages`` packages.
    """
    if space not in ("grid", "options", "continuous"):
        raise ParleyError(f"space must be 'grid', 'options' or 'continuous'; got {space!r}")
    prefs = preferences(scenario, parties=parties, loss=loss)
    zopas = issue_zopas(prefs)
    rolls = logrolls(prefs, baseline=baseline)
    if space == "continuous":
        frontier = sample_frontier(prefs, n_points=n_samples, rng=rng)
        agreement = bool((frontier.utilities > prefs.reservation).all(axis=1).any())
        whatif = WhatIf(issue_fixes(prefs), (), agreement)
        zone = None
        n_packages = frontier.n_packages
    else:
        discrete: DiscreteSpace = (grid(scenario, grid_points) if space == "grid"
                                   else option_space(scenario, grid_points))
        if discrete.size > max_packages:
            raise ParleyError(
                f"the {space} space of scenario {scenario.name!r} has {discrete.size:,} "
                f"packages, more than max_packages={max_packages:,}. Fix: lower grid_points "
                f"(now {grid_points}; the space has grid_points ** {len(scenario.issues)} "
                "packages), raise max_packages, or use space='continuous'")
        frontier = pareto_frontier(prefs, discrete)
        zone = package_zopa(prefs, discrete)
        whatif = what_would_it_take(prefs, discrete)
        n_packages = discrete.size
    return DealReport(
        scenario=scenario.name, parties=prefs.actor_ids, issues=prefs.issue_ids, loss=loss,
        space=space, n_packages=n_packages, preferences=prefs, issue_zopas=zopas,
        package_zopa=zone, frontier=frontier, solutions=bargaining_solutions(frontier),
        top=_top(scenario, frontier, top), logrolls=rolls, whatif=whatif)
