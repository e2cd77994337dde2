"""The ``parley`` command line (thin: parse, call one library function, print).

Every command that prints results accepts ``--json`` and then prints exactly one JSON
document on stdout and nothing else there; messages go to stderr. Errors in the input are
shown as a list of problems (file, line, field, rule, value, fix) without a traceback, and
the exit code is non-zero. Each group of commands lives in its own module; this one only
assembles them.
"""

from __future__ import annotations

import typer

from parley.cli import backtest, core, deals, ensemble, evidence, simulate, web

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Analyse multi-party negotiations: scenarios, forecasts and a run store.",
)

for _command in (core.forecast, core.scenarios, core.show, core.validate, core.convert,
                 core.runs, core.models, core.schema):
    app.command()(_command)
app.command()(deals.deals)
app.command("adjusted-winner")(deals.adjusted_winner)
app.command()(simulate.simulate)
app.command()(ensemble.ensemble)
app.command()(ensemble.sensitivity)
app.command()(ensemble.whatif)
app.command()(evidence.evidence)
app.command()(web.serve)
app.add_typer(backtest.app, name="backtest")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``parley`` script."""
    app(args=argv, prog_name="parley")

