"""The ``parley`` command line (thin: parse, call one library function, print).

Every command that prints results accepts ``--json`` and then prints exactly one JSON
document on stdout and nothing else there; messages go to stderr. Errors in the input are
shown as a list of problems (file, line, field, rule, value, fix) without a traceback, and
the exit code is non-zero.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from parley.errors import ParleyError, ScenarioError
from parley.scenario import Quantity, Scenario

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Analyse multi-party negotiations: scenarios, forecasts and a run store.",
)

DEFAULT_SCENARIO = "geneva-2026"

ScenarioArg = Annotated[str, typer.Argument(
    help="A bundled scenario name (see 'parley scenarios') or a file: parley YAML/JSON, "
         "KTAB CSV, Decide CSV, or a one-issue table.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
StoreOpt = Annotated[Path | None, typer.Option(
    "--store", help="Run store file (default: $PARLEY_STORE or the user data directory).",
    envvar="PARLEY_STORE", show_envvar=True)]


def _out() -> Console:
    return Console(soft_wrap=False)


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True)


def _emit_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


@contextmanager
def _friendly_errors(as_json: bool = False) -> Iterator[None]:
    """Show parley errors as plain messages on stderr and exit non-zero."""
    try:
        yield
    except ScenarioError as err:
        if as_json:
            _emit_json({"error": "invalid scenario", "problems": [_problem_dict(p)
                                                                  for p in err.problems]})
        _err().print(f"[bold red]error:[/] {err}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    except ParleyError as err:
        if as_json:
            _emit_json({"error": str(err)})
        _err().print(f"[bold red]error:[/] {err}", markup=True, highlight=False)
        raise typer.Exit(1) from None


def _problem_dict(p: Any) -> dict[str, Any]:
    value = p.value if isinstance(p.value, str | int | float | bool | type(None)) else repr(p.value)
    return {"source": p.source, "line": p.line, "field": p.field, "rule": p.rule,
            "value": value, "fix": p.fix}


def _load(source: str) -> Scenario:
    from parley.io import load

    return load(source)


def _fmt(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


# ------------------------------------------------------------------------------------------
@app.command()
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
    with _friendly_errors(as_json):
        from parley.forecast import run_forecasts

        result = run_forecasts(_load(scenario), models=model or None, seed=seed,
                               store=None if no_store else (store or "default"),
                               report=None if no_report else (report or "default"))
        if as_json:
            _emit_json(result.to_dict())
            return
        _print_forecast(result)


def _print_forecast(result: Any) -> None:
    from parley.report import model_labels

    out = _out()
    sc = result.scenario
    out.print(f"[bold]{sc.title or sc.name}[/]  ({sc.name}, {len(sc.actors)} actors, "
              f"{len(sc.issues)} issues)")
    models = model_labels(result.forecasts)
    table = Table(show_lines=True, caption="Each cell: forecast, nearest scale anchor, and the "
                  "parties whose acceptable range holds it.")
    table.add_column("issue", style="bold", ratio=2)
    for m in models:
        table.add_column(m, ratio=3)
    table.add_column("party spread", justify="right", ratio=1)
    for row in result.rows:
        cells = [row["name"]]
        for m in models:
            cell = row["models"][m]
            inside = [p for p, per_model in row["verdicts"].items() if per_model[m] == "inside"]
            judged = [p for p, per_model in row["verdicts"].items() if per_model[m] is not None]
            ok = ("all parties" if judged and len(inside) == len(judged)
                  else ", ".join(inside) or ("none" if judged else "-"))
            cells.append(f"[bold]{_fmt(cell['value'])}[/]  [dim]{_short(cell['label'])}[/]\n"
                         f"acceptable to: {ok}")
        cells.append(_fmt(row["spread"]))
        table.add_row(*cells)
    out.print(table)
    for run in result.runs:
        out.print(f"[dim]stored run {run.id} ({run.model}) in {result.store_path}[/]")
    if result.report_path is not None:
        out.print(f"briefing written to [bold]{result.report_path}[/]")
    elif result.report_skipped:
        _err().print(f"[yellow]note:[/] {result.report_skipped}")


def _short(label: str, width: int = 48) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


# ------------------------------------------------------------------------------------------
@app.command()
def scenarios(as_json: JsonOpt = False) -> None:
    """List the bundled scenarios."""
    with _friendly_errors(as_json):
        from parley.io import bundled_names

        docs = []
        for name in bundled_names():
            s = _load(name)
            docs.append({"name": name, "title": s.title, "actors": len(s.actors),
                         "issues": len(s.issues)})
        if as_json:
            _emit_json({"scenarios": docs})
            return
        table = Table("name", "title", "actors", "issues")
        for d in docs:
            table.add_row(str(d["name"]), str(d["title"]), str(d["actors"]), str(d["issues"]))
        _out().print(table)


@app.command()
def show(scenario: ScenarioArg = DEFAULT_SCENARIO, as_json: JsonOpt = False) -> None:
    """Show SCENARIO's stakeholder table, issue by issue, with the evidence for each number."""
    with _friendly_errors(as_json):
        s = _load(scenario)
        if as_json:
            _emit_json(s.to_dict())
            return
        out = _out()
        out.print(f"[bold]{s.title or s.name}[/]  ({s.name}, version {s.version})")
        if s.description:
            out.print(s.description)
        actors = Table("actor", "name", "role", "bloc", "capability", "evidence",
                       title="Actors", show_lines=True)
        for a in s.actors:
            actors.add_row(a.id, a.name, a.role, a.bloc or "", _qty(a.capability),
                           _evidence(a.capability))
        out.print(actors)
        for issue in s.issues:
            anchors = "; ".join(f"{a.value:g} = {a.label}" for a in issue.scale.anchors)
            t = Table("actor", "position", "salience", "acceptable", "evidence",
                      title=f"{issue.name} [{issue.id}]", caption=anchors, show_lines=True)
            for a in s.actors:
                st = s.stance(a.id, issue.id)
                if st is None:
                    continue
                acc = f"{st.acceptable.low:g}-{st.acceptable.high:g}" if st.acceptable else ""
                ev = "\n".join(x for x in (_evidence(st.position), _evidence(st.salience)) if x)
                t.add_row(a.id, _qty(st.position), _qty(st.salience, 2), acc, ev)
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
                rounds.add_row(r.name or r.id, dates, r.venue, sessions)
            out.print(rounds)
        if s.events:
            events = Table("date", "event", "actors", "description", title="Events")
            for e in s.events:
                events.add_row(str(e.date or ""), e.kind, ", ".join(e.actors), e.description)
            out.print(events)


