"""The simulation and ensemble pages in a real browser (Debian's chromium, Playwright).

Reuses the server, browser and screenshot helpers of :mod:`tests.web.test_browser` (and
skips as it does without ``/usr/bin/chromium`` or the ``playwright`` package). Expected
values come from geneva-2026's file: Russia accepts 75-100 on Donbas and Ukraine 0-50, so
Donbas is deadlocked in a simulation and no ensemble draw is acceptable to both; their
front-line ranges (>= 40, <= 50) overlap, so the front line can be agreed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import TOY
from tests.web.test_browser import browser_context, page, serving, shot  # noqa: F401

UNLABELLED = """[...document.querySelectorAll('input, select, textarea')]
    .filter((e) => !e.labels.length && !e.getAttribute('aria-label')).length"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving() as url:
        yield url


def test_the_simulation_page_shows_the_outcome_the_utilities_and_the_offers_chart(
        server: str, page: Any) -> None:  # noqa: F811
    page.goto(server + "/scenarios/geneva-2026")
    page.get_by_role("link", name="Simulate", exact=True).click()
    page.wait_for_url("**/scenarios/geneva-2026/simulate")
    donbas = page.locator("#outcome-table tr[data-issue=donbas]")
    donbas.wait_for()  # the default simulation runs on opening
    assert donbas.get_attribute("data-status") == "deadlocked"
    assert "russia 75-100" in donbas.inner_text()
    assert "ukraine 0-50" in donbas.inner_text()
    front = page.locator("#outcome-table tr[data-issue=front-line]")
    assert front.get_attribute("data-status") == "agreed"
    assert 40 <= float(front.locator(".value").inner_text()) <= 50
    assert page.locator("#utility-table tbody tr").count() == 2
    assert page.locator("#utility-figure svg rect.ubar").count() == 2
    charts = page.locator("#offers-charts svg.offers-chart")
    assert charts.count() == 2  # one per party
    assert page.locator("#offers-charts svg[data-party=russia] polyline.offer-line").count() == 2
    page.locator("#offers-charts svg[data-party=ukraine] circle.offer-pt").first.hover()
    page.locator(".tooltip", has_text="utility to Ukraine").wait_for()
    assert "Donbas" in page.locator(".tooltip").inner_text()  # the offer's package
    assert page.locator("#transcript li").count() > 0
    shot(page, "simulate")

    # a small run from the form, from the keyboard: the mediator's text, 3 rounds a meeting
    page.get_by_label("Protocol").select_option("single-text")
    page.get_by_label("Strategy of Russia").select_option("conceder")
    page.get_by_label("Rounds of offers per meeting").fill("3")
    page.get_by_label("Rounds of offers per meeting").press("Enter")
    page.locator("#summary", has_text="Single text").wait_for()
    page.locator("#sim-status.ok", has_text="Done").wait_for()
    assert page.locator("#utility-table tr[data-party=russia] td").first.inner_text() == "conceder"
    mediator = "#offers-charts svg[data-party=russia] polyline[data-proposer=united-states]"
    assert page.locator(mediator).count() == 1  # the mediator's texts
    page.locator("#offers-charts svg[data-party=russia] circle.offer-pt.focusable").first.focus()
    page.locator(".tooltip", has_text="Round").wait_for()
    assert page.evaluate(UNLABELLED) == 0
    shot(page, "simulate-single-text")
    assert page.errors == []
    assert page.dialogs == []


def test_the_ensemble_page_runs_200_draws_and_draws_histograms_and_a_tornado(
        server: str, page: Any) -> None:  # noqa: F811
    page.goto(server + "/scenarios/geneva-2026")
    page.get_by_role("link", name="Ensemble", exact=True).click()
    page.wait_for_url("**/scenarios/geneva-2026/ensemble")
    page.locator("#model option[value=compromise]").wait_for(state="attached")
    page.get_by_label("Draws", exact=True).fill("200")
    page.get_by_label("Seed (optional)").fill("1")
    page.get_by_role("button", name="Run ensemble").click()
    page.locator("#ens-status.ok", has_text="200 of 200 draws").wait_for()
    assert page.locator("#ensemble-table tbody tr").count() == 6
    assert page.locator("#dist-charts svg.hist").count() == 6
    # Russia 75-100 and Ukraine 0-50 on Donbas: no draw is acceptable to both
    cell = page.locator("#ensemble-table tr[data-issue=donbas] td[data-p]")
    assert float(cell.get_attribute("data-p")) == 0.0
    bar = page.locator("#dist-charts svg[data-issue=donbas] rect.bin[tabindex='0']").first
    bar.hover()
    page.locator(".tooltip", has_text="draws").wait_for()
    assert sum(int(b.get_attribute("data-count")) for b in
               page.locator("#dist-charts svg[data-issue=donbas] rect.bin").all()) == 200
    shot(page, "ensemble")

    page.get_by_label("Issue", exact=True).select_option("front-line")
    page.get_by_role("button", name="Draw the tornado").click()
    page.locator("#tornado-status.ok").wait_for()
    bars = page.locator("#tornado svg g.tbar")
    assert bars.count() == 10  # the ten widest swings
    bars.first.focus()
    page.locator(".tooltip", has_text="swing").wait_for()
    assert page.evaluate(UNLABELLED) == 0
    shot(page, "ensemble-tornado")
    assert page.errors == []
    assert page.dialogs == []


def test_script_in_a_scenario_stays_text_on_the_simulation_and_ensemble_pages(
        server: str, page: Any) -> None:  # noqa: F811
    import httpx

    hostile = "<script>alert(1)</script>"
    img = '<img src=x onerror="alert(2)">'
    doc = {**TOY, "name": "hostile-talks", "title": img,
           "actors": [{**TOY["actors"][0], "name": hostile}, {**TOY["actors"][1], "name": img}],
           "issues": [{**TOY["issues"][0], "name": hostile,
                       "scale": {"low": 0, "high": 100,
                                 "anchors": [{"value": 0, "label": img},
                                             {"value": 100, "label": hostile}]}}]}
    r = httpx.post(server + "/api/scenarios", json=doc)
    assert r.status_code == 201, r.text
    page.goto(server + "/scenarios/hostile-talks/simulate")
    page.locator("#outcome-table tbody th").first.wait_for()
    assert page.locator("#outcome-table tbody th").first.inner_text() == hostile
    assert page.locator("#utility-table tbody th").first.inner_text() == hostile
    assert page.get_by_label(f"Strategy of {hostile}").count() == 1
    assert page.locator("#title").inner_text() == f"Simulation: {img}"
    shot(page, "simulate-hostile")
    page.goto(server + "/scenarios/hostile-talks/ensemble")
    page.locator("#meta", has_text="declares no uncertainty").wait_for()
    assert page.get_by_label("Jitter (optional)").input_value() == "0.1"  # offered for it
    page.get_by_label("Draws", exact=True).fill("50")
    page.get_by_role("button", name="Run ensemble").click()
    page.locator("#ens-status.ok").wait_for()
    assert page.locator("#ensemble-table tbody th").first.inner_text() == hostile
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.dialogs == []
    assert page.errors == []
