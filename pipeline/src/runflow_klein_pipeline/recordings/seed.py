"""Write the seed cassettes: documented example interactions for every klein operation and status.

Until live recordings exist, the contract suite replays these. Every body comes from the explicit
table below, NOT from the spec, so ``check_recordings.py`` can reject them when the spec and the
documentation disagree. Each interaction carries its provenance next to ``request``/``response``
(vcrpy ignores extra keys there):

- ``x-source``: the docs page(s) whose example a body comes from;
- ``x-synthetic``: what was made up, and why (no example exists for it);
- ``x-note``: how a docs example was adapted (filled ``<string>`` placeholders, corrections).

No credentials are recorded: requests carry no Authorization header and output URLs are unsigned
``example.com`` URLs (real ones are presigned, short-lived links).

Existing cassettes are never overwritten unless ``--force`` is given; ``--check`` compares the
committed files with the table instead of writing. Output is byte-identical on every run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml

from runflow_klein_pipeline.documents import Json, atomic_write, json_text
from runflow_klein_pipeline.layout import CASSETTES_DIR

API = "https://api.runflow.io"
JSON_HEADERS = {"Content-Type": ["application/json"]}

# ---- Documentation pages (each listed in openapi/sources.yaml) ----
M_4BE = "https://docs.runflow.io/models/black-forest-labs/flux-2-klein-4b/edit"
M_9B = "https://docs.runflow.io/models/black-forest-labs/flux-2-klein-9b"
M_9BE = "https://docs.runflow.io/models/black-forest-labs/flux-2-klein-9b/edit"
W_4B_LLMS = "https://www.runflow.io/api/models/black-forest-labs/flux-2-klein-4b/llms.txt"
W_9BE_LLMS = "https://www.runflow.io/api/models/black-forest-labs/flux-2-klein-9b/edit/llms.txt"
W_4B_API = "https://www.runflow.io/models/black-forest-labs/flux-2-klein-4b/api"
R_CREATE = "https://docs.runflow.io/api-reference/models/create-and-dispatch-a-singleton-model-run"
R_GET = "https://docs.runflow.io/api-reference/runs/get-run"
R_SEARCH = "https://docs.runflow.io/api-reference/runs/search-runs"
R_DELIVERIES = "https://docs.runflow.io/api-reference/runs/get-callback-delivery-history"
R_REDELIVER = "https://docs.runflow.io/api-reference/runs/redeliver-callback"
D_CB = "https://docs.runflow.io/concepts/callbacks"
D_REQ = "https://docs.runflow.io/concepts/requests"
D_RUNS = "https://docs.runflow.io/concepts/runs"
D_ERR = "https://docs.runflow.io/concepts/errors"
D_RL = "https://docs.runflow.io/concepts/rate-limits"

# ---- Fixed identifiers (UUIDv7-shaped run ids, as the callbacks page describes them) ----
ORG_ID = "5f0c9a1e-3b7d-4e2a-9c61-8d4b2f7a0e13"
MODEL_IDS = {
    "black-forest-labs/flux-2-klein-4b": "a3e1c0d2-6f4b-4c8e-9a17-2b5d8e0f4c61",
    "black-forest-labs/flux-2-klein-4b/edit": "b7d2e4f6-1a3c-4e5b-8d9f-0c2e4a6b8d02",
    "black-forest-labs/flux-2-klein-9b": "c9f1a3b5-7d2e-4f6a-8b0c-1d3e5f7a9b13",
    "black-forest-labs/flux-2-klein-9b/edit": "d4a6c8e0-2b4d-4f6a-9c1e-3a5c7e9b1d24",
}
EXPIRED_ASSET = "runflow://assets/7c2f4e6a-8b1d-4c3e-9f5a-2d4b6c8e0a17"
SHARED_IMAGE = "https://public.runflow.io/images/models/_shared/base-engineer.png"
HEADSHOT = "A professional headshot, soft studio lighting"
CREATED_AT = "2026-04-08T10:15:02.412000Z"
STARTED_AT = "2026-04-08T10:15:03.020000Z"
COMPLETED_AT = "2026-04-08T10:15:04.236000Z"

# The statuses the errors and rate-limits pages document for every operation.
ERROR_STATUSES = (400, 401, 402, 403, 404, 422, 429, 503)

PLACEHOLDER_NOTE = (
    "The create-run reference's Run example is a Mintlify rendering with '<string>' placeholders; they are "
    "filled with fixed UUIDs, this cassette's timestamps and its request's input/callback_url/metadata, and "
    "null where a queued run has no value yet (output, cost, started_at, failure_*). source_code is 'api' "
    "(the example shows 'playground', the web playground)."
)


@dataclass(frozen=True)
class Example:
    """One interaction: request and response bodies, plus where they come from."""

    method: str
    path: str
    status: int
    response: Any
    request: Any = None
    request_headers: dict[str, list[str]] = field(default_factory=lambda: dict(JSON_HEADERS))
    source: tuple[str, ...] = ()
    synthetic: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """A klein operation and the documented request every one of its examples sends."""

    cassette: str
    path: str
    model: str
    request: Json
    request_source: tuple[str, ...]
    request_note: str | None
    rejected_request: Json  # schema-valid, but the API refuses it with 422 ...
    rejected_response: Json  # ... with this body
    rejected_why: str


# ---- Response bodies ----


def queued_run(run_id: str, model: str, request: Json) -> Json:
    """A Run as the create-run reference shows it right after dispatch (status_code ``queued``)."""
    return {
        "id": run_id,
        "flow_id": None,
        "model_id": MODEL_IDS[model],
        "comfyui_workflow_id": None,
        "target_type": "model",
        "target_version": None,
        "org_id": ORG_ID,
        "status_code": "queued",
        "source_code": "api",
        "input": request["input"],
        "output": None,
        "context": None,
        "duration_ms": None,
        "cost": None,
        "cost_breakdown": None,
        "nodes_total": 1,
        "nodes_completed": 0,
        "resolved_template_id": None,
        "batch_id": None,
        "client_ref": request.get("client_ref"),
        "jurisdiction_code": None,
        "flow_version_id": None,
        "request_id": None,
        "created_by": None,
        "created_at": CREATED_AT,
        "started_at": None,
        "completed_at": None,
        "callback_url": request.get("callback_url"),
        "metadata": request.get("metadata"),
        "has_logs": False,
        "has_node_runs": False,
        "links": None,
        "failure_code": None,
        "failure_message": None,
        "failure_stage_code": None,
        "node_runs": [],
    }


def error(code: str, message: str, errors: Any = None) -> Json:
    return {"code": code, "message": message, "errors": errors}


ERROR_BODIES: dict[int, tuple[Json, tuple[str, ...], str | None]] = {
    # status: (body, docs sources, what is synthetic and why)
    400: (
        error("BAD_REQUEST", "X-Organization-Id must be a UUID."),
        (),
        "The errors page documents 400 as 'bad request shape' without an example; the body is ours. The "
        "request is schema-valid JSON but sends a malformed X-Organization-Id header.",
    ),
    401: (
        error("UNAUTHORIZED", "Missing or invalid API key."),
        (),
        "The errors page names the code (UNAUTHORIZED: missing or invalid token) but shows no body; the "
        "message is ours.",
    ),
    402: (
        error("INSUFFICIENT_CREDIT", "Insufficient credit balance. Check GET /v1/billing/balance."),
        (),
        "The errors page documents 402 as 'payment required, check GET /v1/billing/balance'; the code name "
        "is inferred.",
    ),
    403: (
        error("PERMISSION_DENIED", "Your account is not authorized to access this resource."),
        (D_ERR,),
        None,
    ),
    429: (
        {"code": "RATE_LIMITED", "message": "Rate limit exceeded: 120 per 1 minute"},
        (D_RL,),
        "The example's message is elided ('Rate limit exceeded: ...'); the tail is filled in the format of "
        "slowapi, the usual FastAPI rate limiter (inferred). No errors key and no X-RateLimit-* headers, as "
        "the newer rate-limits page says.",
    ),
    503: (
        error("MODEL_UNAVAILABLE", "Provider downtime. Retry or pick a sibling model."),
        (),
        "The errors page lists MODEL_UNAVAILABLE with this description but shows no body; pairing it with "
        "503 is inferred.",
    ),
}


def not_found(model: str) -> Json:
    return error("MODEL_NOT_FOUND", f"Model {model} does not exist or is not available to this organization.")


def validation_error(message: str, errors: Any) -> Json:
    return error("validation_error", message, errors)


def empty_prompt_422(*location: str) -> Json:
    detail = {
        "loc": ["body", *location],
        "msg": "String should have at least 1 character",
        "type": "string_too_short",
    }
    return validation_error("Input validation failed", [detail])


EMPTY_PROMPT_WHY = (
    "The schema allows an empty prompt; the API refusing it with 422 is assumed. errors[] items are "
    "pydantic-style {loc, msg, type} (the API is FastAPI; the item shape is undocumented)."
)
EXPIRED_ASSET_422 = validation_error(f"asset not found or expired: {EXPIRED_ASSET}", None)
EXPIRED_ASSET_WHY = (
    "Dispatch-time media validation; the message is the one proposed in the JS SDK's backend contract "
    "(runflow-js docs/plans/run-384-sdk-gaps). The request itself is schema-valid."
)

# ---- The klein endpoints ----

ENDPOINTS = (
    Endpoint(
        cassette="create_flux_2_klein_4b_run",
        path="/v1/models/black-forest-labs/flux-2-klein-4b/runs",
        model="black-forest-labs/flux-2-klein-4b",
        request={
            "input": {"prompt": HEADSHOT, "output_format": "png"},
            "callback_url": "https://your-server.com/webhook",
        },
        request_source=(W_4B_LLMS, M_9B),
        request_note="No request example of the 4B /runs page was available: the input is the 4B llms.txt "
        "example (flat there) wrapped in the /runs envelope, with the callback_url of the sibling 9B page.",
        rejected_request={"input": {"prompt": ""}},
        rejected_response=empty_prompt_422("input", "prompt"),
        rejected_why=EMPTY_PROMPT_WHY,
    ),
    Endpoint(
        cassette="create_flux_2_klein_4b_edit_run",
        path="/v1/models/black-forest-labs/flux-2-klein-4b/edit/runs",
        model="black-forest-labs/flux-2-klein-4b/edit",
        request={
            "input": {
                "steps": 4,
                "prompt": "Replace the computer monitors with a large glass aquarium full of colorful "
                "tropical fish and coral, the keyboard sits on a bed of white sand, small hermit crabs "
                "crawl on the mousepad",
                "image_urls": [SHARED_IMAGE],
            },
            "callback_url": "https://your-server.com/webhook",
        },
        request_source=(M_4BE,),
        request_note=None,
        rejected_request={"input": {"prompt": "Make it night", "image_urls": [EXPIRED_ASSET]}},
        rejected_response=EXPIRED_ASSET_422,
        rejected_why=EXPIRED_ASSET_WHY,
    ),
    Endpoint(
        cassette="create_flux_2_klein_9b_run",
        path="/v1/models/black-forest-labs/flux-2-klein-9b/runs",
        model="black-forest-labs/flux-2-klein-9b",
        request={
            "input": {
                "prompt": "A neon-lit Tokyo alleyway at night with a vending machine glowing amber, steam "
                "rising from grates, wet reflections on asphalt, cinematic",
                "image_size": "landscape_4_3",
                "output_format": "png",
            },
            "callback_url": "https://your-server.com/webhook",
        },
        request_source=(M_9B,),
        request_note=None,
        rejected_request={"input": {"prompt": ""}},
        rejected_response=empty_prompt_422("input", "prompt"),
        rejected_why=EMPTY_PROMPT_WHY,
    ),
    Endpoint(
        cassette="create_flux_2_klein_9b_edit_run",
        path="/v1/models/black-forest-labs/flux-2-klein-9b/edit/runs",
        model="black-forest-labs/flux-2-klein-9b/edit",
        request={"input": {"prompt": HEADSHOT, "image_urls": [SHARED_IMAGE]}},
        request_source=(M_9BE, W_9BE_LLMS),
        request_note="The 9B edit page's example is {input: {prompt, image_urls: [base-engineer.png]}}; its "
        "prompt text was not in our copy, so the prompt of the 9B edit llms.txt example is used.",
        rejected_request={"input": {"prompt": "Make it night", "image_urls": [EXPIRED_ASSET]}},
        rejected_response=EXPIRED_ASSET_422,
        rejected_why=EXPIRED_ASSET_WHY,
    ),
)

LEGACY_ENDPOINTS = (
    Endpoint(
        cassette="legacy_run_flux_2_klein_4b",
        path="/v1/run/black-forest-labs/flux-2-klein-4b",
        model="black-forest-labs/flux-2-klein-4b",
        request={"prompt": HEADSHOT, "output_format": "png"},
        request_source=(W_4B_LLMS,),
        request_note=None,
        rejected_request={"prompt": ""},
        rejected_response=empty_prompt_422("prompt"),
        rejected_why=EMPTY_PROMPT_WHY,
    ),
    Endpoint(
        cassette="legacy_run_flux_2_klein_9b_edit",
        path="/v1/run/black-forest-labs/flux-2-klein-9b/edit",
        model="black-forest-labs/flux-2-klein-9b/edit",
        request={"prompt": HEADSHOT, "output_format": "png", "image_urls": [SHARED_IMAGE]},
        request_source=(W_9BE_LLMS, M_9BE),
        request_note="Corrected: the llms.txt example sends only prompt and output_format, although the same "
        "page lists image_urls as required (an edit needs a source image). image_urls is added with the "
        "source image of the 9B edit docs page's example.",
        rejected_request={"prompt": "Make it night", "image_urls": [EXPIRED_ASSET]},
        rejected_response=EXPIRED_ASSET_422,
        rejected_why=EXPIRED_ASSET_WHY,
    ),
)


def legacy_images(prompt: str, *, seed: int, content_type: str) -> Json:
    extension = content_type.split("/")[1]
    return {
        "images": [
            {
                "url": f"https://assets.example.com/legacy/{seed}/0.{extension}",
                "width": 1024,
                "height": 768,
                "content_type": content_type,
            }
        ],
        "seed": seed,
        "has_nsfw_concepts": [False],
        "prompt": prompt,
        "timings": {"inference": 0.412},
    }


LEGACY_OUTPUT_WHY = (
    "The 4B legacy API page describes the response fields (images[] with url/width/height/content_type, "
    "seed, has_nsfw_concepts, prompt, timings) but shows no body; values are ours, the URL is an unsigned "
    "example.com stand-in for a presigned link."
)


def _error_examples(endpoint: Endpoint) -> list[Example]:
    examples = []
    for status in ERROR_STATUSES:
        request, headers = endpoint.request, dict(JSON_HEADERS)
        if status == 404:
            body: Any = not_found(endpoint.model)
            sources: tuple[str, ...] = ()
            synthetic: str | None = (
                "The errors page documents 404 without an example; MODEL_NOT_FOUND and the message are ours."
            )
        elif status == 422:
            body, sources = endpoint.rejected_response, ()
            synthetic = f"Request and response are ours. {endpoint.rejected_why}"
            request = endpoint.rejected_request
        else:
            body, sources, synthetic = ERROR_BODIES[status]
            if status == 400:
                headers["X-Organization-Id"] = ["acme-prod"]
        examples.append(
            Example(
                method="POST",
                path=endpoint.path,
                status=status,
                request=request,
                request_headers=headers,
                response=body,
                source=(*(endpoint.request_source if status != 422 else ()), *sources),
                synthetic=synthetic,
                note=endpoint.request_note if status != 422 else None,
            )
        )
    return examples


def _run_examples(endpoint: Endpoint, run_ids: tuple[str, str, str]) -> list[Example]:
    """200, 201 and 202 all document the same queued Run; the spec leaves open which one the API uses."""
    everything = {
        "input": {
            **endpoint.request["input"],
            "seed": 424242,
            **({"num_images": 2} if "num_images" in _INPUT_FIELDS[endpoint.cassette] else {}),
        },
        "callback_url": "https://hooks.example.com/runflow/klein",
        "metadata": {"campaign": "spring-launch", "variant": "B"},
        "client_ref": "order-8841",
    }
    requests = (endpoint.request, endpoint.request, everything)
    examples = []
    for status, run_id, request in zip((200, 201, 202), run_ids, requests, strict=True):
        extended = request is everything
        examples.append(
            Example(
                method="POST",
                path=endpoint.path,
                status=status,
                request=request,
                response=queued_run(run_id, endpoint.model, request),
                source=(*endpoint.request_source, R_CREATE),
                synthetic="The docs example request is extended with seed, metadata, client_ref and our own "
                "callback_url to exercise optional fields."
                if extended
                else None,
                note=" ".join(filter(None, (endpoint.request_note, PLACEHOLDER_NOTE))),
            )
        )
    return examples


# Which optional input fields each klein input documents (the pages' input tables).
_INPUT_FIELDS = {
    "create_flux_2_klein_4b_run": ("num_images",),
    "create_flux_2_klein_4b_edit_run": (),
    "create_flux_2_klein_9b_run": ("num_images",),
    "create_flux_2_klein_9b_edit_run": ("num_images",),
}
RUN_IDS = {
    "create_flux_2_klein_4b_run": (
        "0196a4f2-8c1e-7b3a-9d2e-5f6a7b8c9d01",
        "0196a4f2-8c1e-7b3a-9d2e-5f6a7b8c9d02",
        "0196a4f2-8c1e-7b3a-9d2e-5f6a7b8c9d03",
    ),
    "create_flux_2_klein_4b_edit_run": (
        "0196a4f3-1d2e-7c4b-8a3f-6e7a8b9c0d11",
        "0196a4f3-1d2e-7c4b-8a3f-6e7a8b9c0d12",
        "0196a4f3-1d2e-7c4b-8a3f-6e7a8b9c0d13",
    ),
    "create_flux_2_klein_9b_run": (
        "0196a4f4-2e3f-7d5c-9b4a-7f8b9c0d1e21",
        "0196a4f4-2e3f-7d5c-9b4a-7f8b9c0d1e22",
        "0196a4f4-2e3f-7d5c-9b4a-7f8b9c0d1e23",
    ),
    "create_flux_2_klein_9b_edit_run": (
        "0196a4f5-3f4a-7e6d-8c5b-8a9c0d1e2f31",
        "0196a4f5-3f4a-7e6d-8c5b-8a9c0d1e2f32",
        "0196a4f5-3f4a-7e6d-8c5b-8a9c0d1e2f33",
    ),
}


def _legacy_examples(endpoint: Endpoint) -> list[Example]:
    success = Example(
        method="POST",
        path=endpoint.path,
        status=200,
        request=endpoint.request,
        response=legacy_images(endpoint.request["prompt"], seed=1873402211, content_type="image/png"),
        source=(*endpoint.request_source, W_4B_API),
        synthetic=LEGACY_OUTPUT_WHY,
        note=endpoint.request_note,
    )
    return [success, *_error_examples(endpoint)]


# ---- The 4B run after dispatch: polled to the end, found by search, its callback deliveries ----
# Each of these cassettes starts with the dispatch that created its run, as a real recording does: the
# checker then knows the run's model and checks its output against the 4B output schema.

KLEIN_4B = ENDPOINTS[0]
POLLED_RUN = RUN_IDS[KLEIN_4B.cassette][0]
FAILED_RUN = RUN_IDS["create_flux_2_klein_9b_edit_run"][0]
POLL_NOTE = (
    "Polling as the runs concept page describes it (GET /v1/runs/{id} until status_code is terminal). "
    "Placeholders of the get-run reference's example are filled as in the create-run cassettes; the "
    "embedded logs/flow of the rendered example are omitted."
)
OUTPUT_SHAPE = (
    "output follows the normalized shape of the runs page and the klein output tables (outputs[] "
    "url/type/width/height/content_type, seed, timing, nsfw_detected, model_data); values are ours and the "
    "URL is an unsigned example.com stand-in for a presigned link."
)
STARTED = {"started_at": STARTED_AT, "nodes_total": 1}


def _dispatched(status: int) -> Example:
    """The 4B dispatch (from its own cassette) that answered ``status``: the first step of a run's story."""
    return next(
        example for example in _run_examples(KLEIN_4B, RUN_IDS[KLEIN_4B.cassette]) if example.status == status
    )


