"""The leaderboard: each model and baseline's absolute errors, summarised and broken down.

An :class:`Entry` is one model under one capability scheme, or one baseline. Its summary
is the mean and median absolute error on the 0-100 scale with percentile bootstrap
intervals (:mod:`parley.backtest.stats`), overall and by group: the proposal's period, the
Council's voting rule, and the side of the train/test split. Each entry says on which
sample its figures are: ``full`` (every scoreable issue; untuned) or ``held-out`` (the test
issues only; the model was tuned on the train issues).

:func:`summarise` computes an entry's summaries from its predictions; it uses one
:class:`~parley.backtest.stats.Resampler`, so that every entry's figures on the same group
and number of issues come from the same resamples.

Examples
--------
Outcomes 10, 20, 30; predictions 10, 25 and none (a failure) -> errors 0 and 5:

>>> import numpy as np
>>> from parley.backtest.stats import Resampler
>>> groups = {"period": ["a", "a", "b"]}
>>> summ = summarise(np.array([10.0, 25.0, np.nan]), np.array([10.0, 20.0, 30.0]), groups,
...                  Resampler(0, 200))
>>> summ["overall"].n, summ["overall"].mean, summ["period"]["a"].median, summ["period"]["b"].n
(2, 2.5, 2.5, 0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from parley.backtest.scoring import Failure
from parley.backtest.stats import ErrorSummary, Resampler

__all__ = ["Entry", "IssueTable", "Leaderboard", "Sample", "summarise"]

FloatArray = NDArray[np.float64]
Sample = Literal["full", "held-out"]


@dataclass(frozen=True, eq=False)
class IssueTable:
    """The scored issues: ids and the facts the leaderboard groups by, aligned by position."""

    ids: tuple[str, ...]
    proposal: tuple[str, ...]
    line: tuple[int, ...]
    period: tuple[str | None, ...]
    voting_rule: tuple[str, ...]
    split: tuple[str | None, ...]
    outcome: FloatArray

    def groups(self) -> dict[str, list[str | None]]:
        """The grouping columns: ``period``, ``voting_rule`` and ``split``."""
        return {"period": list(self.period), "voting_rule": list(self.voting_rule),
                "split": list(self.split)}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready columns."""
        return {"ids": list(self.ids), "proposal": list(self.proposal), "line": list(self.line),
                "period": list(self.period), "voting_rule": list(self.voting_rule),
                "split": list(self.split), "outcome": [float(x) for x in self.outcome]}


def summarise(prediction: FloatArray, outcome: FloatArray,
              groups: Mapping[str, Sequence[str | None]], resampler: Resampler,
              level: float = 0.95) -> dict[str, Any]:
    """The absolute errors' summary overall and per value of each grouping column.

    Returns ``{"overall": ErrorSummary, <column>: {<value>: ErrorSummary}}``; issues whose
    group value is ``None`` are left out of that column's groups; a group where the entry
    has no forecast has ``n == 0``.
    """
    err = np.abs(prediction - outcome)
    out: dict[str, Any] = {"overall": resampler.summarise(err, "overall", level)}
    for column, values in groups.items():
        per: dict[str, ErrorSummary] = {}
        labels = np.array([v if v is not None else "" for v in values], dtype=object)
        for value in sorted({v for v in values if v is not None}):
            per[value] = resampler.summarise(err[labels == value], f"{column}:{value}", level)
        out[column] = per
    return out


