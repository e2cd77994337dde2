"""Chunks of ensemble runs in the run store, written as they complete.

An ensemble (:mod:`parley.ensemble`) is split into chunks of draws, each with its own seed.
Its run is recorded first with status ``"running"`` (:func:`start_run`); every chunk is
written to the table ``ensemble_chunks(run_id, chunk, seed, draws, content, created_at)``
(schema version 3) as soon as it finishes (:func:`save_chunk`), in its own ``BEGIN
IMMEDIATE`` transaction; the run is marked ``"ok"`` (or ``"failed"``) with its summary at
the end (:func:`finish_run`). A process killed in between leaves every finished chunk
readable (:func:`load_chunks`), so that the ensemble can be resumed without recomputing
them.

A chunk's results are numpy arrays stored as ``.npz`` bytes and read with
``allow_pickle=False``: the store never unpickles anything. A chunk is written once: saving
an index that is already stored changes nothing (two processes resuming the same run
compute the same numbers, so the first write stands).

Examples
--------
>>> import numpy as np
>>> from parley.scenario import Scenario
>>> from parley.store import RunStore
>>> s = Scenario.model_validate({"name": "toy",
...     "actors": [{"id": "a", "name": "A", "capability": 1}],
...     "issues": [{"id": "x", "name": "X"}],
...     "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5}]})
>>> with RunStore(":memory:") as store:
...     run = start_run(store, kind="ensemble", scenario=s, model="compromise",
...                     parameters={"n_runs": 4}, seed=7)
...     new = save_chunk(store, run.id, 0, seed={"entropy": 7, "spawn_key": [0]},
...                      arrays={"outcome": np.array([[20.0], [21.0]])})
...     back = load_chunks(store, run.id)[0]
...     done = finish_run(store, run.id, result={"ok": True})
>>> new, back.draws, back.arrays["outcome"][:, 0].tolist(), run.status, done.status
(True, 2, [20.0, 21.0], 'running', 'ok')
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parley.errors import StoreError
from parley.scenario import Scenario
from parley.store.sqlite import STATUSES, RunRecord, RunStore, _to_json

__all__ = ["StoredChunk", "finish_run", "load_chunks", "save_chunk", "start_run",
           "stored_chunk_indices"]


@dataclass(frozen=True, eq=False)
class StoredChunk:
    """One stored chunk of an ensemble run.

    Attributes
    ----------
    index : int
        The chunk's index in its run.
    seed : dict
        Its seed as stored: ``{"entropy": int, "spawn_key": [int, ...]}``.
    draws : int
        Number of draws.
    arrays : dict of str to ndarray
        Its results.
    created_at : str
        When it was written (ISO 8601 UTC).
    """

    index: int
    seed: dict[str, Any]
    draws: int
    arrays: dict[str, NDArray[Any]]
    created_at: str


def start_run(store: RunStore, *, kind: str, scenario: Scenario, model: str | None,
              parameters: Mapping[str, Any], seed: int | None) -> RunRecord:
    """Record a run that has just started (status ``"running"``, empty result)."""
    now = datetime.now(UTC)
    return store.record_run(kind=kind, scenario=scenario, model=model, parameters=parameters,
                            seed=seed, result={}, started_at=now, finished_at=now,
                            status="running")


def save_chunk(store: RunStore, run_id: str, index: int, *, seed: Mapping[str, Any],
               arrays: Mapping[str, NDArray[Any]]) -> bool:
    """Write one finished chunk; return whether it was new (a stored one is kept).

    Parameters
    ----------
    store : RunStore
        The store holding the run.
    run_id : str
        The run (full id or unique prefix).
    index : int
        The chunk's index (>= 0).
    seed : mapping
        ``{"entropy": int, "spawn_key": [int, ...]}``: enough to replay the chunk alone.
    arrays : mapping of str to ndarray
        The chunk's results; all must have the same first dimension (the draws).
    """
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise StoreError(f"chunk index must be a whole number >= 0; got {index!r}. "
                         "Fix: pass the chunk's position in its run")
    sizes = {np.shape(a)[0] if np.ndim(a) else -1 for a in arrays.values()}
    if len(sizes) != 1 or -1 in sizes:
        raise StoreError(f"a chunk's arrays must share their first dimension (the draws); "
                         f"got shapes {[np.shape(a) for a in arrays.values()]}. Fix: pass "
                         "one row per draw in every array")
    buf = io.BytesIO()
    savez: Any = np.savez  # numpy's stubs type **arrays poorly
    savez(buf, **{k: np.asarray(v) for k, v in arrays.items()})
    seed_text = json.dumps({"entropy": str(seed["entropy"]),
                            "spawn_key": [int(k) for k in seed.get("spawn_key", ())]})
    created = datetime.now(UTC).isoformat(timespec="microseconds")
    with store._transaction("save an ensemble chunk", write=True) as conn:
        full = store._resolve(conn, "runs", "id", run_id, "run")
        cur = conn.execute(
            "INSERT OR IGNORE INTO ensemble_chunks (run_id, chunk, seed, draws, content, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (full, index, seed_text, sizes.pop(), buf.getvalue(), created))
        return cur.rowcount == 1


def stored_chunk_indices(store: RunStore, run_id: str) -> list[int]:
    """Indices of the run's stored chunks, ascending (reads no results)."""
    with store._transaction("list ensemble chunks", write=False) as conn:
        full = store._resolve(conn, "runs", "id", run_id, "run")
        rows = conn.execute("SELECT chunk FROM ensemble_chunks WHERE run_id = ? ORDER BY chunk",
                            (full,)).fetchall()
    return [int(r[0]) for r in rows]


