"""The ensemble briefing: outcome distributions, the tornado, a what-if table (HTML).

:func:`render_ensemble_briefing` builds one self-contained HTML page (inline CSS and SVG,
nothing loaded from elsewhere) from any of an ensemble's result, a sensitivity analysis and
a what-if comparison:

* per issue, the histogram of the ensemble's outcomes over the issue's scale, the band
  where every party's acceptable range holds it (the zone of agreement), the median and the
  5-95 % interval, and the probability that the outcome is acceptable to every party;
* per issue, the tornado chart of the inputs that swing the outcome most, and the table of
  their Sobol indices;
* the what-if table: baseline against changed scenario on the same draws, per issue.

Charts are matplotlib figures (the ``report`` extra) drawn without pyplot and embedded with
:func:`parley.report.figure_svg`; matplotlib is imported only when a chart is drawn.

Examples
--------
>>> from parley.io import load
>>> from parley.ensemble import run_ensemble
>>> r = run_ensemble(load("geneva-2026"), n_runs=200, seed=1)
>>> html = render_ensemble_briefing(r)
>>> html.startswith("<!DOCTYPE html>") and "<svg" in html
True
"""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from parley.errors import MissingExtraError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from parley.ensemble.runner import EnsembleResult
    from parley.ensemble.sensitivity import SensitivityResult, Tornado
    from parley.ensemble.whatif import WhatIfComparison

__all__ = ["outcome_chart", "render_ensemble_briefing", "tornado_chart", "whatif_table",
           "write_ensemble_briefing"]

_PURPOSE = "Drawing the ensemble briefing's charts"
_BAR = "#1f5f9e"
_ZONE = "#2a8c3a"
_CSS = """
body { font-family: Georgia, "Times New Roman", serif; color: #1a1a1a; max-width: 64rem;
       margin: 2rem auto; padding: 0 1.25rem; line-height: 1.45; }
h1, h2, h3 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.2; }
h2 { border-bottom: 2px solid #1f5f9e; padding-bottom: 0.2rem; margin-top: 2.2rem; }
.meta { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #999; padding: 0.3rem 0.45rem; text-align: left; }
th { background: #eef2f6; font-family: "Helvetica Neue", Arial, sans-serif; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { border-left: 4px solid #c98a00; padding: 0.3rem 0.7rem; background: #fff8e6; }
figure { margin: 0.5rem 0 1rem; } svg { max-width: 100%; height: auto; }
footer { margin-top: 2.5rem; color: #777; font-size: 0.8rem; }
"""


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("matplotlib", "report", _PURPOSE) from None
    return Figure


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _pct(p: float | None) -> str:
    return "-" if p is None else f"{100 * p:.1f} %"


def _num(x: float | None, digits: int = 1) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def outcome_chart(result: EnsembleResult, issue_id: str, *, bins: int = 40) -> Figure:
    """Histogram of one issue's outcomes over its scale, with the zone and the interval."""
    figure = _figure_class()
    j = result.issue_ids.index(issue_id)
    x = result.outcome[:, j]
    x = x[np.isfinite(x)]
    lo, hi = float(result.low[j]), float(result.high[j])
    fig: Figure = figure(figsize=(7.5, 2.6), layout="constrained")
    ax = fig.add_subplot()
    zlo, zhi = result.red_lines.zone()
    if np.isfinite(zlo[j]) and zlo[j] <= zhi[j]:
        ax.axvspan(max(lo, float(zlo[j])), min(hi, float(zhi[j])), color=_ZONE, alpha=0.15,
                   label="acceptable to every party")
    if x.size:
        ax.hist(x, bins=bins, range=(lo, hi), color=_BAR, alpha=0.85)
        q05, q50, q95 = np.quantile(x, [0.05, 0.5, 0.95])
        ax.axvline(q50, color="black", linewidth=1.5, label=f"median {q50:.1f}")
        for q in (q05, q95):
            ax.axvline(q, color="black", linewidth=0.8, linestyle="--")
    ax.set_xlim(lo, hi)
    ax.set_xlabel(result.issue_names[j], parse_math=False)
    ax.set_ylabel("draws")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.grid(True, axis="y", color="#e4e4e4", linewidth=0.6)
    return fig


