"""The uncertainty commands: ensemble, sensitivity, whatif (see :mod:`parley.ensemble`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape as esc
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

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
)
from parley.errors import ParleyError

if TYPE_CHECKING:
    from parley.ensemble import EnsembleResult, Jitter
    from parley.store import RunStore

__all__ = ["ensemble", "sensitivity", "whatif"]

ModelOpt = Annotated[str, typer.Option(
    "--model", "-m", help="Registered model to run on every draw (see 'parley models'), or "
                          "simulate[:alternating|:single-text] for the negotiation simulation.")]
SeedOpt = Annotated[int | None, typer.Option(
    help="Master seed (default: a fresh one, printed and recorded).")]
ExecutorOpt = Annotated[str, typer.Option(
    help="Where chunks run: local (this process), processes (a local pool) or dask.")]
SchedulerOpt = Annotated[str | None, typer.Option(
    help="Address of a Dask scheduler (tcp://HOST:8786); default: start a local cluster.")]
WorkersOpt = Annotated[int | None, typer.Option(
    help="Worker processes for --executor processes or a local Dask cluster.")]
ChunkOpt = Annotated[int | None, typer.Option(
    help="Draws per chunk (default: the model's). The same seed and chunk size give the "
         "same numbers on every executor.")]
JitterOpt = Annotated[str | None, typer.Option(
    help="Noise for numbers that declare no uncertainty: 0.1, or "
         "capability=0.2,salience=0.1,position=0.05 (position: share of the scale).")]
NoStoreOpt = Annotated[bool, typer.Option("--no-store", help="Do not record the run.")]
ReportOpt = Annotated[Path | None, typer.Option(
    "--report", help="Write an HTML briefing here (needs the report extra).")]


class _RateColumn(ProgressColumn):
    """Draws per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} draws/s", style="progress.data.speed")


