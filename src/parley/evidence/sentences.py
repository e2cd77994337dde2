"""Split news text into sentences, keeping each sentence's character span.

A small rule-based splitter in the tradition of Grefenstette & Tapanainen (1994) and Kiss &
Strunk's (2006) abbreviation heuristics, without a trained model: paragraphs are separated by
blank lines (a headline is its own paragraph), and inside a paragraph a sentence ends at ``.``,
``!`` or ``?`` (with any closing quotes or brackets after it) followed by white space and an
upper-case letter, a digit or an opening quote. It does not end after

- a title or other abbreviation that never ends a sentence (``Mr.``, ``Gen.``, ``Feb.``),
- a single capital initial (``J. Smith``),
- an abbreviation with inner dots (``U.S.``, ``U.K.``) unless the next word is one that
  usually starts a sentence (``The``, ``He``, ``But``...).

References
----------
.. [1] Grefenstette, G., Tapanainen, P. (1994). What is a word, what is a sentence?
   Problems of tokenization. COMPLEX'94, Budapest.
.. [2] Kiss, T., Strunk, J. (2006). Unsupervised multilingual sentence boundary detection.
   Computational Linguistics 32(4), 485-525.

Examples
--------
>>> [s.text for s in split_sentences("The U.S. envoy met Mr. Medinsky on Feb. 3. Talks ended.")]
['The U.S. envoy met Mr. Medinsky on Feb. 3.', 'Talks ended.']
>>> split_sentences("Headline\\n\\nBody one. Body two.")[2].span
(20, 29)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

#: Abbreviations after which a sentence never ends (compared without the dot, lower case).
NEVER_FINAL = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "maj", "capt", "sgt", "adm", "gov",
    "sen", "rep", "rev", "st", "sr", "jr", "hon", "pres", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos", "vs", "etc", "al", "approx",
    "dept", "est", "fig",
))

#: Words that usually begin a sentence: after ``U.S.`` a sentence ends only before one.
STARTERS = frozenset((
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "But", "And", "Yet", "So",
    "In", "On", "At", "This", "That", "These", "Those", "There", "His", "Her", "Their", "Its",
    "Our", "Meanwhile", "However", "After", "Before", "When", "While", "Although", "No",
))

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"(\S+)$")
_NEXT_WORD = re.compile(r"\s+[\"“‘(\[]?([\w’'-]+)")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article: its text, ``(start, end)`` span, paragraph and index."""

    text: str
    span: tuple[int, int]
    paragraph: int
    index: int


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences (see the module docstring for the rules).

    Parameters
    ----------
    text
        The article; a first line followed by a blank line is taken as the headline.

    Returns
    -------
    list of Sentence
        In order, with ``text == article[start:end]`` and no leading or trailing space.
    """
    out: list[Sentence] = []
    for p, (p_start, p_end) in enumerate(_paragraphs(text)):
        start = p_start
        for m in _BOUNDARY.finditer(text, p_start, p_end):
            if not _is_final(text, m.start(), m.end(), p_start):
                continue
            _add(out, text, start, m.end(), p)
            start = m.end()
        _add(out, text, start, p_end, p)
    return out


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _is_final(text: str, dot: int, after: int, p_start: int) -> bool:
    if text[dot] != ".":
        return True
    m = _WORD_BEFORE.search(text, p_start, dot)
    word = m.group(1) if m else ""
    bare = word.lstrip("\"“‘([").lower()
    if bare in NEVER_FINAL:
        return False
    if len(bare) == 1 and bare.isalpha() and word[-1:].isupper():
        return False  # an initial: "J. Smith"
    if "." in bare:  # "U.S.", "U.K.", "a.m."
        nxt = _NEXT_WORD.match(text, after)
        return nxt is not None and nxt.group(1) in STARTERS
    return True


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk) - len(chunk.rstrip())
    a, b = start + lead, end - trail
    if a < b:
        out.append(Sentence(text[a:b], (a, b), paragraph, len(out)))
