"""``parley deals`` and ``parley adjusted-winner`` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def test_deals_on_geneva_names_the_red_lines_that_close_each_zone() -> None:
    """From the scenario's red lines: donbas russia >= 75 vs ukraine <= 50 (closed);
    front line russia >= 40 vs ukraine <= 50 (open: [40, 50])."""
    result = runner.invoke(app, ["deals", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["parties"] == ["russia", "ukraine"]
    zones = {z["issue"]: z for z in doc["issue_zopa"]}
    assert zones["donbas"]["empty"] is True
    conflict = zones["donbas"]["conflicts"][0]["text"]
    assert conflict == "russia requires >= 75, ukraine requires <= 50"
    assert (zones["front-line"]["low"], zones["front-line"]["high"]) == (40.0, 50.0)
    assert doc["package_zopa"]["exists"] is False


def test_deals_prints_zones_logrolls_and_what_it_would_take(tmp_path: Path) -> None:
    out = tmp_path / "deals.html"
    result = runner.invoke(app, ["deals", "--report", str(out), "--pair", "russia,ukraine"])
    assert result.exit_code == 0, result.output
    assert "no zone of agreement: russia requires >= 75" in result.stdout
    assert "What would it take" in result.stdout
    assert "<svg" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--loss", "cubic"], "--loss must be"),
    (["--report", "x.html", "--pair", "russia"], "--pair must name two parties"),
])
def test_deals_rejects_bad_options_clearly(args: list[str], message: str,
                                           tmp_path: Path) -> None:
    result = runner.invoke(app, ["deals", *args])
    assert result.exit_code == 1
    assert message in result.stderr


def test_adjusted_winner_splits_the_item_with_the_smallest_ratio(tmp_path: Path) -> None:
    """A bids 50/30/20 and B 20/40/40 on house/car/boat. B leads (80 vs 50) with car and
    boat; the car has the smaller ratio (40/30 < 40/20), and moving all of it would put B
    behind, so A receives p = (80 - 50) / (40 + 30) = 3/7 of it: both end with
    50 + 30 * 3/7 = 80 - 40 * 3/7 = 62.857."""
    f = tmp_path / "points.csv"
    f.write_text("item,A,B\nhouse,50,20\ncar,30,40\nboat,20,40\n", encoding="utf-8")
    result = runner.invoke(app, ["adjusted-winner", str(f), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["split"]["item"] == "car"
    assert doc["split"]["A"] == pytest.approx(3 / 7)
    assert doc["points"]["A"] == pytest.approx(50 + 30 * 3 / 7)
    assert doc["points"]["B"] == pytest.approx(80 - 40 * 3 / 7)
    human = runner.invoke(app, ["adjusted-winner", str(f)])
    assert "split item: car" in human.stdout


def test_adjusted_winner_reports_a_bad_table_with_its_line(tmp_path: Path) -> None:
    f = tmp_path / "points.csv"
    f.write_text("item,A,B\nhouse,50,20\ncar,thirty,40\nboat,20,40\n", encoding="utf-8")
    result = runner.invoke(app, ["adjusted-winner", str(f)])
    assert result.exit_code == 1
    assert "line 3" in result.stderr
    assert "Traceback" not in result.output
