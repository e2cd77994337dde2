"""parley's alternating offers against NegMAS's SAO mechanism (bench/oracle_negmas.py).

The oracle exported five random negotiations (2 parties x 3 issues x 5 values, and one with
3 parties) as GENIUS files, ran NegMAS 0.16's SAOMechanism with time-based agents
(aspiration 1 - t^k; k = 4 is NegMAS's Boulware) and recorded every offer. parley runs the
scenarios with NegMAS's documented behaviour: offer the lowest-utility package at or above
the aspiration (policy 'lowest'), accept what reaches it, whole packages only, relative time
(step + 1) / (n_steps + 1), tolerance 1e-4, exponent e = 1 / k.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from parley.negotiation import TimeDependent, simulate
from parley.scenario import Scenario

# NegMAS's results, as written by bench/oracle_negmas.py, are committed beside the tests so
# that CI needs no NegMAS; PARLEY_NEGMAS_ORACLE points at a fresh run instead.
ORACLE = Path(os.environ.get(
    "PARLEY_NEGMAS_ORACLE",
    Path(__file__).resolve().parents[1] / "data" / "negmas_sim" / "negmas-oracle.json"))


def _cases() -> list[dict[str, Any]]:
    if not ORACLE.is_file():
        return []
    cases: list[dict[str, Any]] = json.loads(ORACLE.read_text())["cases"]
    return cases


@pytest.mark.skipif(not ORACLE.is_file(), reason=f"NegMAS oracle JSON not found at {ORACLE}; "
                    "run 'python bench/oracle_negmas.py' (installs NegMAS in a venv)")
@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["name"])
def test_same_agreement_round_and_offers_as_negmas(case: dict[str, Any]) -> None:
    s = Scenario.model_validate(case["scenario"])
    strategies = {p: TimeDependent(1.0 / k) for p, k in zip(case["parties"], case["k"],
                                                           strict=True)}
    r = simulate(s, strategies=strategies, steps=case["steps"], grid_points=case["points"],
                 policy="lowest", issue_by_issue=False, use_timeline=False, clock="negmas",
                 tolerance=1e-4)
    n = case["negmas"]
    got = {k: f"{v:g}" for k, v in r.package.items()} if r.package else None
    assert got == n["agreement"]
    if n["agreement"] is not None:
        assert r.agreement_round == n["agreement_step"] + 1  # parley counts rounds from 1
    offers = [[t["round"] - 1, t["actor"], {k: f"{v:g}" for k, v in t["package"].items()}]
              for t in r.transcript if t["action"] == "offer"]
    assert offers == n["trace"]
