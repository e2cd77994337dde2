"""The backtest leaderboard as one self-contained HTML page, in the briefing's style.

The page has a header (data set, its SHA-256, seed, resamples, parley version, time), the
note saying which figures are held-out, the leaderboard (mean and median absolute error
with their bootstrap intervals, best first), the breakdowns by period, by voting rule and
by side of the train/test split, the capability schemes with the sources of their weights,
and the failures. Like the briefing (:mod:`parley.report.briefing`) it loads nothing: the
CSS is inline, there are no scripts, fonts or images, and every string taken from the data
or a model's error message is HTML-escaped. The page skeleton and the shared style come
from :mod:`parley.htmlpage`.

Examples
--------
>>> from parley.io.deu import read_deu
>>> from parley.backtest.deu import backtest_deu
>>> text = "\\n".join([
...     "prnr\\tisnr\\tintro\\tcounvte\\tpcom\\tpde\\tpfr\\tscom\\tsde\\tsfr\\trp\\tout",
...     "d04001\\td04001i1\\t14-07-04\\tQMV\\t100\\t0\\t50\\t50\\t100\\t50\\t0\\t40"])
>>> board = backtest_deu(read_deu(text, source="<i>.tsv"), models=["compromise"],
...                      schemes=["equal"], n_resamples=50)
>>> page = render_leaderboard(board)
>>> "<i>" in page, "&lt;i&gt;.tsv" in page, "<script" in page
(False, True, False)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parley.backtest.leaderboard import Entry, Leaderboard
from parley.backtest.stats import ErrorSummary
from parley.htmlpage import escape as _e
from parley.htmlpage import page, parley_version
from parley.io.deu import ACTOR_NAMES, PERIOD_LABELS

__all__ = ["render_leaderboard", "write_leaderboard"]

#: The leaderboard's own rules, after the shared ones of :mod:`parley.htmlpage`.
_CSS = """
.ci { display: block; color: #555; font-size: 0.82rem; }
tr.baseline td { background: #f7f7f2; }
.heldout { color: #1d6b2a; font-weight: bold; }
.note { border-left: 4px solid #1f5f9e; padding: 0.3rem 0.7rem; background: #f2f6fa; }
"""


def _num(x: float | None, digits: int = 2) -> str:
    return "&ndash;" if x is None or math.isnan(x) else f"{x:.{digits}f}"


def _with_ci(value: float | None, ci: tuple[float, float] | None) -> str:
    if value is None:
        return '<span class="none">&ndash;</span>'
    text = _num(value)
    if ci is not None:
        text += f'<span class="ci">[{_num(ci[0])}, {_num(ci[1])}]</span>'
    return text


def _short(s: ErrorSummary) -> str:
    if s.n == 0 or s.mean is None:
        return '<span class="none">&ndash;</span>'
    ci = f"{_num(s.mean_ci[0], 1)}&ndash;{_num(s.mean_ci[1], 1)}" if s.mean_ci else ""
    return f'{_num(s.mean)}<span class="ci">{ci} (n={s.n})</span>'


def _sample(e: Entry) -> str:
    return '<span class="heldout">held-out</span>' if e.sample == "held-out" else "full"


def _table(head: Iterable[str], rows: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>",
           "<tbody>"]
    for cls, cells in rows:
        attr = f' class="{cls}"' if cls else ""
        out.append(f"<tr{attr}>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _leaderboard(board: Leaderboard) -> list[str]:
    level = round(100 * float(board.settings.get("level", 0.95)))
    rows = []
    for rank, e in enumerate(board.entries, 1):
        rows.append(("baseline" if e.kind == "baseline" else "", [
            f'<td class="num">{rank}</td>', f"<td><code>{_e(e.label)}</code></td>",
            f"<td>{_e(e.kind)}</td>", f"<td>{_e(e.scheme or '')}</td>",
            f"<td>{_sample(e)}</td>", f'<td class="num">{e.overall.n}</td>',
            f'<td class="num">{_with_ci(e.overall.mean, e.overall.mean_ci)}</td>',
            f'<td class="num">{_with_ci(e.overall.median, e.overall.median_ci)}</td>',
            f'<td class="num">{e.failures}</td>']))
    return ['<section id="leaderboard">', "<h2>Leaderboard</h2>",
            f"<p>Absolute error between forecast and observed outcome on the 0&ndash;100 scale, "
            f"best mean first; {level}% percentile bootstrap intervals over issues in "
            "brackets. Baselines are shaded.</p>",
            *_table(["#", "entry", "kind", "capabilities", "sample", "issues",
                     "mean abs. error", "median abs. error", "failed"], rows),
            "</section>"]


def _breakdown(board: Leaderboard, attr: str, title: str, anchor: str,
               labels: Mapping[str, str] | None = None) -> list[str]:
    keys: list[str] = []
    for e in board.entries:
        keys += [k for k in getattr(e, attr) if k not in keys]
    if not keys:
        return []
    head = ["entry", "sample"] + [_e((labels or {}).get(k, k)) for k in keys]
    rows = []
    for e in board.entries:
        groups: Mapping[str, ErrorSummary] = getattr(e, attr)
        cells = [f"<td><code>{_e(e.label)}</code></td>", f"<td>{_sample(e)}</td>"]
        cells += [f'<td class="num">{_short(groups[k])}</td>' if k in groups
                  else '<td class="num"><span class="none">&ndash;</span></td>' for k in keys]
        rows.append(("baseline" if e.kind == "baseline" else "", cells))
    return [f'<section id="{anchor}">', f"<h2>{_e(title)}</h2>",
            "<p>Mean absolute error, its interval and the number of issues.</p>",
            *_table(head, rows), "</section>"]


def _schemes(board: Leaderboard) -> list[str]:
    schemes: Mapping[str, Any] = board.schemes
    out = ['<section id="schemes">', "<h2>Capability schemes</h2>", "<ul>"]
    for name, doc in schemes.items():
        out.append(f"<li><code>{_e(name)}</code>: {_e(doc.get('description', ''))}</li>")
    out.append("</ul>")
    votes = schemes.get("council-votes", {})
    tables: Mapping[str, Any] = votes.get("tables", {})
    if tables:
        period_table: Mapping[str, str] = votes.get("period_table", {})
        out.append("<h3>Council weights and their sources</h3><ul>")
        for tid, t in tables.items():
            periods = [PERIOD_LABELS.get(p, p) for p, x in period_table.items() if x == tid]
            out.append(f"<li><strong>{_e(t['label'])}</strong> ({_e(t['unit'])}; used for "
                       f"{_e(', '.join(periods) or 'no period')}; Commission and Parliament "
                       f"{_num(t['institutions'])}): {_e(t['source'])}</li>")
        out.append("</ul>")
        actors = sorted({a for t in tables.values() for a in t["weights"]},
                        key=lambda a: ACTOR_NAMES.get(a, a))
        rows = [("", [f"<td>{_e(ACTOR_NAMES.get(a, a))} <code>{_e(a)}</code></td>"]
                 + [f'<td class="num">{_num(t["weights"].get(a), 2)}</td>'
                    for t in tables.values()]) for a in actors]
        out += _table(["member state"] + [_e(t) for t in tables], rows)
    out.append("</section>")
    return out


def _failures(board: Leaderboard) -> list[str]:
    if not board.failures:
        return ['<section id="failures">', "<h2>Failures</h2>",
                "<p>Every model gave a forecast on every issue.</p>", "</section>"]
    grouped: dict[tuple[str, str], list[str]] = {}
    for f in board.failures:
        grouped.setdefault((f.model, f.scheme or ""), []).append(
            f"{f.issue} (line {f.line}): {f.error}")
    rows = []
    for (model, scheme), items in grouped.items():
        shown = "".join(f"<li>{_e(x)}</li>" for x in items[:3])
        more = f"<li>&hellip; and {len(items) - 3} more</li>" if len(items) > 3 else ""
        rows.append(("", [f"<td><code>{_e(model)}</code></td>", f"<td>{_e(scheme)}</td>",
                          f'<td class="num">{len(items)}</td>',
                          f"<td><ul>{shown}{more}</ul></td>"]))
    return ['<section id="failures">', "<h2>Failures</h2>",
            '<p class="warning">These issues had no usable forecast from the model named; they '
            "are left out of that model's figures (its number of issues says how many "
            "remain).</p>",
            *_table(["model", "capabilities", "issues", "first errors"], rows), "</section>"]


def render_leaderboard(board: Leaderboard, *, title: str | None = None,
                       generated_at: datetime | None = None) -> str:
    """Render ``board`` as one self-contained HTML document.

    Parameters
    ----------
    board : Leaderboard
        The backtest's result.
    title : str, optional
        Page heading (default: "DEU backtest leaderboard").
    generated_at : datetime, optional
        Time stamp to print (default: now, UTC).
    """
    stamp = (generated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    heading = title or "DEU backtest leaderboard"
    ds, st = board.dataset, board.settings
    split = st.get("split")
    split_text = ("no train/test split (the committed split does not list this file's issues)"
                  if not split else
                  f"train/test split by proposal (seed {_e(split['seed'])}, "
                  f"{_e(split['train'])} train and {_e(split['test'])} test issues)")
    body = [
        "<header>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="meta">Data <code>{_e(ds.get("source") or "(text)")}</code> (SHA-256 '
        f"<code>{_e(str(ds.get('sha256', ''))[:12])}</code>): {_e(ds.get('scoreable'))} of "
        f"{_e(ds.get('issues'))} issues scored (observed outcome and at least "
        f"{_e(ds.get('min_actors'))} actors with a position and a salience) &middot; seed "
        f"{_e(st.get('seed'))} &middot; {_e(st.get('n_resamples'))} bootstrap resamples "
        f"&middot; parley {_e(parley_version())} &middot; generated {_e(stamp)}</p>",
        f'<p class="note">{_e(board.sample_note)} Split: {split_text}.</p>',
        "</header>",
        '<nav><h2>Contents</h2><ol><li><a href="#leaderboard">Leaderboard</a></li>'
        '<li><a href="#period">By period</a></li><li><a href="#rule">By voting rule</a></li>'
        '<li><a href="#split">By split</a></li><li><a href="#schemes">Capability schemes</a>'
        '</li><li><a href="#failures">Failures</a></li></ol></nav>',
    ]
    body += _leaderboard(board)
    body += _breakdown(board, "by_period", "By period of the proposal", "period", PERIOD_LABELS)
    body += _breakdown(board, "by_voting_rule", "By the Council's voting rule", "rule")
    body += _breakdown(board, "by_split", "By side of the train/test split", "split")
    body += _schemes(board)
    body += _failures(board)
    body.append(f"<footer>Generated by parley {_e(parley_version())}. Data: DEU "
                "(Thomson et al. 2006, 2012; Arregui &amp; Perarnaud 2022, "
                "doi:10.34810/data53).</footer>")
    return page(heading, body, css=_CSS, max_width="72rem")


def write_leaderboard(board: Leaderboard, path: str | Path, *, title: str | None = None,
                      generated_at: datetime | None = None) -> Path:
    """Write :func:`render_leaderboard`'s page to ``path`` (UTF-8; parent folders created)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_leaderboard(board, title=title, generated_at=generated_at),
                      encoding="utf-8")
    return target
