"""Capability schemes: the Council tables against the treaties' published totals.

Independent figures: the pre-Nice Council had 87 weighted votes (TEC Art. 205(2), EU-15);
Nice gave 321 votes for EU-25 and 345 for EU-27 (2003 and 2005 Acts of Accession, with
Bulgaria 10 and Romania 14); the Lisbon population shares of Council Decision 2015/2393
add up to 100 % (to rounding).
"""

from __future__ import annotations

import datetime as dt

import pytest

from parley.backtest.capability import (
    INSTITUTIONS,
    LISBON,
    NICE,
    PRE_NICE,
    capabilities,
    council_table,
    institution_weight,
)
from parley.errors import ParleyError
from parley.io.deu import DeuData, DeuIssue

EU15 = {"at", "be", "de", "dk", "el", "es", "fi", "fr", "ie", "it", "lu", "nl", "pt", "se", "uk"}
EU10 = {"cy", "cz", "ee", "hu", "lt", "lv", "mt", "pl", "si", "sk"}


def issue(period: str | None, actors: list[str]) -> DeuIssue:
    return DeuIssue("p", "p-i1", 3, period=period, positions=dict.fromkeys(actors, 50.0),
                    saliences=dict.fromkeys(actors, 50.0), outcome=50.0)


def test_pre_nice_table_is_the_eu15_with_87_votes() -> None:
    assert set(PRE_NICE.weights) == EU15
    assert sum(PRE_NICE.weights.values()) == 87


def test_nice_table_has_321_votes_for_eu25_and_345_for_eu27() -> None:
    assert set(NICE.weights) == EU15 | EU10 | {"bu", "ro"}
    assert sum(v for a, v in NICE.weights.items() if a not in ("bu", "ro")) == 321
    assert sum(NICE.weights.values()) == 345


def test_lisbon_population_shares_add_up_to_100_percent() -> None:
    assert set(LISBON.weights) == EU15 | EU10 | {"bu", "ro", "cr"}
    assert sum(LISBON.weights.values()) == pytest.approx(100.0, abs=0.05)
    assert max(LISBON.weights, key=LISBON.weights.__getitem__) == "de"


def test_every_table_cites_its_source() -> None:
    for table in (PRE_NICE, NICE, LISBON):
        assert "Art" in table.source
        assert "OJ" in table.source


def test_institutions_weigh_as_much_as_the_mean_member_state() -> None:
    assert institution_weight(PRE_NICE) == pytest.approx(87 / 15)
    assert institution_weight(NICE) == pytest.approx(345 / 27)


def test_the_period_picks_the_treaty() -> None:
    assert council_table(issue("up-to-2003", ["com", "de"])).id == "pre-nice"
    assert council_table(issue("2004-2008", ["com", "de"])).id == "nice"
    assert council_table(issue("2009-later", ["com", "de"])).id == "lisbon"


def test_a_member_state_missing_from_its_period_moves_the_issue_to_a_later_table() -> None:
    # Poland on a proposal of 2003: decided after the 2004 enlargement
    assert council_table(issue("up-to-2003", ["com", "de", "pl"])).id == "nice"
    # Croatia has no Nice weight
    assert council_table(issue("2004-2008", ["de", "cr"])).id == "lisbon"
    # unknown date: the earliest table that weighs everyone
    assert council_table(issue(None, ["de", "fr"])).id == "pre-nice"


def test_an_actor_no_table_weighs_is_an_error() -> None:
    with pytest.raises(ParleyError, match="no Council voting table"):
        council_table(issue("2009-later", ["de", "ch"]))


def test_vote_capabilities_of_a_pre_nice_issue() -> None:
    caps = capabilities("council-votes", issue("up-to-2003", ["com", "ep", "de", "lu"]))
    assert caps == {"com": pytest.approx(5.8), "ep": pytest.approx(5.8), "de": 10.0,
                    "lu": 2.0}
    assert set(INSTITUTIONS) <= set(caps)


def test_equal_and_gdp_schemes(small: DeuData) -> None:
    first = small.issues[0]
    assert capabilities("equal", first) == dict.fromkeys(first.actors, 1.0)
    assert capabilities("gdp", first, small.gdp) == {"com": 4.1, "ep": 4.1, "de": 3.5,
                                                     "fr": 2.6, "lu": 0.06}


def test_gdp_leaves_out_actors_without_a_gdp_value(small: DeuData) -> None:
    assert "cz" not in capabilities("gdp", small.issues[1], {"com": 4.1, "de": 3.5, "fr": 2.6})


@pytest.mark.parametrize(("scheme", "gdp", "message"), [
    ("votes", None, "unknown capability scheme"),
    ("gdp", {}, "GDP row"),
])
def test_unusable_schemes_are_errors(scheme: str, gdp: dict[str, float] | None,
                                     message: str) -> None:
    with pytest.raises(ParleyError, match=message):
        capabilities(scheme, issue("2009-later", ["de"]), gdp)


def test_deu3_proposals_of_2003_with_2004_entrants_use_nice(deu3: DeuData) -> None:
    moved = [i for i in deu3.scoreable() if i.period == "up-to-2003"
             and council_table(i).id != "pre-nice"]
    assert moved
    assert all(i.intro is not None and i.intro < dt.date(2004, 1, 1) for i in moved)
    assert all(set(i.actors) & EU10 for i in moved)
