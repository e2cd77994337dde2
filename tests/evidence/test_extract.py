"""Reading news text: the seed article's hand labels are all found, held-out texts meet the
recall and precision goals, and the building blocks (sentences, dates, quotes, gazetteer,
cues) follow their documented rules.

The labels in ``tests/data/news/*.labels.yaml`` were written by hand before the rules (the
seed article) or before the extractor first ran on the text (the three held-out articles);
see the headers of those files and docs/evidence.md.
"""

from __future__ import annotations

import datetime as dt
import socket
from functools import cache
from typing import Any

import pytest

from parley.evidence import KINDS, PLOVER_TYPES, STATUSES, EvidenceRecord, extract
from parley.evidence.dates import find_dates, find_durations
from parley.evidence.gazetteer import Gazetteer
from parley.evidence.quotes import find_quotes
from parley.evidence.rules import find_cues
from parley.evidence.sentences import split_sentences
from parley.io import load
from parley.scenario import Scenario
from tests.evidence.labels import Labelled, labelled, matches, scores

pytest.importorskip("dateparser", reason="parley[evidence] is not installed")

SEED = "geneva-talks-article"
HELD_OUT = ("istanbul-round", "north-south-talks", "moscow-visit")


@cache
def scenario(name: str) -> Scenario:
    return load(name)


@cache
def read(name: str) -> tuple[Labelled, tuple[EvidenceRecord, ...]]:
    doc = labelled(name)
    return doc, tuple(extract(doc.text, scenario(doc.scenario), published=doc.published))


# ------------------------------------------------------------------------------- seed article
def test_the_seed_article_is_the_projects_own_seed_file() -> None:
    """The copy in tests/data must be byte-identical to the file the scenario cites."""
    import hashlib

    doc, _ = read(SEED)
    declared = {s.id: s.sha256 for s in scenario("geneva-2026").sources}["bbc-geneva-2026-02-18"]
    assert hashlib.sha256(doc.text.encode("utf-8")).hexdigest() == declared


def test_every_hand_labelled_item_of_the_seed_article_is_found() -> None:
    doc, records = read(SEED)
    missed = [x for x in doc.items if not any(matches(x, r) for r in records)]
    assert not missed, missed


_DETAILS = ("value", "status", "speaker", "quote", "venue", "duration_minutes", "target",
            "subtype", "event_type")


@pytest.mark.parametrize("index", range(len(labelled(SEED).items)))
def test_seed_record_details_equal_the_hand_labels(index: int) -> None:
    """Values, statuses, speakers, quotes, venues, durations, participants and dates."""
    doc, records = read(SEED)
    label = doc.items[index]
    (record,) = [r for r in records if matches(label, r)]
    for key in _DETAILS:
        if key in label:
            assert getattr(record, key) == label[key], key
    if "participants" in label:
        assert set(record.participants) == set(label["participants"])
    if "date" in label:
        text = str(label["date"])
        assert record.date is not None
        if len(text) == 7:  # "2026-01": only the month is known
            assert (record.date_precision, f"{record.date:%Y-%m}") == ("month", text)
        else:
            assert record.date == label["date"]
    if "end" in label:
        assert record.end == label["end"]


def test_seed_article_yields_no_record_beyond_the_labels() -> None:
    """Not a goal of the issue, but a guard: on the seed every record is a labelled one."""
    doc, records = read(SEED)
    _, precision, _, spurious = scores(doc.items, list(records))
    assert precision == 1.0, spurious


# ------------------------------------------------------------------------------- held out
def _pooled() -> tuple[float, float, list[Any], list[Any]]:
    items: list[Any] = []
    records: list[EvidenceRecord] = []
    for name in HELD_OUT:
        doc, recs = read(name)
        items += doc.items
        records += recs
    return scores(tuple(items), records)


def test_held_out_recall_and_precision_meet_the_goals() -> None:
    """Goals of the issue: recall >= 0.7 and precision >= 0.85, pooled over the held-out
    texts (83 labels). At the first run (rules frozen since) 73 of 83 labels were found
    (recall 0.880) and 73 of 82 records were labelled (precision 0.890)."""
    recall, precision, missed, spurious = _pooled()
    assert recall >= 0.7, missed
    assert precision >= 0.85, spurious


@pytest.mark.parametrize("name", HELD_OUT)
def test_each_held_out_text_meets_the_recall_goal(name: str) -> None:
    doc, records = read(name)
    recall, _, missed, _ = scores(doc.items, list(records))
    assert recall >= 0.7, missed


