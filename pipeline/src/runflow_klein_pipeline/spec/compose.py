"""Compose the upstream Runflow spec with the per-model klein contracts into one typed spec.

The public spec types a run's ``input`` as a bare object; each klein model documents its real
inputs and outputs on its own page. The contracts in ``openapi/contracts/`` carry those facts,
each with an ``x-source``. This script derives one typed operation per klein endpoint from the
upstream generic dispatch operation (so upstream changes to parameters, error responses and the
run object flow through), types the generic run's ``output`` (and the callback payload's) with the
shared normalized output, lets the enums the API sends take values they do not list yet (for the
generated client only), and writes ``openapi/runflow-klein.openapi.json``, byte-identical on every run
for the same inputs.

When the upstream spec already defines a per-model path, the contract is checked against it and
disagreements are reported instead of silently overriding either side.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runflow_klein_pipeline.documents import (
    SCHEMA_REF,
    Json,
    SpecError,
    atomic_write,
    deref,
    dump_json,
    load_json,
    sha256_bytes,
    validate_openapi,
)
from runflow_klein_pipeline.layout import COMPOSED_SPEC, CONTRACTS_DIR, SURFACE_OVERLAY, UPSTREAM_SPEC
from runflow_klein_pipeline.spec.surface import UPSTREAM_OPERATION_ID, load_overlay, operations, own_surface

SHARED_CONTRACT = "_shared.json"
# The shared definition that types every run's output where the model is not known (GET /v1/runs/{id}).
NORMALIZED_OUTPUT = "NormalizedOutput"
GENERIC_DISPATCH = re.compile(r"^/v1/models/(\{[^/{}]+\}/)+runs$")
LEGACY_TAG = {
    "name": "Legacy",
    "description": "Flat-body /v1/run/... endpoints with fal-style `images[]` output, documented on the "
    "models' llms.txt pages. Kept for users that have not moved to /v1/models/.../runs.",
    "x-composed": "Added by scripts/compose_spec.py; not an upstream tag.",
}

# Schema keywords that state a fact and therefore need provenance in a contract.
FACT_KEYWORDS = frozenset(
    {
        "type", "enum", "const", "default", "format", "pattern", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems",
        "items", "anyOf", "oneOf", "allOf", "$ref", "examples",
    }
)  # fmt: skip
# Keywords compared between a contract and an upstream per-model operation.
COMPARED_KEYWORDS = FACT_KEYWORDS - {"$ref", "items", "anyOf", "oneOf", "allOf", "examples", "type"}
INFERRED_PREFIX = "inferred: "


@dataclass(frozen=True)
class Contract:
    """One model's contract file, loaded and checked."""

    path: Path
    doc: Json

    @property
    def model_id(self) -> str:
        return str(self.doc["model_id"])

    @property
    def prefix(self) -> str:
        return str(self.doc["schema_prefix"])

    def endpoints(self) -> Iterator[tuple[str, Json]]:
        for kind in ("run", "legacy"):
            if kind in self.doc:
                yield kind, self.doc[kind]


# ---------------------------------------------------------------- contract loading and provenance


def _check_source_value(value: Any, where: str) -> None:
    values = value if isinstance(value, list) else [value]
    for item in values:
        ok = isinstance(item, str) and (
            item.startswith(("https://", "http://")) or item.startswith(INFERRED_PREFIX)
        )
        if not ok:
            raise SpecError(f"{where}: x-source values must be URLs or 'inferred: <why>', got {item!r}")


