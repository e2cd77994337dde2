"""The ``evidence`` command: read an article, show what it says, apply accepted updates."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parley.cli.common import (
    DEFAULT_SCENARIO,
    JsonOpt,
    emit_json,
    err_console,
    fmt,
    friendly_errors,
    load_scenario,
    out_console,
)
from parley.errors import ParleyError

__all__ = ["evidence"]


def evidence(
    article: Annotated[Path, typer.Argument(
        help="The article as a UTF-8 text file: the headline on the first line, then "
             "paragraphs separated by blank lines.")],
    scenario: Annotated[str, typer.Option(
        "--scenario", "-s", help="A bundled scenario name or a scenario file.")
    ] = DEFAULT_SCENARIO,
    published: Annotated[str | None, typer.Option(
        help="The article's publication date, YYYY-MM-DD; 'on Tuesday' and 'in January' are "
             "resolved against it.")] = None,
    as_json: JsonOpt = False,
    apply: Annotated[bool, typer.Option(
        "--apply", help="Go through the proposals one by one (accept, edit, reject) and write "
                        "the next scenario version to --output.")] = False,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Where --apply writes the new version (YAML, or JSON if it "
                               "ends in .json).")] = None,
    source_id: Annotated[str | None, typer.Option(
        "--source-id", help="The id of the article's entry under 'sources' "
                            "(default: from its title and date).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --output if it exists.")
                     ] = False,
) -> None:
    """Read ARTICLE: list the evidence it holds about SCENARIO and the updates it supports."""
    with friendly_errors(as_json):
        from parley.evidence import extract, propose

        if apply and as_json:
            raise ParleyError("--apply asks questions and cannot print JSON. Fix: drop --json, "
                              "or run once with --json to see the proposals")
        if apply and output is None:
            raise ParleyError("--apply writes a new scenario version and needs a path. "
                              "Fix: add --output PATH")
        if apply and output is not None and output.exists() and not force:
            raise ParleyError(f"{output} exists; nothing written. Fix: choose another path or "
                              "pass --force to overwrite it")
        raw, text = _read(article)
        day = _date(published)
        s = load_scenario(scenario)
        records = extract(text, s, published=day)
        proposals = propose(records, s)
        if as_json:
            emit_json({"records": [r.to_dict() for r in records],
                       "proposals": [_proposal_json(p, records) for p in proposals]})
            return
        _print(records, proposals, article)
        if apply and output is not None:
            _walk(s, proposals, text, raw, day, source_id, output)


def _read(article: Path) -> tuple[bytes, str]:
    if not article.is_file():
        raise ParleyError(f"article {article} does not exist. Fix: give the path of a text file")
    raw = article.read_bytes()
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ParleyError(f"article {article} is not UTF-8 text ({err.reason} at byte "
                          f"{err.start}). Fix: save it as UTF-8") from None


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParleyError(f"--published must be a date as YYYY-MM-DD; got {text!r}. "
                          "Fix: e.g. --published 2026-02-18") from None


def _proposal_json(p: Any, records: list[Any]) -> dict[str, Any]:
    doc: dict[str, Any] = p.to_dict()
    doc["records"] = [records.index(r) for r in p.records]
    return doc


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _detail(r: Any) -> str:
    parts = []
    if r.value is not None:
        parts.append(f"value {r.value:g}")
    if r.status:
        parts.append(r.status)
    if r.subtype:
        parts.append(r.subtype + (f" -> {r.target}" if r.target else ""))
    if r.speaker or r.quote:
        parts.append(f"{r.speaker or '?'}: “{_short(r.quote or '', 40)}”")
    if r.participants:
        parts.append(", ".join(r.participants))
    if r.venue:
        parts.append(f"at {r.venue}")
    if r.date:
        parts.append(str(r.date) + (f" to {r.end}" if r.end else "")
                     + (" (month)" if r.date_precision == "month" else ""))
    if r.duration_minutes:
        parts.append(f"{r.duration_minutes:g} min")
    if r.planned:
        parts.append("planned")
    if r.tone is not None:
        parts.append(f"tone {r.tone:+.2f} ({r.cue})")
    return "; ".join(parts)


def _value(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, float | int):
        return fmt(float(x))
    if isinstance(x, dict):
        shown = {k: v for k, v in x.items() if k != "evidence"}
        return _short(", ".join(f"{k}: {v}" for k, v in shown.items()), 70) or "(evidence)"
    return _short(str(x), 70)


def _print(records: list[Any], proposals: list[Any], article: Path) -> None:
    out = out_console()
    table = Table("#", "kind", "actor", "issue", "what", "rule", "conf.", "sentence",
                  title=f"Evidence in {article.name}", show_lines=True)
    for k, r in enumerate(records):
        table.add_row(str(k), r.kind, r.actor or "", r.issue or "", _detail(r), r.rule,
                      f"{r.confidence:.2f}", _short(r.sentence))
    out.print(table)
    if not proposals:
        out.print("No updates proposed: the scenario already holds (and cites) what the "
                  "article says, or the article gives no values.")
        return
    props = Table("id", "action", "field", "old", "new", "records", "conflict / note",
                  title="Proposed updates", show_lines=True)
    for p in proposals:
        flag = "[bold red]CONFLICT[/] " + "; ".join(p.conflicts) if p.conflict else ""
        props.add_row(p.id, p.action, p.field, _value(p.old), _value(p.new),
                      ", ".join(str(records.index(r)) for r in p.records),
                      "\n".join(x for x in (flag, p.note) if x))
    out.print(props)


def _walk(s: Any, proposals: list[Any], text: str, raw: bytes, day: dt.date | None,
          source_id: str | None, output: Path) -> None:
    from parley.evidence import apply_proposals, article_source
    from parley.io import save

    out = out_console()
    accepted = []
    for p in proposals:
        out.print(f"\n[bold]{p.id}[/] {p.action} {p.field}: {_value(p.old)} -> {_value(p.new)}")
        for r in p.records:
            out.print(f"  [dim]“{_short(r.sentence, 160)}”[/]")
        if p.conflict:
            out.print("  [bold red]conflict:[/] " + "; ".join(p.conflicts))
        if p.note:
            out.print(f"  note: {p.note}")
        choice = typer.prompt("accept, edit or reject? [a/e/r]", default="r").strip().lower()
        if choice.startswith("a") and p.action not in ("flag", "add_stance"):
            accepted.append(p)
        elif choice.startswith(("a", "e")):
            edited = _edit(p)
            if edited is not None:
                accepted.append(edited)
    if not accepted:
        out.print("Nothing accepted; nothing written.")
        return
    source = article_source(text, published=day, source_id=source_id,
                            sha256=hashlib.sha256(raw).hexdigest())
    new = apply_proposals(s, accepted, source)
    save(new, output)
    out.print(f"wrote [bold]{output}[/]: {new.name} version {new.version}, "
              f"{len(accepted)} of {len(proposals)} proposals applied "
              f"({', '.join(p.id for p in accepted)}), citing source '{source.id}'")


def _edit(p: Any) -> Any:
    """Ask for the parts of a proposal an analyst may change; ``None`` if nothing to apply."""
    if p.action in ("set", "flag"):
        return p.with_new(typer.prompt(f"new value for {p.field}", type=float))
    if p.action == "add_stance":
        new = dict(p.new)
        new["position"] = typer.prompt("position", type=float, default=new["position"])
        new["salience"] = typer.prompt("salience in [0, 1]", type=float)
        return p.with_new(new)
    if p.action in ("add_event", "add_round", "add_session"):
        new = dict(p.new)
        key = "name" if p.action == "add_round" else "description"
        new[key] = typer.prompt(key, default=str(new.get(key, "")))
        return p.with_new(new)
    err_console().print("nothing to edit in added evidence; accepted as it is")
    return p
