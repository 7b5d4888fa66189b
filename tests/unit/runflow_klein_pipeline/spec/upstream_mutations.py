"""Rewrite an upstream document the ways a publisher may without changing what the API does.

Each function changes one thing upstream is free to choose (operationIds, component keys, titles,
the order of paths and components, the form nullability is written in, where security requirements
are written) and leaves the API itself alone, so composing the result must give the same client
surface as composing the original.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from runflow_klein_pipeline.documents import SCHEMA_REF, Json
from runflow_klein_pipeline.spec.surface import operations

_SCHEMA_WORDS = ("Model", "Schema", "Out", "Read", "Public", "Response")


def rename_operation_ids(doc: Json, rng: random.Random) -> Json:
    """FastAPI's defaults (``get_run_v1_runs__id__get``), other names, or no operationId at all."""
    doc = copy.deepcopy(doc)
    for index, (method, path, operation) in enumerate(operations(doc)):
        style = rng.randrange(3)
        if style == 0:
            words = path.strip("/").replace("/", "_").replace("{", "_").replace("}", "_").replace("-", "_")
            operation["operationId"] = f"{operation.get('operationId', 'op')}_{words}_{method}"
        elif style == 1:
            operation["operationId"] = f"op{index}_{rng.randrange(10**6)}"
        else:
            operation.pop("operationId", None)
    return doc


def rename_components(doc: Json, rng: random.Random) -> Json:
    """New keys for every component schema (module-qualified, FastAPI style), every ``$ref`` following."""
    keys = list(doc.get("components", {}).get("schemas", {}))
    renamed = {}
    for index, key in enumerate(keys):
        module = f"app__{rng.choice(('models', 'schemas', 'api'))}__m{index}"
        renamed[key] = f"{module}__{rng.choice(_SCHEMA_WORDS)}{rng.randrange(10**4)}"
    doc = _rewrite_refs(doc, renamed)
    schemas = doc["components"]["schemas"]
    doc["components"]["schemas"] = {renamed[key]: schema for key, schema in schemas.items()}
    return doc


def retitle(doc: Json, rng: random.Random) -> Json:
    """Every ``title`` replaced by one shared, meaningless title or removed (FastAPI repeats titles)."""
    shared = rng.choice(("FullValidator", "Model", "Item"))

    def visit(node: Any, parent_key: str | None) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "title" and parent_key != "properties" and isinstance(value, str):
                    if rng.random() < 0.5:
                        out[key] = shared
                    continue
                # Examples and extensions are data, whatever keys they hold.
                data = key in ("example", "examples") or key.startswith("x-")
                out[key] = value if data else visit(value, key)
            return out
        if isinstance(node, list):
            return [visit(value, parent_key) for value in node]
        return node

    result: Json = visit(doc, None)
    result["info"] = doc["info"]  # the document's own title is not a schema title
    return result


def reorder(doc: Json, rng: random.Random) -> Json:
    """Paths, path items' methods and component schemas in another order."""
    doc = copy.deepcopy(doc)
    paths = list(doc["paths"].items())
    rng.shuffle(paths)
    doc["paths"] = {path: _shuffled(item, rng) for path, item in paths}
    schemas = list(doc["components"]["schemas"].items())
    rng.shuffle(schemas)
    doc["components"]["schemas"] = dict(schemas)
    return doc


def switch_nullable_forms(doc: Json, rng: random.Random) -> Json:
    """``anyOf: [X, {type: null}]`` rewritten as ``type: [X, "null"]`` (where X has a plain type) or as
    ``oneOf: [X, {type: null}]``, chosen per schema."""

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(value) for value in node]
        if not isinstance(node, dict):
            return node
        node = {key: visit(value) for key, value in node.items()}
        branches = node.get("anyOf")
        if not (isinstance(branches, list) and len(branches) == 2 and branches[1] == {"type": "null"}):
            return node
        inner = branches[0]
        style = rng.randrange(3)
        if (
            style == 0
            and isinstance(inner, dict)
            and isinstance(inner.get("type"), str)
            and "enum" not in inner
        ):
            rest = {key: value for key, value in node.items() if key != "anyOf"}
            return {**inner, "type": [inner["type"], "null"], **rest}
        if style == 1:
            rest = {key: value for key, value in node.items() if key != "anyOf"}
            return {"oneOf": branches, **rest}
        return node

    return visit(doc)  # type: ignore[no-any-return]


def security_per_operation(doc: Json, rng: random.Random) -> Json:
    """FastAPI's way: no document-level ``security``, each secured operation states it, public ones say
    nothing (or, chosen per operation, ``security: []``)."""
    doc = copy.deepcopy(doc)
    inherited = doc.pop("security", [])
    for _, _, operation in operations(doc):
        requirement = operation.get("security", inherited)
        if requirement:
            operation["security"] = copy.deepcopy(requirement)
        elif rng.random() < 0.5:
            operation.pop("security", None)
    return doc


def everything(doc: Json, seed: int) -> Json:
    """All of the above, reproducibly from ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    changes = (
        rename_operation_ids,
        rename_components,
        retitle,
        reorder,
        switch_nullable_forms,
        security_per_operation,
    )
    for change in changes:
        doc = change(doc, rng)
    return doc


def _rewrite_refs(node: Any, renamed: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {key: _rewrite_refs(value, renamed) for key, value in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF) and ref[len(SCHEMA_REF) :] in renamed:
            out["$ref"] = SCHEMA_REF + renamed[ref[len(SCHEMA_REF) :]]
        return out
    if isinstance(node, list):
        return [_rewrite_refs(value, renamed) for value in node]
    return node


def _shuffled(item: Any, rng: random.Random) -> Any:
    if not isinstance(item, dict):
        return item
    entries = list(item.items())
    rng.shuffle(entries)
    return dict(entries)
