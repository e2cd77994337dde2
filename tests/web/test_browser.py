"""The dashboard in a real browser: Debian's chromium driven by Playwright.

A uvicorn server runs the app on a free loopback port in a thread; the browser loads the
dashboard, opens geneva-2026, forecasts it, changes a salience (with the API's inline
validation message on the way), saves a new version and forecasts again, and the forecast
table and chart change. A scenario full of script-like names renders them as text and runs
nothing. Screenshots go to ``test-artifacts/``.

The browser is Debian's ``/usr/bin/chromium`` (``apt-get install chromium``), never one that
Playwright downloads; without it or the ``playwright`` package these tests skip.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import TOY

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium: install Debian's "
                "chromium: apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the "
                               "playwright package (python -m pip install playwright); install "
                               "Debian's chromium: apt-get install chromium")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(token: str | None = None) -> Iterator[str]:
    """A real uvicorn server on a free loopback port, with a fresh store; yields its URL."""
    from parley.web import create_app
    from parley.web.security import LOOPBACK_HOSTS

    folder = Path(tempfile.mkdtemp(prefix="parley-web-"))
    app = create_app(folder / "runs.sqlite3", token=token, allowed_hosts=LOOPBACK_HOSTS)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                        lifespan="on"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(2000):  # wait until it listens (the cap only stops a hung start)
        if srv.started:
            break
        threading.Event().wait(0.005)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.fixture(scope="module")
def browser_context() -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="parley-chromium-")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": 1366, "height": 900})
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A page that records script errors, failed requests and any dialog that opens."""
    p = browser_context.new_page()
    p.set_default_timeout(15_000)
    p.errors, p.dialogs = [], []
    p.on("pageerror", lambda exc: p.errors.append(str(exc)))
    p.on("console", lambda msg: p.errors.append(msg.text) if msg.type == "error" else None)
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
    yield p
    p.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def run_forecast(page: Any) -> tuple[str, float]:
    """Press Run forecast, wait for the result; the compromise cell and marker on Donbas."""
    page.get_by_role("button", name="Run forecast").click()
    page.locator("#run-status.ok").wait_for()
    cell = page.locator("#forecast-table tr[data-issue=donbas] td[data-model=compromise] .value")
    marker = page.locator("svg[data-issue=donbas] circle[data-model=compromise]")
    return cell.inner_text(), float(marker.get_attribute("cx"))


def us_on_donbas(server: str) -> tuple[float, float, float]:
    """The US stance on Donbas in the bundled scenario: (position, salience, a new salience
    that stays inside its declared uncertainty range but differs from the current one)."""
    import httpx

    doc = httpx.get(server + "/api/scenarios/geneva-2026/versions/1").json()["scenario"]
    st = next(s for s in doc["stances"] if (s["actor"], s["issue"]) == ("united-states", "donbas"))
    sal = st["salience"]
    high = sal["uncertainty"]["high"] if sal["uncertainty"] else 1.0
    low = sal["uncertainty"]["low"] if sal["uncertainty"] else 0.0
    new = high if high != sal["value"] else low
    return st["position"]["value"], sal["value"], new


def test_change_a_salience_and_the_forecast_changes(server: str, page: Any) -> None:
    position, old, salience = us_on_donbas(server)
    page.goto(server + "/")
    page.get_by_role("link", name="geneva-2026").first.click()
    page.wait_for_url("**/scenarios/geneva-2026")
    us = page.get_by_label("salience of United States").first  # the first issue: Donbas
    us.wait_for()
    unlabelled = page.evaluate("""[...document.querySelectorAll('input, select, textarea')]
        .filter((e) => !e.labels.length && !e.getAttribute('aria-label')).length""")
    assert unlabelled == 0  # every form control has a label
    shot(page, "scenario")

    page.get_by_role("link", name="Forecast", exact=True).click()
    page.wait_for_url("**/scenarios/geneva-2026/forecast")
    page.locator("#model-list input").first.wait_for()
    before_value, before_x = run_forecast(page)
    shot(page, "forecast-before")

    page.goto(server + "/scenarios/geneva-2026")
    message = page.locator(f"#{us.get_attribute('id')}-msg")
    # an impossible value: the API's message appears next to the input
    us.fill("1.5")
    message.filter(has_text="[0, 1]").wait_for()
    assert us.get_attribute("aria-invalid") == "true"
    # a value inside the declared uncertainty range is fine
    us.fill(str(salience))
    page.locator("#save-status", has_text="Changes are valid").wait_for()
    assert us.get_attribute("aria-invalid") is None
    page.get_by_role("button", name="Save as new version").click()
    page.locator("#save-status", has_text="Saved as version 2").wait_for()
    shot(page, "scenario-saved")

    page.get_by_role("link", name="Forecast", exact=True).click()
    page.locator("#meta", has_text="version 2").wait_for()
    after_value, after_x = run_forecast(page)
    shot(page, "forecast-after")
    # The compromise is the capability x salience weighted mean of positions: more salience
    # for the US pulls it towards the US position, less lets it move away. Table and chart
    # must both show the move, in that direction.
    pulled = (1 if position > float(before_value) else -1) * (1 if salience > old else -1)
    assert (float(after_value) - float(before_value)) * pulled > 0
    assert (after_x - before_x) * pulled > 0
    assert page.errors == []
    assert page.dialogs == []


