"""The JSON API under ``/api`` (thin: parse, call one library function, format).

========================================  =================================================
endpoint                                  what it does
========================================  =================================================
``GET /api/scenarios``                    list bundled and saved scenarios (latest versions)
``POST /api/scenarios``                   create a scenario (JSON or YAML body)
``GET /api/scenarios/{name}``             read the latest version (``/versions/{v}``: one)
``PUT /api/scenarios/{name}``             save an edit as the next version
``DELETE /api/scenarios/{name}``          delete a scenario's saved versions
``GET /api/scenarios/{name}/versions``    list a scenario's versions
``POST /api/validate``                    check a scenario, listing every problem
``GET /api/models``                       list the forecasting models
``POST /api/forecasts``                   start a forecast job (``202``; poll the job)
``POST /api/deals``                       start a deal analysis job (``202``; poll the job)
``POST /api/simulations``                 start a simulation of the talks (``202``)
``POST /api/ensembles``                   start an ensemble job (``202``; progress in draws)
``POST /api/tornado``                     start a one-at-a-time tornado job (``202``)
``GET /api/jobs``, ``/api/jobs/{id}``      the jobs of this server and their progress
``POST /api/evidence``                    read an article: evidence records, proposals
``POST /api/evidence/apply``              apply accepted proposals as the next version
``GET /api/runs``, ``/api/runs/{id}``      the run history in the store, one run's result
``GET /api/runs/compare?a=..&b=..``       two runs' outcomes issue by issue
``POST /api/login``, ``/api/logout``      set or clear the session cookie (token servers)
``GET /api/health``                       liveness, version, whether a token is needed
========================================  =================================================
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from parley.errors import ParleyError, Problem, ScenarioError
from parley.store import RunRecord, RunStore
from parley.web.compare import compare_outcomes, outcomes_of
from parley.web.context import WebContext, get_context
from parley.web.errors import InvalidRequestError, NotFoundError, problem_doc
from parley.web.library import (
    BODY_FORMATS,
    Entry,
    UnsupportedBodyError,
    check_name,
    parse_body,
)
from parley.web.schemas import (
    NAME_PATTERN,
    SCENARIO_REF,
    CompareDoc,
    DealsRequest,
    DeletedDoc,
    EnsembleRequest,
    ErrorDoc,
    EvidenceApplyRequest,
    EvidenceDoc,
    EvidenceRequest,
    EvidenceSavedDoc,
    ForecastRequest,
    HealthDoc,
    JobDoc,
    JobListDoc,
    LoginDoc,
    LoginRequest,
    ModelListDoc,
    RunDoc,
    RunListDoc,
    ScenarioDoc,
    ScenarioListDoc,
    SimulationRequest,
    TornadoRequest,
    ValidationDoc,
    VersionListDoc,
)
from parley.web.security import SESSION_COOKIE, session_value

__all__ = ["build_router"]


def _err(description: str) -> dict[str, Any]:
    return {"model": ErrorDoc, "description": description}


_COMMON: dict[int | str, dict[str, Any]] = {
    400: _err("Malformed request (bad header, host not allowed)."),
    401: _err("This server needs its API token."),
    403: _err("Cross-site request refused."),
    413: _err("Request body too large."),
    415: _err("Body is neither JSON nor YAML."),
    422: _err("Invalid input: each problem names the field, rule, value and fix."),
    500: _err("Unexpected server error (details only in the server log)."),
    503: _err("The run store could not be read or written."),
}
Responses = dict[int | str, dict[str, Any]]
_404: Responses = {404: _err("No such scenario, version, job or run.")}
_409: Responses = {409: _err("Conflict: the name exists, the edit started from an old "
                             "version, or the scenario is bundled (read-only).")}
_429: Responses = {429: _err("Too many jobs queued or running.")}
_501: Responses = {501: _err("An optional part of parley is not installed (the message "
                             "names the install command).")}
_SCENARIO_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": SCENARIO_REF}},
    "application/yaml": {"schema": {"type": "string", "description":
                                    "The scenario in parley's native YAML format."}},
}}}

Ctx = Annotated[WebContext, Depends(get_context)]
Name = Annotated[str, Path(pattern=NAME_PATTERN, max_length=120,
                           description="A scenario name.")]


async def _body(request: Request) -> tuple[bytes, str]:
    return await request.body(), request.headers.get("content-type", "")


Body = Annotated[tuple[bytes, str], Depends(_body)]


def _parse(body: Body) -> tuple[Any, dict[str, Any]]:
    try:
        return parse_body(*body)
    except UnsupportedBodyError:
        raise HTTPException(415, "send the scenario as JSON (Content-Type: application/json) "
                                 f"or YAML; accepted types: {', '.join(BODY_FORMATS)}"
                            ) from None


def _version_doc(e: Entry) -> dict[str, Any]:
    return {"version": e.version, "origin": e.origin, "hash": e.scenario_hash,
            "created_at": e.created_at}


def _scenario_doc(entry: Entry, entries: list[Entry], doc: dict[str, Any]) -> dict[str, Any]:
    return {"name": entry.name, "version": entry.version,
            "latest_version": entries[-1].version, "origin": entry.origin,
            "bundled": entries[0].origin == "bundled",
            "deletable": any(e.origin == "user" for e in entries),
            "hash": entry.scenario_hash, "created_at": entry.created_at,
            "versions": [_version_doc(e) for e in entries], "scenario": doc}


def _run_doc(r: RunRecord) -> dict[str, Any]:
    return dataclasses.asdict(r)


def _find_run(store: RunStore, run_id: str) -> RunRecord:
    """The run with exactly this id (the store also takes prefixes; the API does not)."""
    with store._transaction("read a run", write=False) as conn:
        exists = conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone()
    if exists is None:
        raise NotFoundError(f"no run {run_id!r}. Fix: pick an id from GET /api/runs")
    return store.get_run(run_id)


def build_router() -> APIRouter:
    """The API routes (a new router each call: no module-level state)."""
    router = APIRouter(prefix="/api", responses=_COMMON, tags=["api"])

    @router.get("/health", response_model=HealthDoc)
    def health(ctx: Ctx) -> dict[str, Any]:
        """Whether the server is up, its parley version and whether it needs a token."""
        from importlib import metadata

        try:
            version = metadata.version("parley")
        except metadata.PackageNotFoundError:
            version = "0+unknown"
        return {"status": "ok", "version": version, "auth": ctx.token is not None}

    # -- scenarios -------------------------------------------------------------------------
    @router.get("/scenarios", response_model=ScenarioListDoc)
    def list_scenarios(ctx: Ctx) -> dict[str, Any]:
        """Every scenario: bundled ones and those saved in the store, at their latest version."""
        out = []
        for name in ctx.library.names():
            entry, entries, s, _ = ctx.library.resolve(name)
            out.append({"name": name, "title": s.title, "version": entry.version,
                        "origin": entry.origin, "bundled": entries[0].origin == "bundled",
                        "deletable": any(e.origin == "user" for e in entries),
                        "actors": len(s.actors), "issues": len(s.issues),
                        "stances": len(s.stances), "updated_at": entry.created_at})
        return {"scenarios": out}

    @router.post("/scenarios", status_code=201, response_model=ScenarioDoc,
                 responses=_409, openapi_extra=_SCENARIO_BODY)
    def create_scenario(ctx: Ctx, body: Body, response: Response) -> dict[str, Any]:
        """Create a scenario from a JSON or YAML body; it keeps the version it declares."""
        scenario, _ = _parse(body)
        entry = ctx.library.create(scenario)
        response.headers["location"] = f"/api/scenarios/{entry.name}"
        found, entries, _, doc = ctx.library.resolve(entry.name, entry.version)
        return _scenario_doc(found, entries, doc)

    @router.get("/scenarios/{name}", response_model=ScenarioDoc, responses=_404)
    def read_scenario(ctx: Ctx, name: Name) -> dict[str, Any]:
        """The latest version of a scenario, with every field."""
        entry, entries, _, doc = ctx.library.resolve(name)
        return _scenario_doc(entry, entries, doc)

    @router.put("/scenarios/{name}", response_model=ScenarioDoc, responses=_404 | _409,
                openapi_extra=_SCENARIO_BODY)
    def update_scenario(ctx: Ctx, name: Name, body: Body) -> dict[str, Any]:
        """Save an edit as the next version (bundled scenarios too: the edit is yours).

        If the body has a ``version``, it must be the latest version (the one the edit
        started from); otherwise the save is refused with 409 and nothing changes.
        """
        scenario, raw = _parse(body)
        base = raw.get("version") if isinstance(raw.get("version"), int) else None
        entry = ctx.library.update(name, scenario, base=base)
        found, entries, _, doc = ctx.library.resolve(name, entry.version)
        return _scenario_doc(found, entries, doc)

    @router.delete("/scenarios/{name}", response_model=DeletedDoc, responses=_404 | _409)
    def delete_scenario(ctx: Ctx, name: Name) -> dict[str, Any]:
        """Delete every saved version of a scenario (a bundled one then shows again)."""
        count, bundled = ctx.library.delete(name)
        return {"name": name, "versions_deleted": count, "bundled_remains": bundled}

    @router.get("/scenarios/{name}/versions", response_model=VersionListDoc, responses=_404)
    def list_versions(ctx: Ctx, name: Name) -> dict[str, Any]:
        """Every version of a scenario, oldest first."""
        _, entries, _, _ = ctx.library.resolve(name)
        return {"name": name, "versions": [_version_doc(e) for e in entries]}

    @router.get("/scenarios/{name}/versions/{version}", response_model=ScenarioDoc,
                responses=_404)
    def read_version(ctx: Ctx, name: Name,
                     version: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
        """One version of a scenario."""
        entry, entries, _, doc = ctx.library.resolve(name, version)
        return _scenario_doc(entry, entries, doc)

    @router.post("/validate", response_model=ValidationDoc, openapi_extra=_SCENARIO_BODY)
    def validate(body: Body) -> dict[str, Any]:
        """Check a scenario (JSON or YAML body) and list every problem; saves nothing."""
        try:
            scenario, _ = _parse(body)
            check_name(scenario.name)
        except ScenarioError as err:
            return {"valid": False, "problems": [problem_doc(p) for p in err.problems]}
        return {"valid": True, "problems": [], "name": scenario.name,
                "hash": scenario.content_hash(), "actors": len(scenario.actors),
                "issues": len(scenario.issues), "stances": len(scenario.stances)}

    # -- models, forecasts, jobs -----------------------------------------------------------
    @router.get("/models", response_model=ModelListDoc)
    def list_models() -> dict[str, Any]:
        """The registered forecasting models; baseline ones run when a request names none."""
        from parley.forecast import BASELINE_MODELS
        from parley.models import get_model, model_names

        return {"models": [
            {"name": n, "baseline": n in BASELINE_MODELS,
             "summary": ((type(get_model(n)).__doc__ or "").strip().splitlines() or [""])[0]}
            for n in model_names()]}

    @router.post("/forecasts", status_code=202, response_model=JobDoc,
                 responses=_404 | _429)
    def start_forecast(ctx: Ctx, request: ForecastRequest, response: Response
                       ) -> dict[str, Any]:
        """Start a forecast job; poll ``GET /api/jobs/{id}`` until it is done or failed."""
        from parley.forecast import BASELINE_MODELS
        from parley.models import model_names

        known = model_names()
        models = tuple(request.models or BASELINE_MODELS)
        problems = [Problem(f"models[{i}]", "is not a registered model", m,
                            f"use one of {', '.join(known)}")
                    for i, m in enumerate(models) if m not in known]
        if problems:
            raise InvalidRequestError(problems)
        entry, _, scenario, _ = ctx.library.resolve(request.scenario, request.version)
        job = ctx.jobs.submit(scenario, entry.version, models, request.seed)
        response.headers["location"] = f"/api/jobs/{job['id']}"
        return job

    @router.post("/deals", status_code=202, response_model=JobDoc, responses=_404 | _429)
    def start_deals(ctx: Ctx, request: DealsRequest, response: Response) -> dict[str, Any]:
        """Start a deal analysis job (zones of agreement, Pareto frontier, Nash/KS points,
        logrolls, what it would take); poll ``GET /api/jobs/{id}``. The result is also
        recorded as a run of kind ``deals``."""
        from parley.deals.report import MAX_PACKAGES

        entry, _, scenario, _ = ctx.library.resolve(request.scenario, request.version)
        problems: list[Problem] = []
        actors = [a.id for a in scenario.actors]
        for i, party in enumerate(request.parties or ()):
            if party not in actors:
                problems.append(Problem(f"parties[{i}]", "is not an actor of the scenario",
                                        party, f"use some of {', '.join(actors)}"))
            elif party in (request.parties or [])[:i]:
                problems.append(Problem(f"parties[{i}]", "repeats a party", party,
                                        "name each party once"))
        size = request.grid_points ** len(scenario.issues)
        if size > MAX_PACKAGES:
            problems.append(Problem(
                "grid_points", f"gives {size:,} packages ({request.grid_points} per issue on "
                f"{len(scenario.issues)} issues), more than {MAX_PACKAGES:,}",
                request.grid_points, "use fewer grid points"))
        if problems:
            raise InvalidRequestError(problems)
        job = ctx.jobs.submit_deals(scenario, entry.version, {
            "parties": request.parties, "loss": request.loss,
            "grid_points": request.grid_points, "top": request.top})
        response.headers["location"] = f"/api/jobs/{job['id']}"
        return job

    @router.post("/simulations", status_code=202, response_model=JobDoc,
                 responses=_404 | _429)
    def start_simulation(ctx: Ctx, request: SimulationRequest, response: Response
                         ) -> dict[str, Any]:
        """Start a simulation of the talks (rounds of offers, the mediator's text, side
        channels); poll ``GET /api/jobs/{id}``. The result (each issue agreed, open or
        deadlocked, utilities, the offers over time, the transcript) is also recorded as a
        run of kind ``simulate``."""
        from parley.web.simulation import check_strategies

        entry, _, scenario, _ = ctx.library.resolve(request.scenario, request.version)
        problems = check_strategies(scenario, request.strategies)
        if len(scenario.parties) < 2:
            problems.insert(0, Problem("scenario", "a simulation needs at least two actors "
                                       "with role 'party'", request.scenario,
                                       "give two actors role 'party'"))
        if problems:
            raise InvalidRequestError(problems)
        job = ctx.jobs.submit_simulation(scenario, entry.version, {
            "protocol": request.protocol, "strategies": request.strategies,
            "seed": request.seed, "steps": request.steps, "order": request.order})
        response.headers["location"] = f"/api/jobs/{job['id']}"
        return job

    @router.post("/ensembles", status_code=202, response_model=JobDoc,
                 responses=_404 | _429)
    def start_ensemble(ctx: Ctx, request: EnsembleRequest, response: Response
                       ) -> dict[str, Any]:
        """Start an ensemble: the model (or simulation) on ``runs`` draws of the scenario's
        uncertain inputs; poll ``GET /api/jobs/{id}`` (``done`` of ``total`` draws). The
        run and its chunks are recorded in the store (kind ``ensemble``)."""
        import secrets

        from parley.web.ensembles import check_ensemble

        entry, _, scenario, _ = ctx.library.resolve(request.scenario, request.version)
        jitter, problems = check_ensemble(scenario, request.model, request.jitter)
        if problems:
            raise InvalidRequestError(problems)
        seed = request.seed if request.seed is not None else secrets.randbits(32)
        job = ctx.jobs.submit_ensemble(scenario, entry.version, {
            "model": request.model, "runs": request.runs, "seed": seed,
            "jitter": None if jitter is None else jitter.to_dict()})
        response.headers["location"] = f"/api/jobs/{job['id']}"
        return job

    @router.post("/tornado", status_code=202, response_model=JobDoc, responses=_404 | _429)
    def start_tornado(ctx: Ctx, request: TornadoRequest, response: Response
                      ) -> dict[str, Any]:
        """Start a one-at-a-time tornado: each uncertain input at its 5 % and 95 %
        quantiles in turn, the others at their point values (``2 k + 1`` runs); poll
        ``GET /api/jobs/{id}``. Recorded as a run of kind ``tornado``."""
        from parley.web.ensembles import check_ensemble

        entry, _, scenario, _ = ctx.library.resolve(request.scenario, request.version)
        jitter, problems = check_ensemble(scenario, request.model, request.jitter)
        issues = [i.id for i in scenario.issues]
        if request.issue is not None and request.issue not in issues:
            problems.append(Problem("issue", "is not an issue of the scenario", request.issue,
                                    f"use one of {', '.join(issues)}"))
        if problems:
            raise InvalidRequestError(problems)
        job = ctx.jobs.submit_tornado(scenario, entry.version, {
            "model": request.model, "seed": request.seed,
            "jitter": None if jitter is None else jitter.to_dict(), "issue": request.issue,
            "top": request.top})
        response.headers["location"] = f"/api/jobs/{job['id']}"
        return job

    @router.get("/jobs", response_model=JobListDoc)
    def list_jobs(ctx: Ctx) -> dict[str, Any]:
        """The jobs this server remembers, newest first."""
        return {"jobs": ctx.jobs.list()}

    @router.get("/jobs/{job_id}", response_model=JobDoc, responses=_404)
    def read_job(ctx: Ctx, job_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        """A job's status and progress; its result once done."""
        job = ctx.jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id!r} on this server (jobs are kept in memory "
                                "until the server stops)")
        return job

    # -- evidence --------------------------------------------------------------------------
    @router.post("/evidence", response_model=EvidenceDoc, responses=_404 | _501)
    def read_article(ctx: Ctx, request: EvidenceRequest) -> dict[str, Any]:
        """Read an article against a scenario version: the evidence records it holds and
        the updates they support (saves nothing)."""
        from parley.evidence import extract, propose
        from parley.web.review import review_doc

        entry, _, scenario, _ = ctx.library.resolve(request.scenario, request.version)
        records = extract(request.text, scenario, published=request.published)
        return {"scenario": entry.name, "version": entry.version,
                "hash": entry.scenario_hash,
                **review_doc(records, propose(records, scenario))}

    @router.post("/evidence/apply", status_code=201, response_model=EvidenceSavedDoc,
                 responses=_404 | _409 | _501)
    def apply_article(ctx: Ctx, request: EvidenceApplyRequest, response: Response
                      ) -> dict[str, Any]:
        """Apply the accepted and edited proposals of an article and save the result as
        the scenario's next version, citing the article as a new source."""
        import hashlib

        from parley.evidence import apply_proposals, article_source, extract, propose
        from parley.web.review import decide

        entry, _, scenario, _ = ctx.library.resolve(request.scenario, request.version)
        records = extract(request.text, scenario, published=request.published)
        chosen = decide(propose(records, scenario),
                        [d.model_dump() for d in request.decisions])
        source = article_source(request.text, published=request.published,
                                source_id=request.source_id, url=request.url,
                                sha256=hashlib.sha256(request.text.encode()).hexdigest())
        new = apply_proposals(scenario, chosen, source)
        saved = ctx.library.update(entry.name, new, base=entry.version)
        found, entries, _, doc = ctx.library.resolve(entry.name, saved.version)
        response.headers["location"] = f"/api/scenarios/{entry.name}/versions/{saved.version}"
        cited = [s.id for s in new.sources if s.sha256 == source.sha256]
        return {"applied": [p.id for p in chosen], "source": cited[0] if cited else source.id,
                "saved": _scenario_doc(found, entries, doc)}

    # -- run history -----------------------------------------------------------------------
    @router.get("/runs", response_model=RunListDoc)
    def list_runs(ctx: Ctx,
                  scenario: Annotated[str | None, Query(max_length=120)] = None,
                  kind: Annotated[str | None, Query(max_length=40, description=(
                      "Only runs of this kind (forecast, deals...)."))] = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
        """Recorded runs, newest first, without their results."""
        return {"runs": [_run_doc(r) for r in ctx.store.runs(limit=limit, scenario=scenario,
                                                              kind=kind)]}

    @router.get("/runs/compare", response_model=CompareDoc, responses=_404)
    def compare_runs(ctx: Ctx, a: Annotated[str, Query(max_length=64)],
                     b: Annotated[str, Query(max_length=64)]) -> dict[str, Any]:
        """Two runs' outcomes issue by issue, and their difference ``b - a``."""
        run_a, run_b = _find_run(ctx.store, a), _find_run(ctx.store, b)
        names: dict[str, str] = {}
        for run in (run_b, run_a):
            with contextlib.suppress(ParleyError):  # an old scenario that no longer loads
                names |= {i.id: i.name for i in ctx.store.get_scenario(run.scenario_hash).issues}
        issues = compare_outcomes(outcomes_of(run_a.result), outcomes_of(run_b.result), names)
        return {"a": _run_doc(dataclasses.replace(run_a, result=None)),
                "b": _run_doc(dataclasses.replace(run_b, result=None)), "issues": issues}

    @router.get("/runs/{run_id}", response_model=RunDoc, responses=_404)
    def read_run(ctx: Ctx, run_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        """One run with its result."""
        return _run_doc(_find_run(ctx.store, run_id))

    # -- session ---------------------------------------------------------------------------
    @router.post("/login", response_model=LoginDoc)
    def login(ctx: Ctx, body: LoginRequest, request: Request) -> JSONResponse:
        """Check the API token and set the session cookie (HttpOnly, SameSite=Strict)."""
        import hmac

        response = JSONResponse({"ok": True})
        if ctx.token is None:
            return response
        if not hmac.compare_digest(body.token.encode(), ctx.token.encode()):
            raise HTTPException(401, "wrong token")
        response.set_cookie(SESSION_COOKIE, session_value(ctx.token), httponly=True,
                            samesite="strict", secure=request.url.scheme == "https", path="/")
        return response

    @router.post("/logout", response_model=LoginDoc)
    def logout() -> JSONResponse:
        """Clear the session cookie."""
        response = JSONResponse({"ok": True})
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router
