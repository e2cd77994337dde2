"""Run decide-exchange-model (Stokman's exchange model, GPL-3.0) as an outside oracle.

parley never imports Decide: this script installs it into a separate virtual environment,
drives its Python API on every Decide input file in ``../shared/data/decide`` and writes the
per-round outcomes and the executed exchanges as JSON, which
``tests/models/test_exchange_oracle.py`` compares with :mod:`parley.models.exchange`.

Usage::

    python bench/oracle_decide.py                 # venv /tmp/decide-venv, JSON inside it
    python bench/oracle_decide.py --venv DIR --out FILE --data DIR --rounds 10 --seeds 3

Environment: ``PARLEY_DECIDE_VENV`` (the venv, default ``/tmp/decide-venv``) and
``PARLEY_DECIDE_ORACLE`` (the JSON, default ``<venv>/decide-oracle.json``).

Installing: ``pip install decide-exchange-model==2022.1.28`` pins numpy 1.23.4, pandas 1.5.0,
matplotlib 3.6.0 and PyQt5 5.15.10; on Python 3.11/Linux all of them come as wheels. If that
fails (e.g. no PyQt5 wheel), the script installs the package with ``--no-deps`` plus
``typesystem==0.2.5`` and ``peewee``, the only third-party modules that Decide's model and
reader import (``Actor.__eq__`` imports the peewee database module). Both ways were tried
here and give identical results.

Configurations written for each file (10 rounds, Decide's default):

``decide``
    Decide as released, with its random tie-break switched off
    (``EqualGainModel.ALLOW_RANDOM = False``): among equal gains the exchange listed first
    wins. parley reproduces that order with ``tie_break='listed'``.
``budget``
    The same, with one quirk of Decide removed: ``AbstractExchangeActor.is_move_valid``
    rejects a move when the *sum* of the moves it remembers exceeds 100, and after a
    partner's earlier exchange it remembers stale candidate moves (e.g. 37.3 + 34.2 + 31.9
    for USA on Domestred in copenhagen round 1), so it drops exchanges that are valid. The
    replacement keeps Decide's other rules (the move is non-zero, at most 100, stays on the
    scale, and has the sign of the remembered moves).
``core``
    ``budget`` with Decide's no-overshoot check (``AbstractExchangeActor.check_nbs``)
    switched off as well. The core of the model (groups, roles, equal gain, moves, order
    of execution, recomputation, preference update) is then compared with parley's
    ``allow_overshoot=True``.
``seeded``
    Decide as released with its own random tie-break and ``random.seed(k)`` for
    k < ``--seeds``: the final outcomes show how much its ties move the forecast.

Each configuration gives, per round, the voting outcome (``voting``), the next round's
starting outcome (``preference``) and the executed exchanges in order; all but ``seeded``
also give every actor's preference position at the start of each round (``positions``, one
more than rounds), so that a round can be replayed from Decide's own starting point.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import venv
from pathlib import Path
from typing import Any

PACKAGE = "decide-exchange-model==2022.1.28"
MINIMAL = ["--no-deps", PACKAGE, "typesystem==0.2.5", "peewee>=3.14.4"]
DEFAULT_VENV = Path(os.environ.get("PARLEY_DECIDE_VENV", "/tmp/decide-venv"))
REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "decide"


def default_json(venv_dir: Path = DEFAULT_VENV) -> Path:
    """Where the oracle's JSON goes unless ``PARLEY_DECIDE_ORACLE`` says otherwise."""
    env = os.environ.get("PARLEY_DECIDE_ORACLE")
    return Path(env) if env else venv_dir / "decide-oracle.json"


def _python(venv_dir: Path) -> Path:
    return venv_dir / "bin" / "python"


def _has_decide(py: Path) -> bool:
    code = "import decide.model.equalgain, decide.data.reader, decide.data.modelfactory"
    return py.exists() and subprocess.run([str(py), "-c", code], capture_output=True,
                                          check=False).returncode == 0


