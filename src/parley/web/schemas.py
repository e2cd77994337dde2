"""The documents of the HTTP API: request and response bodies (pydantic models).

These models are what the OpenAPI schema (``GET /openapi.json``) publishes: the schema is the
API's contract, and the test suite checks the server against it (schemathesis). Scenario
bodies are the native scenario format, whose schema :func:`scenario_components` adds under
``components/schemas/scenario.*``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "MAX_ARTICLE_CHARS",
    "MAX_RUNS",
    "NAME_PATTERN",
    "SCENARIO_REF",
    "CompareDoc",
    "DealsRequest",
    "DecisionDoc",
    "DeletedDoc",
    "EnsembleRequest",
    "ErrorDoc",
    "EvidenceApplyRequest",
    "EvidenceDoc",
    "EvidenceRecordDoc",
    "EvidenceRequest",
    "EvidenceSavedDoc",
    "ForecastRequest",
    "HealthDoc",
    "IssueDiffDoc",
    "JobDoc",
    "JobListDoc",
    "LoginDoc",
    "LoginRequest",
    "ModelDoc",
    "ModelListDoc",
    "ProblemDoc",
    "ProposalDoc",
    "RunDoc",
    "RunListDoc",
    "ScenarioDoc",
    "ScenarioListDoc",
    "ScenarioSummary",
    "SimulationRequest",
    "TornadoRequest",
    "ValidationDoc",
    "VersionDoc",
    "VersionListDoc",
    "scenario_components",
]

#: Names the library stores: letters, digits, ``.``, ``_`` and ``-``; they appear in URLs.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$"

#: Longest article the evidence endpoints read (characters).
MAX_ARTICLE_CHARS = 100_000

#: Most draws an ensemble request may ask for (:data:`parley.web.ensembles.MAX_RUNS`).
MAX_RUNS = 20_000

#: Where the scenario schema lives in the OpenAPI document.
SCENARIO_REF = "#/components/schemas/scenario.Scenario"

Origin = Literal["bundled", "user"]
_SCENARIO_FIELD: dict[str, Any] = {"x-parley-ref": SCENARIO_REF}


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemDoc(_Doc):
    """One problem with an input: the field, the rule broken, the value given and the fix."""

    field: str = Field(description="Dotted path of the field, e.g. stances[3].salience.")
    rule: str
    value: Any = Field(default=None, description="The value given (long ones shortened).")
    fix: str = ""
    line: int | None = Field(default=None, description="1-based line in the body, if known.")
    source: str | None = None


class ErrorDoc(_Doc):
    """Every error response: a message and, for bad input, the problems found."""

    error: str
    problems: list[ProblemDoc] = Field(default_factory=list)


class HealthDoc(_Doc):
    status: Literal["ok"]
    version: str
    auth: bool = Field(description="Whether requests need the API token.")


class ScenarioSummary(_Doc):
    name: str
    title: str
    version: int = Field(description="The latest version.")
    origin: Origin = Field(description="Where the latest version lives: bundled with parley "
                                       "(read-only) or saved by a user in the run store.")
    bundled: bool = Field(description="Whether parley ships a scenario of this name.")
    deletable: bool = Field(description="Whether it has user versions that DELETE removes.")
    actors: int
    issues: int
    stances: int
    updated_at: str | None = None


class ScenarioListDoc(_Doc):
    scenarios: list[ScenarioSummary]


class VersionDoc(_Doc):
    version: int
    origin: Origin
    hash: str
    created_at: str | None = None


class VersionListDoc(_Doc):
    name: str
    versions: list[VersionDoc]


class ScenarioDoc(_Doc):
    """One version of a scenario, with where it lives and which versions exist."""

    name: str
    version: int
    latest_version: int
    origin: Origin
    bundled: bool
    deletable: bool
    hash: str
    created_at: str | None = None
    versions: list[VersionDoc]
    scenario: dict[str, Any] = Field(description="The scenario, with every field.",
                                     json_schema_extra=_SCENARIO_FIELD)


class DeletedDoc(_Doc):
    name: str
    versions_deleted: int
    bundled_remains: bool = Field(description="Whether the bundled scenario of this name "
                                              "is still listed (now at its bundled version).")


class ValidationDoc(_Doc):
    valid: bool
    problems: list[ProblemDoc]
    name: str | None = None
    hash: str | None = None
    actors: int | None = None
    issues: int | None = None
    stances: int | None = None


class ModelDoc(_Doc):
    name: str
    summary: str
    baseline: bool = Field(description="Run when a forecast request names no models.")


class ModelListDoc(_Doc):
    models: list[ModelDoc]


class ForecastRequest(_Doc):
    """Start a forecast: which scenario (and version), which models, which seed."""

    scenario: str = Field(pattern=NAME_PATTERN, max_length=120)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="Default: the latest version.")
    models: list[str] | None = Field(default=None, min_length=1, max_length=20,
                                     description="Registered model names (default: the "
                                                 "baseline models).")
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)


class DealsRequest(_Doc):
    """Start a deal analysis (:func:`parley.deals.analyse_deals` on the grid of packages)."""

    scenario: str = Field(pattern=NAME_PATTERN, max_length=120)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="Default: the latest version.")
    parties: list[Annotated[str, Field(max_length=120)]] | None = Field(
        default=None, min_length=2, max_length=50,
        description="Actor ids to treat as parties (default: the actors whose role is "
                    "'party').")
    loss: Literal["linear", "quadratic"] = Field(
        default="linear", description="Loss shape of the utilities: linear (risk neutral) "
                                      "or quadratic (risk averse).")
    grid_points: int = Field(default=11, ge=2, le=101,
                             description="Points per issue of the package grid (the space "
                                         "has grid_points ** issues packages).")
    top: int = Field(default=10, ge=0, le=100, description="How many deals to list.")


_Strategy = Annotated[str, Field(max_length=120)]


class SimulationRequest(_Doc):
    """Simulate the talks (:func:`parley.negotiation.simulate`)."""

    scenario: str = Field(pattern=NAME_PATTERN, max_length=120)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="Default: the latest version.")
    protocol: Literal["alternating", "single-text"] = Field(
        default="alternating", description="The protocol of the plenaries: multilateral "
                                           "alternating offers, or the mediator's single text.")
    strategies: list[_Strategy] | None = Field(
        default=None, max_length=50,
        description="Strategies by party, as ACTOR=NAME strings (e.g. russia=hard-liner); "
                    "names: boulware, linear, conceder, "
                    "tit-for-tat, hard-liner, staller, time:E, staller:DELTA. Default: "
                    "Boulware, or staller for a party the scenario accuses of delaying.")
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1,
                             description="Seed of the order of turns (order 'random').")
    steps: int = Field(default=10, ge=1, le=100,
                       description="Rounds of offers per negotiating meeting.")
    order: Literal["listed", "random"] = Field(
        default="listed", description="Order of turns in each meeting: the parties' order, "
                                      "or drawn from the seed.")


class EnsembleRequest(_Doc):
    """Run an ensemble (:func:`parley.ensemble.run_ensemble`): the model on many draws of
    the scenario's uncertain inputs."""

    scenario: str = Field(pattern=NAME_PATTERN, max_length=120)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="Default: the latest version.")
    model: str = Field(default="compromise", max_length=60,
                       description="A registered model (GET /api/models) or "
                                   "simulate[:alternating|:single-text].")
    runs: int = Field(default=1000, ge=1, le=MAX_RUNS, description="Number of draws.")
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1,
                             description="Master seed (default: a fresh one, in the job).")
    jitter: str | None = Field(
        default=None, max_length=200,
        description="Noise for numbers that declare no uncertainty: 0.1, or "
                    "capability=0.2,salience=0.1,position=0.05 (position: share of the "
                    "scale). Needed when the scenario declares no uncertainty.")


