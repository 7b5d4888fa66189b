"""Apply an OpenAPI Overlay 1.0 document (https://spec.openapis.org/overlay/v1.0.0.html).

Why a standard format: the client-surface table is reviewed by people and may be applied by other tools
(Speakeasy, Redocly and Bump read overlays); an Overlay's targets are RFC 9535 JSONPath expressions, so a
target keyed by method and path (``$.paths['/v1/runs/{id}'].get``) or by the shape of a schema
(``$.components.schemas[?@.properties.status_code]``) keeps working whatever upstream names things.

Supported: ``update`` with an object (merged into each matched object: objects recursively, other values
replaced) and ``remove: true``. An action whose target matches nothing changes nothing, as the
specification says, but is returned so the caller can say so: a table entry that no longer applies must be
noticed, not silently skipped.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import jsonpath_rfc9535

from runflow_klein_pipeline.documents import Json, SpecError

OVERLAY_VERSION = "1.0.0"


def check_overlay(overlay: Any, *, where: str) -> list[Json]:
    """The overlay's actions, after checking the document's shape; SpecError names what is wrong."""
    if not isinstance(overlay, dict) or overlay.get("overlay") != OVERLAY_VERSION:
        raise SpecError(f"{where}: not an OpenAPI Overlay document (`overlay: {OVERLAY_VERSION}`)")
    info = overlay.get("info")
    if not isinstance(info, dict) or not info.get("title") or not info.get("version"):
        raise SpecError(f"{where}: `info` needs a title and a version")
    actions = overlay.get("actions")
    if not isinstance(actions, list) or not actions:
        raise SpecError(f"{where}: `actions` must be a non-empty list")
    for index, action in enumerate(actions):
        here = f"{where}: action {index}"
        if not isinstance(action, dict) or not isinstance(action.get("target"), str):
            raise SpecError(f"{here} needs a `target` JSONPath")
        has_update, removes = "update" in action, action.get("remove") is True
        if has_update == removes:
            raise SpecError(f"{here} ({action['target']}) needs exactly one of `update` or `remove: true`")
        if has_update and not isinstance(action["update"], dict):
            raise SpecError(f"{here} ({action['target']}): only object updates are supported")
    return actions


@dataclass(frozen=True)
class Applied:
    """The overlaid document, and the targets of the actions that matched nothing in it."""

    doc: Json
    unmatched: tuple[str, ...]


def apply_overlay(doc: Json, overlay: Any, *, where: str) -> Applied:
    """A copy of ``doc`` with every action of ``overlay`` applied in order."""
    result = copy.deepcopy(doc)
    unmatched = []
    for index, action in enumerate(check_overlay(overlay, where=where)):
        target = action["target"]
        try:
            nodes = list(jsonpath_rfc9535.finditer(target, result))
        except jsonpath_rfc9535.JSONPathError as exc:
            raise SpecError(f"{where}: action {index}: invalid JSONPath {target!r}: {exc}") from exc
        if not nodes:
            unmatched.append(target)
            continue
        if action.get("remove") is True:
            # Deepest and last first, so removing one node never shifts the location of another.
            for node in sorted(nodes, key=lambda n: n.location, reverse=True):
                _remove(result, node.location)
            continue
        for node in nodes:
            if not isinstance(node.value, dict):
                raise SpecError(f"{where}: action {index}: {target!r} matches a non-object; cannot update it")
            _merge(node.value, action["update"])
    return Applied(result, tuple(unmatched))


def _merge(target: Json, update: Json) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _remove(doc: Json, location: tuple[str | int, ...]) -> None:
    parent: Any = doc
    for step in location[:-1]:
        parent = parent[step]
    del parent[location[-1]]
