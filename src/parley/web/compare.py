"""Compare two recorded runs issue by issue (the run history page's comparison).

Examples
--------
>>> compare_outcomes({"x": 40.0, "y": None}, {"x": 55.5, "z": 1.0},
...                  {"x": "Borders", "z": "Zones"})
... # doctest: +NORMALIZE_WHITESPACE
[{'id': 'x', 'name': 'Borders', 'a': 40.0, 'b': 55.5, 'difference': 15.5},
 {'id': 'y', 'name': 'y', 'a': None, 'b': None, 'difference': None},
 {'id': 'z', 'name': 'Zones', 'a': None, 'b': 1.0, 'difference': None}]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["compare_outcomes", "outcomes_of"]


def outcomes_of(result: Mapping[str, Any] | None) -> dict[str, float | None]:
    """The per-issue outcomes of a stored forecast result (``{}`` for other results)."""
    if not result or not isinstance(result.get("outcome"), Mapping):
        return {}
    out: dict[str, float | None] = {}
    for issue, value in result["outcome"].items():
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        out[str(issue)] = float(value) if ok else None
    return out


def compare_outcomes(a: Mapping[str, float | None], b: Mapping[str, float | None],
                     names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows ``{id, name, a, b, difference}``: every issue of ``a``, then those only in ``b``.

    ``difference`` is ``b - a`` where both runs have a value, else ``None``; ``name`` comes
    from ``names`` (the issue id where it has none).
    """
    rows = []
    for issue in [*a, *(k for k in b if k not in a)]:
        x, y = a.get(issue), b.get(issue)
        rows.append({"id": issue, "name": names.get(issue, issue), "a": x, "b": y,
                     "difference": None if x is None or y is None else y - x})
    return rows
