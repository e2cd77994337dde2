"""The simulation, ensemble and tornado endpoints, through FastAPI's test client.

Expected values come from the bundled scenario files (red lines, anchors, options) read
here independently of the code under test, and from hand computations in the docstrings
(the standard normal quantile from the standard library's ``statistics.NormalDist``).
"""

from __future__ import annotations

import time
from statistics import NormalDist
from typing import Any

import pytest

from tests.web.conftest import NO_WEB, TOY

pytest.importorskip("fastapi", reason=NO_WEB)

from fastapi.testclient import TestClient

from parley.io import load


def finished(client: TestClient, job_id: str, seen: list[tuple[int, int]] | None = None
             ) -> dict[str, Any]:
    """Poll a job until it is done or failed, noting its progress (the cap only stops a hung
    test)."""
    for _ in range(20000):
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if seen is not None:
            seen.append((job["done"], job["total"]))
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.005)
    raise AssertionError(f"job {job_id} never finished")


def run_job(client: TestClient, path: str, **body: Any) -> dict[str, Any]:
    started = client.post(path, json=body)
    assert started.status_code == 202, started.text
    assert started.headers["location"] == f"/api/jobs/{started.json()['id']}"
    job = finished(client, started.json()["id"])
    assert job["status"] == "done", job["error"]
    return job


def red_line(scenario_name: str, actor: str, issue: str) -> tuple[float, float]:
    """An actor's acceptable range on an issue, as the scenario file states it."""
    acceptable = load(scenario_name).stance(actor, issue).acceptable  # type: ignore[union-attr]
    assert acceptable is not None
    return acceptable.low, acceptable.high


# -- simulations -------------------------------------------------------------------------------


def test_the_geneva_simulation_deadlocks_donbas_on_its_red_lines_and_agrees_the_front_line(
        client: TestClient) -> None:
    """geneva-2026's file: on Donbas Russia accepts 75-100 and Ukraine 0-50, an empty
    intersection, so no value can be agreed and the reason names both ranges. On the front
    line Russia accepts >= 40 and Ukraine <= 50: the agreed value lies in [40, 50]; its
    anchor is the scale anchor nearest to it and its option the named option at it (both
    read from the file)."""
    ru, ua = red_line("geneva-2026", "russia", "donbas"), red_line("geneva-2026", "ukraine",
                                                                    "donbas")
    assert (ru, ua) == ((75, 100), (0, 50))
    job = run_job(client, "/api/simulations", scenario="geneva-2026")
    assert (job["kind"], job["models"], job["done"], job["total"]) == (
        "simulate", ["alternating"], 1, 1)
    doc = job["result"]
    issues = {row["issue"]: row for row in doc["issues"]}
    donbas = issues["donbas"]
    assert donbas["status"] == "deadlocked"
    assert donbas["value"] is None
    assert donbas["round"] is None
    assert "russia 75-100" in donbas["reason"]
    assert "ukraine 0-50" in donbas["reason"]

    front = issues["front-line"]
    low = max(red_line("geneva-2026", p, "front-line")[0] for p in ("russia", "ukraine"))
    high = min(red_line("geneva-2026", p, "front-line")[1] for p in ("russia", "ukraine"))
    assert (low, high) == (40, 50)
    assert front["status"] == "agreed"
    assert low <= front["value"] <= high
    assert front["round"] >= 1
    assert front["meeting"]
    scale = load("geneva-2026").issue("front-line")
    nearest = min(scale.scale.anchors, key=lambda a: abs(a.value - front["value"]))
    assert front["anchor"] == nearest.label
    assert front["option"] in [o.label for o in scale.options if o.value == front["value"]]
    assert doc["agreement"] is False  # Donbas cannot be agreed, so nothing is agreed in full
    assert all(doc["utilities"][p]["agreement"] is None for p in ("russia", "ukraine"))


def test_the_offers_chart_packages_match_the_utilities_of_the_offers_on_the_table(
        client: TestClient) -> None:
    """The chart's changes name, for each proposer, the rounds in which its offer changed:
    its first change is the first round in which ``offers`` has a value for it, and every
    change's package is the one that proposer put on the table in that round of the
    transcript (the last, if it offered twice)."""
    doc = run_job(client, "/api/simulations", scenario="geneva-2026",
                  protocol="single-text", steps=4)["result"]
    assert doc["protocol"] == "single-text"
    assert doc["steps"] == 4 * len(
        [m for m in doc["meetings"] if m["kind"] == "negotiation"])
    chart = doc["chart"]
    assert "united-states" in chart["proposers"]  # the mediator of the rounds drafts texts
    for q in chart["proposers"]:
        changes = chart["changes"][q]
        series = doc["offers"]["russia"][q]
        first = next(i for i, v in enumerate(series) if v is not None)
        assert changes[0]["round"] == first + 1
        for change in changes:
            tabled = [t for t in doc["transcript"] if t["actor"] == q
                      and t["round"] == change["round"] and t["action"] in ("offer", "text")]
            assert tabled
            assert tabled[-1]["package"] == change["package"]


