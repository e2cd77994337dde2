"""The dashboard's pages: small HTML shells (Jinja2, autoescaped) filled in by local scripts.

Each page is a template that names its script (``static/<page>.js``); the script reads the
JSON API and builds the page with DOM calls that treat every user-supplied string as text.
No page loads anything from another origin, and none has inline script, so the strict
Content-Security-Policy of :mod:`parley.web.security` applies unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parley.web.context import WebContext, get_context
from parley.web.errors import NotFoundError
from parley.web.security import safe_next

__all__ = ["build_pages", "make_templates"]

Ctx = Annotated[WebContext, Depends(get_context)]


def make_templates() -> Any:
    """A Jinja2 environment over the package's templates, autoescaping every variable."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("parley.web", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def _page(ctx: WebContext, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    html = ctx.templates.get_template(template).render(auth=ctx.token is not None, **values)
    return HTMLResponse(html, status_code=status)


def build_pages() -> APIRouter:
    """The page routes (left out of the OpenAPI schema)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def index(ctx: Ctx) -> HTMLResponse:
        return _page(ctx, "index.html", title="Scenarios", script="scenarios.js")

    def scenario_page(ctx: WebContext, name: str, template: str, script: str,
                      title: str) -> HTMLResponse:
        try:
            ctx.library.resolve(name)
        except NotFoundError:
            return _page(ctx, "missing.html", 404, title="Not found", script="common.js",
                         name=name)
        return _page(ctx, template, title=f"{title}{name}", script=script, name=name)

    @router.get("/scenarios/{name}", response_class=HTMLResponse)
    def scenario(ctx: Ctx, name: Annotated[str, Path(max_length=120)]) -> HTMLResponse:
        return scenario_page(ctx, name, "scenario.html", "scenario.js", "")

    @router.get("/scenarios/{name}/forecast", response_class=HTMLResponse)
    def forecast(ctx: Ctx, name: Annotated[str, Path(max_length=120)]) -> HTMLResponse:
        return scenario_page(ctx, name, "forecast.html", "forecast.js", "Forecast: ")

    @router.get("/scenarios/{name}/deals", response_class=HTMLResponse)
    def deals(ctx: Ctx, name: Annotated[str, Path(max_length=120)]) -> HTMLResponse:
        return scenario_page(ctx, name, "deals.html", "deals.js", "Deals: ")

    @router.get("/scenarios/{name}/simulate", response_class=HTMLResponse)
    def simulate(ctx: Ctx, name: Annotated[str, Path(max_length=120)]) -> HTMLResponse:
        return scenario_page(ctx, name, "simulate.html", "simulate.js", "Simulation: ")

    @router.get("/scenarios/{name}/ensemble", response_class=HTMLResponse)
    def ensemble(ctx: Ctx, name: Annotated[str, Path(max_length=120)]) -> HTMLResponse:
        return scenario_page(ctx, name, "ensemble.html", "ensemble.js", "Ensemble: ")

    @router.get("/scenarios/{name}/review", response_class=HTMLResponse)
    def review(ctx: Ctx, name: Annotated[str, Path(max_length=120)]) -> HTMLResponse:
        return scenario_page(ctx, name, "review.html", "review.js", "Review news: ")

    @router.get("/runs", response_class=HTMLResponse)
    def runs(ctx: Ctx) -> HTMLResponse:
        return _page(ctx, "runs.html", title="Run history", script="runs.js")

    @router.get("/login", response_model=None)
    def login(ctx: Ctx, next: Annotated[str | None, Query(max_length=2000)] = None
              ) -> Response:
        if ctx.token is None:
            return RedirectResponse(safe_next(next), status_code=303)
        return _page(ctx, "login.html", title="Log in", script="login.js",
                     next=safe_next(next))

    @router.get("/favicon.ico")
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    return router
