"""Tests of the SQLite run store (:mod:`parley.store`).

Expected values come from the inputs the tests write (a store must give back what it was
given), from hand computations shown in comments, and from SQLite itself read through a
separate raw :mod:`sqlite3` connection (``PRAGMA integrity_check``, ``user_version``,
row counts), never from the store's own output.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import parley.store
from parley.errors import StoreError
from parley.models.compromise import Compromise
from parley.scenario import Scenario
from parley.store import SCHEMA_VERSION, RunRecord, RunStore, default_store_path
from parley.store.sqlite import APPLICATION_ID, MIGRATIONS

T0 = datetime(2026, 2, 17, 9, 0, 0, tzinfo=UTC)

TOY: dict[str, Any] = {
    "name": "toy",
    "actors": [{"id": "a", "name": "A", "capability": 2},
               {"id": "b", "name": "B", "capability": 1}],
    "issues": [{"id": "x", "name": "X"}],
    "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5},
                {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}],
}


def toy(name: str = "toy", position_b: float = 80) -> Scenario:
    """The two-actor scenario of the :mod:`parley.scenario` doctest, renamed/moved on demand."""
    data = json.loads(json.dumps(TOY))
    data["name"] = name
    data["stances"][1]["position"] = position_b
    return Scenario.model_validate(data)


def record(store: RunStore, scenario: Scenario | None = None, *, kind: str = "forecast",
           started_at: datetime = T0, seconds: float = 1.0, **fields: Any) -> RunRecord:
    """Record a run with defaults for every field not given."""
    args: dict[str, Any] = {"model": "compromise", "parameters": {}, "seed": None,
                            "result": {"outcome": {"x": 50.0}}, "status": "ok"}
    args.update(fields)
    return store.record_run(kind=kind, scenario=scenario or toy(), started_at=started_at,
                            finished_at=started_at + timedelta(seconds=seconds), **args)


def raw(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, independent of the store, for checking the file."""
    return sqlite3.connect(path, isolation_level=None)


