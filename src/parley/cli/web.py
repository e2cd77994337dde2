"""The ``serve`` command: run the web dashboard and HTTP API (the ``web`` extra)."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from parley.cli.common import StoreOpt, err_console, friendly_errors

__all__ = ["serve"]


def serve(
    host: Annotated[str, typer.Option(
        help="Address to listen on. Anything but loopback requires an API token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    store: StoreOpt = None,
    token: Annotated[str | None, typer.Option(
        "--token", envvar="PARLEY_TOKEN", show_envvar=True,
        help="API token for every API call and page (generated and printed when the server "
             "listens beyond loopback and none is given).")] = None,
) -> None:
    """Serve the dashboard and the JSON API (binds to loopback unless told otherwise)."""
    with friendly_errors():
        from parley.errors import MissingExtraError
        from parley.web import create_app
        from parley.web.security import LOOPBACK_HOSTS, is_loopback

        try:
            import uvicorn
        except ImportError:
            raise MissingExtraError("uvicorn", "web", "parley serve") from None
        loopback = is_loopback(host)
        console = err_console()
        if token is not None and not token.strip():
            token = None
        generated = False
        if not loopback and token is None:
            token, generated = secrets.token_urlsafe(32), True
        app = create_app(store, token=token,
                         allowed_hosts=LOOPBACK_HOSTS if loopback else None)
        shown = f"[{host}]" if ":" in host else host
        console.print(f"parley dashboard on [bold]http://{shown}:{port}/[/] "
                      f"(store: {app.state.parley.store.path})", highlight=False)
        if generated:
            console.print("API token (give it to the login page, or send 'Authorization: "
                          f"Bearer <token>'):\n  [bold]{token}[/]", highlight=False)
        if not loopback:
            console.print("[yellow]note:[/] listening beyond loopback over plain HTTP; put "
                          "a TLS-terminating proxy in front of it for use over a network.")
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False,
                    proxy_headers=False, access_log=False)
