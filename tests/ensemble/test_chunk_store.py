"""The chunk table (store schema version 3): migration from version 2, round trips, refusals.

Checked with a raw sqlite3 connection, independent of the store's own code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from parley.errors import StoreError
from parley.store import SCHEMA_VERSION, RunStore
from parley.store.chunks import (
    finish_run,
    load_chunks,
    save_chunk,
    start_run,
    stored_chunk_indices,
)
from parley.store.sqlite import APPLICATION_ID, MIGRATIONS
from tests.ensemble.helpers import toy


def test_a_version_2_store_migrates_to_3_keeping_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for _, script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("INSERT INTO scenarios VALUES ('h', 'toy', '{}', '2026-01-01')")
    conn.execute("PRAGMA user_version = 2")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.close()
    RunStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    cols = [r[1] for r in conn.execute("PRAGMA table_info(ensemble_chunks)")]
    assert cols == ["run_id", "chunk", "seed", "draws", "content", "created_at"]
    assert conn.execute("SELECT name FROM scenarios").fetchall() == [("toy",)]
    conn.close()


def test_chunks_round_trip_are_written_once_and_go_with_their_run(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as st:
        run = start_run(st, kind="ensemble", scenario=toy(), model="compromise",
                        parameters={"n_runs": 3}, seed=2**70)
        assert run.status == "running"
        assert run.seed == 2**70
        seed = {"entropy": 2**70, "spawn_key": [1]}
        arrays = {"outcome": np.array([[1.5], [np.nan]]), "agreed": np.array([[True], [False]])}
        assert save_chunk(st, run.id, 1, seed=seed, arrays=arrays) is True
        assert save_chunk(st, run.id[:10], 1, seed=seed,
                          arrays={"outcome": np.zeros((2, 1))}) is False
        assert stored_chunk_indices(st, run.id) == [1]
        back = load_chunks(st, run.id)[1]
        assert back.seed == seed
        assert back.draws == 2
        np.testing.assert_array_equal(back.arrays["outcome"], arrays["outcome"])
        assert back.arrays["agreed"].dtype == bool
        done = finish_run(st, run.id, result={"draws": 2})
        assert done.status == "ok"
        assert done.result == {"draws": 2}
        assert done.duration_s >= 0
        st.delete_run(run.id)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM ensemble_chunks").fetchone()[0] == 0
    conn.close()


def test_bad_chunks_and_statuses_are_refused_with_the_fix() -> None:
    with RunStore(":memory:") as st:
        run = start_run(st, kind="ensemble", scenario=toy(), model=None, parameters={},
                        seed=None)
        with pytest.raises(StoreError, match="whole number >= 0"):
            save_chunk(st, run.id, -1, seed={"entropy": 1}, arrays={"outcome": np.zeros(1)})
        with pytest.raises(StoreError, match="share their first dimension"):
            save_chunk(st, run.id, 0, seed={"entropy": 1},
                       arrays={"a": np.zeros(2), "b": np.zeros(3)})
        with pytest.raises(StoreError, match="no run 'nope'"):
            save_chunk(st, "nope", 0, seed={"entropy": 1}, arrays={"a": np.zeros(2)})
        with pytest.raises(StoreError, match="status must be one of"):
            finish_run(st, run.id, result={}, status="done")
