"""Ensembles of the negotiation simulation: agreement probability and timing per issue."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from parley.ensemble import run_ensemble
from parley.ensemble.kernels import NegotiationSimulation, kernel_for
from parley.ensemble.sampling import Jitter
from parley.io import load


def test_simulation_ensemble_reports_agreement_and_its_round_per_issue() -> None:
    """two-party-ceasefire: North and South's red lines on the border town are disjoint
    (North <= 40, South >= 70), so no draw can agree on it (jitter moves positions,
    saliences and capabilities, not red lines); on withdrawal depth they overlap."""
    s = load("two-party-ceasefire")
    result = run_ensemble(s, "simulate", n_runs=12, seed=5, jitter=Jitter.parse("0.1"),
                          chunk_size=4)
    doc = result.to_dict()
    assert doc["issues"]["border-town"]["agreed"] == 0.0
    withdrawal = doc["issues"]["withdrawal-depth"]
    assert withdrawal["agreed"] > 0.5
    assert withdrawal["round"]["n"] == round(withdrawal["agreed"] * 12)
    assert withdrawal["round"]["quantiles"]["0.05"] >= 1  # rounds count from 1


def test_simulation_ensemble_is_the_same_in_process_and_in_a_process_pool() -> None:
    s = load("two-party-ceasefire")
    kwargs = {"n_runs": 8, "seed": 9, "jitter": Jitter.parse("0.1"), "chunk_size": 4}
    a = run_ensemble(s, "simulate:single-text", executor="local", **kwargs)
    b = run_ensemble(s, "simulate:single-text", executor="processes", workers=2, **kwargs)
    np.testing.assert_array_equal(a.outcomes.outcome, b.outcomes.outcome)
    assert a.outcomes.agreed is not None
    assert b.outcomes.agreed is not None
    np.testing.assert_array_equal(a.outcomes.agreed, b.outcomes.agreed)


def test_simulate_names_its_protocol() -> None:
    s = load("two-party-ceasefire")
    assert kernel_for("simulate", s).name == "simulate:alternating"
    assert NegotiationSimulation("single-text").name == "simulate:single-text"


def test_a_stored_simulation_ensemble_resumes_to_the_same_result(tmp_path: Path) -> None:
    from parley.ensemble import resume_ensemble
    from parley.store import RunStore

    s = load("two-party-ceasefire")
    with RunStore(tmp_path / "runs.sqlite3") as store:
        first = run_ensemble(s, "simulate:single-text", n_runs=8, seed=2,
                             jitter=Jitter.parse("0.1"), chunk_size=4, store=store)
        again = resume_ensemble(first.run_id, store=store)
    np.testing.assert_array_equal(first.outcomes.outcome, again.outcomes.outcome)