def image_output(run_id: str, model_input: Json) -> Json:
    """The normalized output of a succeeded klein run: one PNG per requested image, the requested seed."""
    return {
        "outputs": [
            {
                "url": f"https://assets.example.com/runs/{run_id}/{number}.png",
                "type": "image",
                "width": 1024,
                "height": 768,
                "content_type": "image/png",
            }
            for number in range(model_input.get("num_images", 1))
        ],
        "seed": model_input.get("seed", 1873402211),
        "timing": {"inference_ms": 812},
        "nsfw_detected": False,
        "model_data": None,
    }


def succeeded_run(run_id: str, request: Json) -> Json:
    """A 4B run of ``request`` that succeeded."""
    return {
        **queued_run(run_id, KLEIN_4B.model, request),
        "status_code": "succeeded",
        **STARTED,
        "completed_at": COMPLETED_AT,
        "duration_ms": 1824,
        "cost": "0.003932",
        "nodes_completed": 1,
        "has_logs": True,
        "has_node_runs": True,
        "output": image_output(run_id, request["input"]),
    }


def _polled(status_code: str, **changes: Any) -> Json:
    return {**queued_run(POLLED_RUN, KLEIN_4B.model, KLEIN_4B.request), "status_code": status_code, **changes}


def _get_example(
    path: str,
    status: int,
    response: Any,
    *,
    source: tuple[str, ...],
    synthetic: str | None = None,
    note: str | None = None,
    method: str = "GET",
) -> Example:
    """A request without a body (GET, or a POST that takes none)."""
    return Example(
        method=method,
        path=path,
        status=status,
        response=response,
        request=None,
        request_headers={},
        source=source,
        synthetic=synthetic,
        note=note,
    )


