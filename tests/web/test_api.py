"""The JSON API, through FastAPI's test client.

Expected values are the inputs the tests send (a scenario must come back as sent), line
numbers counted by hand in the YAML bodies below, and forecasts computed by hand in the
docstrings (the compromise model is the capability x salience weighted mean of positions,
van den Bos 1991).
"""

from __future__ import annotations

import copy
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import NO_WEB, TOY

pytest.importorskip("fastapi", reason=NO_WEB)

from fastapi import FastAPI
from fastapi.testclient import TestClient


def wait_for(client: TestClient, job_id: str) -> dict[str, Any]:
    """Poll a job until it is done or failed (the cap only stops a hung test)."""
    for _ in range(4000):
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.005)
    raise AssertionError(f"job {job_id} never finished: {job}")


def with_salience(doc: dict[str, Any], actor: str, value: float) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    for st in out["stances"]:
        if st["actor"] == actor:
            st["salience"] = value
    return out


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


# -- scenarios ---------------------------------------------------------------------------------


def test_bundled_scenarios_are_listed_as_read_only(client: TestClient) -> None:
    listed = {s["name"]: s for s in client.get("/api/scenarios").json()["scenarios"]}
    assert {"geneva-2026", "town-budget", "two-party-ceasefire"} <= set(listed)
    geneva = listed["geneva-2026"]
    assert (geneva["origin"], geneva["bundled"], geneva["deletable"]) == ("bundled", True, False)
    from parley.io import load

    bundled = load("geneva-2026")  # read by the io layer, not by the web library
    assert (geneva["actors"], geneva["issues"], geneva["stances"]) == (
        len(bundled.actors), len(bundled.issues), len(bundled.stances))


def test_a_created_scenario_reads_back_as_sent(client: TestClient) -> None:
    created = client.post("/api/scenarios", json=TOY)
    assert created.status_code == 201
    assert created.headers["location"] == "/api/scenarios/toy"
    doc = client.get("/api/scenarios/toy").json()
    assert (doc["version"], doc["origin"], doc["deletable"]) == (1, "user", True)
    s = doc["scenario"]
    assert [(a["id"], a["name"], a["capability"]["value"]) for a in s["actors"]] == [
        ("a", "A", 2.0), ("b", "B", 1.0)]
    assert [(st["actor"], st["position"]["value"], st["salience"]["value"])
            for st in s["stances"]] == [("a", 20.0, 0.5), ("b", 80.0, 1.0)]


def test_creating_an_existing_name_is_a_conflict(client: TestClient) -> None:
    assert client.post("/api/scenarios", json=TOY).status_code == 201
    again = client.post("/api/scenarios", json=TOY)
    assert again.status_code == 409
    assert "already exists" in again.json()["error"]
    bundled = client.post("/api/scenarios", json={**TOY, "name": "geneva-2026"})
    assert bundled.status_code == 409


def test_an_update_is_a_new_version_and_the_old_one_stays(client: TestClient) -> None:
    client.post("/api/scenarios", json=TOY)
    edited = client.put("/api/scenarios/toy", json={**with_salience(TOY, "a", 0.9),
                                                     "version": 1})
    assert edited.status_code == 200
    assert (edited.json()["version"], edited.json()["latest_version"]) == (2, 2)
    assert edited.json()["scenario"]["version"] == 2
    latest = client.get("/api/scenarios/toy").json()["scenario"]
    first = client.get("/api/scenarios/toy/versions/1").json()["scenario"]
    assert latest["stances"][0]["salience"]["value"] == 0.9
    assert first["stances"][0]["salience"]["value"] == 0.5
    versions = client.get("/api/scenarios/toy/versions").json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["hash"] != versions[1]["hash"]


def test_an_edit_of_a_stale_version_is_refused(client: TestClient) -> None:
    client.post("/api/scenarios", json=TOY)
    assert client.put("/api/scenarios/toy", json={**TOY, "version": 1}).status_code == 200
    stale = client.put("/api/scenarios/toy", json={**with_salience(TOY, "a", 0.1),
                                                    "version": 1})
    assert stale.status_code == 409
    assert "latest version is 2" in stale.json()["error"]
    assert client.get("/api/scenarios/toy").json()["version"] == 2


