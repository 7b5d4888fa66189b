"""Builders for the tiny OpenAPI documents the drift tests compare.

Every builder returns a fresh, valid OpenAPI 3.1 document, so a test states only the part that
differs between base and head.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

GET = "GET /things"
POST = "POST /things"
ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
ERROR_SCHEMA: Json = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": {"type": "string"}},
}


def document(paths: Json, *, schemas: Json | None = None, **top: Any) -> Json:
    return {
        "openapi": "3.1.0",
        "info": {"title": "drift test", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"ErrorResponse": ERROR_SCHEMA, **(schemas or {})}},
        **top,
    }


def json_content(schema: Json) -> Json:
    return {"application/json": {"schema": schema}}


def response(schema: Json | None = None, description: str = "ok") -> Json:
    return {"description": description, **({"content": json_content(schema)} if schema is not None else {})}


def operation(**fields: Any) -> Json:
    """An operation with a 200 response unless ``responses`` is given."""
    return {"responses": {"200": response()}, **fields}


def get_spec(**fields: Any) -> Json:
    """``GET /things`` with the given operation fields."""
    return document({"/things": {"get": operation(**fields)}})


def obj(properties: Json, *required: str) -> Json:
    return {"type": "object", "properties": properties, **({"required": list(required)} if required else {})}


def request_spec(schema: Json, **body: Any) -> Json:
    """``POST /things`` whose required JSON request body is ``schema``."""
    request_body = {"required": True, "content": json_content(schema), **body}
    return document({"/things": {"post": operation(requestBody=request_body)}})


def request_prop(prop: Json, *, required: bool = False) -> Json:
    """``POST /things`` with one request body property ``p``."""
    return request_spec(obj({"p": prop}, *(["p"] if required else [])))


def response_spec(schema: Json, *, status: str = "200", **top: Any) -> Json:
    """``GET /things`` answering ``status`` with ``schema``."""
    return document({"/things": {"get": operation(responses={status: response(schema)})}}, **top)


def response_prop(prop: Json, *, required: bool = False) -> Json:
    """``GET /things`` whose 200 body has one property ``p``."""
    return response_spec(obj({"p": prop}, *(["p"] if required else [])))


def query(name: str = "limit", *, required: bool = False, **schema: Any) -> Json:
    return {"name": name, "in": "query", "required": required, "schema": schema or {"type": "integer"}}


def secured(*requirements: Json, schemes: tuple[str, ...] = ("A", "B")) -> Json:
    """``GET /things`` with operation-level ``security``, and bearer schemes A and B."""
    doc = get_spec(security=list(requirements))
    doc["components"]["securitySchemes"] = {name: {"type": "http", "scheme": "bearer"} for name in schemes}
    return doc
