"""The simulation's HTML page: outcome per issue, utilities, offers over time, transcript.

One self-contained page (no external resources, every piece of user text escaped with
:func:`html.escape`) per scenario, with one section per protocol run. The chart (matplotlib,
the ``report`` extra, rendered to inline SVG by :func:`parley.report.figure_svg`) has one
panel per party: the party's utility of each proposer's offer standing on the table after
each round (its own offers, the others', the mediator's texts), its walk-away utility as a
dotted line, and the meetings of the timeline as shaded bands. Converging lines are
concessions; a gap that stays open above a walk-away line is a deadlock.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from parley.errors import MissingExtraError
from parley.negotiation.result import SimulationResult
from parley.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["offers_chart", "render_simulation_page", "write_simulation_page"]

_COLOURS = ("#1f5f9e", "#c0392b", "#2a8c3a", "#d97a00", "#7b3fa0", "#138d9c", "#8c564b",
            "#d6378f")
_STATUS_COLOURS = {"agreed": "#2a8c3a", "open": "#d97a00", "deadlocked": "#c0392b"}


def offers_chart(result: SimulationResult) -> Figure:
    """Each party's utility of the offers on the table, round by round (see module doc).

    Raises
    ------
    MissingExtraError
        If matplotlib is not installed.
    """
    try:
        import matplotlib
        import matplotlib.figure
    except ImportError:
        raise MissingExtraError("matplotlib", "report", "Drawing the offers chart") from None
    parties = list(result.parties)
    rounds = list(range(1, result.steps + 1))
    proposers = sorted({q for p in parties for q in result.offers.get(p, {})},
                       key=lambda q: (q not in parties, parties.index(q) if q in parties else 0,
                                      q))
    colour = {q: _COLOURS[k % len(_COLOURS)] for k, q in enumerate(proposers)}
    with matplotlib.rc_context({"text.usetex": False}):
        fig = matplotlib.figure.Figure(figsize=(8.0, 1.2 + 2.2 * len(parties)),
                                       layout="constrained")
        axes = fig.subplots(len(parties), 1, sharex=True, squeeze=False)[:, 0]
        for ax, p in zip(axes, parties, strict=True):
            for k, m in enumerate(result.meetings):
                if m.get("first_round") is None:
                    continue
                ax.axvspan(m["first_round"] - 0.5, m["last_round"] + 0.5,
                           color="#f2f2f2" if k % 2 else "#fafafa", zorder=0)
            for q in proposers:
                ys = result.offers.get(p, {}).get(q)
                if ys is None:
                    continue
                xs = [r for r, y in zip(rounds, ys, strict=False) if y is not None]
                vals = [y for y in ys if y is not None]
                own = q == p
                ax.plot(xs, vals, color=colour[q], linewidth=2.0 if own else 1.2,
                        linestyle="-" if q in parties else "--",
                        label=("own offers" if own else f"offers of {q}"))
            walk = result.utilities[p]["walk_away"]
            ax.axhline(walk, color="black", linestyle=":", linewidth=1.0, label="walk-away")
            ax.set_ylim(0, 1.02)
            ax.set_ylabel(f"utility to {p}", parse_math=False)
            ax.grid(True, color="#e4e4e4", linewidth=0.6)
            ax.legend(loc="lower left", fontsize=7, frameon=False)
        axes[-1].set_xlabel("round")
        axes[0].set_title(f"{result.protocol}: offers on the table", fontsize=10, loc="left",
                          parse_math=False)
    return fig


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _section(result: SimulationResult, index: int) -> list[str]:
    from parley.report import figure_svg

    out = [f"<section><h2>Protocol: {_e(result.protocol)}</h2>",
           f"<p class='summary'>{_e(result.summary())}</p>",
           "<p>Strategies: " + _e(", ".join(f"{p} {s}" for p, s in result.strategies.items()))
           + f"; {result.steps} rounds of offers.</p>",
           "<h3>Outcome per issue</h3><table><thead><tr><th>issue</th><th>status</th>"
           "<th>value</th><th>round</th><th>meeting</th><th>last offers</th><th>why</th>"
           "<th>reported in the scenario</th></tr></thead><tbody>"]
    for o in result.issues:
        offers = ", ".join(f"{p} {'-' if v is None else f'{v:g}'}"
                           for p, v in o.last_offers.items())
        reported = "; ".join(f"{r['kind']} ({r['round'] or r['date'] or ''})"
                             for r in o.reported)
        value = "-" if o.value is None else f"{o.value:g}" + (f" ({o.label})" if o.label
                                                                 else "")
        out.append(
            f"<tr><td>{_e(o.name)}</td><td style='color:{_STATUS_COLOURS[o.status]}'>"
            f"<b>{_e(o.status)}</b></td><td>{_e(value)}</td><td>{_e(o.round or '-')}</td>"
            f"<td>{_e(o.meeting or '-')}</td><td>{_e(offers)}</td><td>{_e(o.reason)}</td>"
            f"<td>{_e(reported or '-')}</td></tr>")
    out.append("</tbody></table><h3>Utilities against walk-away</h3><table><thead><tr>"
               "<th>party</th><th>reservation</th><th>walk-away (end)</th><th>agreement</th>"
               "<th>agreed issues, no deal on the rest</th></tr></thead><tbody>")
    for p, u in result.utilities.items():
        out.append(f"<tr><td>{_e(p)}</td><td>{_num(u['reservation'])}</td>"
                   f"<td>{_num(u['walk_away'])}</td><td>{_num(u['agreement'])}</td>"
                   f"<td>{_num(u['partial'])}</td></tr>")
    out.append("</tbody></table>")
    try:
        svg = figure_svg(offers_chart(result), id_prefix=f"offers{index}-")
        out.append(f"<h3>Offers over time</h3><figure>{svg}</figure>")
    except MissingExtraError as err:
        out.append(f"<p><i>{_e(err)}</i></p>")
    out.append("<h3>Meetings</h3><ol>")
    for m in result.meetings:
        span = (f"rounds {m['first_round']}-{m['last_round']}" if m["first_round"]
                else m["kind"])
        out.append(f"<li>{_e(m['id'])} ({_e(m['format'])}; {_e(', '.join(m['parties']))}"
                   f"{'; with ' + _e(', '.join(m['others'])) if m['others'] else ''}): "
                   f"{_e(span)}</li>")
    out.append("</ol><details><summary>Transcript (" + str(len(result.transcript))
               + " entries)</summary><table><thead><tr><th>round</th><th>meeting</th>"
               "<th>who</th><th>action</th><th>package</th><th>note</th></tr></thead><tbody>")
    for t in result.transcript:
        pkg = ", ".join(f"{k} {v:g}" for k, v in t.get("package", {}).items())
        note = t.get("note", "") or (", ".join(t["issues"]) if t.get("issues") else "")
        out.append(f"<tr><td>{t['round']}</td><td>{_e(t['meeting'])}</td>"
                   f"<td>{_e(t['actor'])}</td><td>{_e(t['action'])}</td><td>{_e(pkg)}</td>"
                   f"<td>{_e(note)}</td></tr>")
    out.append("</tbody></table></details></section>")
    return out


def render_simulation_page(scenario: Scenario, results: Sequence[SimulationResult]) -> str:
    """The HTML page of one or more simulation results of ``scenario``."""
    title = f"Simulated talks: {scenario.title or scenario.name}"
    parts: list[str] = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;"
        "padding:0 1rem;color:#222}table{border-collapse:collapse;margin:.5rem 0}"
        "td,th{border:1px solid #ccc;padding:.25rem .45rem;font-size:.9rem;"
        "vertical-align:top}th{background:#f4f4f4}.summary{font-weight:600}"
        "figure{margin:0}svg{max-width:100%;height:auto}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p>{_e(scenario.description)}</p>" if scenario.description else "",
        "<p>Each issue is agreed when every party accepts the same value; deadlocked when "
        "no value lies inside every party's red lines; open when time ran out with such a "
        "value left. See docs/simulation.md for the rules.</p>"]
    for k, r in enumerate(results):
        parts.extend(_section(r, k))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_simulation_page(scenario: Scenario, results: Sequence[SimulationResult],
                          path: str | Path) -> Path:
    """Write :func:`render_simulation_page` to ``path``; return the path."""
    out = Path(path)
    out.write_text(render_simulation_page(scenario, results), encoding="utf-8")
    return out

