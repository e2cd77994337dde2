"""The backtest commands: ``parley backtest deu PATH``.

Register with ``app.add_typer(backtest.app, name="backtest")`` (or register :func:`deu`
on another group).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parley.cli.common import (
    JsonOpt,
    StoreOpt,
    emit_json,
    err_console,
    fmt,
    friendly_errors,
    out_console,
)

__all__ = ["app", "deu"]


def deu(
    path: Annotated[Path, typer.Argument(
        help="A DEU file (tab-separated, e.g. deu3.tsv: positions p<actor>, saliences "
             "s<actor>, reference point rp, outcome out).")],
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not record the run.")
                        ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap and of random models.")
                    ] = 2006,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Model to score (repeat for several; default: every model).")
    ] = None,
    scheme: Annotated[list[str] | None, typer.Option(
        "--scheme", help="Capability scheme: equal, council-votes, gdp (repeat; default: all).")
    ] = None,
    resamples: Annotated[int, typer.Option(help="Bootstrap resamples per interval.")] = 2000,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write the leaderboard as an HTML page here.")] = None,
) -> None:
    """Score every model against the DEU negotiations' observed outcomes (a leaderboard)."""
    with friendly_errors(as_json):
        from parley.backtest.capability import SCHEMES
        from parley.backtest.deu import run_deu_backtest

        result = run_deu_backtest(path, models=model or None, schemes=scheme or SCHEMES,
                                  seed=seed, n_resamples=resamples,
                                  store=None if no_store else (store or "default"),
                                  report=report)
        if as_json:
            emit_json(result.leaderboard.to_dict())
            return
        _print(result)


def _ci(ci: Any) -> str:
    return "-" if ci is None else f"{ci[0]:.1f}-{ci[1]:.1f}"


def _print(result: Any) -> None:
    from rich.markup import escape

    from parley.io.deu import PERIODS

    board = result.leaderboard
    out = out_console()
    ds = board.dataset
    level = round(100 * float(board.settings["level"]))
    out.print(f"[bold]DEU backtest[/]  {escape(str(ds['source']))}: {ds['scoreable']} of "
              f"{ds['issues']} issues scored, {board.settings['n_resamples']} resamples, seed "
              f"{board.settings['seed']}", highlight=False)
    table = Table(caption=f"Absolute error on the 0-100 scale; {level}% percentile bootstrap "
                          "intervals over issues. Baselines in italics.")
    table.add_column("#", justify="right")
    table.add_column("entry", no_wrap=True)
    table.add_column("sample")
    table.add_column("issues", justify="right")
    table.add_column("mean", justify="right")
    table.add_column(f"{level}% CI", justify="right", no_wrap=True)
    table.add_column("median", justify="right")
    table.add_column(f"{level}% CI ", justify="right", no_wrap=True)
    table.add_column("failed", justify="right")
    for rank, e in enumerate(board.entries, 1):
        s = e.overall
        name = escape(e.label) if e.kind == "model" else f"[italic]{escape(e.label)}[/]"
        table.add_row(str(rank), name, e.sample, str(s.n), fmt(s.mean, 2), _ci(s.mean_ci),
                      fmt(s.median, 1), _ci(s.median_ci), str(e.failures))
    out.print(table)
    seen = {k for e in board.entries for k in e.by_period}
    periods = [p for p in PERIODS if p in seen] + sorted(seen - set(PERIODS))
    by_period = Table("entry", *periods, title="Mean absolute error by period of the proposal")
    for e in board.entries:
        by_period.add_row(escape(e.label), *(fmt(e.by_period[p].mean, 2)
                                             if p in e.by_period else "-" for p in periods))
    out.print(by_period)
    out.print(f"[dim]{escape(board.sample_note)}[/]")
    out.print(f"[dim]{len(board.failures)} failed model runs; took "
              f"{board.timings['total']:.1f} s[/]")
    if result.run is not None:
        out.print(f"[dim]stored run {result.run.id} in {escape(str(result.store_path))}[/]")
    if result.report_path is not None:
        out.print(f"leaderboard written to [bold]{escape(str(result.report_path))}[/]")
    if board.failures:
        err_console().print(f"[yellow]note:[/] {len(board.failures)} model runs gave no "
                            "forecast; see --json 'failures' or the HTML page")


def _group() -> None:
    """Score models against negotiations with known outcomes."""


app = typer.Typer(no_args_is_help=True, add_completion=False)
app.callback()(_group)
app.command("deu")(deu)
