"""The ``serve`` command: loopback by default, a token for anything else.

uvicorn is replaced by a recorder, so no server starts: the tests check which app, host and
port the command would serve, and the token it prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from parley.cli.web import serve

uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    seen: dict[str, Any] = {}

    apps: list[Any] = []

    def fake_run(app: Any, **kwargs: Any) -> None:
        seen.update(kwargs, app=app)
        apps.append(app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.delenv("PARLEY_TOKEN", raising=False)
    yield seen
    for app in apps:
        app.state.parley.close()


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    app = typer.Typer()
    app.command()(serve)
    return CliRunner().invoke(app, list(args), env=env)


def test_serve_binds_to_loopback_without_a_token(served: dict[str, Any], tmp_path: Path
                                                 ) -> None:
    result = invoke("--store", str(tmp_path / "runs.sqlite3"))
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8000)
    guard = served["app"].state.parley
    assert guard.token is None
    assert "http://127.0.0.1:8000/" in result.output
    assert "token" not in result.output.lower()


def test_serve_beyond_loopback_generates_prints_and_requires_a_token(
        served: dict[str, Any], tmp_path: Path) -> None:
    result = invoke("--host", "0.0.0.0", "--port", "8123",
                    "--store", str(tmp_path / "runs.sqlite3"))
    assert result.exit_code == 0, result.output
    printed = re.search(r"API token.*?\n\s+(\S+)", result.output, re.S)
    assert printed is not None
    token = printed.group(1)
    assert len(token) >= 40  # 32 random bytes, URL-safe base64
    assert served["app"].state.parley.token == token
    assert (served["host"], served["port"]) == ("0.0.0.0", 8123)


def test_serve_takes_the_token_from_the_option_or_the_environment(
        served: dict[str, Any], tmp_path: Path) -> None:
    store = str(tmp_path / "runs.sqlite3")
    invoke("--host", "0.0.0.0", "--store", store, "--token", "given-token")
    assert served["app"].state.parley.token == "given-token"
    result = invoke("--host", "::", "--store", store, env={"PARLEY_TOKEN": "env-token"})
    assert served["app"].state.parley.token == "env-token"
    assert "env-token" not in result.output  # a token the user gave is not echoed


def test_serve_on_loopback_answers_only_to_loopback_host_names(
        served: dict[str, Any], tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    invoke("--store", str(tmp_path / "runs.sqlite3"))
    with TestClient(served["app"], base_url="http://localhost:8000") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"host": "evil.example"}).status_code == 400


def test_serve_beyond_loopback_answers_any_host_name_with_the_token(
        served: dict[str, Any], tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    invoke("--host", "0.0.0.0", "--store", str(tmp_path / "runs.sqlite3"), "--token", "tok")
    with TestClient(served["app"], base_url="http://parley.example:8000") as c:
        assert c.get("/api/health").status_code == 401
        assert c.get("/api/health", headers={"authorization": "Bearer tok"}).status_code == 200


def test_serve_reports_a_bad_store_without_a_traceback(served: dict[str, Any], tmp_path: Path
                                                       ) -> None:
    bad = tmp_path / "not-a-store.sqlite3"
    bad.write_text("hello, I am a text file")
    result = invoke("--store", str(bad))
    assert result.exit_code == 1
    assert "is not a parley run store" in result.output
    assert "Traceback" not in result.output
