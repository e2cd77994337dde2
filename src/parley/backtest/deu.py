"""The DEU backtest: every registered model against 351 EU negotiations with known outcomes.

:func:`backtest_deu` takes a DEU file (:mod:`parley.io.deu`), keeps the issues with an
observed outcome and at least three actors with both a position and a salience, and runs
every registered model (:func:`parley.models.model_names`) on each issue's one-issue
scenario under each capability scheme (:mod:`parley.backtest.capability`). It scores each
model and the baselines (:mod:`parley.backtest.scoring`) by the absolute error on the 0-100
scale and returns a :class:`~parley.backtest.leaderboard.Leaderboard`: mean and median
absolute error with seeded percentile bootstrap intervals, overall, by period (proposals
up to 2003, 2004-2008, later), by the Council's voting rule, and by side of the committed
train/test split (:mod:`parley.backtest.split`). :func:`record_backtest` keeps it in the run
store as a ``"backtest"`` run.

On ``deu3.tsv`` (351 issues) the figures reproduce the published ones (Thomson et al.
2006; Achen 2006; the data set's README): the compromise model with equal capabilities
(the salience-weighted mean) 23.64, the median of positions 28.37, the Commission 37.55,
the reference point 51.31 (on its 252 issues).

A model that fails on an issue is recorded and left out of that issue, never fatal.
Models with tuned parameters (``tuning=``) are tuned on the train split and scored once on
the test split; their figures are marked ``held-out``. By default nothing is tuned.

References
----------
.. [1] Thomson, R., Stokman, F. N., Achen, C. H. & König, T. (eds.) (2006). *The European
   Union Decides*. Cambridge University Press.
.. [2] Achen, C. H. (2006). Evaluating political decision-making models. In Thomson et al.
   (2006), 264-298.
.. [3] Arregui, J. & Perarnaud, C. (2022). A new dataset on legislative decision-making in
   the European Union: the DEU III dataset. *Journal of European Public Policy* 29(1), 12-22.

Examples
--------
>>> text = "\\n".join([
...     "prnr\\tisnr\\tintro\\tcounvte\\tpcom\\tpde\\tpfr\\tscom\\tsde\\tsfr\\trp\\tout",
...     "d04001\\td04001i1\\t14-07-04\\tQMV\\t100\\t0\\t50\\t50\\t100\\t50\\t0\\t40"])
>>> from parley.io.deu import read_deu
>>> board = backtest_deu(read_deu(text), models=["compromise"], schemes=["equal"],
...                      n_resamples=100)
>>> round(board.entry("compromise [equal]").overall.mean, 6)  # |(50+0+25)/2 - 40| = 2.5
2.5
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from parley.backtest.capability import SCHEMES, check_scheme, scheme_descriptions
from parley.backtest.leaderboard import Entry, IssueTable, Leaderboard, summarise
from parley.backtest.scoring import (
    BASELINES,
    Failure,
    baseline_predictions,
    issue_scenarios,
    predict,
)
from parley.backtest.split import DeuSplit, load_split
from parley.backtest.stats import Resampler
from parley.backtest.tuning import TuningSpec, tune
from parley.errors import ParleyError
from parley.io.deu import DeuData, deu_dataset_scenario, load_deu
from parley.models.base import get_model, model_names, parameters_of
from parley.scenario import Scenario

if TYPE_CHECKING:
    from parley.store import RunRecord, RunStore

__all__ = [
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "BacktestRun",
    "backtest_deu",
    "record_backtest",
    "run_deu_backtest",
]

DEFAULT_SEED = 2006
"""Master seed of the bootstrap and of models that draw random numbers."""

DEFAULT_RESAMPLES = 2000
"""Bootstrap resamples per interval."""


def _jsonable(obj: Any) -> Any:
    return json.loads(json.dumps(obj, default=str))


def _split_for(split: DeuSplit | None, ids: Sequence[str], tuning: Sequence[TuningSpec]
               ) -> DeuSplit | None:
    chosen = split if split is not None else load_split()
    if chosen.covers(ids):
        return chosen
    if tuning:
        raise ParleyError(
            f"the {'given' if split is not None else 'committed'} train/test split does not "
            f"list every scoreable issue of this file ({sum(chosen.side(i) is None for i in ids)}"
            " missing), so no model can be tuned on it. Fix: make a split for this file with "
            "parley.backtest.split.make_split and commit it before tuning")
    return None


def backtest_deu(data: DeuData, *, models: Sequence[str] | None = None,
                 schemes: Sequence[str] = SCHEMES, seed: int = DEFAULT_SEED,
                 n_resamples: int = DEFAULT_RESAMPLES, level: float = 0.95,
                 min_actors: int = 3, split: DeuSplit | None = None,
                 tuning: Sequence[TuningSpec] = ()) -> Leaderboard:
    """Score every model and baseline on the scoreable issues of a DEU file.

    Parameters
    ----------
    data : DeuData
        The file (:func:`parley.io.deu.read_deu`).
    models : sequence of str, optional
        Registered model names (default: every registered model).
    schemes : sequence of str
        Capability schemes (default: all of :data:`~parley.backtest.capability.SCHEMES`).
    seed : int
        Master seed of the bootstrap and of the models' random numbers.
    n_resamples : int
        Bootstrap resamples per interval.
    level : float
        Coverage of the percentile intervals.
    min_actors : int
        Fewest actors with a position and a salience for an issue to be scored.
    split : DeuSplit, optional
        Train/test split (default: the committed one; ignored with a note when it does not
        list this file's issues and nothing is tuned).
    tuning : sequence of TuningSpec
        Models to tune on the train split and score on the test split.

    Returns
    -------
    Leaderboard

    Raises
    ------
    ParleyError
        For an unknown scheme or model, bad settings, or tuning without a split that covers
        the file.
    """
    t_start = time.perf_counter()
    if not 0.0 < level < 1.0:
        raise ParleyError(f"level must be in (0, 1); got {level}")
    if n_resamples < 1:
        raise ParleyError(f"n_resamples must be >= 1; got {n_resamples}")
    for scheme in schemes:
        check_scheme(scheme, data.gdp)
    names = list(model_names() if models is None else models)
    known = set(model_names())
    for name in [*names, *(t.model for t in tuning)]:
        if name not in known:
            raise ParleyError(f"unknown model {name!r}; choose one of: {', '.join(sorted(known))}")
    tuned_names = {t.model for t in tuning}
    names = [n for n in names if n not in tuned_names] + [t.model for t in tuning]

    issues = data.scoreable(min_actors)
    ids = [i.issue for i in issues]
    chosen_split = _split_for(split, ids, tuning)
    table = IssueTable(
        ids=tuple(ids), proposal=tuple(i.proposal for i in issues),
        line=tuple(i.line for i in issues), period=tuple(i.period for i in issues),
        voting_rule=tuple(i.voting_rule or "unknown" for i in issues),
        split=tuple(chosen_split.side(i) if chosen_split else None for i in ids),
        outcome=np.array([i.outcome for i in issues], dtype=float))
    groups = table.groups()
    resampler = Resampler(seed, n_resamples)
    entries: list[Entry] = []
    failures: list[Failure] = []
    timings: dict[str, Any] = {"scenarios": {}, "models": {}}

    def entry(label: str, kind: Literal["model", "baseline"], name: str, scheme: str | None,
              prediction: Any, **extra: Any) -> Entry:
        summ = summarise(prediction, table.outcome, groups, resampler, level)
        return Entry(label=label, kind=kind, name=name, scheme=scheme,
                     prediction=prediction, overall=summ["overall"],
                     by_period=summ["period"], by_voting_rule=summ["voting_rule"],
                     by_split=summ["split"], **extra)

    for name, pred in baseline_predictions(issues).items():
        entries.append(entry(name, "baseline", name, None, pred, parameters={},
                             sample="full", tuned=False))

    train = [k for k, s in enumerate(table.split) if s == "train"]
    test = [k for k, s in enumerate(table.split) if s == "test"]
    specs = {t.model: t for t in tuning}
    for scheme in schemes:
        t0 = time.perf_counter()
        scenarios, bad = issue_scenarios(issues, scheme, data.gdp, source=data.source,
                                         evidence=False)
        timings["scenarios"][scheme] = time.perf_counter() - t0
        failures += bad
        for name in names:
            t0 = time.perf_counter()
            spec = specs.get(name)
            if spec is None:
                try:
                    model = get_model(name)
                except ParleyError as err:
                    failures.append(Failure(name, scheme, "(all)", 0, str(err)))
                    continue
                pred, fails = predict(model, scenarios, issues, scheme=scheme, seed=seed)
                extra: dict[str, Any] = {"parameters": _jsonable(parameters_of(model)),
                                         "sample": "full", "tuned": False}
            else:
                result = tune(spec, [scenarios[k] for k in train], [issues[k] for k in train],
                              scheme=scheme, seed=seed)
                model = get_model(name, **result.parameters)
                pred = np.full(len(issues), np.nan)
                pred_test, fails = predict(model, [scenarios[k] for k in test],
                                           [issues[k] for k in test], scheme=scheme, seed=seed)
                pred[test] = pred_test
                extra = {"parameters": _jsonable(dict(result.parameters)),
                         "sample": "held-out", "tuned": True,
                         "tuning": _jsonable({**spec.to_dict(), **result.to_dict()})}
            seconds = time.perf_counter() - t0
            timings["models"][f"{name} [{scheme}]"] = seconds
            failures += fails
            entries.append(entry(f"{name} [{scheme}]", "model", name, scheme, pred,
                                 failures=len(fails), seconds=seconds, **extra))

    entries.sort(key=lambda e: (e.overall.mean is None, e.overall.mean or 0.0))
    timings["total"] = time.perf_counter() - t_start
    dataset = {
        "source": data.source,
        "sha256": data.sha256,
        "issues": len(data.issues),
        "scoreable": len(issues),
        "min_actors": min_actors,
        "actors": list(data.actors),
        "gdp_row": data.gdp_line,
    }
    settings = {
        "seed": seed, "n_resamples": n_resamples, "level": level,
        "schemes": list(schemes), "models": names, "baselines": list(BASELINES),
        "interval": "percentile bootstrap over issues",
        "tuning": [t.to_dict() for t in tuning],
        "split": None if chosen_split is None else {
            "seed": chosen_split.seed, "train_fraction": chosen_split.train_fraction,
            "dataset": chosen_split.dataset, "train": len(train), "test": len(test),
            "committed": split is None},
    }
    return Leaderboard(dataset=dataset, settings=_jsonable(settings), issues=table,
                       entries=tuple(entries), failures=tuple(failures),
                       schemes=scheme_descriptions(), timings=timings)


def record_backtest(store: RunStore, board: Leaderboard, data: DeuData, *,
                    started_at: datetime, finished_at: datetime) -> RunRecord:
    """Keep ``board`` in the run store as a ``"backtest"`` run.

    The run's scenario is :func:`parley.io.deu.deu_dataset_scenario` of the scored issues
    (what the backtest ran on, without outcomes); its parameters are the leaderboard's
    settings and its result is :meth:`Leaderboard.to_dict`.
    """
    by_id = {i.issue: i for i in data.issues}
    scenario: Scenario = deu_dataset_scenario(data, [by_id[i] for i in board.issues.ids])
    return store.record_run(kind="backtest", scenario=scenario, model=None,
                            parameters={**board.settings, "dataset": dict(board.dataset)},
                            seed=int(board.settings["seed"]), result=board.to_dict(),
                            started_at=started_at, finished_at=finished_at)


@dataclass(frozen=True)
class BacktestRun:
    """A backtest as the command line runs it: the leaderboard and where it was kept."""

    leaderboard: Leaderboard
    run: RunRecord | None
    store_path: Path | None
    report_path: Path | None


def run_deu_backtest(path: str | Path, *, models: Sequence[str] | None = None,
                     schemes: Sequence[str] = SCHEMES, seed: int = DEFAULT_SEED,
                     n_resamples: int = DEFAULT_RESAMPLES,
                     store: str | Path | None = None,
                     report: str | Path | None = None) -> BacktestRun:
    """Read a DEU file, run :func:`backtest_deu`, store the run, write the HTML page.

    Parameters
    ----------
    path : str or Path
        The DEU TSV file.
    models, schemes, seed, n_resamples
        As for :func:`backtest_deu`.
    store : str or Path, optional
        Run store file; ``"default"`` for the default store; ``None`` to keep nothing.
    report : str or Path, optional
        Where to write the HTML leaderboard (``None``: not written).
    """
    started = datetime.now(UTC)
    data = load_deu(path)
    board = backtest_deu(data, models=models, schemes=schemes, seed=seed,
                         n_resamples=n_resamples)
    finished = datetime.now(UTC)
    run = None
    store_path = None
    if store is not None:
        from parley.store import RunStore

        with RunStore(None if str(store) == "default" else store) as rs:
            run = record_backtest(rs, board, data, started_at=started, finished_at=finished)
            store_path = rs.path
    report_path = None
    if report is not None:
        from parley.backtest.html import write_leaderboard

        report_path = write_leaderboard(board, report)
    return BacktestRun(board, run, store_path, report_path)