def _provenance_gaps(schema: Json, where: str, *, level: str, required: bool) -> Iterator[str]:
    """Yield every fact in ``schema`` that its ``x-source`` does not account for."""
    source = schema.get("x-source")
    if not isinstance(source, dict):
        yield f"{where}: missing x-source"
        return
    for key, value in source.items():
        if key != "note":
            _check_source_value(value, f"{where}.x-source.{key}")
    needed = {"field"} if level == "field" else {"definition"}
    facts = FACT_KEYWORDS & schema.keys()
    if level == "definition":
        facts -= {"type"}  # a definition's source is the source of its type
    # A `$ref` fact is sourced under the key `ref`: a literal "$ref" key anywhere in the document,
    # even inside an extension, is taken for a reference by schemathesis and other resolvers.
    needed |= {"ref" if key == "$ref" else key for key in facts}
    if required:
        needed.add("required")
    for key in sorted(needed - source.keys()):
        yield f"{where}: fact {key!r} has no x-source"
    required_names = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        yield from _provenance_gaps(sub, f"{where}.{name}", level="field", required=name in required_names)


def load_contracts(contracts_dir: Path) -> tuple[Json, list[Contract]]:
    """Load the shared definitions and every model contract; fail on any unsourced fact."""
    shared_path = contracts_dir / SHARED_CONTRACT
    shared = load_json(shared_path)
    definitions = shared.get("definitions") if isinstance(shared, dict) else None
    if not isinstance(definitions, dict):
        raise SpecError(f"{shared_path}: expected a 'definitions' object")
    gaps = [
        gap
        for name, schema in definitions.items()
        for gap in _provenance_gaps(schema, f"{SHARED_CONTRACT}#{name}", level="definition", required=False)
    ]
    contracts = []
    for path in sorted(contracts_dir.glob("*.json")):
        if path.name == SHARED_CONTRACT:
            continue
        doc = load_json(path)
        for key in ("model_id", "title", "schema_prefix", "run"):
            if not isinstance(doc, dict) or key not in doc:
                raise SpecError(f"{path}: contract lacks {key!r}")
        contract = Contract(path, doc)
        for kind, endpoint in contract.endpoints():
            for key in ("path", "operationId", "summary", "input", "output", "x-source"):
                if key not in endpoint:
                    raise SpecError(f"{path}: {kind} endpoint lacks {key!r}")
            for part in ("input", "output"):
                where = f"{path.name}#{kind}.{part}"
                gaps += _provenance_gaps(endpoint[part], where, level="definition", required=False)
        contracts.append(contract)
    if gaps:
        raise SpecError("contracts state facts without provenance:\n  " + "\n  ".join(gaps))
    if not contracts:
        raise SpecError(f"no model contracts found in {contracts_dir}")
    return definitions, contracts


def _rewrite_refs(node: Any) -> Any:
    """Point contract refs (``_shared.json#/definitions/X``) at composed components."""
    if isinstance(node, dict):
        out = {k: _rewrite_refs(v) for k, v in node.items() if k != "$comment"}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith(f"{SHARED_CONTRACT}#/definitions/"):
            out["$ref"] = SCHEMA_REF + ref.rsplit("/", 1)[1]
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


# ---------------------------------------------------------------- comparing with upstream


def _flatten_nullable(doc: Json, schema: Any) -> tuple[Any, bool]:
    """Treat ``anyOf: [X, null]`` and ``type: [X, "null"]`` as X plus a nullable flag."""
    schema = deref(doc, schema)
    if not isinstance(schema, dict):
        return schema, False
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list):
            non_null = [b for b in branches if deref(doc, b) != {"type": "null"}]
            if len(non_null) == 1 and len(non_null) < len(branches):
                inner, _ = _flatten_nullable(doc, non_null[0])
                return inner, True
    types = schema.get("type")
    if isinstance(types, list) and "null" in types:
        rest = [t for t in types if t != "null"]
        return {**schema, "type": rest[0] if len(rest) == 1 else rest}, True
    return schema, False


def _is_untyped_object(schema: Any) -> bool:
    return (
        isinstance(schema, dict) and not schema.get("properties") and schema.get("type") in (None, "object")
    )


