"""$ref propagation, nullability-form equivalence, recursive schemas and the committed specs."""

from __future__ import annotations

import copy
import itertools

import pytest
from runflow_klein_pipeline.documents import load_json
from runflow_klein_pipeline.drift.compare import build_report
from runflow_klein_pipeline.drift.findings import fingerprint
from runflow_klein_pipeline.drift.spec_diff import diff_specs
from runflow_klein_pipeline.layout import COMPOSED_SPEC, SURFACE_OVERLAY, UPSTREAM_SPEC
from runflow_klein_pipeline.spec.surface import load_overlay

from .specs import ERROR_REF, Json, document, obj, operation, response

STR: Json = {"type": "string"}
OVERLAY = load_overlay(SURFACE_OVERLAY)
STATUS_REF = {"$ref": "#/components/schemas/Status"}


def two_operations(status_enum: list[str], *, page_size_max: int = 100) -> Json:
    """GET /a and POST /b share a schema, a response, a parameter and a request body."""
    shared = {"$ref": "#/components/responses/Job"}
    doc = document(
        {
            "/a": {
                "get": operation(
                    parameters=[{"$ref": "#/components/parameters/PageSize"}], responses={"200": shared}
                )
            },
            "/b": {
                "post": operation(
                    parameters=[{"$ref": "#/components/parameters/PageSize"}],
                    requestBody={"$ref": "#/components/requestBodies/JobRequest"},
                    responses={"201": shared, "404": response(ERROR_REF, "missing")},
                )
            },
        },
        schemas={
            "Status": {"type": "string", "enum": status_enum},
            "Job": obj(
                {"status": STATUS_REF, "steps": {"type": "array", "items": obj({"state": STATUS_REF})}}
            ),
        },
    )
    doc["components"]["responses"] = {"Job": response({"$ref": "#/components/schemas/Job"}, "a job")}
    doc["components"]["parameters"] = {
        "PageSize": {
            "name": "page_size",
            "in": "query",
            "schema": {"type": "integer", "maximum": page_size_max},
        }
    }
    doc["components"]["requestBodies"] = {
        "JobRequest": {
            "required": True,
            "content": {"application/json": {"schema": obj({"status": STATUS_REF})}},
        }
    }
    return doc


def classified(base: Json, head: Json) -> set[tuple[str, str, str, str]]:
    return {(f.rule, f.severity.value, f.operation, f.location) for f in diff_specs(base, head).findings}


def test_a_shared_enum_change_reaches_every_operation_and_location() -> None:
    base, head = two_operations(["queued", "done"]), two_operations(["queued", "done", "paused"])
    added_in_response = "response-property-enum-value-added"
    assert classified(base, head) == {
        (added_in_response, "warning", "GET /a", "response 200 body /status"),
        (added_in_response, "warning", "GET /a", "response 200 body /steps/items/state"),
        (added_in_response, "warning", "POST /b", "response 201 body /status"),
        (added_in_response, "warning", "POST /b", "response 201 body /steps/items/state"),
        ("request-property-enum-value-added", "info", "POST /b", "request body /status"),
    }


def test_a_shared_parameter_change_reaches_every_operation() -> None:
    base, head = two_operations(["done"]), two_operations(["done"], page_size_max=50)
    assert classified(base, head) == {
        ("request-parameter-max-decreased", "breaking", "GET /a", "query parameter page_size"),
        ("request-parameter-max-decreased", "breaking", "POST /b", "query parameter page_size"),
    }


def test_a_shared_error_schema_change_reaches_its_status() -> None:
    base = two_operations(["done"])
    head = copy.deepcopy(base)
    head["components"]["schemas"]["ErrorResponse"]["required"] = []
    assert classified(base, head) == {
        ("response-property-became-optional", "breaking", "POST /b", "response 404 body /code"),
    }


# Each form says "a string or null"; the generator emits the same code for all of them.
NULLABLE_STRING_FORMS: dict[str, Json] = {
    "nullable": {"type": "string", "nullable": True},
    "type list": {"type": ["string", "null"]},
    "anyOf": {"anyOf": [STR, {"type": "null"}]},
    "oneOf": {"oneOf": [{"type": "null"}, STR]},
}
NULLABLE_REF_FORMS: dict[str, Json] = {
    "anyOf": {"anyOf": [STATUS_REF, {"type": "null"}]},
    "oneOf": {"oneOf": [STATUS_REF, {"type": "null"}]},
    "allOf + nullable": {"allOf": [STATUS_REF], "nullable": True},
    "$ref + sibling nullable": {**STATUS_REF, "nullable": True},
}


