"""Property tests per klein operation: what the spec allows, the generated client carries intact.

(a) Any request body the request schema allows survives ``Model.from_dict(body).to_dict()`` through
    the generated request model unchanged, and still validates.
(b) Any body a documented response schema allows, served with a status documenting that schema, is
    parsed by the generated operation into that schema's model and round-trips through ``to_dict()``
    (date-times compared as instants); likewise for the operations that return finished runs of any
    model (one run, a page of runs, callback deliveries), whose outputs are typed too.

Example counts come from the registered Hypothesis profiles (``fast`` by default, ``nightly``).
"""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from runflow_klein_pipeline.recordings.check import RecordingSpec
from runflow_klein_pipeline.recordings.spec import Operation

from tests.contract.support.client import (
    DocumentedBody,
    RecordingTransport,
    call,
    documented_body,
    json_body,
    make_client,
    normalise,
    request_model,
    to_json,
)
from tests.contract.support.recordings import committed_interactions, composed_spec, klein_operations
from tests.contract.support.strategies import request_bodies, schema_instances

SPEC = composed_spec()
KLEIN = klein_operations(SPEC)
RUN_READERS = {"get_run", "search_runs", "get_run_callback_deliveries", "redeliver_run_callback"}
READERS = [operation for operation in SPEC.operations if operation.operation_id in RUN_READERS]


def _response_groups(operation: Operation) -> list[tuple[Operation, DocumentedBody, tuple[int, ...]]]:
    """One case per distinct response schema of the operation, with the statuses that document it."""
    groups: dict[DocumentedBody, list[int]] = {}
    for status in SPEC.documented_statuses(operation):
        if status.isdigit():
            groups.setdefault(documented_body(SPEC, operation, int(status)), []).append(int(status))
    return [(operation, body, tuple(statuses)) for body, statuses in groups.items()]


RESPONSE_CASES = [case for operation in [*KLEIN, *READERS] for case in _response_groups(operation)]


@pytest.mark.parametrize("operation", KLEIN, ids=lambda operation: operation.operation_id)
def test_request_bodies_survive_the_generated_request_model(
    spec: RecordingSpec, operation: Operation
) -> None:
    model = request_model(operation)
    validator = spec.request_validator(operation, "application/json")
    assert model is not None
    assert validator is not None

    @given(body=request_bodies(spec, operation))
    def round_trip(body: object) -> None:
        again = model.from_dict(body).to_dict()
        assert again == body
        assert validator.errors(again) == []

    round_trip()


@pytest.mark.parametrize(
    ("operation", "schema", "statuses"),
    RESPONSE_CASES,
    ids=[f"{operation.operation_id}-{documented.schema}" for operation, documented, _ in RESPONSE_CASES],
)
def test_documented_response_bodies_parse_and_round_trip(
    spec: RecordingSpec, operation: Operation, schema: DocumentedBody, statuses: tuple[int, ...]
) -> None:
    recorded = next(
        i for i in committed_interactions() if spec.resolve(i.method, i.uri).operation == operation
    )
    resolution = spec.resolve(recorded.method, recorded.uri)
    transport = RecordingTransport(200, [("Content-Type", "application/json")], b"")
    client = make_client(httpx.MockTransport(transport))

    instances = schema_instances(spec, schema.schema)
    bodies = st.lists(instances, max_size=2) if schema.is_list else instances

    @given(body=bodies, status=st.sampled_from(statuses))
    def parse(body: object, status: int) -> None:
        transport.status, transport.content = status, json.dumps(body).encode()
        response = call(
            operation,
            client=client,
            path_parameters=resolution.path_parameters,
            body=json_body(recorded.request_body),
        )
        assert response.status_code == status
        assert schema.matches(response.parsed)
        assert normalise(to_json(response.parsed)) == normalise(body)

    parse()
