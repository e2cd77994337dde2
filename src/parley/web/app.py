"""Assemble the web app: API, pages, static assets, guards and error handlers.

Use :func:`parley.web.create_app`, which checks that the ``web`` extra is installed first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from parley.errors import StoreError
from parley.store import RunStore, default_store_path
from parley.web.api import build_router
from parley.web.context import WebContext
from parley.web.errors import install_error_handlers
from parley.web.jobs import JobRunner
from parley.web.library import ScenarioLibrary
from parley.web.pages import build_pages, make_templates
from parley.web.schemas import scenario_components
from parley.web.security import BodyLimitMiddleware, GuardMiddleware

__all__ = ["build_app"]

_DESCRIPTION = """\
The HTTP API of parley: scenarios (bundled and saved, with versions), validation, forecast,
deal-analysis, simulation, ensemble and tornado jobs, reading news articles into proposed
scenario updates, and the run history. Request and response bodies are JSON; scenarios may
also be sent as YAML (`Content-Type: application/yaml`). Every error is a JSON document
`{error, problems}` where each problem names the field, line, rule, value and fix.

A server bound to anything but loopback needs its API token: send
`Authorization: Bearer <token>` (or log in at `/login` for a session cookie). Requests that
change data must be same-origin, and a `POST` must carry a JSON or YAML `Content-Type` (or the
`X-Parley-Request` header).
"""


def _strip_marks(node: Any) -> Any:
    """Replace ``{"x-parley-ref": ref, ...}`` by ``{"$ref": ref}`` throughout a schema."""
    if isinstance(node, dict):
        if "x-parley-ref" in node:
            return {"$ref": node["x-parley-ref"], "description": node.get("description", "")}
        return {k: _strip_marks(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_strip_marks(v) for v in node]
    return node


def build_app(store_path: str | Path | None, *, token: str | None = None,
              allowed_hosts: Collection[str] | None = None, max_body_bytes: int = 1 << 20,
              job_workers: int = 2, max_pending_jobs: int = 32) -> FastAPI:
    """Build the app (see :func:`parley.web.create_app` for the parameters)."""
    from importlib import metadata

    path = default_store_path() if store_path is None else Path(store_path).expanduser()
    if str(path) == ":memory:":
        raise StoreError("the web app needs a run store file, not ':memory:' (forecast jobs "
                         "record their runs through their own connections). Fix: pass a "
                         "file path, e.g. a temporary file")
    if token is not None and not token.strip():
        raise ValueError("token must not be empty or blank")
    store = RunStore(path)
    context = WebContext(store=store, library=ScenarioLibrary(store),
                         jobs=JobRunner(store.path, workers=job_workers,
                                        max_pending=max_pending_jobs),
                         templates=make_templates(), token=token)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            context.close()

    try:
        version = metadata.version("parley")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    app = FastAPI(title="parley", version=version, description=_DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.parley = context
    install_error_handlers(app)
    app.include_router(build_router())
    app.include_router(build_pages())
    static = resources.files("parley.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(GuardMiddleware, token=token, allowed_hosts=allowed_hosts)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            schema = _strip_marks(schema)
            components = schema.setdefault("components", {})
            components.setdefault("schemas", {}).update(scenario_components())
            components["securitySchemes"] = {"token": {
                "type": "http", "scheme": "bearer",
                "description": "The API token; needed when the server has one."}}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
