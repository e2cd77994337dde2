"""The web dashboard and HTTP API (FastAPI; the ``web`` extra).

:func:`create_app` builds one app instance around one run store: a JSON API whose OpenAPI
schema is the contract (``/openapi.json``) and a dashboard served by the same process, with
every asset local (no CDN). ``parley serve`` runs it with uvicorn. Importing this package
imports no web framework; :func:`create_app` does, and raises
:class:`~parley.errors.MissingExtraError` naming the install command without it.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from parley.errors import MissingExtraError

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(store_path: str | Path | None, *, token: str | None = None,
               allowed_hosts: Collection[str] | None = None, max_body_bytes: int = 1 << 20,
               job_workers: int = 2, max_pending_jobs: int = 32) -> FastAPI:
    """Build the web app (API and dashboard) around one run store.

    Parameters
    ----------
    store_path : str or Path or None
        The run store file (``None``: :func:`parley.store.default_store_path`). Saved
        scenario versions and forecast runs are kept there; the app reads and writes no
        other file.
    token : str, optional
        API token. When given, every API call and page needs it (``Authorization: Bearer``
        or the session cookie of the login page). ``parley serve`` requires one unless it
        binds to loopback.
    allowed_hosts : collection of str, optional
        Host names accepted in the ``Host`` header (``None``: any). ``parley serve`` on a
        loopback address passes :data:`parley.web.security.LOOPBACK_HOSTS`.
    max_body_bytes : int, default 1 MiB
        Larger request bodies get ``413``.
    job_workers : int, default 2
        Threads that run jobs (forecasts, deal analyses, simulations, ensembles,
        tornadoes).
    max_pending_jobs : int, default 32
        Most jobs queued or running at once (more get ``429``).

    Returns
    -------
    fastapi.FastAPI
        A new app; its lifespan closes the store and stops the jobs.

    Raises
    ------
    MissingExtraError
        If FastAPI or Jinja2 is not installed.
    StoreError
        If the store cannot be opened (see :class:`parley.store.RunStore`).
    """
    for package in ("fastapi", "jinja2"):
        try:
            __import__(package)
        except ImportError:
            raise MissingExtraError(package, "web", "The web dashboard") from None
    from parley.web.app import build_app

    return build_app(store_path, token=token, allowed_hosts=allowed_hosts,
                     max_body_bytes=max_body_bytes, job_workers=job_workers,
                     max_pending_jobs=max_pending_jobs)
