"""Benchmark parley's spatial model (SMP) against KTAB's published run times.

Synthetic scenarios with 30, 40, 50, 60 and 80 actors in 5 dimensions are drawn the way
KTAB's ``SMPActor::randomize`` draws actors (capability uniform on [10, 200], total salience
uniform on [0.75, 0.99] split over the dimensions in proportion to uniform [0.1, 1] draws,
positions uniform on the scale), seeded. Each is run to the end with default options, as
``SpatialModel().run(scenario)`` does; the table gives the seconds of the fastest of
``--repeat`` runs and the ratio to KTAB's CPU seconds for the same number of actors (KTAB's
``smpc``, default options: 1.8 / 5.0 / 11.5 / 27.5 / 116 s). The scenarios differ from
KTAB's, and so do the numbers of rounds, so the ms-per-round column is the fairer figure;
KTAB's time per run grows as n**4 (its logging-only work), parley's as n**3.

A second table gives rounds per second of the batched kernel on ``--batch`` scenarios at
once, against the same scenarios run one at a time.

Usage::

    python bench/bench_spatial.py [--sizes 30 40 50 60 80] [--repeat 3] [--batch 16]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from parley.models.spatial import SpatialModel
from parley.models.spatial_kernel import smp_kernel
from parley.scenario import Scenario

KTAB_CPU_SECONDS = {30: 1.8, 40: 5.0, 50: 11.5, 60: 27.5, 80: 116.0}
DIMENSIONS = 5


def synthetic_arrays(n: int, m: int, seed: int, batch: int = 1,
                     ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Capability (B, n), position on [0, 1] and salience (B, n, m), drawn like KTAB's."""
    rng = np.random.default_rng(seed)
    cap = rng.uniform(10.0, 200.0, (batch, n))
    total = rng.uniform(0.75, 0.99, (batch, n, 1))
    parts = rng.uniform(0.1, 1.0, (batch, n, m))
    sal = total * parts / parts.sum(axis=-1, keepdims=True)
    pos = rng.uniform(0.0, 1.0, (batch, n, m))
    return cap, pos, sal


def synthetic_scenario(n: int, m: int, seed: int) -> Scenario:
    """One synthetic scenario on 0-100 scales."""
    cap, pos, sal = synthetic_arrays(n, m, seed)
    return Scenario.model_validate({
        "name": f"synthetic-{n}x{m}",
        "actors": [{"id": f"a{i:03d}", "name": f"Actor {i}", "capability": float(cap[0, i])}
                   for i in range(n)],
        "issues": [{"id": f"d{k}", "name": f"Dimension {k}"} for k in range(m)],
        "stances": [{"actor": f"a{i:03d}", "issue": f"d{k}",
                     "position": round(float(pos[0, i, k]) * 100, 2),
                     "salience": float(sal[0, i, k])}
                    for i in range(n) for k in range(m)],
    })


def bench_runs(sizes: list[int], repeat: int) -> None:
    model = SpatialModel()
    print(f"Full runs, default options, {DIMENSIONS} dimensions (best of {repeat}):")
    print(f"{'actors':>6} {'rounds':>6} {'seconds':>9} {'ms/round':>9} {'KTAB s':>8} "
          f"{'speed-up':>9}")
    for n in sizes:
        scenario = synthetic_scenario(n, DIMENSIONS, seed=1000 + n)
        best = np.inf
        rounds = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            forecast = model.run(scenario)
            best = min(best, time.perf_counter() - t0)
            rounds = int(forecast.diagnostics["rounds"])
        ktab = KTAB_CPU_SECONDS.get(n)
        ratio = f"{ktab / best:8.0f}x" if ktab else f"{'-':>9}"
        print(f"{n:>6} {rounds:>6} {best:>9.3f} {1000 * best / rounds:>9.1f} "
              f"{ktab if ktab else '-':>8} {ratio}")


def bench_batch(sizes: list[int], batch: int) -> None:
    print(f"\nBatched kernel, {batch} scenarios at once vs one at a time:")
    print(f"{'actors':>6} {'rounds':>7} {'batched s':>10} {'rounds/s':>9} {'single s':>9} "
          f"{'rounds/s':>9}")
    for n in sizes:
        cap, pos, sal = synthetic_arrays(n, DIMENSIONS, seed=2000 + n, batch=batch)
        t0 = time.perf_counter()
        res = smp_kernel(cap, pos, sal)
        t_batch = time.perf_counter() - t0
        t0 = time.perf_counter()
        for b in range(batch):
            smp_kernel(cap[b:b + 1], pos[b:b + 1], sal[b:b + 1])
        t_single = time.perf_counter() - t0
        total = int(res.rounds.sum())
        print(f"{n:>6} {total:>7} {t_batch:>10.3f} {total / t_batch:>9.0f} {t_single:>9.3f} "
              f"{total / t_single:>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 40, 50, 60, 80])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[10, 30])
    args = parser.parse_args()
    bench_runs(args.sizes, args.repeat)
    bench_batch(args.batch_sizes, args.batch)


if __name__ == "__main__":
    main()
