"""The deals and evidence endpoints, through FastAPI's test client.

Expected values come from the scenario files (red lines, positions, scale poles) and from
hand computations in the docstrings; the evidence expectations are sentences of the seed
article (``tests/data/news/``) read by a person.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import NO_WEB

pytest.importorskip("fastapi", reason=NO_WEB)

from fastapi.testclient import TestClient

NEWS = Path(__file__).resolve().parents[1] / "data" / "news"
#: An article with exactly one finding the bundled geneva-2026 does not hold: Russia at the
#: low pole of security guarantees ("Article 5-like guarantees" = 0 on that scale).
SHIFT = "Kremlin shifts\n\nMoscow now demands Article 5-like guarantees for Kyiv."
SHIFT_SENTENCE = "Moscow now demands Article 5-like guarantees for Kyiv."

#: Two parties, two issues, status quo 50 on both: A cares most about x, B about y.
TRADE: dict[str, Any] = {
    "name": "trade",
    "actors": [{"id": "a", "name": "A", "capability": 1},
               {"id": "b", "name": "B", "capability": 1}],
    "issues": [{"id": "x", "name": "X", "status_quo": 50},
               {"id": "y", "name": "Y", "status_quo": 50}],
    "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 0.8},
                {"actor": "a", "issue": "y", "position": 0, "salience": 0.2},
                {"actor": "b", "issue": "x", "position": 100, "salience": 0.2},
                {"actor": "b", "issue": "y", "position": 100, "salience": 0.8}],
}


def finished(client: TestClient, job_id: str) -> dict[str, Any]:
    """Poll a job until it is done or failed (the cap only stops a hung test)."""
    for _ in range(4000):
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.005)
    raise AssertionError(f"job {job_id} never finished")


def deals(client: TestClient, **body: Any) -> dict[str, Any]:
    started = client.post("/api/deals", json=body)
    assert started.status_code == 202, started.text
    assert started.headers["location"] == f"/api/jobs/{started.json()['id']}"
    job = finished(client, started.json()["id"])
    assert job["status"] == "done", job["error"]
    return job


# -- deals -------------------------------------------------------------------------------------


def test_the_geneva_deals_job_names_the_red_lines_that_close_donbas(client: TestClient) -> None:
    """geneva-2026's red lines on Donbas (the scenario file): Russia accepts 75-100, Ukraine
    0-50. The zone [max low, min high] = [75, 50] is empty, bound by exactly those two.
    With one issue closed no package lies inside every red line, so there is no deal, no
    Nash point and no top deal."""
    from parley.io import load

    s = load("geneva-2026")
    assert s.stance("russia", "donbas").acceptable.low == 75  # type: ignore[union-attr]
    assert s.stance("ukraine", "donbas").acceptable.high == 50  # type: ignore[union-attr]
    job = deals(client, scenario="geneva-2026")
    assert (job["kind"], job["total"], job["done"]) == ("deals", 1, 1)
    doc = job["result"]
    donbas = next(z for z in doc["issue_zopa"] if z["issue"] == "donbas")
    assert donbas["empty"] is True
    assert [c["text"] for c in donbas["conflicts"]] == [
        "russia requires >= 75, ukraine requires <= 50"]
    assert doc["parties"] == ["russia", "ukraine"]  # the actors whose role is party
    assert doc["package_zopa"]["exists"] is False
    assert doc["package_zopa"]["n_inside"] == 0
    assert doc["package_zopa"]["n_packages"] == 11 ** 6
    assert doc["solutions"]["nash"] is None
    assert doc["top"] == []


def test_a_deals_job_is_recorded_as_a_run_of_kind_deals(client: TestClient) -> None:
    job = deals(client, scenario="geneva-2026", grid_points=5)
    (run_id,) = job["runs"]
    listed = client.get("/api/runs", params={"kind": "deals"}).json()["runs"]
    assert [r["id"] for r in listed] == [run_id]
    assert client.get("/api/runs", params={"kind": "forecast"}).json()["runs"] == []
    run = client.get(f"/api/runs/{run_id}").json()
    assert (run["kind"], run["model"], run["scenario_name"]) == ("deals", None, "geneva-2026")
    assert run["parameters"] == {"parties": None, "loss": "linear", "grid_points": 5,
                                 "top": 10}
    assert run["result"]["issue_zopa"] == job["result"]["issue_zopa"]
    assert run["result"]["package_zopa"]["n_packages"] == 5 ** 6


def test_a_deals_job_reports_the_hand_computed_frontier_and_nash_point(client: TestClient
                                                                       ) -> None:
    """TRADE, linear loss, weights = saliences (they sum to 1 per party):
    U_a = 1 - 0.8 x/100 - 0.2 y/100, U_b = 1 - 0.2 (100 - x)/100 - 0.8 (100 - y)/100.
    Walk-away (status quo 50, 50): U_a = U_b = 1 - 0.4 - 0.1 = 0.5.

    Grid of 3 points (0, 50, 100) per issue, 9 packages:
    (0,0) 1/0, (0,50) .9/.4, (0,100) .8/.8, (50,0) .6/.1, (50,50) .5/.5, (50,100) .4/.9,
    (100,0) .2/.2, (100,50) .1/.6, (100,100) 0/1.
    Undominated: (0,0), (0,50), (0,100), (50,100), (100,100) (the others are beaten by
    (0,50), (0,100), (0,100), (50,100)). Deals (both >= .5): (0,100) and (50,50); strictly
    better than no deal for both: (0,100) only. The deal frontier is (0,100), so Nash is
    there with gains .3 each."""
    assert client.post("/api/scenarios", json=TRADE).status_code == 201
    doc = deals(client, scenario="trade", grid_points=3)["result"]
    assert doc["reservation"] == {"a": pytest.approx(0.5), "b": pytest.approx(0.5)}
    frontier = doc["chart"]["frontier"]
    got = {tuple(p): tuple(u) for p, u in zip(frontier["packages"], frontier["utilities"],
                                               strict=True)}
    assert got == {(0.0, 0.0): (1.0, 0.0), (0.0, 50.0): (0.9, 0.4), (0.0, 100.0): (0.8, 0.8),
                   (50.0, 100.0): (0.4, 0.9), (100.0, 100.0): (0.0, 1.0)}
    assert frontier["inside_red_lines"] == [True] * 5  # no red lines at all
    assert (frontier["size"], frontier["shown"]) == (5, 5)
    assert doc["chart"]["deals"]["packages"] == [[0.0, 100.0]]
    pz = doc["package_zopa"]
    assert (pz["n_packages"], pz["n_deals"], pz["n_agreement"], pz["exists"]) == (9, 2, 1, True)
    nash = doc["solutions"]["nash"]
    assert nash["package"] == {"x": 0.0, "y": 100.0}
    assert nash["gains"] == {"a": pytest.approx(0.3), "b": pytest.approx(0.3)}


def test_a_bad_deals_request_lists_each_problem_with_its_field(client: TestClient) -> None:
    """6 issues at 14 points each: 14**6 = 7,529,536 packages, over the 5,000,000 cap."""
    r = client.post("/api/deals", json={"scenario": "geneva-2026", "grid_points": 14,
                                        "parties": ["russia", "nobody", "russia"]})
    assert r.status_code == 422
    problems = {p["field"]: p for p in r.json()["problems"]}
    assert set(problems) == {"parties[1]", "parties[2]", "grid_points"}
    assert problems["parties[1]"]["value"] == "nobody"
    assert "7,529,536" in problems["grid_points"]["rule"]
    assert client.get("/api/jobs").json()["jobs"] == []
    r = client.post("/api/deals", json={"scenario": "geneva-2026", "loss": "cubic"})
    assert (r.status_code, r.json()["problems"][0]["field"]) == (422, "body.loss")
    assert client.post("/api/deals", json={"scenario": "nothing"}).status_code == 404


# -- evidence ----------------------------------------------------------------------------------


def seed_article() -> str:
    path = NEWS / "geneva-talks-article.txt"
    if not path.exists():
        pytest.skip(f"the seed article is missing: {path}")
    return path.read_text(encoding="utf-8")


def test_the_seed_article_yields_russias_demand_for_all_of_donbas(client: TestClient) -> None:
    """The seed article says: 'Russia continues to demand full control of the eastern Donbas
    region, comprising Donetsk and Luhansk...'; full control of Donbas is the top (100) of
    the donbas scale. The bundled scenario already cites every sentence the rules use, so
    nothing is proposed (docs/evidence.md)."""
    text = seed_article()
    r = client.post("/api/evidence", json={"scenario": "geneva-2026", "text": text,
                                           "published": "2026-02-18"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["scenario"], doc["version"]) == ("geneva-2026", 1)
    demands = [x for x in doc["records"] if (x["kind"], x["actor"], x["issue"]) == (
        "demand", "russia", "donbas")]
    assert len(demands) == 1
    (demand,) = demands
    assert demand["value"] == 100.0
    assert demand["sentence"].startswith("Russia continues to demand full control of the "
                                         "eastern Donbas region")
    start, end = demand["span"]
    assert text[start:end] == demand["sentence"]  # offsets into the text as sent
    assert doc["proposals"] == []


def test_a_one_finding_article_proposes_one_update_citing_its_sentence(client: TestClient
                                                                       ) -> None:
    """geneva-2026 puts Russia at 85 on security guarantees; 'Article 5-like guarantees' is
    the 0 end of that scale, so the article proposes 85 -> 0."""
    r = client.post("/api/evidence", json={"scenario": "geneva-2026", "text": SHIFT})
    (p,) = r.json()["proposals"]
    assert (p["id"], p["action"], p["field"], p["old"], p["new"]) == (
        "p1", "set", "stances[russia/security-guarantees].position", 85.0, 0.0)
    records = r.json()["records"]
    assert [records[k]["sentence"] for k in p["records"]] == [SHIFT_SENTENCE]
    assert p["conflict"] is True  # 85 has evidence of its own


def test_accepting_a_proposal_saves_the_next_version_citing_the_article(client: TestClient
                                                                        ) -> None:
    r = client.post("/api/evidence/apply", json={
        "scenario": "geneva-2026", "version": 1, "text": SHIFT, "published": "2026-02-20",
        "decisions": [{"id": "p1", "decision": "accept"}]})
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["applied"] == ["p1"]
    assert r.headers["location"] == "/api/scenarios/geneva-2026/versions/2"
    saved = doc["saved"]
    assert (saved["version"], saved["origin"]) == (2, "user")
    assert [v["version"] for v in client.get(
        "/api/scenarios/geneva-2026/versions").json()["versions"]] == [1, 2]
    s = saved["scenario"]
    source = next(x for x in s["sources"] if x["id"] == doc["source"])
    assert (source["kind"], source["title"], source["published"]) == (
        "article", "Kremlin shifts", "2026-02-20")
    assert source["sha256"] == hashlib.sha256(SHIFT.encode("utf-8")).hexdigest()
    stance = next(x for x in s["stances"]
                  if (x["actor"], x["issue"]) == ("russia", "security-guarantees"))
    assert stance["position"]["value"] == 0.0
    assert {"source": doc["source"], "quote": SHIFT_SENTENCE} in [
        {"source": e["source"], "quote": e["quote"]} for e in stance["position"]["evidence"]]
    # the review started from version 1, which is no longer the latest
    again = client.post("/api/evidence/apply", json={
        "scenario": "geneva-2026", "version": 1, "text": SHIFT,
        "decisions": [{"id": "p1", "decision": "accept"}]})
    assert again.status_code == 409


def test_an_edited_proposal_saves_the_analysts_value(client: TestClient) -> None:
    r = client.post("/api/evidence/apply", json={
        "scenario": "geneva-2026", "version": 1, "text": SHIFT,
        "decisions": [{"id": "p1", "decision": "edit", "new": 20}]})
    assert r.status_code == 201, r.text
    stance = next(x for x in r.json()["saved"]["scenario"]["stances"]
                  if (x["actor"], x["issue"]) == ("russia", "security-guarantees"))
    assert stance["position"]["value"] == 20.0


@pytest.mark.parametrize(("text", "decisions", "field", "rule"), [
    (SHIFT, [{"id": "p1", "decision": "reject"}], "decisions", "accept nothing"),
    (SHIFT, [{"id": "p9", "decision": "accept"}], "decisions[0].id", "not a proposal"),
    (SHIFT, [{"id": "p1", "decision": "accept"}, {"id": "p1", "decision": "reject"}],
     "decisions[1].id", "decided twice"),
    (SHIFT, [{"id": "p1", "decision": "edit", "new": "far"}], "decisions[0].new",
     "finite number"),
    (SHIFT, [{"id": "p1", "decision": "edit", "new": True}], "decisions[0].new",
     "finite number"),
    # Ukraine sits at 5 on security guarantees and rejects 0: a flag for a person
    ("Kyiv statement\n\nKyiv rejects Article 5-like guarantees.",
     [{"id": "p1", "decision": "accept"}], "decisions[0].decision", "a flag changes nothing"),
    # Russia already sits at 100 on Donbas: the new sentence only adds evidence
    ("Moscow statement\n\nMoscow insists on full control of Donbas.",
     [{"id": "p1", "decision": "edit", "new": 90}], "decisions[0].new", "cannot be edited"),
])
def test_a_decision_the_proposal_cannot_take_is_refused_with_its_field(
        client: TestClient, text: str, decisions: list[dict[str, Any]], field: str,
        rule: str) -> None:
    r = client.post("/api/evidence/apply", json={"scenario": "geneva-2026", "version": 1,
                                                 "text": text, "decisions": decisions})
    assert r.status_code == 422, r.text
    (problem,) = r.json()["problems"]
    assert problem["field"] == field
    assert rule in problem["rule"]
    assert [v["version"] for v in client.get(
        "/api/scenarios/geneva-2026/versions").json()["versions"]] == [1]  # nothing saved


def test_an_edit_that_breaks_the_scenario_lists_the_scenario_problem(client: TestClient
                                                                     ) -> None:
    """The security-guarantees scale runs from 0 to 100: 150 is off it."""
    r = client.post("/api/evidence/apply", json={
        "scenario": "geneva-2026", "version": 1, "text": SHIFT,
        "decisions": [{"id": "p1", "decision": "edit", "new": 150}]})
    assert r.status_code == 422
    assert any("position" in p["field"] for p in r.json()["problems"])


def test_an_article_over_the_limit_or_empty_is_refused(client: TestClient) -> None:
    from parley.web.schemas import MAX_ARTICLE_CHARS

    long = client.post("/api/evidence", json={"scenario": "geneva-2026",
                                              "text": "x" * (MAX_ARTICLE_CHARS + 1)})
    assert (long.status_code, long.json()["problems"][0]["field"]) == (422, "body.text")
    empty = client.post("/api/evidence", json={"scenario": "geneva-2026", "text": ""})
    assert (empty.status_code, empty.json()["problems"][0]["field"]) == (422, "body.text")
    day = client.post("/api/evidence", json={"scenario": "geneva-2026", "text": SHIFT,
                                             "published": "18 Feb"})
    assert (day.status_code, day.json()["problems"][0]["field"]) == (422, "body.published")
    assert client.post("/api/evidence", json={"scenario": "nothing", "text": SHIFT}
                       ).status_code == 404


def test_without_the_evidence_extra_the_answer_names_the_install_command(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import parley.evidence
    from parley.errors import MissingExtraError

    def missing(*args: Any, **kwargs: Any) -> Any:
        raise MissingExtraError("dateparser", "evidence", "Reading dates in news text")

    monkeypatch.setattr(parley.evidence, "extract", missing)
    r = client.post("/api/evidence", json={"scenario": "geneva-2026", "text": SHIFT})
    assert r.status_code == 501
    assert "parley[evidence]" in r.json()["error"]


def test_the_scenario_page_links_to_the_deals_and_review_pages(client: TestClient) -> None:
    for path in ("/scenarios/geneva-2026/deals", "/scenarios/geneva-2026/review"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>" not in page.text
        assert "http://" not in page.text
        assert "https://" not in page.text
    page = client.get("/scenarios/geneva-2026").text
    assert 'id="deals-link"' in page
    assert 'id="review-link"' in page
    assert client.get("/scenarios/nothing/deals").status_code == 404


@pytest.mark.parametrize("path", ["/api/deals", "/api/evidence", "/api/evidence/apply"])
def test_the_new_writes_refuse_what_another_site_could_send(client: TestClient, path: str
                                                            ) -> None:
    body = b'{"scenario": "geneva-2026", "text": "x"}'
    plain = client.post(path, content=body, headers={"content-type": "text/plain"})
    assert plain.status_code == 415
    cross = client.post(path, content=body, headers={"content-type": "application/json",
                                                     "origin": "http://evil.example"})
    assert cross.status_code == 403
    assert client.get("/api/jobs").json()["jobs"] == []
