"""Fixtures of the web tests: an app on a fresh run store, and a test client for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

#: Why the web tests skip without the web extra.
NO_WEB = "the web extra is not installed (python -m pip install -e '.[web,test]')"

#: A two-actor, one-issue scenario whose forecasts are easy to compute by hand.
TOY: dict[str, Any] = {
    "name": "toy",
    "title": "Toy talks",
    "actors": [{"id": "a", "name": "A", "capability": 2},
               {"id": "b", "name": "B", "capability": 1}],
    "issues": [{"id": "x", "name": "Border", "scale": {"low": 0, "high": 100}}],
    "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5},
                {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}],
}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "runs.sqlite3"


@pytest.fixture
def app(store_path: Path) -> FastAPI:
    pytest.importorskip("fastapi", reason=NO_WEB)
    from parley.web import create_app

    return create_app(store_path)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c
