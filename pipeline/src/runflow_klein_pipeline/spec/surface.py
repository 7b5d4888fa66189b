"""The client surface this project owns: operation names, tags and class names, whatever upstream calls them.

Why: openapi-python-client names modules after operationIds and classes after component titles and keys,
all of which are upstream's choices. A FastAPI backend emits ``get_run_v1_runs__id__get`` and qualifies
duplicate class names by module (``models__x__FullValidator``, every one titled ``FullValidator``), so a
faithful generation of the published document would rename every import of every consumer, or fail.
This step runs before composition and turns any upstream document into the same surface:

1. ``openapi/client-surface.overlay.yaml`` (an OpenAPI Overlay 1.0 document, the committed, reviewable
   naming table) annotates operations, keyed by method and path, with ``x-client-name`` (the operationId,
   so the module name) and ``x-client-tag`` (the ``api/<tag>/`` package), and annotates the schemas that
   play a known role (the run a dispatch returns, the error body, …) with ``x-client-name`` (the class).
2. Operations the table does not name get a readable name from method and path
   (``GET /v1/batches/{id}`` → ``get_batches_by_id``) and keep upstream's first tag.
3. Components the table does not name get a readable name from their key, module qualification dropped
   and only as much of it put back as makes the name unique (``FullValidator``,
   ``ModelExampleFullValidator``); every component's ``title`` is its name, inline titles are dropped (the
   generator would name nested classes after them), so class names are unique whatever titles say.
4. The three nullability forms (``nullable: true``, ``type: [X, "null"]``, ``oneOf`` with a null branch)
   become one (``anyOf: [X, {type: null}]``), and paths, methods and components are sorted.
5. Security requirements are written once: the document's ``security`` is the one most operations have,
   and an operation states its own only where it differs (``[]`` for a public one). FastAPI writes it on
   every operation instead; the generator reads only an operation's own (its functions would then take
   an ``AuthenticatedClient`` only, not the runtime's plain ``Client``) and the typed klein operations
   compose derives inherit the document's.

Upstream's own names stay in the document as ``x-upstream-operation-id``, ``x-upstream-tags``,
``x-upstream-name`` and ``x-upstream-title``, so drift can tell a rename from a change.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from runflow_klein_pipeline.documents import HTTP_METHODS, SCHEMA_REF, Json, SpecError
from runflow_klein_pipeline.spec.overlay import apply_overlay

NAME_KEY = "x-client-name"
TAG_KEY = "x-client-tag"
UPSTREAM_OPERATION_ID = "x-upstream-operation-id"
UPSTREAM_TAGS = "x-upstream-tags"
UPSTREAM_NAME = "x-upstream-name"
UPSTREAM_TITLE = "x-upstream-title"
DEFAULT_TAG = "default"
# Schema keywords whose value is one schema, a map of schemas, or a list of schemas (JSON Schema 2020-12).
_ONE_SCHEMA = frozenset(
    {"items", "not", "additionalProperties", "contains", "if", "then", "else", "propertyNames",
     "unevaluatedProperties", "unevaluatedItems"}
)  # fmt: skip
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})
# Keywords that describe a nullable value as a whole, and so stay outside its anyOf.
_ANNOTATIONS = frozenset({"title", "description", "default", "examples", "example", "deprecated", "readOnly",
                          "writeOnly"})  # fmt: skip
_NULL = {"type": "null"}


def load_overlay(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"{path} is not valid YAML: {exc}") from exc


@dataclass(frozen=True)
class Surface:
    """An upstream document with the project's surface, and the table entries that did not apply to it."""

    doc: Json
    unmatched: tuple[str, ...]


def own_surface(upstream: Json, overlay: Any, *, where: str) -> Surface:
    """``upstream`` with the project's names, canonical nullability and a canonical order (pure).

    A table entry whose target matches nothing (upstream removed or reshaped what it named) is returned in
    ``unmatched``; what it would have named gets a derived name instead.
    """
    applied = apply_overlay(upstream, overlay, where=where)
    doc = applied.doc
    _name_operations(doc)
    _security_written_once(doc)
    claimed = _claimed_component_names(doc)
    schemas = doc.get("components", {}).get("schemas", {})
    names = {**derived_component_names([key for key in schemas if key not in claimed]), **claimed}
    _check_unique(names)
    doc = _rename_components(doc, names)
    _canonical_schemas(doc)
    return Surface(_sorted_document(doc), applied.unmatched)