# ------------------------------------------------------------------------------- contracts
def test_extract_opens_no_network_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("extract tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    doc = labelled("moscow-visit")
    assert extract(doc.text, scenario(doc.scenario), published=dt.date(2031, 7, 1))


@pytest.mark.parametrize("name", [SEED, *HELD_OUT])
def test_every_record_cites_its_sentence_by_span(name: str) -> None:
    doc, records = read(name)
    for r in records:
        start, end = r.span
        assert doc.text[start:end] == r.sentence
        assert r.kind in KINDS
        assert 0 < r.confidence <= 1
        assert r.event_type is None or r.event_type in PLOVER_TYPES
        assert r.status is None or r.status in STATUSES
        assert r.kind != "issue_status" or r.status is not None
        assert r.kind not in ("meeting", "issue_status") or r.actor is None


@pytest.mark.parametrize("name", [SEED, *HELD_OUT])
def test_records_name_only_declared_actors_and_issues(name: str) -> None:
    doc, records = read(name)
    s = scenario(doc.scenario)
    actors, issues = {a.id for a in s.actors}, {i.id for i in s.issues}
    for r in records:
        assert {r.actor, r.target, *r.participants} - {None} <= actors
        assert r.issue is None or r.issue in issues


def test_extract_is_deterministic_and_needs_no_publication_date() -> None:
    doc, records = read(SEED)
    again = extract(doc.text, scenario(doc.scenario), published=doc.published)
    assert tuple(again) == records
    undated = extract(doc.text, scenario(doc.scenario))
    assert [r.key for r in undated] == [r.key for r in records]
    assert all(r.date is None for r in undated)  # "Tuesday" cannot be resolved


def test_a_scenario_without_gazetteer_fields_still_reads_names() -> None:
    """The bundled teaching scenario has no aliases or keywords: actor names still match."""
    recs = extract("North demanded a deal. South rejected it.", load("two-party-ceasefire"))
    assert [(r.kind, r.actor) for r in recs] == [("demand", "north"), ("rejection", "south")]


# ------------------------------------------------------------------------------- sentences
def test_sentences_do_not_end_after_titles_initials_or_us() -> None:
    text = ("Mr. Witkoff met Gen. Grynkewich on Feb. 5. The U.S. envoy left. J. Smith said "
            "the U.S. The talks ended.")
    assert [s.text for s in split_sentences(text)] == [
        "Mr. Witkoff met Gen. Grynkewich on Feb. 5.",
        "The U.S. envoy left.",
        "J. Smith said the U.S.",
        "The talks ended.",
    ]


def test_sentences_end_inside_closing_quotes_and_keep_paragraphs() -> None:
    text = "Headline here\n\nHe said “we are ready.” Then he left.\n\nNew paragraph."
    got = split_sentences(text)
    assert [s.text for s in got] == ["Headline here", "He said “we are ready.”",
                                     "Then he left.", "New paragraph."]
    assert [s.paragraph for s in got] == [0, 1, 1, 2]
    assert all(text[s.span[0]:s.span[1]] == s.text for s in got)


# ------------------------------------------------------------------------------- dates
@pytest.mark.parametrize(("phrase", "expected"), [
    # Published Wednesday 18 Feb 2026 (1 Jan 2026 is a Thursday; +48 days = Wednesday).
    ("on Wednesday", dt.date(2026, 2, 18)),        # the day itself
    ("late into Tuesday", dt.date(2026, 2, 17)),   # one day back
    ("on Thursday", dt.date(2026, 2, 12)),         # the last Thursday, 6 days back
    ("last Wednesday", dt.date(2026, 2, 11)),      # strictly before: 7 days back
    ("next Monday", dt.date(2026, 2, 23)),         # 5 days on
    ("on 23 January", dt.date(2026, 1, 23)),
    ("on Jan. 23", dt.date(2026, 1, 23)),
    ("on March 3", dt.date(2025, 3, 3)),           # past tense: the last 3 March
    ("yesterday", dt.date(2026, 2, 17)),
    ("two weeks ago", dt.date(2026, 2, 4)),
])
def test_dates_resolve_against_the_publication_date(phrase: str, expected: dt.date) -> None:
    (found,) = find_dates(f"They met {phrase}.", dt.date(2026, 2, 18))
    assert (found.date, found.precision) == (expected, "day")


def test_a_month_without_a_day_has_month_precision_and_tense_picks_the_year() -> None:
    past = find_dates("Talks were held in March.", dt.date(2026, 2, 18))
    future = find_dates("Talks will be held in March.", dt.date(2026, 2, 18))
    assert [(d.date, d.precision) for d in past] == [(dt.date(2025, 3, 1), "month")]
    assert [(d.date, d.precision) for d in future] == [(dt.date(2026, 3, 1), "month")]
    assert find_dates("since March 2022", None)[0].date == dt.date(2022, 3, 1)
    assert find_dates("in March", None) == []  # no year and no publication date


@pytest.mark.parametrize(("text", "minutes"), [
    ("for about 90 minutes", 90), ("about two hours", 120), ("almost six hours", 360),
    ("an hour and a half", 90), ("half an hour", 30), ("a 45-minute call", 45),
])
def test_durations_are_read_in_minutes(text: str, minutes: float) -> None:
    assert [d.minutes for d in find_durations(text)] == [minutes]


# ------------------------------------------------------------------------------- quotes, names
def test_curly_single_quotes_are_not_confused_with_apostrophes() -> None:
    text = "‘Tough’ talks on Moscow’s terms and the two sides’ positions: ‘Kyiv’s red line’."
    assert [q.text for q in find_quotes(text)] == ["Tough", "Kyiv’s red line"]


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("“We will not yield,” Lavrov said.", "Sergei Lavrov"),            # “…,” X said
    ('"We will not yield," said Lavrov.', "Sergei Lavrov"),             # straight quotes
    ("Zelensky said the talks were “not easy”.", "Volodymyr Zelensky"),  # X said “…”
    ("Peskov described the talks as “useful”.", "Dmitry Peskov"),      # described as
    ("Trump, speaking at the White House, said it was “close”.", "Donald Trump"),
    ("The talks were “useful”, according to Witkoff.", "Steve Witkoff"),
])
def test_quotes_are_attributed_to_their_speaker(sentence: str, speaker: str) -> None:
    (quote,) = [r for r in extract(sentence, scenario("geneva-2026")) if r.kind == "quote"]
    assert quote.speaker == speaker


