"""An ensemble killed with SIGKILL, or stopped with SIGINT (Ctrl-C), resumes to the result
an uninterrupted run gives.

The command runs in a child process (``parley ensemble`` through a small Typer app holding
the command, as ``python -m parley ensemble`` will once the command is registered); the
test watches the run store with its own SQLite connection and signals the child once some
chunks are stored.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from parley.ensemble.runner import EnsembleResult, resume_ensemble, run_ensemble
from parley.io import load
from parley.store import RunStore
from parley.store.chunks import load_chunks

APP = ("import typer; from parley.cli.ensemble import ensemble; "
       "app = typer.Typer(pretty_exceptions_enable=False); app.command()(ensemble); app()")
ARGS = ["geneva-2026", "--model", "expected-utility", "--runs", "4000", "--chunk-size", "50",
        "--seed", "77"]
N_CHUNKS = 80


def cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", APP, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def stored(path: Path) -> int:
    """Chunks stored so far (0 while the store or its table does not exist yet)."""
    if not path.exists():
        return 0
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM ensemble_chunks").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def signal_after_some_chunks(proc: subprocess.Popen[str], path: Path, sig: int) -> int:
    """Send ``sig`` once at least 3 chunks are stored; return how many were stored then."""
    while (n := stored(path)) < 3:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    proc.send_signal(sig)
    return n


def reference() -> EnsembleResult:
    return run_ensemble(load("geneva-2026"), "expected-utility", n_runs=4000, seed=77,
                        chunk_size=50)


def test_an_ensemble_killed_with_sigkill_resumes_to_the_identical_result(
        tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    proc = cli(*ARGS, "--store", str(path))
    seen = signal_after_some_chunks(proc, path, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    with RunStore(path) as st:
        (run,) = st.runs()
        chunks = load_chunks(st, run.id)
    assert run.status == "running"
    assert seen <= len(chunks) < N_CHUNKS  # killed mid-run
    resumed = subprocess.run([sys.executable, "-c", APP, "--resume", run.id, "--store",
                              str(path), "--json"], capture_output=True, text=True, check=True)
    doc = json.loads(resumed.stdout)
    assert doc["run_id"] == run.id
    assert doc["resumed_chunks"] == len(chunks)
    with RunStore(path) as st:
        after = load_chunks(st, run.id)
        assert st.get_run(run.id).status == "ok"
    # the chunks stored before the kill were kept, not recomputed and rewritten
    assert all(after[i].created_at == c.created_at for i, c in chunks.items())
    assert len(after) == N_CHUNKS
    outcome = np.concatenate([after[i].arrays["outcome"] for i in range(N_CHUNKS)])
    uninterrupted = reference()
    assert (outcome == uninterrupted.outcome).all()
    assert doc["issues"] == json.loads(json.dumps(uninterrupted.summary()["issues"]))


def test_an_ensemble_stopped_with_ctrl_c_says_how_to_resume_and_resumes(
        tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    proc = cli(*ARGS, "--store", str(path))
    signal_after_some_chunks(proc, path, signal.SIGINT)
    _, err = proc.communicate()
    assert proc.returncode == 130
    with RunStore(path) as st:
        (run,) = st.runs()
    assert f"--resume {run.id}" in " ".join(err.split())
    done = resume_ensemble(run.id, store=path)
    assert done.resumed_chunks > 0
    assert (done.outcome == reference().outcome).all()