def tornado_chart(tornado: Tornado, issue_id: str, *, top: int = 10,
                  title: str | None = None) -> Figure:
    """The tornado of one issue: each input's swing between its low and high quantile."""
    figure = _figure_class()
    bars = [b for b in tornado.bars[issue_id][:top] if math.isfinite(b.swing)]
    base = float(tornado.base[tornado.issue_ids.index(issue_id)])
    fig: Figure = figure(figsize=(7.5, 0.5 + 0.32 * max(1, len(bars))), layout="constrained")
    ax = fig.add_subplot()
    for k, b in enumerate(reversed(bars)):
        lo, hi = sorted((b.low_outcome, b.high_outcome))
        ax.barh(k, hi - lo, left=lo, color=_BAR, alpha=0.85, height=0.6)
    ax.set_yticks(range(len(bars)), [b.input for b in reversed(bars)], fontsize=8)
    ax.axvline(base, color="black", linewidth=1.0)
    qlo, qhi = tornado.quantiles
    ax.set_xlabel(f"outcome with the input at its {qlo:.0%} and {qhi:.0%} quantiles "
                  f"(line: all at point values, {base:.1f})", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return fig


def whatif_table(comparison: WhatIfComparison) -> str:
    """The what-if comparison as an HTML table (no chart, no extra needed)."""
    rows = ["<table><thead><tr><th>issue</th><th>baseline median (5-95 %)</th>"
            "<th>what-if median (5-95 %)</th><th>mean change (s.e.)</th>"
            "<th>draws moved up / down</th><th>acceptable to all: baseline -> what-if</th>"
            "</tr></thead><tbody>"]
    for r in comparison.rows():
        b, v, d = r["baseline"], r["variant"], r["difference"]

        def med(dist: dict[str, Any]) -> str:
            q = dist["quantiles"]
            return (f"{_num(q.get('0.5'))} ({_num(q.get('0.05'))}-{_num(q.get('0.95'))})"
                    if q.get("0.5") is not None else "-")

        rows.append(
            f"<tr><td>{_e(r['name'])}</td><td class=num>{med(b)}</td>"
            f"<td class=num>{med(v)}</td>"
            f"<td class=num>{_num(d['mean'], 2)} ({_num(d['se'], 2)})</td>"
            f"<td class=num>{_pct(d['share_higher'])} / {_pct(d['share_lower'])}</td>"
            f"<td class=num>{_pct(r['acceptable_to_all']['baseline'])} -> "
            f"{_pct(r['acceptable_to_all']['variant'])}</td></tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _ensemble_section(result: EnsembleResult) -> list[str]:
    from parley.report import figure_svg

    doc = result.summary()
    spec = result.spec
    out = ["<h2 id=outcomes>Outcome distributions</h2>",
           f"<p class=meta>{spec.n_runs:,} draws of model <code>{_e(spec.model)}</code>, seed "
           f"{spec.seed}, {len(result.inputs)} uncertain inputs"
           + (f", jitter {_e(spec.jitter.to_dict())}" if spec.jitter else "") + ". "
           "Probability that the outcome is acceptable to every party on every issue at "
           f"once: {_pct(doc['acceptable_to_all_on_every_issue'])}.</p>",
           "<table><thead><tr><th>issue</th><th>mean</th><th>5 %</th><th>median</th>"
           "<th>95 %</th><th>acceptable to every party</th></tr></thead><tbody>"]
    for j, issue in enumerate(result.issue_ids):
        d = doc["issues"][issue]
        q = d["distribution"]["quantiles"]
        out.append(f"<tr><td>{_e(result.issue_names[j])}</td>"
                   f"<td class=num>{_num(d['distribution']['mean'])}</td>"
                   f"<td class=num>{_num(q.get('0.05'))}</td>"
                   f"<td class=num>{_num(q.get('0.5'))}</td>"
                   f"<td class=num>{_num(q.get('0.95'))}</td>"
                   f"<td class=num>{_pct(d['acceptable_to_all'])}</td></tr>")
    out.append("</tbody></table>")
    for j, issue in enumerate(result.issue_ids):
        out.append(f"<h3>{_e(result.issue_names[j])}</h3>")
        out.append("<figure>" + figure_svg(outcome_chart(result, issue),
                                           id_prefix=f"o{j}-") + "</figure>")
    return out


def _sensitivity_section(sens: SensitivityResult, top: int) -> list[str]:
    from parley.report import figure_svg

    out = ["<h2 id=sensitivity>What matters most</h2>",
           f"<p class=meta>Sobol indices from {sens.sobol.n * (len(sens.sobol.names) + 2):,} "
           f"runs of <code>{_e(sens.model)}</code> (S1: the input alone; ST: with its "
           "interactions; 0 means it does not matter). Tornado: each input at its "
           f"{sens.tornado.quantiles[0]:.0%} and {sens.tornado.quantiles[1]:.0%} quantiles, "
           "the others at their point values.</p>"]
    for j, issue in enumerate(sens.sobol.outputs):
        out.append(f"<h3>{_e(sens.issue_names[j])}</h3>")
        out.append("<figure>" + figure_svg(tornado_chart(sens.tornado, issue, top=top),
                                           id_prefix=f"t{j}-") + "</figure>")
        out.append("<table><thead><tr><th>input</th><th>S1</th><th>ST</th></tr></thead>"
                   "<tbody>")
        for name, s1, st in sens.sobol.ranking(issue, top):
            out.append(f"<tr><td>{_e(name)}</td><td class=num>{_num(s1, 3)}</td>"
                       f"<td class=num>{_num(st, 3)}</td></tr>")
        out.append("</tbody></table>")
    return out


def render_ensemble_briefing(result: EnsembleResult | None = None, *,
                             sensitivity: SensitivityResult | None = None,
                             whatif: WhatIfComparison | None = None, title: str | None = None,
                             top: int = 10, generated_at: datetime | None = None) -> str:
    """One self-contained HTML page from whichever results are given."""
    if result is None and sensitivity is None and whatif is None:
        raise ValueError("give at least one of result, sensitivity and whatif")
    name = (result.scenario if result is not None else sensitivity.scenario
            if sensitivity is not None else whatif.baseline.scenario if whatif else "")
    heading = title or f"Uncertainty briefing: {name}"
    stamp = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    body = [f"<h1>{_e(heading)}</h1>", f"<p class=meta>Scenario <code>{_e(name)}</code>; "
            f"generated {stamp}.</p>"]
    if result is not None:
        body += _ensemble_section(result)
    if sensitivity is not None:
        body += _sensitivity_section(sensitivity, top)
    if whatif is not None:
        body.append(f"<h2 id=whatif>What if: {_e(whatif.changes.name)}</h2>")
        if whatif.changes.description:
            body.append(f"<p>{_e(whatif.changes.description)}</p>")
        body.append("<ul>" + "".join(f"<li>{_e(c.describe())}</li>"
                                     for c in whatif.changes.changes) + "</ul>")
        body.append(f"<p class=meta>{whatif.baseline.spec.n_runs:,} draws each, the same "
                    "draws for every input both scenarios share (common random numbers).</p>")
        body += [f"<p class=note>{_e(n)}</p>" for n in whatif.notes]
        body.append(whatif_table(whatif))
    body.append("<footer>Generated by parley. Distributions follow from the uncertainty "
                "declared in the scenario; they are no wider than the analyst's "
                "judgements.</footer>")
    return "\n".join(["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
                      f"<title>{_e(heading)}</title>", f"<style>{_CSS}</style>", "</head>",
                      "<body>", *body, "</body>", "</html>", ""])


def write_ensemble_briefing(path: str | Path, result: EnsembleResult | None = None, *,
                            sensitivity: SensitivityResult | None = None,
                            whatif: WhatIfComparison | None = None,
                            title: str | None = None) -> Path:
    """Write :func:`render_ensemble_briefing`'s page to ``path`` (UTF-8); return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_ensemble_briefing(result, sensitivity=sensitivity, whatif=whatif,
                                               title=title), encoding="utf-8")
    return target

