"""Benchmark ensembles: draws per second by model, scenario, size and executor; memory.

For each scenario (geneva-2026, with its declared uncertainties; Bueno de Mesquita's EC
car-emissions example from ``../shared/data/eum``, with a 10 % jitter since it declares
none), each model (compromise, expected-utility, exchange), each ensemble size and each
executor (in-process; a process pool of 1 and 2 workers; a Dask LocalCluster of 1 and 2
worker processes), one child process runs the ensemble and reports:

- the warm rate (draws per second, executor already started: the pool or cluster is
  started, and every worker has imported parley, before the clock starts) and the
  start-up time;
- the peak resident memory (``VmHWM``) of the process that runs the ensemble and of the
  largest worker;
- the scaling efficiency of 2 workers against 1: ``rate(2) / (2 * rate(1))``.

A separate line times the store: the same compromise ensemble with and without writing
every chunk to a SQLite run store.

The exchange model runs draw by draw (a scenario per draw), so its sizes are smaller; the
table says which sizes ran. On a machine with fewer free cores than workers the efficiency
says more about the machine than about the executor.

Usage::

    python bench/bench_ensemble.py                 # everything (several minutes)
    python bench/bench_ensemble.py --quick         # small sizes, a minute or so
    python bench/bench_ensemble.py --models compromise --executors local dask-2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

EC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "eum" / \
    "bdm1994_ec_car_emissions.csv"
SIZES = {"compromise": (10_000, 100_000), "expected-utility": (10_000, 100_000),
         "exchange": (300, 1_000)}
EC_EXCHANGE_SIZES = (10_000, 100_000)
QUICK = {"compromise": (10_000,), "expected-utility": (2_000,), "exchange": (100,)}
EXECUTORS = ("local", "processes-1", "processes-2", "dask-1", "dask-2")


def vm_hwm() -> int:
    """Peak resident memory of this process in bytes (Linux ``VmHWM``; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _pid_and_peak(_: object = None) -> tuple[int, int]:
    time.sleep(0.2)  # long enough for every worker to take one
    return os.getpid(), vm_hwm()


def _warm(_: object = None) -> tuple[int, int]:
    """Import what a chunk needs (a worker's first chunk would pay for it otherwise)."""
    import parley.ensemble.runner
    import parley.models  # noqa: F401

    return _pid_and_peak()


def one(scenario_name: str, model: str, draws: int, executor: str, store: bool) -> dict[str, Any]:
    """Run one configuration in this process; return its measurements."""
    from parley.ensemble import Jitter, run_ensemble
    from parley.ensemble.executors import DaskExecutor, InProcessExecutor, ProcessExecutor
    from parley.io import load

    scenario = load(str(EC) if scenario_name == "ec" else scenario_name)
    jitter = Jitter(0.1, 0.1, 0.1) if scenario_name == "ec" else None
    kind, _, n = executor.partition("-")
    t0 = time.perf_counter()
    ex: Any
    if kind == "local":
        ex = InProcessExecutor()
    elif kind == "processes":
        ex = ProcessExecutor(int(n))
        list(ex.map(_warm, [None] * 2 * int(n)))
    else:
        ex = DaskExecutor(workers=int(n))
        ex.client.wait_for_workers(int(n))
        ex.client.run(_warm)
    startup = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "runs.sqlite3" if store else None
        t1 = time.perf_counter()
        run_ensemble(scenario, model, n_runs=draws, seed=1, jitter=jitter, executor=ex,
                     store=path)
        elapsed = time.perf_counter() - t1
    worker_peak = 0
    if kind == "processes":
        worker_peak = max(p for _, p in (c.value for c in ex.map(_pid_and_peak,
                                                                 [None] * 4 * int(n))))
    elif kind == "dask":
        worker_peak = max(ex.client.run(vm_hwm).values())
    ex.close()
    return {"scenario": scenario_name, "model": model, "draws": draws, "executor": executor,
            "store": store, "startup_s": startup, "seconds": elapsed, "rate": draws / elapsed,
            "main_peak_mb": vm_hwm() / 2**20, "worker_peak_mb": worker_peak / 2**20}


def child(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--one", *args], capture_output=True,
                         text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--models", nargs="*", default=list(SIZES))
    parser.add_argument("--scenarios", nargs="*", default=["geneva-2026", "ec"])
    parser.add_argument("--executors", nargs="*", default=list(EXECUTORS))
    parser.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        scenario, model, draws, executor, store = args.one
        print(json.dumps(one(scenario, model, int(draws), executor, store == "store")))
        return
    scenarios = [s for s in args.scenarios if s != "ec" or EC.exists()]
    if "ec" in args.scenarios and not EC.exists():
        print(f"(EC example not found at {EC}; skipped)")
    print(f"{os.cpu_count()} CPUs, {len(os.sched_getaffinity(0))} usable; python "
          f"{sys.version.split()[0]}")
    header = (f"{'scenario':12} {'model':17} {'draws':>8} {'executor':12} {'startup s':>9} "
              f"{'draws/s':>10} {'main MB':>8} {'worker MB':>9}")
    print(header)
    print("-" * len(header))
    rows = []
    for scenario in scenarios:
        for model in args.models:
            sizes = QUICK[model] if args.quick else (
                EC_EXCHANGE_SIZES if (model, scenario) == ("exchange", "ec") else SIZES[model])
            for draws in sizes:
                for executor in args.executors:
                    r = child(scenario, model, str(draws), executor, "nostore")
                    rows.append(r)
                    print(f"{scenario:12} {model:17} {draws:>8,} {executor:12} "
                          f"{r['startup_s']:>9.2f} {r['rate']:>10,.0f} "
                          f"{r['main_peak_mb']:>8.0f} {r['worker_peak_mb']:>9.0f}", flush=True)
    print("\nscaling efficiency, rate(2 workers) / (2 x rate(1 worker)):")
    for kind in ("processes", "dask"):
        for r2 in (r for r in rows if r["executor"] == f"{kind}-2"):
            r1 = next((r for r in rows if r["executor"] == f"{kind}-1" and all(
                r[k] == r2[k] for k in ("scenario", "model", "draws"))), None)
            if r1 is not None:
                print(f"  {kind:10} {r2['scenario']:12} {r2['model']:17} {r2['draws']:>8,}: "
                      f"{r2['rate'] / (2 * r1['rate']):.2f}")
    if "compromise" in args.models:
        draws = 10_000 if args.quick else 100_000
        plain = child("geneva-2026", "compromise", str(draws), "local", "nostore")
        stored = child("geneva-2026", "compromise", str(draws), "local", "store")
        print(f"\nstore: compromise, {draws:,} draws in {draws // 10_000} chunks, in-process: "
              f"{plain['seconds']:.3f} s without the store, {stored['seconds']:.3f} s with it "
              f"({(stored['seconds'] - plain['seconds']) / (draws // 10_000) * 1000:.1f} ms "
              "per chunk written, run row and summary included)")


if __name__ == "__main__":
    main()
