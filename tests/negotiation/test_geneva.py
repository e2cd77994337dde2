"""The bundled Geneva scenario: what its red lines imply for the talks."""

from __future__ import annotations

import pytest

from parley.io import load
from parley.negotiation import build_timeline, simulate


@pytest.fixture(scope="module")
def geneva():  # type: ignore[no-untyped-def]
    return load("geneva-2026")


@pytest.mark.parametrize("protocol", ["alternating", "single-text"])
def test_geneva_agrees_military_issues_and_prisoners_and_deadlocks_the_rest(
        geneva, protocol: str) -> None:  # type: ignore[no-untyped-def]
    """The scenario's red lines (geneva-2026.yaml): Donbas Russia 75-100 vs Ukraine 0-50,
    security guarantees 70-100 vs 0-30, Zaporizhzhia 60-100 vs 0-30 do not overlap, so those
    three are deadlocked; front line (40-100 vs 0-50 -> 40-50), monitoring (50-100 vs 0-60
    -> 50-60) and prisoner exchange (25-80 vs 0-80) overlap and are agreed inside the
    overlap, as the article reports progress on military issues and none on territory."""
    r = simulate(geneva, protocol=protocol)
    assert r.status() == {"donbas": "deadlocked", "front-line": "agreed",
                          "ceasefire-monitoring": "agreed", "security-guarantees": "deadlocked",
                          "zaporizhzhia-npp": "deadlocked", "prisoner-exchange": "agreed"}
    assert 40 <= r.issue("front-line").value <= 50
    assert 50 <= r.issue("ceasefire-monitoring").value <= 60
    assert 25 <= r.issue("prisoner-exchange").value <= 80
    assert not r.agreement
    assert [x["kind"] for x in r.issue("donbas").reported] == ["deadlock"]


def test_geneva_timeline_reads_sessions_pressure_and_the_stalling_accusation(geneva) -> None:  # type: ignore[no-untyped-def]
    tl = build_timeline(geneva, ("russia", "ukraine"))
    kinds = {m.id: m.kind for m in tl.meetings}
    assert kinds["geneva-medinsky-ukraine"] == "negotiation"
    assert kinds["geneva-europeans-ukraine"] == "consultation"
    assert tl.stallers == {"russia": "zelensky-accuses-moscow-of-delay"}
    assert [(p.party, p.event) for p in tl.pressures] == [("ukraine", "trump-urges-ukraine")]
    assert tl.total_steps == 50


def test_widening_a_red_line_breaks_the_donbas_deadlock(geneva) -> None:  # type: ignore[no-untyped-def]
    """What-if: Ukraine accepting up to 80 on Donbas (Russia's floor is 75) opens 80 on the
    grid; the issue is no longer deadlocked."""
    data = geneva.model_dump(mode="json")
    for st in data["stances"]:
        if st["actor"] == "ukraine" and st["issue"] == "donbas":
            st["acceptable"]["high"] = 80
    wider = type(geneva).model_validate(data)
    r = simulate(wider)
    assert r.issue("donbas").status != "deadlocked"
    assert r.issue("donbas").zone == (80.0, 80.0)
