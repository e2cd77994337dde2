"""The shared HTML page skeleton: escaping, self-containment, where each page's rules go."""

from __future__ import annotations

import re

from parley.htmlpage import BASE_CSS, escape, page, stylesheet


def test_escape_covers_the_five_html_special_characters() -> None:
    # html.escape(quote=True) maps & < > " ' to these entities (Python docs, html.escape)
    assert escape("&<>\"'") == "&amp;&lt;&gt;&quot;&#x27;"
    assert escape(42) == "42"


def test_page_escapes_the_title_and_loads_nothing() -> None:
    doc = page('<script>alert("x")</script>', ["<p>body</p>"])
    assert "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>" in doc
    assert "<script" not in doc
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", doc)
    assert doc.startswith("<!DOCTYPE html>\n")
    assert doc.endswith("</html>\n")
    assert "\n<p>body</p>\n" in doc


def test_page_rules_follow_the_shared_ones_and_print_rules_sit_in_the_media_block() -> None:
    css = stylesheet(".x { color: red; }", print_css="  .y { break-before: page; }",
                     max_width="72rem")
    assert css.startswith(BASE_CSS.format(max_width="72rem"))
    assert "max-width: 72rem;" in css
    main, media = css.split("@media print {")
    assert main.rstrip().endswith(".x { color: red; }")
    assert media.rstrip().endswith(".y { break-before: page; }\n}")
    assert css.count("{") == css.count("}")
