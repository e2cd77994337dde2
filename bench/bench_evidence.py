"""Benchmark reading news: how long extract and propose take, and what the extra installs.

Builds an article of a few thousand words from the four news texts in tests/data/news (the
seed article and the three held-out ones, repeated), and times, in separate processes
where it matters:

- importing :mod:`parley.evidence` (which must not import dateparser),
- the first :func:`parley.evidence.extract` call of a process (it loads dateparser's English
  data), and the median of later calls,
- :func:`parley.evidence.propose` on the records, against geneva-2026,
- as a peer in the same run: one :func:`re.finditer` pass of every cue pattern over the
  whole text, i.e. the floor that any regex-based extractor pays.

It also reports the installed size of ``dateparser`` and the packages it pulls in, from
their installed RECORD files (``importlib.metadata``), and which of those a core install of
parley already has.

Usage::

    python bench/bench_evidence.py [--copies 2] [--repeat 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

NEWS = Path(__file__).resolve().parents[1] / "tests" / "data" / "news"
TEXTS = ("geneva-talks-article", "istanbul-round", "moscow-visit", "north-south-talks")


def article(copies: int) -> str:
    parts = [(NEWS / f"{name}.txt").read_text(encoding="utf-8") for name in TEXTS]
    return "\n\n".join(parts * copies)


def installed_size(dist: str) -> int:
    """Bytes of the files a distribution installed (from its RECORD)."""
    files = metadata.distribution(dist).files or []
    total = 0
    for f in files:
        path = Path(str(f.locate()))
        if path.is_file():
            total += path.stat().st_size
    return total


def requirements(dist: str, seen: set[str] | None = None) -> set[str]:
    """``dist`` and every distribution it requires on this platform, recursively."""
    seen = set() if seen is None else seen
    name = metadata.distribution(dist).metadata["Name"]
    if name.lower() in seen:
        return seen
    seen.add(name.lower())
    for line in metadata.requires(dist) or []:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # another platform's, or an extra's
        requirements(req.name, seen)
    return seen


def in_fresh_process(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=2, help="copies of the four texts")
    ap.add_argument("--repeat", type=int, default=20, help="timed calls after the first")
    args = ap.parse_args()

    from parley.evidence import extract, propose
    from parley.evidence.rules import CUES
    from parley.io import load

    text = article(args.copies)
    words = len(text.split())
    s = load("geneva-2026")
    published = dt.date(2026, 2, 18)
    print(f"article: {words} words, {len(text)} characters")

    imp = in_fresh_process(
        "import time, sys; t = time.perf_counter(); import parley.evidence; "
        "t = time.perf_counter() - t; assert 'dateparser' not in sys.modules; print(t)")
    first = in_fresh_process(
        "import time, datetime as dt, sys; sys.path.insert(0, 'bench');"
        "from bench_evidence import article; from parley.evidence import extract;"
        "from parley.io import load; s = load('geneva-2026');"
        f"text = article({args.copies}); t = time.perf_counter();"
        "extract(text, s, published=dt.date(2026, 2, 18)); print(time.perf_counter() - t)")
    print(f"import parley.evidence:            {imp * 1e3:8.1f} ms (dateparser not imported)")
    print(f"first extract in a fresh process:  {first * 1e3:8.1f} ms (loads dateparser data)")

    records = extract(text, s, published=published)
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        extract(text, s, published=published)
        times.append(time.perf_counter() - t)
    warm = statistics.median(times)
    t = time.perf_counter()
    proposals = propose(records, s)
    prop = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(args.repeat):
        for cue in CUES:
            list(cue.pattern.finditer(text))
    floor = (time.perf_counter() - t) / args.repeat
    print(f"extract, median of {args.repeat}:          {warm * 1e3:8.1f} ms "
          f"({len(records)} records; {words / warm:,.0f} words/s)")
    print(f"propose:                           {prop * 1e3:8.1f} ms ({len(proposals)} proposals)")
    print(f"peer: one pass of the cue regexes: {floor * 1e3:8.1f} ms "
          f"(extract = {warm / floor:.0f} x that floor)")

    deps = sorted(requirements("dateparser"))
    core = set()
    for d in ("numpy", "scipy", "pydantic", "PyYAML", "typer", "rich", "platformdirs"):
        core |= requirements(d)
    total = 0
    print("\ninstalled size of dateparser and what it pulls in:")
    for d in deps:
        size = installed_size(d)
        total += size
        note = " (already in a core install)" if d in core else ""
        print(f"  {d:20s} {size / 2**20:7.2f} MiB{note}")
    new = sum(installed_size(d) for d in deps if d not in core)
    print(f"  {'total':20s} {total / 2**20:7.2f} MiB; new over a core install: "
          f"{new / 2**20:.2f} MiB")


if __name__ == "__main__":
    main()
