"""Benchmark the batched kernels of the dynamic models (draws per second, scaling).

Runs the expected-utility kernel (:func:`parley.models.eum_kernel.eum_kernel`, default
options, 10 rounds) and the spatial-model kernel (:func:`parley.models.spatial_kernel.
smp_kernel`, default options) on

- the EC car-emissions example (10 actors, 1 issue; capabilities jittered by 10 % per
  draw so that draws differ, as an ensemble would),
- a synthetic 30-actor, 10-issue scenario (seeded),

and reports draws per second, then how the cost of one draw grows with the number of
actors (10 to 80) with the fitted exponent of a power law. A peer reference: one published
implementation runs 10,000 expected-utility draws of the EC example in about 4 s.

Usage::

    python bench/bench_kernels.py [--draws 2000] [--sizes 10 20 40 80]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from parley.models.eum_kernel import eum_kernel
from parley.models.spatial_kernel import smp_kernel

EC = np.array([  # capability, position (years), salience (0-1): BDM 1994, p. 78
    (0.08, 4, 0.8), (0.08, 7, 0.4), (0.03, 4, 0.2), (0.16, 4, 0.8), (0.16, 10, 0.6),
    (0.16, 10, 0.6), (0.16, 10, 0.9), (0.05, 7, 0.1), (0.05, 4, 1.0), (0.08, 7, 0.7)])


def ec_batch(draws: int, seed: int = 1) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    cap = EC[:, 0] * rng.uniform(0.9, 1.1, (draws, len(EC)))
    pos = np.broadcast_to(EC[:, 1][None, :, None], (draws, len(EC), 1)).copy()
    sal = np.broadcast_to(EC[:, 2][None, :, None], (draws, len(EC), 1)).copy()
    return cap, pos, sal, np.array([4.0]), np.array([10.0])


def synthetic_batch(draws: int, n: int, m: int, seed: int = 2) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    cap = rng.uniform(10, 200, (draws, n))
    pos = rng.uniform(0, 100, (draws, n, m))
    sal = rng.uniform(0.1, 1.0, (draws, n, m))
    sal /= sal.sum(axis=-1, keepdims=True)  # KTAB wants saliences summing to <= 1
    return cap, pos, sal, np.zeros(m), np.full(m, 100.0)


def run_eum(batch: tuple[np.ndarray, ...]) -> None:
    cap, pos, sal, lo, hi = batch
    eum_kernel(cap, pos, sal, np.ones(pos.shape, dtype=bool), lo, hi)


def run_smp(batch: tuple[np.ndarray, ...]) -> None:
    cap, pos, sal, lo, hi = batch
    smp_kernel(cap, (pos - lo) / (hi - lo), sal)


def timed(fn: Callable[[], None], repeat: int = 2) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return float(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--smp-draws", type=int, default=64)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 40, 80])
    args = parser.parse_args()

    print(f"{'kernel':<18}{'scenario':<22}{'draws':>8}{'seconds':>10}{'draws/s':>12}")
    for name, fn, draws in (("expected-utility", run_eum, args.draws),
                            ("spatial", run_smp, args.smp_draws)):
        for label, batch in (("EC example 10x1", ec_batch(draws)),
                             ("synthetic 30x10", synthetic_batch(draws, 30, 10))):
            if name == "spatial" and label.startswith("EC"):
                cap, pos, sal, lo, hi = batch
                batch = (cap, pos, sal / sal.sum(axis=-1, keepdims=True) * 0.9, lo, hi)
            seconds = timed(lambda b=batch, f=fn: f(b))
            print(f"{name:<18}{label:<22}{draws:>8}{seconds:>10.3f}{draws / seconds:>12.0f}")
    eum_10k = timed(lambda: run_eum(ec_batch(10_000)), repeat=1)
    print(f"\nexpected-utility, 10,000 EC draws: {eum_10k:.2f} s "
          f"(peer reference about 4 s: {4.0 / eum_10k:.1f}x)")

    print(f"\ncost of one draw against actors (5 issues; {args.smp_draws} draws each)")
    print(f"{'actors':>8}{'EU ms/draw':>14}{'SMP ms/draw':>14}")
    sizes, eu_cost, smp_cost = [], [], []
    for n in args.sizes:
        batch = synthetic_batch(args.smp_draws, n, 5)
        eu = timed(lambda b=batch: run_eum(b)) / args.smp_draws
        smp = timed(lambda b=batch: run_smp(b), repeat=1) / args.smp_draws
        sizes.append(n)
        eu_cost.append(eu)
        smp_cost.append(smp)
        print(f"{n:>8}{1e3 * eu:>14.2f}{1e3 * smp:>14.2f}")
    logn = np.log(sizes)
    print(f"fitted exponent (cost ~ n^k): expected-utility k = "
          f"{np.polyfit(logn, np.log(eu_cost), 1)[0]:.2f}, spatial k = "
          f"{np.polyfit(logn, np.log(smp_cost), 1)[0]:.2f}")


if __name__ == "__main__":
    main()