def field_spec(schema: Json) -> Json:
    """GET /things returning ``{p: schema}`` and POST /things accepting it."""
    body = obj({"p": schema})
    return document(
        {
            "/things": {
                "get": operation(responses={"200": response(body)}),
                "post": operation(requestBody={"content": {"application/json": {"schema": body}}}),
            }
        },
        schemas={"Status": {"type": "string", "enum": ["a", "b"]}},
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        *itertools.permutations(NULLABLE_STRING_FORMS.values(), 2),
        *itertools.permutations(NULLABLE_REF_FORMS.values(), 2),
    ],
)
def test_changing_only_the_nullability_form_is_no_finding(old: Json, new: Json) -> None:
    assert classified(field_spec(old), field_spec(new)) == set()


@pytest.mark.parametrize("form", NULLABLE_STRING_FORMS, ids=str)
def test_every_nullability_form_is_the_same_change(form: str) -> None:
    assert classified(field_spec(STR), field_spec(NULLABLE_STRING_FORMS[form])) == {
        ("response-property-became-nullable", "breaking", "GET /things", "response 200 body /p"),
        ("request-property-became-nullable", "info", "POST /things", "request body /p"),
    }


def tree_spec(name_type: str) -> Json:
    tree = obj(
        {
            "name": {"type": name_type},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
        }
    )
    node = {
        "allOf": [
            {"$ref": "#/components/schemas/Tree"},
            obj({"parent": {"$ref": "#/components/schemas/Node"}}),
        ]
    }
    return document(
        {"/trees": {"get": operation(responses={"200": response({"$ref": "#/components/schemas/Node"})})}},
        schemas={"Tree": tree, "Node": node},
    )


def test_recursive_schemas_end_where_a_comparison_repeats() -> None:
    """Node (Tree + parent) is entered at the root, Tree again under children/items; the next
    Tree under it and the parent Node repeat a comparison in progress, so the walk stops there."""
    assert classified(tree_spec("string"), tree_spec("string")) == set()
    assert classified(tree_spec("string"), tree_spec("integer")) == {
        ("response-property-type-changed", "breaking", "GET /trees", "response 200 body /name"),
        (
            "response-property-type-changed",
            "breaking",
            "GET /trees",
            "response 200 body /children/items/name",
        ),
    }


@pytest.mark.parametrize("path", [COMPOSED_SPEC, UPSTREAM_SPEC], ids=lambda p: p.name)
def test_a_committed_spec_against_itself_has_no_findings(path: object) -> None:
    doc = load_json(COMPOSED_SPEC if path == COMPOSED_SPEC else UPSTREAM_SPEC)
    assert diff_specs(doc, copy.deepcopy(doc)).findings == ()


def test_an_upstream_side_is_composed_when_the_other_side_is_composed() -> None:
    """Otherwise every typed klein operation would be reported as removed."""
    composed, upstream = load_json(COMPOSED_SPEC), load_json(UPSTREAM_SPEC)
    assert build_report(composed, upstream, client=False, overlay=OVERLAY).findings == ()
    assert build_report(upstream, composed, client=False, overlay=OVERLAY).findings == ()


def test_a_new_output_type_value_in_the_composed_spec_is_one_change_for_every_typed_run() -> None:
    """The brief's example: KleinOutputItem's types gain a value. Every typed run's success body reaches
    it (as does whatever else returns run outputs), and the report makes that one change listing them.
    A warning, not breaking: response enums are open in the generated client (x-open-enum)."""
    base = load_json(COMPOSED_SPEC)
    head = copy.deepcopy(base)
    output_types, location = output_type_enum(head)
    output_types.append("mesh")

    [change] = diff_specs(base, head).changes

    assert (change.rule, change.severity.value, change.location, change.message) == (
        "response-property-enum-value-added",
        "warning",
        location,
        'enum value "mesh" added',
    )
    typed_runs = [
        f"POST /v1/models/black-forest-labs/flux-2-klein-{model}/runs"
        for model in ("4b", "4b/edit", "9b", "9b/edit")
    ]
    for run in typed_runs:
        for status in ("200", "201", "202"):
            reached = f"{run} response {status} body /output/outputs/items/type"
            assert any(place.startswith(reached) for place in change.places), reached


