"""The web app's guards: token, host check, cross-site checks, body limit, headers, escaping.

Expected values come from the rules stated in :mod:`parley.web.security` and from the
inputs the tests send; the attack strings are the classic ones (a script tag, an image whose
onerror runs script).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import NO_WEB, TOY

pytest.importorskip("fastapi", reason=NO_WEB)

from fastapi.testclient import TestClient

from parley.web import create_app
from parley.web.security import LOOPBACK_HOSTS, SESSION_COOKIE

TOKEN = "correct-horse-battery-staple"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'


@pytest.fixture
def guarded(store_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store_path, token=TOKEN)) as c:
        yield c


# -- the token ---------------------------------------------------------------------------------


def test_with_a_token_every_api_call_needs_it(guarded: TestClient) -> None:
    for method, path in [("GET", "/api/scenarios"), ("GET", "/api/health"),
                         ("GET", "/openapi.json"), ("DELETE", "/api/scenarios/toy")]:
        r = guarded.request(method, path)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert "token" in r.json()["error"]
    ok = guarded.get("/api/scenarios", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    wrong = guarded.get("/api/scenarios", headers={"Authorization": f"Bearer {TOKEN}x"})
    assert wrong.status_code == 401


def test_with_a_token_pages_send_the_browser_to_the_login_page(guarded: TestClient) -> None:
    r = guarded.get("/scenarios/geneva-2026?version=1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fscenarios%2Fgeneva-2026%3Fversion%3D1"
    assert guarded.get("/login").status_code == 200
    assert guarded.get("/static/parley.css").status_code == 200  # the login page's style


def test_login_sets_an_httponly_strict_cookie_that_is_not_the_token(guarded: TestClient
                                                                    ) -> None:
    assert guarded.post("/api/login", json={"token": "guess"}).status_code == 401
    r = guarded.post("/api/login", json={"token": TOKEN})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert TOKEN not in cookie
    assert guarded.get("/api/scenarios").status_code == 200  # the client keeps the cookie
    assert guarded.get("/", follow_redirects=False).status_code == 200
    guarded.post("/api/logout", json={})
    guarded.cookies.clear()
    assert guarded.get("/api/scenarios").status_code == 401


def test_without_a_token_the_login_page_redirects_home(client: TestClient) -> None:
    r = client.get("/login?next=//evil.example/", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/")


# -- host and cross-site checks ----------------------------------------------------------------


def test_a_loopback_server_answers_only_to_loopback_host_names(store_path: Path) -> None:
    app = create_app(store_path, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"host": "localhost:8000"}).status_code == 200
        assert c.get("/api/health", headers={"host": "[::1]:8000"}).status_code == 200
        rebound = c.get("/api/health", headers={"host": "attacker.example:8000"})
        assert rebound.status_code == 400
        assert "host not allowed" in rebound.json()["error"]


@pytest.mark.parametrize(("headers", "status"), [
    ({"origin": "http://evil.example"}, 403),
    ({"origin": "null"}, 403),
    ({"sec-fetch-site": "cross-site"}, 403),
    ({"sec-fetch-site": "same-site"}, 403),
    ({"origin": "http://testserver", "sec-fetch-site": "same-origin"}, 201),
])
def test_writes_from_other_sites_are_refused(client: TestClient, headers: dict[str, str],
                                             status: int) -> None:
    r = client.post("/api/scenarios", json=TOY, headers=headers)
    assert r.status_code == status


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x"])
def test_a_post_a_plain_html_form_could_send_is_refused(client: TestClient, ctype: str
                                                        ) -> None:
    r = client.post("/api/forecasts", content=b'{"scenario": "geneva-2026"}',
                    headers={"content-type": ctype})
    assert r.status_code == 415
    assert client.get("/api/jobs").json()["jobs"] == []


# -- body size ---------------------------------------------------------------------------------


def test_a_body_over_one_mebibyte_is_413(client: TestClient) -> None:
    limit = 1 << 20
    padded = b'{"name": "toy", "pad": "' + b"x" * limit + b'"}'
    r = client.post("/api/scenarios", content=padded,
                    headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert str(limit) in r.json()["error"]


def test_a_streamed_body_over_the_limit_is_413(store_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 1000

    with TestClient(create_app(store_path, max_body_bytes=4000)) as c:
        r = c.post("/api/validate", content=chunks(),
                   headers={"content-type": "application/yaml"})
    assert r.status_code == 413


# -- headers and escaping ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/api/scenarios", "/static/scenario.js", "/nowhere",
                                  "/scenarios/geneva-2026"])
def test_every_response_has_a_strict_content_security_policy(client: TestClient, path: str
                                                             ) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script_and_load_nothing_from_elsewhere(client: TestClient
                                                                     ) -> None:
    for path in ("/", "/scenarios/geneva-2026", "/scenarios/geneva-2026/forecast", "/runs"):
        page = client.get(path).text
        assert "<script>" not in page
        assert "http://" not in page
        assert "https://" not in page
        assert "//cdn" not in page
        assert 'type="module" src="/static/' in page


def test_hostile_strings_come_back_from_the_api_as_data(client: TestClient) -> None:
    hostile = {**TOY, "title": IMG,
               "actors": [{**TOY["actors"][0], "name": SCRIPT}, TOY["actors"][1]]}
    assert client.post("/api/scenarios", json=hostile).status_code == 201
    doc = client.get("/api/scenarios/toy").json()
    assert doc["scenario"]["actors"][0]["name"] == SCRIPT
    assert doc["scenario"]["title"] == IMG
    assert client.get("/api/scenarios/toy").headers["content-type"] == "application/json"


def test_a_hostile_name_in_a_page_url_is_shown_escaped(client: TestClient) -> None:
    r = client.get("/scenarios/" + IMG)
    assert r.status_code == 404
    assert IMG not in r.text
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in r.text
