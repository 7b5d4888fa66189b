"""Dispatch is not idempotent: one call must create (and bill) at most one run, whatever fails."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import httpx
import pytest
from runflow_klein_emulator.scripted_api import API_KEY, FakeRunflow, Fault

from runflow_klein import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    KleinClient,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ValidationError,
)

from .conftest import FakeTime

PROMPT = {"prompt": "a red fox in the snow"}
HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def dispatched_refs(fake: FakeRunflow) -> list[str]:
    return [json.loads(call.body)["client_ref"] for call in fake.calls("POST", "/v1/models/")]


def lookup_queries(fake: FakeRunflow) -> list[str]:
    return [parse_qs(call.query)["q"][0] for call in fake.calls("GET", "/v1/runs") if call.path == "/v1/runs"]


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault.drop(created=True), id="connection-dropped-after-create"),
        pytest.param(Fault.status_code(502, HTML_502, created=True), id="502-after-create"),
        pytest.param(Fault.hang(created=True), id="hang-after-create"),
    ],
)
def test_run_created_before_an_ambiguous_failure_is_found_not_redispatched(
    client: KleinClient, fake: FakeRunflow, fault: Fault
) -> None:
    fake.inject("dispatch", fault)
    run = client.submit("flux-2-klein-4b", PROMPT, timeout=0.5)
    assert len(fake.runs) == 1  # charged once
    assert run.id in fake.runs
    assert fake.count("POST", "/v1/models/") == 1  # never re-POSTed
    (ref,) = dispatched_refs(fake)
    assert lookup_queries(fake) == [f"client_ref.EQ:'{ref}'"]
    assert run.client_ref == ref


def test_ambiguous_failure_without_a_run_is_dispatched_again_with_the_same_ref(
    client: KleinClient, fake: FakeRunflow
) -> None:
    fake.inject("dispatch", Fault.status_code(502, HTML_502, created=False))
    run = client.submit("flux-2-klein-4b", PROMPT)
    assert len(fake.runs) == 1
    assert run.id in fake.runs
    refs = dispatched_refs(fake)
    assert len(refs) == 2
    assert refs[0] == refs[1]
    assert len(lookup_queries(fake)) == 1


def test_rate_limited_dispatch_is_retried_without_a_lookup(
    client: KleinClient, fake: FakeRunflow, fake_time: FakeTime
) -> None:
    # A 429 means nothing was created: no need to look anything up before trying again.
    fake.inject(
        "dispatch",
        Fault.status_code(
            429, {"code": "RATE_LIMITED", "message": "slow down"}, headers=[("Retry-After", "2")]
        ),
    )
    run = client.submit("flux-2-klein-4b", PROMPT)
    assert fake_time.sleeps == [2.0]
    assert lookup_queries(fake) == []
    assert fake.count("POST", "/v1/models/") == 2
    assert list(fake.runs) == [run.id]


def test_rate_limit_retry_after_beyond_the_cap_is_raised(
    client: KleinClient, fake: FakeRunflow, fake_time: FakeTime
) -> None:
    fake.inject(
        "dispatch",
        Fault.status_code(429, {"code": "RATE_LIMITED", "message": "x"}, headers=[("Retry-After", "3600")]),
    )
    with pytest.raises(RateLimitError) as caught:
        client.submit("flux-2-klein-4b", PROMPT)
    assert caught.value.retry_after == 3600.0
    assert fake_time.sleeps == []
    assert fake.runs == {}


def test_a_failed_lookup_raises_rather_than_risking_a_second_run(
    client: KleinClient, fake: FakeRunflow
) -> None:
    fake.inject("dispatch", Fault.drop(created=False))
    fake.inject("search", *[Fault.status_code(500, {"code": "INTERNAL", "message": "db down"})] * 5)
    with pytest.raises(APIConnectionError) as caught:
        client.submit("flux-2-klein-4b", PROMPT)
    assert isinstance(caught.value.__cause__, ServerError)  # why we could not tell
    assert fake.count("POST", "/v1/models/") == 1


def test_out_of_retries_still_looks_the_run_up(fake: FakeRunflow, fake_time: FakeTime) -> None:
    fake.inject("dispatch", Fault.drop(created=True))
    with KleinClient(api_key=API_KEY, base_url=fake.base_url, max_retries=0, sleep=fake_time.sleep) as client:
        run = client.submit("flux-2-klein-4b", PROMPT)
    assert list(fake.runs) == [run.id]


def test_out_of_retries_without_a_run_raises_the_original_error(
    fake: FakeRunflow, fake_time: FakeTime
) -> None:
    fake.inject("dispatch", Fault.hang(created=False))
    with (
        KleinClient(api_key=API_KEY, base_url=fake.base_url, max_retries=0, sleep=fake_time.sleep) as client,
        pytest.raises(APITimeoutError),
    ):
        client.submit("flux-2-klein-4b", PROMPT, timeout=0.3)
    assert fake.runs == {}
    assert fake.count("POST", "/v1/models/") == 1


def test_lookup_trusts_only_runs_with_our_client_ref(client: KleinClient, fake: FakeRunflow) -> None:
    other = client.submit("flux-2-klein-4b", PROMPT, client_ref="someone-else")
    fake.search_ignores_filter = True  # a server that ignores q= must not make us adopt another run
    fake.inject("dispatch", Fault.status_code(503, {"code": "UNAVAILABLE", "message": "x"}, created=False))
    mine = client.submit("flux-2-klein-4b", PROMPT, client_ref="mine-1")
    assert mine.id != other.id
    assert mine.client_ref == "mine-1"
    assert len(fake.runs) == 2


def test_a_refused_connection_is_retried_without_a_lookup(fake_time: FakeTime) -> None:
    attempts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(f"{request.method} {request.url.path}")
        if len(attempts) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        body = json.loads(request.content)
        return httpx.Response(
            200,
            json={
                "id": "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b",
                "status_code": "queued",
                "client_ref": body["client_ref"],
            },
        )

    with KleinClient(
        api_key=API_KEY,
        base_url="https://api.runflow.test",
        transport=httpx.MockTransport(handler),
        sleep=fake_time.sleep,
        retry=RetryPolicy(jitter=lambda: 0.0),
    ) as client:
        run = client.submit("flux-2-klein-4b", PROMPT)
    assert attempts == ["POST /v1/models/black-forest-labs/flux-2-klein-4b/runs"] * 2
    assert fake_time.sleeps == [0.5]
    assert run.status == "queued"


def test_validation_errors_are_raised_without_retry(fake_time: FakeTime) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            422, json={"code": "VALIDATION_ERROR", "message": "bad", "errors": [{"loc": ["input"]}]}
        )

    with (
        KleinClient(
            api_key=API_KEY,
            base_url="https://api.runflow.test",
            transport=httpx.MockTransport(handler),
            sleep=fake_time.sleep,
        ) as client,
        pytest.raises(ValidationError),
    ):
        client.submit("flux-2-klein-4b", PROMPT)
    assert len(calls) == 1
    assert fake_time.sleeps == []


def test_generated_client_ref_is_uuid_based_and_a_given_one_is_kept(
    client: KleinClient, fake: FakeRunflow
) -> None:
    client.submit("flux-2-klein-4b", PROMPT)
    client.submit("flux-2-klein-4b", PROMPT)
    client.submit("flux-2-klein-4b", PROMPT, client_ref="order-42")
    generated_a, generated_b, given = dispatched_refs(fake)
    assert re.fullmatch(r"rk-[0-9a-f]{32}", generated_a)
    assert generated_a != generated_b
    assert given == "order-42"


def test_a_client_ref_that_would_break_the_lookup_filter_is_rejected(
    client: KleinClient, fake: FakeRunflow
) -> None:
    with pytest.raises(ConfigurationError, match="client_ref"):
        client.submit("flux-2-klein-4b", PROMPT, client_ref="it's")
    assert fake.requests == []


def test_full_run_after_a_dropped_dispatch_completes_with_one_run(
    client: KleinClient, fake: FakeRunflow
) -> None:
    fake.inject("dispatch", Fault.drop(created=True))
    run = client.run("flux-2-klein-4b", PROMPT)
    assert run.status == "succeeded"
    assert len(fake.runs) == 1


@pytest.mark.parametrize(
    ("model", "path"),
    [
        ("flux-2-klein-4b", "/v1/models/black-forest-labs/flux-2-klein-4b/runs"),
        ("black-forest-labs/flux-2-klein-9b", "/v1/models/black-forest-labs/flux-2-klein-9b/runs"),
        ("flux-2-klein-4b/edit", "/v1/models/black-forest-labs/flux-2-klein-4b/edit/runs"),
        ("FLUX-2-KLEIN-9B/EDIT", "/v1/models/black-forest-labs/flux-2-klein-9b/edit/runs"),
    ],
)
def test_each_model_dispatches_through_its_own_operation(
    client: KleinClient, fake: FakeRunflow, model: str, path: str
) -> None:
    model_input = (
        {**PROMPT, "image_urls": ["https://example.com/in.png"]} if "edit" in model.lower() else PROMPT
    )
    client.submit(model, model_input, metadata={"order": 7})
    (call,) = fake.calls("POST", "/v1/models/")
    assert call.path == path
    body = json.loads(call.body)
    assert body["input"]["prompt"] == PROMPT["prompt"]
    assert body["metadata"] == {"order": 7}


def test_input_the_generated_model_rejects_is_a_value_error_before_sending(
    client: KleinClient, fake: FakeRunflow
) -> None:
    with pytest.raises(ValueError, match="prompt"):
        client.submit("flux-2-klein-4b", {"seed": 1})
    with pytest.raises(ValueError, match="image_urls"):
        client.submit("flux-2-klein-9b/edit", PROMPT)
    with pytest.raises(ValueError, match="unknown klein model"):
        client.submit("flux-2-pro", PROMPT)
    assert fake.requests == []
