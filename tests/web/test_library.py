"""Named scenario versions in the run store (:mod:`parley.store.scenarios`, schema version 2).

Expected values come from the inputs (version numbers the rules give by counting saves) and
from SQLite read through a separate raw connection (``PRAGMA integrity_check``,
``user_version``, row counts), never from the module's own output.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from parley.errors import StoreError
from parley.scenario import Scenario
from parley.store import SCHEMA_VERSION, RunStore
from parley.store import scenarios as versions
from parley.store.sqlite import APPLICATION_ID, MIGRATIONS
from tests.web.conftest import TOY


def toy(**changes: object) -> Scenario:
    return Scenario.model_validate({**TOY, **changes})


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_versions_are_numbered_from_the_scenario_then_one_by_one(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        assert versions.add_scenario(store, toy(version=3)).version == 3
        assert versions.add_version(store, toy(title="b")).version == 4
        assert versions.add_version(store, toy(title="c"), base=4).version == 5
        assert [v.version for v in versions.list_versions(store, "toy")] == [3, 4, 5]
        assert versions.get_version(store, "toy", 4).title == "b"
        assert versions.get_version(store, "toy", 4).version == 4
        latest = versions.latest_version(store, "toy")
        assert latest is not None
        assert latest.version == 5


def test_a_floor_puts_the_first_saved_version_above_a_read_only_copy(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        assert versions.add_version(store, toy(), floor=7).version == 8
        with pytest.raises(versions.ScenarioConflictError, match="latest version is 8"):
            versions.add_version(store, toy(), base=7, floor=7)


def test_a_name_is_created_once(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as store:
        versions.add_scenario(store, toy())
        with pytest.raises(versions.ScenarioConflictError, match="already exists"):
            versions.add_scenario(store, toy(title="again"))


def test_delete_forgets_the_versions_but_keeps_the_contents_runs_refer_to(tmp_path: Path
                                                                          ) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as store:
        versions.add_scenario(store, toy())
        versions.add_version(store, toy(title="b"))
        assert versions.delete_scenario(store, "toy") == 2
        assert versions.list_versions(store, "toy") == []
        assert versions.latest_versions(store) == []
        with pytest.raises(StoreError, match="no saved version 1"):
            versions.get_version(store, "toy", 1)
    conn = raw(path)
    assert conn.execute("SELECT count(*) FROM scenarios").fetchone()[0] == 2
    conn.close()


def test_concurrent_saves_from_many_connections_lose_nothing(tmp_path: Path) -> None:
    """8 threads, each with its own connection, save 5 versions each on top of version 1:
    41 versions numbered 1..41 without gaps or repeats, and an intact database."""
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as store:
        versions.add_scenario(store, toy())
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            with RunStore(path) as own:
                for i in range(5):
                    versions.add_version(own, toy(title=f"writer {k} save {i}"))
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    conn = raw(path)
    numbers = [r[0] for r in conn.execute(
        "SELECT version FROM scenario_versions WHERE name = 'toy' ORDER BY version")]
    assert numbers == list(range(1, 42))
    assert conn.execute("SELECT count(DISTINCT scenario_hash) FROM scenario_versions"
                        ).fetchone()[0] == 41
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_version_1_store_is_migrated_keeping_its_runs(tmp_path: Path) -> None:
    """A store written before the versions table (schema 1) opens, gains the table in one
    migration, and keeps its rows."""
    path = tmp_path / "old.sqlite3"
    conn = raw(path)
    conn.executescript(MIGRATIONS[0][1])
    conn.execute("INSERT INTO scenarios VALUES ('h', 'old', '{}', '2026-01-01')")
    conn.execute(f"PRAGMA user_version = {MIGRATIONS[0][0]}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.commit()
    conn.close()
    with RunStore(path) as store:
        versions.add_scenario(store, toy())
    conn = raw(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 2
    assert conn.execute("SELECT name FROM scenarios WHERE hash = 'h'").fetchone() == ("old",)
    assert conn.execute("SELECT count(*) FROM scenario_versions").fetchone()[0] == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