def output_type_enum(doc: Json) -> tuple[list[str], str]:
    """The list of output types KleinOutputItem.type allows, wherever the composed spec keeps it (inline
    or in a component, possibly as a union branch), and where a change to it is located."""
    schemas = doc["components"]["schemas"]
    declared = schemas["KleinOutputItem"]["properties"]["type"]
    for candidate in [declared, *declared.get("anyOf", [])]:
        name = str(candidate.get("$ref", "")).removeprefix("#/components/schemas/")
        if "enum" in candidate:
            return candidate["enum"], "schemas/KleinOutputItem /type"
        if name and "enum" in schemas[name]:
            return schemas[name]["enum"], f"schemas/{name}"
    raise AssertionError("KleinOutputItem.type lists no output types")


# ---------------------------------------------------------------- one change per shared component

Changes = set[tuple[str, str, tuple[str, ...], int]]


def changes(base: Json, head: Json) -> Changes:
    """(rule, location, operations, number of places) of every change."""
    return {(c.rule, c.location, c.operations, len(c.places)) for c in diff_specs(base, head).changes}


def test_a_shared_enum_change_is_one_change_per_rule_listing_every_operation() -> None:
    base, head = two_operations(["queued", "done"]), two_operations(["queued", "done", "paused"])
    assert changes(base, head) == {
        ("response-property-enum-value-added", "schemas/Status", ("GET /a", "POST /b"), 4),
        ("request-property-enum-value-added", "schemas/Status", ("POST /b",), 1),
    }


def test_a_change_in_a_shared_model_is_located_in_the_model() -> None:
    base = two_operations(["done"])
    head = copy.deepcopy(base)
    del head["components"]["schemas"]["Job"]["properties"]["steps"]
    assert changes(base, head) == {
        ("response-property-removed", "schemas/Job /steps", ("GET /a", "POST /b"), 2)
    }


def test_a_change_where_a_model_refers_to_a_component_is_the_model_s_change() -> None:
    """Job.status becoming nullable changes Job, not Status (which Job.steps still reaches unchanged)."""
    base = two_operations(["done"])
    head = copy.deepcopy(base)
    head["components"]["schemas"]["Job"]["properties"]["status"] = {"anyOf": [STATUS_REF, {"type": "null"}]}
    assert changes(base, head) == {
        ("response-property-became-nullable", "schemas/Job /status", ("GET /a", "POST /b"), 2)
    }


def test_shared_parameters_and_responses_are_one_change_each() -> None:
    base, head = two_operations(["done"]), two_operations(["done"], page_size_max=50)
    head["components"]["responses"]["Job"]["description"] = "the job, as it is now"
    assert changes(base, head) == {
        ("request-parameter-max-decreased", "parameters/PageSize", ("GET /a", "POST /b"), 2),
        ("response-description-changed", "responses/Job", ("GET /a", "POST /b"), 2),
    }


def test_a_shared_change_keeps_its_fingerprint_when_another_operation_reaches_it() -> None:
    def with_c(doc: Json) -> Json:
        doc["paths"]["/c"] = {"get": operation(responses={"200": {"$ref": "#/components/responses/Job"}})}
        return doc

    base, head = two_operations(["done"]), two_operations(["done", "paused"])
    rule, message = "response-property-enum-value-added", 'enum value "paused" added'
    [before] = [c for c in diff_specs(base, head).changes if c.rule == rule]
    [after] = [c for c in diff_specs(with_c(base), with_c(head)).changes if c.rule == rule]
    assert before.id == after.id == fingerprint(rule, "", "schemas/Status", message)
    assert after.operations == ("GET /a", "GET /c", "POST /b")


def test_the_same_change_to_inline_schemas_of_two_operations_is_two_changes() -> None:
    def spec(maximum: int) -> Json:
        limit = {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": maximum}}
        return document({path: {"get": operation(parameters=[limit])} for path in ("/a", "/b")})

    assert changes(spec(100), spec(50)) == {
        ("request-parameter-max-decreased", "query parameter limit", ("GET /a",), 1),
        ("request-parameter-max-decreased", "query parameter limit", ("GET /b",), 1),
    }
