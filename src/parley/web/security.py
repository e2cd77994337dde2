"""The web app's guards: host check, API token, cross-site checks, body size, headers.

Security model (see ``docs/web.md``):

- **Loopback by default.** ``parley serve`` binds to ``127.0.0.1``. Then only the host
  names ``127.0.0.1``, ``localhost`` and ``::1`` are accepted in the ``Host`` header, so a
  web page cannot reach the dashboard through DNS rebinding.
- **A token everywhere else.** Binding to any other address requires an API token, checked
  on every API call and page (``Authorization: Bearer <token>``, or the session cookie that
  the token login page sets: ``HttpOnly``, ``SameSite=Strict``, holding an HMAC of the
  token, not the token). Comparisons are constant-time (:func:`hmac.compare_digest`).
- **No cross-site writes.** A request that changes anything (``POST``, ``PUT``, ``PATCH``,
  ``DELETE``) is refused if the browser says it comes from another site (``Sec-Fetch-Site``)
  or its ``Origin`` is not this server, and a ``POST`` must carry a JSON or YAML
  ``Content-Type`` or the ``X-Parley-Request`` header: none of these can be sent by a plain
  HTML form of another site, and a cross-site script cannot send them without a CORS
  preflight, which this server never grants.
- **Bounded bodies.** Bodies over the limit (1 MiB by default) get ``413``, whether they
  announce their length or not.
- **Strict headers.** Every response has a Content-Security-Policy that allows scripts,
  styles and connections from this server only (no inline script, no ``eval``), and denies
  framing; the dashboard renders every user-supplied string as text (``textContent``, Jinja
  autoescape), so a scenario cannot inject markup or script.

References
----------
.. [1] OWASP Cheat Sheet Series, "Cross-Site Request Forgery Prevention" (custom request
   headers; verifying origin with standard headers; Fetch Metadata).
.. [2] W3C, "Content Security Policy Level 3"; W3C, "Fetch Metadata Request Headers".
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlsplit

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "LOOPBACK_HOSTS",
    "SESSION_COOKIE",
    "BodyLimitMiddleware",
    "GuardMiddleware",
    "is_loopback",
    "safe_next",
    "security_headers",
    "session_value",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The Content-Security-Policy of every response.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'")

#: Host names accepted when the server listens on a loopback address.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

#: Name of the session cookie set by the token login.
SESSION_COOKIE = "parley_session"

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_BODY_TYPES = ("application/json", "application/yaml", "application/x-yaml", "text/yaml",
               "text/x-yaml")
_PUBLIC_PREFIXES = ("/static/",)
_PUBLIC_PATHS = frozenset({"/login", "/api/login", "/favicon.ico"})


def security_headers() -> dict[str, str]:
    """The headers every response carries."""
    return {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
    }


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is a loopback address.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def session_value(token: str) -> str:
    """The session cookie's value for ``token``: an HMAC-SHA256, so the token is not stored.

    >>> len(session_value("secret"))
    64
    """
    return hmac.new(token.encode(), b"parley dashboard session", hashlib.sha256).hexdigest()


def safe_next(target: str | None) -> str:
    """A local path to go to after login (``/`` for anything that could leave the site).

    >>> safe_next("/runs"), safe_next("//evil.example/"), safe_next("https://x.example")
    ('/runs', '/', '/')
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _send_json(send: Send, status: int, error: str,
                     extra: dict[str, str] | None = None) -> None:
    body = json.dumps({"error": error, "problems": []}).encode()
    headers = {**security_headers(), "content-type": "application/json",
               "content-length": str(len(body)), **(extra or {})}
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with ``413``.

    A declared ``Content-Length`` over the limit is refused before the body is read; a body
    without one (chunked) is counted as it arrives, and the handler reading it gets
    :class:`~parley.web.errors.BodyTooLargeError` once it passes the limit.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from parley.web.errors import BodyTooLargeError

        declared = _headers(scope).get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _send_json(send, 400, "invalid Content-Length header")
                return
            if int(declared) > self.max_bytes:
                await _send_json(send, 413, BodyTooLargeError(self.max_bytes).detail)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        await self.app(scope, limited, send)


class GuardMiddleware:
    """Host check, token check and cross-site checks; security headers on every response.

    Parameters
    ----------
    app : ASGI app
        The app to guard.
    token : str or None
        The API token; ``None`` means no authentication (loopback use).
    allowed_hosts : collection of str or None
        Host names (without port) accepted in the ``Host`` header; ``None`` accepts any.
    """

    def __init__(self, app: ASGIApp, *, token: str | None,
                 allowed_hosts: Collection[str] | None) -> None:
        self.app = app
        self.token = token
        self.session = session_value(token) if token else None
        self.allowed_hosts = (None if allowed_hosts is None
                              else frozenset(h.lower().strip("[]") for h in allowed_hosts))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, error, extra = refusal
            await _send_json(send, status, error, extra)
            return
        path = scope["path"]
        if self.token is not None and not self.public(path) and not self._authenticated(
                headers):
            if path.startswith("/api/") or path == "/openapi.json":
                await _send_json(send, 401, "this server needs its API token: send "
                                 "'Authorization: Bearer <token>' or log in at /login",
                                 {"www-authenticate": 'Bearer realm="parley"'})
                return
            target = path + (f"?{scope['query_string'].decode('latin-1')}"
                             if scope.get("query_string") else "")
            await send({"type": "http.response.start", "status": 303, "headers": [
                (k.encode(), v.encode()) for k, v in {
                    **security_headers(), "content-length": "0",
                    "location": "/login?next=" + quote(safe_next(target), safe=""),
                }.items()]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in security_headers().items()
                         if k.encode() not in names]
                if scope["path"].startswith("/api/"):
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)

    def _refusal(self, scope: Scope, headers: dict[str, str]
                 ) -> tuple[int, str, dict[str, str]] | None:
        host = headers.get("host", "")
        if self.allowed_hosts is not None:
            name = urlsplit(f"//{host}").hostname or ""
            if name.lower() not in self.allowed_hosts:
                return 400, ("host not allowed: this server answers to "
                             f"{', '.join(sorted(self.allowed_hosts))} only"), {}
        method = scope["method"].upper()
        if method not in _UNSAFE:
            return None
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return 403, "cross-site request refused", {}
        origin = headers.get("origin")
        if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
            return 403, "cross-origin request refused: Origin does not match Host", {}
        if method == "POST":
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype not in _BODY_TYPES and "x-parley-request" not in headers:
                return 415, ("send a JSON body (Content-Type: application/json) or YAML "
                             "(application/yaml)"), {}
        return None

    def _authenticated(self, headers: dict[str, str]) -> bool:
        assert self.token is not None
        assert self.session is not None
        auth = headers.get("authorization", "")
        scheme, _, credential = auth.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
                credential.strip().encode(), self.token.encode()):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no credential
            return False
        morsel = cookie.get(SESSION_COOKIE)
        return morsel is not None and hmac.compare_digest(morsel.value.encode(),
                                                          self.session.encode())

    def public(self, path: str) -> bool:
        """Whether ``path`` is served without the token (login page, static assets)."""
        return path in _PUBLIC_PATHS or path.startswith(_PUBLIC_PREFIXES)