class TornadoRequest(_Doc):
    """A one-at-a-time tornado (:func:`parley.ensemble.sensitivity.tornado`): every uncertain
    input at its 5 % and 95 % quantiles in turn, the others at their point values."""

    scenario: str = Field(pattern=NAME_PATTERN, max_length=120)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="Default: the latest version.")
    model: str = Field(default="compromise", max_length=60,
                       description="As for ensembles.")
    seed: int = Field(default=0, ge=0, le=2**63 - 1,
                      description="The model seed, the same for every run.")
    jitter: str | None = Field(default=None, max_length=200, description="As for ensembles.")
    issue: str | None = Field(default=None, max_length=120,
                              description="Only this issue's bars (default: every issue).")
    top: int = Field(default=10, ge=1, le=100, description="Most bars per issue.")


class JobDoc(_Doc):
    """A background job and, once done, its result: the document of ``parley forecast
    --json`` (kind ``forecast``), of ``parley deals --json`` with the chart's points
    (kind ``deals``), of a simulation with the offers chart's packages (kind
    ``simulate``), of ``parley ensemble --json`` (kind ``ensemble``) or a tornado (kind
    ``tornado``)."""

    id: str
    kind: Literal["forecast", "deals", "simulate", "ensemble", "tornado"]
    status: Literal["queued", "running", "done", "failed"]
    scenario: str
    version: int
    scenario_hash: str
    models: list[str] = Field(description="The models run (forecasts), the protocol "
                                          "(simulations) or the model (ensembles, tornadoes).")
    seed: int | None
    done: int = Field(description="Steps finished so far: models (forecasts), draws "
                                  "(ensembles), else 0 or 1.")
    total: int = Field(description="Steps to run: models (forecasts), draws (ensembles), "
                                   "else 1.")
    created_at: str
    started_at: str | None
    finished_at: str | None
    error: str | None
    runs: list[str] = Field(description="Ids of the runs recorded in the store.")
    parameters: dict[str, Any] = Field(default_factory=dict,
                                       description="The request's parameters (deals, "
                                                   "simulate, ensemble and tornado jobs).")
    result: dict[str, Any] | None


