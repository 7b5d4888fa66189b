"""Timeouts exist by default, can be overridden per client and per call, and bound the whole exchange."""

from __future__ import annotations

import httpx
import pytest
from runflow_klein_emulator.scripted_api import API_KEY, FakeRunflow, Fault

from runflow_klein import APIConnectionError, APITimeoutError, KleinClient, RetryPolicy, Timeout
from runflow_klein.constants import DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT

from .conftest import FakeTime

RUN_ID = "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b"


def seen_timeouts(
    *, timeout: float | None = None, call_timeout: float | Timeout | None = None
) -> list[dict[str, float]]:
    """The timeout extension of each request the client sent (what httpcore enforces)."""
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return httpx.Response(200, json={"id": RUN_ID, "status_code": "queued"})

    transport = httpx.MockTransport(handler)
    with KleinClient(
        api_key=API_KEY, base_url="https://api.runflow.test", transport=transport, timeout=timeout
    ) as client:
        client.get_run(RUN_ID, timeout=call_timeout)
    return seen


def test_every_request_has_a_finite_default_timeout() -> None:
    # The generated client alone sends timeout=None (wait forever).
    (timeouts,) = seen_timeouts()
    assert timeouts["connect"] == DEFAULT_CONNECT_TIMEOUT
    for phase in ("read", "write", "pool"):
        assert 0 < timeouts[phase] <= DEFAULT_TIMEOUT


def test_client_timeout_overrides_the_default() -> None:
    (timeouts,) = seen_timeouts(timeout=12)
    assert 11 < timeouts["read"] <= 12
    assert timeouts["connect"] == DEFAULT_CONNECT_TIMEOUT


def test_call_timeout_overrides_the_client_timeout() -> None:
    (timeouts,) = seen_timeouts(timeout=12, call_timeout=Timeout(total=3, connect=1))
    assert 2 < timeouts["read"] <= 3
    assert timeouts["connect"] == 1


def test_a_number_per_call_also_caps_the_connect_timeout() -> None:
    (timeouts,) = seen_timeouts(call_timeout=2)
    assert timeouts["connect"] <= 2
    assert timeouts["read"] <= 2


def test_a_hanging_server_raises_api_timeout_error(fake: FakeRunflow) -> None:
    fake.inject("get_run", Fault.hang(created=False))
    with (
        KleinClient(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.get_run(RUN_ID, timeout=0.3)
    assert caught.value.request_sent is True


def test_the_overall_timeout_bounds_a_server_that_keeps_dripping_bytes(fake: FakeRunflow) -> None:
    # Each chunk arrives well within any read timeout; only an overall deadline stops this.
    fake.inject("get_run", Fault.drip())
    with (
        KleinClient(api_key=API_KEY, base_url=fake.base_url, max_retries=0) as client,
        pytest.raises(APITimeoutError, match="overall timeout"),
    ):
        client.get_run(RUN_ID, timeout=0.4)


def test_a_refused_connection_is_retried_and_reported_as_never_sent(
    fake_time: FakeTime, refused_base_url: str
) -> None:
    with (
        KleinClient(
            api_key=API_KEY,
            base_url=refused_base_url,
            retry=RetryPolicy(max_retries=2, jitter=lambda: 0.0),
            sleep=fake_time.sleep,
        ) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.get_run(RUN_ID)
    assert not isinstance(caught.value, APITimeoutError)
    assert caught.value.request_sent is False
    assert fake_time.sleeps == [0.5, 1.0]
