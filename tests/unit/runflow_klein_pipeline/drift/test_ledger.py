"""Contradiction-ledger entries a published spec settles by itself, each with the reading it takes.

The vendored snapshot is a reconstruction written from the ledger's own choices; the tests read it
without its ``x-reconstruction`` marker, as if it were the published document, and change one fact.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache

import pytest
from runflow_klein_pipeline.documents import Json, load_json
from runflow_klein_pipeline.drift.ledger import SETTLERS, is_reconstruction, ledger_ids, settled_entries
from runflow_klein_pipeline.layout import LEDGER, SURFACE_OVERLAY, UPSTREAM_SPEC
from runflow_klein_pipeline.spec.surface import load_overlay, own_surface

from tests.unit.runflow_klein_pipeline.spec.upstream_mutations import everything

OVERLAY = load_overlay(SURFACE_OVERLAY)
DISPATCH = "/v1/models/{owner}/{slug}/runs"
Mutation = Callable[[Json], None]


@cache
def vendored() -> Json:
    doc = load_json(UPSTREAM_SPEC)
    assert isinstance(doc, dict)
    return doc


def published(mutate: Mutation | None = None) -> Json:
    doc = copy.deepcopy(vendored())
    del doc["info"]["x-reconstruction"]
    if mutate is not None:
        mutate(doc)
    return doc


def readings(doc: Json) -> dict[str, str]:
    surfaced = own_surface(doc, OVERLAY, where="test").doc
    return {entry.id: entry.reading for entry in settled_entries(surfaced, ledger_ids(LEDGER))}


READINGS = {
    "auth-header": "the only security scheme is HTTP bearer (`Authorization: Bearer <token>`)",
    "callback-event-field": "CallbackPayload has `event` and `status`",
    "cancel-status-spelling": "RunStatus lists `canceled` (US), not `cancelled`",
    "dispatch-path-template": f"the spec's generic dispatch path is POST {DISPATCH}",
    "error-envelope": "ErrorResponse is flat: {code, errors, message}",
    "failure-stage-field": "Run has `failure_stage_code`, not `failure_stage`",
    "health-auth": "GET /v1/health is public (no security requirement)",
    "pagination-envelope": "RunPage is {first, items, next, previous}",
    "public-cancel": "the spec documents no public cancel operation",
    "sdk-run-fields": "Run has `completed_at` (the API reference's names), not `finished_at`",
}


def test_what_the_vendored_document_would_settle_if_it_were_published() -> None:
    """Exactly the readings openapi/ encodes; dispatch documents three success statuses, so not that."""
    assert is_reconstruction(vendored())
    assert not is_reconstruction(published())
    assert readings(published()) == READINGS


def test_names_come_from_the_surface_so_upstream_renames_change_no_reading() -> None:
    renamed = everything(published(), seed=11)
    assert readings(renamed) == READINGS


def only_201(doc: Json) -> None:
    responses = doc["paths"][DISPATCH]["post"]["responses"]
    del responses["200"], responses["202"]


def uk_cancel(doc: Json) -> None:
    values = doc["components"]["schemas"]["RunStatus"]["enum"]
    values[values.index("canceled")] = "cancelled"


def both_cancels(doc: Json) -> None:
    doc["components"]["schemas"]["RunStatus"]["enum"].append("cancelled")


def failure_stage(doc: Json) -> None:
    properties = doc["components"]["schemas"]["Run"]["properties"]
    properties["failure_stage"] = properties.pop("failure_stage_code")


def pq_pages(doc: Json) -> None:
    properties = doc["components"]["schemas"]["RunPage"]["properties"]
    properties["next_pq"], properties["prev_pq"] = properties.pop("next"), properties.pop("previous")


def public_cancel(doc: Json) -> None:
    doc["paths"]["/v1/runs/{id}/cancellation"] = {"post": {"responses": {"202": {"description": "ok"}}}}


def keyed_health(doc: Json) -> None:
    del doc["paths"]["/v1/health"]["get"]["security"]


def api_key_too(doc: Json) -> None:
    doc["components"]["securitySchemes"]["ApiKey"] = {"type": "apiKey", "in": "header", "name": "X-API-Key"}


def no_event(doc: Json) -> None:
    del doc["components"]["schemas"]["CallbackPayload"]["properties"]["event"]


def no_event_nor_status(doc: Json) -> None:
    properties = doc["components"]["schemas"]["CallbackPayload"]["properties"]
    del properties["event"], properties["status"]


def model_id_path(doc: Json) -> None:
    doc["paths"]["/v1/models/{model_id}/runs"] = doc["paths"].pop(DISPATCH)


@pytest.mark.parametrize(
    ("mutate", "entry", "reading"),
    [
        (
            only_201,
            "dispatch-success-status",
            f"the spec documents 201 as the only success status of POST {DISPATCH}",
        ),
        (uk_cancel, "cancel-status-spelling", "RunStatus lists `cancelled` (UK), not `canceled`"),
        (both_cancels, "cancel-status-spelling", None),
        (failure_stage, "failure-stage-field", "Run has `failure_stage`, not `failure_stage_code`"),
        (pq_pages, "pagination-envelope", "RunPage is {first, items, next_pq, prev_pq} (next_pq/prev_pq)"),
        (
            public_cancel,
            "public-cancel",
            "the spec documents a public cancel: POST /v1/runs/{id}/cancellation",
        ),
        (keyed_health, "health-auth", "GET /v1/health needs a key"),
        (api_key_too, "auth-header", None),
        (no_event, "callback-event-field", None),
        (no_event_nor_status, "callback-event-field", "CallbackPayload has neither `event` nor `status`"),
        (
            model_id_path,
            "dispatch-path-template",
            "the spec's generic dispatch path is POST /v1/models/{model_id}/runs",
        ),
    ],
    ids=lambda value: value.__name__ if callable(value) else None,
)
def test_one_changed_fact_settles_or_unsettles_one_entry(
    mutate: Mutation, entry: str, reading: str | None
) -> None:
    expected = {key: value for key, value in READINGS.items() if key != entry}
    if reading is not None:
        expected[entry] = reading
    assert readings(published(mutate)) == expected


def test_only_entries_the_ledger_has_are_settled() -> None:
    surfaced = own_surface(published(), OVERLAY, where="test").doc
    assert [entry.id for entry in settled_entries(surfaced, ["public-cancel", "no-such-entry"])] == [
        "public-cancel"
    ]


def test_every_settler_names_a_ledger_entry() -> None:
    assert sorted(set(SETTLERS) - set(ledger_ids(LEDGER))) == []