def _keyword_disagreements(contract: Json, upstream: Json, where: str) -> list[str]:
    """Facts (type, enum, bounds, defaults, …) that both sides state with different values."""
    problems = []
    for key in sorted(COMPARED_KEYWORDS | {"type"}):
        c_val, u_val = contract.get(key), upstream.get(key)
        if c_val is None or u_val is None:
            continue
        if key == "enum":
            c_val, u_val = sorted(map(str, c_val)), sorted(map(str, u_val))
        if c_val != u_val:
            problems.append(f"{where}: {key} is {u_val!r} upstream, {c_val!r} in the contract")
    return problems


def compare_schemas(
    contract_doc: Json, contract: Any, upstream_doc: Json, upstream: Any, where: str
) -> list[str]:
    """List disagreements between a contract schema and an upstream schema.

    An upstream schema that is a bare object is not a disagreement (typing it is what the contracts
    are for) unless it allows null where the contract does not. Everything both sides state must match.
    """
    c_schema, c_null = _flatten_nullable(contract_doc, contract)
    u_schema, u_null = _flatten_nullable(upstream_doc, upstream)
    if _is_untyped_object(u_schema) and (c_null or not u_null):
        return []
    problems = []
    if c_null != u_null:
        problems.append(f"{where}: nullable in {'contract' if c_null else 'upstream'} only")
    if not isinstance(c_schema, dict) or not isinstance(u_schema, dict):
        return problems
    problems += _keyword_disagreements(c_schema, u_schema, where)
    c_req, u_req = set(c_schema.get("required", [])), set(u_schema.get("required", []))
    if (c_schema.get("properties") or u_schema.get("properties")) and c_req != u_req:
        problems.append(f"{where}: required is {sorted(u_req)} upstream, {sorted(c_req)} in the contract")
    c_props, u_props = c_schema.get("properties", {}), u_schema.get("properties", {})
    if u_props:
        for name in sorted(c_props.keys() | u_props.keys()):
            if name not in u_props:
                problems.append(f"{where}.{name}: only in the contract")
            elif name not in c_props:
                problems.append(f"{where}.{name}: only upstream")
            else:
                problems += compare_schemas(
                    contract_doc, c_props[name], upstream_doc, u_props[name], f"{where}.{name}"
                )
    if "items" in c_schema and "items" in u_schema:
        problems += compare_schemas(
            contract_doc, c_schema["items"], upstream_doc, u_schema["items"], f"{where}[]"
        )
    return problems


# ---------------------------------------------------------------- building typed operations


@dataclass(frozen=True)
class GenericDispatch:
    """The upstream generic dispatch operation that typed klein operations are derived from."""

    path: str
    operation: Json
    request_schema: Json
    run_schema_ref: str
    # The payloads its callbacks deliver: the run's final state, with the same output.
    callback_payload_refs: tuple[str, ...] = ()

    @property
    def run_output_carriers(self) -> tuple[str, ...]:
        """Component refs whose ``output`` is a run's normalized output, whatever the model."""
        return (self.run_schema_ref, *self.callback_payload_refs)


def _callback_payload_refs(upstream: Json, operation: Json) -> tuple[str, ...]:
    """The ``$ref``'d JSON bodies that ``operation``'s callbacks send."""
    refs = set()
    for callback in operation.get("callbacks", {}).values():
        for path_item in deref(upstream, callback).values():
            for method, callback_operation in deref(upstream, path_item).items():
                if method.startswith("x-") or not isinstance(callback_operation, dict):
                    continue
                body = deref(upstream, callback_operation.get("requestBody", {}))
                schema = body.get("content", {}).get("application/json", {}).get("schema", {})
                ref = schema.get("$ref") if isinstance(schema, dict) else None
                if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
                    refs.add(ref)
    return tuple(sorted(refs))


