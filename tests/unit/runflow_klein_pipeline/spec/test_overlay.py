"""Applying OpenAPI Overlay 1.0 documents: updates, removals, unmatched targets and malformed overlays."""

from __future__ import annotations

from typing import Any

import pytest
from runflow_klein_pipeline.documents import Json, SpecError
from runflow_klein_pipeline.spec.overlay import apply_overlay

DOC: Json = {
    "paths": {
        "/v1/runs/{id}": {"get": {"operationId": "get_run_v1_runs__id__get", "tags": ["runs"]}},
        "/v1/runs": {"get": {"operationId": "list_runs", "deprecated": True}},
    },
    "components": {"schemas": {"A": {"properties": {"status_code": {"type": "string"}}}, "B": {}}},
}


def overlay(*actions: Json) -> Json:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def test_update_merges_into_every_matched_object_and_leaves_the_input_alone() -> None:
    applied = apply_overlay(
        DOC,
        overlay(
            {"target": "$.paths['/v1/runs/{id}'].get", "update": {"x-client-name": "get_run"}},
            {"target": "$.paths.*.get", "update": {"x-seen": {"by": "overlay"}}},
        ),
        where="t",
    )

    assert applied.doc["paths"]["/v1/runs/{id}"]["get"] == {
        "operationId": "get_run_v1_runs__id__get",
        "tags": ["runs"],
        "x-client-name": "get_run",
        "x-seen": {"by": "overlay"},
    }
    assert applied.doc["paths"]["/v1/runs"]["get"]["x-seen"] == {"by": "overlay"}
    assert applied.unmatched == ()
    assert "x-client-name" not in DOC["paths"]["/v1/runs/{id}"]["get"]


def test_a_filter_selects_schemas_by_their_shape() -> None:
    target = "$.components.schemas[?@.properties.status_code]"

    applied = apply_overlay(DOC, overlay({"target": target, "update": {"x-client-name": "Run"}}), where="t")

    assert applied.doc["components"]["schemas"]["A"]["x-client-name"] == "Run"
    assert "x-client-name" not in applied.doc["components"]["schemas"]["B"]


def test_remove_deletes_every_match() -> None:
    applied = apply_overlay(DOC, overlay({"target": "$.paths.*.get.deprecated", "remove": True}), where="t")

    assert "deprecated" not in applied.doc["paths"]["/v1/runs"]["get"]


def test_a_target_that_matches_nothing_is_reported_not_applied() -> None:
    applied = apply_overlay(
        DOC, overlay({"target": "$.paths['/v1/gone'].get", "update": {"x-client-name": "gone"}}), where="t"
    )

    assert applied.unmatched == ("$.paths['/v1/gone'].get",)
    assert applied.doc == DOC


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param(
            {"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": []},
            "not an OpenAPI Overlay",
            id="version",
        ),
        pytest.param(
            {"overlay": "1.0.0", "info": {"title": "t"}, "actions": []}, "title and a version", id="info"
        ),
        pytest.param(overlay(), "non-empty list", id="no-actions"),
        pytest.param(overlay({"update": {}}), "needs a `target`", id="no-target"),
        pytest.param(overlay({"target": "$.paths"}), "exactly one of", id="no-update"),
        pytest.param(overlay({"target": "$.paths", "update": [1]}), "only object updates", id="list-update"),
        pytest.param(overlay({"target": "$.paths[", "update": {}}), "invalid JSONPath", id="bad-jsonpath"),
        pytest.param(
            overlay({"target": "$.paths.*.get.tags", "update": {}}), "non-object", id="update-a-list"
        ),
    ],
)
def test_malformed_overlays_are_refused_with_the_reason(document: Any, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        apply_overlay(DOC, document, where="t")
