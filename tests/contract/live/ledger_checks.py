"""The live checks of the contradiction ledger (openapi/contradictions.yaml): one reading each.

A check observes the API and returns what it saw, in words a reader of the nightly report can act
on ("`canceled` filter accepted (200, 3 runs); `cancelled` rejected (422)"). Checks report; they do
not fail: a reading that contradicts the encoded side is the news the nightly job exists for.

Requests that could create a run go through ``dispatch``, which takes a unit of the live budget
first, even when the check expects the API to reject the request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from tests.contract.live.plugin import LiveSession
from tests.contract.live.runs import finished_run

Check = Callable[[LiveSession, httpx.Client, dict[str, Any]], str]
NO_BUDGET = "not checked: the live budget was used up before this check"
UNREACHABLE_CALLBACK = "https://callback.example.invalid/runflow-klein-ledger"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _status(response: httpx.Response) -> str:
    body = _json(response)
    code = body.get("code") if isinstance(body, dict) else None
    return f"{response.status_code}" + (f" {code}" if code else "")


def dispatch(
    live: LiveSession, http: httpx.Client, path: str, body: dict[str, Any], *, probe: bool
) -> httpx.Response | None:
    """POST something that may create a run, within the budget; None when the budget is spent.

    ``probe``: the request is expected to be rejected, so it may use the unit kept for probes.
    """
    if not live.budget.reserve(probe=probe):
        return None
    response = http.post(path, json=body)
    live.budget.settle(created=response.is_success)
    return response


def _recent_runs(http: httpx.Client, limit: int = 50) -> list[dict[str, Any]]:
    body = _json(http.get("/v1/runs", params={"limit": limit}))
    items = body.get("items", []) if isinstance(body, dict) else []
    return [item for item in items if isinstance(item, dict)]


def _deliveries(http: httpx.Client, limit: int = 20) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for run in _recent_runs(http, limit):
        if run.get("callback_url") and run.get("id"):
            body = _json(http.get(f"/v1/runs/{run['id']}/callback"))
            found += [d for d in body if isinstance(d, dict)] if isinstance(body, list) else []
    return found


# ---------------------------------------------------------------- checks


def cancel_status_spelling(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    parts = []
    for spelling in ("canceled", "cancelled"):
        response = http.get("/v1/runs", params={"q": f"status_code:{spelling}", "limit": 1})
        body = _json(response)
        count = len(body.get("items", [])) if isinstance(body, dict) else 0
        parts.append(f"`{spelling}` filter: {_status(response)}, {count} run(s)")
    return "; ".join(parts)


def run_status_values(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    runs = _recent_runs(http, 100)
    statuses = sorted({str(run.get("status_code")) for run in runs})
    single_partial = any(
        run.get("status_code") == "partial_succeeded" and not run.get("batch_id") for run in runs
    )
    return (
        f"status_code values in {len(runs)} recent runs: {statuses}; "
        f"single-run partial_succeeded seen: {single_partial}"
    )


def callback_status_values(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    payloads = [d.get("payload") or {} for d in _deliveries(http)]
    statuses = sorted({str(p.get("status")) for p in payloads if isinstance(p, dict)})
    return (
        f"callback status values in {len(payloads)} deliveries: {statuses}"
        if payloads
        else "no deliveries to inspect"
    )


def callback_payload_fields(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    payloads = [d.get("payload") for d in _deliveries(http)]
    keys = sorted({key for p in payloads if isinstance(p, dict) for key in p})
    return (
        f"payload keys across {len(payloads)} deliveries: {keys}" if payloads else "no deliveries to inspect"
    )


def callback_retry_policy(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    deliveries = _deliveries(http)
    if not deliveries:
        return "no deliveries to inspect"
    max_attempts = sorted({str(d.get("max_attempts")) for d in deliveries})
    attempts = sorted({str(d.get("attempt_count")) for d in deliveries})
    return f"max_attempts {max_attempts}, attempt_count {attempts} over {len(deliveries)} deliveries"


def callback_failure_output(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    body = {
        "input": {
            "prompt": "ledger check",
            "steps": 1,
            "image_urls": ["https://source.example.invalid/missing.png"],
        },
        "callback_url": UNREACHABLE_CALLBACK,
    }
    response = dispatch(
        live, http, "/v1/models/black-forest-labs/flux-2-klein-4b/edit/runs", body, probe=False
    )
    if response is None:
        return NO_BUDGET
    if not response.is_success:
        return f"dispatch rejected ({_status(response)}): no failed run to inspect"
    run = finished_run(http, str(response.json()["id"]))
    deliveries = _json(http.get(f"/v1/runs/{run['id']}/callback"))
    payloads = (
        [d.get("payload") for d in deliveries if isinstance(d, dict)] if isinstance(deliveries, list) else []
    )
    if not payloads:
        return f"run ended {run.get('status_code')}; no delivery recorded"
    output = payloads[0].get("output") if isinstance(payloads[0], dict) else None
    shape = (
        "null"
        if output is None
        else f"object with keys {sorted(output)}"
        if isinstance(output, dict)
        else type(output).__name__
    )
    return f"run ended {run.get('status_code')}; callback output: {shape}"


def pagination_envelope(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    body = _json(http.get("/v1/runs", params={"limit": 1}))
    return f"top-level keys: {sorted(body) if isinstance(body, dict) else type(body).__name__}"


def run_object_fields(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    runs = _recent_runs(http, 1)
    if not runs:
        return "no runs to inspect"
    keys = set(runs[0])
    pairs = (("failure_stage_code", "failure_stage"), ("completed_at", "finished_at"), ("model_id", "model"))
    return "; ".join(f"{a}: {a in keys}, {b}: {b in keys}" for a, b in pairs)


def rate_limit_headers(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    response = http.get("/v1/runs", params={"limit": 1})
    found = sorted(
        name for name in response.headers if name.lower().startswith(("x-ratelimit", "retry-after"))
    )
    return f"rate-limit headers on a normal response: {found or 'none'}"


def public_cancel(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    run_id = uuid.uuid4()
    readings = [
        f"{suffix}: {_status(http.post(f'/v1/runs/{run_id}/{suffix}', json={}))}"
        for suffix in ("cancellation", "cancel")
    ]
    return "; ".join(readings) + " (404 with RUN_NOT_FOUND means the route exists)"


def route_exists(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    # {} lacks the required `input` (and `prompt`): no route can create a run from it.
    return "; ".join(f"{path}: {_status(http.post(path, json={}))}" for path in entry["check"]["probes"])


def dispatch_success_status(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    result = live.runs.get("black-forest-labs/flux-2-klein-4b")
    if result is None:
        return "not observed: no 4B run was dispatched in this session"
    return f"a 4B dispatch answered {result['dispatch_status']}"


def klein_4b_cost(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    result = live.runs.get("black-forest-labs/flux-2-klein-4b")
    if result is None:
        return "not observed: no 4B run was dispatched in this session"
    return (
        f"cost of a square (0.26 MP) 4B run: {result['run'].get('cost')!r} "
        "(at $0.005/MP ≈ 0.0013, at $0.014/MP ≈ 0.0037)"
    )


def guidance_scale_accepted(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    body = {
        "input": {
            "prompt": "ledger check",
            "image_size": "square",
            "num_images": 1,
            "num_inference_steps": 1,
            "guidance_scale": 1.0,
        }
    }
    response = dispatch(live, http, "/v1/models/black-forest-labs/flux-2-klein-4b/runs", body, probe=False)
    if response is None:
        return NO_BUDGET
    verdict = "accepted" if response.is_success else "rejected"
    return f"guidance_scale on the 4B endpoint: {verdict} ({_status(response)})"


def error_envelope(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    missing = http.get(f"/v1/runs/{uuid.uuid4()}")
    with live.client(authenticated=False) as anonymous:
        unauthorized = anonymous.get("/v1/auth/me")
    shapes = []
    for name, response in (("404", missing), ("401", unauthorized)):
        body = _json(response)
        keys = sorted(body) if isinstance(body, dict) else type(body).__name__
        shapes.append(f"{name} ({response.status_code}) body keys {keys}")
    return "; ".join(shapes)


def auth_header(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    with live.client(authenticated=False) as anonymous:
        response = anonymous.get("/v1/auth/me", headers={"x-api-key": live.api_key})
    return f"GET /v1/auth/me with only x-api-key: {_status(response)}"


def runflow_asset_refs(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    body = {
        "input": {"prompt": "ledger check", "steps": 1, "image_urls": [f"runflow://assets/{uuid.uuid4()}"]}
    }
    response = dispatch(
        live, http, "/v1/models/black-forest-labs/flux-2-klein-4b/edit/runs", body, probe=True
    )
    if response is None:
        return NO_BUDGET
    detail = _json(response)
    message = detail.get("message", "") if isinstance(detail, dict) else ""
    return f"runflow:// ref for an unknown asset: {_status(response)} {message[:160]!r}"


def legacy_9b_edit_requires_images(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    response = dispatch(
        live,
        http,
        "/v1/run/black-forest-labs/flux-2-klein-9b/edit",
        {"prompt": "ledger check", "num_images": 0},
        probe=True,
    )
    if response is None:
        return NO_BUDGET
    body = _json(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    mentions = "image_urls" in str(errors or body)
    return f"prompt only, num_images 0: {_status(response)}; error names image_urls: {mentions}"


def health_without_key(live: LiveSession, http: httpx.Client, entry: dict[str, Any]) -> str:
    with live.client(authenticated=False) as anonymous:
        return f"GET /v1/health without a key: {_status(anonymous.get('/v1/health'))}"


CHECKS: dict[str, Check] = {
    check.__name__: check
    for check in (
        cancel_status_spelling, run_status_values, callback_status_values, callback_payload_fields,
        callback_retry_policy, callback_failure_output, pagination_envelope, run_object_fields,
        rate_limit_headers, public_cancel, route_exists, dispatch_success_status, klein_4b_cost,
        guidance_scale_accepted, error_envelope, auth_header, runflow_asset_refs,
        legacy_9b_edit_requires_images, health_without_key,
    )
}  # fmt: skip