def find_generic_dispatch(upstream: Json) -> GenericDispatch:
    for path, item in upstream.get("paths", {}).items():
        operation = item.get("post") if GENERIC_DISPATCH.match(path) else None
        if not operation:
            continue
        body = deref(upstream, operation.get("requestBody", {}))
        schema = body.get("content", {}).get("application/json", {}).get("schema")
        request_schema = deref(upstream, schema)
        if not isinstance(request_schema, dict) or "input" not in request_schema.get("properties", {}):
            continue
        for status, response in sorted(operation.get("responses", {}).items()):
            if status.startswith("2"):
                media = deref(upstream, response).get("content", {}).get("application/json", {})
                ref = media.get("schema", {}).get("$ref")
                if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
                    return GenericDispatch(
                        path, operation, request_schema, ref, _callback_payload_refs(upstream, operation)
                    )
    raise SpecError(
        "upstream spec has no generic dispatch operation (POST /v1/models/{...}/runs with an `input` "
        "body and a $ref'd run response); typed klein operations cannot be derived"
    )


def _retyped_object(base: Json, field: str, replacement: Json) -> Json:
    """Copy ``base`` with property ``field`` replaced, keeping its title and description."""
    typed = copy.deepcopy(base)
    old = typed.setdefault("properties", {}).get(field, {})
    new = dict(replacement)
    for key in ("title", "description"):
        if key in old and key not in new:
            new[key] = old[key]
    typed["properties"][field] = new
    return typed


def _json_body(schema_name: str) -> Json:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": SCHEMA_REF + schema_name}}}}


def _error_responses(generic: GenericDispatch) -> Json:
    return {k: copy.deepcopy(v) for k, v in generic.operation["responses"].items() if not k.startswith("2")}


@dataclass(frozen=True)
class KleinOperation:
    """One typed operation built from a contract, with the model input and output it declares.

    ``output`` is what the operation's response says about the model output: for a run that is the
    run's (nullable) ``output`` property, for a legacy call the whole response.
    """

    path: str
    operation: Json
    input: Json
    output: Json


def build_operations(
    contract: Contract, generic: GenericDispatch, upstream: Json
) -> tuple[dict[str, Json], list[KleinOperation]]:
    """Return the component schemas and the typed operations for one contract."""
    prefix = contract.prefix
    schemas: dict[str, Json] = {}
    run_schema = deref(upstream, {"$ref": generic.run_schema_ref})
    common = {
        "x-klein-model": contract.model_id,
        "x-contract": f"openapi/contracts/{contract.path.name}",
        **({"x-pricing": contract.doc["pricing"]} if "pricing" in contract.doc else {}),
    }

    run = contract.doc["run"]
    schemas[f"{prefix}Input"] = _rewrite_refs(run["input"])
    schemas[f"{prefix}Output"] = _rewrite_refs(run["output"])
    schemas[f"{prefix}RunRequest"] = {
        **_retyped_object(generic.request_schema, "input", {"$ref": f"{SCHEMA_REF}{prefix}Input"}),
        "title": f"{prefix}RunRequest",
    }
    schemas[f"{prefix}Run"] = {
        **_retyped_object(
            run_schema,
            "output",
            {"anyOf": [{"$ref": f"{SCHEMA_REF}{prefix}Output"}, {"type": "null"}]},
        ),
        "title": f"{prefix}Run",
    }
    responses = copy.deepcopy(generic.operation["responses"])
    for status in [s for s in responses if s.startswith("2")]:
        responses[status]["content"]["application/json"]["schema"] = {"$ref": f"{SCHEMA_REF}{prefix}Run"}
    parameters = [
        p for p in generic.operation.get("parameters", []) if deref(upstream, p).get("in") != "path"
    ]
    operation: Json = {
        "tags": list(generic.operation.get("tags", [])),
        "summary": run["summary"],
        "description": contract.doc.get("description", ""),
        "operationId": run["operationId"],
        "parameters": parameters,
        "requestBody": _json_body(f"{prefix}RunRequest"),
        "responses": responses,
        **{k: copy.deepcopy(v) for k, v in generic.operation.items() if k == "callbacks"},
        **common,
        "x-source": run["x-source"],
    }
    run_output = schemas[f"{prefix}Run"]["properties"]["output"]
    operations = [KleinOperation(run["path"], operation, {"$ref": f"{SCHEMA_REF}{prefix}Input"}, run_output)]

    legacy = contract.doc.get("legacy")
    if legacy:
        schemas[f"{prefix}LegacyRequest"] = _rewrite_refs(legacy["input"])
        schemas[f"{prefix}LegacyResponse"] = _rewrite_refs(legacy["output"])
        legacy_op: Json = {
            "tags": [LEGACY_TAG["name"]],
            "summary": legacy["summary"],
            "description": "Flat request body (no `input` wrapper); fal-style `images[]` response.",
            "operationId": legacy["operationId"],
            "parameters": copy.deepcopy(parameters),
            "requestBody": _json_body(f"{prefix}LegacyRequest"),
            "responses": {
                "200": {
                    "description": "Generated images",
                    "content": {
                        "application/json": {"schema": {"$ref": f"{SCHEMA_REF}{prefix}LegacyResponse"}}
                    },
                },
                **_error_responses(generic),
            },
            **common,
            "x-source": legacy["x-source"],
            "x-inferred": "Error responses are assumed to match the /v1/models dispatch operation's.",
        }
        operations.append(
            KleinOperation(
                legacy["path"],
                legacy_op,
                {"$ref": f"{SCHEMA_REF}{prefix}LegacyRequest"},
                {"$ref": f"{SCHEMA_REF}{prefix}LegacyResponse"},
            )
        )
    return schemas, operations


