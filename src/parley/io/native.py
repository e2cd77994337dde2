"""parley's native scenario format: YAML (JSON accepted), with line-numbered errors.

Examples
--------
>>> text = '''
... name: toy
... actors:
...   - {id: a, name: A, capability: 1}
... issues:
...   - {id: x, name: X}
... stances:
...   - {actor: a, issue: x, position: 20, salience: 1.4}
... '''
>>> try:
...     loads(text, source="toy.yaml")
... except ScenarioError as err:
...     problem = err.problems[0]
>>> problem.field, problem.line, problem.value
('stances[0].salience', 8, 1.4)
>>> problem.rule
"salience of actor 'a' on issue 'x' must be in [0, 1]"
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from parley.errors import Problem, ScenarioError
from parley.scenario import Scenario, parse_scenario

__all__ = ["dumps", "field_line", "line_map", "loads", "read_text"]


def read_text(path: Path) -> str:
    """Read a file as UTF-8 text, with a clear error if it is missing, empty or binary."""
    where = str(path)
    if not path.exists():
        raise ScenarioError([Problem("file", "does not exist", where,
                                     "check the path, or run 'parley scenarios' for bundled names",
                                     source=where)], where)
    if not path.is_file():
        raise ScenarioError([Problem("file", "is not a regular file", where,
                                     "give the path of a scenario file", source=where)], where)
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise ScenarioError([Problem("file", "is not a text file (it holds binary data)",
                                     f"{len(raw)} bytes", "give a YAML, JSON or CSV file",
                                     source=where)], where)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ScenarioError([Problem("file", "is not UTF-8 text",
                                     f"byte {raw[err.start]:#04x} at offset {err.start}",
                                     "save the file as UTF-8", source=where)], where) from None
    if not text.strip():
        raise ScenarioError([Problem("file", "is empty", "", "write a scenario into it "
                                     "(see 'parley schema' and 'parley show geneva-2026')",
                                     source=where)], where)
    return text


def line_map(text: str) -> dict[str, int]:
    """Map each field path (``stances[3].salience``) of a YAML document to its 1-based line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        lines.setdefault(path or "scenario", node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = f"{path}.{key.value}" if path else str(key.value)
                lines[sub] = key.start_mark.line + 1
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[f"{path}[{i}]"] = item.start_mark.line + 1
                walk(item, f"{path}[{i}]")

    if root is not None:
        walk(root, "")
    return lines


def field_line(field: str, lines: Mapping[str, int]) -> int | None:
    """The line of a field path in a line map: its own, else its nearest parent's.

    ``lines`` maps field paths to lines, as :func:`line_map` makes them (the row-based
    readers make their own).

    >>> field_line("stances[3].salience", {"stances": 5, "stances[3]": 9})
    9
    >>> field_line("actors[0].name", {"stances": 5}) is None
    True
    """
    probe = field
    while probe:
        if probe in lines:
            return lines[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return None


def loads(text: str, source: str | None = None, *, fmt: str = "yaml") -> Scenario:
    """Parse a scenario from YAML (or JSON, with ``fmt="json"``) text.

    Every problem is reported with its line where the text has one.
    """
    try:
        data: Any = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except json.JSONDecodeError as err:
        raise ScenarioError([Problem("file", f"is not valid JSON: {err.msg}", text[err.pos:][:20],
                                     "fix the JSON syntax", err.lineno, source)], source) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(err, "problem", None) or str(err)
        raise ScenarioError([Problem("file", f"is not valid YAML: {what}",
                                     _line_text(text, line), "fix the YAML syntax (indentation, "
                                     "colons, quotes) at that line", line, source)],
                            source) from None
    if data is None:
        raise ScenarioError([Problem("file", "is empty", "", "write a scenario into it",
                                     source=source)], source)
    try:
        return parse_scenario(data, source)
    except ScenarioError as err:
        lines = line_map(text)
        located = [Problem(p.field, p.rule, p.value, p.fix, field_line(p.field, lines), source)
                   for p in err.problems]
        located.sort(key=lambda p: (p.line or 0))
        raise ScenarioError(located, source) from None


def _line_text(text: str, line: int | None) -> str:
    if line is None:
        return ""
    rows = text.splitlines()
    return rows[line - 1].strip() if 0 < line <= len(rows) else ""


def dumps(scenario: Scenario, *, fmt: str = "yaml") -> str:
    """Serialise a scenario as native YAML (or JSON); :func:`loads` reads it back equal."""
    data = scenario.to_dict()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