def _get_run_examples() -> list[Example]:
    failed_request = ENDPOINTS[3].request
    failed = {
        **queued_run(FAILED_RUN, ENDPOINTS[3].model, failed_request),
        "status_code": "failed",
        **STARTED,
        "completed_at": "2026-04-08T10:15:03.911000Z",
        "duration_ms": 1499,
        "has_logs": True,
        "failure_code": "PROVIDER_ERROR",
        "failure_message": "The provider could not download image_urls[0] (HTTP 404).",
        "failure_stage_code": "dispatch",
    }
    return [
        _dispatched(200),
        _get_example(
            path=f"/v1/runs/{POLLED_RUN}",
            status=200,
            response=_polled("queued"),
            source=(R_GET, D_RUNS),
            note=POLL_NOTE,
        ),
        _get_example(
            path=f"/v1/runs/{POLLED_RUN}",
            status=200,
            response=_polled("running", **STARTED),
            source=(R_GET, D_RUNS),
            note=POLL_NOTE,
        ),
        _get_example(
            path=f"/v1/runs/{POLLED_RUN}",
            status=200,
            response=succeeded_run(POLLED_RUN, KLEIN_4B.request),
            source=(R_GET, D_RUNS),
            synthetic=f"No succeeded-run example exists: {OUTPUT_SHAPE}",
            note=POLL_NOTE,
        ),
        _get_example(
            path=f"/v1/runs/{FAILED_RUN}",
            status=200,
            response=failed,
            source=(R_GET, D_ERR),
            synthetic="The errors page says a failed run carries failure_code, failure_stage(_code) and "
            "failure_message but shows no example; the values are ours ('dispatch' is the create-run "
            "reference's example stage).",
            note=POLL_NOTE,
        ),
        _get_example(
            path="/v1/runs/0196a4f6-0000-7000-8000-000000000000",
            status=404,
            response=error("RUN_NOT_FOUND", "Run does not exist or belongs to another org."),
            source=(D_ERR,),
            synthetic="The errors page describes RUN_NOT_FOUND ('does not exist or belongs to another org') "
            "without a body; the message wording is ours.",
        ),
    ]


