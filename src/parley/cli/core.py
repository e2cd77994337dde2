"""The core commands: forecast, scenarios, show, validate, convert, runs, schema, models."""

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
    fmt,
    friendly_errors,
    load_scenario,
    out_console,
    problem_dict,
)
from parley.errors import ParleyError, ScenarioError
from parley.scenario import Quantity

__all__ = ["convert", "forecast", "models", "runs", "scenarios", "schema", "show", "validate"]


# ------------------------------------------------------------------------------------------
def forecast(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Model to run (repeat for several; default: every baseline).")
    ] = None,
    as_json: JsonOpt = False,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Where to write the HTML briefing "
                         "(default: ./parley-briefing-<scenario>.html).")] = None,
    no_report: Annotated[bool, typer.Option("--no-report", help="Do not write the briefing.")
                         ] = False,
    store: StoreOpt = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not record the runs.")
                        ] = False,
    seed: Annotated[int | None, typer.Option(help="Seed for models that draw random numbers.")
                    ] = None,
) -> None:
    """Forecast every issue of SCENARIO with each model, store the runs, write a briefing."""
    with friendly_errors(as_json):
        from parley.forecast import run_forecasts

        result = run_forecasts(load_scenario(scenario), models=model or None, seed=seed,
                               store=None if no_store else (store or "default"),
                               report=None if no_report else (report or "default"))
        if as_json:
            emit_json(result.to_dict())
            return
        _print_forecast(result)


def _print_forecast(result: Any) -> None:
    from parley.report import model_labels

    out = out_console()
    sc = result.scenario
    out.print(f"[bold]{esc(sc.title or sc.name)}[/]  ({esc(sc.name)}, {len(sc.actors)} actors, "
              f"{len(sc.issues)} issues)")
    models = model_labels(result.forecasts)
    table = Table(show_lines=True, caption="Each cell: forecast, nearest scale anchor, and the "
                  "parties whose acceptable range holds it.")
    table.add_column("issue", style="bold", ratio=2)
    for m in models:
        table.add_column(m, ratio=3)
    table.add_column("party spread", justify="right", ratio=1)
    for row in result.rows:
        cells = [esc(row["name"])]
        for m in models:
            cell = row["models"][m]
            inside = [p for p, per_model in row["verdicts"].items() if per_model[m] == "inside"]
            judged = [p for p, per_model in row["verdicts"].items() if per_model[m] is not None]
            ok = ("all parties" if judged and len(inside) == len(judged)
                  else ", ".join(inside) or ("none" if judged else "-"))
            cells.append(f"[bold]{fmt(cell['value'])}[/]  [dim]{esc(_short(cell['label']))}[/]"
                         f"\nacceptable to: {esc(ok)}")
        cells.append(fmt(row["spread"]))
        table.add_row(*cells)
    out.print(table)
    _print_trajectories(result)
    _print_exchanges(result)
    for run in result.runs:
        out.print(f"[dim]stored run {run.id} ({esc(run.model)}) in "
                  f"{esc(str(result.store_path))}[/]")
    if result.report_path is not None:
        out.print(f"briefing written to [bold]{esc(str(result.report_path))}[/]")
    elif result.report_skipped:
        err_console().print(f"[yellow]note:[/] {esc(result.report_skipped)}")


def _print_trajectories(result: Any, max_columns: int = 11) -> None:
    """For each dynamic model, the weighted median per round on every issue."""
    from parley.report import round_medians

    for f in result.forecasts:
        medians = round_medians(result.scenario, f)
        if not medians:
            continue
        n_rounds = len(next(iter(medians.values())))
        shown = sorted({round(k * (n_rounds - 1) / (max_columns - 1))
                        for k in range(max_columns)}) if n_rounds > max_columns else list(
            range(n_rounds))
        stop = f.diagnostics.get("stop_reason") if isinstance(f.diagnostics, dict) else None
        caption = f"stopped: {esc(str(stop))}" if stop else None
        table = Table("issue", caption=caption,
                      title=f"{esc(f.model)}: weighted median position, round by round")
        for k in shown:
            table.add_column(f"r{k}", justify="right")
        for issue in result.scenario.issues:
            table.add_row(esc(issue.id), *[fmt(medians[issue.id][k]) for k in shown])
        out_console().print(table)


