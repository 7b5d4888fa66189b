"""Checking a model input against the model's input schema in the composed spec, before any request.

Why: a value the API will refuse (``num_images: 9``, an unknown ``image_size``) should cost neither a
round trip nor a confusing 422; the CLI refuses it locally, worded like the API's field errors
(``input.num_images: must be at most 4 (got 9)``, see :func:`runflow_klein.responses.field_problem`).

Why the spec and a small checker rather than ``jsonschema``: the spec is the one place the constraints
are written (``_spec/runflow-klein.openapi.json`` is package data: a symlink to ``openapi/`` in a
checkout, the file itself in the wheel, exactly like the emulator's), and the input schemas use a
handful of keywords (``$ref``, ``type``, ``enum``, ``minimum``/``maximum``, ``minLength``/``maxLength``,
``minItems``/``maxItems``, ``pattern``, ``anyOf``, ``required``), checked below in one screenful instead
of adding ``jsonschema`` and its compiled dependencies to every install of the runtime. A keyword not
listed is not checked here; the server remains the authority.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from .klein_models import KleinModel
from .responses import field_problem

__all__ = ["input_problems", "input_schema"]

_TYPES: Mapping[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
}


@cache
def _spec() -> Mapping[str, Any]:
    text = resources.files("runflow_klein").joinpath("_spec/runflow-klein.openapi.json").read_text("utf-8")
    document: Mapping[str, Any] = json.loads(text)
    return document


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        node: Any = _spec()
        for part in str(schema["$ref"]).removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def input_schema(model: KleinModel) -> Mapping[str, Any]:
    """The ``input`` schema of ``model``'s dispatch operation (``POST /v1/models/{id}/runs``)."""
    operation = _spec()["paths"][f"/v1/models/{model.id}/runs"]["post"]
    body = _resolve(operation["requestBody"]["content"]["application/json"]["schema"])
    return _resolve(body["properties"]["input"])


def _type_ok(value: object, expected: str) -> bool:
    kinds = _TYPES.get(expected)
    if kinds is None:
        return True
    if isinstance(value, bool) and expected != "boolean":
        return False
    return isinstance(value, kinds)


def _check(schema: Mapping[str, Any], value: object, path: str) -> list[str]:
    schema = _resolve(schema)
    if "anyOf" in schema:
        if all(_check(branch, value, path) for branch in schema["anyOf"]):
            return [field_problem(path, f"matches none of the accepted forms (got {value!r})")]
        return []
    expected = schema.get("type")
    if isinstance(expected, str) and not _type_ok(value, expected):
        return [field_problem(path, f"must be of type {expected} (got {value!r})")]
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(map(str, schema["enum"]))
        return [field_problem(path, f"must be one of {allowed} (got {value!r})")]
    return _VALUE_CHECKS.get(_kind(value), _no_problems)(schema, value, path)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object" if isinstance(value, Mapping) else "other"


def _no_problems(schema: Mapping[str, Any], value: Any, path: str) -> list[str]:
    return []


def _number_problems(schema: Mapping[str, Any], value: float, path: str) -> list[str]:
    problems = []
    if "minimum" in schema and value < schema["minimum"]:
        problems.append(field_problem(path, f"must be at least {schema['minimum']} (got {value})"))
    if "maximum" in schema and value > schema["maximum"]:
        problems.append(field_problem(path, f"must be at most {schema['maximum']} (got {value})"))
    return problems


def _string_problems(schema: Mapping[str, Any], value: str, path: str) -> list[str]:
    problems = []
    if "minLength" in schema and len(value) < schema["minLength"]:
        problems.append(field_problem(path, f"must have at least {schema['minLength']} characters"))
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        problems.append(field_problem(path, f"must have at most {schema['maxLength']} characters"))
    if "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(field_problem(path, f"does not match {schema['pattern']}"))
    return problems


def _array_problems(schema: Mapping[str, Any], value: list[Any] | tuple[Any, ...], path: str) -> list[str]:
    problems = []
    if "minItems" in schema and len(value) < schema["minItems"]:
        problems.append(field_problem(path, f"needs at least {schema['minItems']} items (got {len(value)})"))
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        problems.append(field_problem(path, f"takes at most {schema['maxItems']} items (got {len(value)})"))
    for index, item in enumerate(value):
        problems += _check(schema.get("items", {}), item, f"{path}.{index}")
    return problems


def _object_problems(schema: Mapping[str, Any], value: Mapping[str, Any], path: str) -> list[str]:
    properties = schema.get("properties", {})
    problems = [
        field_problem(f"{path}.{name}", "is required")
        for name in schema.get("required", ())
        if name not in value
    ]
    for name, item in value.items():
        if name in properties:
            problems += _check(properties[name], item, f"{path}.{name}")
    return problems


_VALUE_CHECKS: Mapping[str, Callable[[Mapping[str, Any], Any, str], list[str]]] = {
    "number": _number_problems,
    "string": _string_problems,
    "array": _array_problems,
    "object": _object_problems,
}


def input_problems(model: KleinModel, model_input: Mapping[str, Any]) -> list[str]:
    """Every way ``model_input`` breaks ``model``'s input schema, as ``input.<field>: reason`` lines."""
    return _check(input_schema(model), dict(model_input), "input")