SEARCH_WHY = (
    "The search reference's example is a '<string>' placeholder page; this one holds the run the dispatch "
    f"above created, succeeded: its {OUTPUT_SHAPE} The query is the runtime's, the envelope the "
    "reconstruction's {items, first, next, previous} (contradiction ledger: pagination-envelope)."
)


def _search_examples() -> list[Example]:
    """The lookup the runtime makes after an ambiguous dispatch failure: the run with its client_ref."""
    dispatched = _dispatched(202)
    client_ref = dispatched.request["client_ref"]
    query = f"q=client_ref.EQ%3A%27{client_ref}%27&limit=10&from_prev=false"
    run = succeeded_run(dispatched.response["id"], dispatched.request)
    page = {"items": [run], "first": None, "next": None, "previous": None}
    return [
        dispatched,
        _get_example(
            path=f"/v1/runs?{query}",
            status=200,
            response=page,
            source=(R_SEARCH, D_REQ),
            synthetic=SEARCH_WHY,
        ),
    ]


def callback_payload(run: Json) -> Json:
    """The payload a terminal run's callback carries; datetimes as Python's isoformat writes them (+00:00)."""

    def iso(value: str) -> str:
        return value.replace("Z", "+00:00")

    return {
        "event": "run.completed",
        "run_id": run["id"],
        "status": run["status_code"],
        "output": run["output"],
        "duration_ms": run["duration_ms"],
        "created_at": iso(run["created_at"]),
        "completed_at": iso(run["completed_at"]),
        "metadata": run["metadata"],
    }


