"""The OpenAPI spec as the recordings checker needs it: operations found by URL, validators cached.

A recorded URL is matched by its path alone (scheme, host and query are ignored). Literal spec
paths win over templated ones, so ``/v1/models/black-forest-labs/flux-2-klein-4b/runs`` finds the
typed klein operation rather than ``/v1/models/{owner}/{slug}/runs``; among templates the one with
fewer parameters wins.

Two validators look at the same document:
- schemathesis (loaded once with ``from_dict``) judges responses: status, content type, headers, body;
- ``SchemaValidator`` (jsonschema_rs for the verdict, python-jsonschema to name the leaf, each with
  one registry over the whole spec) validates request bodies and path parameters, and names the
  leaf of a response-body error where schemathesis only names the parent of an ``anyOf``/``oneOf``.

Vendor extensions (``x-*``) are stripped before either library sees the document: they carry no
validation meaning, and schemathesis tries to resolve any ``$ref`` key it finds, even one that is a
key of an ``x-source`` provenance map. So are the ``x-open-enum`` branches, which exist for the
generated client only (see ``strip_extensions``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jsonschema_rs
import schemathesis
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis import APIOperation, BaseSchema

from runflow_klein_pipeline.documents import HTTP_METHODS, Json, load_json
from runflow_klein_pipeline.recordings.schema import SchemaValidator
from runflow_klein_pipeline.spec.compose import OPEN_ENUM

SPEC_URI = "urn:runflow-klein:spec"
# Objects whose keys are names chosen by the spec author, not OpenAPI/JSON Schema keywords: an
# ``x-`` key inside them is a real name (a property called "x-foo") and must survive stripping.
NAME_MAPS = frozenset(
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "headers",
        "schemas", "parameters", "responses", "requestBodies", "content", "callbacks",
        "securitySchemes", "links", "encoding", "paths", "pathItems", "webhooks",
    }
)  # fmt: skip
# Keywords whose values are instance data, copied verbatim.
DATA_KEYWORDS = frozenset({"default", "example", "examples", "const", "enum"})
_PARAM = re.compile(r"\{([^{}/]+)\}")


class SpecLoadError(Exception):
    """The spec cannot be read or is not an OpenAPI 3.x document schemathesis can load."""


@dataclass(frozen=True)
class Operation:
    """One documented (path template, method) pair."""

    path: str
    method: str
    definition: Json = field(repr=False, compare=False)

    @property
    def operation_id(self) -> str | None:
        value = self.definition.get("operationId")
        return value if isinstance(value, str) else None

    @property
    def klein_model(self) -> str | None:
        value = self.definition.get("x-klein-model")
        return value if isinstance(value, str) else None

    @property
    def pointer(self) -> str:
        return f"/paths/{_escape(self.path)}/{self.method.lower()}"


@dataclass(frozen=True)
class Resolution:
    """Where a recorded (method, path) lands: an operation, or only a path, or nothing."""

    operation: Operation | None
    path_template: str | None
    path_parameters: dict[str, str]
    documented_methods: tuple[str, ...]


def strip_extensions(node: Any, *, names: bool = False) -> Any:
    """Deep copy of ``node`` without vendor-extension (``x-*``) keys, keeping author-chosen names.

    The ``x-open-enum`` branches compose adds for the generated client go too: recordings are checked
    against the enums as documented, so a value an enum does not list is a violation.
    """
    if isinstance(node, list):
        return [strip_extensions(item) for item in node if not (isinstance(item, dict) and OPEN_ENUM in item)]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if names:
            result[key] = strip_extensions(value)
        elif key.startswith("x-"):
            continue
        elif key in DATA_KEYWORDS:
            result[key] = copy.deepcopy(value)
        else:
            result[key] = strip_extensions(value, names=key in NAME_MAPS)
    return result


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _PathTemplate:
    """A spec path compiled to a regex; parameter names may be anything but '/' and braces."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.names = _PARAM.findall(template)
        pattern, last = "", 0
        for number, found in enumerate(_PARAM.finditer(template)):
            pattern += re.escape(template[last : found.start()]) + f"(?P<p{number}>[^/]+)"
            last = found.end()
        self.regex = re.compile(pattern + re.escape(template[last:]) + "$")
        # Literal paths first, then templates with fewer parameters, then longer literal text.
        self.rank = (len(self.names), -len(_PARAM.sub("", template)), template)

    def match(self, path: str) -> dict[str, str] | None:
        found = self.regex.match(path)
        if found is None:
            return None
        return {name: unquote(found.group(f"p{n}")) for n, name in enumerate(self.names)}