def _qty(q: Quantity, digits: int = 1) -> str:
    text = f"{q.value:.{digits}f}"
    u = q.uncertainty
    if u is not None:
        text += f" [dim]({u.kind} {u.low:g}..{u.high:g})[/]"
    return text


def _evidence(q: Quantity) -> str:
    return "\n".join(f"[{e.source}] {e.quote or e.note}" for e in q.evidence)


@app.command()
def validate(file: Annotated[str, typer.Argument(help="Scenario file to check.")],
             as_json: JsonOpt = False) -> None:
    """Check a scenario file and list every problem found (exit 1 if there are any)."""
    try:
        s = _load(file)
    except ScenarioError as err:
        if as_json:
            _emit_json({"valid": False, "problems": [_problem_dict(p) for p in err.problems]})
        _err().print(f"[bold red]invalid:[/] {err}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        _emit_json({"valid": True, "name": s.name, "actors": len(s.actors),
                    "issues": len(s.issues), "stances": len(s.stances),
                    "hash": s.content_hash()})
        return
    _out().print(f"[green]valid:[/] {file}: scenario '{s.name}' with {len(s.actors)} actors, "
                 f"{len(s.issues)} issues, {len(s.stances)} stances")


@app.command()
def convert(
    source: ScenarioArg,
    output: Annotated[Path, typer.Argument(help="Where to write parley YAML (or .json).")],
    fmt: Annotated[str | None, typer.Option(
        "--from", help="Input format: yaml, json, ktab, decide, table (default: detect).")
    ] = None,
    scale: Annotated[str | None, typer.Option(
        help="For a one-issue table: the scale as LOW,HIGH (default: from the data).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUTPUT if it exists.")
                     ] = False,
) -> None:
    """Read SOURCE in any supported format and write it as native parley YAML (or JSON)."""
    with _friendly_errors():
        from parley.io import load, save

        bounds = _parse_scale(scale) if scale else None
        if output.exists() and not force:
            raise ParleyError(f"{output} exists; nothing written. Fix: choose another path or "
                              "pass --force to overwrite it")
        s = load(source, fmt=fmt, scale=bounds)
        save(s, output)
        _err().print(f"wrote {output} ({len(s.actors)} actors, {len(s.issues)} issues)")


def _parse_scale(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError:
        raise ParleyError(f"--scale must be LOW,HIGH (two numbers); got {text!r}. "
                          "Fix: e.g. --scale 0,100") from None
    return lo, hi


@app.command()
def runs(
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    limit: Annotated[int, typer.Option(help="Show at most this many runs.")] = 20,
    scenario: Annotated[str | None, typer.Option(help="Only runs of this scenario name.")
                        ] = None,
) -> None:
    """List the runs in the store, newest first."""
    with _friendly_errors(as_json):
        from parley.store import RunStore

        with RunStore(store) as st:
            records = st.runs(limit=limit, scenario=scenario)
            path = st.path
        if as_json:
            _emit_json({"store": str(path), "runs": [
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
            table.add_row(r.kind, r.model or "", r.scenario_name,
                          r.started_at[:19].replace("T", " "), f"{r.duration_s:.3f}", r.status,
                          r.id)
        _out().print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the native scenario format."""
    from parley.scenario import Scenario

    doc = Scenario.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "parley scenario"
    _emit_json(doc)


@app.command()
def models(as_json: JsonOpt = False) -> None:
    """List the registered forecasting models."""
    from parley.models import get_model, model_names

    docs = [{"name": n, "summary": (type(get_model(n)).__doc__ or "").strip().splitlines()[0]}
            for n in model_names()]
    if as_json:
        _emit_json({"models": docs})
        return
    table = Table("model", "what it computes")
    for d in docs:
        table.add_row(d["name"], d["summary"])
    _out().print(table)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``parley`` script."""
    app(args=argv, prog_name="parley")

