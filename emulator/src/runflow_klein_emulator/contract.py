"""The composed spec's operations as the emulator serves them, and request validation.

Every 401/422 the emulator sends is decided here from the spec (security requirements, parameter
and request-body schemas, checked with jsonschema_rs including ``format``), and so is the status of
every success, so the emulator's answers follow the documented contract instead of hand-written rules
and move with the spec.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_INTEGER = re.compile(r"[+-]?\d+")
_SUCCESS = re.compile(r"2\d\d")
_MAX_ERRORS = 20
_MAX_MESSAGE = 300


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path" or "query"; header parameters are not validated
    required: bool
    validator: jsonschema_rs.Validator
    types: frozenset[str]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    secured: bool
    parameters: tuple[Parameter, ...]
    body: jsonschema_rs.Validator | None
    body_required: bool
    klein_model: str | None
    pricing: Mapping[str, Any] | None
    input_properties: Mapping[str, Any]
    """The klein model's input properties (defaults, enums); empty for non-klein operations."""
    success_status: int
    """The status a success is answered with: the first 2xx the operation documents."""


@dataclass(frozen=True)
class ValidRequest:
    path: dict[str, str]
    query: dict[str, Any]
    body: Any


class InvalidRequest(Exception):
    """The request breaks the spec; ``errors`` become the 422 ``ErrorResponse.errors``."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} validation error(s)")
        self.errors = errors


def load_operations(spec: Mapping[str, Any]) -> list[Operation]:
    """Every operation of the spec, with compiled validators."""
    components = spec.get("components", {})
    default_security = spec.get("security", [])
    operations = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in _HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            body_spec = _resolve(spec, op.get("requestBody", {}))
            body_schema = body_spec.get("content", {}).get("application/json", {}).get("schema")
            klein_model = op.get("x-klein-model")
            operations.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    secured=bool(op.get("security", default_security)),
                    parameters=tuple(
                        _parameter(components, _resolve(spec, raw))
                        for raw in [*shared, *op.get("parameters", [])]
                        if _resolve(spec, raw)["in"] in ("path", "query")
                    ),
                    body=None if body_schema is None else _validator(components, body_schema),
                    body_required=bool(body_spec.get("required", False)),
                    klein_model=klein_model,
                    pricing=op.get("x-pricing"),
                    input_properties=(
                        _input_properties(spec, body_schema) if klein_model and body_schema else {}
                    ),
                    success_status=success_status(op.get("responses", {})),
                )
            )
    return operations


def success_status(responses: Mapping[str, Any]) -> int:
    """The first 2xx status in ``responses``; 200 when none is listed (only a ``2XX`` range, or nothing).

    Why the first: a spec that leaves the status open lists every candidate (the committed spec lists
    200, 201 and 202 for a dispatch), and 200 is what it has always been answered with; a document
    that settles it (a FastAPI backend's 201 for a create) is answered as it says.
    """
    documented = sorted(int(status) for status in responses if _SUCCESS.fullmatch(str(status)))
    return documented[0] if documented else 200


def validate_request(
    op: Operation, *, path: Mapping[str, str], query: Iterable[tuple[str, str]], body: bytes
) -> ValidRequest:
    """Check one request against ``op``; raise InvalidRequest listing every problem found."""
    errors: list[dict[str, Any]] = []
    query_values: dict[str, list[str]] = {}
    for name, value in query:
        query_values.setdefault(name, []).append(value)
    valid_path: dict[str, str] = {}
    valid_query: dict[str, Any] = {}
    for param in op.parameters:
        raw_values = [path[param.name]] if param.location == "path" and param.name in path else []
        if param.location == "query":
            raw_values = query_values.get(param.name, [])
        if not raw_values:
            if param.required:
                errors.append(_error([param.location, param.name], "Field required", "missing"))
            continue
        if len(raw_values) > 1:
            errors.append(_error([param.location, param.name], "Parameter given more than once", "duplicate"))
            continue
        value = raw_values[0] if param.location == "path" else _coerce(raw_values[0], param.types)
        found = _schema_errors(param.validator, value, [param.location, param.name])
        errors.extend(found)
        if not found:
            if param.location == "path":
                valid_path[param.name] = raw_values[0]
            else:
                valid_query[param.name] = value
    parsed_body = _parse_body(op, body, errors)
    if errors:
        raise InvalidRequest(errors[:_MAX_ERRORS])
    return ValidRequest(path=valid_path, query=valid_query, body=parsed_body)


def _parse_body(op: Operation, body: bytes, errors: list[dict[str, Any]]) -> Any:
    if op.body is None:
        return None
    if not body.strip():
        if op.body_required:
            errors.append(_error(["body"], "Field required", "missing"))
        return None
    try:
        parsed = json.loads(body, parse_constant=_reject_constant)
    except ValueError as exc:
        errors.append(_error(["body"], f"JSON decode error: {exc}", "json_invalid"))
        return None
    errors.extend(_schema_errors(op.body, parsed, ["body"]))
    return parsed


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _schema_errors(validator: jsonschema_rs.Validator, instance: Any, loc: list[Any]) -> list[dict[str, Any]]:
    return [
        _error(
            [*loc, *err.instance_path],
            err.message,
            str(err.schema_path[-1]) if err.schema_path else "invalid",
        )
        for top in validator.iter_errors(instance)
        for err in _explained(top)
    ]


def _explained(err: jsonschema_rs.ValidationError) -> list[jsonschema_rs.ValidationError]:
    """Report the reason inside a failed ``anyOf``/``oneOf`` when only one branch was plausible.

    Nullable fields are ``anyOf: [X, null]``; "not valid under any of the schemas" hides that
    ``""`` is not a URI, so branches that failed only on the value's type are set aside.
    """
    kind = err.kind
    if isinstance(
        kind, jsonschema_rs.ValidationErrorKind.AnyOf | jsonschema_rs.ValidationErrorKind.OneOfNotValid
    ):
        plausible = [
            branch
            for branch in kind.context
            if not all(isinstance(sub.kind, jsonschema_rs.ValidationErrorKind.Type) for sub in branch)
        ]
        if len(plausible) == 1:
            return [found for sub in plausible[0] for found in _explained(sub)]
    return [err]


def _error(loc: list[Any], message: str, kind: str) -> dict[str, Any]:
    # Messages quote the offending value; clip them so a multi-megabyte data URI is not echoed.
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "…"
    return {"loc": loc, "msg": message, "type": kind}


def _coerce(raw: str, types: frozenset[str]) -> Any:
    """Query strings are text; turn them into the JSON type the parameter schema asks for."""
    if "integer" in types and _INTEGER.fullmatch(raw):
        return int(raw)
    if "number" in types:
        try:
            number = float(raw)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number
    if "boolean" in types and raw in ("true", "false"):
        return raw == "true"
    return raw


def _parameter(components: Mapping[str, Any], raw: Mapping[str, Any]) -> Parameter:
    schema = raw.get("schema", {})
    return Parameter(
        name=raw["name"],
        location=raw["in"],
        required=bool(raw.get("required", False)),
        validator=_validator(components, schema),
        types=frozenset(_types(components, schema)),
    )


def _types(components: Mapping[str, Any], schema: Mapping[str, Any]) -> Iterable[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        yield from _types(components, components.get("schemas", {}).get(name, {}))
    declared = schema.get("type")
    if isinstance(declared, str):
        yield declared
    elif isinstance(declared, list):
        yield from declared
    for branch in [*schema.get("anyOf", []), *schema.get("oneOf", [])]:
        yield from _types(components, branch)


def _validator(components: Mapping[str, Any], schema: Mapping[str, Any]) -> jsonschema_rs.Validator:
    # The schema's "#/components/..." refs resolve against this wrapper's root; offline=True
    # guarantees a stray remote reference is an error, never a network request.
    return jsonschema_rs.validator_for(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": components,
            "allOf": [schema],
        },
        validate_formats=True,
        offline=True,
    )


def _input_properties(spec: Mapping[str, Any], body_schema: Mapping[str, Any]) -> Mapping[str, Any]:
    body = _resolve(spec, body_schema)
    if "input" in body.get("properties", {}):  # dispatch body: {input, metadata, callback_url, …}
        body = _resolve(spec, body["properties"]["input"])
    properties: Mapping[str, Any] = body.get("properties", {})
    return properties


def _resolve(spec: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node