def test_a_simulation_is_recorded_as_a_run_of_kind_simulate(client: TestClient) -> None:
    job = run_job(client, "/api/simulations", scenario="two-party-ceasefire",
                  strategies=["north=hard-liner"], order="random", seed=5)
    (run_id,) = job["runs"]
    run = client.get(f"/api/runs/{run_id}").json()
    assert (run["kind"], run["model"], run["seed"]) == ("simulate", "alternating", 5)
    assert run["parameters"]["strategies"]["north"] == "hard-liner"
    assert run["result"]["issues"] == job["result"]["issues"]
    # North never concedes; South's red line (>= 70) and North's (<= 40) exclude each other
    border = {r["issue"]: r for r in job["result"]["issues"]}["border-town"]
    assert border["status"] == "deadlocked"


# -- ensembles ---------------------------------------------------------------------------------


def test_an_ensemble_of_simulations_never_agrees_the_border_town(client: TestClient) -> None:
    """two-party-ceasefire's file: North accepts 0-40 on the border town, South 70-100. A
    jitter moves positions, saliences and capabilities but not red lines, so in no draw can
    the town be agreed or land inside both ranges. Troop withdrawal (8-30 and 0-12) and
    detainee release (20-80 and 30-100) overlap, so they can be."""
    assert red_line("two-party-ceasefire", "north", "border-town")[1] == 40
    assert red_line("two-party-ceasefire", "south", "border-town")[0] == 70
    seen: list[tuple[int, int]] = []
    started = client.post("/api/ensembles", json={
        "scenario": "two-party-ceasefire", "model": "simulate", "runs": 120, "seed": 11,
        "jitter": "0.1"})
    assert started.status_code == 202, started.text
    assert (started.json()["kind"], started.json()["total"]) == ("ensemble", 120)
    job = finished(client, started.json()["id"], seen)
    assert job["status"] == "done", job["error"]
    assert (job["done"], job["total"]) == (120, 120)  # progress reaches completion
    assert all(d <= t == 120 for d, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # it never goes back
    doc = job["result"]
    assert doc["draws"] == 120
    assert doc["model"] == "simulate:alternating"
    town = doc["issues"]["border-town"]
    assert (town["agreed"], town["acceptable_to_all"], town["zone"]) == (0.0, 0.0, None)
    assert town["distribution"]["n"] == 0  # no draw has an agreed value
    for issue in ("withdrawal-depth", "detainee-release"):
        assert doc["issues"][issue]["zone"] is not None
        assert doc["issues"][issue]["agreed"] > 0
    assert doc["agreed_on_every_issue"] == 0.0


def test_an_ensemble_is_recorded_with_its_seed_jitter_and_chunks(client: TestClient) -> None:
    job = run_job(client, "/api/ensembles", scenario="two-party-ceasefire", runs=300,
                  jitter="position=0.05")
    seed = job["seed"]
    assert isinstance(seed, int)  # drawn by the server when the request gives none
    (run_id,) = job["runs"]
    run = client.get(f"/api/runs/{run_id}").json()
    assert (run["kind"], run["model"], run["status"]) == ("ensemble", "compromise", "ok")
    assert run["parameters"]["n_runs"] == 300
    assert run["parameters"]["seed"] == seed
    assert run["parameters"]["jitter"]["position"] == 0.05
    assert run["result"]["issues"] == job["result"]["issues"]
    listed = client.get("/api/runs", params={"kind": "ensemble"}).json()["runs"]
    assert [r["id"] for r in listed] == [run_id]


def test_the_largest_ensemble_allowed_runs_and_its_histograms_count_every_draw(
        client: TestClient) -> None:
    """20,000 draws is the cap. The compromise always gives a value, so each histogram's
    counts add up to the draws; the border town's red lines exclude each other (0-40 and
    70-100), so no outcome is acceptable to both."""
    job = run_job(client, "/api/ensembles", scenario="two-party-ceasefire", runs=20_000,
                  seed=1, jitter="0.1")
    assert (job["done"], job["total"]) == (20_000, 20_000)
    doc = job["result"]
    for issue in doc["issues"].values():
        assert sum(issue["distribution"]["histogram"]["counts"]) == 20_000
    assert doc["issues"]["border-town"]["acceptable_to_all"] == 0.0
    assert "agreed" not in doc["issues"]["border-town"]  # not a simulation


# -- tornado -----------------------------------------------------------------------------------


def test_the_tornado_swings_each_position_by_its_jitter_quantiles(client: TestClient) -> None:
    """TOY: A (capability 2, salience 0.5, position 20) and B (1, 1, 80) on 0-100. The
    compromise weights c x s are 1 and 1: the outcome is (x_a + x_b) / 2 = 50.

    A position jitter of 0.05 is normal noise of sd 0.05 x 100 = 5 points, so an input's
    5 % and 95 % quantiles are x -/+ 5 z with z = Phi^-1(0.95) = 1.6449 (8.22 points, inside
    the scale). Moving one position by 2 x 8.22 moves the mean by 8.22: both bars swing
    8.22, and only the two positions are inputs: 2 x 2 + 1 = 5 runs."""
    assert client.post("/api/scenarios", json=TOY).status_code == 201
    job = run_job(client, "/api/tornado", scenario="toy", jitter="position=0.05", issue="x")
    doc = job["result"]
    z = NormalDist().inv_cdf(0.95)
    assert (doc["inputs"], doc["evaluations"], doc["issue"]) == (2, 5, "x")
    bars = {b["input"]: b for b in doc["issues"]["x"]["bars"]}
    assert doc["issues"]["x"]["base"] == pytest.approx(50)
    for label, x in (("position a/x", 20), ("position b/x", 80)):
        bar = bars[label]
        assert (bar["low_value"], bar["high_value"]) == (
            pytest.approx(x - 5 * z, abs=1e-6), pytest.approx(x + 5 * z, abs=1e-6))
        assert bar["swing"] == pytest.approx(5 * z, abs=1e-6)
        assert bar["low_outcome"] == pytest.approx(50 - 5 * z / 2, abs=1e-6)
    (run_id,) = job["runs"]
    run = client.get(f"/api/runs/{run_id}").json()
    assert (run["kind"], run["model"]) == ("tornado", "compromise")


# -- bad requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/simulations", {"scenario": "geneva-2026", "strategies": ["russia=sulky"]},
     "strategies[0]"),
    ("/api/simulations", {"scenario": "geneva-2026", "strategies": ["russia=linear",
                                                                     "italy=linear"]},
     "strategies[1]"),  # italy is an observer, not a negotiating party
    ("/api/simulations", {"scenario": "geneva-2026", "strategies": ["russia"]},
     "strategies[0]"),
    ("/api/simulations", {"scenario": "geneva-2026", "strategies": ["russia=linear",
                                                                     "russia=conceder"]},
     "strategies[1]"),
    ("/api/simulations", {"scenario": "geneva-2026", "steps": 0}, "body.steps"),
    ("/api/simulations", {"scenario": "geneva-2026", "protocol": "shouting"},
     "body.protocol"),
    ("/api/ensembles", {"scenario": "geneva-2026", "runs": 20_001}, "body.runs"),
    ("/api/ensembles", {"scenario": "geneva-2026", "model": "oracle"}, "model"),
    ("/api/ensembles", {"scenario": "geneva-2026", "jitter": "position=lots"}, "jitter"),
    ("/api/ensembles", {"scenario": "geneva-2026", "jitter": "colour=0.1"}, "jitter"),
    ("/api/ensembles", {"scenario": "two-party-ceasefire"}, "jitter"),  # nothing to sample
    ("/api/tornado", {"scenario": "geneva-2026", "issue": "atlantis"}, "issue"),
    ("/api/tornado", {"scenario": "geneva-2026", "model": "simulate:haggling"}, "model"),
])
def test_a_bad_request_names_its_field_and_starts_no_job(client: TestClient, path: str,
                                                         body: dict[str, Any], field: str
                                                         ) -> None:
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert field in [p["field"] for p in r.json()["problems"]]
    assert client.get("/api/jobs").json()["jobs"] == []


