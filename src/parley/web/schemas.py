"""The documents of the HTTP API: request and response bodies (pydantic models).

These models are what the OpenAPI schema (``GET /openapi.json``) publishes: the schema is the
API's contract, and the test suite checks the server against it (schemathesis). Scenario
bodies are the native scenario format, whose schema :func:`scenario_components` adds under
``components/schemas/scenario.*``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "NAME_PATTERN",
    "SCENARIO_REF",
    "CompareDoc",
    "DeletedDoc",
    "ErrorDoc",
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
    "RunDoc",
    "RunListDoc",
    "ScenarioDoc",
    "ScenarioListDoc",
    "ScenarioSummary",
    "ValidationDoc",
    "VersionDoc",
    "VersionListDoc",
    "scenario_components",
]

#: Names the library stores: letters, digits, ``.``, ``_`` and ``-``; they appear in URLs.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$"

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


class JobDoc(_Doc):
    """A background job and, once done, its result (the document of parley forecast --json)."""

    id: str
    kind: Literal["forecast"]
    status: Literal["queued", "running", "done", "failed"]
    scenario: str
    version: int
    scenario_hash: str
    models: list[str]
    seed: int | None
    done: int = Field(description="Models finished so far.")
    total: int = Field(description="Models to run.")
    created_at: str
    started_at: str | None
    finished_at: str | None
    error: str | None
    runs: list[str] = Field(description="Ids of the runs recorded in the store.")
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
