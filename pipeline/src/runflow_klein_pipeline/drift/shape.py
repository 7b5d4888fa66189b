"""A JSON Schema seen the way openapi-python-client sees it, and the keyword helpers for comparing it.

``shape_of`` follows ``$ref`` chains, folds the three nullability forms (``nullable: true``,
``type: [X, "null"]``, ``anyOf``/``oneOf`` with a null branch) into one flag and merges ``allOf``.
openapi-python-client 0.29.1 emits the same code for all three nullability forms, so
comparing shapes makes a change of form alone invisible, as it should be.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from runflow_klein_pipeline.documents import SCHEMA_REF, Json, SpecError, resolve_pointer

# Formats openapi-python-client turns into another Python type and parses at runtime.
PARSED_FORMATS = frozenset({"date-time", "date", "uuid", "binary"})
UNION_KEYWORDS = ("anyOf", "oneOf")
# (rule name, keyword, exclusive keyword, is a lower bound)
LIMITS = (
    ("min", "minimum", "exclusiveMinimum", True),
    ("max", "maximum", "exclusiveMaximum", False),
    ("min-length", "minLength", None, True),
    ("max-length", "maxLength", None, False),
    ("min-items", "minItems", None, True),
    ("max-items", "maxItems", None, False),
)
TEXT_EXCERPT = 60


# ---------------------------------------------------------------- normal form


@dataclass(frozen=True)
class Shape:
    """A schema's own keywords once refs, nullability wrappers and ``allOf`` are resolved."""

    keywords: Json
    nullable: bool
    ref: str | None  # the first component schema followed, if any

    @property
    def types(self) -> frozenset[str]:
        """Declared non-null JSON types; empty means any type."""
        declared = self.keywords.get("type")
        if isinstance(declared, str):
            names = {declared}
        elif isinstance(declared, list):
            names = set(declared)
        elif "properties" in self.keywords:
            names = {"object"}
        elif "items" in self.keywords:
            names = {"array"}
        else:
            names = set()
        return frozenset(names - {"null"})

    @property
    def union(self) -> tuple[str, list[Any]] | None:
        for keyword in UNION_KEYWORDS:
            branches = self.keywords.get(keyword)
            if isinstance(branches, list):
                return keyword, branches
        return None


def _without(node: Json, *keys: str) -> Json:
    return {k: v for k, v in node.items() if k not in keys}


def _declares_null(node: Json) -> bool:
    declared = node.get("type")
    return (
        node.get("nullable") is True
        or declared == "null"
        or (isinstance(declared, list) and "null" in declared)
        or (isinstance(node.get("enum"), list) and None in node["enum"])
    )


def _is_null_branch(doc: Json, branch: Any) -> bool:
    seen: set[str] = set()
    while isinstance(branch, dict) and isinstance(branch.get("$ref"), str) and branch["$ref"] not in seen:
        seen.add(branch["$ref"])
        branch = resolve_pointer(doc, branch["$ref"])
    return isinstance(branch, dict) and branch.get("type") in ("null", ["null"])


def shape_of(doc: Json, schema: Any) -> Shape:
    return _shape(doc, schema, frozenset())


def _shape(doc: Json, schema: Any, seen: frozenset[str]) -> Shape:
    layers: list[Json] = []  # keywords of the wrappers peeled off, outermost first
    nullable = False
    ref: str | None = None
    node: Any = schema
    while True:
        if not isinstance(node, dict):  # boolean schema: ``true`` accepts anything
            node = {}
        nullable |= _declares_null(node)
        target = node.get("$ref")
        if isinstance(target, str):
            if target in seen:
                raise SpecError(f"circular $ref {target!r}")
            seen |= {target}
            if ref is None and target.startswith(SCHEMA_REF):
                ref = target.removeprefix(SCHEMA_REF)
            layers.append(_without(node, "$ref"))
            node = resolve_pointer(doc, target)
            continue
        unwrapped = _unwrap_nullable_union(doc, node)
        if unwrapped is None:
            break
        nullable = True
        outer, node = unwrapped
        if node is None:  # a union with several non-null branches: keep it, minus null
            node = outer
            break
        layers.append(outer)
    if "allOf" in node:
        merged = _merge_all_of(doc, node, seen)
        node, nullable = merged.keywords, nullable or merged.nullable
        ref = ref or merged.ref
    keywords = dict(node)
    for layer in reversed(layers):  # outer keywords (description, default…) win, as in 3.1
        keywords.update(layer)
    return Shape(keywords, nullable, ref)


