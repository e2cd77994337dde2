"""Safe XML parsing for the XML readers (GENIUS, KTAB): no DTD, no entities, line numbers.

The standard library's :mod:`xml.etree.ElementTree` neither refuses entity declarations
(the "billion laughs" expansion) nor keeps the line of each element. :func:`parse_xml` first
runs :mod:`xml.parsers.expat` over the text with handlers that refuse any ``<!DOCTYPE``,
entity declaration or external entity, recording the line of every start tag; only a
document that passes is handed to :func:`xml.etree.ElementTree.fromstring`. Each refusal or
markup error is a :class:`~parley.errors.ScenarioError` naming the file and line.

Private module: the public readers are :mod:`parley.io.genius` and :mod:`parley.io.ktab_xml`.

Examples
--------
>>> root, lines = parse_xml("<a>\\n  <b/>\\n</a>", "x.xml", needs_neither="x files")
>>> [lines[id(el)] for el in root.iter()]
[1, 2]
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import xml.parsers.expat
from typing import Any

from parley.errors import Problem, ScenarioError

__all__ = ["line_of", "parse_xml"]


class _RefusedError(Exception):
    def __init__(self, what: str, line: int) -> None:
        super().__init__(what)
        self.what = what
        self.line = line


def line_of(text: str, line: int) -> str:
    """The 1-based line ``line`` of ``text``, stripped; ``""`` when out of range."""
    rows = text.splitlines()
    return rows[line - 1].strip() if 0 < line <= len(rows) else ""


def _element_lines(text: str, source: str | None, needs_neither: str,
                   markup_fix: str, quote: bool) -> list[int]:
    """Line of every element's start tag, in document order; refuses DTDs and entities."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    lines: list[int] = []

    def start(name: str, attrs: Any) -> None:
        lines.append(parser.CurrentLineNumber)

    def doctype(*args: Any) -> None:
        raise _RefusedError("declares a DTD (<!DOCTYPE ...>)", parser.CurrentLineNumber)

    def entity(*args: Any) -> None:
        raise _RefusedError("declares an entity", parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = lambda *args: 0
    try:
        parser.Parse(text, True)
    except _RefusedError as err:
        raise ScenarioError([Problem("file", err.what + ", which parley does not read", "",
                                     "remove the DTD and entity declarations; "
                                     f"{needs_neither} need neither", err.line, source)],
                            source) from None
    except xml.parsers.expat.ExpatError as err:
        raise ScenarioError([Problem(
            "file", f"is not well-formed XML: {xml.parsers.expat.ErrorString(err.code)}",
            line_of(text, err.lineno)[:60] if quote else "", markup_fix,
            err.lineno, source)], source) from None
    return lines


def parse_xml(text: str, source: str | None, *, needs_neither: str,
              markup_fix: str = "fix the markup at this line", quote: bool = False,
              ) -> tuple[ET.Element, dict[int, int]]:
    """Parse ``text`` refusing DTDs and entities; the root and a map element id -> line.

    Parameters
    ----------
    text
        The document (a leading byte-order mark is the caller's to strip).
    source
        The file name cited in every problem.
    needs_neither
        Who does without DTDs and entities, for the fix of a refusal
        (``"GENIUS files"`` gives "...; GENIUS files need neither").
    markup_fix
        The fix given for markup that is not well-formed.
    quote
        Whether a markup problem quotes (up to 60 characters of) the offending line.

    Raises
    ------
    ScenarioError
        The document declares a DTD or an entity, or is not well-formed XML.
    """
    element_lines = _element_lines(text, source, needs_neither, markup_fix, quote)
    root = ET.fromstring(text)
    return root, {id(el): ln for el, ln in zip(root.iter(), element_lines, strict=False)}
