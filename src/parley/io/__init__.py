"""Reading and writing scenarios in every supported format.

:func:`load` takes a bundled scenario name (``geneva-2026``) or a path, detects the format
and returns a validated :class:`~parley.scenario.Scenario`:

========================  =====================================================
format                    detected by
========================  =====================================================
native YAML / JSON        ``.yaml``, ``.yml``, ``.json``
KTAB CSV                  a first line ``name,description,actors,dimensions``
                          and a second line starting ``Actor,Description``
KTAB XML                  ``.xml``
Decide (exchange model)   lines starting ``'#A'``, ``'#P'``, ``'#M'``, ``'#D'``
plain one-issue table     a header with ``actor``, ``capability``, ``position``
                          (optionally ``position_<unit>``) and ``salience``
========================  =====================================================
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from parley.errors import Problem, ScenarioError
from parley.io.native import dumps, loads, read_text
from parley.scenario import Scenario

__all__ = ["bundled_names", "detect_format", "dumps", "load", "loads", "save"]

FORMATS = ("yaml", "json", "ktab", "ktab-xml", "decide", "table")


def bundled_names() -> list[str]:
    """Names of the scenarios shipped with parley.

    >>> "geneva-2026" in bundled_names()
    True
    """
    folder = resources.files("parley") / "scenarios"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def _bundled_text(name: str) -> str:
    return (resources.files("parley") / "scenarios" / f"{name}.yaml").read_text("utf-8")


def detect_format(path: Path, text: str) -> str:
    """Guess a file's format from its suffix, then from its first lines."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".json":
        return "json"
    if suffix == ".xml":
        return "ktab-xml"
    first = [ln.strip() for ln in text.splitlines() if ln.strip()][:2]
    if first and first[0].startswith(("'#A'", "#A", "'#P'", "#P")):
        return "decide"
    if len(first) == 2 and first[1].lower().startswith("actor,description"):
        return "ktab"
    header = first[0].lower() if first else ""
    if "actor" in header and "salience" in header and "position" in header:
        return "table"
    if suffix in (".csv", ".tsv", ".txt"):
        raise ScenarioError([Problem(
            "file", "is not a format parley recognises (KTAB CSV, Decide, or a table with "
            "columns actor, capability, position, salience)", first[0][:60] if first else "",
            "check the header line, or convert the file to parley YAML", 1, str(path))],
            str(path))
    return "yaml"


def load(source: str | Path, *, fmt: str | None = None, scale: tuple[float, float] | None = None,
         ) -> Scenario:
    """Load a scenario from a bundled name or a file in any supported format.

    Parameters
    ----------
    source : str or Path
        A bundled scenario name (see :func:`bundled_names`) or a path.
    fmt : str, optional
        Force a format (one of ``yaml``, ``json``, ``ktab``, ``decide``, ``table``).
    scale : (low, high), optional
        For the plain table only: the issue's scale (default: taken from the data).

    Raises
    ------
    ScenarioError
        If the file cannot be read or the scenario is invalid; every problem is listed.

    Examples
    --------
    >>> load("geneva-2026").name
    'geneva-2026'
    """
    path = Path(source)
    if isinstance(source, str) and not path.exists() and source in bundled_names():
        return loads(_bundled_text(source), source=f"{source} (bundled)")
    if isinstance(source, str) and not path.exists() and path.suffix == "" and "/" not in source:
        raise ScenarioError([Problem(
            "scenario", "is neither a bundled scenario nor an existing file", source,
            f"use one of {', '.join(bundled_names())} or give a file path")], source)
    text = read_text(path)
    fmt = fmt or detect_format(path, text)
    where = str(path)
    if fmt in ("yaml", "json"):
        return loads(text, source=where, fmt=fmt)
    if fmt == "ktab":
        from parley.io.ktab import read_ktab_csv

        return read_ktab_csv(text, source=where)
    if fmt == "ktab-xml":
        from parley.io.ktab_xml import read_ktab_xml

        return read_ktab_xml(text, source=where)
    if fmt == "decide":
        from parley.io.decide import read_decide

        return read_decide(text, source=where)
    if fmt == "table":
        from parley.io.table import read_table

        return read_table(text, source=where, scale=scale)
    raise ScenarioError([Problem("format", "is not a known format", fmt,
                                 f"use one of {', '.join(FORMATS)}")], where)


def save(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario as native YAML (or JSON if the path ends in ``.json``)."""
    path = Path(path)
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    path.write_text(dumps(scenario, fmt=fmt), encoding="utf-8")
    return path
