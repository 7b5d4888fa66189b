"""What the recordings must cover, and what they miss.

Every klein operation (``x-klein-model`` in the composed spec) needs at least one recording per
documented status, success and error alike, so each documented response shape is replayed through
the checker and the generated client. ``GET /v1/runs/{id}`` is what klein users poll, so its run
states are covered too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from runflow_klein_pipeline.recordings.check import Interaction, RecordingSpec

from tests.contract.support.recordings import klein_operations

POLLED_STATES = ("queued", "running", "succeeded", "failed")


def _matches(documented: str, status: int) -> bool:
    """``201`` covers ``201``, ``2XX`` and ``default``."""
    if documented == "default":
        return True
    if documented[1:].upper() == "XX":
        return str(status)[0] == documented[0]
    return documented == str(status)


def missing_recordings(spec: RecordingSpec, interactions: Iterable[Interaction]) -> list[str]:
    """``"operationId status"`` for every documented status of a klein operation nobody recorded."""
    recorded: dict[str | None, set[int]] = {}
    for interaction in interactions:
        operation = spec.resolve(interaction.method, interaction.uri).operation
        if operation is not None:
            recorded.setdefault(operation.operation_id, set()).add(interaction.status)
    missing = []
    for operation in klein_operations(spec):
        statuses = recorded.get(operation.operation_id, set())
        for documented in spec.documented_statuses(operation):
            if not any(_matches(documented, status) for status in statuses):
                missing.append(f"{operation.operation_id} {documented}")
    return missing


def missing_polled_states(spec: RecordingSpec, interactions: Iterable[Interaction]) -> list[str]:
    """The run states of ``POLLED_STATES`` that no recorded ``GET /v1/runs/{id}`` 200 shows."""
    seen = set()
    for interaction in interactions:
        operation = spec.resolve(interaction.method, interaction.uri).operation
        if operation is not None and operation.operation_id == "get_run" and interaction.status == 200:
            seen.add(json.loads(interaction.response_body).get("status_code"))
    return [state for state in POLLED_STATES if state not in seen]
