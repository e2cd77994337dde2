"""The simulate command, through a local Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from parley.cli.simulate import simulate
from parley.io import save
from parley.store import RunStore
from tests.negotiation.helpers import one_issue

app = typer.Typer()
app.command()(simulate)


def test_json_runs_both_protocols_and_stores_them(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    r = CliRunner().invoke(app, ["geneva-2026", "--json", "--store", str(store)])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [x["protocol"] for x in doc["results"]] == ["alternating", "single-text"]
    status = {o["issue"]: o["status"] for o in doc["results"][0]["issues"]}
    assert status["donbas"] == "deadlocked"
    assert status["prisoner-exchange"] == "agreed"
    with RunStore(store) as st:
        runs = st.runs()
    assert sorted(run.model for run in runs) == ["alternating", "single-text"]
    assert {run.kind for run in runs} == {"simulate"}


def test_text_output_and_escaped_html_page(tmp_path: Path) -> None:
    s = one_issue(extra={"title": "<script>alert(1)</script> talks"})
    path = save(s, tmp_path / "s.yaml")
    page = tmp_path / "page.html"
    r = CliRunner().invoke(app, [str(path), "--no-store", "--report", str(page),
                                 "--strategy", "a=linear", "--strategy", "b=conceder",
                                 "--protocol", "alternating"])
    assert r.exit_code == 0, r.output
    assert "Outcome per issue" in r.stdout
    html = page.read_text()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<svg" in html


def test_bad_strategy_is_a_clean_error() -> None:
    r = CliRunner().invoke(app, ["geneva-2026", "--no-store", "--strategy", "kremlin=boulware"])
    assert r.exit_code == 1
    assert "no negotiating party" in r.output
