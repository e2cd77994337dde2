"""Every error the web app returns is JSON: a message and, for bad input, the problems.

The handlers installed by :func:`install_error_handlers` turn parley's errors and the web
framework's into :class:`~parley.web.schemas.ErrorDoc` documents with a fitting status
code. A bad scenario gives ``422`` with each problem's field, line, rule, value and fix
(:class:`~parley.errors.Problem`); anything unexpected gives ``500`` with a fixed message:
the details (and the traceback) go to the server's log, never to the client.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from parley.errors import MissingExtraError, ParleyError, Problem, ScenarioError, StoreError
from parley.scenario import field_path
from parley.store.scenarios import ScenarioConflictError
from parley.web.security import security_headers

__all__ = [
    "BodyTooLargeError",
    "InvalidRequestError",
    "NotFoundError",
    "ReadOnlyError",
    "error_response",
    "install_error_handlers",
    "problem_doc",
]

_LOG = logging.getLogger("parley.web")
_MAX_VALUE_CHARS = 200


class NotFoundError(ParleyError):
    """The scenario, version, job or run asked for does not exist."""


class InvalidRequestError(ParleyError):
    """A request that is well-formed JSON but asks for something impossible (422)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.describe() for p in self.problems))


class ReadOnlyError(ParleyError):
    """The request would change something that cannot change (a bundled scenario)."""


class BodyTooLargeError(HTTPException):
    """The request body is larger than the app accepts (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: the limit is {limit} bytes. "
                              "Fix: send a smaller scenario")


def _short(text: str) -> str:
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 3] + "..."


def _value(value: object) -> Any:
    """A problem's value as JSON: scalars as they are (long text shortened), else repr."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, str):
        return _short(value)
    return _short(repr(value))


def problem_doc(p: Problem) -> dict[str, Any]:
    """A :class:`~parley.errors.Problem` as JSON."""
    return {"field": p.field, "rule": p.rule, "value": _value(p.value), "fix": p.fix,
            "line": p.line, "source": p.source}


def error_response(status: int, error: str, problems: Iterable[Mapping[str, Any]] = (),
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    """A JSON error document with the security headers."""
    return JSONResponse({"error": error, "problems": list(problems)}, status_code=status,
                        headers={**security_headers(), **(headers or {})})


def _scenario_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScenarioError)
    n = len(exc.problems)
    return error_response(422, f"invalid scenario: {n} problem{'s' if n != 1 else ''}",
                          [problem_doc(p) for p in exc.problems])


def _invalid_request(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidRequestError)
    return error_response(422, "invalid request", [problem_doc(p) for p in exc.problems])


def _request_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for e in exc.errors():
        loc = tuple(p for p in e.get("loc", ()) if isinstance(p, str | int))
        problems.append({"field": field_path(loc), "rule": str(e.get("msg", "is invalid")),
                         "value": _value(e.get("input")), "fix": "see the API schema "
                         "(GET /openapi.json)", "line": None, "source": None})
    return error_response(422, "invalid request", problems)


def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "request refused"
    if exc.status_code == 404 and detail == "Not Found":
        detail = "no such page or endpoint"
    return error_response(exc.status_code, detail, headers=exc.headers)


def _status_for(exc: ParleyError) -> int:
    from parley.web.jobs import JobQueueFullError

    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ScenarioConflictError | ReadOnlyError):
        return 409
    if isinstance(exc, JobQueueFullError):
        return 429
    if isinstance(exc, MissingExtraError):
        return 501
    return 422


def _parley_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ParleyError)
    if isinstance(exc, StoreError) and not isinstance(exc, ScenarioConflictError):
        # the message names server paths: keep it in the log
        _LOG.error("run store error: %s", exc)
        return error_response(503, "the run store could not be read or written; "
                                   "see the server log")
    return error_response(_status_for(exc), str(exc))


def _internal_error(_: Request, exc: Exception) -> JSONResponse:
    _LOG.error("unexpected error", exc_info=exc)
    return error_response(500, "internal server error; see the server log")


def install_error_handlers(app: FastAPI) -> None:
    """Install the JSON error handlers on ``app``."""
    app.add_exception_handler(ScenarioError, _scenario_error)
    app.add_exception_handler(InvalidRequestError, _invalid_request)
    app.add_exception_handler(ParleyError, _parley_error)
    app.add_exception_handler(RequestValidationError, _request_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
