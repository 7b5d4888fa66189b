"""schemathesis against the live API for every klein operation and the run reads.

Reads (get run, search runs, callback history, health, auth) get positive and negative cases.
Dispatch operations get negative cases only: invalid input must be rejected with a documented
error, and a case the API wrongly accepts creates a paid run, so each dispatch case takes a unit
of the budget first and gives it back when nothing was created. Checks are schemathesis' defaults,
including the auth probes (free: requests without a valid key create nothing).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from schemathesis import Case, GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.schemas import APIOperation, BaseSchema

from tests.contract.live.plugin import LiveSession, configured_spec

READS = ["get_run", "search_runs", "get_run_callback_deliveries", "get_health", "get_current_principal"]
DISPATCHES = r"^(create_flux_2_klein_.*_run|legacy_run_flux_2_klein_.*)$"
SPEC, EXAMPLES = configured_spec()


def _schema(modes: list[GenerationMode]) -> BaseSchema:
    schema = schemathesis.openapi.from_dict(SPEC)
    schema.config.phases.coverage.enabled = (
        False  # hundreds of boundary cases per operation: not for a live API
    )
    schema.config.generation.update(modes=modes, max_examples=EXAMPLES)
    return schema


reads = _schema([GenerationMode.POSITIVE, GenerationMode.NEGATIVE]).include(operation_id=READS)
dispatches = _schema([GenerationMode.NEGATIVE]).include(operation_id_regex=DISPATCHES)
LiveCase = Case[APIOperation[Any, Any, Any, Any]]


@reads.parametrize()
def test_reads_conform(case: LiveCase, live: LiveSession) -> None:
    # search_runs' q, sort_by and fields are grammars (an ANTLR filter, sort and projection
    # expressions) that JSON Schema cannot express: a schema-valid random string is rightly
    # answered with the documented 422, so "valid data accepted" cannot be asked of them.
    grammar = case.operation.definition.raw.get("operationId") == "search_runs"
    case.call_and_validate(
        base_url=live.base_url,
        headers=live.auth,
        excluded_checks=[positive_data_acceptance] if grammar else None,
    )


@dispatches.parametrize()
def test_invalid_dispatches_are_rejected(case: LiveCase, live: LiveSession) -> None:
    if not live.budget.reserve(probe=True):
        pytest.skip("no live budget left to cover a wrongly accepted dispatch (use --live-budget 2 or more)")
    response = case.call(base_url=live.base_url, headers=live.auth)
    live.budget.settle(created=200 <= response.status_code < 300)
    case.validate_response(response, headers=live.auth)
