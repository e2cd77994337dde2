"""A small lexicon of diplomatic tone: how the talks are described.

Diplomatic readouts use a conventional vocabulary whose sense differs from everyday usage:
"frank" and "candid" mean that the sides disagreed openly, "businesslike" that there was no
warmth, "useful" that something was learned though nothing agreed, "constructive" and
"productive" that there was movement, "difficult" and "tough" that there was little
(Berridge & James 2003, entries on the language of communiqués; Jönsson & Hall 2005 on
diplomatic communication and signalling). Scores run from
-1 (hostile) to +1 (warm); they are ordinal judgements for ranking and aggregation, not
measurements.

A tone word only makes a tone record when the sentence is about the talks (see
:func:`parley.evidence.extract`): "difficult" in "described the discussions as difficult" but
not in "a difficult winter".

References
----------
.. [1] Berridge, G. R., James, A. (2003). A Dictionary of Diplomacy, 2nd ed. Palgrave.
.. [2] Jönsson, C., Hall, M. (2005). Essence of Diplomacy. Palgrave Macmillan.

Examples
--------
>>> [(t.words, t.score) for t in find_tone("They called the talks “not easy” but useful.")]
[('not easy', -0.4), ('useful', 0.4)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LEXICON", "ToneWord", "find_tone"]

#: Tone words and phrases with a score in [-1, 1].
LEXICON: dict[str, float] = {
    "constructive": 0.6, "productive": 0.7, "fruitful": 0.7, "positive": 0.6,
    "encouraging": 0.6, "good": 0.4, "useful": 0.4, "substantive": 0.4, "intensive": 0.1,
    "businesslike": 0.1, "business-like": 0.1, "cordial": 0.5, "warm": 0.5, "friendly": 0.5,
    "optimism": 0.6, "optimistic": 0.6, "hopeful": 0.5, "serious": 0.1, "detailed": 0.2,
    "frank": -0.2, "candid": -0.1, "cautious": -0.2, "difficult": -0.5, "tough": -0.5,
    "hard": -0.4, "not easy": -0.4, "tense": -0.6, "heated": -0.6, "acrimonious": -0.8,
    "hostile": -0.8, "disappointing": -0.6, "disappointed": -0.6, "impatience": -0.4,
    "impatient": -0.4, "frustration": -0.5, "frustrated": -0.5, "pessimism": -0.6,
    "pessimistic": -0.6, "fruitless": -0.7, "unproductive": -0.7,
}

_TONE_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(LEXICON, key=len, reverse=True))
    + r")(?![\w-])", re.I)


@dataclass(frozen=True)
class ToneWord:
    """A tone word found in a text, its score and where it is."""

    words: str
    score: float
    start: int
    end: int


def find_tone(text: str) -> list[ToneWord]:
    """Every lexicon word or phrase in ``text`` (case-insensitive), in order."""
    return [ToneWord(m.group(1), LEXICON[m.group(1).lower()], m.start(1), m.end(1))
            for m in _TONE_RE.finditer(text)]
