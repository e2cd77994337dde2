"""Benchmark: parley's exchange model against decide-exchange-model on the same inputs.

Seeded synthetic Decide inputs (actors x issues: 10 x 6, 20 x 10, 40 x 10 by default) are
written in Decide's own file format to a temporary folder. Both programs run the same
number of rounds (10, Decide's default) of Equal Gain on each file, with ties broken by the
listing order (Decide: ``EqualGainModel.ALLOW_RANDOM = False``; parley:
``tie_break="listed"``), and each is timed inside its own process around the rounds only
(reading the file and building the model are not timed):

* Decide runs in its own virtual environment (``/tmp/decide-venv`` or
  ``$PARLEY_DECIDE_VENV``; created with :func:`oracle_decide.install` if absent), driven by
  :func:`oracle_decide._run_decide` in two configurations: ``decide`` (as released) and
  ``core`` (its move-sum quirk and no-overshoot check removed; see
  ``docs/models/exchange.md``). One run each.
* parley runs :func:`parley.models.exchange_kernel.exchange_rounds` (the median of three
  runs) against ``decide`` with ``allow_overshoot=False`` and against ``core`` with
  ``allow_overshoot=True``, and, once, the whole :class:`parley.models.exchange.ExchangeModel`
  (reading positions, diagnostics and externalities included).

The report gives the seconds, Decide / parley, and how far the final outcomes (weighted mean
of the last round's voting positions, 0-100) and the first round's outcomes lie apart.

Run with ``python bench/bench_exchange.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import oracle_decide

CONFIGS = {"decide": False, "core": True}  # Decide configuration -> parley allow_overshoot


def decide_text(seed: int, n_actors: int, n_issues: int) -> str:
    """A random input in Decide's format (tab-separated, quoted ids).

    Positions uniform on 0-100 (one decimal), saliences uniform on [0.1, 1] (two
    decimals), one power per actor uniform on [0.1, 1] (two decimals), every actor with
    a stance on every issue.
    """
    rng = np.random.default_rng(seed)
    rows = [f"'#A'\t'A{i:02d}'\t'Actor {i}'\t''" for i in range(n_actors)]
    for j in range(n_issues):
        rows += [f"'#P'\t'I{j:02d}'\t'Issue {j}'\t''", f"'#M'\t'I{j:02d}'\t0",
                 f"'#M'\t'I{j:02d}'\t100"]
    power = rng.uniform(0.1, 1.0, n_actors).round(2)
    for i in range(n_actors):
        for j in range(n_issues):
            position = round(float(rng.uniform(0.0, 100.0)), 1)
            salience = round(float(rng.uniform(0.1, 1.0)), 2)
            rows.append(f"'#D'\t'A{i:02d}'\t'I{j:02d}'\t{position}\t{salience}\t{power[i]}")
    return "\n".join(rows) + "\n"


def drive(files: list[Path], out: Path, rounds: int) -> None:
    """Inside Decide's venv: run both configurations on every file and write JSON."""
    result = {}
    for path in files:
        entry = {}
        for config, core in CONFIGS.items():
            run = oracle_decide._run_decide(path, rounds, allow_random=False, budget=not core,
                                            overshoot_check=not core, seed=None)
            entry[config] = {"seconds": run["seconds"], "voting": run["voting"],
                             "ties": run["ties"],
                             "exchanges": [len(r) for r in run["exchanges"]]}
        result[path.name] = entry
        print(f"Decide {path.name}: " + ", ".join(
            f"{c} {e['seconds']:.1f} s" for c, e in entry.items()), file=sys.stderr)
    out.write_text(json.dumps(result))


def run_parley(path: Path, rounds: int, allow_overshoot: bool, repeat: int = 3,
               ) -> dict[str, Any]:
    """Time parley's kernel (median of ``repeat`` runs) and return its outcomes."""
    from parley.arrays import array_view
    from parley.io.decide import read_decide
    from parley.models.exchange_kernel import exchange_rounds

    v = array_view(read_decide(path.read_text(encoding="utf-8"), str(path)))
    position = (v.position - v.low) / (v.high - v.low) * 100.0
    power = np.broadcast_to(v.capability[:, None], v.mask.shape)
    weight = v.weights()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run = exchange_rounds(position, v.salience, power, v.mask, max_rounds=rounds,
                              tie_break="listed", allow_overshoot=allow_overshoot)
        times.append(time.perf_counter() - start)
    voting = [(weight * np.nan_to_num(y)).sum(axis=0) / weight.sum(axis=0)
              for y in run.voting[1:]]
    return {"seconds": statistics.median(times), "voting": np.array(voting),
            "exchanges": [len(r) for r in run.exchanges], "stop": run.stop_reason}


def time_model(path: Path, rounds: int) -> float:
    """Seconds for the whole ``ExchangeModel.run`` (diagnostics included)."""
    from parley.io.decide import read_decide
    from parley.models.exchange import ExchangeModel

    scenario = read_decide(path.read_text(encoding="utf-8"), str(path))
    model = ExchangeModel(max_rounds=rounds, tie_break="listed")
    start = time.perf_counter()
    model.run(scenario)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["10x6", "20x10", "40x10"],
                        help="actors x issues")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--venv", type=Path, default=oracle_decide.DEFAULT_VENV)
    parser.add_argument("--drive", nargs="+", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.drive:
        drive(args.drive, args.out, args.rounds)
        return 0
    print(f"Decide: {oracle_decide.install(args.venv)}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="parley-bench-exchange-") as tmp:
        files = []
        for size in args.sizes:
            n, m = (int(k) for k in size.split("x"))
            path = Path(tmp) / f"synthetic-{n}x{m}-seed{args.seed}.txt"
            path.write_text(decide_text(args.seed, n, m), encoding="utf-8")
            files.append(path)
        out = Path(tmp) / "decide.json"
        subprocess.run([str(oracle_decide._python(args.venv)), str(Path(__file__).resolve()),
                        "--drive", *map(str, files), "--out", str(out),
                        "--rounds", str(args.rounds)], check=True)
        decide = json.loads(out.read_text())
        print(f"{args.rounds} rounds of Equal Gain, ties by listing order; seconds inside each "
              f"process; numpy {np.__version__}")
        print(f"{'actors x issues':>15} {'config':>7} {'Decide s':>9} {'parley s':>9} "
              f"{'ratio':>7} {'model s':>8} {'exch. D/p':>11} {'ties D':>6} "
              f"{'round 1 diff':>12} {'final diff max/mean':>19}")
        for size, path in zip(args.sizes, files, strict=True):
            model_s = time_model(path, args.rounds)
            for config, overshoot in CONFIGS.items():
                theirs = decide[path.name][config]
                ours = run_parley(path, args.rounds, overshoot)
                dv = np.array(theirs["voting"])
                k = min(len(dv), len(ours["voting"]))
                first = np.abs(dv[0] - ours["voting"][0]).max()
                # parley stops after a round without exchange; its last row is final
                final = np.abs(dv[-1] - ours["voting"][-1])
                print(f"{size:>15} {config:>7} {theirs['seconds']:>9.2f} "
                      f"{ours['seconds']:>9.3f} {theirs['seconds'] / ours['seconds']:>6.0f}x "
                      f"{f'{model_s:.3f}' if config == 'decide' else '':>8} "
                      f"{sum(theirs['exchanges']):>5}/{sum(ours['exchanges']):<5} "
                      f"{theirs['ties']:>6} {first:>12.2g} "
                      f"{final.max():>9.2g} / {final.mean():<7.2g}"
                      + ("" if k == len(dv) else f" (parley stopped after {k} rounds)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
