"""One small spec pair per spec-level rule, each with its exact classification.

Expectations are written by hand from the rules in drift_model's docstring (what a change does to
the deployed generated client, or to callers once it is regenerated), never copied from output.
Each case asserts the *whole* finding set as (rule, severity, operation, location), so a case also
fails when a change produces extra findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from runflow_klein_pipeline.drift.findings import RULES, SCHEMA_CHANGES, SCHEMA_SUBJECTS
from runflow_klein_pipeline.drift.spec_diff import diff_specs

from .specs import (
    ERROR_REF,
    GET,
    POST,
    Json,
    document,
    get_spec,
    json_content,
    obj,
    operation,
    query,
    request_prop,
    request_spec,
    response,
    response_prop,
    response_spec,
    secured,
)

B, W, I = "breaking", "warning", "info"  # noqa: E741 (table shorthand)
STR: Json = {"type": "string"}
INT: Json = {"type": "integer"}
BODY = "request body"
BODY_P = "request body /p"
RESP_P = "response 200 body /p"

Expected = tuple[str, str, str, str]


@dataclass(frozen=True)
class Case:
    name: str
    base: Json
    head: Json
    expected: tuple[Expected, ...]


def case(name: str, base: Json, head: Json, *expected: Expected) -> Case:
    return Case(name, base, head, expected)


def things(**methods: Json) -> Json:
    return document({"/things": methods})


def path_param(name: str) -> Json:
    return {"name": name, "in": "path", "required": True, "schema": STR}


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def with_schemas(doc: Json, **schemas: Json) -> Json:
    doc["components"]["schemas"].update(schemas)
    return doc


def servers(*urls: str) -> Json:
    return document({"/things": {"get": operation()}}, servers=[{"url": url} for url in urls])


SHAPES = {"A": obj({"a": STR}, "a"), "B": obj({"b": STR}, "b"), "C": obj({"c": STR}, "c")}

OPERATION_CASES = [
    case(
        "path removed",
        document({"/things": {"get": operation()}, "/other": {"get": operation()}}),
        document({"/other": {"get": operation()}}),
        ("api-path-removed", B, GET, "path"),
    ),
    case(
        "operation removed",
        things(get=operation(), post=operation()),
        get_spec(),
        ("api-operation-removed", B, POST, "operation"),
    ),
    case(
        "operation added",
        get_spec(),
        things(get=operation(), post=operation()),
        ("api-operation-added", I, POST, "operation"),
    ),
    case(
        "operationId changed",
        get_spec(operationId="list_things"),
        get_spec(operationId="get_things"),
        ("api-operation-id-changed", B, GET, "operationId"),
    ),
    case(
        "first tag changed",
        get_spec(tags=["things"]),
        get_spec(tags=["stuff", "things"]),
        ("api-first-tag-changed", B, GET, "tags"),
    ),
    case("a second tag is not a module move", get_spec(tags=["things"]), get_spec(tags=["things", "stuff"])),
    case("deprecated", get_spec(), get_spec(deprecated=True), ("api-deprecated", W, GET, "deprecated")),
    case("reactivated", get_spec(deprecated=True), get_spec(), ("api-reactivated", I, GET, "deprecated")),
    case(
        "summary",
        get_spec(summary="List"),
        get_spec(summary="List things"),
        ("api-summary-changed", I, GET, "summary"),
    ),
    case(
        "description",
        get_spec(description="a"),
        get_spec(description="b"),
        ("api-description-changed", I, GET, "description"),
    ),
]

# Surfaced documents (spec.surface) carry upstream's own names as x-upstream-* records next to the
# project's: a record that changes while the project's name stays is a rename the client never sees.
UPSTREAM_ID = "x-upstream-operation-id"
THING = obj({"a": STR}, "a")
RENAME_CASES = [
    case(
        "operationId renamed upstream",
        get_spec(operationId="list_things", **{UPSTREAM_ID: "list_things"}),
        get_spec(operationId="list_things", **{UPSTREAM_ID: "list_things_v1_things_get"}),
        ("api-operation-id-renamed-upstream", I, GET, "operationId"),
    ),
    case(
        "operationId dropped upstream",
        get_spec(operationId="list_things", **{UPSTREAM_ID: "list_things"}),
        get_spec(operationId="list_things"),
        ("api-operation-id-renamed-upstream", I, GET, "operationId"),
    ),
    case(
        "the project's operationId changing is a module move, whatever upstream did",
        get_spec(operationId="list_things", **{UPSTREAM_ID: "a"}),
        get_spec(operationId="get_things", **{UPSTREAM_ID: "b"}),
        ("api-operation-id-changed", B, GET, "operationId"),
    ),
    case(
        "tags renamed upstream",
        get_spec(tags=["Things"]),
        get_spec(tags=["Things"], **{"x-upstream-tags": ["things-v1", "Things"]}),
        ("api-tags-renamed-upstream", I, GET, "tags"),
    ),
    case(
        "component key and title renamed upstream",
        with_schemas(get_spec(), Thing=THING),
        with_schemas(
            get_spec(), Thing={**THING, "x-upstream-name": "app__Thing", "x-upstream-title": "Item"}
        ),
        ("component-renamed-upstream", I, "", "schemas/Thing"),
    ),
]

PARAMETER_CASES = [
    case(
        "new required parameter",
        get_spec(),
        get_spec(parameters=[query(required=True)]),
        ("new-required-request-parameter", B, GET, "query parameter limit"),
    ),
    case(
        "new optional parameter",
        get_spec(),
        get_spec(parameters=[query()]),
        ("new-optional-request-parameter", I, GET, "query parameter limit"),
    ),
    case(
        "optional parameter removed",
        get_spec(parameters=[query()]),
        get_spec(),
        ("request-parameter-removed", B, GET, "query parameter limit"),
    ),
    case(
        "parameter became required",
        get_spec(parameters=[query()]),
        get_spec(parameters=[query(required=True)]),
        ("request-parameter-became-required", B, GET, "query parameter limit"),
    ),
    case(
        "parameter became optional",
        get_spec(parameters=[query(required=True)]),
        get_spec(parameters=[query()]),
        ("request-parameter-became-optional", I, GET, "query parameter limit"),
    ),
    case(
        "parameter type changed",
        get_spec(parameters=[query(type="integer")]),
        get_spec(parameters=[query(type="string")]),
        ("request-parameter-type-changed", B, GET, "query parameter limit"),
    ),
    case(
        "header parameter enum value removed",
        get_spec(
            parameters=[{"name": "X-Mode", "in": "header", "schema": {"type": "string", "enum": ["a", "b"]}}]
        ),
        get_spec(
            parameters=[{"name": "x-mode", "in": "header", "schema": {"type": "string", "enum": ["a"]}}]
        ),
        ("request-parameter-enum-value-removed", B, GET, "header parameter x-mode"),
    ),
    case(
        "parameter maximum decreased",
        get_spec(parameters=[query(type="integer", maximum=100)]),
        get_spec(parameters=[query(type="integer", maximum=50)]),
        ("request-parameter-max-decreased", B, GET, "query parameter limit"),
    ),
    case(
        "parameter description",
        get_spec(parameters=[{**query(), "description": "Page size."}]),
        get_spec(parameters=[{**query(), "description": "How many."}]),
        ("request-parameter-description-changed", I, GET, "query parameter limit"),
    ),
    case(
        "path parameter renamed",
        document({"/things/{id}": {"get": operation(parameters=[path_param("id")])}}),
        document({"/things/{thing_id}": {"get": operation(parameters=[path_param("thing_id")])}}),
        ("request-path-parameter-renamed", W, "GET /things/{thing_id}", "path parameter thing_id"),
    ),
    case(
        "path-item parameters count as the operation's",
        document({"/things": {"parameters": [query()], "get": operation()}}),
        get_spec(parameters=[query()]),
    ),
]

BODY_CASES = [
    case(
        "new required body",
        things(post=operation()),
        request_spec(obj({})),
        ("new-required-request-body", B, POST, BODY),
    ),
    case(
        "new optional body",
        things(post=operation()),
        request_spec(obj({}), required=False),
        ("new-optional-request-body", I, POST, BODY),
    ),
    case(
        "body removed",
        request_spec(obj({})),
        things(post=operation()),
        ("request-body-removed", B, POST, BODY),
    ),
    case(
        "body became required",
        request_spec(obj({}), required=False),
        request_spec(obj({})),
        ("request-body-became-required", B, POST, BODY),
    ),
    case(
        "body became optional",
        request_spec(obj({})),
        request_spec(obj({}), required=False),
        ("request-body-became-optional", I, POST, BODY),
    ),
    case(
        "body media type added",
        request_spec(obj({})),
        request_spec(obj({}), content={**json_content(obj({})), "multipart/form-data": {"schema": obj({})}}),
        ("request-body-media-type-added", I, POST, BODY),
    ),
    case(
        "body media type removed",
        request_spec(obj({}), content={**json_content(obj({})), "multipart/form-data": {"schema": obj({})}}),
        request_spec(obj({})),
        ("request-body-media-type-removed", B, POST, BODY),
    ),
    case(
        "body type changed",
        request_spec(obj({})),
        request_spec({"type": "array", "items": STR}),
        ("request-body-type-changed", B, POST, BODY),
    ),
]

REQUEST_PROPERTY_CASES = [
    case(
        "new required request property",
        request_spec(obj({})),
        request_prop(STR, required=True),
        ("new-required-request-property", B, POST, BODY_P),
    ),
    case(
        "new optional request property",
        request_spec(obj({})),
        request_prop(STR),
        ("new-optional-request-property", I, POST, BODY_P),
    ),
    case(
        "request property removed",
        request_prop(STR),
        request_spec(obj({})),
        ("request-property-removed", B, POST, BODY_P),
    ),
    case(
        "request property became required",
        request_prop(STR),
        request_prop(STR, required=True),
        ("request-property-became-required", B, POST, BODY_P),
    ),
    case(
        "request property became optional",
        request_prop(STR, required=True),
        request_prop(STR),
        ("request-property-became-optional", I, POST, BODY_P),
    ),
    case(
        "request type changed",
        request_prop(STR),
        request_prop(INT),
        ("request-property-type-changed", B, POST, BODY_P),
    ),
    case(
        "request integer widened to number",
        request_prop(INT),
        request_prop({"type": "number"}),
        ("request-property-type-widened", I, POST, BODY_P),
    ),
    case(
        "request string widened to a union",
        request_prop(STR),
        request_prop({"anyOf": [STR, INT]}),
        ("request-property-type-widened", I, POST, BODY_P),
    ),
    case(
        "request format added",
        request_prop(STR),
        request_prop({"type": "string", "format": "email"}),
        ("request-property-format-changed", B, POST, BODY_P),
    ),
    case(
        "request unparsed format removed",
        request_prop({"type": "string", "format": "email"}),
        request_prop(STR),
        ("request-property-format-removed", I, POST, BODY_P),
    ),
    case(
        "request parsed format removed (datetime becomes str)",
        request_prop({"type": "string", "format": "date-time"}),
        request_prop(STR),
        ("request-property-format-changed", B, POST, BODY_P),
    ),
    case(
        "request enum value removed",
        request_prop({"type": "string", "enum": ["a", "b"]}),
        request_prop({"type": "string", "enum": ["a"]}),
        ("request-property-enum-value-removed", B, POST, BODY_P),
    ),
    case(
        "request enum value added",
        request_prop({"type": "string", "enum": ["a"]}),
        request_prop({"type": "string", "enum": ["a", "b"]}),
        ("request-property-enum-value-added", I, POST, BODY_P),
    ),
    case(
        "request enum added",
        request_prop(STR),
        request_prop({"type": "string", "enum": ["a"]}),
        ("request-property-enum-added", B, POST, BODY_P),
    ),
    case(
        "request enum removed",
        request_prop({"type": "string", "enum": ["a"]}),
        request_prop(STR),
        ("request-property-enum-removed", I, POST, BODY_P),
    ),
    case(
        "request const changed",
        request_prop({"const": "v1"}),
        request_prop({"const": "v2"}),
        ("request-property-enum-value-removed", B, POST, BODY_P),
        ("request-property-enum-value-added", I, POST, BODY_P),
    ),
    case(
        "request x-extensible-enum value removed",
        request_prop({"type": "string", "x-extensible-enum": ["a", "b"]}),
        request_prop({"type": "string", "x-extensible-enum": ["a"]}),
        ("request-property-extensible-enum-value-removed", B, POST, BODY_P),
    ),
    case(
        "request pattern added",
        request_prop(STR),
        request_prop({"type": "string", "pattern": "^a"}),
        ("request-property-pattern-added", B, POST, BODY_P),
    ),
    case(
        "request pattern changed",
        request_prop({"type": "string", "pattern": "^a"}),
        request_prop({"type": "string", "pattern": "^b"}),
        ("request-property-pattern-changed", B, POST, BODY_P),
    ),
    case(
        "request pattern removed",
        request_prop({"type": "string", "pattern": "^a"}),
        request_prop(STR),
        ("request-property-pattern-removed", I, POST, BODY_P),
    ),
    case(
        "request default changed",
        request_prop({"type": "integer", "default": 1}),
        request_prop({"type": "integer", "default": 2}),
        ("request-property-default-changed", W, POST, BODY_P),
    ),
    case(
        "request became nullable",
        request_prop(STR),
        request_prop({"type": ["string", "null"]}),
        ("request-property-became-nullable", I, POST, BODY_P),
    ),
    case(
        "request became not nullable",
        request_prop({"anyOf": [STR, {"type": "null"}]}),
        request_prop(STR),
        ("request-property-became-not-nullable", B, POST, BODY_P),
    ),
    case(
        "request description",
        request_prop({"type": "string", "description": "a"}),
        request_prop({"type": "string", "description": "b"}),
        ("request-property-description-changed", I, POST, BODY_P),
    ),
    case(
        "request example",
        request_prop({"type": "string", "examples": ["a"]}),
        request_prop({"type": "string", "examples": ["b"]}),
        ("request-property-example-changed", I, POST, BODY_P),
    ),
    case(
        "request anyOf branch removed",
        request_prop({"anyOf": [STR, INT, {"type": "boolean"}]}),
        request_prop({"anyOf": [STR, INT]}),
        ("request-property-any-of-removed", B, POST, BODY_P),
    ),
    case(
        "request anyOf branch added",
        request_prop({"anyOf": [STR, INT]}),
        request_prop({"anyOf": [STR, INT, {"type": "boolean"}]}),
        ("request-property-any-of-added", I, POST, BODY_P),
    ),
    case(
        "request oneOf branch removed",
        with_schemas(request_prop({"oneOf": [ref("A"), ref("B"), ref("C")]}), **SHAPES),
        with_schemas(request_prop({"oneOf": [ref("A"), ref("B")]}), **SHAPES),
        ("request-property-one-of-removed", B, POST, BODY_P),
    ),
    case(
        "request oneOf branch added",
        with_schemas(request_prop({"oneOf": [ref("A"), ref("B")]}), **SHAPES),
        with_schemas(request_prop({"oneOf": [ref("A"), ref("B"), ref("C")]}), **SHAPES),
        ("request-property-one-of-added", I, POST, BODY_P),
    ),
    case(
        "one edited union branch is compared in place",
        request_prop({"anyOf": [{"type": "string", "pattern": "^a"}, INT]}),
        request_prop({"anyOf": [{"type": "string", "pattern": "^b"}, INT]}),
        ("request-property-pattern-changed", B, POST, "request body /p/anyOf[0]"),
    ),
    case(
        "anyOf and oneOf generate the same union",
        request_prop({"anyOf": [STR, INT]}),
        request_prop({"oneOf": [STR, INT]}),
    ),
    case(
        "a $ref wrapped in allOf (for a default) is the same schema",
        with_schemas(request_prop(ref("A")), **SHAPES),
        with_schemas(request_prop({"allOf": [ref("A")]}), **SHAPES),
    ),
    case(
        "3.1 exclusiveMinimum tightens minimum",
        request_prop({"type": "number", "minimum": 0}),
        request_prop({"type": "number", "exclusiveMinimum": 0}),
        ("request-property-min-increased", B, POST, BODY_P),
    ),
    case(
        "3.0 exclusiveMaximum flag tightens maximum",
        {**request_prop({"type": "number", "maximum": 1}), "openapi": "3.0.3"},
        {**request_prop({"type": "number", "maximum": 1, "exclusiveMaximum": True}), "openapi": "3.0.3"},
        ("request-property-max-decreased", B, POST, BODY_P),
    ),
]

RESPONSE_CASES = [
    case(
        "response required property removed",
        response_prop(STR, required=True),
        response_spec(obj({})),
        ("response-property-removed", B, GET, RESP_P),
    ),
    case(
        "response optional property removed",
        response_prop(STR),
        response_spec(obj({})),
        ("response-property-removed", B, GET, RESP_P),
    ),
    case(
        "response property added",
        response_spec(obj({})),
        response_prop(STR),
        ("response-property-added", I, GET, RESP_P),
    ),
    case(
        "response property became optional",
        response_prop(STR, required=True),
        response_prop(STR),
        ("response-property-became-optional", B, GET, RESP_P),
    ),
    case(
        "response property became required",
        response_prop(STR),
        response_prop(STR, required=True),
        ("response-property-became-required", I, GET, RESP_P),
    ),
    case(
        "response type changed",
        response_prop(STR),
        response_prop(INT),
        ("response-property-type-changed", B, GET, RESP_P),
    ),
    case(
        "response number narrowed to integer",
        response_prop({"type": "number"}),
        response_prop(INT),
        ("response-property-type-narrowed", I, GET, RESP_P),
    ),
    case(
        "response became nullable",
        response_prop(STR),
        response_prop({"type": ["string", "null"]}),
        ("response-property-became-nullable", B, GET, RESP_P),
    ),
    case(
        "response became not nullable",
        response_prop({"type": "string", "nullable": True}),
        response_prop(STR),
        ("response-property-became-not-nullable", I, GET, RESP_P),
    ),
    case(
        "response enum value added",
        response_prop({"type": "string", "enum": ["a"]}),
        response_prop({"type": "string", "enum": ["a", "b"]}),
        ("response-property-enum-value-added", W, GET, RESP_P),
    ),
    case(
        "response x-extensible-enum value added",
        response_prop({"type": "string", "x-extensible-enum": ["a"]}),
        response_prop({"type": "string", "x-extensible-enum": ["a", "b"]}),
        ("response-property-extensible-enum-value-added", I, GET, RESP_P),
    ),
    case(
        "response x-extensible-enum value removed",
        response_prop({"type": "string", "x-extensible-enum": ["a", "b"]}),
        response_prop({"type": "string", "x-extensible-enum": ["a"]}),
        ("response-property-extensible-enum-value-removed", I, GET, RESP_P),
    ),
    case(
        "an x-extensible-enum flag beside enum is judged as the enum",
        response_prop({"type": "string", "enum": ["a"], "x-extensible-enum": True}),
        response_prop({"type": "string", "enum": ["a", "b"], "x-extensible-enum": True}),
        ("response-property-enum-value-added", W, GET, RESP_P),
    ),
    case(
        "response enum value removed",
        response_prop({"type": "string", "enum": ["a", "b"]}),
        response_prop({"type": "string", "enum": ["a"]}),
        ("response-property-enum-value-removed", B, GET, RESP_P),
    ),
    case(
        "response enum removed",
        response_prop({"type": "string", "enum": ["a"]}),
        response_prop(STR),
        ("response-property-enum-removed", W, GET, RESP_P),
    ),
    case(
        "response enum became x-extensible-enum",
        response_prop({"type": "string", "enum": ["a"]}),
        response_prop({"type": "string", "x-extensible-enum": ["a"]}),
        ("response-property-enum-removed", W, GET, RESP_P),
    ),
    case(
        "response enum added",
        response_prop(STR),
        response_prop({"type": "string", "enum": ["a"]}),
        ("response-property-enum-added", I, GET, RESP_P),
    ),
    case(
        "response parsed format removed",
        response_prop({"type": "string", "format": "date-time"}),
        response_prop(STR),
        ("response-property-format-changed", B, GET, RESP_P),
    ),
    case(
        "response unparsed format changed",
        response_prop({"type": "string", "format": "email"}),
        response_prop({"type": "string", "format": "uri"}),
        ("response-property-format-hint-changed", I, GET, RESP_P),
    ),
    case(
        "response pattern added",
        response_prop(STR),
        response_prop({"type": "string", "pattern": "^a"}),
        ("response-property-pattern-added", I, GET, RESP_P),
    ),
    case(
        "response pattern changed",
        response_prop({"type": "string", "pattern": "^a"}),
        response_prop({"type": "string", "pattern": "^b"}),
        ("response-property-pattern-changed", I, GET, RESP_P),
    ),
    case(
        "response pattern removed",
        response_prop({"type": "string", "pattern": "^a"}),
        response_prop(STR),
        ("response-property-pattern-removed", I, GET, RESP_P),
    ),
    case(
        "response default changed",
        response_prop({"type": "integer", "default": 1}),
        response_prop({"type": "integer", "default": 2}),
        ("response-property-default-changed", I, GET, RESP_P),
    ),
    case(
        "response description",
        response_prop({"type": "string", "description": "a"}),
        response_prop({"type": "string", "description": "b"}),
        ("response-property-description-changed", I, GET, RESP_P),
    ),
    case(
        "response example",
        response_prop({"type": "string", "example": "a"}),
        response_prop({"type": "string", "example": "b"}),
        ("response-property-example-changed", I, GET, RESP_P),
    ),
    case(
        "response oneOf branch added",
        with_schemas(response_prop({"oneOf": [ref("A"), ref("B")]}), **SHAPES),
        with_schemas(response_prop({"oneOf": [ref("A"), ref("B"), ref("C")]}), **SHAPES),
        ("response-property-one-of-added", B, GET, RESP_P),
    ),
    case(
        "response oneOf branch removed",
        with_schemas(response_prop({"oneOf": [ref("A"), ref("B"), ref("C")]}), **SHAPES),
        with_schemas(response_prop({"oneOf": [ref("A"), ref("B")]}), **SHAPES),
        ("response-property-one-of-removed", I, GET, RESP_P),
    ),
    case(
        "response anyOf branch added",
        response_prop({"anyOf": [STR, INT]}),
        response_prop({"anyOf": [STR, INT, {"type": "boolean"}]}),
        ("response-property-any-of-added", B, GET, RESP_P),
    ),
    case(
        "response anyOf branch removed",
        response_prop({"anyOf": [STR, INT, {"type": "boolean"}]}),
        response_prop({"anyOf": [STR, INT]}),
        ("response-property-any-of-removed", I, GET, RESP_P),
    ),
    case(
        "response body type changed",
        response_spec(obj({})),
        response_spec({"type": "array", "items": STR}),
        ("response-body-type-changed", B, GET, "response 200 body"),
    ),
]

OK, ERROR = response(), response(ERROR_REF, "error")
STATUS_CASES = [
    case(
        "success status removed",
        get_spec(responses={"200": OK, "201": OK}),
        get_spec(responses={"200": OK}),
        ("response-success-status-removed", B, GET, "response 201"),
    ),
    case(
        "success status added",
        get_spec(responses={"200": OK}),
        get_spec(responses={"200": OK, "202": OK}),
        ("response-success-status-added", W, GET, "response 202"),
    ),
    case(
        "success status changed",
        get_spec(responses={"200": OK}),
        get_spec(responses={"201": OK}),
        ("response-success-status-changed", B, GET, "responses"),
    ),
    case(
        "error status removed",
        get_spec(responses={"200": OK, "404": ERROR}),
        get_spec(responses={"200": OK}),
        ("response-error-status-removed", B, GET, "response 404"),
    ),
    case(
        "error status added with a body type the operation already returns",
        get_spec(responses={"200": OK, "404": ERROR}),
        get_spec(responses={"200": OK, "404": ERROR, "409": ERROR}),
        ("response-error-status-added", I, GET, "response 409"),
    ),
    case(
        "error status added with a new body type",
        get_spec(responses={"200": OK}),
        get_spec(responses={"200": OK, "409": ERROR}),
        ("response-error-status-added-new-type", W, GET, "response 409"),
    ),
    case(
        "response media type removed",
        get_spec(
            responses={"200": {"description": "ok", "content": {**json_content(STR), "text/plain": {}}}}
        ),
        get_spec(responses={"200": response(STR)}),
        ("response-media-type-removed", B, GET, "response 200"),
    ),
    case(
        "response media type changed",
        get_spec(responses={"200": response(STR)}),
        get_spec(
            responses={"200": {"description": "ok", "content": {"application/problem+json": {"schema": STR}}}}
        ),
        ("response-media-type-changed", B, GET, "response 200"),
    ),
    case(
        "response media type added",
        get_spec(responses={"200": response(STR)}),
        get_spec(
            responses={"200": {"description": "ok", "content": {**json_content(STR), "text/plain": {}}}}
        ),
        ("response-media-type-added", I, GET, "response 200"),
    ),
    case(
        "response body removed",
        get_spec(responses={"200": response(STR)}),
        get_spec(responses={"200": OK}),
        ("response-body-removed", B, GET, "response 200"),
    ),
    case(
        "response body added",
        get_spec(responses={"200": OK}),
        get_spec(responses={"200": response(STR)}),
        ("response-body-added", I, GET, "response 200"),
    ),
    case(
        "response description",
        get_spec(responses={"200": OK}),
        get_spec(responses={"200": response(description="fine")}),
        ("response-description-changed", I, GET, "response 200"),
    ),
]


def globally_secured(*requirements: Json) -> Json:
    doc = get_spec()
    doc["security"] = list(requirements)
    doc["components"]["securitySchemes"] = {"A": {"type": "http", "scheme": "bearer"}}
    return doc


SECURITY_CASES = [
    case(
        "requirement added", secured(), secured({"A": []}), ("security-requirement-added", B, GET, "security")
    ),
    case(
        "global requirement added",
        globally_secured(),
        globally_secured({"A": []}),
        ("security-requirement-added", B, GET, "security"),
    ),
    case(
        "alternative removed",
        secured({"A": []}, {"B": []}),
        secured({"A": []}),
        ("security-requirement-removed", B, GET, "security"),
    ),
    case(
        "requirement changed",
        secured({"A": []}),
        secured({"B": []}),
        ("security-requirement-changed", B, GET, "security"),
    ),
    case(
        "second scheme required together with the first",
        secured({"A": []}),
        secured({"A": [], "B": []}),
        ("security-requirement-changed", B, GET, "security"),
    ),
    case(
        "alternative added",
        secured({"A": []}),
        secured({"A": []}, {"B": []}),
        ("security-alternative-added", I, GET, "security"),
    ),
    case("security removed", secured({"A": []}), secured(), ("security-removed", I, GET, "security")),
    case(
        "scopes changed",
        secured({"A": ["read"]}),
        secured({"A": ["read", "write"]}),
        ("security-scopes-changed", B, GET, "security"),
    ),
    case(
        "scheme removed",
        secured({"A": []}),
        secured({"A": []}, schemes=("A",)),
        ("security-scheme-removed", B, "", "securitySchemes B"),
    ),
    case(
        "scheme added",
        secured({"A": []}, schemes=("A",)),
        secured({"A": []}),
        ("security-scheme-added", I, "", "securitySchemes B"),
    ),
    case(
        "scheme changed",
        secured({"A": []}),
        {
            **secured({"A": []}),
            "components": {
                "schemas": {},
                "securitySchemes": {
                    "A": {"type": "apiKey", "in": "header", "name": "X-Key"},
                    "B": {"type": "http", "scheme": "bearer"},
                },
            },
        },
        ("security-scheme-changed", B, "", "securitySchemes A"),
    ),
    case(
        "server url changed",
        servers("https://a.test"),
        servers("https://b.test"),
        ("server-url-changed", B, "", "servers"),
    ),
    case(
        "server removed",
        servers("https://a.test", "https://b.test"),
        servers("https://a.test"),
        ("server-removed", B, "", "servers"),
    ),
    case(
        "server added",
        servers("https://a.test"),
        servers("https://a.test", "https://b.test"),
        ("server-added", I, "", "servers"),
    ),
    case("a trailing slash is the same server", servers("https://a.test/"), servers("https://a.test")),
]

# keyword, base schema, head schema, change, severity in a request, severity in a response
LIMITS: list[tuple[str, Json, Json, str, str, str]] = []
for keyword, base_type, name in (
    ("maximum", INT, "max"),
    ("minimum", INT, "min"),
    ("maxLength", STR, "max-length"),
    ("minLength", STR, "min-length"),
    ("maxItems", {"type": "array", "items": STR}, "max-items"),
    ("minItems", {"type": "array", "items": STR}, "min-items"),
):
    upper = name.startswith("max")
    # (old, new, change, request severity): tightening an upper limit lowers it, a lower limit raises it.
    for old, new, change, request_severity in (
        (10, 5, "decreased", B if upper else I),
        (10, 20, "increased", I if upper else B),
        (None, 10, "set", B),
        (10, None, "removed", I),
    ):
        LIMITS.append(
            (
                keyword,
                {**base_type, **({keyword: old} if old is not None else {})},
                {**base_type, **({keyword: new} if new is not None else {})},
                f"{name}-{change}",
                request_severity,
                I,
            )
        )

LIMIT_CASES = [
    case(
        f"request {change} ({keyword})",
        request_prop(old),
        request_prop(new),
        (f"request-property-{change}", req, POST, BODY_P),
    )
    for keyword, old, new, change, req, _ in LIMITS
] + [
    case(
        f"response {change} ({keyword})",
        response_prop(old),
        response_prop(new),
        (f"response-property-{change}", resp, GET, RESP_P),
    )
    for keyword, old, new, change, _, resp in LIMITS
]

CASES = (
    OPERATION_CASES
    + RENAME_CASES
    + PARAMETER_CASES
    + BODY_CASES
    + REQUEST_PROPERTY_CASES
    + RESPONSE_CASES
    + STATUS_CASES
    + SECURITY_CASES
    + LIMIT_CASES
)


def classify(base: Json, head: Json) -> set[Expected]:
    return {(f.rule, f.severity.value, f.operation, f.location) for f in diff_specs(base, head).findings}


@pytest.mark.parametrize("spec_case", CASES, ids=[c.name for c in CASES])
def test_rule(spec_case: Case) -> None:
    assert classify(spec_case.base, spec_case.head) == set(spec_case.expected)


@pytest.mark.parametrize("spec_case", CASES, ids=[c.name for c in CASES])
def test_no_findings_without_changes(spec_case: Case) -> None:
    assert classify(spec_case.base, spec_case.base) == set()
    assert classify(spec_case.head, spec_case.head) == set()


def _schema_rules() -> dict[str, tuple[str, str]]:
    """Schema-family rule id -> (direction, change)."""
    return {
        f"{direction}-{subject}-{change}": (direction, change)
        for direction, subjects in SCHEMA_SUBJECTS.items()
        for subject in subjects
        for change in SCHEMA_CHANGES
        if f"{direction}-{subject}-{change}" in RULES
    }


def test_every_spec_rule_has_a_case() -> None:
    """Each fixed rule is exercised, and each schema change in each direction for one subject."""
    covered = {expected[0] for c in CASES for expected in c.expected}
    schema_rules = _schema_rules()
    # client-* rules are exercised in test_client_surface, reality-* and ledger-* in test_nightly and
    # test_ledger, allowlist-* in test_allowlist, surface-table-* in test_surface_view.
    elsewhere = ("client-", "reality-", "ledger-", "allowlist-", "surface-table-")
    fixed = {rule for rule in RULES if rule not in schema_rules and not rule.startswith(elsewhere)}
    assert sorted(fixed - covered) == []
    families: set[Any] = set(schema_rules.values())
    assert sorted(families - {schema_rules[rule] for rule in covered if rule in schema_rules}) == []