def upstream_model_schemas(doc: Json, operation: Json) -> tuple[Any, Any]:
    """The model input and output schemas of a per-model operation already in the upstream spec.

    A run-style body nests them under ``input`` (request) and ``output`` (2xx response); a legacy
    flat body is the input itself, and its response is the output itself.
    """
    body = deref(doc, operation.get("requestBody", {}))
    request = deref(doc, body.get("content", {}).get("application/json", {}).get("schema", {}))
    model_input = request.get("properties", {}).get("input", request) if isinstance(request, dict) else {}
    model_output: Any = {}
    for status, response in sorted(operation.get("responses", {}).items()):
        if status.startswith("2"):
            media = deref(doc, response).get("content", {}).get("application/json", {})
            result = deref(doc, media.get("schema", {}))
            model_output = (
                result.get("properties", {}).get("output", result) if isinstance(result, dict) else {}
            )
            break
    return model_input, model_output


def type_run_outputs(
    composed: Json, upstream: Json, generic: GenericDispatch, contract_doc: Json, *, prefer: str | None
) -> list[str]:
    """Type the ``output`` of every run whose model is not known with the shared normalized output.

    ``GET /v1/runs/{id}``, ``GET /v1/runs`` and the callback payloads (also inside callback deliveries)
    return the generic run, whose output upstream leaves an open object: without this, a client digs
    images out of untyped extras and a recording whose ``outputs`` is not a list conforms. Where upstream
    already types the output, the two are compared like a per-model operation's output; on disagreement
    ``prefer="upstream"`` keeps upstream's. Returns the disagreements; changes ``composed`` in place.
    """
    normalized = {"anyOf": [{"$ref": SCHEMA_REF + NORMALIZED_OUTPUT}, {"type": "null"}]}
    disagreements = []
    for ref in generic.run_output_carriers:
        name = ref.removeprefix(SCHEMA_REF)
        carrier = deref(upstream, {"$ref": ref})
        if not isinstance(carrier, dict) or "output" not in carrier.get("properties", {}):
            continue  # nothing to type: upstream renamed or dropped the field
        upstream_output = carrier["properties"]["output"]
        problems = compare_schemas(contract_doc, normalized, upstream, upstream_output, f"{name}.output")
        disagreements += problems
        if not (problems and prefer == "upstream"):
            composed["components"]["schemas"][name] = _retyped_object(carrier, "output", normalized)
    return disagreements


# ---------------------------------------------------------------- open enums in what the API sends