def callback_delivery(number: int, run: Json, *, automatic: bool, at: str) -> Json:
    """One delivery of ``run``'s callback, accepted on the first attempt."""
    payload = callback_payload(run)
    delivery_id = f"0196a4f7-0000-7000-8000-00000000000{number}"
    return {
        "id": delivery_id,
        "run_id": run["id"],
        "callback_url": run["callback_url"],
        "payload_bytes": json.dumps(payload),
        "payload": payload,
        "signing_secret_id": "6b1d3f5a-7c9e-4b2d-8f1a-3c5e7a9b1d35",
        "is_automatic": automatic,
        "status_code": "delivered",
        "failure_reason_code": None,
        "failure_detail": None,
        "attempt_count": 1,
        "max_attempts": 5,
        "next_attempt_at": None,
        "created_at": at,
        "updated_at": at,
        "completed_at": at,
        "attempts": [
            {
                "id": f"0196a4f8-0000-7000-8000-00000000000{number}",
                "delivery_id": delivery_id,
                "attempt_number": 1,
                "status_code": 200,
                "response_body": "ok",
                "response_time_ms": 84,
                "error_message": None,
                "created_at": at,
            }
        ],
    }


DELIVERY_WHY = (
    "The delivery references' examples are '<string>' placeholders; this delivery carries the callbacks "
    f"page's payload for the run the dispatch above created, succeeded: its {OUTPUT_SHAPE} payload_bytes is "
    "the payload's JSON text; delivery state, attempt and secret id are ours."
)


