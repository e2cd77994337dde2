"""The command line: exit codes, human output, and the --json contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.io import load

BROKEN = Path(__file__).parent / "data" / "broken"
runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "runs.sqlite3"
    monkeypatch.setenv("PARLEY_STORE", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def run_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # exactly one JSON document, nothing else


def test_forecast_json_lists_every_issue_with_every_baseline_model(store: Path) -> None:
    doc = run_json("forecast", "--no-report")
    geneva = load("geneva-2026")
    assert [i["id"] for i in doc["issues"]] == [i.id for i in geneva.issues]
    assert doc["models"] == ["compromise", "weighted-median", "nash"]
    for issue in doc["issues"]:
        assert set(issue["models"]) == {"compromise", "weighted-median", "nash"}
        for cell in issue["models"].values():
            assert 0 <= cell["value"] <= 100
    assert len(doc["runs"]) == 3
    assert doc["scenario"]["hash"] == geneva.content_hash()
    assert doc["report"] is None


def test_forecast_writes_the_briefing_and_prints_its_path(store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["forecast", "--report", str(tmp_path / "b.html")],
                           env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b.html").is_file()
    assert str(tmp_path / "b.html") in result.stdout
    for issue in load("geneva-2026").issues:
        assert issue.name in result.stdout
    assert "acceptable to: all parties" in result.stdout  # the front line: ranges overlap


def test_forecast_records_runs_that_parley_runs_lists(store: Path) -> None:
    doc = run_json("forecast", "--no-report", "--model", "compromise")
    listed = run_json("runs")
    assert [r["id"] for r in listed["runs"]] == [doc["runs"][0]["id"]]
    assert listed["runs"][0]["model"] == "compromise"
    assert listed["runs"][0]["started_at"]
    assert Path(listed["store"]) == store


def test_forecast_of_a_broken_file_exits_non_zero_without_traceback(store: Path) -> None:
    result = runner.invoke(app, ["forecast", str(BROKEN / "many-problems.yaml")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "line 9" in result.stderr
    assert not store.exists() or run_json("runs")["runs"] == []


def test_unknown_model_is_a_clear_error(store: Path) -> None:
    result = runner.invoke(app, ["forecast", "--model", "oracle", "--no-report"])
    assert result.exit_code == 1
    assert "unknown model 'oracle'" in result.stderr
    assert "compromise" in result.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.iterdir()))
def test_validate_reports_each_broken_file_and_exits_1(name: str) -> None:
    result = runner.invoke(app, ["validate", str(BROKEN / name)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert name in result.stderr
    assert "Fix:" in result.stderr


def test_validate_json_lists_problems_with_line_and_fix() -> None:
    result = runner.invoke(app, ["validate", str(BROKEN / "unknown-ids.yaml"), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["valid"] is False
    assert [(p["field"], p["line"]) for p in doc["problems"]] == [
        ("stances[0].actor", 8), ("stances[1].issue", 9)]


def test_validate_accepts_the_bundled_scenarios_files() -> None:
    from importlib import resources

    folder = resources.files("parley") / "scenarios"
    for f in folder.iterdir():
        if f.name.endswith(".yaml"):
            doc = run_json("validate", str(f))
            assert doc["valid"] is True


def test_convert_writes_native_yaml_that_loads_back_equal(tmp_path: Path) -> None:
    out = tmp_path / "g.yaml"
    result = runner.invoke(app, ["convert", "geneva-2026", str(out)])
    assert result.exit_code == 0, result.output
    assert load(out).content_hash() == load("geneva-2026").content_hash()
    again = runner.invoke(app, ["convert", "geneva-2026", str(out)])
    assert again.exit_code == 1
    assert "--force" in again.stderr


def test_convert_rejects_a_malformed_scale(tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", "geneva-2026", str(tmp_path / "x.yaml"),
                                 "--scale", "low"])
    assert result.exit_code == 1
    assert "LOW,HIGH" in result.stderr


def test_show_prints_the_stakeholder_table_with_evidence() -> None:
    result = runner.invoke(app, ["show", "geneva-2026"])
    assert result.exit_code == 0, result.output
    assert "Russia" in result.stdout
    assert "full control" in result.stdout  # an evidence quote from the article


def test_show_json_is_the_native_scenario() -> None:
    doc = run_json("show", "geneva-2026")
    assert doc["name"] == "geneva-2026"


def test_scenarios_lists_the_bundled_ones() -> None:
    doc = run_json("scenarios")
    assert "geneva-2026" in [d["name"] for d in doc["scenarios"]]


def test_models_lists_the_baselines() -> None:
    names = [m["name"] for m in run_json("models")["models"]]
    assert {"compromise", "weighted-median", "nash"} <= set(names)


def test_schema_is_a_json_schema_that_accepts_the_bundled_scenario() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(load("geneva-2026").model_dump(mode="json"), schema)


def test_corrupt_store_is_a_clear_error_and_is_left_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "runs.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    before = bad.read_bytes()
    result = runner.invoke(app, ["runs", "--store", str(bad)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert str(bad) in result.stderr
    assert bad.read_bytes() == before


def test_the_installed_script_prints_only_json_on_stdout(tmp_path: Path) -> None:
    """End to end through a real process: stdout parses as exactly one JSON document."""
    env = {"PARLEY_STORE": str(tmp_path / "s.sqlite3"), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "parley", "forecast", "--json",
                           "--no-report"], capture_output=True, text=True, env=env,
                          cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scenario"]["name"] == "geneva-2026"


def test_user_text_is_shown_literally_not_as_terminal_markup(tmp_path: Path) -> None:
    f = tmp_path / "markup.yaml"
    f.write_text("""