@contextmanager
def _progress(what: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr: draws done, rate, time left."""
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   _RateColumn(), TimeElapsedColumn(), TextColumn("left"),
                   TimeRemainingColumn(), console=err_console(), transient=False)
    task_id: list[Any] = []

    def update(done: int, total: int) -> None:
        if not task_id:
            task_id.append(bar.add_task(what, total=total, completed=done))
        else:
            bar.update(task_id[0], completed=done, total=total)

    with bar:
        yield update


def _jitter(text: str | None) -> Jitter | None:
    from parley.ensemble import Jitter

    return None if text is None else Jitter.parse(text)


def _open_store(store: Path | None, no_store: bool) -> RunStore | None:
    from parley.store import RunStore

    return None if no_store else RunStore(store)


def _spark(counts: list[int]) -> str:
    blocks = " ▁▂▃▄▅▆▇█"
    top = max(counts) if counts else 0
    return "".join(blocks[0 if top == 0 else round(8 * c / top)] for c in counts)


def _pct(p: float | None) -> str:
    return "-" if p is None else f"{100 * p:.1f}%"


def _report(path: Path | None, **parts: Any) -> None:
    if path is None:
        return
    from parley.ensemble.briefing import write_ensemble_briefing

    written = write_ensemble_briefing(path, **parts)
    err_console().print(f"briefing written to [bold]{esc(str(written))}[/]")


# ------------------------------------------------------------------------------------------
def ensemble(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    model: ModelOpt = "compromise",
    runs: Annotated[int, typer.Option(help="Number of draws.")] = 1000,
    seed: SeedOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    chunk_size: ChunkOpt = None,
    jitter: JitterOpt = None,
    resume: Annotated[str | None, typer.Option(
        help="Finish the interrupted ensemble run with this id (its own scenario, model, "
             "draws, seed, chunk size and jitter), computing only the chunks not stored.")
    ] = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
    report: ReportOpt = None,
) -> None:
    """Run MODEL on many draws of SCENARIO's uncertain numbers; summarise every issue.

    Prints, per issue, the distribution of the outcome and the probability that it is
    acceptable to every party. Chunks are stored as they finish: an interrupted run
    resumes with --resume RUN_ID and gives the result it would have given.
    """
    with friendly_errors(as_json):
        from parley.ensemble import resume_ensemble, run_ensemble

        if resume is not None and no_store:
            raise ParleyError("--resume reads the run from the store; drop --no-store")
        st = _open_store(store, no_store)
        run_ids: list[str] = []

        def started(run_id: str) -> None:
            run_ids.append(run_id)
            assert st is not None
            err_console().print(f"[dim]run {run_id} in {esc(str(st.path))}; if interrupted, "
                                f"finish it with: parley ensemble --resume {run_id}[/]")

        try:
            with _progress("ensemble") as progress:
                if resume is not None:
                    assert st is not None
                    run_ids.append(resume)
                    result = resume_ensemble(resume, store=st, executor=executor,
                                             workers=workers, scheduler=scheduler,
                                             progress=progress)
                else:
                    result = run_ensemble(
                        load_scenario(scenario), model, n_runs=runs, seed=seed,
                        jitter=_jitter(jitter), chunk_size=chunk_size, executor=executor,
                        workers=workers, scheduler=scheduler, store=st, progress=progress,
                        started=started if st is not None else None)
        except KeyboardInterrupt:
            where = (f"; the chunks done are stored: finish with parley ensemble --resume "
                     f"{run_ids[0]}" if run_ids else "")
            err_console().print(f"[yellow]interrupted[/]{esc(where)}")
            raise typer.Exit(130) from None
        finally:
            if st is not None:
                st.close()
        _report(report, result=result)
        if as_json:
            doc = result.to_dict()
            doc["store"] = None if st is None else str(st.path)
            emit_json(doc)
            return
        _print_ensemble(result)


def _print_ensemble(result: EnsembleResult) -> None:
    doc = result.summary(bins=16)
    spec = result.spec
    out = out_console()
    out.print(f"[bold]{esc(result.scenario)}[/]: {spec.n_runs:,} draws of "
              f"[bold]{esc(spec.model)}[/], seed {spec.seed}, {len(result.inputs)} uncertain "
              f"inputs" + (f" (resumed {result.resumed_chunks} stored chunks)"
                           if result.resumed_chunks else ""))
    simulated = result.outcomes.agreed is not None
    table = Table("issue", "mean", "5%", "median", "95%", "acceptable to all",
                  *(["agreed"] if simulated else []), "distribution over the scale",
                  caption="acceptable to all: share of draws whose outcome lies inside every "
                          "party's acceptable range")
    for j, issue in enumerate(result.issue_ids):
        d = doc["issues"][issue]
        dist = d["distribution"]
        q = dist["quantiles"]
        table.add_row(esc(result.issue_names[j]), fmt(dist["mean"]), fmt(q["0.05"]),
                      fmt(q["0.5"]), fmt(q["0.95"]), _pct(d["acceptable_to_all"]),
                      *([_pct(d["agreed"])] if simulated else []),
                      _spark(dist["histogram"]["counts"]))
    out.print(table)
    out.print("acceptable to every party on every issue at once: "
              f"[bold]{_pct(doc['acceptable_to_all_on_every_issue'])}[/]")
    if result.run_id:
        out.print(f"[dim]stored run {result.run_id}[/]")


# ------------------------------------------------------------------------------------------
def sensitivity(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    model: ModelOpt = "compromise",
    samples: Annotated[int, typer.Option(
        help="Sobol base sample N (a power of 2): N x (inputs + 2) model runs.")] = 256,
    seed: SeedOpt = None,
    jitter: JitterOpt = None,
    top: Annotated[int, typer.Option(help="Inputs shown per issue.")] = 5,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    chunk_size: ChunkOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
    report: ReportOpt = None,
) -> None:
    """Which uncertain inputs move each issue's outcome most: Sobol indices and tornado."""
    with friendly_errors(as_json):
        from datetime import UTC, datetime

        from parley.ensemble.sensitivity import sensitivity as run_sensitivity

        s = load_scenario(scenario)
        started = datetime.now(UTC)
        with _progress("sensitivity") as progress:
            result = run_sensitivity(s, model, n=samples, seed=seed, jitter=_jitter(jitter),
                                     executor=executor, workers=workers, scheduler=scheduler,
                                     chunk_size=chunk_size, progress=progress)
        doc = result.to_dict(top=top)
        _record(store, no_store, "sensitivity", s, result.model, doc, result.seed, started)
        _report(report, sensitivity=result)
        if as_json:
            emit_json(doc)
            return
        out = out_console()
        n_rows = result.sobol.n * (len(result.sobol.names) + 2)
        out.print(f"[bold]{esc(s.name)}[/]: Sobol indices of [bold]{esc(result.model)}[/] "
                  f"over {len(result.sobol.names)} inputs ({n_rows:,} runs, seed "
                  f"{result.seed}); tornado at the inputs' 5% and 95% quantiles")
        for j, issue in enumerate(result.sobol.outputs):
            table = Table("input", "S1", "ST", "tornado low", "tornado high",
                          title=esc(result.issue_names[j]))
            bars = {b.input: b for b in result.tornado.bars[issue]}
            for name, s1, st in result.sobol.ranking(issue, top):
                b = bars[name]
                table.add_row(esc(name), fmt(s1, 3), fmt(st, 3), fmt(b.low_outcome),
                              fmt(b.high_outcome))
            out.print(table)


def _record(store: Path | None, no_store: bool, kind: str, scenario: Any, model: str,
            doc: dict[str, Any], seed: int | None, started: Any) -> None:
    from datetime import UTC, datetime

    st = _open_store(store, no_store)
    if st is None:
        return
    with st:
        run = st.record_run(kind=kind, scenario=scenario, model=model,
                            parameters={k: v for k, v in doc.items()
                                        if k in ("parameters", "ensemble", "jitter", "seed")},
                            seed=seed, result=doc, started_at=started,
                            finished_at=datetime.now(UTC))
    err_console().print(f"[dim]stored run {run.id} in {esc(str(st.path))}[/]")


# ------------------------------------------------------------------------------------------
def whatif(
    scenario: ScenarioArg,
    changes_file: Annotated[Path, typer.Argument(
        help="Change set (YAML): position, salience, capability, status_quo, red_line, "
             "stance, add_actor, remove_actor, join_side_channel, leave_side_channel.")],
    model: ModelOpt = "compromise",
    runs: Annotated[int, typer.Option(help="Draws per scenario.")] = 1000,
    seed: SeedOpt = None,
    jitter: JitterOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    chunk_size: ChunkOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
    report: ReportOpt = None,
) -> None:
    """Apply CHANGES_FILE to SCENARIO and compare both on the same draws, issue by issue."""
    with friendly_errors(as_json):
        from datetime import UTC, datetime

        from parley.ensemble.whatif import compare_whatif, load_changes

        s = load_scenario(scenario)
        changes = load_changes(changes_file)
        started = datetime.now(UTC)
        with _progress("what-if") as progress:
            result = compare_whatif(s, changes, model, n_runs=runs, seed=seed,
                                    jitter=_jitter(jitter), chunk_size=chunk_size,
                                    executor=executor, workers=workers, scheduler=scheduler,
                                    progress=progress)
        doc = result.to_dict()
        _record(store, no_store, "whatif", s, result.baseline.spec.model, doc,
                result.baseline.spec.seed, started)
        _report(report, whatif=result)
        if as_json:
            emit_json(doc)
            return
        out = out_console()
        out.print(f"[bold]what if: {esc(changes.name)}[/] ({esc(s.name)}, "
                  f"{result.baseline.spec.n_runs:,} draws each of "
                  f"{esc(result.baseline.spec.model)}, seed {result.baseline.spec.seed})")
        for c in changes.changes:
            out.print(f"  - {esc(c.describe())}")
        for note in result.notes:
            err_console().print(f"[yellow]note:[/] {esc(note)}")
        table = Table("issue", "baseline median", "what-if median", "mean change (s.e.)",
                      "moved up / down", "acceptable to all",
                      caption="same draws for both (common random numbers)")
        for r in result.rows():
            d = r["difference"]
            table.add_row(esc(r["name"]), fmt(r["baseline"]["quantiles"]["0.5"]),
                          fmt(r["variant"]["quantiles"]["0.5"]),
                          f"{fmt(d['mean'], 2)} ({fmt(d['se'], 2)})",
                          f"{_pct(d['share_higher'])} / {_pct(d['share_lower'])}",
                          f"{_pct(r['acceptable_to_all']['baseline'])} -> "
                          f"{_pct(r['acceptable_to_all']['variant'])}")
        out.print(table)