def install(venv_dir: Path) -> str:
    """Create the venv and install Decide into it; return how it was installed."""
    py = _python(venv_dir)
    if _has_decide(py):
        return "already installed"
    if not py.exists():
        venv.EnvBuilder(with_pip=True).create(venv_dir)
    pip = [str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    full = subprocess.run([*pip, PACKAGE], capture_output=True, text=True, check=False)
    if full.returncode == 0 and _has_decide(py):
        return f"pip install {PACKAGE} (with its pinned dependencies)"
    print("full install failed, trying --no-deps:\n" + full.stderr[-2000:], file=sys.stderr)
    minimal = subprocess.run([*pip, *MINIMAL], capture_output=True, text=True, check=False)
    if minimal.returncode == 0 and _has_decide(py):
        return "pip install " + " ".join(MINIMAL)
    raise SystemExit("could not install Decide into " + str(venv_dir) + ":\n"
                     + minimal.stderr[-2000:])


# ---------------------------------------------------------------------------------------
# Everything below runs inside the venv (``--drive``): it imports Decide.


class _Recorder:
    """The observer interface that Decide's ModelLoop calls; records executed exchanges."""

    def __init__(self) -> None:
        self.rounds: list[list[dict[str, Any]]] = []
        self.current: list[dict[str, Any]] = []

    def before_loop(self, iteration: int, repetition: int) -> None:
        self.current = []

    def removed_exchanges(self, exchanges: Any) -> None:
        pass

    def execute_exchange(self, e: Any) -> None:
        def side(x: Any) -> dict[str, Any]:
            return {"actor": x.actor.actor_id, "supply": x.supply.issue.name,
                    "demand": x.demand.issue.name, "from": float(x.supply.position),
                    "to": float(x.y), "adjusted": bool(x.is_adjusted_by_nbs)}
        self.current.append({"gain": float(e.gain), "i": side(e.i), "j": side(e.j)})

    def after_loop(self, realized: Any, iteration: int, repetition: int) -> None:
        pass

    def end_loop(self, iteration: int, repetition: int) -> None:
        self.rounds.append(self.current)


def _is_move_valid_without_budget(self: Any, move: Any) -> bool:
    """Decide's ``is_move_valid`` without its ``sum(self.moves) > 100`` test."""
    if abs(move) > 100 or abs(move) <= 1e-10:
        return False
    if not 0 <= self.supply.position + move <= 100:
        return False
    return all(m > 0 for m in self.moves) or all(m < 0 for m in self.moves)


def _run_decide(path: Path, rounds: int, *, allow_random: bool, budget: bool,
                overshoot_check: bool, seed: int | None) -> dict[str, Any]:
    import random

    from decide.data.modelfactory import ModelFactory
    from decide.data.reader import InputDataFile
    from decide.model import base, equalgain
    from decide.model.utils import ModelLoop

    actor_class = base.AbstractExchangeActor
    originals = actor_class.check_nbs, actor_class.is_move_valid
    equalgain.EqualGainModel.ALLOW_RANDOM = allow_random
    if not overshoot_check:
        actor_class.check_nbs = lambda self: None
    if not budget:
        actor_class.is_move_valid = _is_move_valid_without_budget
    try:
        random.seed(seed)
        model = ModelFactory(InputDataFile.open(str(path)))(
            model_klass=equalgain.EqualGainModel, randomized_value=None)
        issues, actors = list(model.issues), list(model.actors)

        def positions() -> list[list[float | None]]:
            table = model.actor_issues
            return [[float(table[d][a].position) if a in table[d] else None for d in issues]
                    for a in actors]

        rec = _Recorder()
        loop = ModelLoop(model, rec, 0)
        voting, preference, starts = [], [], [positions()]
        start = time.perf_counter()
        for _ in range(rounds):
            loop.loop()
            starts.append(positions())
            voting.append([float(model.nbs[d]) for d in issues])
            model.calc_nbs()  # the next round's starting (preference) outcome
            preference.append([float(model.nbs[d]) for d in issues])
        seconds = time.perf_counter() - start
    finally:
        actor_class.check_nbs, actor_class.is_move_valid = originals
        equalgain.EqualGainModel.ALLOW_RANDOM = True
    return {"voting": voting, "preference": preference, "positions": starts,
            "exchanges": rec.rounds, "ties": model.tie_count, "seconds": seconds}


def drive(data: Path, out: Path, rounds: int, seeds: int) -> None:
    """Run every configuration on every file and write the JSON (inside the venv)."""
    import decide
    from decide.data.modelfactory import ModelFactory
    from decide.data.reader import InputDataFile
    from decide.model import equalgain

    result: dict[str, Any] = {
        "decide_version": decide.__version__, "python": platform.python_version(),
        "rounds": rounds, "scale": "positions and outcomes normalised to 0-100 per issue",
        "files": {},
    }
    for path in sorted(p for p in data.iterdir() if p.is_file()):
        name = path.name
        model = ModelFactory(InputDataFile.open(str(path)))(
            model_klass=equalgain.EqualGainModel, randomized_value=None)
        entry: dict[str, Any] = {
            "issues": [d.name for d in model.issues],
            "bounds": [[float(d.lower), float(d.upper)] for d in model.issues],
            "actors": [a.actor_id for a in model.actors],
            "decide": _run_decide(path, rounds, allow_random=False, budget=True,
                                  overshoot_check=True, seed=None),
            "budget": _run_decide(path, rounds, allow_random=False, budget=False,
                                  overshoot_check=True, seed=None),
            "core": _run_decide(path, rounds, allow_random=False, budget=False,
                                overshoot_check=False, seed=None),
            "seeded": [_run_decide(path, rounds, allow_random=True, budget=True,
                                   overshoot_check=True, seed=k) for k in range(seeds)],
        }
        for run in entry["seeded"]:  # keep the seeded runs short: final outcomes only
            for key in ("exchanges", "preference", "positions"):
                run.pop(key)
            run["voting"] = run["voting"][-1:]
        result["files"][name] = entry
        print(f"{name}: {entry['decide']['seconds']:.1f} s per run", file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))


def main(argv: list[str] | None = None) -> None:
    """Install Decide if needed, then run it on the data files (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out = args.out or default_json(args.venv)
    if args.drive:
        drive(args.data, out, args.rounds, args.seeds)
        return
    how = install(args.venv)
    print(f"Decide: {how}", file=sys.stderr)
    cmd = [str(_python(args.venv)), str(Path(__file__).resolve()), "--drive",
           "--out", str(out), "--data", str(args.data), "--rounds", str(args.rounds),
           "--seeds", str(args.seeds)]
    subprocess.run(cmd, check=True)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