@dataclass(frozen=True, eq=False)
class Entry:
    """One line of the leaderboard: a model under a capability scheme, or a baseline.

    Attributes
    ----------
    label : str
        ``"<model> [<scheme>]"`` or the baseline's name.
    kind : {'model', 'baseline'}
    name : str
        Model or baseline name.
    scheme : str or None
        Capability scheme (``None`` for baselines).
    parameters : mapping
        The model's parameters (tuned ones for a tuned model).
    sample : {'full', 'held-out'}
        Which issues the figures are on.
    tuned : bool
        Whether parameters were tuned (on the train split).
    prediction : ndarray
        Forecast per issue of the :class:`IssueTable` (``nan`` = none).
    overall : ErrorSummary
    by_period, by_voting_rule, by_split : mapping of str to ErrorSummary
    failures : int
        Issues on which the model failed (see the leaderboard's ``failures``).
    seconds : float or None
        Time spent running the model (tuning included).
    tuning : mapping, optional
        What tuning tried and chose.
    """

    label: str
    kind: Literal["model", "baseline"]
    name: str
    scheme: str | None
    parameters: Mapping[str, Any]
    sample: Sample
    tuned: bool
    prediction: FloatArray
    overall: ErrorSummary
    by_period: Mapping[str, ErrorSummary]
    by_voting_rule: Mapping[str, ErrorSummary]
    by_split: Mapping[str, ErrorSummary]
    failures: int = 0
    seconds: float | None = None
    tuning: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (predictions aligned with the leaderboard's issues)."""
        return {
            "label": self.label, "kind": self.kind, "name": self.name, "scheme": self.scheme,
            "parameters": dict(self.parameters), "sample": self.sample, "tuned": self.tuned,
            "failures": self.failures, "seconds": self.seconds,
            "overall": self.overall.to_dict(),
            "by_period": {k: v.to_dict() for k, v in self.by_period.items()},
            "by_voting_rule": {k: v.to_dict() for k, v in self.by_voting_rule.items()},
            "by_split": {k: v.to_dict() for k, v in self.by_split.items()},
            "tuning": None if self.tuning is None else dict(self.tuning),
            "prediction": [None if not np.isfinite(x) else float(x) for x in self.prediction],
        }


@dataclass(frozen=True, eq=False)
class Leaderboard:
    """A DEU backtest's result: entries best first, the issues, failures and settings.

    Attributes
    ----------
    dataset : mapping
        The file (source, SHA-256), its issue counts and actors.
    settings : mapping
        Seed, resamples, level, schemes, models, tuning and split used.
    issues : IssueTable
        The scored issues.
    entries : tuple of Entry
        Sorted by overall mean absolute error (entries with no forecast last).
    failures : tuple of Failure
        Every (model, scheme, issue) without a usable forecast.
    schemes : mapping
        The capability schemes with their sources
        (:func:`parley.backtest.capability.scheme_descriptions`).
    timings : mapping
        Seconds spent per step.
    """

    dataset: Mapping[str, Any]
    settings: Mapping[str, Any]
    issues: IssueTable
    entries: tuple[Entry, ...]
    failures: tuple[Failure, ...] = ()
    schemes: Mapping[str, Any] = field(default_factory=dict)
    timings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def held_out(self) -> bool:
        """Whether any figure is a held-out (tuned) figure."""
        return any(e.sample == "held-out" for e in self.entries)

    @property
    def sample_note(self) -> str:
        """One sentence on which figures are held-out."""
        tuned = [e.label for e in self.entries if e.sample == "held-out"]
        if not tuned:
            return ("No model is tuned: every figure is an untuned, full-sample figure "
                    "(by_split['test'] gives each on the held-out issues).")
        return (f"Held-out figures (tuned on the train split, scored once on the test "
                f"split): {', '.join(tuned)}. Every other figure is untuned, full-sample.")

    def entry(self, label: str) -> Entry:
        """The entry with this label (``KeyError`` listing the labels otherwise)."""
        for e in self.entries:
            if e.label == label:
                return e
        raise KeyError(f"no entry {label!r}; known: {[e.label for e in self.entries]}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: what ``--json`` prints and the run store keeps."""
        return {
            "kind": "deu-backtest",
            "dataset": dict(self.dataset),
            "settings": dict(self.settings),
            "sample_note": self.sample_note,
            "entries": [e.to_dict() for e in self.entries],
            "issues": self.issues.to_dict(),
            "failures": [f.to_dict() for f in self.failures],
            "schemes": dict(self.schemes),
            "timings": dict(self.timings),
        }