def siblings(path: Path) -> list[str]:
    """Files SQLite may create next to a database (journals, write-ahead log)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with RunStore(tmp_path / "runs.sqlite3") as s:
        yield s


# ----------------------------------------------------------------------------------------
# schema
# ----------------------------------------------------------------------------------------


def test_migrations_are_numbered_one_to_schema_version() -> None:
    assert [v for v, _ in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def test_new_store_is_wal_and_marked_with_version_and_application_id(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "runs.sqlite3"  # parent folders are created
    RunStore(path).close()
    conn = raw(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"scenarios", "runs", "results", "runs_started_at", "runs_scenario_hash"} <= names
    conn.close()


def test_reopening_a_current_store_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as s:
        record(s)
    before = path.read_bytes()
    RunStore(path).close()
    assert path.read_bytes() == before


# ----------------------------------------------------------------------------------------
# round trips
# ----------------------------------------------------------------------------------------


def test_run_read_back_after_reopening_equals_what_was_recorded(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    result = {"outcome": {"x": 50.0}, "diagnostics": {"rounds": 3, "ok": True},
              "history": [[20.0, 80.0], [35.0, 65.0]], "note": "Genève — ✓"}
    # Started 11:00 at UTC+2 is 09:00 UTC; it ran 1.5 s (hand computation).
    start = datetime(2026, 2, 17, 11, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    with RunStore(path) as s:
        rec = s.record_run(kind="forecast", scenario=toy(), model="compromise",
                           parameters={"tol": 1e-9, "variant": "a"}, seed=12345,
                           result=result, started_at=start,
                           finished_at=start + timedelta(seconds=1.5))
    with RunStore(path) as s:
        back = s.get_run(rec.id)
    assert back == rec
    assert back.result == result
    assert back.parameters == {"tol": 1e-9, "variant": "a"}
    assert (back.kind, back.model, back.seed, back.status) == ("forecast", "compromise", 12345,
                                                               "ok")
    assert back.scenario_name == "toy"
    assert back.scenario_hash == toy().content_hash()
    assert back.started_at == "2026-02-17T09:00:00.000000+00:00"
    assert back.finished_at == "2026-02-17T09:00:01.500000+00:00"
    assert back.duration_s == pytest.approx(1.5)
    assert back.id.startswith("20260217T090000-")
    assert back.parley_version


def test_stored_scenario_rebuilds_with_the_same_content_hash(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    scenario = toy()
    with RunStore(path) as s:
        key = s.save_scenario(scenario)
    with RunStore(path) as s:
        back = s.get_scenario(key)
    assert key == scenario.content_hash()
    assert back.content_hash() == scenario.content_hash()
    assert back.to_dict() == scenario.to_dict()
    # The stored text is the canonical JSON whose SHA-256 is the key.
    conn = raw(path)
    (content,) = conn.execute("SELECT content FROM scenarios WHERE hash = ?", (key,)).fetchone()
    conn.close()
    assert hashlib.sha256(content.encode()).hexdigest() == key


def test_saving_a_scenario_twice_keeps_one_row(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as s:
        first = s.save_scenario(toy())
        second = s.save_scenario(toy())
        record(s)  # record_run saves the same scenario again
    conn = raw(path)
    assert conn.execute("SELECT count(*) FROM scenarios").fetchone()[0] == 1
    conn.close()
    assert first == second


def test_unknown_scenario_hash_raises_store_error(store: RunStore) -> None:
    with pytest.raises(StoreError, match="no scenario 'feed'"):
        store.get_scenario("feed")


def test_get_scenario_accepts_a_unique_hash_prefix(store: RunStore) -> None:
    key = store.save_scenario(toy())
    assert store.get_scenario(key[:10]).content_hash() == key


def test_save_forecast_records_the_forecast_as_a_forecast_run(store: RunStore) -> None:
    # Compromise on the toy: weights 2 x 0.5 = 1 and 1 x 1 = 1, so (20 + 80) / 2 = 50.
    forecast = Compromise().run(toy())
    rec = store.save_forecast(forecast, toy(), seed=3, started_at=T0, finished_at=T0)
    back = store.get_run(rec.id)
    assert (back.kind, back.model, back.seed) == ("forecast", "compromise", 3)
    assert back.result is not None
    assert back.result["outcome"] == {"x": 50.0}
    assert back.result["scenario_hash"] == toy().content_hash()
    assert back.parameters == {}


def test_non_finite_floats_and_numpy_values_are_stored_as_json(store: RunStore) -> None:
    rec = record(store, parameters={"tol": np.float64(1e-6), "n": np.int64(7)},
                 result={"nan": float("nan"), "inf": float("-inf"),
                         "array": np.array([[1.0, np.nan], [3.0, 4.0]]), "tuple": (1, 2),
                         "lone surrogate \ud800": "\udfff"})
    back = store.get_run(rec.id)
    assert back.parameters == {"tol": 1e-6, "n": 7}
    assert back.result == {"nan": None, "inf": None, "array": [[1.0, None], [3.0, 4.0]],
                           "tuple": [1, 2], "lone surrogate \ud800": "\udfff"}


def test_seed_larger_than_64_bits_round_trips(store: RunStore) -> None:
    seed = 2**100 + 1  # numpy SeedSequence entropy is 128 bits; SQLite integers are 64
    rec = record(store, seed=seed)
    assert store.get_run(rec.id).seed == seed
    assert store.get_run(record(store, seed=None).id).seed is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(result=st.dictionaries(st.text(), json_values, max_size=5))
def test_any_json_result_round_trips(result: dict[str, Any]) -> None:
    with RunStore(":memory:") as s:
        rec = record(s, result=result)
        assert s.get_run(rec.id).result == result


# ----------------------------------------------------------------------------------------
# listing, lookup, deletion
# ----------------------------------------------------------------------------------------


def test_runs_are_listed_newest_first_without_results(store: RunStore) -> None:
    # Recorded in the order A, B, C, D; B and D start at the same time (D recorded last).
    a = record(store, started_at=T0 + timedelta(hours=1))
    b = record(store, started_at=T0)
    c = record(store, started_at=T0 + timedelta(hours=2))
    d = record(store, started_at=T0)
    listed = store.runs()
    assert [r.id for r in listed] == [c.id, a.id, d.id, b.id]
    assert all(r.result is None for r in listed)
    assert [r.id for r in store.runs(limit=2)] == [c.id, a.id]
    assert store.runs(limit=0) == []


def test_runs_filter_by_scenario_name_or_hash_and_by_kind(store: RunStore) -> None:
    other = toy("other", position_b=60)
    f1 = record(store, toy())
    s1 = record(store, toy(), kind="simulate", started_at=T0 + timedelta(minutes=1))
    f2 = record(store, other, started_at=T0 + timedelta(minutes=2))
    assert [r.id for r in store.runs(scenario="toy")] == [s1.id, f1.id]
    assert [r.id for r in store.runs(scenario=other.content_hash())] == [f2.id]
    assert [r.id for r in store.runs(kind="forecast")] == [f2.id, f1.id]
    assert [r.id for r in store.runs(kind="simulate", scenario="toy")] == [s1.id]
    assert store.runs(scenario="nope") == []
    assert {r.scenario_name for r in store.runs()} == {"toy", "other"}


def test_get_run_accepts_a_unique_prefix_and_refuses_an_ambiguous_one(store: RunStore) -> None:
    a = record(store)
    b = record(store)  # same start second, so the ids share their time part
    assert a.id[:16] == b.id[:16] == "20260217T090000-"
    unique = next(a.id[:n] for n in range(17, len(a.id) + 1) if not b.id.startswith(a.id[:n]))
    assert store.get_run(unique).id == a.id
    with pytest.raises(StoreError, match="ambiguous"):
        store.get_run(a.id[:16])


def test_missing_run_raises_store_error_naming_the_id(store: RunStore) -> None:
    record(store)
    with pytest.raises(StoreError, match=r"no run '19990101T000000-deadbeef'.*Fix"):
        store.get_run("19990101T000000-deadbeef")
    with pytest.raises(StoreError, match="non-empty"):
        store.get_run("")


def test_delete_run_removes_run_and_result_and_keeps_scenario(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as s:
        keep = record(s)
        gone = record(s)
        s.delete_run(gone.id)
        with pytest.raises(StoreError, match=gone.id):
            s.get_run(gone.id)
        with pytest.raises(StoreError, match="no run"):
            s.delete_run(gone.id)
        assert [r.id for r in s.runs()] == [keep.id]
    conn = raw(path)  # the result row went with its run (ON DELETE CASCADE, foreign keys on)
    assert conn.execute("SELECT run_id FROM results").fetchall() == [(keep.id,)]
    assert conn.execute("SELECT count(*) FROM scenarios").fetchone()[0] == 1
    conn.close()


# ----------------------------------------------------------------------------------------
# bad arguments
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"started_at": datetime(2026, 2, 17, 9, 0)}, "timezone-aware"),
        ({"seconds": -1.0}, "before started_at"),
        ({"status": "done"}, "status must be one of ok, failed, running"),
        ({"kind": ""}, "kind must be a non-empty string"),
        ({"result": {"when": datetime(2026, 1, 1, tzinfo=UTC)}}, "cannot store the run's result"),
        ({"result": [1, 2]}, "result must be a mapping"),
        ({"seed": True}, "seed must be a whole number"),
        ({"seed": 1.5}, "seed must be a whole number"),
    ],
)
def test_arguments_the_store_cannot_hold_raise_store_error(
        store: RunStore, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(StoreError, match=message):
        record(store, **fields)
    assert store.runs() == []


def test_negative_limit_raises_store_error(store: RunStore) -> None:
    with pytest.raises(StoreError, match="limit"):
        store.runs(limit=-1)


def test_a_closed_store_refuses_calls(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite3") as s:
        pass
    s.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        s.runs()


# ----------------------------------------------------------------------------------------
# files that are not (our) stores: refused and left untouched
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"name: geneva\nactors: []\n", bytes(range(256)) * 16, b"SQLite format 2\x00" + b"\0" * 84],
    ids=["text", "random-bytes", "other-header"],
)
def test_a_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path: Path,
                                                           content: bytes) -> None:
    path = tmp_path / "runs.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        RunStore(path)
    text = str(info.value)
    assert str(path) in text
    assert "is not a parley run store (file is not a database" in text
    assert "Fix: point --store/PARLEY_STORE at another file or move this one away" in text
    assert path.read_bytes() == content
    assert siblings(path) == []


def test_a_store_from_a_newer_parley_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as s:
        record(s)
    conn = raw(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        RunStore(path)
    text = str(info.value)
    assert "newer parley" in text
    assert f"version {SCHEMA_VERSION + 1}" in text
    assert f"up to {SCHEMA_VERSION}" in text
    assert "upgrade parley" in text
    assert path.read_bytes() == before
    assert siblings(path) == []


@pytest.mark.parametrize("user_version", [0, 3])
def test_an_sqlite_database_of_another_program_is_refused_and_untouched(
        tmp_path: Path, user_version: int) -> None:
    path = tmp_path / "notes.db"
    conn = raw(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        RunStore(path)
    text = str(info.value)
    assert f"{path} is not a parley run store" in text
    assert "notes" in text
    assert "Fix: point --store/PARLEY_STORE at another file or move this one away" in text
    assert path.read_bytes() == before  # not even switched to WAL (header bytes 18-19)
    assert siblings(path) == []


def test_an_empty_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    path.touch()
    with RunStore(path) as s:
        rec = record(s)
        assert s.get_run(rec.id).id == rec.id


# ----------------------------------------------------------------------------------------
# places a store cannot be written
# ----------------------------------------------------------------------------------------


def test_a_path_below_a_file_raises_store_error_naming_path_and_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "plain.txt"
    blocker.write_text("not a folder")
    path = blocker / "runs.sqlite3"
    with pytest.raises(StoreError, match=r"plain\.txt.*Fix: point --store/PARLEY_STORE"):
        RunStore(path)
    assert blocker.read_text() == "not a folder"


def test_a_folder_at_the_path_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"is a folder.*Fix"):
        RunStore(tmp_path)


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-store"])
def test_an_unwritable_location_raises_store_error_naming_path_and_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool) -> None:
    # os.access is faked to deny writing, so that this runs even when the tests run as root
    # (the real chmod case is the next test).
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "runs.sqlite3"
    if existing:
        RunStore(path).close()
    before = sorted(folder.iterdir())
    denied = path if existing else folder
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == denied
                        else real_access(p, mode))
    with pytest.raises(StoreError) as info:
        RunStore(path)
    text = str(info.value)
    assert str(path) in text
    assert ("read-only" if existing else "not writable") in text
    assert "Fix:" in text
    assert sorted(folder.iterdir()) == before


def test_a_write_refused_by_sqlite_raises_store_error(store: RunStore) -> None:
    # Simulates a file that turns read-only after opening (e.g. a remounted disk):
    # query_only makes SQLite refuse writes with SQLITE_READONLY.
    assert store._conn is not None
    store._conn.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreError, match=r"cannot record a run: the run store .* cannot be "
                                         r"written.*Fix"):
        record(store)


def test_a_read_only_folder_and_file_raise_store_error(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.touch()
    probe.chmod(0o444)
    if os.access(probe, os.W_OK):
        pytest.skip("file permissions do not bind this user (root with CAP_DAC_OVERRIDE)")
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "runs.sqlite3"
    RunStore(path).close()
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        with pytest.raises(StoreError, match=r"read-only.*Fix"):
            RunStore(path)
        path.chmod(0o644)
        folder.chmod(0o555)
        with pytest.raises(StoreError, match=r"not writable.*Fix"):
            RunStore(path)
        with pytest.raises(StoreError, match="Fix"):
            RunStore(folder / "new.sqlite3")
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert path.read_bytes() == before


# ----------------------------------------------------------------------------------------
# concurrency
# ----------------------------------------------------------------------------------------

_barrier: Any = None


def _init_worker(barrier: Any) -> None:
    global _barrier
    _barrier = barrier


def _write_runs(args: tuple[str, int, int]) -> int:
    """Spawned worker: wait for the others, then open the store and record ``n`` runs."""
    path, worker, n = args
    _barrier.wait(timeout=600)  # start together, so that creation and writes collide
    scenario = Scenario.model_validate(TOY)
    with RunStore(path) as s:
        for i in range(n):
            s.record_run(kind="forecast", scenario=scenario, model="compromise",
                         parameters={"worker": worker, "i": i}, seed=1000 * worker + i,
                         result={"worker": worker, "i": i}, started_at=T0, finished_at=T0)
    return worker


def test_concurrent_writer_processes_keep_every_run_and_a_sound_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"  # does not exist yet: the workers race to create it
    workers, n = 4, 25
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers)
    with ctx.Pool(workers, initializer=_init_worker, initargs=(barrier,)) as pool:
        done = pool.map(_write_runs, [(str(path), w, n) for w in range(workers)], chunksize=1)
    assert sorted(done) == list(range(workers))
    with RunStore(path) as s:
        listed = s.runs()
        sample = s.get_run(listed[0].id)
    assert len(listed) == workers * n
    assert len({r.id for r in listed}) == workers * n
    assert {(r.parameters["worker"], r.parameters["i"]) for r in listed} == {
        (w, i) for w in range(workers) for i in range(n)}
    assert sample.result == sample.parameters
    conn = raw(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(*) FROM results").fetchone()[0] == workers * n
    assert conn.execute("SELECT count(*) FROM scenarios").fetchone()[0] == 1
    conn.close()


def test_threads_sharing_one_store_keep_every_run(store: RunStore) -> None:
    def write(t: int) -> None:
        for i in range(10):
            record(store, parameters={"t": t, "i": i})

    threads = [threading.Thread(target=write, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted((r.parameters["t"], r.parameters["i"]) for r in store.runs()) == [
        (t, i) for t in range(4) for i in range(10)]


def test_a_writer_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    errors: list[BaseException] = []
    with RunStore(path) as s:
        holder = raw(path)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock

        def write() -> None:
            try:
                record(s)
            except BaseException as err:  # pragma: no cover - reported below
                errors.append(err)

        th = threading.Thread(target=write)
        th.start()
        time.sleep(0.5)
        waiting = th.is_alive()
        holder.execute("COMMIT")
        holder.close()
        th.join()
        assert waiting, "the writer should have been waiting on the lock"
        assert errors == []
        assert len(s.runs()) == 1


# ----------------------------------------------------------------------------------------
# default location and public API
# ----------------------------------------------------------------------------------------


def test_default_store_path_uses_parley_store_variable(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a" / "b" / "mine.sqlite3"
    monkeypatch.setenv("PARLEY_STORE", str(target))
    assert default_store_path() == target
    with RunStore() as s:
        assert s.path == target
    assert target.is_file()


def test_default_store_path_falls_back_to_the_user_data_dir(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARLEY_STORE", raising=False)
    assert default_store_path() == Path(platformdirs.user_data_dir("parley")) / "runs.sqlite3"
    monkeypatch.setenv("PARLEY_STORE", "")
    assert default_store_path() == Path(platformdirs.user_data_dir("parley")) / "runs.sqlite3"


def test_public_api_names_exist() -> None:
    import parley.store.sqlite as module

    for mod in (parley.store, module):
        for name in mod.__all__:
            assert hasattr(mod, name), f"{mod.__name__}.{name} in __all__ but missing"
    assert {"RunStore", "RunRecord", "default_store_path", "SCHEMA_VERSION"} <= set(
        parley.store.__all__)