def test_run_history_compares_two_runs(server: str, page: Any) -> None:
    page.goto(server + "/runs?scenario=geneva-2026")
    page.locator("#runs-table tbody tr").nth(1).wait_for()
    page.get_by_role("button", name="Compare A and B").click()
    rows = page.locator("#comparison-table tbody tr")
    rows.first.wait_for()
    from parley.io import load

    assert rows.count() == len(load("geneva-2026").issues)
    shot(page, "runs")
    assert page.errors == []


def test_script_in_a_scenario_is_shown_as_text_and_never_runs(server: str, page: Any) -> None:
    import httpx

    hostile = "<script>alert(1)</script>"
    img = '<img src=x onerror="alert(2)">'
    doc = {**TOY, "name": "hostile", "title": img, "description": hostile,
           "actors": [{**TOY["actors"][0], "name": hostile}, {**TOY["actors"][1], "name": img}],
           "issues": [{**TOY["issues"][0], "name": hostile,
                       "scale": {"low": 0, "high": 100,
                                 "anchors": [{"value": 0, "label": img}]}}]}
    r = httpx.post(server + "/api/scenarios", json=doc)
    assert r.status_code == 201, r.text
    page.goto(server + "/scenarios/hostile")
    page.locator("#actors-table").wait_for()
    assert page.locator("#title").inner_text() == img
    assert page.locator("#actors-table tbody th").first.inner_text().startswith(hostile)
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    page.goto(server + "/scenarios/hostile/forecast")
    page.locator("#model-list input").first.wait_for()
    page.locator("#seed").focus()
    page.keyboard.press("Enter")  # the form works from the keyboard
    page.locator("#run-status.ok").wait_for()
    assert page.locator("#forecast-table tbody th").first.inner_text() == hostile
    page.goto(server + "/")
    page.get_by_role("link", name="hostile").wait_for()
    shot(page, "hostile")
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.errors == []


def test_a_token_server_sends_the_browser_through_the_login_page(page: Any) -> None:
    with serving(token="s3cret-token") as url:
        page.goto(url + "/runs")
        page.wait_for_url("**/login?next=%2Fruns")
        page.get_by_label("API token").fill("wrong")
        page.get_by_role("button", name="Log in").click()
        page.locator("#login-status", has_text="wrong token").wait_for()
        page.get_by_label("API token").fill("s3cret-token")
        page.keyboard.press("Enter")
        page.wait_for_url(url + "/runs")
        page.locator("#runs-status", has_text="No runs recorded yet").wait_for()
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/login")
    # the wrong token's 401 is logged by the browser; nothing else may be
    assert [e for e in page.errors if "status of 401" not in e] == []


# -- deals and news review ---------------------------------------------------------------------


