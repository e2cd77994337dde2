"""Scoring models against real negotiations with known outcomes (the DEU backtest).

==============================  ==========================================================
module                          what
==============================  ==========================================================
:mod:`~parley.backtest.deu`     :func:`backtest_deu`, :func:`record_backtest`,
                                :func:`run_deu_backtest`
:mod:`~.capability`             capability schemes: equal, Council votes by treaty, GDP
:mod:`~.scoring`                running models and baselines on issues; failures
:mod:`~.stats`                  mean/median absolute error with bootstrap intervals
:mod:`~.leaderboard`            :class:`Leaderboard` and its entries
:mod:`~.split`                  the committed train/test split (``deu_split.json``)
:mod:`~.tuning`                 tuning on the train split for held-out scores
:mod:`~.html`                   the leaderboard as a self-contained HTML page
==============================  ==========================================================
"""

from parley.backtest.capability import SCHEMES, capabilities, council_table
from parley.backtest.deu import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    BacktestRun,
    backtest_deu,
    record_backtest,
    run_deu_backtest,
)
from parley.backtest.html import render_leaderboard, write_leaderboard
from parley.backtest.leaderboard import Entry, Leaderboard
from parley.backtest.scoring import BASELINES, Failure
from parley.backtest.split import DeuSplit, load_split, make_split
from parley.backtest.stats import ErrorSummary, summarise_errors
from parley.backtest.tuning import TuningSpec

__all__ = [
    "BASELINES",
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "SCHEMES",
    "BacktestRun",
    "DeuSplit",
    "Entry",
    "ErrorSummary",
    "Failure",
    "Leaderboard",
    "TuningSpec",
    "backtest_deu",
    "capabilities",
    "council_table",
    "load_split",
    "make_split",
    "record_backtest",
    "render_leaderboard",
    "run_deu_backtest",
    "summarise_errors",
    "write_leaderboard",
]
