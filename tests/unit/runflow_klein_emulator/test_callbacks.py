"""Signed callbacks at completion, retries with backoff, delivery history and redelivery."""

from __future__ import annotations

import hashlib
import hmac
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from runflow_klein_emulator import EmulatorConfig, running

from .support import API_KEY, KLEIN_4B, CallbackReceiver, api_client, wait_for_run, wait_until

SECRET = "whsec_emulator-test-secret"


@pytest.fixture(scope="module")
def signed_url() -> Iterator[str]:
    config = EmulatorConfig(
        run_seconds=0.1, api_key=API_KEY, callback_secret=SECRET, callback_retry_delays=(0.01, 0.02)
    )
    with running(config) as url:
        yield url


@pytest.fixture
def signed(signed_url: str) -> Iterator[httpx.Client]:
    with api_client(signed_url) as api:
        yield api


def _dispatch(client: httpx.Client, callback_url: str, **extra: Any) -> dict[str, Any]:
    body = {"input": {"prompt": "p"}, "callback_url": callback_url, **extra}
    run: dict[str, Any] = client.post(KLEIN_4B, json=body).json()
    return run


def _history(client: httpx.Client, run_id: str) -> list[dict[str, Any]]:
    deliveries: list[dict[str, Any]] = client.get(f"/v1/runs/{run_id}/callback").json()
    return deliveries


def _settled_history(client: httpx.Client, run_id: str, count: int = 1) -> list[dict[str, Any]]:
    def settled() -> list[dict[str, Any]] | None:
        deliveries = _history(client, run_id)
        done = len(deliveries) == count and all(d["status_code"] != "pending" for d in deliveries)
        return deliveries if done else None

    return wait_until(settled, what="the callback deliveries to settle")


def test_callback_arrives_signed_without_any_poll(signed: httpx.Client) -> None:
    receiver = CallbackReceiver()
    with receiver.serving():
        run = _dispatch(signed, receiver.url, metadata={"order": "A-1"}, client_ref="cb-1")
        callback = receiver.next()  # no GET /v1/runs/{id} before this: delivery is scheduled

    expected = hmac.new(SECRET.encode(), callback.body, hashlib.sha256).hexdigest()
    assert callback.headers["runflow-signature"] == expected
    assert callback.headers["runflow-request-id"]
    assert callback.headers["content-type"] == "application/json"
    assert callback.path == "/hooks/runflow"
    payload = callback.json()
    assert payload["event"] == "run.completed"
    assert payload["run_id"] == run["id"]
    assert payload["status"] == "succeeded"
    assert payload["metadata"] == {"order": "A-1"}
    assert payload["completed_at"].endswith("+00:00")
    assert payload["output"]["outputs"][0]["url"].startswith("http://127.0.0.1:")

    [delivery] = _settled_history(signed, run["id"])
    assert delivery["status_code"] == "succeeded"
    assert delivery["is_automatic"] is True
    assert delivery["payload_bytes"].encode() == callback.body
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [200]
    assert delivery["signing_secret_id"]
    assert SECRET not in str(delivery)


def test_failed_deliveries_are_retried_then_succeed(signed: httpx.Client) -> None:
    receiver = CallbackReceiver(statuses=(500, 503))
    with receiver.serving():
        run = _dispatch(signed, receiver.url)
        bodies = [receiver.next().body for _ in range(3)]

    assert bodies[0] == bodies[1] == bodies[2]  # the frozen payload is resent byte for byte
    [delivery] = _settled_history(signed, run["id"])
    assert delivery["status_code"] == "succeeded"
    assert delivery["attempt_count"] == delivery["max_attempts"] == 3
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 503, 200]
    assert [attempt["attempt_number"] for attempt in delivery["attempts"]] == [1, 2, 3]


def test_retries_stop_after_the_last_attempt(signed: httpx.Client) -> None:
    receiver = CallbackReceiver(statuses=(500, 500, 500, 500))
    with receiver.serving():
        run = _dispatch(signed, receiver.url)
        [delivery] = _settled_history(signed, run["id"])
        posts = receiver.received.qsize()

    assert delivery["status_code"] == "failed"
    assert delivery["failure_reason_code"] == "http_error"
    assert len(delivery["attempts"]) == 3
    assert posts == 3


def test_unreachable_receiver_is_recorded_as_connection_errors(signed: httpx.Client) -> None:
    """The receiver's port stays bound, never listening, for the whole test: connecting is refused.

    Closing the socket before dispatching would free the port for any other process to listen on
    while the emulator is still delivering.
    """
    with socket.socket() as unreachable:
        unreachable.bind(("127.0.0.1", 0))
        run = _dispatch(signed, f"http://127.0.0.1:{unreachable.getsockname()[1]}/cb")
        [delivery] = _settled_history(signed, run["id"])
    assert delivery["status_code"] == "failed"
    assert delivery["failure_reason_code"] == "connection_error"
    assert all(
        attempt["status_code"] is None and attempt["error_message"] for attempt in delivery["attempts"]
    )


def test_non_loopback_destinations_are_never_contacted(signed: httpx.Client) -> None:
    run = _dispatch(signed, "https://hooks.example.com/runflow")
    [delivery] = _settled_history(signed, run["id"])
    assert delivery["status_code"] == "failed"
    assert delivery["failure_reason_code"] == "destination_not_allowed"
    assert delivery["attempts"] == []


def test_failed_runs_send_run_failed() -> None:
    config = EmulatorConfig(run_seconds=0, fail_rate=1.0, api_key=API_KEY)
    receiver = CallbackReceiver()
    with running(config) as url, api_client(url) as api, receiver.serving():
        run = _dispatch(api, receiver.url)
        callback = receiver.next()
    payload = callback.json()
    assert payload["event"] == "run.failed"
    assert payload["status"] == "failed"
    assert payload["run_id"] == run["id"]
    assert payload["output"]["code"] == "MODEL_UNAVAILABLE"
    assert "runflow-signature" not in callback.headers  # no secret configured: unsigned


def test_redelivery_sends_a_fresh_manual_delivery(signed: httpx.Client) -> None:
    receiver = CallbackReceiver()
    with receiver.serving():
        run = _dispatch(signed, receiver.url)
        first = receiver.next()
        _settled_history(signed, run["id"])
        response = signed.post(f"/v1/runs/{run['id']}/callback-redeliveries")
        second = receiver.next()

    assert response.status_code == 200
    assert response.json()["is_automatic"] is False
    assert second.json()["run_id"] == first.json()["run_id"] == run["id"]
    assert second.headers["runflow-request-id"] != first.headers["runflow-request-id"]
    history = _settled_history(signed, run["id"], count=2)
    assert [delivery["is_automatic"] for delivery in history] == [True, False]


def test_created_secret_signs_later_callbacks() -> None:
    receiver = CallbackReceiver()
    with running(EmulatorConfig(run_seconds=0, api_key=API_KEY)) as url, api_client(url) as api:
        created = api.post("/v1/callback-secrets", json={"label": "ci"})
        assert created.status_code == 201
        secret = created.json()["plain_secret"]
        assert secret.startswith("whsec_")
        with receiver.serving():
            _dispatch(api, receiver.url, client_ref=str(uuid.uuid4()))
            callback = receiver.next()
    assert (
        callback.headers["runflow-signature"]
        == hmac.new(secret.encode(), callback.body, "sha256").hexdigest()
    )


def test_callback_history_of_a_run_without_callback_is_empty(signed: httpx.Client) -> None:
    run = signed.post(KLEIN_4B, json={"input": {"prompt": "p"}}).json()
    wait_for_run(signed, run["id"])
    assert _history(signed, run["id"]) == []
