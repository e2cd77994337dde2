"""Executors: the same seed gives the same numbers in-process, in a process pool and on a
real Dask cluster (2 worker processes on loopback), also when a Dask worker is killed
mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from parley.ensemble.executors import (
    DaskExecutor,
    InProcessExecutor,
    ProcessExecutor,
    get_executor,
)
from parley.ensemble.runner import ChunkError, run_ensemble
from parley.errors import MissingExtraError, ParleyError
from parley.io import load
from tests.ensemble.helpers import MeanKernel, toy, uniform

MODEL = "expected-utility"  # a dynamic model: its numbers are the hardest to reproduce
N_RUNS, CHUNK, SEED = 600, 50, 2026


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return run_ensemble(load("geneva-2026"), MODEL, n_runs=N_RUNS, seed=SEED,
                        chunk_size=CHUNK).outcome


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed "
                                      "(python -m pip install -e '.[test]')")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as c:
        yield c


def test_a_process_pool_gives_the_in_process_numbers(reference: np.ndarray) -> None:
    with ProcessExecutor(workers=2) as ex:
        out = run_ensemble(load("geneva-2026"), MODEL, n_runs=N_RUNS, seed=SEED,
                           chunk_size=CHUNK, executor=ex).outcome
        assert ex.workers == 2
    assert (out == reference).all()


def test_a_dask_local_cluster_gives_the_in_process_numbers(reference: np.ndarray) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    r = run_ensemble(load("geneva-2026"), MODEL, n_runs=N_RUNS, seed=SEED, chunk_size=CHUNK,
                     executor="dask", workers=2)
    assert r.executor == "dask"
    assert (r.outcome == reference).all()


def test_a_dask_worker_killed_mid_run_does_not_change_the_result(
        reference: np.ndarray, cluster: Any) -> None:
    killed: list[tuple[int, int]] = []
    with DaskExecutor(cluster.scheduler_address) as ex:
        pids = ex.client.run(os.getpid)
        victim = sorted(pids.values())[0]

        def progress(done: int, total: int) -> None:
            if done > 0 and not killed:
                os.kill(victim, signal.SIGKILL)  # as the OOM killer or a lost machine would
                killed.append((done, total))

        out = run_ensemble(load("geneva-2026"), MODEL, n_runs=N_RUNS, seed=SEED,
                           chunk_size=CHUNK, executor=ex, progress=progress).outcome
    assert killed
    assert killed[0][0] < killed[0][1]
    assert (out == reference).all()


def test_a_chunk_that_raises_on_dask_is_reported_with_its_seed(cluster: Any) -> None:
    with DaskExecutor(cluster.scheduler_address) as ex, pytest.raises(ChunkError) as info:
        run_ensemble(toy(pos_a=uniform(0, 100)), MeanKernel(fail_on=frozenset({1})),
                     n_runs=300, seed=4, chunk_size=100, executor=ex)
    (failure,) = info.value.failures
    assert (failure.index, failure.entropy, failure.spawn_key) == (1, 4, (1,))


def test_in_process_executor_reports_errors_instead_of_raising() -> None:
    def boom(x: int) -> int:
        if x == 2:
            raise ValueError("two")
        return x

    done = list(InProcessExecutor().map(boom, [1, 2, 3]))
    assert [(c.index, c.value) for c in done] == [(0, 1), (1, None), (2, 3)]
    assert isinstance(done[1].error, ValueError)


def test_executor_names_and_their_misuse() -> None:
    assert isinstance(get_executor("processes", workers=3), ProcessExecutor)
    assert isinstance(get_executor("dask", scheduler="tcp://127.0.0.1:1"), DaskExecutor)
    with pytest.raises(ParleyError, match="choose one of: local, processes, dask"):
        get_executor("threads")
    with pytest.raises(ParleyError, match="needs the dask executor"):
        get_executor("local", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ParleyError, match="use --executor processes"):
        get_executor("local", workers=4)
    with pytest.raises(ParleyError, match="workers >= 1"):
        ProcessExecutor(workers=0)


def test_without_distributed_the_dask_executor_names_the_extra(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtraError, match=r"parley\[dask\]"):
        DaskExecutor().client  # noqa: B018


def test_importing_the_ensemble_package_imports_no_optional_backend() -> None:
    code = ("import sys, parley.ensemble, parley.ensemble.sensitivity, parley.ensemble.whatif, "
            "parley.ensemble.briefing, parley.cli.ensemble; print(sorted(m for m in "
            "('dask', 'distributed', 'SALib', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