def _unwrap_nullable_union(doc: Json, node: Json) -> tuple[Json, Any] | None:
    """For ``anyOf/oneOf`` with a null branch: (the rest of the node, the single other branch).

    With several non-null branches the second element is None and the first is the node with
    its null branches removed. Returns None when the node has no null branch.
    """
    for keyword in UNION_KEYWORDS:
        branches = node.get(keyword)
        if not isinstance(branches, list):
            continue
        others = [b for b in branches if not _is_null_branch(doc, b)]
        if len(others) == len(branches):
            return None
        if len(others) == 1:
            return _without(node, keyword), others[0]
        return {**node, keyword: others}, None
    return None


def _merge_all_of(doc: Json, node: Json, seen: frozenset[str]) -> Shape:
    """Merge ``allOf`` the way the generator does: one model with every branch's properties."""
    parts = [_shape(doc, branch, seen) for branch in node["allOf"]]
    merged: Json = {}
    properties: Json = {}
    required: list[str] = []
    for keywords in [part.keywords for part in parts] + [_without(node, "allOf")]:
        for key, value in keywords.items():
            if key == "properties" and isinstance(value, dict):
                properties.update(value)
            elif key == "required" and isinstance(value, list):
                required += [name for name in value if name not in required]
            else:
                merged[key] = value
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    nullable = bool(parts) and all(part.nullable for part in parts)
    return Shape(merged, nullable, parts[0].ref if len(parts) == 1 else None)


# ---------------------------------------------------------------- formatting helpers


def as_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def types_text(types: frozenset[str]) -> str:
    return "|".join(sorted(types)) or "any"


def excerpt(value: Any) -> str:
    flat = " ".join(str(value).split()) if value is not None else ""
    return as_json(flat if len(flat) <= TEXT_EXCERPT else flat[: TEXT_EXCERPT - 1] + "…")


def covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Whether every value of the ``narrow`` types is a value of the ``wide`` types."""
    if not wide:
        return True
    if not narrow:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def bound(keywords: Json, key: str, exclusive_key: str | None, *, lower: bool) -> tuple[float, bool] | None:
    """A numeric limit as (value, exclusive), from the 3.0 (boolean) or 3.1 (numeric) form."""
    value = keywords.get(key)
    exclusive = False
    extra = keywords.get(exclusive_key) if exclusive_key else None
    if isinstance(extra, bool):
        exclusive = extra
    elif isinstance(extra, int | float) and (value is None or (extra >= value if lower else extra <= value)):
        value, exclusive = extra, True
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value, exclusive


def bound_text(limit: tuple[float, bool] | None) -> str:
    if limit is None:
        return "none"
    value, exclusive = limit
    return f"{value:g}{' (exclusive)' if exclusive else ''}"


def tighter(old: tuple[float, bool], new: tuple[float, bool], *, lower: bool) -> bool:
    (old_value, old_exclusive), (new_value, new_exclusive) = old, new
    if old_value != new_value:
        return new_value > old_value if lower else new_value < old_value
    return new_exclusive and not old_exclusive


def enum_of(shape: Shape) -> tuple[list[str] | None, bool]:
    """(the allowed values as canonical JSON, or None when open; whether it is x-extensible-enum).

    Only the list form of ``x-extensible-enum`` (Zalando guideline 112) is extensible: the generator
    ignores the extension and types such a field as ``str``. An ``enum`` stays a closed ``StrEnum``
    in the generated client even when an ``x-extensible-enum`` flag sits next to it.
    """
    keywords = shape.keywords
    if isinstance(keywords.get("enum"), list):
        return sorted({as_json(v) for v in keywords["enum"] if v is not None}), False
    if "const" in keywords and keywords["const"] is not None:
        return [as_json(keywords["const"])], False
    if isinstance(keywords.get("x-extensible-enum"), list):
        return sorted({as_json(v) for v in keywords["x-extensible-enum"]}), True
    return None, False


def branch_key(branch: Any) -> str:
    if isinstance(branch, dict) and isinstance(branch.get("$ref"), str) and len(branch) == 1:
        return str(branch["$ref"]).removeprefix(SCHEMA_REF)
    return as_json(branch)


def pointer_part(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