# ---------------------------------------------------------------- operations


def operations(doc: Json) -> Iterator[tuple[str, str, Json]]:
    """``(method, path, operation)`` of every operation under ``paths``."""
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                yield method, path, item[method]


def derived_operation_name(method: str, path: str) -> str:
    """A readable operationId from method and path.

    ``GET /v1/runs/{run_id}/logs`` → ``get_runs_by_run_id_logs`` (FastAPI's default would be
    ``…_v1_runs__run_id__logs_get``).
    """
    words = [method]
    for segment in path.strip("/").split("/"):
        if not segment or re.fullmatch(r"v\d+", segment):
            continue
        parameter = re.fullmatch(r"\{(.+)\}", segment)
        words.append(f"by_{_snake(parameter.group(1))}" if parameter else _snake(segment))
    return "_".join(word for word in words if word)


def _snake(text: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()


def _name_operations(doc: Json) -> None:
    seen: dict[str, str] = {}
    for method, path, operation in operations(doc):
        name = operation.pop(NAME_KEY, None) or derived_operation_name(method, path)
        upstream_tags = operation.get("tags") or []
        tag = operation.pop(TAG_KEY, None) or (upstream_tags[0] if upstream_tags else DEFAULT_TAG)
        where = f"{method.upper()} {path}"
        if name in seen:
            raise SpecError(f"operation name {name!r} is given to both {seen[name]} and {where}")
        seen[name] = where
        if "operationId" in operation:
            operation[UPSTREAM_OPERATION_ID] = operation["operationId"]
        if upstream_tags and upstream_tags != [tag]:
            operation[UPSTREAM_TAGS] = upstream_tags
        operation["operationId"] = name
        operation["tags"] = [tag]


def _security_written_once(doc: Json) -> None:
    """Make the document's ``security`` the most common requirement; operations keep only exceptions."""
    inherited = doc.get("security", [])
    effective = [(operation, operation.get("security", inherited)) for _, _, operation in operations(doc)]
    texts = [json.dumps(requirement, sort_keys=True) for _, requirement in effective if requirement]
    if not texts:
        return  # nothing is secured: nothing to write once
    # The most common requirement; among equally common ones the first in text order.
    common_text = max(sorted(set(texts)), key=texts.count)
    common = next(r for _, r in effective if r and json.dumps(r, sort_keys=True) == common_text)
    for operation, requirement in effective:
        if requirement == common:
            operation.pop("security", None)
        else:
            operation["security"] = requirement
    if inherited != common:
        doc["security"] = common


# ---------------------------------------------------------------- components


def _walk(node: Any, location: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Json]]:
    if isinstance(node, dict):
        yield location, node
        for key, value in node.items():
            yield from _walk(value, (*location, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*location, index))


def _schema_key(ref: Any) -> str | None:
    return ref[len(SCHEMA_REF) :] if isinstance(ref, str) and ref.startswith(SCHEMA_REF) else None


def _named_component(location: tuple[str | int, ...], node: Json) -> str | None:
    """The component an annotated node stands for: itself, its ``$ref``, or the ``$ref`` of a nullable."""
    if len(location) == 3 and location[:2] == ("components", "schemas"):
        return str(location[2])
    key = _schema_key(node.get("$ref"))
    if key is not None:
        return key
    for keyword in ("anyOf", "oneOf"):
        branches = [b for b in node.get(keyword, []) if b != _NULL]
        if len(branches) == 1 and isinstance(branches[0], dict):
            return _schema_key(branches[0].get("$ref"))
    return None


