"""The recordings cover every klein operation, every documented status of it, and every polled run state."""

from __future__ import annotations

import copy

from runflow_klein_pipeline.recordings.check import RecordingSpec

from tests.contract.support.coverage import missing_polled_states, missing_recordings
from tests.contract.support.recordings import committed_interactions, klein_operations

INTERACTIONS = committed_interactions()


def test_every_documented_status_of_every_klein_operation_is_recorded(spec: RecordingSpec) -> None:
    assert missing_recordings(spec, INTERACTIONS) == []


def test_the_spec_has_klein_operations_to_cover(spec: RecordingSpec) -> None:
    """Guards the test above against passing vacuously (e.g. if x-klein-model were renamed)."""
    assert {operation.operation_id for operation in klein_operations(spec)} == {
        "create_flux_2_klein_4b_run",
        "create_flux_2_klein_4b_edit_run",
        "create_flux_2_klein_9b_run",
        "create_flux_2_klein_9b_edit_run",
        "legacy_run_flux_2_klein_4b",
        "legacy_run_flux_2_klein_9b_edit",
    }


def test_coverage_fails_for_a_newly_documented_status(spec: RecordingSpec) -> None:
    doc = copy.deepcopy(spec.doc)
    responses = doc["paths"]["/v1/models/black-forest-labs/flux-2-klein-9b/runs"]["post"]["responses"]
    responses["409"] = {"$ref": "#/components/responses/Error404"}
    assert missing_recordings(RecordingSpec(doc), INTERACTIONS) == ["create_flux_2_klein_9b_run 409"]


def test_coverage_fails_without_the_recordings_of_one_operation(spec: RecordingSpec) -> None:
    others = [i for i in INTERACTIONS if not i.cassette.startswith("legacy_run_flux_2_klein_4b")]
    missing = missing_recordings(spec, others)
    assert "legacy_run_flux_2_klein_4b 200" in missing
    assert "legacy_run_flux_2_klein_4b 429" in missing


def test_polling_recordings_show_every_run_state(spec: RecordingSpec) -> None:
    assert missing_polled_states(spec, INTERACTIONS) == []
    assert missing_polled_states(spec, []) == ["queued", "running", "succeeded", "failed"]