class RecordingSpec:
    """A loaded spec plus per-operation caches; build once and reuse for every interaction."""

    def __init__(self, doc: Json, *, source: str = "<spec>") -> None:
        if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3."):
            raise SpecLoadError(f"{source}: not an OpenAPI 3.x document (no 'openapi: 3.x' field)")
        if not isinstance(doc.get("paths"), dict):
            raise SpecLoadError(f"{source}: the document has no 'paths' object")
        self.source = source
        self.doc = doc
        self.plain = strip_extensions(doc)
        try:
            self.schema: BaseSchema = schemathesis.openapi.from_dict(
                copy.deepcopy(self.plain), config=schemathesis.Config()
            )
        except Exception as exc:  # schemathesis raises several private error types for bad documents
            raise SpecLoadError(f"{source}: schemathesis cannot load it: {exc}") from exc
        resource = Resource.from_contents(self.plain, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self.rs_registry = jsonschema_rs.Registry([(SPEC_URI, self.plain)], draft=jsonschema_rs.Draft202012)
        self.base_path = _server_base_path(doc)
        self._templates = sorted(
            (_PathTemplate(path) for path in self.plain["paths"]), key=lambda template: template.rank
        )
        self._api_operations: dict[tuple[str, str], APIOperation[Any, Any, Any, Any]] = {}
        self._validators: dict[str, SchemaValidator] = {}

    @classmethod
    def from_path(cls, path: Path) -> RecordingSpec:
        if path.suffix in (".yaml", ".yml"):
            try:
                doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise SpecLoadError(f"{path}: cannot read the spec: {first}") from exc
        else:
            try:
                doc = load_json(path)
            except Exception as exc:  # the loader raises SpecError with a one-line reason
                raise SpecLoadError(str(exc)) from exc
        return cls(doc, source=str(path))

    # ---- operations ----

    @cached_property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(self._iter_operations())

    def _iter_operations(self) -> Iterator[Operation]:
        for path, item in self.doc["paths"].items():
            if isinstance(item, dict):
                for method in HTTP_METHODS:
                    if isinstance(item.get(method), dict):
                        yield Operation(path=path, method=method.upper(), definition=item[method])

    def operation(self, path: str, method: str) -> Operation | None:
        item = self.doc["paths"].get(path)
        definition = item.get(method.lower()) if isinstance(item, dict) else None
        return Operation(path=path, method=method.upper(), definition=definition) if definition else None

    def resolve(self, method: str, url: str) -> Resolution:
        """Find the operation for a recorded request, preferring the most specific path with the method."""
        path = urlsplit(url).path or "/"
        if self.base_path and (path == self.base_path or path.startswith(self.base_path + "/")):
            path = path[len(self.base_path) :] or "/"
        matches = [(t, params) for t in self._templates if (params := t.match(path)) is not None]
        if not matches:
            return Resolution(None, None, {}, ())
        for template, params in matches:
            found = self.operation(template.template, method)
            if found is not None:
                return Resolution(found, template.template, params, self.methods(template.template))
        best = matches[0][0].template
        return Resolution(None, best, matches[0][1], self.methods(best))

    def methods(self, path: str) -> tuple[str, ...]:
        item = self.doc["paths"].get(path, {})
        return tuple(m.upper() for m in HTTP_METHODS if isinstance(item.get(m), dict))

    def api_operation(self, operation: Operation) -> APIOperation[Any, Any, Any, Any]:
        key = (operation.path, operation.method)
        if key not in self._api_operations:
            self._api_operations[key] = self.schema[operation.path][operation.method]
        return self._api_operations[key]

    def documented_statuses(self, operation: Operation) -> tuple[str, ...]:
        responses = operation.definition.get("responses", {})
        return tuple(str(status) for status in responses)

    # ---- schema lookup ----

    def _follow(self, pointer: str) -> tuple[str, Any]:
        """Resolve ``$ref`` chains of OpenAPI objects (responses, request bodies, parameters)."""
        node = self._at(pointer)
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            ref = node["$ref"]
            if ref in seen:
                break
            seen.add(ref)
            pointer = ref[1:]
            node = self._at(pointer)
        return pointer, node

    def _at(self, pointer: str) -> Any:
        node: Any = self.plain
        for token in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
            key = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                node = node[int(key)] if key.isdigit() and int(key) < len(node) else None
            elif isinstance(node, dict):
                node = node.get(key)
            else:
                return None
        return node

    def request_media_types(self, operation: Operation) -> tuple[str, ...]:
        _, body = self._follow(operation.pointer + "/requestBody")
        content = body.get("content") if isinstance(body, dict) else None
        return tuple(content) if isinstance(content, dict) else ()

    def request_body_required(self, operation: Operation) -> bool:
        _, body = self._follow(operation.pointer + "/requestBody")
        return isinstance(body, dict) and bool(body.get("required"))

    def request_validator(self, operation: Operation, content_type: str | None) -> SchemaValidator | None:
        pointer, body = self._follow(operation.pointer + "/requestBody")
        schema = self._content_schema_pointer(pointer, body, content_type)
        return None if schema is None else self.validator(schema)

    def response_validator(
        self, operation: Operation, status: int, content_type: str | None
    ) -> SchemaValidator | None:
        pointer = self.response_schema_pointer(operation, status, content_type)
        return None if pointer is None else self.validator(pointer)

    def response_schema_pointer(
        self, operation: Operation, status: int, content_type: str | None
    ) -> str | None:
        """Where the schema documented for this response body is (its ``$ref`` is not followed)."""
        responses = operation.definition.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                pointer, response = self._follow(f"{operation.pointer}/responses/{_escape(key)}")
                return self._content_schema_pointer(pointer, response, content_type)
        return None

    def schema_at(self, pointer: str) -> tuple[str, Any]:
        """The schema at ``pointer``, with its ``$ref`` chain followed: ``(where it is, the schema)``."""
        return self._follow(pointer)

    def path_parameter_validators(self, operation: Operation) -> dict[str, SchemaValidator]:
        """Validators for the ``in: path`` parameters (path-item level, overridden by operation level)."""
        found: dict[str, str] = {}
        for owner in (f"/paths/{_escape(operation.path)}", operation.pointer):
            parameters = self._at(owner + "/parameters")
            for number in range(len(parameters) if isinstance(parameters, list) else 0):
                pointer, parameter = self._follow(f"{owner}/parameters/{number}")
                if isinstance(parameter, dict) and parameter.get("in") == "path" and "schema" in parameter:
                    found[str(parameter.get("name"))] = pointer + "/schema"
        return {name: self.validator(pointer) for name, pointer in found.items()}

    def _content_schema_pointer(self, pointer: str, owner: Any, content_type: str | None) -> str | None:
        content = owner.get("content") if isinstance(owner, dict) else None
        if not isinstance(content, dict):
            return None
        media = pick_media_type(tuple(content), content_type)
        if media is None or not isinstance(content[media], dict) or "schema" not in content[media]:
            return None
        return f"{pointer}/content/{_escape(media)}/schema"

    def validator(self, pointer: str) -> SchemaValidator:
        """The (cached) validator of the schema at ``pointer``, a JSON pointer into the document."""
        if pointer not in self._validators:
            self._validators[pointer] = SchemaValidator(
                f"{SPEC_URI}#{quote(pointer, safe='/~')}",
                registry=self.registry,
                rs_registry=self.rs_registry,
            )
        return self._validators[pointer]


def pick_media_type(documented: tuple[str, ...], content_type: str | None) -> str | None:
    """The documented media type a recorded Content-Type selects (JSON when none was recorded)."""
    essence = (content_type or "application/json").split(";")[0].strip().lower()
    main = essence.split("/")[0]
    for candidate in (essence, f"{main}/*", "*/*"):
        for media in documented:
            if media.lower() == candidate:
                return media
    return None


def _server_base_path(doc: Json) -> str:
    servers = doc.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        return ""
    url = str(servers[0].get("url", ""))
    return "" if "{" in url else urlsplit(url).path.rstrip("/")


__all__ = [
    "Operation",
    "RecordingSpec",
    "Resolution",
    "SpecLoadError",
    "pick_media_type",
    "strip_extensions",
]