def test_a_simulation_needs_two_parties(client: TestClient) -> None:
    one = {**TOY, "name": "solo", "actors": [{**TOY["actors"][0]},
                                             {**TOY["actors"][1], "role": "observer"}]}
    assert client.post("/api/scenarios", json=one).status_code == 201
    r = client.post("/api/simulations", json={"scenario": "solo"})
    assert (r.status_code, r.json()["problems"][0]["field"]) == (422, "scenario")
    r = client.post("/api/ensembles", json={"scenario": "solo", "model": "simulate",
                                            "jitter": "0.1"})
    assert (r.status_code, r.json()["problems"][0]["field"]) == (422, "model")


@pytest.mark.parametrize("path", ["/api/simulations", "/api/ensembles", "/api/tornado"])
def test_an_unknown_scenario_is_not_found(client: TestClient, path: str) -> None:
    r = client.post(path, json={"scenario": "no-such-talks"})
    assert r.status_code == 404
    assert "no-such-talks" in r.json()["error"]


def test_the_pages_exist_and_a_missing_scenario_has_none(client: TestClient) -> None:
    for page in ("simulate", "ensemble"):
        r = client.get(f"/scenarios/geneva-2026/{page}")
        assert r.status_code == 200
        assert f"/static/{page}.js" in r.text
        assert client.get(f"/scenarios/no-such-talks/{page}").status_code == 404