# Marks the branch that lets an enum the API sends take a value it does not list yet (see open_sent_enums).
OPEN_ENUM = "x-open-enum"
_OPEN_BRANCH = {
    "type": "string",
    OPEN_ENUM: "A value the enum does not list (yet): the generated client keeps it as a plain str. The "
    "recordings checker drops this branch, so such a value in a recording is still a violation.",
}
# Keywords about the value as a whole: they stay on the property when its inline enum becomes a component.
_ANNOTATIONS = ("title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly")


def open_sent_enums(doc: Json) -> None:
    """Let every enum in a response or callback body also take a value it does not list (in place).

    Why: the generated client parses a nullable enum leniently (an unlisted value comes back as the raw
    string, typed as the enum, so ``.value`` raises AttributeError) and a non-nullable one strictly (the
    whole response fails with ValueError), while Runflow adds values over time (run statuses, callback
    events, output types). A second branch, a plain string marked ``x-open-enum``, makes both behave one
    way: a listed value parses to the enum member, any other string stays a ``str``, and the type says so
    (``RunStatus | str``). The recordings checker drops these branches, so an unlisted value is still a
    violation there and drift still sees enum changes; request bodies stay closed (what we send is
    checked). An inline enum first becomes a component named like the class the generator gave it
    (``CallbackPayloadStatus``), because an inline enum inside a union would get a ``…Type0`` class name.
    """
    schemas = doc.get("components", {}).get("schemas", {})
    for name in sorted(_sent_components(doc)):
        properties = schemas[name].get("properties", {})
        for prop, schema in properties.items():
            # The class the generator gives an inline enum: CallbackPayload.status → CallbackPayloadStatus
            class_name = name + "".join(word.capitalize() for word in prop.split("_"))
            properties[prop] = _opened(schema, class_name, schemas)


def _sent_components(doc: Json) -> set[str]:
    """The component schemas a response body or a callback body can contain (what the API sends)."""
    schemas = doc.get("components", {}).get("schemas", {})
    pending = [
        ref
        for _, _, operation in operations(doc)
        for part in ("responses", "callbacks")
        for ref in _schema_refs(doc, operation.get(part, {}))
    ]
    found: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in found and name in schemas:
            found.add(name)
            pending += _schema_refs(doc, schemas[name])
    return found


def _schema_refs(doc: Json, node: Any) -> list[str]:
    """Names of the component schemas ``node`` refers to, through response and body ``$ref``s too."""
    if isinstance(node, list):
        return [name for item in node for name in _schema_refs(doc, item)]
    if not isinstance(node, dict):
        return []
    ref = node.get("$ref")
    if isinstance(ref, str):
        return (
            [ref.removeprefix(SCHEMA_REF)]
            if ref.startswith(SCHEMA_REF)
            else _schema_refs(doc, deref(doc, node))
        )
    return [
        name for key, value in node.items() if not key.startswith("x-") for name in _schema_refs(doc, value)
    ]


def _opened(schema: Any, class_name: str, schemas: Json) -> Any:
    """``schema`` (a property's, or an array's items) with every enum in it open."""
    if not isinstance(schema, dict):
        return schema
    if "enum" in schema:
        schema = _hoisted(schema, class_name, schemas)
    if _is_enum_ref(schema, schemas):
        outer = {key: value for key, value in schema.items() if key != "$ref"}
        return {**outer, "anyOf": [{"$ref": schema["$ref"]}, copy.deepcopy(_OPEN_BRANCH)]}
    branches = schema.get("anyOf")
    if isinstance(branches, list):
        listed = [
            _hoisted(b, class_name, schemas) if isinstance(b, dict) and "enum" in b else b for b in branches
        ]
        opened = [part for b in listed for part in ([b, _OPEN_BRANCH] if _is_enum_ref(b, schemas) else [b])]
        return {**schema, "anyOf": copy.deepcopy(opened)}
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return {**schema, "items": _opened(schema["items"], f"{class_name}Item", schemas)}
    return schema


def _is_enum_ref(schema: Any, schemas: Json) -> bool:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    return isinstance(ref, str) and "enum" in schemas.get(ref.removeprefix(SCHEMA_REF), {})


