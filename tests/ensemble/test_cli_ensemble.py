"""The ensemble, sensitivity and whatif commands (registered on a local Typer app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from parley.cli.ensemble import ensemble, sensitivity, whatif
from parley.ensemble.runner import run_ensemble
from parley.io import load
from parley.store import RunStore

app = typer.Typer(pretty_exceptions_enable=False)
app.command()(ensemble)
app.command()(sensitivity)
app.command()(whatif)
runner = CliRunner()


def test_ensemble_json_is_one_document_with_the_library_numbers(tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite3"
    res = runner.invoke(app, ["ensemble", "geneva-2026", "--runs", "500", "--seed", "3",
                              "--model", "nash", "--json", "--store", str(store)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    lib = run_ensemble(load("geneva-2026"), "nash", n_runs=500, seed=3).summary()
    assert doc["issues"] == json.loads(json.dumps(lib["issues"]))
    assert doc["ensemble"]["chunk_size"] == 10_000
    assert doc["store"] == str(store)
    with RunStore(store) as st:
        assert st.get_run(doc["run_id"]).status == "ok"


def test_ensemble_table_and_briefing(tmp_path: Path) -> None:
    report = tmp_path / "brief.html"
    res = runner.invoke(app, ["ensemble", "--runs", "300", "--seed", "1", "--no-store",
                              "--report", str(report), "--jitter", "0.05"])
    assert res.exit_code == 0, res.output
    assert "acceptable to every party on every issue at once" in res.stdout
    assert "Donbas" in res.stdout
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<svg") == 6


def test_ensemble_resume_of_a_finished_run_recomputes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite3"
    first = runner.invoke(app, ["ensemble", "--runs", "200", "--seed", "2", "--chunk-size",
                                "50", "--json", "--store", str(store)])
    run_id = json.loads(first.stdout)["run_id"]
    again = runner.invoke(app, ["ensemble", "--resume", run_id, "--json", "--store", str(store)])
    assert again.exit_code == 0, again.output
    doc = json.loads(again.stdout)
    assert doc["resumed_chunks"] == 4
    assert doc["issues"] == json.loads(first.stdout)["issues"]


@pytest.mark.parametrize(("args", "message"), [
    (["ensemble", "--jitter", "lots", "--no-store"], "jitter"),
    (["ensemble", "--executor", "threads", "--no-store"], "unknown executor"),
    (["ensemble", "--resume", "abc", "--no-store"], "drop --no-store"),
    (["ensemble", "two-party-ceasefire", "--no-store"], "declares none"),
    (["ensemble", "--model", "nope", "--no-store"], "unknown model"),
])
def test_ensemble_errors_are_one_line_messages_not_tracebacks(args: list[str],
                                                             message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert message in res.stderr
    assert "Traceback" not in res.output


def test_ensemble_json_error_is_a_json_document(tmp_path: Path) -> None:
    res = runner.invoke(app, ["ensemble", "--resume", "nosuchrun", "--json", "--store",
                              str(tmp_path / "runs.sqlite3")])
    assert res.exit_code == 1
    assert "no run 'nosuchrun'" in json.loads(res.stdout)["error"]


def test_sensitivity_json_ranks_inputs_per_issue(tmp_path: Path) -> None:
    res = runner.invoke(app, ["sensitivity", "--samples", "32", "--seed", "4", "--top", "2",
                              "--json", "--store", str(tmp_path / "runs.sqlite3")])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc["sobol"]["outputs"]) == {i.id for i in load("geneva-2026").issues}
    assert all(len(v) == 2 for v in doc["sobol"]["outputs"].values())
    with RunStore(tmp_path / "runs.sqlite3") as st:
        assert [r.kind for r in st.runs()] == ["sensitivity"]


def test_sensitivity_table(tmp_path: Path) -> None:
    res = runner.invoke(app, ["sensitivity", "--samples", "16", "--seed", "4", "--no-store",
                              "--report", str(tmp_path / "s.html")])
    assert res.exit_code == 0, res.output
    assert "tornado low" in res.stdout
    assert "What matters most" in (tmp_path / "s.html").read_text(encoding="utf-8")


def test_whatif_compares_and_bad_change_files_name_the_line(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: press\nchanges:\n  - capability: {actor: united-states, value: 80}\n",
                    encoding="utf-8")
    res = runner.invoke(app, ["whatif", "geneva-2026", str(good), "--runs", "200", "--seed",
                              "1", "--no-store", "--report", str(tmp_path / "w.html")])
    assert res.exit_code == 0, res.output
    assert "what if: press" in res.stdout
    assert "capability of united-states -> 80" in res.stdout
    assert "What if: press" in (tmp_path / "w.html").read_text(encoding="utf-8")
    res = runner.invoke(app, ["whatif", "geneva-2026", str(good), "--runs", "100", "--json",
                              "--no-store"])
    assert json.loads(res.stdout)["whatif"]["name"] == "press"
    bad = tmp_path / "bad.yaml"
    bad.write_text("changes:\n  - capability: {actor: united-states, value: 80}\n"
                   "  - position: {actor: russia, issue: donbass, value: 50}\n", encoding="utf-8")
    res = runner.invoke(app, ["whatif", "geneva-2026", str(bad), "--json", "--no-store"])
    assert res.exit_code == 1
    (p,) = json.loads(res.stdout)["problems"]
    assert (p["source"], p["line"], p["field"], p["value"]) == (
        str(bad), 3, "changes[1].position.issue", "donbass")
    assert "did you mean 'donbas'?" in p["fix"]
