"""Contradiction-ledger entries that a published spec settles by itself.

Most entries of ``openapi/contradictions.yaml`` are about what the API does, and only a live check can
settle them. Some are about what the API *documents*: when the published spec states one side (one
success status for dispatch, one spelling of the canceled status, one name of the failure-stage
field, …), the disagreement is over for the spec, and the nightly report says so, with the reading
the spec takes. Each settler reads the *surfaced* spec, so it finds ``Run`` or ``RunStatus`` by the
role the naming table gives them, whatever upstream calls them, and returns None when the spec
states neither side or both.

The vendored reconstruction was written from the ledger's own choices; it settles nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from runflow_klein_pipeline.documents import SCHEMA_REF, Json, SpecError
from runflow_klein_pipeline.drift.shape import shape_of
from runflow_klein_pipeline.drift.spec_diff import Operation, operations
from runflow_klein_pipeline.spec.compose import GenericDispatch, find_generic_dispatch

PUBLIC_CANCEL = re.compile(r"^/v1/runs/\{[^/{}]+\}/cancel(lation)?$")


@dataclass(frozen=True)
class Settled:
    id: str
    reading: str


def is_reconstruction(doc: Json) -> bool:
    return "x-reconstruction" in (doc.get("info") or {})


def ledger_ids(path: Path) -> list[str]:
    try:
        doc = yaml.safe_load(path.read_text())
        return [str(entry["id"]) for entry in doc["entries"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise SpecError(f"cannot read the ledger ids from {path.name}: {exc}") from exc


def settled_entries(spec: Json, ids: Iterable[str]) -> tuple[Settled, ...]:
    """The entries among ``ids`` that the surfaced ``spec`` settles, with the reading it takes."""
    found = []
    for entry_id in ids:
        settle = SETTLERS.get(entry_id)
        reading = settle(spec) if settle else None
        if reading is not None:
            found.append(Settled(entry_id, reading))
    return tuple(found)


# ---------------------------------------------------------------- reading the spec


def _keywords(spec: Json, name: str) -> Json:
    """Component ``name``'s keywords (refs followed, allOf merged); empty when there is no such component."""
    if name not in ((spec.get("components") or {}).get("schemas") or {}):
        return {}
    return shape_of(spec, {"$ref": SCHEMA_REF + name}).keywords


def _properties(spec: Json, name: str) -> set[str]:
    return set(_keywords(spec, name).get("properties") or {})


def _one_of(present: Iterable[str], readings: dict[str, str]) -> str | None:
    """The reading of the one key in ``readings`` that is ``present``; None for none or several."""
    keys = set(present)
    found = [reading for key, reading in readings.items() if key in keys]
    return found[0] if len(found) == 1 else None


def _dispatch(spec: Json) -> GenericDispatch | None:
    try:
        return find_generic_dispatch(spec)
    except SpecError:
        return None


def _operation(spec: Json, method: str, path: str) -> Operation | None:
    return next((op for op in operations(spec).values() if (op.method, op.path) == (method, path)), None)


# ---------------------------------------------------------------- one settler per entry


def _dispatch_success_status(spec: Json) -> str | None:
    dispatch = _dispatch(spec)
    if dispatch is None:
        return None
    statuses = sorted(str(s) for s in (dispatch.operation.get("responses") or {}) if str(s).startswith("2"))
    if len(statuses) != 1:
        return None
    return f"the spec documents {statuses[0]} as the only success status of POST {dispatch.path}"


def _dispatch_path_template(spec: Json) -> str | None:
    dispatch = _dispatch(spec)
    return None if dispatch is None else f"the spec's generic dispatch path is POST {dispatch.path}"


def _cancel_status_spelling(spec: Json) -> str | None:
    return _one_of(
        _keywords(spec, "RunStatus").get("enum") or [],
        {
            "canceled": "RunStatus lists `canceled` (US), not `cancelled`",
            "cancelled": "RunStatus lists `cancelled` (UK), not `canceled`",
        },
    )


def _failure_stage_field(spec: Json) -> str | None:
    return _one_of(
        _properties(spec, "Run"),
        {
            "failure_stage_code": "Run has `failure_stage_code`, not `failure_stage`",
            "failure_stage": "Run has `failure_stage`, not `failure_stage_code`",
        },
    )


def _sdk_run_fields(spec: Json) -> str | None:
    return _one_of(
        _properties(spec, "Run"),
        {
            "completed_at": "Run has `completed_at` (the API reference's names), not `finished_at`",
            "finished_at": "Run has `finished_at` (the SDK's names), not `completed_at`",
        },
    )


def _pagination_envelope(spec: Json) -> str | None:
    properties = _properties(spec, "RunPage")
    listed = ", ".join(sorted(properties))
    return _one_of(
        properties,
        {"next": f"RunPage is {{{listed}}}", "next_pq": f"RunPage is {{{listed}}} (next_pq/prev_pq)"},
    )


def _error_envelope(spec: Json) -> str | None:
    properties = _properties(spec, "ErrorResponse")
    listed = ", ".join(sorted(properties))
    return _one_of(
        properties,
        {"code": f"ErrorResponse is flat: {{{listed}}}", "error": f"ErrorResponse is nested: {{{listed}}}"},
    )


def _auth_header(spec: Json) -> str | None:
    kinds = set()
    for scheme in ((spec.get("components") or {}).get("securitySchemes") or {}).values():
        if isinstance(scheme, dict) and scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
            kinds.add("bearer")
        elif isinstance(scheme, dict) and scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            kinds.add(str(scheme.get("name", "")).lower())
    return _one_of(
        kinds,
        {
            "bearer": "the only security scheme is HTTP bearer (`Authorization: Bearer <token>`)",
            "x-api-key": "the only security scheme is an `x-api-key` header",
        },
    )


def _health_auth(spec: Json) -> str | None:
    health = _operation(spec, "get", "/v1/health")
    if health is None:
        return None
    requirements = health.node.get("security", spec.get("security")) or []
    public = all(not requirement for requirement in requirements)
    return "GET /v1/health is public (no security requirement)" if public else "GET /v1/health needs a key"


def _public_cancel(spec: Json) -> str | None:
    cancels = sorted(op.label for op in operations(spec).values() if PUBLIC_CANCEL.match(op.path))
    if not cancels:
        return "the spec documents no public cancel operation"
    return f"the spec documents a public cancel: {', '.join(cancels)}"


def _callback_event_field(spec: Json) -> str | None:
    properties = _properties(spec, "CallbackPayload")
    if {"event", "status"} <= properties:
        return "CallbackPayload has `event` and `status`"
    if properties and not {"event", "status"} & properties:
        return "CallbackPayload has neither `event` nor `status`"
    return None


SETTLERS: dict[str, Callable[[Json], str | None]] = {
    "dispatch-success-status": _dispatch_success_status,
    "dispatch-path-template": _dispatch_path_template,
    "cancel-status-spelling": _cancel_status_spelling,
    "failure-stage-field": _failure_stage_field,
    "sdk-run-fields": _sdk_run_fields,
    "pagination-envelope": _pagination_envelope,
    "error-envelope": _error_envelope,
    "auth-header": _auth_header,
    "health-auth": _health_auth,
    "public-cancel": _public_cancel,
    "callback-event-field": _callback_event_field,
}