def _hoisted(schema: Json, name: str, schemas: Json) -> Json:
    """Move an inline enum to the component ``name``; the annotations stay beside the ``$ref``."""
    component = {key: value for key, value in schema.items() if key not in _ANNOTATIONS}
    if schemas.get(name, component) != component:
        raise SpecError(f"cannot give the inline enum of {name} a component: the name is taken")
    schemas[name] = component
    return {**{key: schema[key] for key in _ANNOTATIONS if key in schema}, "$ref": SCHEMA_REF + name}


# ---------------------------------------------------------------- composition


@dataclass
class Composition:
    spec: Json
    disagreements: list[str]
    # Client-surface table entries that named nothing in this upstream document.
    unmatched_surface: tuple[str, ...] = ()


def compose(
    upstream: Json, definitions: Json, contracts: list[Contract], *, overlay: Any, prefer: str | None
) -> Composition:
    """Build the composed document (pure: no I/O).

    Upstream is first given the project's client surface (``overlay``, see :mod:`surface`), so
    everything below, and every consumer of the composed document, sees the project's names. Where
    upstream already defines a per-model operation, the contract-typed operation replaces it if they
    agree (upstream's bare ``input`` object is not a disagreement). The generic run and the callback
    payload get the normalized output (:func:`type_run_outputs`), and the enums the API sends are opened
    for the generated client (:func:`open_sent_enums`). On disagreement, ``prefer`` picks the side;
    without it the disagreements are returned and the spec must not be written.
    """
    surface = own_surface(upstream, overlay, where=SURFACE_OVERLAY.name)
    upstream = surface.doc
    composed = copy.deepcopy(upstream)
    generic = find_generic_dispatch(upstream)
    schemas: dict[str, Json] = _rewrite_refs(definitions)
    if NORMALIZED_OUTPUT not in schemas:
        raise SpecError(f"{SHARED_CONTRACT} lacks the {NORMALIZED_OUTPUT} definition that types run outputs")
    paths: Json = composed.setdefault("paths", {})
    disagreements: list[str] = []

    for contract in contracts:
        new_schemas, operations = build_operations(contract, generic, upstream)
        schemas.update(new_schemas)
        contract_doc: Json = {"components": {"schemas": schemas}}
        for klein in operations:
            existing = upstream.get("paths", {}).get(klein.path, {}).get("post")
            if existing is None:
                paths[klein.path] = {"post": klein.operation}
                continue
            upstream_input, upstream_output = upstream_model_schemas(upstream, existing)
            problems = [
                f"POST {klein.path} {problem}"
                for problem in compare_schemas(contract_doc, klein.input, upstream, upstream_input, "input")
                + compare_schemas(contract_doc, klein.output, upstream, upstream_output, "output")
            ]
            disagreements += problems
            # Either side's schemas, but always the contract's name: the client surface is ours.
            names = {
                "operationId": klein.operation["operationId"],
                "tags": klein.operation["tags"],
                UPSTREAM_OPERATION_ID: existing.get(UPSTREAM_OPERATION_ID, existing.get("operationId")),
            }
            if problems and prefer == "upstream":
                chosen = {**copy.deepcopy(existing), **names, "x-contract-check": problems}
            else:
                chosen = {
                    **klein.operation,
                    **names,
                    "x-contract-check": problems or "agrees with the upstream operation",
                }
            paths[klein.path] = {**paths[klein.path], "post": chosen}

    disagreements += type_run_outputs(
        composed, upstream, generic, {"components": {"schemas": schemas}}, prefer=prefer
    )
    if disagreements and prefer is None:
        return Composition(composed, disagreements, surface.unmatched)

    components = composed.setdefault("components", {})
    clashes = sorted(set(components.get("schemas", {})) & set(schemas))
    if clashes:
        raise SpecError(f"contract schema names clash with upstream components: {', '.join(clashes)}")
    components["schemas"] = {**components.get("schemas", {}), **schemas}
    open_sent_enums(composed)
    components["schemas"] = dict(sorted(components["schemas"].items()))
    uses_legacy = any(
        LEGACY_TAG["name"] in op.get("tags", [])
        for item in paths.values()
        for op in item.values()
        if isinstance(op, dict)
    )
    if uses_legacy and LEGACY_TAG["name"] not in {t.get("name") for t in composed.get("tags", [])}:
        composed.setdefault("tags", []).append(dict(LEGACY_TAG))
    return Composition(composed, disagreements, surface.unmatched)


