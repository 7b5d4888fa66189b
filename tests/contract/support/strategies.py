"""Hypothesis strategies for request and response bodies, from the composed spec's schemas.

schemathesis generates request bodies through the public ``APIOperation.as_strategy()``. It has no
public API for "an instance of this schema" (and hypothesis-jsonschema is broken with the pinned
hypothesis), so response bodies use a trick that stays on public APIs: a throwaway OpenAPI document
with one POST per response schema, whose request body *is* that schema (components included).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import schemathesis
from hypothesis import strategies as st
from runflow_klein_pipeline.recordings.spec import Operation, RecordingSpec
from schemathesis import BaseSchema, GenerationMode

_BODY_PATH = "/bodies/{}"


def request_bodies(spec: RecordingSpec, operation: Operation) -> st.SearchStrategy[Any]:
    """Schema-valid (positive) JSON bodies of the operation's request."""
    strategy = spec.api_operation(operation).as_strategy(generation_mode=GenerationMode.POSITIVE)
    return strategy.map(lambda case: case.body)


def schema_instances(spec: RecordingSpec, schema_name: str) -> st.SearchStrategy[Any]:
    """Valid instances of ``#/components/schemas/<schema_name>``."""
    operation = _bodies_document(spec)[_BODY_PATH.format(schema_name)]["POST"]
    return operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(lambda case: case.body)


@cache
def _bodies_document(spec: RecordingSpec) -> BaseSchema:
    components = copy.deepcopy(spec.plain["components"])
    paths = {
        _BODY_PATH.format(name): {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                },
                "responses": {"200": {"description": "unused"}},
            }
        }
        for name in components.get("schemas", {})
    }
    document = {
        "openapi": spec.plain["openapi"],
        "info": {"title": "response bodies as request bodies", "version": "0"},
        "paths": paths,
        "components": components,
    }
    return schemathesis.openapi.from_dict(document, config=schemathesis.Config())
