"""The skeleton of parley's self-contained HTML pages: one document, inline CSS, nothing loaded.

The briefing (:mod:`parley.report.briefing`) and the backtest leaderboard
(:mod:`parley.backtest.html`) share one look: a serif body of limited width, sans-serif
headings, ruled tables with right-aligned numbers, a warning box and a small footer, and a
print style. :func:`page` wraps a page's body in that document (``<!DOCTYPE html>``, a
``generator`` meta tag naming the parley version, the title, the CSS inline); each page
adds its own rules with ``css`` and ``print_css``. The document references nothing outside
itself: no scripts, style sheets, fonts or images by URL.

This is a leaf module: it imports nothing of parley, so that every layer may use it (the
backtest must not import the report layer; see ``DESIGN.md``).

Examples
--------
>>> doc = page("Talks <draft>", ["<h1>Talks</h1>"], css=".x { color: red; }")
>>> doc.splitlines()[0], "<title>Talks &lt;draft&gt;</title>" in doc, ".x { color" in doc
('<!DOCTYPE html>', True, True)
>>> escape('"A" & <B>')
'&quot;A&quot; &amp; &lt;B&gt;'
"""

from __future__ import annotations

import html
from collections.abc import Iterable

__all__ = ["BASE_CSS", "escape", "page", "parley_version", "stylesheet"]

#: The rules every page shares; ``{max_width}`` is the width of the page's body.
BASE_CSS = """
body {{ font-family: Georgia, "Times New Roman", serif; color: #1a1a1a; max-width: {max_width};
       margin: 2rem auto; padding: 0 1.25rem; line-height: 1.45; }}
h1, h2, h3 {{ font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.2; }}
h1 {{ font-size: 1.7rem; margin-bottom: 0.3rem; }}
h2 {{ font-size: 1.3rem; border-bottom: 2px solid #1f5f9e; padding-bottom: 0.2rem;
     margin-top: 2.2rem; }}
h3 {{ font-size: 1.05rem; margin-top: 1.4rem; }}
.meta {{ color: #555; font-size: 0.9rem; }}
code {{ font-family: Menlo, Consolas, monospace; font-size: 0.88em; }}
table {{ border-collapse: collapse; width: 100%; margin: 0.6rem 0 1rem; font-size: 0.9rem; }}
th, td {{ border: 1px solid #999; padding: 0.3rem 0.45rem; text-align: left;
         vertical-align: top; }}
th {{ background: #eef2f6; font-family: "Helvetica Neue", Arial, sans-serif; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.none {{ color: #888; }}
.warning {{ border-left: 4px solid #c98a00; padding: 0.3rem 0.7rem; background: #fff8e6; }}
footer {{ margin-top: 2.5rem; color: #777; font-size: 0.8rem; }}
"""

_PRINT_CSS = """\
  body { max-width: none; margin: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  th { background: none; }
"""


def escape(text: object) -> str:
    """``str(text)`` with ``&``, ``<``, ``>`` and both quotes escaped for HTML."""
    return html.escape(str(text), quote=True)


def parley_version() -> str:
    """The installed parley version (``"unknown"`` when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("parley")
    except PackageNotFoundError:
        return "unknown"


def stylesheet(css: str = "", *, print_css: str = "", max_width: str = "64rem") -> str:
    """The shared rules (:data:`BASE_CSS`), then ``css``, then the print rules.

    Parameters
    ----------
    css : str
        The page's own rules, one per line.
    print_css : str
        The page's own rules for print, one per line (inside ``@media print``).
    max_width : str
        Width of the page's body, a CSS length.
    """
    extra = css.strip("\n")
    printed = print_css.strip("\n")
    return (BASE_CSS.format(max_width=max_width) + (extra + "\n" if extra else "")
            + "@media print {\n" + _PRINT_CSS + (printed + "\n" if printed else "") + "}\n")


def page(title: str, body: Iterable[str], *, css: str = "", print_css: str = "",
         max_width: str = "64rem") -> str:
    """One self-contained HTML document.

    Parameters
    ----------
    title : str
        The document's title, as plain text (escaped here).
    body : iterable of str
        The body's HTML, one piece per line; the caller escapes what it takes from data.
    css, print_css, max_width
        The page's own style (see :func:`stylesheet`).

    Returns
    -------
    str
        The document, ending with a newline.
    """
    version = escape(parley_version())
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="parley {version}">',
        f"<title>{escape(title)}</title>",
        f"<style>{stylesheet(css, print_css=print_css, max_width=max_width)}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
        "",
    ])
