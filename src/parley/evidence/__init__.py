"""From news to evidence: read an article, propose scenario updates with their sources.

Offline and light: rules over the text with a gazetteer taken from the scenario (actor names,
aliases and people; issue keywords; the phrases that mean each end of an issue's scale), no
model and no download. :func:`extract` reads an article into :class:`EvidenceRecord` s,
:func:`propose` turns them into :class:`Proposal` s for a scenario, and
:func:`apply_proposals` writes the accepted ones into the scenario's next version, citing the
article (:func:`article_source`). See ``docs/evidence.md``.
"""

from parley.evidence.apply import apply_proposals, article_source
from parley.evidence.extract import extract
from parley.evidence.propose import ARTICLE, propose
from parley.evidence.records import (
    ACTIONS,
    KINDS,
    PLOVER_TYPES,
    STATUSES,
    EvidenceRecord,
    Proposal,
)

__all__ = [
    "ACTIONS",
    "ARTICLE",
    "KINDS",
    "PLOVER_TYPES",
    "STATUSES",
    "EvidenceRecord",
    "Proposal",
    "apply_proposals",
    "article_source",
    "extract",
    "propose",
]
