"""Call a generated operation the way a user would, with the HTTP side served from a recording.

The generated client is only ever extended from outside: the transport goes in through
``httpx_args`` (``set_httpx_client`` would drop the bearer token), and the client is built with
``raise_on_unexpected_status=True`` so an undocumented status is an error, not ``None``.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
import typing
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from runflow_klein_client import AuthenticatedClient
from runflow_klein_client.types import Response
from runflow_klein_pipeline.recordings.spec import Operation, RecordingSpec

TOKEN = "contract-test-token"  # a dummy: the transport never leaves the process
DEFAULT_BASE_URL = "https://api.runflow.io"
_SCHEMA_REF = "#/components/schemas/"


def operation_module(operation: Operation) -> ModuleType:
    """``runflow_klein_client.api.<first tag>.<operationId>``, where the generator puts each operation."""
    tag = str(operation.definition["tags"][0]).lower()
    return importlib.import_module(f"runflow_klein_client.api.{tag}.{operation.operation_id}")


def request_model(operation: Operation) -> Any:
    """The generated class of the operation's JSON body (from ``sync_detailed``'s ``body`` annotation)."""
    hints = typing.get_type_hints(operation_module(operation).sync_detailed)
    return hints.get("body")


@dataclass(frozen=True)
class DocumentedBody:
    """The component schema documented for a response (the generated class has the same name, give or
    take capitalisation: ``Flux2Klein4bRun`` becomes ``Flux2Klein4BRun``), or for its items."""

    schema: str
    is_list: bool

    def matches(self, parsed: Any) -> bool:
        """``parsed`` is an instance of the documented class, or a list of them for an array body."""
        if isinstance(parsed, list) != self.is_list:
            return False
        items = parsed if isinstance(parsed, list) else [parsed]
        return all(type(item).__name__.lower() == self.schema.lower() for item in items)


def documented_body(spec: RecordingSpec, operation: Operation, status: int) -> DocumentedBody:
    response = operation.definition["responses"][str(status)]
    if "$ref" in response:
        response = spec.doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    is_list = schema.get("type") == "array"
    ref = str((schema["items"] if is_list else schema)["$ref"])
    assert ref.startswith(_SCHEMA_REF), ref
    return DocumentedBody(ref.removeprefix(_SCHEMA_REF), is_list)


def to_json(parsed: Any) -> Any:
    """A generated model (or a list of them) as JSON data."""
    return [item.to_dict() for item in parsed] if isinstance(parsed, list) else parsed.to_dict()


@dataclass
class RecordingTransport:
    """An ``httpx.MockTransport`` handler that answers with one recorded response and keeps the request."""

    status: int
    headers: list[tuple[str, str]]
    content: bytes
    sent: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.sent.append(request)
        return httpx.Response(self.status, headers=self.headers, content=self.content)


def make_client(
    transport: httpx.BaseTransport | None, *, base_url: str = DEFAULT_BASE_URL
) -> AuthenticatedClient:
    httpx_args: dict[str, Any] = {} if transport is None else {"transport": transport}
    return AuthenticatedClient(
        base_url=base_url, token=TOKEN, raise_on_unexpected_status=True, httpx_args=httpx_args
    )


def base_url(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme else DEFAULT_BASE_URL


def call(
    operation: Operation,
    *,
    client: AuthenticatedClient,
    path_parameters: Mapping[str, str],
    body: Any,
    headers: Mapping[str, str] | None = None,
    query: Mapping[str, str] | None = None,
) -> Response[Any]:
    """Call ``sync_detailed`` with path and query parameters converted to their annotated types (UUID,
    int, bool, str)."""
    function: Callable[..., Response[Any]] = operation_module(operation).sync_detailed
    hints = typing.get_type_hints(function)
    positional = []
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            value = path_parameters[name]
            positional.append(uuid.UUID(value) if hints.get(name) is uuid.UUID else value)
    keywords: dict[str, Any] = {"client": client}
    for name, value in (query or {}).items():
        keywords[name] = _query_value(hints[name], value)
    if body is not None:
        keywords["body"] = request_model(operation).from_dict(body)
    organization = (headers or {}).get("X-Organization-Id")
    if organization is not None:
        keywords["x_organization_id"] = organization
    return function(*positional, **keywords)


def _query_value(hint: Any, raw: str) -> Any:
    """A query string value as the operation's parameter type (``int | None | Unset`` takes an int)."""
    types = typing.get_args(hint) or (hint,)
    if bool in types:
        return raw == "true"
    if int in types:
        return int(raw)
    return raw


def query_parameters(uri: str) -> dict[str, str]:
    """The query parameters of a recorded URL."""
    return dict(parse_qsl(urlsplit(uri).query))


def normalise(value: Any) -> Any:
    """JSON data with date-times as instants: the client writes ``+00:00`` where the API sent ``Z``."""
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] in "Tt ":
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def json_body(raw: bytes | None) -> Any:
    return None if not raw or not raw.strip() else json.loads(raw)
