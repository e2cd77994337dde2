"""Agent-based simulation of the talks: protocols, mediator, side channels, agents.

========================  ===========================================================
module                    concept
========================  ===========================================================
``strategies``            each party's target utility over time (Boulware, linear,
                          Conceder, tit-for-tat, hard-liner, staller)
``offers``                which package a party offers for its target (grid, exact)
``table``                 the state of the talks and the rules every party follows
``protocols``             alternating offers, the mediator's single text, side channels
``timeline``              the scenario's rounds, sessions and events as meetings
``simulate``              :func:`simulate`, :func:`run_simulations`
``result``                :class:`SimulationResult`: agreement, issue by issue, transcript
``briefing``              the HTML page with the offers-over-time chart
========================  ===========================================================
"""

from parley.negotiation.briefing import offers_chart, render_simulation_page, write_simulation_page
from parley.negotiation.offers import POLICIES, OfferSpace, find_offer
from parley.negotiation.protocols import PROTOCOL_NAMES, AlternatingOffers, SingleText, get_protocol
from parley.negotiation.result import IssueOutcome, SimulationResult
from parley.negotiation.simulate import (
    SimulationRun,
    assign_strategies,
    run_simulations,
    simulate,
)
from parley.negotiation.strategies import (
    STRATEGY_NAMES,
    HardLiner,
    Moment,
    Staller,
    Strategy,
    TimeDependent,
    TitForTat,
    boulware,
    conceder,
    linear,
    parse_strategy,
)
from parley.negotiation.table import Entry, Table
from parley.negotiation.timeline import Meeting, Timeline, build_timeline

__all__ = [
    "POLICIES",
    "PROTOCOL_NAMES",
    "STRATEGY_NAMES",
    "AlternatingOffers",
    "Entry",
    "HardLiner",
    "IssueOutcome",
    "Meeting",
    "Moment",
    "OfferSpace",
    "SimulationResult",
    "SimulationRun",
    "SingleText",
    "Staller",
    "Strategy",
    "Table",
    "TimeDependent",
    "Timeline",
    "TitForTat",
    "assign_strategies",
    "boulware",
    "build_timeline",
    "conceder",
    "find_offer",
    "get_protocol",
    "linear",
    "offers_chart",
    "parse_strategy",
    "render_simulation_page",
    "run_simulations",
    "simulate",
    "write_simulation_page",
]