def test_an_update_must_keep_the_name_in_the_url(client: TestClient) -> None:
    client.post("/api/scenarios", json=TOY)
    moved = client.put("/api/scenarios/toy", json={**TOY, "name": "other"})
    assert moved.status_code == 422
    assert moved.json()["problems"][0]["field"] == "name"


def test_editing_a_bundled_scenario_saves_a_user_version_above_it(client: TestClient) -> None:
    geneva = client.get("/api/scenarios/geneva-2026").json()
    assert (geneva["version"], geneva["origin"]) == (1, "bundled")
    saved = client.put("/api/scenarios/geneva-2026", json=geneva["scenario"])
    assert saved.status_code == 200
    assert (saved.json()["version"], saved.json()["origin"]) == (2, "user")
    listed = {s["name"]: s for s in client.get("/api/scenarios").json()["scenarios"]}
    assert (listed["geneva-2026"]["version"], listed["geneva-2026"]["origin"]) == (2, "user")
    gone = client.delete("/api/scenarios/geneva-2026")
    assert gone.json() == {"name": "geneva-2026", "versions_deleted": 1,
                           "bundled_remains": True}
    back = client.get("/api/scenarios/geneva-2026").json()
    assert (back["version"], back["origin"]) == (1, "bundled")


def test_a_bundled_scenario_cannot_be_deleted(client: TestClient) -> None:
    refused = client.delete("/api/scenarios/town-budget")
    assert refused.status_code == 409
    assert "bundled" in refused.json()["error"]


def test_delete_removes_a_user_scenario(client: TestClient, store_path: Path) -> None:
    client.post("/api/scenarios", json=TOY)
    client.put("/api/scenarios/toy", json=TOY)
    assert client.delete("/api/scenarios/toy").json()["versions_deleted"] == 2
    assert client.get("/api/scenarios/toy").status_code == 404
    assert client.delete("/api/scenarios/toy").status_code == 404
    assert count(store_path, "scenario_versions") == 0


def test_unknown_scenario_and_version_are_404(client: TestClient) -> None:
    assert client.get("/api/scenarios/nothing-here").status_code == 404
    missing = client.get("/api/scenarios/geneva-2026/versions/9")
    assert missing.status_code == 404
    assert "has no version 9" in missing.json()["error"]


# -- validation and errors ---------------------------------------------------------------------

BAD_YAML = """\
name: toy
actors:
  - {id: a, name: A, capability: 2}
  - {id: b, name: B, capability: 1}
issues:
  - {id: x, name: X}
stances:
  - {actor: a, issue: x, position: 20, salience: 0.5}
  - {actor: b, issue: x, position: 80, salience: 1.4}
"""


def test_an_invalid_yaml_scenario_gets_each_problem_with_field_line_rule_and_fix(
        client: TestClient) -> None:
    r = client.post("/api/scenarios", content=BAD_YAML.encode(),
                    headers={"content-type": "application/yaml"})
    assert r.status_code == 422
    (problem,) = r.json()["problems"]
    assert problem["field"] == "stances[1].salience"
    assert problem["line"] == 9  # the last line of BAD_YAML
    assert problem["value"] == 1.4
    assert "[0, 1]" in problem["rule"]
    assert problem["fix"]
    assert "Traceback" not in r.text


def test_validate_lists_problems_and_saves_nothing(client: TestClient, store_path: Path
                                                   ) -> None:
    r = client.post("/api/validate", content=BAD_YAML.encode(),
                    headers={"content-type": "text/yaml"})
    assert r.status_code == 200
    assert r.json()["valid"] is False
    assert [p["line"] for p in r.json()["problems"]] == [9]
    ok = client.post("/api/validate", json=TOY).json()
    assert (ok["valid"], ok["name"], ok["actors"], ok["issues"], ok["stances"]) == (
        True, "toy", 2, 1, 2)
    assert count(store_path, "scenario_versions") == 0


def test_a_name_that_cannot_be_part_of_a_url_is_refused(client: TestClient) -> None:
    r = client.post("/api/scenarios", json={**TOY, "name": "talks/../../etc"})
    assert r.status_code == 422
    assert r.json()["problems"][0]["field"] == "name"


