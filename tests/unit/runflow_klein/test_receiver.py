"""The local callback receiver, and waits that end on a callback instead of polling."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator

import httpx
import pytest
from runflow_klein_emulator.scripted_api import FakeRunflow

from runflow_klein import CallbackReceiver, KleinClient, WaitTimeoutError
from runflow_klein.transport import default_transport

SECRET = "whsec_receiver_test_secret"
PAYLOAD = json.dumps(
    {"event": "run.completed", "run_id": "r-1", "status": "succeeded", "output": None}
).encode()


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"Runflow-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


@pytest.fixture(scope="module")
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver(secrets=[SECRET]) as running:
        yield running


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(transport=default_transport()) as client:
        yield client


def test_a_signed_callback_is_delivered_to_its_subscription(
    receiver: CallbackReceiver, http: httpx.Client
) -> None:
    subscription = receiver.subscribe()
    assert subscription.url.startswith("http://127.0.0.1:")
    response = http.post(subscription.url, content=PAYLOAD, headers=signed(PAYLOAD))
    assert response.status_code == 200
    payload = subscription.wait(timeout=5)
    assert payload is not None
    assert payload.run_id == "r-1"


@pytest.mark.parametrize(
    "headers",
    [pytest.param({}, id="unsigned"), pytest.param(signed(PAYLOAD, "whsec_attacker"), id="wrong-secret")],
)
def test_callbacks_failing_verification_are_rejected_and_not_delivered(
    receiver: CallbackReceiver, http: httpx.Client, headers: dict[str, str]
) -> None:
    subscription = receiver.subscribe()
    response = http.post(subscription.url, content=PAYLOAD, headers=headers)
    assert response.status_code == 401
    assert SECRET not in response.text
    assert subscription.wait(timeout=0) is None


def test_unknown_or_closed_callback_urls_get_404(receiver: CallbackReceiver, http: httpx.Client) -> None:
    subscription = receiver.subscribe()
    subscription.close()
    assert http.post(subscription.url, content=PAYLOAD, headers=signed(PAYLOAD)).status_code == 404
    assert (
        http.post(
            f"{receiver.base_url}/callbacks/guess", content=PAYLOAD, headers=signed(PAYLOAD)
        ).status_code
        == 404
    )


def test_malformed_payloads_get_400(receiver: CallbackReceiver, http: httpx.Client) -> None:
    subscription = receiver.subscribe()
    body = b'{"no_run_id": true}'
    assert http.post(subscription.url, content=body, headers=signed(body)).status_code == 400
    assert subscription.wait(timeout=0) is None


def test_the_first_of_duplicate_deliveries_is_kept(http: httpx.Client) -> None:
    with CallbackReceiver() as unsigned_receiver:
        subscription = unsigned_receiver.subscribe()
        first = json.dumps({"run_id": "r-1", "status": "succeeded"}).encode()
        second = json.dumps({"run_id": "r-1", "status": "failed"}).encode()
        assert http.post(subscription.url, content=first).status_code == 200
        assert http.post(subscription.url, content=second).status_code == 200
        payload = subscription.wait(timeout=5)
    assert payload is not None
    assert payload.status == "succeeded"


def test_public_url_replaces_the_local_address() -> None:
    with CallbackReceiver(public_url="https://hooks.example.com/runflow/") as tunnelled:
        assert tunnelled.subscribe().url.startswith("https://hooks.example.com/runflow/callbacks/")


def test_a_receiver_that_is_not_running_says_so() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        CallbackReceiver().subscribe()


def test_callback_driven_wait_does_one_get_after_the_callback(
    client: KleinClient, fake: FakeRunflow, receiver: CallbackReceiver
) -> None:
    fake.callback_immediately = True
    fake.callback_secret = SECRET
    seen: list[str | None] = []
    run = client.run(
        "flux-2-klein-4b",
        {"prompt": "x"},
        callback=receiver,
        callback_grace=30,
        on_progress=lambda view: seen.append(view.status),
    )
    assert run.succeeded
    assert fake.callback_answered.wait(timeout=5)
    assert fake.callback_statuses == [200]
    assert fake.count("GET", f"/v1/runs/{run.id}") == 1  # no polling: one GET once the callback came
    (dispatch,) = fake.calls("POST", "/v1/models/")
    assert json.loads(dispatch.body)["callback_url"].startswith(f"{receiver.base_url}/callbacks/")
    assert seen == ["queued", "succeeded"]


def test_without_a_callback_the_wait_falls_back_to_polling(client: KleinClient, fake: FakeRunflow) -> None:
    # callback=True starts a throwaway receiver; the fake server never calls it back.
    run = client.run("flux-2-klein-4b", {"prompt": "x"}, callback=True, callback_grace=0.05)
    assert run.succeeded
    assert fake.count("GET", f"/v1/runs/{run.id}") == 2  # running, succeeded


def test_a_callback_with_a_bad_signature_is_ignored_and_polling_finishes_the_wait(
    client: KleinClient, fake: FakeRunflow, receiver: CallbackReceiver
) -> None:
    fake.callback_immediately = True
    fake.callback_secret = "whsec_not_the_one_we_trust"
    subscription = receiver.subscribe()
    submitted = client.submit("flux-2-klein-4b", {"prompt": "x"}, callback_url=subscription.url)
    assert fake.callback_answered.wait(timeout=5)
    assert fake.callback_statuses == [401]
    run = client.wait(submitted, callback=subscription, callback_grace=0.01)
    assert run.succeeded
    assert fake.count("GET", f"/v1/runs/{run.id}") == 1


def test_a_wait_that_times_out_during_the_grace_period_still_looks_once(
    client: KleinClient, fake: FakeRunflow, receiver: CallbackReceiver
) -> None:
    fake.script = ("queued",)
    subscription = receiver.subscribe()
    submitted = client.submit("flux-2-klein-4b", {"prompt": "x"}, callback_url=subscription.url)
    with pytest.raises(WaitTimeoutError) as caught:
        client.wait(submitted, callback=subscription, callback_grace=60, wait_timeout=0.01)
    assert caught.value.last_status == "queued"
    assert fake.count("GET", f"/v1/runs/{submitted.id}") == 1
