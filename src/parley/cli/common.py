"""What every command shares: option types, output consoles, JSON output, error display."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from parley.errors import ParleyError, ScenarioError
from parley.scenario import Scenario

__all__ = [
    "DEFAULT_SCENARIO",
    "JsonOpt",
    "ScenarioArg",
    "StoreOpt",
    "emit_json",
    "err_console",
    "fmt",
    "friendly_errors",
    "load_scenario",
    "out_console",
    "problem_dict",
]

DEFAULT_SCENARIO = "geneva-2026"

ScenarioArg = Annotated[str, typer.Argument(
    help="A bundled scenario name (see 'parley scenarios') or a file: parley YAML/JSON, "
         "KTAB CSV, Decide CSV, or a one-issue table.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
StoreOpt = Annotated[Path | None, typer.Option(
    "--store", help="Run store file (default: $PARLEY_STORE or the user data directory).",
    envvar="PARLEY_STORE", show_envvar=True)]


def out_console() -> Console:
    """The console for results (stdout)."""
    return Console(soft_wrap=False)


def err_console() -> Console:
    """The console for messages and errors (stderr)."""
    return Console(stderr=True, soft_wrap=True)


def emit_json(doc: Any) -> None:
    """Print ``doc`` as the one JSON document on stdout."""
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


@contextmanager
def friendly_errors(as_json: bool = False) -> Iterator[None]:
    """Show parley errors as plain messages on stderr and exit non-zero."""
    try:
        yield
    except ScenarioError as err:
        if as_json:
            emit_json({"error": "invalid scenario", "problems": [problem_dict(p)
                                                                  for p in err.problems]})
        err_console().print(f"[bold red]error:[/] {escape(str(err))}", highlight=False)
        raise typer.Exit(1) from None
    except ParleyError as err:
        if as_json:
            emit_json({"error": str(err)})
        err_console().print(f"[bold red]error:[/] {escape(str(err))}", highlight=False)
        raise typer.Exit(1) from None


def problem_dict(p: Any) -> dict[str, Any]:
    """A problem as JSON."""
    value = p.value if isinstance(p.value, str | int | float | bool | type(None)) else repr(p.value)
    return {"source": p.source, "line": p.line, "field": p.field, "rule": p.rule,
            "value": value, "fix": p.fix}


def load_scenario(source: str) -> Scenario:
    """Load a bundled scenario or a file (any supported format)."""
    from parley.io import load

    return load(source)


def fmt(x: float | None, digits: int = 1) -> str:
    """A number for a table cell (``-`` for none)."""
    return "-" if x is None else f"{x:.{digits}f}"


