"""Direct quotations in news text: straight and curly double quotes, curly single quotes.

A curly single quote ‘…’ opens only at the start of a word (after a space, a dash, a bracket
or the start of the text) and closes at a ’ that no letter follows, so the apostrophes in
"Moscow’s" and "the two sides’ positions" are not taken for quotation marks. Straight double
quotes are paired in order. Who said a quotation is decided by
:func:`parley.evidence.extract`, which knows the actors (the patterns of Pouliquen et al.
2007: ``“…,” X said``, ``X said “…”``, ``according to X``).

References
----------
.. [1] Pouliquen, B., Steinberger, R., Best, C. (2007). Automatic detection of quotations in
   multilingual news. Proceedings of RANLP 2007, Borovets.

Examples
--------
>>> [q.text for q in find_quotes('‘Tough’ talks: he said it was “not easy” and "slow".')]
['Tough', 'not easy', 'slow']
>>> find_quotes("Moscow’s aims and the two sides’ positions")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quote", "find_quotes"]

_PATTERNS = (
    re.compile(r"“([^“”]+)”"),
    re.compile(r'"([^"]+)"'),
    re.compile(r"(?:(?<=^)|(?<=[\s(\[“—–-]))‘((?:[^‘’]|’(?=\w))+)’(?!\w)"),
)


@dataclass(frozen=True)
class Quote:
    """A quotation: the span with its marks, the span of the words inside, and the words."""

    start: int
    end: int
    inner: tuple[int, int]
    text: str

    def holds(self, pos: int) -> bool:
        """Whether character ``pos`` lies inside the quotation marks."""
        return self.start <= pos < self.end


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in ``text``, in order; nested or overlapping ones keep the outer."""
    found = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            found.append(Quote(m.start(), m.end(), m.span(1), m.group(1)))
    found.sort(key=lambda q: (q.start, -q.end))
    out: list[Quote] = []
    for q in found:
        if not any(o.start <= q.start < o.end for o in out):
            out.append(q)
    return out
