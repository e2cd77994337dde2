"""What one app instance holds: its run store, scenario library, jobs and templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from fastapi import Request

from parley.store import RunStore
from parley.web.jobs import JobRunner
from parley.web.library import ScenarioLibrary

if TYPE_CHECKING:
    import jinja2

__all__ = ["WebContext", "get_context"]


@dataclass(frozen=True)
class WebContext:
    """The state of one app instance (kept on ``app.state.parley``; nothing is global)."""

    store: RunStore
    library: ScenarioLibrary
    jobs: JobRunner
    templates: jinja2.Environment
    token: str | None

    def close(self) -> None:
        """Stop the jobs and close the store."""
        self.jobs.shutdown()
        self.store.close()


def get_context(request: Request) -> WebContext:
    """The context of the app serving ``request`` (a FastAPI dependency)."""
    return cast(WebContext, request.app.state.parley)