def test_the_deals_page_shows_the_closed_donbas_zone_and_a_pareto_chart(server: str, page: Any
                                                                        ) -> None:
    """geneva-2026's red lines close Donbas (Russia >= 75, Ukraine <= 50: the scenario file);
    the chart can be drawn for either ordering of the two parties."""
    page.goto(server + "/scenarios/geneva-2026")
    page.get_by_role("link", name="Deals", exact=True).click()
    page.wait_for_url("**/scenarios/geneva-2026/deals")
    donbas = page.locator("#zopa-table tr[data-issue=donbas]")
    donbas.wait_for()
    assert "none: empty" in donbas.inner_text()
    assert "russia requires >= 75, ukraine requires <= 50" in donbas.inner_text()
    assert page.locator("#verdict").get_attribute("data-exists") == "false"
    chart = page.locator("#pareto svg")
    assert chart.get_attribute("data-pair") == "russia,ukraine"
    assert page.locator("#pareto svg text[data-axis=x]").text_content() == "utility of Russia"
    assert page.locator("#pareto svg .walkaway").count() == 2
    assert page.locator("#pareto svg circle.pt").count() > 0
    point = page.locator("#pareto svg circle.pt.focusable").first
    point.focus()  # keyboard focus shows the values
    page.locator(".tooltip", has_text="Russia").wait_for()
    shot(page, "deals")
    page.get_by_label("Parties on the axes (x, y)").select_option(index=1)
    page.locator("#pareto svg[data-pair='ukraine,russia']").wait_for()
    assert page.locator("#pareto svg text[data-axis=x]").text_content() == "utility of Ukraine"
    unlabelled = page.evaluate("""[...document.querySelectorAll('input, select, textarea')]
        .filter((e) => !e.labels.length && !e.getAttribute('aria-label')).length""")
    assert unlabelled == 0
    shot(page, "deals-swapped")
    assert page.errors == []
    assert page.dialogs == []


SHIFT = "Kremlin shifts\n\nMoscow now demands Article 5-like guarantees for Kyiv."


def test_a_reviewed_article_is_saved_as_a_new_version(server: str, page: Any) -> None:
    """The article places Russia at the 0 end (Article 5-like guarantees) of the security
    guarantees scale; geneva-2026 has it at 85: one proposal."""
    import httpx

    latest = httpx.get(server + "/api/scenarios/geneva-2026").json()["latest_version"]
    page.goto(server + "/scenarios/geneva-2026")
    page.get_by_role("link", name="Review news").click()
    page.wait_for_url("**/scenarios/geneva-2026/review")
    page.locator(f"#versions li[data-version='{latest}']").wait_for()
    page.get_by_label("Article text").fill(SHIFT)
    page.get_by_role("button", name="Find evidence").click()
    card = page.locator(".card[data-proposal=p1]")
    card.wait_for()
    assert page.locator(".card").count() == 1
    assert card.locator(".before").inner_text() == "85"
    assert card.locator(".after").inner_text() == "0"
    mark = page.locator("#article mark")
    assert mark.inner_text() == "Moscow now demands Article 5-like guarantees for Kyiv."
    card.get_by_label("Accept").check()
    shot(page, "review")
    page.get_by_role("button", name="Save as new version").click()
    page.locator("#save-status", has_text=f"Saved as version {latest + 1}").wait_for()
    page.locator(f"#versions li[data-version='{latest + 1}']").wait_for()
    shot(page, "review-saved")
    doc = httpx.get(server + "/api/scenarios/geneva-2026").json()
    stance = next(s for s in doc["scenario"]["stances"]
                  if (s["actor"], s["issue"]) == ("russia", "security-guarantees"))
    assert (doc["version"], stance["position"]["value"]) == (latest + 1, 0.0)
    assert page.errors == []


def test_script_in_an_article_is_shown_as_text_and_never_runs(server: str, page: Any) -> None:
    """The headline starts with a character outside the BMP (two UTF-16 units, one code
    point): the highlight must still cover exactly the sentence the server found."""
    script, img = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
    text = (f"🕊 {img}\n\nMoscow now demands Article 5-like guarantees for Kyiv {script}.\n\n"
            f"Russia's envoy said {img} nothing.")
    page.goto(server + "/scenarios/geneva-2026/review")
    page.get_by_label("Article text").fill(text)
    page.get_by_label("Publication date (optional)").fill("2026-02-18")
    page.get_by_role("button", name="Find evidence").focus()
    page.keyboard.press("Enter")  # the form works from the keyboard
    page.locator(".card").first.wait_for()
    assert page.locator("#article mark").inner_text() == (
        f"Moscow now demands Article 5-like guarantees for Kyiv {script}.")
    assert img in page.locator("#article").inner_text()
    assert script in page.locator(".card q").first.inner_text()
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    shot(page, "review-hostile")
    assert page.dialogs == []
    assert page.errors == []
