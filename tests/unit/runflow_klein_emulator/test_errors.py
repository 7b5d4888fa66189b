"""Documented errors: 401, 404, 422 with errors[], 405 with Allow; all JSON ErrorResponse bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from runflow_klein_emulator import EmulatorConfig, running

from .support import KLEIN_4B, api_client

UNKNOWN_ID = "0196a4f6-0000-7000-8000-00000000dead"  # fixed: test ids must not change between runs


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert isinstance(body["code"], str)
    assert isinstance(body["message"], str)
    return body


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
def test_missing_or_wrong_key_is_401(emulator_url: str, headers: dict[str, str]) -> None:
    with api_client(emulator_url, headers=headers) as anonymous:
        body = _error(anonymous.post(KLEIN_4B, json={"input": {"prompt": "p"}}), 401)
        assert body["code"] == "UNAUTHORIZED"
        _error(anonymous.get(f"/v1/runs/{UNKNOWN_ID}"), 401)
        _error(anonymous.get("/v1/auth/me"), 401)


def test_status_endpoints_are_public(emulator_url: str) -> None:
    with api_client(emulator_url, headers={}) as anonymous:
        assert anonymous.get("/v1/health").json() == {"ok": True}
        assert anonymous.get("/v1/readiness").status_code == 200


def test_any_token_is_accepted_without_a_configured_key() -> None:
    with (
        running(EmulatorConfig(run_seconds=0)) as url,
        api_client(url, headers={"Authorization": "Bearer x"}) as api,
    ):
        assert api.get("/v1/auth/me").status_code == 200
        _error(api.get("/v1/auth/me", headers={"Authorization": "Bearer"}), 401)


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/runs/{UNKNOWN_ID}",
        f"/v1/runs/{UNKNOWN_ID}/callback",
        f"/v1/assets/{UNKNOWN_ID}",
    ],
)
def test_unknown_resources_are_404(client: httpx.Client, path: str) -> None:
    _error(client.get(path), 404)


def test_unknown_run_redelivery_and_upload_confirmation_are_404(client: httpx.Client) -> None:
    _error(client.post(f"/v1/runs/{UNKNOWN_ID}/callback-redeliveries"), 404)
    _error(client.post(f"/v1/asset-uploads/{UNKNOWN_ID}/confirmations", json={}), 404)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"input": {}}, ["body", "input"]),
        ({"input": {"prompt": "p", "num_images": 9}}, ["body", "input", "num_images"]),
        ({"input": {"prompt": "p", "image_size": "huge"}}, ["body", "input", "image_size"]),
        ({"input": {"prompt": "p"}, "callback_url": "not a url"}, ["body", "callback_url"]),
        ({"prompt": "p"}, ["body"]),
    ],
)
def test_invalid_dispatch_bodies_are_422_with_errors(client: httpx.Client, body: Any, loc: list[Any]) -> None:
    errors = _error(client.post(KLEIN_4B, json=body), 422)["errors"]
    assert loc in [error["loc"] for error in errors]
    assert all(error["msg"] and error["type"] for error in errors)


def test_errors_in_nullable_fields_name_the_real_reason(client: httpx.Client) -> None:
    errors = _error(client.post(KLEIN_4B, json={"input": {"prompt": "p"}, "callback_url": ""}), 422)["errors"]
    assert [(error["loc"], error["type"]) for error in errors] == [(["body", "callback_url"], "format")]
    assert "uri" in errors[0]["msg"]


def test_edit_models_require_their_images(client: httpx.Client) -> None:
    path = "/v1/models/black-forest-labs/flux-2-klein-9b/edit/runs"
    errors = _error(client.post(path, json={"input": {"prompt": "p"}}), 422)["errors"]
    assert errors[0]["loc"] == ["body", "input"]
    assert "image_urls" in errors[0]["msg"]


def test_malformed_json_and_empty_body_are_422(client: httpx.Client) -> None:
    broken = client.post(KLEIN_4B, content=b'{"input": ', headers={"Content-Type": "application/json"})
    assert _error(broken, 422)["errors"][0]["type"] == "json_invalid"
    assert _error(client.post(KLEIN_4B), 422)["errors"][0]["type"] == "missing"


@pytest.mark.parametrize(
    "path",
    ["/v1/runs/not-a-uuid", "/v1/runs/not-a-uuid/callback", "/v1/assets/123"],
)
def test_malformed_path_uuid_is_422(client: httpx.Client, path: str) -> None:
    errors = _error(client.get(path), 422)["errors"]
    assert errors[0]["type"] == "format"
    assert errors[0]["loc"][0] == "path"


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "many"},
        {"from_prev": "perhaps"},
        {"q": "client_ref.NE:'x'"},
        {"q": "cost:1"},
        {"q": "client_ref:'a' OR client_ref:'b'"},
        {"sort_by": "prompt:asc"},
        {"pq": "not-a-cursor"},
    ],
)
def test_invalid_search_parameters_are_422(client: httpx.Client, params: dict[str, str]) -> None:
    errors = _error(client.get("/v1/runs", params=params), 422)["errors"]
    assert errors[0]["loc"][:2] == ["query", next(iter(params))]


def test_redelivery_needs_a_terminal_run_with_a_callback(client: httpx.Client) -> None:
    queued = client.post(
        KLEIN_4B, json={"input": {"prompt": "p"}, "callback_url": "http://127.0.0.1:9/cb"}
    ).json()
    errors = _error(client.post(f"/v1/runs/{queued['id']}/callback-redeliveries"), 422)["errors"]
    assert errors[0]["type"] == "conflict"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", KLEIN_4B, {"POST"}),
        ("DELETE", f"/v1/runs/{UNKNOWN_ID}", {"GET", "HEAD"}),
        ("PUT", "/v1/runs", {"GET", "HEAD"}),
        ("TRACE", "/v1/health", {"GET", "HEAD"}),
    ],
)
def test_undocumented_methods_are_405_with_allow(
    client: httpx.Client, method: str, path: str, allowed: set[str]
) -> None:
    body = _error(client.request(method, path), 405)
    assert body["code"] == "METHOD_NOT_ALLOWED"
    response = client.request(method, path)
    assert {item.strip() for item in response.headers["allow"].split(",")} == allowed


def test_undocumented_paths_are_json_404(client: httpx.Client) -> None:
    assert _error(client.get("/v1/nothing-here"), 404)["code"] == "NOT_FOUND"


def test_error_text_never_echoes_the_api_key(emulator_url: str) -> None:
    secret = "rf_live_do-not-echo"
    with api_client(emulator_url, headers={"Authorization": f"Bearer {secret}"}) as wrong:
        response = wrong.get("/v1/auth/me")
    assert response.status_code == 401
    assert secret not in response.text