def test_a_pronoun_speaker_is_the_previous_sentences_actor() -> None:
    text = "Medinsky rejected the plan. “It is dead,” he said."
    recs = [r for r in extract(text, scenario("geneva-2026")) if r.kind == "quote"]
    assert [(r.actor, r.speaker, r.rule) for r in recs] == [
        ("russia", "Vladimir Medinsky", "quote.after")]


def test_gazetteer_matches_people_aliases_and_longest_keywords() -> None:
    g = Gazetteer(scenario("geneva-2026"))
    text = "Zelenskyy and the U.S. discussed the Zaporizhzhia Nuclear Power Plant and Kherson."
    assert [(m.actor, m.person) for m in g.actors_in(text)] == [
        ("ukraine", "Volodymyr Zelensky"), ("united-states", None)]
    assert [k.issue for k in g.issues_in(text)] == ["zaporizhzhia-npp", "front-line"]
    assert g.actors_in("us and them") == []  # "US" is matched with its case


def test_pole_phrases_allow_a_few_words_between_and_word_prefixes() -> None:
    g = Gazetteer(scenario("geneva-2026"))
    assert [(p.issue, p.pole) for p in g.poles_in("a withdrawal from the rest of Donetsk")] \
        == [("donbas", "high")]
    assert g.poles_in("withdrawal, after long talks about many other things, from Donetsk") == []


def test_negated_cues_are_dropped() -> None:
    cues = [c.cue.name for c in find_cues("Moscow did not rule out a deal and did not reject "
                                          "the plan, but would not accept foreign troops.")]
    assert cues == ["rejection.negated"]


@pytest.mark.parametrize(("sentence", "kind", "actor", "issue", "value"), [
    ("Russia demands full control of Donbas.", "demand", "russia", "donbas", 100),
    ("Kyiv rejected a withdrawal from Donetsk.", "rejection", "ukraine", "donbas", 100),
    ("The US proposed international monitoring.", "proposal", "united-states",
     "ceasefire-monitoring", 0),
    ("Lavrov said Moscow wants a neutral Ukraine.", "demand", "russia", "security-guarantees",
     100),
    ("Ukraine insists on an all-for-all exchange of prisoners.", "demand", "ukraine",
     "prisoner-exchange", 0),
])
def test_stance_cues_take_agent_issue_and_pole(sentence: str, kind: str, actor: str,
                                               issue: str, value: float) -> None:
    recs = [r for r in extract(sentence, scenario("geneva-2026")) if r.kind == kind]
    assert [(r.actor, r.issue, r.value) for r in recs] == [(actor, issue, value)]