def _print_exchanges(result: Any, shown: int = 8) -> None:
    """For the exchange model: who gave what on which issue for what, in round 1."""
    for f in result.forecasts:
        rounds = f.diagnostics.get("exchanges") if isinstance(f.diagnostics, dict) else None
        if not rounds:
            continue
        out = out_console()
        counts = ", ".join(str(len(r)) for r in rounds)
        out.print(f"[bold]{esc(f.model)}[/]: executed exchanges per round: {counts}")
        for ex in rounds[0][:shown]:
            a, b = ex["actors"]
            moves = {m["actor"]: m for m in ex["moves"]}
            ma, mb = moves[a], moves[b]
            out.print(f"  - {esc(a)} moves {esc(ma['issue'])} {ma['from']:.1f} -> {ma['to']:.1f}"
                      f" for {esc(b)} moving {esc(mb['issue'])} {mb['from']:.1f} -> "
                      f"{mb['to']:.1f} (gain {ex['gain']:.2f} each)")
        if len(rounds[0]) > shown:
            out.print(f"  ... {len(rounds[0]) - shown} more in round 1; --json lists all")


def _short(label: str, width: int = 48) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


# ------------------------------------------------------------------------------------------
def scenarios(as_json: JsonOpt = False) -> None:
    """List the bundled scenarios."""
    with friendly_errors(as_json):
        from parley.io import bundled_names

        docs = []
        for name in bundled_names():
            s = load_scenario(name)
            docs.append({"name": name, "title": s.title, "actors": len(s.actors),
                         "issues": len(s.issues)})
        if as_json:
            emit_json({"scenarios": docs})
            return
        table = Table("name", "title", "actors", "issues")
        for d in docs:
            table.add_row(esc(str(d["name"])), esc(str(d["title"])), str(d["actors"]),
                          str(d["issues"]))
        out_console().print(table)


def show(scenario: ScenarioArg = DEFAULT_SCENARIO, as_json: JsonOpt = False) -> None:
    """Show SCENARIO's stakeholder table, issue by issue, with the evidence for each number."""
    with friendly_errors(as_json):
        s = load_scenario(scenario)
        if as_json:
            emit_json(s.to_dict())
            return
        out = out_console()
        out.print(f"[bold]{esc(s.title or s.name)}[/]  ({esc(s.name)}, version {s.version})")
        if s.description:
            out.print(esc(s.description))
        actors = Table("actor", "name", "role", "bloc", "capability", "evidence",
                       title="Actors", show_lines=True)
        for a in s.actors:
            actors.add_row(esc(a.id), esc(a.name), a.role, esc(a.bloc or ""), _qty(a.capability),
                           _evidence(a.capability))
        out.print(actors)
        for issue in s.issues:
            anchors = "; ".join(f"{a.value:g} = {a.label}" for a in issue.scale.anchors)
            t = Table("actor", "position", "salience", "acceptable", "evidence",
                      title=esc(f"{issue.name} [{issue.id}]"), caption=esc(anchors),
                      show_lines=True)
            for a in s.actors:
                st = s.stance(a.id, issue.id)
                if st is None:
                    continue
                acc = f"{st.acceptable.low:g}-{st.acceptable.high:g}" if st.acceptable else ""
                ev = "\n".join(x for x in (_evidence(st.position), _evidence(st.salience)) if x)
                t.add_row(esc(a.id), _qty(st.position), _qty(st.salience, 2), acc, ev)
            if issue.status_quo is not None:
                t.add_row("(status quo)", _qty(issue.status_quo), "", "",
                          _evidence(issue.status_quo))
            out.print(t)
        if s.rounds:
            rounds = Table("round", "dates", "venue", "sessions", title="Timeline")
            for r in s.rounds:
                dates = f"{r.start}" + (f" to {r.end}" if r.end and r.end != r.start else "")
                sessions = "\n".join(
                    f"{x.format}: {', '.join(x.participants)}"
                    + (f" ({x.duration_minutes:g} min)" if x.duration_minutes else "")
                    for x in r.sessions)
                rounds.add_row(esc(r.name or r.id), dates, esc(r.venue), esc(sessions))
            out.print(rounds)
        if s.events:
            events = Table("date", "event", "actors", "description", title="Events")
            for e in s.events:
                events.add_row(str(e.date or ""), esc(e.kind), esc(", ".join(e.actors)),
                               esc(e.description))
            out.print(events)


