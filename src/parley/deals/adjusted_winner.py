"""Adjusted Winner: a two-party division of items that is envy-free, equitable and efficient.

Brams & Taylor (1996, pp. 65-94; 1999, pp. 69-88). Each side spreads the same number of
points (100) over the items; then

1. each item goes to the side that bids more for it (a tie goes to the side that leads
   once the other items are given out, so that it is transferred first);
2. if the totals differ, the leader *W* transfers items to the other side *L* in
   increasing order of the ratio :math:`w_k / l_k` of the two bids (every ratio is
   :math:`\\ge 1`; equal ratios in item order), while moving the whole item keeps
   :math:`T_W \\ge T_L`;
3. the first item whose full transfer would reverse the lead is split: *L* receives the
   fraction

   .. math::  p = \\frac{T_W - T_L}{w_k + l_k},

   computed with the totals before it, and then :math:`T_W - p\\,w_k = T_L + p\\,l_k`.

For two parties the result is envy-free, equitable (both sides score the same number of
their own points) and Pareto-efficient, and at most one item is split. It is not
strategy-proof: a side that knows the other's bids can gain by misreporting.

:func:`read_points_csv` reads a points table: a header ``item,<side A>,<side B>`` and one
row per item. Each side's points must sum to 100, or ``normalise=True`` rescales them
(with a note saying so); every problem in the file is reported at once, with its line.

References
----------
.. [1] Brams, S. J. and Taylor, A. D. (1996). *Fair Division: From Cake-Cutting to Dispute
   Resolution*. Cambridge University Press, 65-94.
.. [2] Brams, S. J. and Taylor, A. D. (1999). *The Win-Win Solution: Guaranteeing Fair
   Shares to Everybody*. New York: W. W. Norton, 69-88.

Examples
--------
Hand computation: A bids (60, 25, 15) and B (35, 20, 45) on items x, y, z. A wins x and y
(85 points), B wins z (45). A's ratios are 60/35 for x and 25/20 for y, so y moves first;
moving all of it would leave A with 60 < 65, so y is split and B gets
p = (85 - 45) / (25 + 20) = 8/9 of it. Both end with 565/9 = 62.78 points.

>>> r = adjusted_winner([60, 25, 15], [35, 20, 45], ["x", "y", "z"])
>>> r.split_item, round(r.split_fraction_a, 4), round(r.total_a, 4), round(r.total_b, 4)
('y', 0.1111, 62.7778, 62.7778)
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from parley.errors import Problem, ScenarioError

__all__ = [
    "AdjustedWinnerResult",
    "PointsTable",
    "adjusted_winner",
    "parse_points_csv",
    "read_points_csv",
]

_TOTAL = 100.0
_SUM_TOL = 1e-6


@dataclass(frozen=True)
class AdjustedWinnerResult:
    """The Adjusted Winner division.

    Attributes
    ----------
    items : tuple of str
        The items, in input order.
    sides : tuple of (str, str)
        Names of side A and side B.
    points_a, points_b : tuple of float
        The bids.
    share_a : tuple of float
        Fraction of each item that side A receives (1, 0, or the split fraction).
    split_item : str or None
        The item that is split (``None`` when the totals come out equal without a split).
    split_fraction_a : float or None
        Fraction of the split item that side A receives.
    total_a, total_b : float
        Points each side receives, by its own bids.
    initial_winner : str or None
        The side that led after the first allocation (``None``: the totals were equal).
    """

    items: tuple[str, ...]
    sides: tuple[str, str]
    points_a: tuple[float, ...]
    points_b: tuple[float, ...]
    share_a: tuple[float, ...]
    split_item: str | None
    split_fraction_a: float | None
    total_a: float
    total_b: float
    initial_winner: str | None

    @property
    def items_a(self) -> tuple[str, ...]:
        """Items side A receives whole."""
        return tuple(i for i, s in zip(self.items, self.share_a, strict=True) if s == 1.0)

    @property
    def items_b(self) -> tuple[str, ...]:
        """Items side B receives whole."""
        return tuple(i for i, s in zip(self.items, self.share_a, strict=True) if s == 0.0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        a, b = self.sides
        return {
            "sides": [a, b],
            "allocation": [{"item": i, a: pa, b: pb, f"share_{a}": s, f"share_{b}": 1.0 - s}
                           for i, pa, pb, s in zip(self.items, self.points_a, self.points_b,
                                                   self.share_a, strict=True)],
            "items": {a: list(self.items_a), b: list(self.items_b)},
            "split": None if self.split_item is None else {
                "item": self.split_item, a: self.split_fraction_a,
                b: 1.0 - (self.split_fraction_a or 0.0)},
            "points": {a: self.total_a, b: self.total_b},
            "initial_winner": self.initial_winner,
        }


def _check(points_a: Sequence[float], points_b: Sequence[float], items: Sequence[str],
           sides: tuple[str, str]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    problems = []
    if not len(points_a) == len(points_b) == len(items):
        problems.append(Problem("items", "points of both sides and items must have the same "
                                "length", [len(points_a), len(points_b), len(items)],
                                "give one bid per side for every item"))
        raise ScenarioError(problems, "adjusted winner")
    if not items:
        problems.append(Problem("items", "at least one item is needed", [], "list the items"))
    seen: set[str] = set()
    for i in items:
        if i in seen:
            problems.append(Problem("items", "item names must be unique", i,
                                    "rename or merge the duplicates"))
        seen.add(i)
    a = np.asarray(points_a, dtype=float)
    b = np.asarray(points_b, dtype=float)
    for side, pts in zip(sides, (a, b), strict=True):
        for i, v in zip(items, pts, strict=True):
            if not math.isfinite(v) or v < 0:
                problems.append(Problem(f"{side} points of {i!r}", "must be a finite number "
                                        ">= 0", float(v), "give a non-negative number"))
    if not problems:
        ta, tb = float(a.sum()), float(b.sum())
        if not ta > 0 or not tb > 0:
            problems.append(Problem("points", "each side must give some points", [ta, tb],
                                    "distribute 100 points per side"))
        elif not math.isclose(ta, tb, rel_tol=1e-9):
            problems.append(Problem("points", "both sides must distribute the same total",
                                    {sides[0]: ta, sides[1]: tb},
                                    "rescale each side to 100 (read_points_csv(..., "
                                    "normalise=True) does this)"))
    if problems:
        raise ScenarioError(problems, "adjusted winner")
    return a, b


def adjusted_winner(points_a: Sequence[float], points_b: Sequence[float],
                    items: Sequence[str], *, sides: tuple[str, str] = ("A", "B"),
                    ) -> AdjustedWinnerResult:
    """Divide items between two sides by Adjusted Winner (see the module docstring).

    Parameters
    ----------
    points_a, points_b : sequence of float
        Each side's bids, one per item, >= 0, the same total for both sides (100).
    items : sequence of str
        Item names (unique).
    sides : (str, str)
        Names of the two sides.

    Raises
    ------
    ScenarioError
        For bids of different lengths, duplicate items, negative or non-finite bids, or
        different totals.
    """
    a, b = _check(points_a, points_b, items, sides)
    total = float(a.sum())
    tol = 1e-12 * total
    owner = np.where(a > b, 0, np.where(b > a, 1, -1))
    t_a, t_b = float(a[owner == 0].sum()), float(b[owner == 1].sum())
    owner[owner == -1] = 0 if t_a >= t_b else 1
    share = (owner == 0).astype(float)
    t_a, t_b = float(a[owner == 0].sum()), float(b[owner == 1].sum())
    split: int | None = None
    winner: int | None = None
    if abs(t_a - t_b) > tol:
        winner = 0 if t_a > t_b else 1
        bid_w, bid_l = (a, b) if winner == 0 else (b, a)
        t_w, t_l = (t_a, t_b) if winner == 0 else (t_b, t_a)
        held = [k for k in range(len(items)) if owner[k] == winner and bid_w[k] > 0]
        ratio = [bid_w[k] / bid_l[k] if bid_l[k] > 0 else math.inf for k in held]
        for _, k in sorted(zip(ratio, held, strict=True)):
            if t_w - bid_w[k] >= t_l + bid_l[k] - tol:
                t_w -= bid_w[k]
                t_l += bid_l[k]
                share[k] = 1.0 - share[k]
                if abs(t_w - t_l) <= tol:
                    break
            else:
                p = (t_w - t_l) / (bid_w[k] + bid_l[k])
                t_w -= p * bid_w[k]
                t_l += p * bid_l[k]
                share[k] = 1.0 - p if winner == 0 else p
                split = k
                break
        t_a, t_b = (t_w, t_l) if winner == 0 else (t_l, t_w)
    return AdjustedWinnerResult(
        items=tuple(items), sides=sides, points_a=tuple(float(v) for v in a),
        points_b=tuple(float(v) for v in b), share_a=tuple(float(s) for s in share),
        split_item=None if split is None else items[split],
        split_fraction_a=None if split is None else float(share[split]),
        total_a=float(t_a), total_b=float(t_b),
        initial_winner=None if winner is None else sides[winner])


@dataclass(frozen=True)
class PointsTable:
    """A two-sided points table, as read from CSV.

    Attributes
    ----------
    items : tuple of str
        The items.
    sides : (str, str)
        The two sides, from the header.
    points_a, points_b : tuple of float
        Each side's points (rescaled to 100 when the reader was asked to normalise).
    notes : tuple of str
        What the reader changed (rescaling), for the report.
    """

    items: tuple[str, ...]
    sides: tuple[str, str]
    points_a: tuple[float, ...]
    points_b: tuple[float, ...]
    notes: tuple[str, ...] = ()

    def adjusted_winner(self) -> AdjustedWinnerResult:
        """Adjusted Winner on this table."""
        return adjusted_winner(self.points_a, self.points_b, self.items, sides=self.sides)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_points_csv(text: str, *, source: str | None = None,
                     normalise: bool = False) -> PointsTable:
    """Read a points table from CSV text (see :func:`read_points_csv`)."""
    where = source or "points table"
    problems: list[Problem] = []

    def add(field: str, rule: str, value: object, fix: str, line: int | None) -> None:
        problems.append(Problem(field, rule, value, fix, line, where))

    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)
            if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#")]
    if not rows:
        add("header", "the table is empty", "", "write a header 'item,<side A>,<side B>' "
            "and one row per item", None)
        raise ScenarioError(problems, where)
    line, header = rows[0]
    header = [h.strip() for h in header]
    if len(header) != 3 or not header[1] or not header[2] or header[1] == header[2]:
        add("header", "must have three columns: item, then the two sides' names (different)",
            ",".join(header), "write e.g. 'item,Israel,Egypt'", line)
        raise ScenarioError(problems, where)
    sides = (header[1], header[2])
    items: list[str] = []
    first_line: dict[str, int] = {}
    points: list[list[float]] = [[], []]
    for line, row in rows[1:]:
        cells = [c.strip() for c in row]
        if len(cells) != 3:
            add(f"line {line}", "each row needs three cells: item and two numbers",
                ",".join(cells), "write 'item,<points>,<points>'", line)
            continue
        item = cells[0]
        if not item:
            add(f"line {line}", "the item name is empty", ",".join(cells), "name the item",
                line)
        elif item in first_line:
            add(f"item {item!r}", "items must be unique", item,
                f"merge it with the row on line {first_line[item]}, or rename it", line)
        else:
            first_line[item] = line
        values = []
        for side, cell in zip(sides, cells[1:], strict=True):
            v = _number(cell)
            if v is None or not math.isfinite(v):
                add(f"{side} points of {item!r}", "must be a number", cell,
                    "give a number such as 25", line)
            elif v < 0:
                add(f"{side} points of {item!r}", "must not be negative", v,
                    "give a number >= 0", line)
            values.append(v)
        if item and None not in values:
            items.append(item)
            points[0].append(float(values[0]))  # type: ignore[arg-type]
            points[1].append(float(values[1]))  # type: ignore[arg-type]
    if not problems and not items:
        add("items", "the table has no items", "", "add one row per item", None)
    notes: list[str] = []
    if not problems:
        for k, side in enumerate(sides):
            total = sum(points[k])
            if math.isclose(total, _TOTAL, abs_tol=_SUM_TOL):
                continue
            if normalise and total > 0:
                points[k] = [v * _TOTAL / total for v in points[k]]
                notes.append(f"points of {side} summed to {total:g}; rescaled to 100")
            else:
                add(f"{side} points", "must sum to 100", total,
                    "correct them, or normalise (rescale each side to 100; a note records "
                    "it)", None)
    if problems:
        raise ScenarioError(problems, where)
    return PointsTable(tuple(items), sides, tuple(points[0]), tuple(points[1]), tuple(notes))


def read_points_csv(path: str | Path, *, normalise: bool = False) -> PointsTable:
    """Read a points table from a CSV file.

    The header names the sides: ``item,<side A>,<side B>``; each further row gives an item
    and the two sides' points. Blank lines and lines starting with ``#`` are skipped.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    normalise : bool
        Rescale each side's points to sum to 100 (noted in :attr:`PointsTable.notes`)
        instead of reporting a wrong sum as an error.

    Raises
    ------
    ScenarioError
        Listing every problem (wrong header, non-numeric or negative points, duplicate
        items, sums other than 100), each with its line.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise ScenarioError([Problem("file", "cannot be read", str(p),
                                     f"check the path ({err.strerror})", None, str(p))],
                            str(p)) from None
    return parse_points_csv(text, source=str(p), normalise=normalise)
