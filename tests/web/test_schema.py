"""The OpenAPI schema is the contract: schemathesis sends schema-generated requests to every
operation (in-process, through the ASGI app) and checks that no answer is a server error and
that every status code, content type and body is the one the schema documents.

One check is left out: ``positive_data_acceptance`` expects every schema-valid body to be
accepted, but a scenario has rules that JSON Schema cannot state (ids must be unique, stances
must name known actors, positions must lie on their issue's scale), so a schema-valid body
may rightly get 422 with its problems listed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed "
                                                        "(python -m pip install -e '.[test]')")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from parley.web import create_app  # noqa: E402

EXAMPLES = 8  # per operation: enough to reach every branch of the handlers, fast


def test_every_operation_answers_as_its_schema_says(tmp_path: Path) -> None:
    app = create_app(tmp_path / "runs.sqlite3")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(
                excluded_checks=[schemathesis.checks.positive_data_acceptance])

        try:
            check()
        except Exception as err:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {err}")
    assert not failures, "\n\n".join(failures)
