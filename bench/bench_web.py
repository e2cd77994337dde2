"""A bounded load check of the web app: throughput, latency, and no lost or damaged writes.

Starts ``parley serve``'s app with uvicorn on a free loopback port (in a thread, on a fresh
temporary store), then runs three phases, each with ``--clients`` concurrent clients (one
thread and one keep-alive HTTP connection each), each bounded by a request count and by
``--seconds``:

``read``
    ``GET /api/scenarios/geneva-2026`` (the 1,200-line bundled scenario, about 70 kB of
    JSON).
``forecast``
    ``POST /api/forecasts`` for geneva-2026 with the three baseline models: the time to get
    the job accepted (``202``), not to run it. The jobs then run in the app's worker threads;
    the bench waits for all of them.
``write``
    ``PUT /api/scenarios/bench`` with no base version: every save must become a new version.

Then it checks the store through its own SQLite connection: one run row (and one result row)
per model of every finished job, ``1 + successful saves`` versions numbered without gaps,
every stored scenario's content hashing to its key, ``PRAGMA integrity_check`` = ``ok``.

Usage::

    python bench/bench_web.py                   # 8 clients; 200 reads, 5 forecasts, 10 saves each
    python bench/bench_web.py --clients 4 --reads 100 --seconds 20 --json

It prints a table (requests per second, p50 and p99 latency per phase) and exits 1 if any
check fails. Figures depend on the machine; compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOY = {
    "name": "bench",
    "actors": [{"id": "a", "name": "A", "capability": 2},
               {"id": "b", "name": "B", "capability": 1}],
    "issues": [{"id": "x", "name": "X"}],
    "stances": [{"actor": "a", "issue": "x", "position": 20, "salience": 0.5},
                {"actor": "b", "issue": "x", "position": 80, "salience": 1.0}],
}
BASELINE = ("compromise", "weighted-median", "nash")


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    bodies: list[Any] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        n = len(self.latencies)
        ms = sorted(x * 1000 for x in self.latencies)
        return {"phase": self.name, "requests": n, "ok": sum(
            c for s, c in self.statuses.items() if 200 <= s < 300),
                "errors": n - sum(c for s, c in self.statuses.items() if 200 <= s < 300)
                + len(self.errors),
                "req_per_s": n / self.wall if self.wall else 0.0,
                "p50_ms": statistics.median(ms) if ms else float("nan"),
                "p99_ms": ms[min(n - 1, int(0.99 * n))] if ms else float("nan")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_phase(name: str, base: str, clients: int, count: int, seconds: float,
              request: Callable[[Any, int], Any]) -> Phase:
    """``clients`` threads, each sending up to ``count`` requests until ``seconds`` pass."""
    import httpx

    phase = Phase(name)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        with httpx.Client(base_url=base, timeout=30.0) as c:
            for i in range(count):
                if time.monotonic() > deadline:
                    return
                t0 = time.perf_counter()
                try:
                    r = request(c, k * count + i)
                except Exception as err:  # counted as an error
                    with lock:
                        phase.errors.append(repr(err))
                    continue
                dt = time.perf_counter() - t0
                with lock:
                    phase.latencies.append(dt)
                    phase.statuses[r.status_code] = phase.statuses.get(r.status_code, 0) + 1
                    if r.status_code < 300:
                        phase.bodies.append(r.json() if name != "read" else None)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.wall = time.perf_counter() - t0
    return phase


def check_store(path: Path, jobs: list[dict[str, Any]], saves: int) -> list[str]:
    """What the store must hold; returns the failed checks (empty: all good)."""
    failures = []
    conn = sqlite3.connect(path)
    try:
        expected_runs = sum(len(j["models"]) for j in jobs if j["status"] == "done")
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
        results = conn.execute("SELECT count(*) FROM results").fetchone()[0]
        if runs != expected_runs or results != expected_runs:
            failures.append(f"runs {runs}, results {results}; expected {expected_runs} each")
        job_runs = {r for j in jobs for r in j["runs"]}
        stored = {r[0] for r in conn.execute("SELECT id FROM runs")}
        if job_runs != stored:
            failures.append(f"{len(job_runs ^ stored)} run ids differ between jobs and store")
        numbers = [r[0] for r in conn.execute(
            "SELECT version FROM scenario_versions WHERE name = 'bench' ORDER BY version")]
        if numbers != list(range(1, saves + 2)):
            failures.append(f"versions {numbers[:5]}...{numbers[-3:]} (n={len(numbers)}); "
                            f"expected 1..{saves + 1}")
        for scenario_hash, content in conn.execute("SELECT hash, content FROM scenarios"):
            if hashlib.sha256(content.encode()).hexdigest() != scenario_hash:
                failures.append(f"scenario {scenario_hash[:12]} does not hash to its key")
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            failures.append(f"integrity_check: {integrity}")
        orphans = conn.execute("SELECT count(*) FROM runs WHERE id NOT IN "
                               "(SELECT run_id FROM results)").fetchone()[0]
        if orphans:
            failures.append(f"{orphans} runs without a result")
    finally:
        conn.close()
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--reads", type=int, default=200, help="reads per client")
    parser.add_argument("--forecasts", type=int, default=5, help="forecasts per client")
    parser.add_argument("--writes", type=int, default=10, help="saves per client")
    parser.add_argument("--seconds", type=float, default=30.0, help="limit per phase")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)

    import httpx
    import uvicorn

    from parley.web import create_app
    from parley.web.security import LOOPBACK_HOSTS

    folder = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    store = folder / "runs.sqlite3"
    app = create_app(store, allowed_hosts=LOOPBACK_HOSTS,
                     max_pending_jobs=args.clients * args.forecasts + 1)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    base = f"http://127.0.0.1:{port}"
    failures: list[str] = []
    try:
        httpx.post(base + "/api/scenarios", json=TOY).raise_for_status()
        phases = [
            run_phase("read scenario", base, args.clients, args.reads, args.seconds,
                      lambda c, _: c.get("/api/scenarios/geneva-2026")),
            run_phase("start forecast", base, args.clients, args.forecasts, args.seconds,
                      lambda c, i: c.post("/api/forecasts", json={
                          "scenario": "geneva-2026", "models": list(BASELINE), "seed": i})),
            run_phase("save version", base, args.clients, args.writes, args.seconds,
                      lambda c, i: c.put("/api/scenarios/bench", json={
                          **TOY, "title": f"save {i}"})),
        ]
        deadline = time.monotonic() + args.seconds * 4
        while True:  # wait for the forecast jobs (bounded)
            jobs = httpx.get(base + "/api/jobs").json()["jobs"]
            pending = [j for j in jobs if j["status"] in ("queued", "running")]
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if pending:
            failures.append(f"{len(pending)} forecast jobs still pending at the deadline")
        failed = [j for j in jobs if j["status"] == "failed"]
        if failed:
            failures.append(f"{len(failed)} forecast jobs failed: {failed[0]['error']}")
        started = {b["id"] for b in phases[1].bodies}
        if started != {j["id"] for j in jobs}:
            failures.append("the job list differs from the jobs started")
        saves = phases[2].row()["ok"]
    finally:
        server.should_exit = True
        thread.join()
    failures += check_store(store, jobs, saves)
    for p in phases:
        if p.errors or any(s >= 300 for s in p.statuses):
            failures.append(f"{p.name}: statuses {p.statuses}, errors {p.errors[:2]}")

    rows = [p.row() for p in phases]
    if args.json:
        print(json.dumps({"clients": args.clients, "phases": rows, "jobs": len(jobs),
                          "failures": failures}, indent=2))
    else:
        print(f"parley web bench: {args.clients} concurrent clients on loopback "
              f"(python {sys.version.split()[0]})")
        print(f"{'phase':<16}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}"
              f"{'p99 ms':>9}")
        for r in rows:
            print(f"{r['phase']:<16}{r['requests']:>9}{r['errors']:>8}{r['req_per_s']:>9.1f}"
                  f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}")
        print(f"forecast jobs: {len(jobs)} finished, "
              f"{sum(len(j['runs']) for j in jobs)} runs recorded; "
              f"versions saved: {saves} (+1 created)")
        print("store checks: " + ("all passed (row counts, version numbers, content hashes, "
                                  "integrity_check ok)" if not failures else "FAILED"))
        for f in failures:
            print(f"  - {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
