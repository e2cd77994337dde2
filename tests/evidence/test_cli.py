"""The ``evidence`` command, run through a local Typer app (the lead registers it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from parley.cli.evidence import evidence
from parley.evidence import extract
from parley.io import load, save
from tests.evidence.labels import NEWS, labelled
from tests.evidence.test_propose import before_the_article

pytest.importorskip("dateparser", reason="parley[evidence] is not installed")

app = typer.Typer()
app.command()(evidence)
runner = CliRunner()
SEED = NEWS / "geneva-talks-article.txt"


def test_json_prints_one_document_with_records_and_proposals() -> None:
    result = runner.invoke(app, [str(SEED), "--published", "2026-02-18", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"records", "proposals"}
    doc_seed = labelled("geneva-talks-article")
    expected = extract(doc_seed.text, load("geneva-2026"), published=doc_seed.published)
    assert len(doc["records"]) == len(expected)
    assert doc["proposals"] == []  # geneva-2026 already cites the whole article


def test_json_proposals_point_to_their_records(tmp_path: Path) -> None:
    path = save(before_the_article(), tmp_path / "before.yaml")
    result = runner.invoke(app, [str(SEED), "-s", str(path), "--published", "2026-02-18",
                                 "--json"])
    doc = json.loads(result.stdout)
    first = doc["proposals"][0]
    assert (first["action"], first["field"], first["old"], first["new"]) == (
        "set", "stances[russia/donbas].position", 70.0, 100.0)
    (k,) = first["records"]
    assert doc["records"][k]["kind"] == "demand"


def test_tables_list_records_and_proposals(tmp_path: Path) -> None:
    path = save(before_the_article(), tmp_path / "before.yaml")
    result = runner.invoke(app, [str(SEED), "-s", str(path), "--published", "2026-02-18"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Evidence in geneva-talks-article.txt" in result.stdout
    assert "Proposed updates" in result.stdout
    assert "CONFLICT" in result.stdout
    none = runner.invoke(app, [str(SEED), "--published", "2026-02-18"])
    assert "No updates proposed" in none.stdout


def test_apply_walks_through_the_proposals_and_writes_the_next_version(tmp_path: Path) -> None:
    """11 proposals (see test_propose): edit p1 to 90, reject p2, edit p3's round name,
    accept the rest."""
    path = save(before_the_article(), tmp_path / "before.yaml")
    out = tmp_path / "after.yaml"
    answers = "e\n90\nr\ne\nGeneva round\n" + "a\n" * 8
    result = runner.invoke(app, [str(SEED), "-s", str(path), "--published", "2026-02-18",
                                 "--apply", "--output", str(out), "--source-id", "bbc"],
                           input=answers)
    assert result.exit_code == 0, result.output
    assert "10 of 11 proposals applied" in result.stdout
    new = load(str(out))
    assert new.version == before_the_article().version + 1
    st = new.stance("russia", "donbas")
    assert st is not None
    assert st.position.value == 90
    assert "Geneva round" in {r.name for r in new.rounds}
    ua = new.stance("ukraine", "donbas")
    assert ua is not None
    assert not any(e.source == "bbc" for e in ua.position.evidence)  # p2 was rejected


def test_apply_with_nothing_accepted_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "after.yaml"
    path = save(before_the_article(), tmp_path / "before.yaml")
    result = runner.invoke(app, [str(SEED), "-s", str(path), "--apply", "-o", str(out)],
                           input="r\n" * 20)
    assert result.exit_code == 0, result.output
    assert "nothing written" in result.stdout
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--apply"], "--output"),
    (["--apply", "--json", "-o", "x.yaml"], "cannot print JSON"),
    (["--published", "18/02/2026"], "YYYY-MM-DD"),
])
def test_bad_options_give_a_message_and_exit_1(args: list[str], message: str) -> None:
    result = runner.invoke(app, [str(SEED), *args])
    assert result.exit_code == 1
    assert message in result.output


def test_a_missing_or_non_utf8_article_gives_a_message(tmp_path: Path) -> None:
    missing = runner.invoke(app, [str(tmp_path / "none.txt")])
    assert missing.exit_code == 1
    assert "does not exist" in missing.output
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Kiew - Gespräche".encode("latin-1"))
    bad = runner.invoke(app, [str(latin)])
    assert bad.exit_code == 1
    assert "not UTF-8" in bad.output


def test_apply_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "after.yaml"
    out.write_text("keep me")
    result = runner.invoke(app, [str(SEED), "--apply", "-o", str(out)])
    assert result.exit_code == 1
    assert out.read_text() == "keep me"
