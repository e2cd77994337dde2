"""The HTML briefing: one self-contained page with the forecasts and the evidence behind them.

The page has a header (scenario title and name, content hash, parley version, generation
time), the forecast table (issue x model: value and nearest anchor label, the spread of the
parties' positions, and each party's acceptable range compared with each model's outcome),
then one section per issue (description, scale anchors, stakeholder map as inline SVG,
stakeholder table with the evidence quotes), the actors, and the sources.

The document loads nothing: no scripts, no style sheets, fonts or images by URL; the CSS is
inline and the charts are inline SVG. Every string that comes from the scenario is
HTML-escaped. :func:`forecast_rows` is the per-issue summary that the command line prints
and writes as JSON; it is pure and JSON-ready.

Examples
--------
Party A accepts [0, 40] and sits at 20, party B at 80; the compromise forecast is 50, above
A's range, and the parties are 80 - 20 = 60 apart:

>>> from parley.scenario import Scenario
>>> from parley.models import Compromise
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 2},
...                {"id": "b", "name": "B", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5,
...                  "acceptable": {"low": 0, "high": 40}},
...                 {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}]})
>>> row, = forecast_rows(s, [Compromise().run(s)])
>>> row["models"]["compromise"]["value"], row["spread"], row["verdicts"]["a"]
(50.0, 60.0, {'compromise': 'above'})
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from parley.htmlpage import escape as _e
from parley.htmlpage import page, parley_version
from parley.scenario import Evidence, Quantity, Range, Scenario

if TYPE_CHECKING:
    from parley.models.base import Forecast

__all__ = ["forecast_rows", "model_labels", "render_briefing", "verdict", "write_briefing"]

Verdict = Literal["below", "inside", "above"]


# ------------------------------------------------------------------------------------------
# the per-issue summary
# ------------------------------------------------------------------------------------------

def model_labels(forecasts: Sequence[Forecast]) -> list[str]:
    """Column labels of the forecasts: the model name, ``name#2``, ``name#3``... on repeats.

    >>> from types import SimpleNamespace as F
    >>> model_labels([F(model="nash"), F(model="compromise"), F(model="nash")])
    ['nash', 'compromise', 'nash#2']
    """
    seen: dict[str, int] = {}
    labels = []
    for f in forecasts:
        seen[f.model] = seen.get(f.model, 0) + 1
        labels.append(f.model if seen[f.model] == 1 else f"{f.model}#{seen[f.model]}")
    return labels


def verdict(value: float | None, acceptable: Range | None, *, tol: float = 0.0
            ) -> Verdict | None:
    """Where ``value`` lies relative to an acceptable range.

    ``tol`` widens the range on both sides (numerical slack). ``None`` when there is no
    value or no range.

    >>> verdict(50, Range(low=0, high=40)), verdict(40, Range(low=0, high=40))
    ('above', 'inside')
    """
    if value is None or acceptable is None or math.isnan(value):
        return None
    if value < acceptable.low - tol:
        return "below"
    if value > acceptable.high + tol:
        return "above"
    return "inside"


def _value(forecast: Forecast, issue_id: str) -> float | None:
    if issue_id not in forecast.issue_ids:
        return None
    x = forecast[issue_id]
    return None if math.isnan(x) else float(x)


def forecast_rows(scenario: Scenario, forecasts: Sequence[Forecast]) -> list[dict[str, Any]]:
    """Summarise the forecasts issue by issue (pure, JSON-ready).

    Parameters
    ----------
    scenario : Scenario
        The scenario the forecasts are of.
    forecasts : sequence of Forecast
        One per model; keys are :func:`model_labels`.

    Returns
    -------
    list of dict
        One row per issue, in scenario order::

            {"id": id, "name": str, "unit": str, "status_quo": float | None,
             "models": {label: {"value": float | None, "label": str}},
             "spread": float | None,
             "verdicts": {party id: {label: "below" | "inside" | "above" | None}}}

        ``label`` is the nearest anchor's label ("" without anchors or value).
        ``spread`` is the largest minus the smallest position among the parties with a
        stance on the issue (``None`` if none has). ``verdicts`` has every party, in
        scenario order; a verdict is ``None`` where the party has no acceptable range on
        the issue or the model gives no value. Outcomes within ``1e-9`` of the scale's
        width from a range's end count as inside it.
    """
    labels = model_labels(forecasts)
    rows: list[dict[str, Any]] = []
    for issue in scenario.issues:
        scale = issue.scale
        tol = 1e-9 * abs(scale.high - scale.low)
        values = {lab: _value(f, issue.id) for lab, f in zip(labels, forecasts, strict=True)}
        positions = [st.position.value for a in scenario.parties
                     if (st := scenario.stance(a.id, issue.id)) is not None]
        verdicts: dict[str, dict[str, Verdict | None]] = {}
        for party in scenario.parties:
            st = scenario.stance(party.id, issue.id)
            acceptable = st.acceptable if st is not None else None
            verdicts[party.id] = {lab: verdict(v, acceptable, tol=tol)
                                  for lab, v in values.items()}
        rows.append({
            "id": issue.id,
            "name": issue.name,
            "unit": scale.unit,
            "status_quo": issue.status_quo.value if issue.status_quo is not None else None,
            "models": {lab: {"value": v,
                             "label": scale.nearest_label(v) if v is not None else ""}
                       for lab, v in values.items()},
            "spread": float(max(positions) - min(positions)) if positions else None,
            "verdicts": verdicts,
        })
    return rows


# ------------------------------------------------------------------------------------------
# the HTML document
# ------------------------------------------------------------------------------------------

#: The briefing's own rules, after the shared ones of :mod:`parley.htmlpage`.
_CSS = """
.anchor { display: block; color: #555; font-size: 0.82rem; white-space: normal; }
.inside { color: #1d6b2a; }
.below, .above { color: #a3281c; font-weight: bold; }
ul.verdicts, ul.evidence { margin: 0; padding-left: 1.1rem; }
blockquote { margin: 0; }
figure { margin: 0.8rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.85rem; }
"""
_PRINT_CSS = """
  section.issue { break-before: page; }
  figure { break-inside: avoid; }
"""


def _num(x: float | None) -> str:
    return "&ndash;" if x is None or math.isnan(x) else f"{x:.4g}"


def _slugs(scenario: Scenario) -> dict[str, str]:
    """Fragment id of each issue's section: ``issue-<id>``, made safe and unique."""
    out: dict[str, str] = {}
    for issue in scenario.issues:
        base = "issue-" + "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-"
                                  for c in issue.id)
        slug, k = base, 1
        while slug in out.values():
            k += 1
            slug = f"{base}-{k}"
        out[issue.id] = slug
    return out


def _quantity(q: Quantity) -> str:
    text = _num(q.value)
    if q.uncertainty is not None:
        low, high = q.support
        text += (f' <span class="anchor">{_e(q.uncertainty.kind)} '
                 f"{_num(low)}&ndash;{_num(high)}</span>")
    return text


def _evidence(items: Iterable[tuple[str, Evidence]]) -> str:
    lines = []
    for what, ev in items:
        quote = f"&ldquo;{_e(ev.quote)}&rdquo; " if ev.quote else ""
        note = f" <em>{_e(ev.note)}</em>" if ev.note else ""
        lines.append(f"<li>{_e(what)}: {quote}[<code>{_e(ev.source)}</code>]{note}</li>")
    return f'<ul class="evidence">{"".join(lines)}</ul>' if lines else ""


def _header(scenario: Scenario, forecasts: Sequence[Forecast], title: str | None,
            generated_at: datetime) -> list[str]:
    heading = title or scenario.title or scenario.name
    stamp = generated_at.isoformat(timespec="seconds")
    out = [
        "<header>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="meta">Scenario <code>{_e(scenario.name)}</code> (version '
        f"{scenario.version}) &middot; content hash <code>{scenario.content_hash()[:12]}</code>"
        f" &middot; parley {_e(parley_version())} &middot; generated {_e(stamp)}</p>",
    ]
    if scenario.description:
        out.append(f"<p>{_e(scenario.description)}</p>")
    digest = scenario.content_hash()
    for label, f in zip(model_labels(forecasts), forecasts, strict=True):
        if f.scenario_hash != digest:
            out.append(f'<p class="warning">The <code>{_e(label)}</code> forecast was computed '
                       f"on a different version of this scenario (hash "
                       f"<code>{_e(f.scenario_hash[:12])}</code>).</p>")
    out.append("</header>")
    return out


def _forecast_table(scenario: Scenario, rows: list[dict[str, Any]],
                    labels: list[str]) -> list[str]:
    names = {a.id: a.name for a in scenario.actors}
    slugs = _slugs(scenario)
    head = "".join(f"<th>{_e(lab)}</th>" for lab in labels)
    out = ['<section id="forecast">', "<h2>Forecast</h2>"]
    if not labels:
        out.append('<p class="none">No forecasts were given.</p>')
    out += ["<table>",
            f"<thead><tr><th>Issue</th>{head}<th>Spread of parties</th>"
            "<th>Outcome vs acceptable range</th></tr></thead>", "<tbody>"]
    for row in rows:
        cells = [f'<td><a href="#{slugs[row["id"]]}">{_e(row["name"])}</a></td>']
        for lab in labels:
            cell = row["models"][lab]
            anchor = f'<span class="anchor">{_e(cell["label"])}</span>' if cell["label"] else ""
            cells.append(f'<td class="num">{_num(cell["value"])}{anchor}</td>')
        cells.append(f'<td class="num">{_num(row["spread"])}</td>')
        items = []
        for party, per_model in row["verdicts"].items():
            if all(v is None for v in per_model.values()):
                continue
            marks = sorted(set(per_model.values()), key=str)
            if len(marks) == 1:
                text = f'<span class="{marks[0]}">{marks[0]}</span>'
            else:
                text = ", ".join(f'{_e(lab)} <span class="{v or "none"}">{v or "n/a"}</span>'
                                 for lab, v in per_model.items())
            items.append(f"<li>{_e(names[party])}: {text}</li>")
        cells.append(f'<td><ul class="verdicts">{"".join(items)}</ul></td>' if items
                     else '<td class="none">no acceptable ranges</td>')
        out.append(f"<tr>{''.join(cells)}</tr>")
    out += ["</tbody></table>",
            "<p class=\"meta\">Each cell gives the forecast and the nearest labelled point on "
            "the issue's scale. The spread is the largest minus the smallest party position. "
            "The last column says whether each model's outcome falls below, inside or above "
            "each party's acceptable range.</p>",
            "</section>"]
    return out


def _issue_section(scenario: Scenario, issue_id: str, forecasts: Sequence[Forecast],
                   row: dict[str, Any], labels: list[str]) -> list[str]:
    from parley.report.charts import figure_svg, stakeholder_map, trajectory_chart

    issue = scenario.issue(issue_id)
    scale = issue.scale
    unit = f" {_e(scale.unit)}" if scale.unit else ""
    slug = _slugs(scenario)[issue.id]
    out = [f'<section class="issue" id="{slug}">',
           f"<h2>{_e(issue.name)} <code>[{_e(issue.id)}]</code></h2>"]
    if issue.description:
        out.append(f"<p>{_e(issue.description)}</p>")
    facts = [f"Scale {_num(scale.low)} to {_num(scale.high)}{unit}"]
    if issue.status_quo is not None:
        facts.append(f"status quo {_num(issue.status_quo.value)}")
    values = [f"{_e(lab)} {_num(row['models'][lab]['value'])}" for lab in labels]
    if values:
        facts.append("forecasts: " + ", ".join(values))
    out.append(f'<p class="meta">{"; ".join(facts)}.</p>')
    if scale.anchors:
        out.append('<table class="anchors"><thead><tr><th>Value</th><th>Meaning</th></tr>'
                   "</thead><tbody>")
        out += [f'<tr><td class="num">{_num(a.value)}</td><td>{_e(a.label)}</td></tr>'
                for a in sorted(scale.anchors, key=lambda a: a.value)]
        out.append("</tbody></table>")
    if issue.options:
        out.append("<p>Options: " + "; ".join(
            f"<code>{_e(o.id)}</code> = {_num(o.value)}" + (f" ({_e(o.label)})" if o.label else "")
            for o in issue.options) + ".</p>")

    fig = stakeholder_map(scenario, issue.id, forecasts)
    out += ["<figure>", figure_svg(fig, id_prefix=f"{slug}-map-"),
            f"<figcaption>Stakeholder map of {_e(issue.name)}: position on the scale against "
            "salience; marker area is proportional to capability; bars are acceptable "
            "ranges; vertical lines are the forecasts and the status quo.</figcaption>",
            "</figure>"]
    for k, f in enumerate(f for f in forecasts if f.history is not None):
        chart = trajectory_chart(scenario, issue.id, f)
        out += ["<figure>", figure_svg(chart, id_prefix=f"{slug}-trajectory{k}-"),
                f"<figcaption>{_e(f.model)}: each actor's position round by round on "
                f"{_e(issue.name)}; the black line is the capability x salience weighted "
                "median.</figcaption>", "</figure>"]

    out += ["<h3>Stakeholders</h3>", "<table>",
            "<thead><tr><th>Actor</th><th>Role</th><th>Position</th><th>Salience</th>"
            "<th>Capability</th><th>Acceptable range</th><th>Evidence</th></tr></thead>",
            "<tbody>"]
    absent = []
    for actor in scenario.actors:
        st = scenario.stance(actor.id, issue.id)
        if st is None:
            absent.append(actor.name)
            continue
        rng = (f"{_num(st.acceptable.low)}&ndash;{_num(st.acceptable.high)}"
               if st.acceptable is not None else '<span class="none">&ndash;</span>')
        evidence = _evidence([("position", ev) for ev in st.position.evidence]
                             + [("salience", ev) for ev in st.salience.evidence])
        note = f"<p>{_e(st.note)}</p>" if st.note else ""
        out.append(f"<tr><td>{_e(actor.name)}</td><td>{_e(actor.role)}</td>"
                   f'<td class="num">{_quantity(st.position)}</td>'
                   f'<td class="num">{_quantity(st.salience)}</td>'
                   f'<td class="num">{_quantity(actor.capability)}</td>'
                   f'<td class="num">{rng}</td><td>{note}{evidence}</td></tr>')
    out.append("</tbody></table>")
    if absent:
        out.append(f'<p class="meta">No stance recorded: {_e(", ".join(absent))}.</p>')
    out.append("</section>")
    return out


def _actors_section(scenario: Scenario) -> list[str]:
    out = ['<section id="actors">', "<h2>Actors</h2>", "<table>",
           "<thead><tr><th>Actor</th><th>Role</th><th>Bloc</th><th>Capability</th>"
           "<th>Description and evidence</th></tr></thead>", "<tbody>"]
    for a in scenario.actors:
        desc = f"<p>{_e(a.description)}</p>" if a.description else ""
        ev = _evidence(("capability", e) for e in a.capability.evidence)
        out.append(f"<tr><td>{_e(a.name)} <code>[{_e(a.id)}]</code></td><td>{_e(a.role)}</td>"
                   f"<td>{_e(a.bloc or '')}</td>"
                   f'<td class="num">{_quantity(a.capability)}</td><td>{desc}{ev}</td></tr>')
    out += ["</tbody></table>", "</section>"]
    return out


def _sources_section(scenario: Scenario) -> list[str]:
    out = ['<section id="sources">', "<h2>Sources</h2>"]
    if not scenario.sources:
        out += ['<p class="none">The scenario lists no sources.</p>', "</section>"]
        return out
    out.append("<ul>")
    for s in scenario.sources:
        parts = [f"<code>{_e(s.id)}</code> ({_e(s.kind)})"]
        if s.title:
            parts.append(f"<em>{_e(s.title)}</em>")
        if s.published is not None:
            parts.append(_e(s.published.isoformat()))
        if s.url:  # as text, never as a link the page would follow or load
            parts.append(f"<code>{_e(s.url)}</code>")
        if s.sha256:
            parts.append(f"sha256 <code>{_e(s.sha256[:12])}</code>")
        out.append(f"<li>{', '.join(parts)}</li>")
    out += ["</ul>", "</section>"]
    return out


def render_briefing(scenario: Scenario, forecasts: Sequence[Forecast], *,
                    title: str | None = None, generated_at: datetime | None = None) -> str:
    """Render the briefing as one self-contained HTML document.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    forecasts : sequence of Forecast
        The forecasts to report, one per model (see :func:`forecast_rows`).
    title : str, optional
        Page heading (default: the scenario's title, else its name).
    generated_at : datetime, optional
        Time stamp to print (default: now, UTC).

    Returns
    -------
    str
        The HTML text. It references nothing outside itself (inline CSS, inline SVG)
        and escapes every string taken from the scenario.

    Raises
    ------
    MissingExtraError
        If matplotlib (the ``report`` extra) is not installed.
    """
    stamp = generated_at or datetime.now(UTC)
    rows = forecast_rows(scenario, forecasts)
    labels = model_labels(forecasts)
    heading = title or scenario.title or scenario.name
    body: list[str] = _header(scenario, forecasts, title, stamp)
    body.append("<nav><h2>Contents</h2><ol>"
                '<li><a href="#forecast">Forecast</a></li>'
                + "".join(f'<li><a href="#{slug}">{_e(scenario.issue(i).name)}</a></li>'
                          for i, slug in _slugs(scenario).items())
                + '<li><a href="#actors">Actors</a></li>'
                '<li><a href="#sources">Sources</a></li></ol></nav>')
    body += _forecast_table(scenario, rows, labels)
    for issue, row in zip(scenario.issues, rows, strict=True):
        body += _issue_section(scenario, issue.id, forecasts, row, labels)
    body += _actors_section(scenario)
    body += _sources_section(scenario)
    body.append(f"<footer>Generated by parley {_e(parley_version())}. Forecasts are model "
                "outputs from judgemental inputs; read them with the evidence above.</footer>")
    return page(heading, body, css=_CSS, print_css=_PRINT_CSS)


def write_briefing(scenario: Scenario, forecasts: Sequence[Forecast], path: str | Path, *,
                   title: str | None = None, generated_at: datetime | None = None) -> Path:
    """Write :func:`render_briefing`'s document to ``path`` (UTF-8) and return the path.

    Missing parent folders are created.
    """
    target = Path(path)
    text = render_briefing(scenario, forecasts, title=title, generated_at=generated_at)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
