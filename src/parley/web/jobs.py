"""Background jobs (forecasts, deal analyses, simulations, ensembles, tornadoes): a small
thread pool and a job table per app.

A forecast job runs :func:`parley.forecast.run_forecasts` once per model, recording each
model's run in the run store as it finishes, so its progress (models done of models asked
for) can be polled. When every model is done, the job's result is the document of ``parley
forecast --json`` (without server paths). A deals job runs
:func:`parley.web.deals.deals_document` (one step) and records it as one run of kind
``deals``; a simulate job runs :func:`parley.web.simulation.simulation_document` and
records one run of kind ``simulate`` (its model: the protocol), as ``parley simulate``
does; a tornado job runs :func:`parley.web.ensembles.tornado_document` and records one run
of kind ``tornado``. An ensemble job runs :func:`parley.web.ensembles.ensemble_document`,
which records the run (kind ``ensemble``) and each chunk as it completes; its progress is
the draws done of the draws asked for. The job table lives in the app instance (nothing
at module level) and keeps the latest :attr:`JobRunner.keep` jobs; at most
:attr:`JobRunner.max_pending` jobs wait or run at once, more are refused
(:class:`JobQueueFullError`), so a client cannot pile up unbounded
work.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parley.errors import ParleyError, StoreError
from parley.scenario import Scenario

__all__ = ["Job", "JobQueueFullError", "JobRunner"]

_LOG = logging.getLogger("parley.web")


class JobQueueFullError(ParleyError):
    """Too many jobs are waiting or running."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class Job:
    """One job (mutable; read it through :meth:`JobRunner.get`)."""

    id: str
    scenario: Scenario
    version: int
    models: tuple[str, ...]
    seed: int | None
    kind: str = "forecast"
    parameters: dict[str, Any] = field(default_factory=dict)
    status: str = "queued"
    done: int = 0
    created_at: str = field(default_factory=_now)
    started_at: str | None = None
    finished_at: str | None = None
    error: str | None = None
    runs: list[str] = field(default_factory=list)
    result: dict[str, Any] | None = None
    total: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The job as JSON (:class:`~parley.web.schemas.JobDoc`)."""
        return {
            "id": self.id, "kind": self.kind, "status": self.status,
            "scenario": self.scenario.name, "version": self.version,
            "scenario_hash": self.scenario.content_hash(), "models": list(self.models),
            "seed": self.seed, "done": self.done,
            "total": (self.total if self.total is not None
                      else len(self.models) if self.kind == "forecast" else 1),
            "created_at": self.created_at, "started_at": self.started_at,
            "finished_at": self.finished_at, "error": self.error, "runs": list(self.runs),
            "parameters": dict(self.parameters), "result": self.result,
        }


class JobRunner:
    """Run jobs in background threads and keep their state.

    Parameters
    ----------
    store_path : Path
        The run store file the runs are recorded in.
    workers : int
        Threads that run jobs.
    max_pending : int
        Most jobs queued or running at once.
    keep : int
        Most jobs remembered (the oldest finished ones are forgotten first).
    """

    def __init__(self, store_path: Path, *, workers: int = 2, max_pending: int = 32,
                 keep: int = 500) -> None:
        self.store_path = store_path
        self.max_pending = max_pending
        self.keep = keep
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._executor = ThreadPoolExecutor(max_workers=workers,
                                            thread_name_prefix="parley-job")

    def submit(self, scenario: Scenario, version: int, models: tuple[str, ...],
               seed: int | None) -> dict[str, Any]:
        """Queue a forecast job and return its state.

        Raises
        ------
        JobQueueFullError
            If :attr:`max_pending` jobs are already queued or running.
        """
        return self._queue(scenario, version, "forecast", models, seed, {})

    def submit_deals(self, scenario: Scenario, version: int, parameters: dict[str, Any]
                     ) -> dict[str, Any]:
        """Queue a deal analysis (``parameters``: those of
        :func:`parley.web.deals.deals_document`) and return its state.

        Raises
        ------
        JobQueueFullError
            If :attr:`max_pending` jobs are already queued or running.
        """
        return self._queue(scenario, version, "deals", (), None, parameters)

    def submit_simulation(self, scenario: Scenario, version: int, parameters: dict[str, Any]
                          ) -> dict[str, Any]:
        """Queue a simulation (``parameters``: those of
        :func:`parley.web.simulation.simulation_document`) and return its state.

        Raises
        ------
        JobQueueFullError
            If :attr:`max_pending` jobs are already queued or running.
        """
        return self._queue(scenario, version, "simulate", (str(parameters["protocol"]),),
                           parameters.get("seed"), parameters)

    def submit_ensemble(self, scenario: Scenario, version: int, parameters: dict[str, Any]
                        ) -> dict[str, Any]:
        """Queue an ensemble (``parameters``: ``model``, ``runs``, ``seed`` and ``jitter``,
        as :meth:`Jitter.to_dict <parley.ensemble.sampling.Jitter.to_dict>` gives it, or
        ``None``) and return its state; its progress counts draws.

        Raises
        ------
        JobQueueFullError
            If :attr:`max_pending` jobs are already queued or running.
        """
        return self._queue(scenario, version, "ensemble", (str(parameters["model"]),),
                           parameters["seed"], parameters, total=int(parameters["runs"]))

    def submit_tornado(self, scenario: Scenario, version: int, parameters: dict[str, Any]
                       ) -> dict[str, Any]:
        """Queue a tornado (``parameters``: those of
        :func:`parley.web.ensembles.tornado_document`, ``jitter`` as for
        :meth:`submit_ensemble`) and return its state.

        Raises
        ------
        JobQueueFullError
            If :attr:`max_pending` jobs are already queued or running.
        """
        return self._queue(scenario, version, "tornado", (str(parameters["model"]),),
                           parameters["seed"], parameters)

    def _queue(self, scenario: Scenario, version: int, kind: str, models: tuple[str, ...],
               seed: int | None, parameters: dict[str, Any], *, total: int | None = None,
               ) -> dict[str, Any]:
        """Make a job (a fresh id, a copy of ``parameters``), queue it, return its state."""
        job = Job(id=f"job-{secrets.token_hex(8)}", scenario=scenario, version=version,
                  models=models, seed=seed, kind=kind, parameters=dict(parameters),
                  total=total)
        with self._lock:
            pending = sum(j.status in ("queued", "running") for j in self._jobs.values())
            if pending >= self.max_pending:
                raise JobQueueFullError(
                    f"{pending} jobs are queued or running, the most this server "
                    "takes. Fix: wait for some to finish and try again")
            self._jobs[job.id] = job
            self._forget_old()
            snapshot = job.to_dict()
        self._executor.submit(self._run, job)
        return snapshot

    def get(self, job_id: str) -> dict[str, Any] | None:
        """The job's state, or ``None`` if there is no such job."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else job.to_dict()

    def list(self) -> list[dict[str, Any]]:
        """Every remembered job, newest first."""
        with self._lock:
            return [j.to_dict() for j in reversed(self._jobs.values())]

    def shutdown(self) -> None:
        """Stop taking jobs; cancel queued ones and wait for running ones."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _forget_old(self) -> None:
        for job_id in [k for k, j in self._jobs.items() if j.status in ("done", "failed")]:
            if len(self._jobs) <= self.keep:
                break
            del self._jobs[job_id]

    def _run(self, job: Job) -> None:
        with self._lock:
            job.status, job.started_at = "running", _now()
        result: dict[str, Any] | None = None
        error: str | None = None
        try:
            result = self._work(job)
        except StoreError as err:
            _LOG.error("%s job %s could not record its runs: %s", job.kind, job.id, err)
            error = "the run store could not be written; see the server log"
        except ParleyError as err:
            error = str(err)
        except Exception:
            _LOG.exception("%s job %s failed", job.kind, job.id)
            error = f"the {job.kind} job failed unexpectedly; see the server log"
        with self._lock:
            job.result, job.error = result, error
            job.status = "failed" if error is not None else "done"
            job.finished_at = _now()

    def _work(self, job: Job) -> dict[str, Any]:
        if job.kind == "deals":
            return self._deals(job)
        if job.kind == "simulate":
            return self._simulate(job)
        if job.kind == "ensemble":
            return self._ensemble(job)
        if job.kind == "tornado":
            return self._tornado(job)
        return self._forecast(job)

    def _forecast(self, job: Job) -> dict[str, Any]:
        from parley.forecast import ForecastRun, run_forecasts
        from parley.report import forecast_rows

        forecasts: list[Any] = []
        records: list[Any] = []
        for model in job.models:
            one = run_forecasts(job.scenario, models=[model], seed=job.seed,
                                store=self.store_path)
            forecasts += one.forecasts
            records += one.runs
            with self._lock:
                job.done += 1
                job.runs += [r.id for r in one.runs]
        whole = ForecastRun(scenario=job.scenario, forecasts=tuple(forecasts),
                            rows=forecast_rows(job.scenario, forecasts),
                            runs=tuple(records), seed=job.seed)
        result = whole.to_dict()
        result.pop("store", None)  # server paths stay on the server
        result.pop("report", None)
        return result

    def _deals(self, job: Job) -> dict[str, Any]:
        from parley.store import RunStore
        from parley.web.deals import deals_document

        started = datetime.now(UTC)
        doc = deals_document(job.scenario, **job.parameters)
        finished = datetime.now(UTC)
        with RunStore(self.store_path) as store:
            record = store.record_run(kind="deals", scenario=job.scenario, model=None,
                                      parameters=job.parameters, seed=None, result=doc,
                                      started_at=started, finished_at=finished)
        with self._lock:
            job.done = 1
            job.runs.append(record.id)
        return doc

    def _record(self, job: Job, kind: str, model: str | None, parameters: dict[str, Any],
                started: datetime, doc: dict[str, Any]) -> None:
        """Record a one-step job's result as one run and mark the job's step done."""
        from parley.store import RunStore

        finished = datetime.now(UTC)
        with RunStore(self.store_path) as store:
            record = store.record_run(kind=kind, scenario=job.scenario, model=model,
                                      parameters=parameters, seed=job.seed, result=doc,
                                      started_at=started, finished_at=finished)
        with self._lock:
            job.done = 1
            job.runs.append(record.id)

    def _simulate(self, job: Job) -> dict[str, Any]:
        from parley.web.simulation import simulation_document

        started = datetime.now(UTC)
        doc = simulation_document(job.scenario, **job.parameters)
        self._record(job, "simulate", doc["protocol"], doc["parameters"], started, doc)
        return doc

    def _tornado(self, job: Job) -> dict[str, Any]:
        from parley.ensemble.sampling import Jitter
        from parley.web.ensembles import tornado_document

        started = datetime.now(UTC)
        p = job.parameters
        doc = tornado_document(job.scenario, **{**p, "jitter": Jitter.from_dict(p["jitter"])})
        self._record(job, "tornado", doc["model"], p, started, doc)
        return doc

    def _ensemble(self, job: Job) -> dict[str, Any]:
        from parley.ensemble.sampling import Jitter
        from parley.web.ensembles import ensemble_document

        def progress(done: int, total: int) -> None:
            with self._lock:
                job.done, job.total = done, total

        def started(run_id: str) -> None:
            with self._lock:
                job.runs.append(run_id)

        p = job.parameters
        return ensemble_document(job.scenario, model=p["model"], n_runs=p["runs"],
                                 seed=p["seed"], jitter=Jitter.from_dict(p["jitter"]),
                                 store=self.store_path,
                                 progress=progress, started=started)