def _claimed_component_names(doc: Json) -> dict[str, str]:
    """Upstream component key → the name the overlay gives it (annotations are removed)."""
    claims: dict[str, dict[str, str]] = {}
    for location, node in list(_walk(doc)):
        if location[:1] == ("paths",) and len(location) == 3:
            continue  # operations carry their own x-client-name (already taken)
        name = node.pop(NAME_KEY, None)
        if name is None:
            continue
        where = "/".join(map(str, location))
        key = _named_component(location, node)
        if key is None or key not in doc.get("components", {}).get("schemas", {}):
            raise SpecError(f"{NAME_KEY} {name!r} at {where} does not point at a component schema")
        claims.setdefault(key, {})[name] = where
    names = {}
    for key, by_name in claims.items():
        if len(by_name) > 1:
            listed = "; ".join(f"{name!r} at {where}" for name, where in sorted(by_name.items()))
            raise SpecError(f"component {key!r} is given several names: {listed}")
        names[key] = next(iter(by_name))
    return names


def _class_words(key: str) -> list[str]:
    """``models__model_content__FullValidator`` → ``[Models, ModelContent, FullValidator]``."""
    return [_pascal(part) for part in key.split("__") if _pascal(part)]


def _pascal(text: str) -> str:
    words = re.split(r"[^0-9a-zA-Z]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def derived_component_names(keys: list[str]) -> dict[str, str]:
    """Readable, unique class names for component keys the table does not name.

    Each name is the key's last module-qualified part, with as many of the preceding parts put back as
    needed to tell it from every other key's name; the same set of keys always gives the same names.
    """
    words = {key: _class_words(key) or ["Schema"] for key in keys}
    depth = dict.fromkeys(keys, 1)
    while True:
        names = {key: "".join(words[key][-depth[key] :]) for key in keys}
        by_name: dict[str, list[str]] = {}
        for key, name in names.items():
            by_name.setdefault(name, []).append(key)
        clashing = [key for group in by_name.values() if len(group) > 1 for key in group]
        growable = [key for key in clashing if depth[key] < len(words[key])]
        if not growable:
            return _numbered(names, by_name)
        for key in growable:
            depth[key] += 1


def _numbered(names: dict[str, str], by_name: dict[str, list[str]]) -> dict[str, str]:
    """Last resort for keys whose words are all equal (``A_B`` and ``A.B``): number them in key order."""
    for name, group in by_name.items():
        if len(group) > 1:
            for index, key in enumerate(sorted(group), start=1):
                names[key] = f"{name}{index}"
    return names


def _check_unique(names: dict[str, str]) -> None:
    by_name: dict[str, list[str]] = {}
    for key, name in names.items():
        by_name.setdefault(name, []).append(key)
    clashes = {name: sorted(keys) for name, keys in by_name.items() if len(keys) > 1}
    if clashes:
        listed = "; ".join(f"{name!r} for {', '.join(keys)}" for name, keys in sorted(clashes.items()))
        raise SpecError(f"several components would become the same class: {listed}")


def _rename_components(doc: Json, names: dict[str, str]) -> Json:
    def rename_refs(node: Any) -> Any:
        if isinstance(node, dict):
            out = {key: rename_refs(value) for key, value in node.items()}
            key = _schema_key(out.get("$ref"))
            if key is not None and key in names:
                out["$ref"] = SCHEMA_REF + names[key]
            return out
        if isinstance(node, list):
            return [rename_refs(value) for value in node]
        return node

    renamed: Json = rename_refs(doc)
    schemas = renamed.get("components", {}).get("schemas")
    if isinstance(schemas, dict):
        owned = {}
        for key, upstream_schema in schemas.items():
            schema = dict(upstream_schema)
            upstream_title = schema.pop("title", None)
            if upstream_title is not None and upstream_title != names[key]:
                schema[UPSTREAM_TITLE] = upstream_title
            if key != names[key]:
                schema[UPSTREAM_NAME] = key
            owned[names[key]] = {"title": names[key], **schema}
        renamed["components"]["schemas"] = owned
    return renamed


# ---------------------------------------------------------------- schemas


def _map_schemas(doc: Json, change: Callable[[Json, bool], Json]) -> None:
    """Replace every schema object in ``doc`` by ``change(schema, is_component)``, innermost first."""

    def visit(schema: Any, *, component: bool = False) -> Any:
        if not isinstance(schema, dict):
            return schema
        out = dict(schema)
        for key, value in schema.items():
            if key in _ONE_SCHEMA and isinstance(value, dict):
                out[key] = visit(value)
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: visit(sub) for name, sub in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [visit(sub) for sub in value]
        return change(out, component)

    def visit_document(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: visit(value) if key == "schema" else value if _is_data(key) else visit_document(value)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [visit_document(value) for value in node]
        return node

    components = doc.get("components", {})
    for kind, value in list(components.items()):
        if kind == "schemas":
            components[kind] = {name: visit(schema, component=True) for name, schema in value.items()}
        else:
            components[kind] = visit_document(value)
    for section in ("paths", "webhooks"):
        if section in doc:
            doc[section] = visit_document(doc[section])


def _is_data(key: str) -> bool:
    """Members whose values are examples or extensions: data that may contain a key named ``schema``."""
    return key in ("example", "examples") or key.startswith("x-")


def canonical_nullable(schema: Json) -> Json:
    """The three nullability forms as ``anyOf: [X, {type: null}]``; other schemas are returned as they are."""
    schema = dict(schema)
    nullable = schema.pop("nullable", None) is True
    types = schema.get("type")
    if isinstance(types, list) and "null" in types and len(types) > 1:
        rest = [t for t in types if t != "null"]
        schema["type"] = rest[0] if len(rest) == 1 else rest
        nullable = True
    if isinstance(schema.get("oneOf"), list) and _NULL in schema["oneOf"] and len(schema["oneOf"]) > 1:
        schema["anyOf"] = schema.pop("oneOf")
    if not nullable:
        return _annotations_outside(schema)
    outer = {key: value for key, value in schema.items() if key in _ANNOTATIONS or key.startswith("x-")}
    inner = {key: value for key, value in schema.items() if key not in outer}
    if isinstance(inner.get("enum"), list):
        inner["enum"] = [value for value in inner["enum"] if value is not None]
    if list(inner) == ["anyOf"]:
        branches = [*inner["anyOf"], *([] if _NULL in inner["anyOf"] else [_NULL])]
        return _annotations_outside({**outer, "anyOf": branches})
    return _annotations_outside({**outer, "anyOf": [inner, dict(_NULL)]})


def _annotations_outside(schema: Json) -> Json:
    """In ``anyOf: [X, null]``, X's annotations (examples, description, …) belong to the value as a whole;
    the single-level forms cannot say otherwise, so the canonical form never puts them inside."""
    branches = schema.get("anyOf")
    if not (isinstance(branches, list) and len(branches) == 2 and branches[1] == _NULL):
        return schema
    inner = branches[0]
    if not isinstance(inner, dict) or "$ref" in inner:
        return schema
    moved = {key: value for key, value in inner.items() if key in _ANNOTATIONS and key not in schema}
    if not moved:
        return schema
    rest = {key: value for key, value in inner.items() if key not in moved}
    return {**schema, **moved, "anyOf": [rest, branches[1]]}


def _canonical_schemas(doc: Json) -> None:
    def change(schema: Json, component: bool) -> Json:
        schema = canonical_nullable(schema)
        if not component:
            schema.pop("title", None)  # the generator would name nested classes after it
        return schema

    _map_schemas(doc, change)


def _sorted_document(doc: Json) -> Json:
    result = copy.copy(doc)
    if isinstance(doc.get("paths"), dict):
        result["paths"] = {path: _sorted_item(doc["paths"][path]) for path in sorted(doc["paths"])}
    if isinstance(doc.get("webhooks"), dict):
        result["webhooks"] = {name: _sorted_item(doc["webhooks"][name]) for name in sorted(doc["webhooks"])}
    components = doc.get("components")
    if isinstance(components, dict):
        result["components"] = {
            kind: dict(sorted(value.items())) if isinstance(value, dict) else value
            for kind, value in components.items()
        }
    return result


def _sorted_item(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    methods = [method for method in HTTP_METHODS if method in item]
    return {**{k: v for k, v in item.items() if k not in HTTP_METHODS}, **{m: item[m] for m in methods}}