class JobListDoc(_Doc):
    jobs: list[JobDoc]


class RunDoc(_Doc):
    id: str
    kind: str
    model: str | None
    scenario_name: str
    scenario_hash: str
    parameters: dict[str, Any]
    seed: int | None
    parley_version: str
    started_at: str
    finished_at: str
    duration_s: float
    status: str
    result: dict[str, Any] | None = None


class RunListDoc(_Doc):
    runs: list[RunDoc]


class IssueDiffDoc(_Doc):
    id: str
    name: str
    a: float | None
    b: float | None
    difference: float | None = Field(description="b - a, where both runs forecast the issue.")


class CompareDoc(_Doc):
    a: RunDoc
    b: RunDoc
    issues: list[IssueDiffDoc]


class EvidenceRequest(_Doc):
    """Read an article about a scenario's talks: its evidence records and proposed updates."""

    scenario: str = Field(pattern=NAME_PATTERN, max_length=120)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="Default: the latest version.")
    text: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS,
                      description="The article: the headline on the first line, then "
                                  "paragraphs separated by blank lines.")
    published: dt.date | None = Field(
        default=None, description="Publication date; 'on Tuesday' and 'in January' are "
                                  "resolved against it.")


class EvidenceRecordDoc(BaseModel):
    """One thing a sentence says (:class:`parley.evidence.EvidenceRecord`)."""

    model_config = ConfigDict(extra="allow")

    kind: str
    sentence: str
    span: list[int] = Field(description="Start and end of the sentence in the text, in "
                                        "characters (Unicode code points).")
    rule: str
    confidence: float
    actor: str | None = None
    issue: str | None = None
    value: float | None = None
    status: str | None = None


class ProposalDoc(_Doc):
    """A proposed update (:class:`parley.evidence.Proposal`); ``records`` are indices into
    the answer's ``records``."""

    id: str
    action: Literal["set", "add_evidence", "add_stance", "add_event", "add_round",
                    "add_session", "flag"]
    field: str
    old: Any = None
    new: Any = None
    conflict: bool
    conflicts: list[str]
    note: str
    records: list[int]


class EvidenceDoc(_Doc):
    scenario: str
    version: int = Field(description="The version the proposals apply to.")
    hash: str
    records: list[EvidenceRecordDoc]
    proposals: list[ProposalDoc]


class DecisionDoc(_Doc):
    """What the analyst decided about one proposal."""

    id: str = Field(max_length=20, description="The proposal's id (p1, p2...).")
    decision: Literal["accept", "edit", "reject"]
    new: Any = Field(default=None, description=(
        "For 'edit': a number for 'set' and 'flag'; {position, salience} for 'add_stance'; "
        "{description} for 'add_event' and 'add_session'; {name} for 'add_round'."))


class EvidenceApplyRequest(_Doc):
    """Apply the accepted (and edited) proposals of an article and save the next version.

    The server reads the article again against ``version`` (the rules are deterministic),
    so the proposal ids are those ``POST /api/evidence`` gave for the same text and version.
    """

    scenario: str = Field(pattern=NAME_PATTERN, max_length=120)
    version: int = Field(ge=1, le=2**31 - 1, description="The version reviewed; it must "
                                                         "still be the latest (else 409).")
    text: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS)
    published: dt.date | None = None
    url: str = Field(default="", max_length=2000, description="Where the article was found.")
    source_id: str | None = Field(default=None, pattern=NAME_PATTERN, max_length=120,
                                  description="Id of its 'sources' entry (default: from "
                                              "its title and date).")
    decisions: list[DecisionDoc] = Field(min_length=1, max_length=1000)


class EvidenceSavedDoc(_Doc):
    applied: list[str] = Field(description="Ids of the proposals applied.")
    source: str = Field(description="The id of the article's 'sources' entry.")
    saved: ScenarioDoc


class LoginRequest(_Doc):
    token: str = Field(min_length=1, max_length=512)


class LoginDoc(_Doc):
    ok: bool


def scenario_components() -> dict[str, Any]:
    """The scenario's JSON Schema as OpenAPI components named ``scenario.<Model>``."""
    from parley.scenario import Scenario

    schema = Scenario.model_json_schema(ref_template="#/components/schemas/scenario.{model}")
    defs: dict[str, Any] = schema.pop("$defs", {})
    out = {f"scenario.{name}": value for name, value in defs.items()}
    out["scenario.Scenario"] = schema
    return out