def _callback_delivery_examples() -> list[Example]:
    dispatched = _dispatched(200)
    run = succeeded_run(POLLED_RUN, dispatched.request)
    first = callback_delivery(1, run, automatic=True, at=COMPLETED_AT)
    again = callback_delivery(2, run, automatic=False, at="2026-04-08T10:20:00.000000Z")
    return [
        dispatched,
        _get_example(
            path=f"/v1/runs/{POLLED_RUN}/callback",
            status=200,
            response=[first],
            source=(R_DELIVERIES, D_CB),
            synthetic=DELIVERY_WHY,
        ),
        _get_example(
            path=f"/v1/runs/{POLLED_RUN}/callback-redeliveries",
            status=200,
            response=again,
            source=(R_REDELIVER, D_CB),
            synthetic=DELIVERY_WHY,
            method="POST",
        ),
    ]


def seed_table() -> dict[str, list[Example]]:
    """Cassette name -> its interactions, in the order they are written."""
    table: dict[str, list[Example]] = {}
    for endpoint in ENDPOINTS:
        table[endpoint.cassette] = [
            *_run_examples(endpoint, RUN_IDS[endpoint.cassette]),
            *_error_examples(endpoint),
        ]
    for endpoint in LEGACY_ENDPOINTS:
        table[endpoint.cassette] = _legacy_examples(endpoint)
    table["get_run"] = _get_run_examples()
    table["search_runs"] = _search_examples()
    table["get_run_callback_deliveries"] = _callback_delivery_examples()
    return table