def _qty(q: Quantity, digits: int = 1) -> str:
    text = f"{q.value:.{digits}f}"
    u = q.uncertainty
    if u is not None:
        text += f" [dim]({u.kind} {u.low:g}..{u.high:g})[/]"
    return text


def _evidence(q: Quantity) -> str:
    return "\n".join(esc(f"[{e.source}] {e.quote or e.note}") for e in q.evidence)


def validate(file: Annotated[str, typer.Argument(help="Scenario file to check.")],
             as_json: JsonOpt = False) -> None:
    """Check a scenario file and list every problem found (exit 1 if there are any)."""
    try:
        s = load_scenario(file)
    except ScenarioError as err:
        if as_json:
            emit_json({"valid": False, "problems": [problem_dict(p) for p in err.problems]})
        err_console().print(f"[bold red]invalid:[/] {esc(str(err))}", highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        emit_json({"valid": True, "name": s.name, "actors": len(s.actors),
                    "issues": len(s.issues), "stances": len(s.stances),
                    "hash": s.content_hash()})
        return
    out_console().print(f"[green]valid:[/] {esc(file)}: scenario '{esc(s.name)}' with "
                        f"{len(s.actors)} actors, {len(s.issues)} issues, "
                        f"{len(s.stances)} stances")


def convert(
    source: ScenarioArg,
    output: Annotated[Path, typer.Argument(help="Where to write parley YAML (or .json).")],
    fmt: Annotated[str | None, typer.Option(
        "--from", help="Input format: yaml, json, ktab, ktab-xml, decide, table (default: detect).")
    ] = None,
    scale: Annotated[str | None, typer.Option(
        help="For a one-issue table: the scale as LOW,HIGH (default: from the data).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUTPUT if it exists.")
                     ] = False,
) -> None:
    """Read SOURCE in any supported format and write it as native parley YAML (or JSON)."""
    with friendly_errors():
        from parley.io import load, save

        bounds = _parse_scale(scale) if scale else None
        if output.exists() and not force:
            raise ParleyError(f"{output} exists; nothing written. Fix: choose another path or "
                              "pass --force to overwrite it")
        s = load(source, fmt=fmt, scale=bounds)
        save(s, output)
        err_console().print(f"wrote {esc(str(output))} ({len(s.actors)} actors, "
                            f"{len(s.issues)} issues)")


def _parse_scale(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError:
        raise ParleyError(f"--scale must be LOW,HIGH (two numbers); got {text!r}. "
                          "Fix: e.g. --scale 0,100") from None
    return lo, hi


def runs(
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    limit: Annotated[int, typer.Option(help="Show at most this many runs.")] = 20,
    scenario: Annotated[str | None, typer.Option(help="Only runs of this scenario name.")
                        ] = None,
) -> None:
    """List the runs in the store, newest first."""
    with friendly_errors(as_json):
        from parley.store import RunStore

        with RunStore(store) as st:
            records = st.runs(limit=limit, scenario=scenario)
            path = st.path
        if as_json:
            emit_json({"store": str(path), "runs": [
                {"id": r.id, "kind": r.kind, "model": r.model, "scenario": r.scenario_name,
                 "scenario_hash": r.scenario_hash, "seed": r.seed,
                 "parley_version": r.parley_version, "started_at": r.started_at,
                 "finished_at": r.finished_at, "duration_s": r.duration_s, "status": r.status}
                for r in records]})
            return
        table = Table("kind", "model", "scenario", "started (UTC)", "seconds", "status",
                      title=f"Runs in {path}")
        table.add_column("id", no_wrap=True)
        for r in records:
            table.add_row(esc(r.kind), esc(r.model or ""), esc(r.scenario_name),
                          r.started_at[:19].replace("T", " "), f"{r.duration_s:.3f}", r.status,
                          r.id)
        out_console().print(table)


def schema() -> None:
    """Print the JSON Schema of the native scenario format."""
    from parley.scenario import Scenario

    doc = Scenario.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "parley scenario"
    emit_json(doc)


def models(as_json: JsonOpt = False) -> None:
    """List the registered forecasting models."""
    from parley.models import get_model, model_names

    docs = [{"name": n, "summary": (type(get_model(n)).__doc__ or "").strip().splitlines()[0]}
            for n in model_names()]
    if as_json:
        emit_json({"models": docs})
        return
    table = Table("model", "what it computes")
    for d in docs:
        table.add_row(d["name"], d["summary"])
    out_console().print(table)