def composed_info(upstream_bytes: bytes, contracts_dir: Path, overlay_path: Path) -> Json:
    """Provenance of the composed document: hashes of every input, no timestamps."""
    return {
        "tool": "scripts/compose_spec.py",
        "upstream_sha256": sha256_bytes(upstream_bytes),
        "surface_overlay_sha256": sha256_bytes(overlay_path.read_bytes()),
        "contracts": {p.name: sha256_bytes(p.read_bytes()) for p in sorted(contracts_dir.glob("*.json"))},
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compose_spec.py",
        description="Compose the upstream Runflow spec with the klein model contracts into one typed spec.",
    )
    parser.add_argument(
        "--upstream", type=Path, default=UPSTREAM_SPEC, help="upstream spec (default: %(default)s)"
    )
    parser.add_argument(
        "--contracts", type=Path, default=CONTRACTS_DIR, help="contracts directory (default: %(default)s)"
    )
    parser.add_argument(
        "--out", type=Path, default=COMPOSED_SPEC, help="composed spec to write (default: %(default)s)"
    )
    parser.add_argument(
        "--surface",
        type=Path,
        default=SURFACE_OVERLAY,
        help="the client-surface overlay (default: %(default)s)",
    )
    parser.add_argument(
        "--prefer",
        choices=("upstream", "contract"),
        help="when upstream already defines a per-model operation that disagrees with its contract, keep "
        "this side (disagreements are still printed and recorded as x-contract-check); without it, any "
        "disagreement fails and nothing is written",
    )
    return parser


def compose_file(
    upstream_path: Path, contracts_dir: Path, *, prefer: str | None, overlay_path: Path = SURFACE_OVERLAY
) -> bytes:
    """The composed document for these inputs, validated and serialised; SpecError on any problem.

    Disagreements are printed (one per line on stderr) whatever ``prefer`` says; without it they fail.
    """
    upstream_bytes = upstream_path.read_bytes() if upstream_path.is_file() else b""
    upstream = load_json(upstream_path)
    validate_openapi(upstream, what=str(upstream_path))
    definitions, contracts = load_contracts(contracts_dir)
    result = compose(upstream, definitions, contracts, overlay=load_overlay(overlay_path), prefer=prefer)
    for problem in result.disagreements:
        print(f"disagreement: {problem}", file=sys.stderr)
    for target in result.unmatched_surface:
        print(
            f"warning: {overlay_path.name}: {target} matches nothing (a derived name is used)",
            file=sys.stderr,
        )
    if result.disagreements and prefer is None:
        raise SpecError(
            f"{len(result.disagreements)} disagreement(s) between upstream per-model operations and "
            "the contracts; fix the contract or rerun with --prefer upstream|contract (nothing written)"
        )
    spec = result.spec
    spec.setdefault("info", {})["x-composed"] = composed_info(upstream_bytes, contracts_dir, overlay_path)
    validate_openapi(spec, what="the composed spec")
    return dump_json(spec)


def klein_operation_count(data: bytes) -> int:
    spec = json.loads(data)
    return sum(1 for item in spec["paths"].values() for op in item.values() if "x-klein-model" in op)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data = compose_file(args.upstream, args.contracts, prefer=args.prefer, overlay_path=args.surface)
    changed = not args.out.is_file() or args.out.read_bytes() != data
    if changed:
        atomic_write(args.out, data)
    state = "updated" if changed else "unchanged"
    print(f"composed {klein_operation_count(data)} klein operations into {args.out} ({state})")
    return 0
