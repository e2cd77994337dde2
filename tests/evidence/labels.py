"""Hand labels of the test articles, and matching extracted records against them.

A label matches a record when kind, actor and issue are equal and the label's ``sentence``
substring lies in the record's sentence. Recall is the share of labels that some record
matches, precision the share of records that some label matches (Manning, Raghavan & Schütze
2008, section 8.3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from parley.evidence import EvidenceRecord

NEWS = Path(__file__).resolve().parents[1] / "data" / "news"


@dataclass(frozen=True)
class Labelled:
    """An article with its hand labels."""

    name: str
    text: str
    published: dt.date
    scenario: str
    items: tuple[dict[str, Any], ...]


def labelled(name: str) -> Labelled:
    doc = yaml.safe_load((NEWS / f"{name}.labels.yaml").read_text(encoding="utf-8"))
    text = (NEWS / doc["article"]).read_text(encoding="utf-8")
    scenario = doc["scenario"]
    if scenario.endswith(".yaml"):
        scenario = str(NEWS / scenario)
    return Labelled(name, text, doc["published"], scenario, tuple(doc["items"]))


def matches(label: dict[str, Any], record: EvidenceRecord) -> bool:
    return (label["kind"] == record.kind and label["actor"] == record.actor
            and label["issue"] == record.issue and label["sentence"] in record.sentence)


def scores(items: tuple[dict[str, Any], ...],
           records: list[EvidenceRecord]) -> tuple[float, float, list[Any], list[Any]]:
    """Recall, precision, the labels missed and the records no label supports."""
    missed = [x for x in items if not any(matches(x, r) for r in records)]
    spurious = [r for r in records if not any(matches(x, r) for x in items)]
    recall = 1 - len(missed) / len(items)
    precision = 1 - len(spurious) / len(records) if records else 0.0
    return recall, precision, missed, spurious
