"""Proposals from the seed article, conflicts, and applying them: the next scenario version
validates, cites the article, shows its evidence and can be forecast.

The expected proposals are worked out by hand from the hand labels of the seed article
(tests/data/news/geneva-talks-article.labels.yaml) and the scenario file, as the docstrings
say; none is copied from the code's output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from parley.cli.core import show
from parley.errors import ParleyError, ScenarioError
from parley.evidence import (
    ARTICLE,
    Proposal,
    apply_proposals,
    article_source,
    extract,
    propose,
)
from parley.evidence.propose import cites, normalise
from parley.forecast import run_forecasts
from parley.io import dumps, load, loads, save
from parley.scenario import Scenario
from tests.evidence.labels import labelled

pytest.importorskip("dateparser", reason="parley[evidence] is not installed")

ARTICLE_ID = "bbc-geneva-2026-02-18"
SEED = labelled("geneva-talks-article")
PUBLISHED = dt.date(2026, 2, 18)


def sentence(fragment: str) -> str:
    """The seed article's sentence that holds ``fragment`` (normalised)."""
    from parley.evidence.sentences import split_sentences

    (s,) = [x.text for x in split_sentences(SEED.text) if fragment in x.text]
    return normalise(s)


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: ([_strip(e) for e in v if not (isinstance(e, dict)
                                                  and e.get("source") == ARTICLE_ID)]
                    if k == "evidence" else _strip(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_strip(x) for x in node]
    return node


@cache
def before_the_article() -> Scenario:
    """geneva-2026 as it might have stood before the article: no citation of it, no Geneva
    round or Geneva events, and Russia's Donbas position at 70 (acceptable 60 to 100)."""
    data = _strip(load("geneva-2026").model_dump(mode="json"))
    data["sources"] = [x for x in data["sources"] if x["id"] != ARTICLE_ID]
    data["rounds"] = [x for x in data["rounds"] if x["id"] != "geneva"]
    data["events"] = [x for x in data["events"] if x.get("round") != "geneva"]
    st = next(x for x in data["stances"] if (x["actor"], x["issue"]) == ("russia", "donbas"))
    st["position"]["value"] = 70
    st["acceptable"]["low"] = 60
    return Scenario.model_validate(data)


@cache
def proposals_before() -> tuple[Proposal, ...]:
    s = before_the_article()
    return tuple(propose(extract(SEED.text, s, published=PUBLISHED), s))


# ------------------------------------------------------------------------------- geneva-2026
def test_the_bundled_scenario_already_holds_everything_the_seed_article_supports() -> None:
    """geneva-2026 cites the article for Russia's demand (position 100), for Ukraine's
    rejection, for every Geneva session and for each event the article reports; so the
    correct set of proposals is empty."""
    s = load("geneva-2026")
    assert propose(extract(SEED.text, s, published=PUBLISHED), s) == []


# ------------------------------------------------------------------------------- before it
def test_proposals_before_the_article_are_the_hand_derived_ones() -> None:
    """By hand, from the labels: Russia's demand of 'full control' (pole 100) against its
    position 70 (30 points away, more than the 10-point tolerance) -> set; Ukraine's
    rejection of 100 with position 10 and acceptable [0, 50] -> consistent, cite it; the Geneva
    meetings (17-18 Feb with 120 min; Medinsky's 90 min; the Europeans) -> one new round;
    the Abu Dhabi talks 'in January' -> the existing session abu-dhabi-i-trilateral; events:
    progress (front line, monitoring), no agreement on territory, the accusation, the January
    prisoner exchange, Trump's pressure, differences on territory and guarantees, the ZNPP."""
    got = [(p.action, p.field) for p in proposals_before()]
    assert got == [
        ("set", "stances[russia/donbas].position"),
        ("add_evidence", "stances[ukraine/donbas].position"),
        ("add_round", "rounds"),
        ("add_evidence", "rounds[abu-dhabi-i].sessions[abu-dhabi-i-trilateral]"),
        ("add_event", "events"),  # progress on front-line and ceasefire-monitoring
        ("add_event", "events"),  # no agreement on territory (donbas)
        ("add_event", "events"),  # Zelensky accuses Moscow
        ("add_event", "events"),  # prisoner exchange, January 2026
        ("add_event", "events"),  # Trump presses Ukraine
        ("add_event", "events"),  # differences remain: donbas, security guarantees
        ("add_event", "events"),  # sticking point: ZNPP
    ]
    assert [p.id for p in proposals_before()] == [f"p{k}" for k in range(1, 12)]


def test_russias_demand_sets_its_position_and_flags_the_evidence_it_contradicts() -> None:
    p = proposals_before()[0]
    assert (p.old, p.new) == (70.0, 100.0)
    assert p.conflict
    assert {c.split("]")[0] + "]" for c in p.conflicts} == {
        "[bg-ru-memorandum-2025-06]", "[bg-abu-dhabi-ii]"}
    assert [normalise(r.sentence) for r in p.records] == [sentence("continues to demand")]


def test_the_new_geneva_round_holds_the_three_meetings_of_the_article() -> None:
    new = proposals_before()[2].new
    assert (new["venue"], new["start"], new["end"]) == ("Geneva", dt.date(2026, 2, 17),
                                                          dt.date(2026, 2, 18))
    assert new["mediator"] == "united-states"
    sessions = {frozenset(x["participants"]): x for x in new["sessions"]}
    assert set(sessions) == {frozenset({"russia", "ukraine", "united-states"}),
                             frozenset({"russia", "ukraine"}),
                             frozenset({"ukraine", "united-kingdom", "france", "germany",
                                        "italy"})}
    plenary = sessions[frozenset({"russia", "ukraine", "united-states"})]
    assert (plenary["format"], plenary["duration_minutes"]) == ("plenary", 120)
    medinsky = sessions[frozenset({"russia", "ukraine"})]
    assert (medinsky["format"], medinsky["duration_minutes"]) == ("side_channel", 90)


def test_events_carry_their_issues_actors_and_dates() -> None:
    events = [p.new for p in proposals_before() if p.action == "add_event"]
    summary = [(e["kind"], set(e["actors"]), set(e["issues"]), e.get("date")) for e in events]
    assert summary == [
        ("progress", set(), {"front-line", "ceasefire-monitoring"}, None),
        ("deadlock", set(), {"donbas"}, None),
        ("accusation", {"ukraine", "russia"}, set(), None),
        ("prisoner_exchange", {"russia", "ukraine"}, {"prisoner-exchange"},
         dt.date(2026, 1, 1)),
        ("pressure", {"united-states", "ukraine"}, set(), None),
        ("deadlock", set(), {"donbas", "security-guarantees"}, None),
        ("deadlock", set(), {"zaporizhzhia-npp"}, None),
    ]


def test_the_january_exchange_is_flagged_as_a_possible_repeat_of_the_5_february_swap() -> None:
    """The article dates the exchange to January; the scenario has the 157-for-157 swap on
    5 Feb 2026, five days after the end of January: within the 14-day window."""
    (p,) = [p for p in proposals_before() if p.action == "add_event"
            and p.new["kind"] == "prisoner_exchange"]
    assert p.conflict
    assert p.conflicts == ("may repeat event prisoner-exchange-157 (prisoner_exchange, "
                           "2026-02-05)",)


def test_every_proposal_quotes_the_article_with_the_placeholder_source() -> None:
    for p in proposals_before():
        for r in p.records:
            assert normalise(r.sentence) in normalise(SEED.text)
        if isinstance(p.new, dict):
            assert all(ev["source"] == ARTICLE for ev in p.new["evidence"])


# ------------------------------------------------------------------------------- conflicts
def test_a_rejection_of_the_actors_own_position_is_flagged() -> None:
    """Ukraine sits at 5 on security guarantees; rejecting 'Article 5-like' guarantees (0)
    contradicts it (|5 - 0| <= 10)."""
    s = load("geneva-2026")
    (p,) = propose(extract("Ukraine rejected Article 5-like guarantees.", s), s)
    assert (p.action, p.field, p.old, p.new, p.conflict) == (
        "flag", "stances[ukraine/security-guarantees].position", 5.0, None, True)


def test_an_article_placing_an_actor_at_both_ends_is_flagged() -> None:
    s = load("geneva-2026")
    text = "Russia demanded all of Donbas. Later Russia proposed no territorial concessions."
    (p,) = propose(extract(text, s), s)
    assert (p.action, p.conflict, len(p.records)) == ("flag", True, 2)


def test_an_actor_without_a_stance_gets_add_stance_that_needs_a_salience() -> None:
    s = load("geneva-2026")
    text = "Italy demanded an all-for-all exchange of prisoners."
    (p,) = propose(extract(text, s), s)
    assert (p.action, p.field) == ("add_stance", "stances[italy/prisoner-exchange]")
    assert p.new["position"] == 0.0
    with pytest.raises(ParleyError, match="salience"):
        apply_proposals(s, [p], article_source(text))
    new = apply_proposals(s, [p.with_new(dict(p.new, salience=0.3))], article_source(text))
    st = new.stance("italy", "prisoner-exchange")
    assert st is not None
    assert (st.position.value, st.salience.value) == (0.0, 0.3)


# ------------------------------------------------------------------------------- applying
@cache
def applied() -> Scenario:
    source = article_source(SEED.text, published=PUBLISHED, source_id="bbc-geneva")
    return apply_proposals(before_the_article(), proposals_before(), source)


def test_applying_makes_the_next_version_with_the_article_as_a_source() -> None:
    s = applied()
    assert s.version == before_the_article().version + 1
    src = {x.id: x for x in s.sources}["bbc-geneva"]
    assert src.kind == "article"
    assert src.title == "‘Tough’ Russia-Ukraine peace talks end without breakthrough"
    assert src.published == PUBLISHED
    assert src.sha256 == hashlib.sha256(SEED.text.encode("utf-8")).hexdigest()


def test_applied_values_cite_the_sentence_behind_them() -> None:
    s = applied()
    st = s.stance("russia", "donbas")
    assert st is not None
    assert st.position.value == 100
    assert cites([e for e in st.position.evidence if e.source == "bbc-geneva"],
                 sentence("continues to demand"))
    ua = s.stance("ukraine", "donbas")
    assert ua is not None
    assert ua.position.value == 10
    assert cites(ua.position.evidence, sentence("continues to demand"))


def test_applied_timeline_gains_the_round_and_events() -> None:
    s = applied()
    rounds = {r.venue: r for r in s.rounds}
    assert "Geneva" in rounds
    assert len(rounds["Geneva"].sessions) == 3
    kinds = sorted(e.kind for e in s.events if any(ev.source == "bbc-geneva" for ev in e.evidence))
    assert kinds == sorted(["progress", "deadlock", "accusation", "prisoner_exchange",
                            "pressure", "deadlock", "deadlock"])
    session = next(x for r in s.rounds if r.id == "abu-dhabi-i" for x in r.sessions)
    assert cites(session.evidence, sentence("earlier US-brokered talks"))


def test_applied_scenario_round_trips_through_yaml_and_json() -> None:
    s = applied()
    for fmt in ("yaml", "json"):
        assert loads(dumps(s, fmt=fmt), fmt=fmt).content_hash() == s.content_hash()


def test_applied_scenario_shows_its_new_evidence_and_can_be_forecast(tmp_path: Path) -> None:
    s = applied()
    app = typer.Typer()
    app.command()(show)
    path = save(s, tmp_path / "geneva-v2.yaml")
    result = CliRunner().invoke(app, [str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "[bbc-geneva] Russia continues to demand full control" in result.stdout
    run = run_forecasts(s, store=None, report=None)
    assert run.scenario.version == s.version
    assert run.forecasts
    for f in run.forecasts:  # the Donbas outcome stays on the issue's scale
        assert 0 <= f["donbas"] <= 100


def test_applying_nothing_still_adds_the_source_and_a_version() -> None:
    s = load("geneva-2026")
    new = apply_proposals(s, [], article_source(SEED.text, published=PUBLISHED))
    assert new.version == 2
    # the article is already a source (same SHA-256): it is reused, not added twice
    assert [x.id for x in new.sources] == [x.id for x in s.sources]


def test_a_proposal_for_a_missing_target_raises_a_parley_error() -> None:
    p = proposals_before()[3]  # evidence for the session abu-dhabi-i-trilateral
    data = before_the_article().model_dump(mode="json")
    data["rounds"] = [r for r in data["rounds"] if r["id"] != "abu-dhabi-i"]
    data["events"] = [e for e in data["events"] if e.get("round") != "abu-dhabi-i"]
    with pytest.raises(ParleyError, match="no round"):
        apply_proposals(Scenario.model_validate(data), [p], article_source("x"))


def test_an_invalid_result_is_refused_with_every_problem_listed() -> None:
    """An event naming a round the scenario does not have does not validate."""
    p = next(p for p in proposals_before() if p.action == "add_event")
    broken = p.with_new(dict(p.new, round="no-such-round"))
    with pytest.raises(ScenarioError, match="no-such-round"):
        apply_proposals(before_the_article(), [broken], article_source("x"))


def test_set_outside_the_acceptable_range_widens_it_and_recentres_the_uncertainty() -> None:
    """Russia on security guarantees: position 85, triangular uncertainty, acceptable
    [70, 100]; a demand for Article 5-like guarantees (0) moves it to 0, the mode to 0, the
    low end of both to 0."""
    s = load("geneva-2026")
    text = "Moscow now demands Article 5-like guarantees for Kyiv."
    (p,) = propose(extract(text, s), s)
    assert "widens the acceptable range [70, 100]" in p.note
    st = apply_proposals(s, [p], article_source(text)).stance("russia", "security-guarantees")
    assert st is not None
    assert st.acceptable is not None
    assert (st.acceptable.low, st.acceptable.high) == (0, 100)
    u = st.position.uncertainty
    assert u is not None
    assert (u.low, getattr(u, "mode", None), st.position.value) == (0, 0, 0)


def test_meetings_and_events_of_a_known_round_extend_it() -> None:
    """Published Wednesday 18 Feb 2026. (1) Witkoff and Medinsky 'on Tuesday' (17 Feb) in
    Geneva for 45 minutes: the Geneva round (17-18 Feb) has no US-Russia session -> a new
    side-channel session dated 17 Feb; (2) 'Talks in Geneva ended on Wednesday': no
    participants named (and no "The" that refers back to the meeting before), so the first
    session held that day, the plenary of 18 Feb, gets the evidence; (3) Zelensky's
    accusation on Wednesday:
    the accusation event of 18 Feb, same actors -> evidence for it."""
    s = load("geneva-2026")
    text = ("Geneva update\n\nOn Tuesday, Witkoff held a meeting with Medinsky in Geneva for "
            "about 45 minutes. Talks in Geneva ended on Wednesday. On Wednesday, Zelensky "
            "accused Moscow of stalling.")
    got = propose(extract(text, s, published=PUBLISHED), s)
    assert [(p.action, p.field) for p in got] == [
        ("add_session", "rounds[geneva].sessions"),
        ("add_evidence", "rounds[geneva].sessions[geneva-plenary-day-2]"),
        ("add_evidence", "events[zelensky-accuses-moscow-of-delay]"),
    ]
    session = got[0].new
    assert (set(session["participants"]), session["format"], session["date"],
            session["duration_minutes"]) == ({"united-states", "russia"}, "side_channel",
                                             dt.date(2026, 2, 17), 45)
    new = apply_proposals(s, got, article_source(text, published=PUBLISHED))
    geneva = next(r for r in new.rounds if r.id == "geneva")
    assert len(geneva.sessions) == len(next(r for r in s.rounds if r.id == "geneva").sessions) + 1
    day2 = next(x for x in geneva.sessions if x.id == "geneva-plenary-day-2")
    assert cites(day2.evidence, "Talks in Geneva ended on Wednesday.")
