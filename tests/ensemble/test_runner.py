"""The runner: seeds per chunk, reassembly by index, the store, resume, failing chunks."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from parley.ensemble.runner import (
    ChunkError,
    EnsembleSpec,
    load_ensemble,
    replay_chunk,
    resume_ensemble,
    run_ensemble,
)
from parley.ensemble.sampling import Jitter
from parley.errors import ParleyError, ScenarioError, StoreError
from parley.io import load
from parley.store import RunStore
from parley.store.chunks import load_chunks, stored_chunk_indices
from tests.ensemble.helpers import (
    InterruptingExecutor,
    MeanKernel,
    ReversedExecutor,
    toy,
    uniform,
)


def test_chunk_seeds_are_the_children_numpy_spawns_from_the_master_seed() -> None:
    spec = EnsembleSpec("compromise", {}, n_runs=1050, seed=99, chunk_size=100)
    children = np.random.SeedSequence(99).spawn(spec.n_chunks)
    assert spec.n_chunks == 11
    assert spec.chunk_draws(10) == (1000, 50)
    for c in (0, 7, 10):
        assert (spec.chunk_seed(c).generate_state(4) == children[c].generate_state(4)).all()


def test_the_same_seed_gives_the_same_draws_and_another_seed_others() -> None:
    s = load("geneva-2026")
    a = run_ensemble(s, "compromise", n_runs=500, seed=3, chunk_size=64)
    b = run_ensemble(s, "compromise", n_runs=500, seed=3, chunk_size=64)
    c = run_ensemble(s, "compromise", n_runs=500, seed=4, chunk_size=64)
    assert (a.outcome == b.outcome).all()
    assert not (a.outcome == c.outcome).all()


def test_chunks_completing_in_any_order_are_reassembled_by_index() -> None:
    s = load("geneva-2026")
    plain = run_ensemble(s, "weighted-median", n_runs=700, seed=8, chunk_size=100)
    reordered = run_ensemble(s, "weighted-median", n_runs=700, seed=8, chunk_size=100,
                             executor=ReversedExecutor())
    assert (plain.outcome == reordered.outcome).all()
    assert reordered.executor == "reversed"


def test_agreement_probability_matches_the_analytic_value_for_a_linear_model() -> None:
    """Compromise of A (weight 2 x 0.5 = 1) at U(0, 100) and B (weight 1) at 80.

    The outcome is (x + 80) / 2; it lies in the zone [40, 60] iff x is in [0, 40]:
    probability 0.4.
    """
    r = run_ensemble(toy(pos_a=uniform(0, 100)), "compromise", n_runs=20_000, seed=5)
    p = r.summary()["issues"]["x"]["acceptable_to_all"]
    assert abs(p - 0.4) < 4 * math.sqrt(0.24 / 20_000)


def test_a_scenario_without_uncertainty_needs_a_jitter() -> None:
    with pytest.raises(ScenarioError, match="declares none"):
        run_ensemble(toy(), n_runs=10, seed=1)
    assert run_ensemble(toy(), n_runs=10, seed=1, jitter=Jitter(position=0.1)).outcome.shape \
        == (10, 1)


def test_bad_specifications_are_refused_with_the_fix() -> None:
    with pytest.raises(ParleyError, match="n_runs must be a whole number >= 1"):
        EnsembleSpec("compromise", {}, n_runs=0, seed=1, chunk_size=1)
    with pytest.raises(ParleyError, match="seed must be a whole number >= 0"):
        EnsembleSpec("compromise", {}, n_runs=1, seed=-1, chunk_size=1)


def test_every_chunk_is_stored_and_the_run_reassembles_from_the_store(tmp_path: Path) -> None:
    s = load("geneva-2026")
    path = tmp_path / "runs.sqlite3"
    seen: list[str] = []
    r = run_ensemble(s, "nash", n_runs=250, seed=2, chunk_size=100, store=path,
                     started=seen.append)
    assert r.run_id is not None
    assert seen == [r.run_id]
    with RunStore(path) as st:
        assert stored_chunk_indices(st, r.run_id) == [0, 1, 2]
        rec = st.get_run(r.run_id)
        assert rec.status == "ok"
        assert rec.kind == "ensemble"
        assert rec.result is not None
        assert rec.result["draws"] == 250
        chunks = load_chunks(st, r.run_id)
        assert chunks[2].draws == 50
        assert chunks[1].seed == {"entropy": 2, "spawn_key": [1]}
    back = load_ensemble(r.run_id, store=path)
    assert (back.outcome == r.outcome).all()
    assert back.resumed_chunks == 3


def test_an_interrupted_ensemble_resumes_to_the_identical_result(tmp_path: Path) -> None:
    s = load("geneva-2026")
    path = tmp_path / "runs.sqlite3"
    clean = run_ensemble(s, "compromise", n_runs=1000, seed=12, chunk_size=100,
                         jitter=Jitter(capability=0.1))
    with RunStore(path) as st:
        with pytest.raises(KeyboardInterrupt):
            run_ensemble(s, "compromise", n_runs=1000, seed=12, chunk_size=100,
                         jitter=Jitter(capability=0.1), store=st,
                         executor=InterruptingExecutor(after=4))
        (run,) = st.runs()
        assert run.status == "running"
        assert stored_chunk_indices(st, run.id) == [0, 1, 2, 3]
        before = {c.index: c.created_at for c in load_chunks(st, run.id).values()}
    counting = MeanKernel()
    done = resume_ensemble(run.id, store=path, kernel=counting)
    assert (done.outcome == clean.outcome).all()
    assert done.resumed_chunks == 4
    assert counting.calls == [100] * 6  # only the six missing chunks ran
    with RunStore(path) as st:
        after = {c.index: c.created_at for c in load_chunks(st, run.id).values()}
        assert st.get_run(run.id).status == "ok"
    assert {k: after[k] for k in before} == before  # stored chunks were not rewritten


def test_a_failing_chunk_is_reported_with_its_seed_and_the_rest_is_kept(
        tmp_path: Path) -> None:
    s = toy(pos_a=uniform(0, 100))
    path = tmp_path / "runs.sqlite3"
    bad = MeanKernel(fail_on=frozenset({2}))
    with pytest.raises(ChunkError) as info:
        run_ensemble(s, bad, n_runs=500, seed=21, chunk_size=100, store=path)
    err = info.value
    (failure,) = err.failures
    assert (failure.index, failure.start, failure.size) == (2, 200, 100)
    assert (failure.entropy, failure.spawn_key) == (21, (2,))
    assert "ValueError: boom in chunk 2" in str(err)
    assert f"--resume {err.run_id}" in str(err)
    assert err.run_id is not None
    with RunStore(path) as st:
        assert stored_chunk_indices(st, err.run_id) == [0, 1, 3, 4]
        assert st.get_run(err.run_id).status == "failed"
    spec = EnsembleSpec("compromise", {}, n_runs=500, seed=21, chunk_size=100)
    with pytest.raises(ValueError, match="boom in chunk 2"):
        replay_chunk(s, spec, 2, kernel=bad)
    # the cause fixed, the run resumes to what a clean run gives
    fixed = resume_ensemble(err.run_id, store=path, kernel=MeanKernel())
    clean = run_ensemble(s, "compromise", n_runs=500, seed=21, chunk_size=100)
    assert (fixed.outcome == clean.outcome).all()
    replayed = replay_chunk(s, spec, 2)
    assert (replayed.outcome == clean.outcome[200:300]).all()


def test_resume_refuses_runs_that_are_not_ensembles_or_do_not_match(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    s = load("geneva-2026")
    from parley.forecast import run_forecasts

    run_forecasts(s, models=["compromise"], store=path)
    with RunStore(path) as st:
        (forecast_run,) = st.runs()
    with pytest.raises(StoreError, match="not an ensemble"):
        resume_ensemble(forecast_run.id, store=path)
    r = run_ensemble(s, "compromise", n_runs=100, seed=1, chunk_size=50, store=path)
    assert r.run_id is not None
    with pytest.raises(ParleyError, match="kernel given runs"):
        resume_ensemble(r.run_id, store=path, kernel=MeanKernel(name="other"))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE ensemble_chunks SET draws = 7 WHERE chunk = 1")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="does not match"):
        load_ensemble(r.run_id, store=path)


def test_load_ensemble_refuses_an_unfinished_run(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with pytest.raises(KeyboardInterrupt):
        run_ensemble(load("geneva-2026"), n_runs=300, seed=1, chunk_size=100, store=path,
                     executor=InterruptingExecutor(after=1))
    with RunStore(path) as st:
        (run,) = st.runs()
    with pytest.raises(StoreError, match="1 of 3 chunks stored"):
        load_ensemble(run.id, store=path)


def test_listing_the_actors_in_another_order_changes_no_draw() -> None:
    """Inputs draw from streams keyed by their labels, not by their place in a list, so a
    reordered scenario gets the same draws and the same outcomes (up to rounding)."""
    s = load("geneva-2026")
    data = s.model_dump(mode="json")
    data["actors"] = list(reversed(data["actors"]))
    data["stances"] = list(reversed(data["stances"]))
    from parley.scenario import Scenario

    shuffled = Scenario.model_validate(data)
    a = run_ensemble(s, "weighted-median", n_runs=400, seed=6, chunk_size=100)
    b = run_ensemble(shuffled, "weighted-median", n_runs=400, seed=6, chunk_size=100)
    assert sorted(a.inputs) == sorted(b.inputs)
    np.testing.assert_allclose(a.outcome, b.outcome, rtol=0, atol=1e-9)