# ---- Rendering ----

HEADER = (
    "# Seed cassette written by scripts/seed_cassettes.py from its table of documented examples.\n"
    "# Provenance is on each interaction (x-source / x-synthetic / x-note). Do not edit by hand:\n"
    "# change the table and run `python scripts/seed_cassettes.py --force`.\n"
)


def _json_text(body: Any) -> str:
    return json_text(body)


def _interaction(example: Example) -> Json:
    provenance: Json = {}
    if example.source:
        provenance["x-source"] = example.source[0] if len(example.source) == 1 else list(example.source)
    if example.synthetic:
        provenance["x-synthetic"] = example.synthetic
    if example.note:
        provenance["x-note"] = example.note
    return {
        **provenance,
        "request": {
            "body": None if example.request is None else _json_text(example.request),
            "headers": example.request_headers,
            "method": example.method,
            "uri": API + example.path,
        },
        "response": {
            "body": {"string": _json_text(example.response)},
            "headers": dict(JSON_HEADERS),
            "status": {"code": example.status, "message": HTTPStatus(example.status).phrase},
        },
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the JSON bodies) as literal blocks, so cassettes stay readable and diffable."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # no &id001 anchors: every interaction reads on its own


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def render(examples: Sequence[Example]) -> str:
    document = {"interactions": [_interaction(example) for example in examples], "version": 1}
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seed_cassettes.py",
        description="Write the seed cassettes (documented example interactions of every klein operation) "
        "that are missing. Existing cassettes are left alone unless --force is given.",
    )
    parser.add_argument(
        "--dir", type=Path, default=CASSETTES_DIR, help="cassette directory (default: %(default)s)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--force", action="store_true", help="overwrite existing seed cassettes")
    mode.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a seed cassette is missing or differs"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    stale = []
    for name, examples in seed_table().items():
        path = args.dir / f"{name}.yaml"
        text = render(examples)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if args.check:
            if current != text:
                stale.append(path)
                print(f"{path}: {'missing' if current is None else 'differs from the seed table'}")
        elif current is None or (args.force and current != text):
            atomic_write(path, text.encode("utf-8"))
            print(f"wrote {path} ({len(examples)} interactions)")
        elif current != text:
            print(f"kept {path} (differs from the seed table; --force overwrites it)", file=sys.stderr)
    return 1 if stale else 0
