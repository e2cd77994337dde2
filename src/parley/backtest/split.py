"""The train/test split of the DEU issues, fixed and committed before any tuning.

A model with tuned parameters is tuned on the *train* issues and scored once on the
*test* (held-out) issues; untuned models are scored on every issue, and also reported on
the test issues so that the two can be compared on the same ground.

The split is by **proposal**: every issue of a proposal falls on the same side, so that
tuning never sees another issue of a proposal it is scored on (issues of one proposal
share actors, context and often the outcome's logic). :func:`make_split` shuffles the
proposals of the scoreable issues (sorted by id) with ``numpy.random.default_rng(seed)``
and puts the first ``round(train_fraction x proposals)`` in train.

The committed split, ``deu_split.json`` beside this module, was generated once from
``deu3.tsv`` with :data:`SPLIT_SEED` and ``train_fraction=0.5``, before any model was
tuned; it lists the issue ids of each side and the SHA-256 of the file it was made from.
Regenerate it only for a new data set, never to improve a score
(``tests/backtest`` checks that the committed file is what the seed gives).

Examples
--------
>>> from parley.io.deu import DeuIssue
>>> issues = [DeuIssue(f"p{k}", f"p{k}i{j}", 2 + k, positions={"a": 0, "b": 1, "c": 2},
...                    saliences={"a": 1, "b": 1, "c": 1}, outcome=1)
...           for k in range(4) for j in range(2)]
>>> split = make_split(issues, seed=1)
>>> len(split.train), len(split.test), set(split.train).isdisjoint(split.test)
(4, 4, True)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np

from parley.errors import ParleyError
from parley.io.deu import DeuIssue

__all__ = [
    "SPLIT_FILE",
    "SPLIT_SEED",
    "DeuSplit",
    "load_split",
    "make_split",
]

SPLIT_SEED = 20120101
"""The seed the committed split was generated with (an arbitrary number fixed in advance)."""

SPLIT_FILE = "deu_split.json"
"""Name of the committed split, in this package."""

Side = Literal["train", "test"]


@dataclass(frozen=True)
class DeuSplit:
    """A train/test split of DEU issues by proposal.

    Attributes
    ----------
    seed : int
        The seed it was drawn with.
    train_fraction : float
        Share of the proposals in train.
    train, test : tuple of str
        Issue ids on each side, sorted.
    dataset : str
        What it was drawn from (file name and SHA-256).
    """

    seed: int
    train_fraction: float
    train: tuple[str, ...]
    test: tuple[str, ...]
    dataset: str = ""

    def side(self, issue_id: str) -> Side | None:
        """``"train"``, ``"test"``, or ``None`` for an issue the split does not list."""
        if issue_id in self._train:
            return "train"
        if issue_id in self._test:
            return "test"
        return None

    def covers(self, issue_ids: Sequence[str]) -> bool:
        """Whether every one of ``issue_ids`` is on one side."""
        return all(self.side(i) is not None for i in issue_ids)

    @cached_property
    def _train(self) -> frozenset[str]:
        return frozenset(self.train)

    @cached_property
    def _test(self) -> frozenset[str]:
        return frozenset(self.test)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (the committed file's content)."""
        return {
            "description": ("Train/test split of the scoreable DEU issues by proposal, fixed "
                            "before any tuning (see parley.backtest.split)."),
            "unit": "proposal",
            "seed": self.seed,
            "train_fraction": self.train_fraction,
            "dataset": self.dataset,
            "train": list(self.train),
            "test": list(self.test),
        }

    def to_json(self) -> str:
        """The committed file's text."""
        return json.dumps(self.to_dict(), indent=1) + "\n"


def make_split(issues: Sequence[DeuIssue], *, seed: int = SPLIT_SEED,
               train_fraction: float = 0.5, dataset: str = "") -> DeuSplit:
    """Split ``issues`` into train and test by proposal (see the module docstring)."""
    if not 0.0 < train_fraction < 1.0:
        raise ParleyError(f"train_fraction must be in (0, 1); got {train_fraction}")
    proposals = sorted({i.proposal for i in issues})
    order = np.random.default_rng(seed).permutation(len(proposals))
    n_train = round(train_fraction * len(proposals))
    train_props = {proposals[k] for k in order[:n_train]}
    train = sorted(i.issue for i in issues if i.proposal in train_props)
    test = sorted(i.issue for i in issues if i.proposal not in train_props)
    return DeuSplit(seed=seed, train_fraction=train_fraction, train=tuple(train),
                    test=tuple(test), dataset=dataset)


def _from_mapping(doc: Mapping[str, Any], where: str) -> DeuSplit:
    try:
        return DeuSplit(seed=int(doc["seed"]), train_fraction=float(doc["train_fraction"]),
                        train=tuple(str(x) for x in doc["train"]),
                        test=tuple(str(x) for x in doc["test"]),
                        dataset=str(doc.get("dataset", "")))
    except (KeyError, TypeError, ValueError) as err:
        raise ParleyError(f"{where} is not a DEU split ({err!r}). Fix: give a JSON file with "
                          "seed, train_fraction, train and test") from None


def load_split(path: str | Path | None = None) -> DeuSplit:
    """Read a split file; by default the committed ``deu_split.json``."""
    if path is None:
        text = (resources.files("parley.backtest") / SPLIT_FILE).read_text("utf-8")
        where = f"parley/backtest/{SPLIT_FILE}"
    else:
        where = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as err:
            raise ParleyError(f"cannot read the split file {where}: {err.strerror}") from None
    try:
        doc = json.loads(text)
    except ValueError as err:
        raise ParleyError(f"{where} is not valid JSON ({err}). Fix: regenerate it with "
                          "make_split(...).to_json()") from None
    if not isinstance(doc, Mapping):
        raise ParleyError(f"{where} must hold a JSON object")
    return _from_mapping(doc, where)