def load_chunks(store: RunStore, run_id: str) -> dict[int, StoredChunk]:
    """Every stored chunk of a run, by index."""
    with store._transaction("read ensemble chunks", write=False) as conn:
        full = store._resolve(conn, "runs", "id", run_id, "run")
        rows = conn.execute(
            "SELECT chunk, seed, draws, content, created_at FROM ensemble_chunks "
            "WHERE run_id = ? ORDER BY chunk", (full,)).fetchall()
    out: dict[int, StoredChunk] = {}
    for index, seed_text, draws, content, created in rows:
        try:
            with np.load(io.BytesIO(content), allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            seed = json.loads(seed_text)
        except (ValueError, OSError) as err:
            raise StoreError(f"chunk {index} of run {full} in {store.path} cannot be read "
                             f"({err}). Fix: the store is damaged; run the ensemble again "
                             "under a new id") from None
        seed["entropy"] = int(seed["entropy"])
        out[int(index)] = StoredChunk(int(index), seed, int(draws), arrays, str(created))
    return out


def finish_run(store: RunStore, run_id: str, *, result: Mapping[str, Any],
               status: str = "ok") -> RunRecord:
    """Mark a run finished now, with its result (replacing any earlier one)."""
    if status not in STATUSES:
        raise StoreError(f"run status must be one of {', '.join(STATUSES)}; got {status!r}. "
                         "Fix: pass status='ok' or 'failed'")
    result_text = _to_json(result, "result")
    now = datetime.now(UTC)
    with store._transaction("finish a run", write=True) as conn:
        full = store._resolve(conn, "runs", "id", run_id, "run")
        (started,) = conn.execute("SELECT started_at FROM runs WHERE id = ?",
                                  (full,)).fetchone()
        finished = max(now, datetime.fromisoformat(started))
        duration = (finished - datetime.fromisoformat(started)).total_seconds()
        conn.execute("UPDATE runs SET status = ?, finished_at = ?, duration_s = ? WHERE id = ?",
                     (status, finished.isoformat(timespec="microseconds"), duration, full))
        conn.execute("INSERT OR REPLACE INTO results (run_id, content) VALUES (?, ?)",
                     (full, result_text))
    return store.get_run(full)
