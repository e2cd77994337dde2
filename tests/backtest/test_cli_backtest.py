"""``parley backtest deu``: JSON output, the table, the store, errors with line numbers."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from parley.backtest import DEFAULT_SEED
from parley.cli.backtest import app as backtest_app
from parley.cli.backtest import deu
from parley.store import RunStore

from .conftest import SMALL

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    app = typer.Typer()
    app.add_typer(backtest_app, name="backtest")
    result = runner.invoke(app, ["backtest", "deu", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_prints_one_document_with_the_leaderboard() -> None:
    code, out, _ = invoke(str(SMALL), "--json", "--no-store", "-m", "compromise",
                          "--scheme", "equal", "--resamples", "100")
    assert code == 0
    doc = json.loads(out)
    assert doc["kind"] == "deu-backtest"
    labels = [e["label"] for e in doc["entries"]]
    assert set(labels) == {"compromise [equal]", "commission", "reference-point",
                           "median-of-positions"}
    first = doc["entries"][0]
    assert first["label"] == "compromise [equal]"
    # (15 + 8.33 + 20) / 3, see test_backtest.py
    assert abs(first["overall"]["mean"] - (15 + 100 / 3 - 25 + 20) / 3) < 1e-9
    assert doc["settings"]["seed"] == DEFAULT_SEED


def test_the_run_is_stored_and_the_page_written(tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite3"
    page = tmp_path / "out" / "lb.html"
    code, out, _ = invoke(str(SMALL), "--store", str(store), "-m", "compromise",
                          "--resamples", "50", "--seed", "9", "--report", str(page))
    assert code == 0
    assert "compromise [equal]" in out
    assert "untuned, full-sample" in out
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with RunStore(store) as rs:
        (run,) = rs.runs()
        assert run.kind == "backtest"
        assert run.seed == 9


def test_a_malformed_file_gives_its_line_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("prnr\tisnr\tpcom\tscom\tout\nd1\td1i1\tten\t50\t20\n", encoding="utf-8")
    code, out, err = invoke(str(bad), "--no-store")
    assert code == 1
    assert "line 2" in err
    assert "pcom" in err
    assert out == ""
    code, out, _ = invoke(str(bad), "--no-store", "--json")
    assert code == 1
    assert json.loads(out)["problems"][0]["line"] == 2


def test_an_unknown_model_is_a_clear_error() -> None:
    code, _, err = invoke(str(SMALL), "--no-store", "-m", "oracle")
    assert code == 1
    assert "unknown model 'oracle'" in err


def test_the_command_function_can_be_registered_alone() -> None:
    app = typer.Typer()
    app.command("deu")(deu)
    app.command("other")(lambda: None)
    result = runner.invoke(app, ["deu", "--help"])
    assert result.exit_code == 0
    assert "--json" in result.stdout