def test_yaml_anchors_and_aliases_are_refused(client: TestClient) -> None:
    body = BAD_YAML.replace("{id: x, name: X}", "&issue {id: x, name: X}") + "extra: *issue\n"
    r = client.post("/api/validate", content=body.encode(),
                    headers={"content-type": "application/yaml"})
    assert r.json()["valid"] is False
    assert "aliases" in r.json()["problems"][0]["rule"]
    assert r.json()["problems"][0]["line"] == 6


@pytest.mark.parametrize("body", [b"", b"\xff\xfe\x00", b"[1, 2", b"[" * 100_000],
                         ids=["empty", "not-utf8", "broken-json", "deeply-nested"])
def test_malformed_bodies_are_422_problems(client: TestClient, body: bytes) -> None:
    r = client.post("/api/scenarios", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["problems"][0]["field"] in ("body", "file")


def test_a_body_that_is_neither_json_nor_yaml_is_415(client: TestClient) -> None:
    r = client.put("/api/scenarios/geneva-2026", content=b"<scenario/>",
                   headers={"content-type": "application/xml"})
    assert r.status_code == 415
    assert "JSON" in r.json()["error"]


def test_an_unexpected_failure_is_a_500_without_internals(store_path: Path) -> None:
    from parley.web import create_app

    app = create_app(store_path)

    def broken() -> list[str]:
        raise RuntimeError("secret detail at /srv/internal/path.py")

    app.state.parley.library.names = broken
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/scenarios")
    assert r.status_code == 500
    assert r.json() == {"error": "internal server error; see the server log", "problems": []}
    assert "secret" not in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_unknown_paths_get_json_404(client: TestClient) -> None:
    r = client.get("/api/nothing")
    assert r.status_code == 404
    assert r.json()["error"] == "no such page or endpoint"


# -- forecasts, jobs and runs ------------------------------------------------------------------


def test_a_forecast_job_runs_to_completion_and_records_one_run_per_model(
        client: TestClient, store_path: Path) -> None:
    """Compromise on TOY: weights cap x sal = 2 x 0.5 = 1 for A and 1 x 1 = 1 for B, so the
    forecast is (1 x 20 + 1 x 80) / 2 = 50; the weighted median with equal weights splits
    anywhere in [20, 80]."""
    client.post("/api/scenarios", json=TOY)
    started = client.post("/api/forecasts", json={"scenario": "toy", "seed": 3})
    assert started.status_code == 202
    assert started.headers["location"] == f"/api/jobs/{started.json()['id']}"
    assert started.json()["status"] in ("queued", "running", "done")
    job = wait_for(client, started.json()["id"])
    assert job["status"] == "done", job["error"]
    assert (job["done"], job["total"]) == (3, 3)
    assert job["models"] == ["compromise", "weighted-median", "nash"]
    row = job["result"]["issues"][0]
    assert row["models"]["compromise"]["value"] == pytest.approx(50.0)
    assert 20.0 <= row["models"]["weighted-median"]["value"] <= 80.0
    assert job["result"]["seed"] == 3
    assert "store" not in job["result"]  # no server paths in answers
    assert count(store_path, "runs") == 3
    assert len(job["runs"]) == 3
    listed = client.get("/api/jobs").json()["jobs"]
    assert listed[0]["id"] == job["id"]


def test_a_forecast_with_an_unknown_model_is_422_naming_it(client: TestClient) -> None:
    r = client.post("/api/forecasts", json={"scenario": "geneva-2026",
                                            "models": ["compromise", "oracle"]})
    assert r.status_code == 422
    (problem,) = r.json()["problems"]
    assert (problem["field"], problem["value"]) == ("models[1]", "oracle")
    assert "compromise" in problem["fix"]


def test_a_forecast_of_an_unknown_scenario_is_404(client: TestClient) -> None:
    assert client.post("/api/forecasts", json={"scenario": "nothing"}).status_code == 404


def test_a_bad_forecast_request_lists_its_problems(client: TestClient) -> None:
    r = client.post("/api/forecasts", json={"scenario": "geneva-2026", "seed": -1})
    assert r.status_code == 422
    assert r.json()["problems"][0]["field"] == "body.seed"


def test_too_many_pending_jobs_are_refused(store_path: Path) -> None:
    from parley.web import create_app

    app = create_app(store_path, max_pending_jobs=0)
    with TestClient(app) as c:
        r = c.post("/api/forecasts", json={"scenario": "geneva-2026"})
    assert r.status_code == 429


def test_history_lists_runs_and_compares_two_issue_by_issue(client: TestClient) -> None:
    """Version 1: weights 1 (A) and 1 (B): compromise (20 + 80) / 2 = 50. Version 2 with A's
    salience 1.0: weights 2 and 1: (2 x 20 + 1 x 80) / 3 = 40. Difference 40 - 50 = -10."""
    client.post("/api/scenarios", json=TOY)
    first = wait_for(client, client.post("/api/forecasts", json={
        "scenario": "toy", "models": ["compromise"]}).json()["id"])
    client.put("/api/scenarios/toy", json=with_salience(TOY, "a", 1.0))
    second = wait_for(client, client.post("/api/forecasts", json={
        "scenario": "toy", "models": ["compromise"]}).json()["id"])
    assert second["version"] == 2
    runs = client.get("/api/runs", params={"scenario": "toy"}).json()["runs"]
    assert [r["id"] for r in runs] == second["runs"] + first["runs"]  # newest first
    assert all(r["result"] is None for r in runs)
    one = client.get(f"/api/runs/{first['runs'][0]}").json()
    assert one["result"]["outcome"] == {"x": pytest.approx(50.0)}
    cmp = client.get("/api/runs/compare", params={"a": first["runs"][0],
                                                  "b": second["runs"][0]}).json()
    (row,) = cmp["issues"]
    assert row["name"] == "Border"
    assert (row["a"], row["b"]) == (pytest.approx(50.0), pytest.approx(40.0))
    assert row["difference"] == pytest.approx(-10.0)


def test_unknown_runs_and_jobs_are_404(client: TestClient) -> None:
    assert client.get("/api/runs/20260101T000000-deadbeef").status_code == 404
    assert client.get("/api/runs/2026").status_code == 404  # no prefix matching in the API
    assert client.get("/api/jobs/job-0000").status_code == 404
    assert client.get("/api/runs/compare", params={"a": "x", "b": "y"}).status_code == 404


def test_models_are_listed_with_the_baseline_marked(client: TestClient) -> None:
    models = {m["name"]: m for m in client.get("/api/models").json()["models"]}
    assert {n for n, m in models.items() if m["baseline"]} == {
        "compromise", "weighted-median", "nash"}


# -- the schema as contract --------------------------------------------------------------------


def test_a_scenario_document_conforms_to_the_published_schema(client: TestClient) -> None:
    """The OpenAPI document publishes the scenario's JSON Schema; a real answer must fit it
    (checked with the jsonschema package, not with the server's own models)."""
    jsonschema = pytest.importorskip("jsonschema")
    openapi = client.get("/openapi.json").json()
    doc = client.get("/api/scenarios/geneva-2026").json()
    schema = {"$ref": "#/components/schemas/ScenarioDoc", "components": openapi["components"]}
    jsonschema.Draft202012Validator(schema).validate(doc)
    ref = openapi["components"]["schemas"]["ScenarioDoc"]["properties"]["scenario"]["$ref"]
    assert ref == "#/components/schemas/scenario.Scenario"
    body = openapi["paths"]["/api/scenarios"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/yaml"}


def test_the_api_documents_its_error_shape(client: TestClient) -> None:
    openapi = client.get("/openapi.json").json()
    op = openapi["paths"]["/api/scenarios/{name}"]["get"]
    assert op["responses"]["404"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/ErrorDoc")
    assert json.dumps(openapi).count("cdn") == 0


def test_the_app_needs_a_store_file(tmp_path: Path) -> None:
    from parley.errors import StoreError
    from parley.web import create_app

    with pytest.raises(StoreError, match="needs a run store file"):
        create_app(":memory:")


def test_app_instances_share_no_state(tmp_path: Path) -> None:
    from parley.web import create_app

    one: FastAPI = create_app(tmp_path / "one.sqlite3")
    two: FastAPI = create_app(tmp_path / "two.sqlite3")
    with TestClient(one) as c1, TestClient(two) as c2:
        c1.post("/api/scenarios", json=TOY)
        assert c2.get("/api/scenarios/toy").status_code == 404