name: markup
sources: [{id: analyst, kind: analyst}]
actors:
  - {id: a, name: "[red]Boom[/red]", capability: {value: 1, evidence: [{source: analyst}]}}
  - {id: b, name: B, capability: 1}
issues: [{id: i, name: "[bold]Issue[/]"}]
stances:
  - {actor: a, issue: i, position: 10, salience: 0.5}
  - {actor: b, issue: i, position: 90, salience: 0.5}
""", encoding="utf-8")
    shown = runner.invoke(app, ["show", str(f)])
    assert shown.exit_code == 0, shown.output
    assert "[red]Boom[/red]" in shown.stdout
    assert "[analyst]" in shown.stdout
    forecast = runner.invoke(app, ["forecast", str(f), "--no-report", "--no-store"])
    assert "[bold]Issue[/]" in forecast.stdout


def test_dynamic_model_prints_its_trajectory_and_json_carries_the_history(store: Path) -> None:
    human = runner.invoke(app, ["forecast", "--model", "expected-utility", "--no-report"])
    assert human.exit_code == 0, human.output
    assert "expected-utility: weighted median position, round by round" in human.stdout
    doc = run_json("forecast", "--model", "expected-utility", "--no-report")
    (f,) = doc["forecasts"]
    history = f["history"]
    assert history["actors"] == [a.id for a in load("geneva-2026").actors]
    rounds = history["positions"]
    assert len(rounds) >= 2  # the input plus at least one round
    assert len(rounds[0]) == len(history["actors"])


def test_briefing_gains_a_trajectory_chart_for_a_dynamic_model(store: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    result = runner.invoke(app, ["forecast", "--model", "expected-utility", "--model",
                                 "compromise", "--report", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("each actor's position round by round") == len(load("geneva-2026").issues)


def test_exchange_model_lists_who_gave_what_for_what(store: Path) -> None:
    result = runner.invoke(app, ["forecast", "--model", "exchange", "--no-report"])
    assert result.exit_code == 0, result.output
    assert "executed exchanges per round" in result.stdout
    assert " moves " in result.stdout
    assert "gain " in result.stdout
