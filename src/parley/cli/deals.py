"""Deal commands: ``parley deals`` and ``parley adjusted-winner``."""

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
    emit_json,
    err_console,
    fmt,
    friendly_errors,
    load_scenario,
    out_console,
)
from parley.errors import ParleyError

__all__ = ["adjusted_winner", "deals"]


def deals(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    parties: Annotated[str | None, typer.Option(
        help="Comma-separated actor ids to treat as parties (default: role 'party').")
    ] = None,
    loss: Annotated[str, typer.Option(help="Utility loss shape: linear or quadratic.")
                    ] = "linear",
    grid: Annotated[int, typer.Option(help="Grid points per issue of the package space.")
                    ] = 11,
    top: Annotated[int, typer.Option(help="How many deals to list.")] = 10,
    as_json: JsonOpt = False,
    report: Annotated[Path | None, typer.Option(
        help="Write an HTML page with the Pareto chart for --pair.")] = None,
    pair: Annotated[str | None, typer.Option(
        help="Two parties 'a,b' for the Pareto chart (default: the first two parties).")
    ] = None,
) -> None:
    """What agreement is possible: zones of agreement, deals, Nash/KS points, logrolls."""
    with friendly_errors(as_json):
        from parley.deals import analyse_deals

        s = load_scenario(scenario)
        if loss not in ("linear", "quadratic"):
            raise ParleyError(f"--loss must be 'linear' or 'quadratic'; got {loss!r}")
        chosen = [p.strip() for p in parties.split(",")] if parties else None
        result = analyse_deals(s, parties=chosen, loss=loss,  # type: ignore[arg-type]
                               grid_points=grid, top=top)
        doc = result.to_dict()
        if report is not None:
            a, b = _pair(pair, doc["parties"])
            doc["report"] = str(_write_report(s, result, a, b, report))
        if as_json:
            emit_json(doc)
            return
        _print(doc)
        if report is not None:
            out_console().print(f"Pareto chart written to [bold]{esc(doc['report'])}[/]")


def _pair(pair: str | None, parties: list[str]) -> tuple[str, str]:
    if pair is None:
        if len(parties) < 2:
            raise ParleyError("a Pareto chart needs two parties. Fix: pass --pair a,b")
        return parties[0], parties[1]
    names = [p.strip() for p in pair.split(",")]
    if len(names) != 2:
        raise ParleyError(f"--pair must name two parties as 'a,b'; got {pair!r}")
    return names[0], names[1]


def _write_report(scenario: Any, result: Any, a: str, b: str, path: Path) -> Path:
    import html

    from parley.deals import pareto_chart
    from parley.report import figure_svg

    svg = figure_svg(pareto_chart(result, a, b), id_prefix="pareto-")
    rows = "".join(
        f"<tr><td>{html.escape(z['issue'])}</td><td>{html.escape(z['text'])}</td></tr>"
        for z in result.to_dict()["issue_zopa"])
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Deals: {html.escape(scenario.title or scenario.name)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto}"
        "td,th{border:1px solid #ccc;padding:.3rem .5rem}table{border-collapse:collapse}"
        "</style></head><body>"
        f"<h1>Deals: {html.escape(scenario.title or scenario.name)}</h1>"
        f"<h2>Zones of agreement</h2><table><tbody>{rows}</tbody></table>"
        f"<h2>Pareto chart: {html.escape(a)} and {html.escape(b)}</h2>"
        f"<figure>{svg}</figure></body></html>\n")
    path.write_text(page, encoding="utf-8")
    return path


def _print(doc: dict[str, Any]) -> None:
    out = out_console()
    out.print(f"[bold]Deals for {esc(', '.join(doc['parties']))}[/] on "
              f"{doc['n_packages']:,} packages ({esc(doc['space'])}, {esc(doc['loss'])} loss)")
    zopa = Table("issue", "zone of agreement", title="Zones of agreement per issue")
    for z in doc["issue_zopa"]:
        text = z["text"].removeprefix(f"{z['issue']}: ")
        zopa.add_row(esc(z["issue"]), ("[red]" if z["empty"] else "[green]") + esc(text)
                     + "[/]")
    out.print(zopa)
    pz = doc["package_zopa"]
    if pz["exists"]:
        out.print(f"[green]{pz['n_agreement']:,} packages leave every party better off "
                  f"than walking away[/]; the Pareto frontier holds {doc['frontier_size']:,}.")
    else:
        out.print("[red]No package leaves every party better off than walking away.[/]")
    if doc["top"]:
        issues = list(doc["top"][0]["package"])
        table = Table("#", *issues, *[f"{p} (walk-away)" for p in doc["parties"]],
                      title="Top deals (Nash product order)")
        for d in doc["top"]:
            table.add_row(str(d["rank"]), *[fmt(d["package"][i]) for i in issues],
                          *[f"{d['utilities'][p]:.3f} ({d['reservation'][p]:.3f})"
                            for p in doc["parties"]])
        out.print(table)
    solutions = [(name, sol) for name, sol in doc["solutions"].items() if sol]
    if solutions:
        table = Table("solution", *doc["issues"], title="Bargaining solutions")
        for name, sol in solutions:
            table.add_row(esc(name), *[fmt(sol["package"][i]) for i in doc["issues"]])
        out.print(table)
    if doc["logrolls"]:
        out.print("[bold]Logrolls[/] (ranked by joint gain):")
        for lr in doc["logrolls"][:5]:
            out.print(f"  - {esc(lr['text'])}")
    wit = doc["what_would_it_take"]
    if not wit["agreement"]:
        out.print("[bold]What would it take[/]:")
        for issue in wit["issues"]:
            for fix in issue["fixes"][:2]:
                out.print(f"  - {esc(issue['issue'])}: {esc(fix['text'])}")
        for fix in wit.get("packages", [])[:3]:
            out.print(f"  - package: {esc(fix['text'])}")


def adjusted_winner(
    file: Annotated[Path, typer.Argument(
        help="CSV with columns item, <side A>, <side B>: each side's points per item.")],
    normalise: Annotated[bool, typer.Option(
        "--normalise", help="Rescale each side's points to sum to 100.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Divide items between two sides by Adjusted Winner (Brams & Taylor)."""
    with friendly_errors(as_json):
        from parley.deals import read_points_csv

        table = read_points_csv(file, normalise=normalise)
        doc = table.adjusted_winner().to_dict()
        doc["notes"] = list(table.notes)
        if as_json:
            emit_json(doc)
            return
        a, b = doc["sides"]
        t = Table("item", f"{a} points", f"{b} points", f"{a} share", f"{b} share",
                  title="Adjusted Winner")
        for row in doc["allocation"]:
            t.add_row(esc(row["item"]), fmt(row[a]), fmt(row[b]), f"{row[f'share_{a}']:.3f}",
                      f"{row[f'share_{b}']:.3f}")
        out = out_console()
        out.print(t)
        split = doc["split"]
        if split:
            out.print(f"split item: {esc(split['item'])} ({a} {split[a]:.4f}, "
                      f"{b} {split[b]:.4f})")
        out.print(f"points: {a} {doc['points'][a]:.3f}, {b} {doc['points'][b]:.3f}")
        for note in table.notes:
            err_console().print(f"note: {esc(note)}")
