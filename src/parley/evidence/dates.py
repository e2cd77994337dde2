"""Dates and durations in news text, resolved against the article's publication date.

News text dates events relative to the day it appeared: "on Tuesday", "in January", "last
week". :func:`find_dates` finds such expressions with regular expressions and resolves them:

- a weekday is the latest such day on or before the publication date ("on Wednesday" in a
  Wednesday paper is that day), or, in a sentence about the future ("will meet", "is expected",
  "next"), the first such day after it; ``last``/``next`` force the direction;
- everything else (``23 January``, ``Jan. 23, 2026``, ``in January``, ``early April``,
  ``March 2022``, ``yesterday``, ``two weeks ago``) is resolved by ``dateparser`` with the
  publication date as its relative base, preferring past dates unless the sentence is about
  the future; a month without a day has ``precision == "month"`` and the first of the month
  as its date.

Without a publication date only expressions that name their year are resolved. ``dateparser``
(an optional dependency: ``pip install 'parley[evidence]'``) ships its language data and
never downloads anything; it is imported on first use.

:func:`find_durations` reads "about 90 minutes", "almost six hours", "an hour and a half".

References
----------
.. [1] Strötgen, J., Gertz, M. (2013). Multilingual and cross-domain temporal tagging.
   Language Resources and Evaluation 47(2), 269-298 (HeidelTime: relative dates resolved
   against the document creation time, as here).

Examples
--------
>>> import datetime as dt
>>> [(d.date.isoformat(), d.precision) for d in
...  find_dates("It ran late into Tuesday and ended on Wednesday.", dt.date(2026, 2, 18))]
[('2026-02-17', 'day'), ('2026-02-18', 'day')]
>>> find_durations("They met for about 90 minutes.")[0].minutes
90.0
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from parley.errors import MissingExtraError

__all__ = ["DateMention", "Duration", "find_dates", "find_durations", "is_future"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_WEEKDAY_RE = re.compile(
    r"\b(?:(last|next|this|on|late into|early on|until|since|by)\s+)?"
    r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_DATE_RE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    rf"|(?:(?:early|mid|late|the (?:first|second) half of)[\s-]+)?{_MONTH}(?:\s+\d{{4}})?"
    r"|yesterday|today|tonight|last (?:week|month)|this week"
    r"|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) (?:days?|weeks?|months?) ago)"
    r"\b")
_FUTURE_RE = re.compile(
    r"\b(?:will|shall|next|expected|scheduled|planned|plans? to|due to|is due|set to|"
    r"could take place|would take place|upcoming|forthcoming|is to|are to)\b", re.I)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
            "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45,
            "fifty": 50, "sixty": 60, "ninety": 90}
_DURATION_RE = re.compile(
    r"\b(?:(?:about|around|almost|nearly|roughly|some|more than|over|less than|under|"
    r"just over|just under|at least|up to)\s+)?"
    r"(half an|an|a|\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
    r"[\s-]+(hours?|hrs?|minutes?|mins?)(\s+and\s+a\s+half)?\b", re.I)


@dataclass(frozen=True)
class DateMention:
    """A resolved date expression: the date, its precision, and where it is in the text."""

    date: dt.date
    precision: Literal["day", "month"]
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Duration:
    """A length of time in minutes, and where it is in the text."""

    minutes: float
    start: int
    end: int
    text: str


def is_future(text: str) -> bool:
    """Whether a sentence speaks of something still to come ("will", "is expected", "next")."""
    return _FUTURE_RE.search(text) is not None


def find_dates(text: str, published: dt.date | None = None, *,
               future: bool | None = None) -> list[DateMention]:
    """Find and resolve the dates in one sentence (see the module docstring).

    Parameters
    ----------
    text
        A sentence.
    published
        The publication date that relative expressions refer to.
    future
        Whether the sentence is about the future (default: :func:`is_future`).

    Returns
    -------
    list of DateMention
        In order of appearance; unresolvable expressions are left out.
    """
    ahead = is_future(text) if future is None else future
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for m in _WEEKDAY_RE.finditer(text):
        taken.append(m.span())
        if published is None:
            continue
        word = (m.group(1) or "").lower()
        direction = {"last": -1, "next": 1}.get(word, 1 if ahead else 0)
        day = _weekday(published, _WEEKDAYS.index(m.group(2).lower()), direction)
        out.append(DateMention(day, "day", m.start(2), m.end(2), m.group(2)))
    for m in _DATE_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        phrase = m.group(0)
        if published is None and not re.search(r"\d{4}", phrase):
            continue
        resolved = _parse(_clean(phrase), published, ahead)
        if resolved is not None:
            out.append(DateMention(resolved[0], resolved[1], m.start(), m.end(), phrase))
    out.sort(key=lambda d: d.start)
    return out


def find_durations(text: str) -> list[Duration]:
    """Find lengths of time ("about two hours", "90 minutes") in ``text``, in minutes."""
    out = []
    for m in _DURATION_RE.finditer(text):
        word = m.group(1).lower()
        n = 0.5 if word == "half an" else float(_NUMBERS.get(word, 0) or word)
        if m.group(3):
            n += 0.5
        minutes = n * 60.0 if m.group(2).lower().startswith("h") else n
        out.append(Duration(minutes, m.start(), m.end(), m.group(0)))
    return out


def _weekday(published: dt.date, weekday: int, direction: int) -> dt.date:
    """The given weekday: latest on/before (0), strictly before (-1) or after (1) ``published``."""
    delta = (published.weekday() - weekday) % 7
    if direction == 0:
        return published - dt.timedelta(days=delta)
    if direction < 0:
        return published - dt.timedelta(days=delta or 7)
    return published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)


def _clean(phrase: str) -> str:
    phrase = re.sub(r"^(?:early|mid|late|the (?:first|second) half of)[\s-]+", "", phrase)
    return phrase.replace(".", "")


def _parse(phrase: str, published: dt.date | None,
           ahead: bool) -> tuple[dt.date, Literal["day", "month"]] | None:
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "future" if ahead else "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time(12))
    data = _parser(tuple(sorted(settings.items()))).get_date_data(phrase)
    when = data.date_obj
    if when is None:
        return None
    precision: Literal["day", "month"] = "month" if data.period in ("month", "year") else "day"
    day = when.date()
    if precision == "month":
        day = day.replace(day=1)
    return day, precision


@cache
def _parser(settings: tuple[tuple[str, Any], ...]) -> Any:
    try:
        from dateparser.date import DateDataParser
    except ImportError:  # pragma: no cover - depends on the installation
        raise MissingExtraError("dateparser", "evidence",
                                "resolve dates in news text") from None
    return DateDataParser(languages=["en"], settings=dict(settings))
