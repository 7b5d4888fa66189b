"""Where the key and base URL come from, and what every API request carries."""

from __future__ import annotations

import httpx
import pytest

from runflow_klein import ConfigurationError, KleinClient, ServerError
from runflow_klein.constants import USER_AGENT

from .conftest import FakeTime

RUN = {"id": "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b", "status_code": "queued"}


def first_request(*, api_key: str | None = None, base_url: str | None = None) -> httpx.Request:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=RUN)

    transport = httpx.MockTransport(handler)
    with KleinClient(api_key=api_key, base_url=base_url, transport=transport) as client:
        client.get_run(RUN["id"])
    return sent[0]


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", "rf_live_from_env")
    monkeypatch.setenv("RUNFLOW_BASE_URL", "https://staging.runflow.test/")
    request = first_request()
    assert request.headers["authorization"] == "Bearer rf_live_from_env"
    assert str(request.url) == f"https://staging.runflow.test/v1/runs/{RUN['id']}"
    assert request.headers["user-agent"] == USER_AGENT


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", "rf_live_from_env")
    monkeypatch.setenv("RUNFLOW_BASE_URL", "https://staging.runflow.test")
    request = first_request(api_key="rf_live_argument", base_url="https://other.runflow.test")
    assert request.headers["authorization"] == "Bearer rf_live_argument"
    assert request.url.host == "other.runflow.test"


def test_the_default_base_url_is_production() -> None:
    assert first_request(api_key="rf_live_x").url.host == "api.runflow.io"


@pytest.mark.parametrize("key", [None, "", "   "])
def test_a_missing_key_is_reported_by_name(key: str | None) -> None:
    with pytest.raises(ConfigurationError, match="RUNFLOW_API_KEY"):
        KleinClient(api_key=key)


@pytest.mark.parametrize("url", ["ftp://api.runflow.io", "api.runflow.io", "http://[::1"])
def test_a_base_url_that_is_not_http_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError, match="http") as caught:
        KleinClient(api_key="rf_live_x", base_url=url)
    assert isinstance(caught.value, ValueError)  # what this check raised before: callers keep working


def test_max_retries_shortcut(fake_time: FakeTime) -> None:
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        return httpx.Response(503, json={"code": "UNAVAILABLE", "message": "x"})

    with (
        KleinClient(
            api_key="rf_live_x", transport=httpx.MockTransport(handler), max_retries=1, sleep=fake_time.sleep
        ) as client,
        pytest.raises(ServerError),
    ):
        client.get_run(RUN["id"])
    assert len(attempts) == 2
    assert len(fake_time.sleeps) == 1
