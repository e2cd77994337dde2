"""The ``parley simulate`` command: simulate the talks round by round."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape as esc
from rich.table import Table

from parley.cli.common import (
    DEFAULT_SCENARIO,
    JsonOpt,
    ScenarioArg,
    StoreOpt,
    emit_json,
    err_console,
    friendly_errors,
    load_scenario,
    out_console,
)

__all__ = ["simulate"]

_COLOUR = {"agreed": "green", "open": "yellow", "deadlocked": "red"}


def simulate(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    protocol: Annotated[list[str] | None, typer.Option(
        "--protocol", "-p", help="alternating or single-text (repeat; default: both).")
    ] = None,
    strategy: Annotated[list[str] | None, typer.Option(
        "--strategy", "-s", help="ACTOR=NAME: boulware, linear, conceder, tit-for-tat, "
                                 "hard-liner, staller, time:E, staller:DELTA (repeat).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the random order of turns.")
                    ] = None,
    steps: Annotated[int, typer.Option(help="Rounds of offers per meeting.")] = 10,
    grid: Annotated[int, typer.Option(help="Grid points per issue.")] = 11,
    order: Annotated[str, typer.Option(help="Order of turns: listed or random.")
                     ] = "listed",
    package_only: Annotated[bool, typer.Option(
        "--package-only", help="Agree whole packages only (no issue-by-issue settlement).")
    ] = False,
    no_timeline: Annotated[bool, typer.Option(
        "--no-timeline", help="One plenary instead of the scenario's rounds and sessions.")
    ] = False,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not record the runs.")
                        ] = False,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write an HTML page with the offers-over-time chart.")] = None,
    transcript: Annotated[int, typer.Option(
        help="Transcript lines to print per protocol (0: none).")] = 12,
) -> None:
    """Simulate the talks of SCENARIO: offers round by round, issue by issue."""
    with friendly_errors(as_json):
        from parley.errors import ParleyError
        from parley.negotiation import run_simulations

        if order not in ("listed", "random"):
            raise ParleyError(f"--order must be 'listed' or 'random'; got {order!r}")
        s = load_scenario(scenario)
        run = run_simulations(
            s, protocols=tuple(protocol or ("alternating", "single-text")),
            store=None if no_store else (store or "default"), report=report,
            strategies=list(strategy or []), seed=seed, steps=steps, grid_points=grid,
            order=order, issue_by_issue=not package_only,
            use_timeline=not no_timeline)
        if as_json:
            emit_json(run.to_dict())
            return
        for r in run.results:
            _print_result(r.to_dict(), transcript)
        for rec in run.runs:
            out_console().print(f"[dim]stored run {rec.id} ({esc(rec.model)}) in "
                                f"{esc(str(run.store_path))}[/]")
        if run.report_path is not None:
            out_console().print(f"page written to [bold]{esc(str(run.report_path))}[/]")
        elif run.report_skipped:
            err_console().print(f"[yellow]note:[/] {esc(run.report_skipped)}")


def _print_result(doc: dict[str, Any], shown: int) -> None:
    out = out_console()
    out.print(f"\n[bold]{esc(doc['title'] or doc['scenario'])}[/] - protocol "
              f"[bold]{esc(doc['protocol'])}[/], {doc['steps']} rounds; strategies: "
              + esc(", ".join(f"{p} {s}" for p, s in doc["strategies"].items())))
    rounds = Table("meeting", "format", "parties", "rounds", title="Meetings")
    for m in doc["meetings"]:
        span = f"{m['first_round']}-{m['last_round']}" if m["first_round"] else m["kind"]
        who = ", ".join(m["parties"]) + (f" (+ {', '.join(m['others'])})" if m["others"]
                                         else "")
        rounds.add_row(esc(m["id"]), esc(m["format"]), esc(who), esc(span))
    out.print(rounds)
    lines = [t for t in doc["transcript"] if t["action"] in (
        "settle", "understand", "influence", "pressure", "narrow")]
    offers = [t for t in doc["transcript"] if t["action"] in ("offer", "text")]
    if shown > 0:
        out.print("[bold]Round by round[/] (settlements, influence, pressure; then the last "
                  "offers):")
        for t in lines[:shown]:
            what = ", ".join(t.get("issues", [])) or t.get("note", "")
            out.print(f"  r{t['round']:>3} {esc(t['meeting'] or '')}: {esc(t['actor'])} "
                      f"{esc(t['action'])} {esc(what)}")
        for t in offers[-min(shown, 4):]:
            pkg = ", ".join(f"{k} {v:g}" for k, v in t["package"].items())
            us = ", ".join(f"{p} {u:.2f}" for p, u in t["utilities"].items())
            out.print(f"  r{t['round']:>3} {esc(t['actor'])} {esc(t['action'])}: {esc(pkg)} "
                      f"[dim](utilities {esc(us)})[/]")
    table = Table("issue", "status", "value", "round", "meeting", "reported",
                  title="Outcome per issue")
    for o in doc["issues"]:
        label = o["label"] if len(o["label"]) <= 28 else o["label"][:27] + "…"
        value = "-" if o["value"] is None else f"{o['value']:g}" + (
            f" ({label})" if label else "")
        rep = "; ".join(r["kind"] for r in o["reported"]) or "-"
        table.add_row(esc(o["issue"]), f"[{_COLOUR[o['status']]}]{o['status']}[/]",
                      esc(value), str(o["round"] or "-"), esc(o["meeting"] or "-"), esc(rep))
    out.print(table)
    for o in doc["issues"]:
        if o["status"] != "agreed":
            out.print(f"  {esc(o['issue'])}: {esc(o['reason'])}")
    util = Table("party", "reservation", "walk-away (end)", "agreement",
                 "agreed issues + no deal", title="Utilities against walk-away")
    for p, u in doc["utilities"].items():
        util.add_row(esc(p), f"{u['reservation']:.3f}", f"{u['walk_away']:.3f}",
                     "-" if u["agreement"] is None else f"{u['agreement']:.3f}",
                     f"{u['partial']:.3f}")
    out.print(util)
    out.print(f"[bold]{esc(doc['summary'])}[/]")
