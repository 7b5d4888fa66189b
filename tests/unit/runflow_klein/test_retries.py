"""The retry policy: which failures are retried, for how long, and when Retry-After wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from runflow_klein import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    RateLimitError,
    RetryPolicy,
    RunflowError,
    ServerError,
)
from runflow_klein.responses import status_error
from runflow_klein.retries import is_retryable, may_have_been_processed, parse_retry_after

NOW = datetime(2026, 11, 21, 10, 0, 0, tzinfo=UTC)


def error_for(status: int, headers: dict[str, str] | None = None) -> APIStatusError:
    request = httpx.Request("GET", "https://api.runflow.io/v1/runs/x")
    return status_error(
        httpx.Response(status, headers=headers or {}, json={"code": "C", "message": "m"}, request=request)
    )


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"Retry-After": "3"}, 3.0, id="seconds"),
        pytest.param({"Retry-After": "1.5"}, 1.5, id="fractional-seconds"),
        pytest.param({"retry-after-ms": "250"}, 0.25, id="milliseconds"),
        pytest.param({"retry-after-ms": "1500", "Retry-After": "9"}, 1.5, id="ms-wins"),
        pytest.param(
            {"Retry-After": format_datetime(NOW + timedelta(seconds=30), usegmt=True)}, 30.0, id="http-date"
        ),
        pytest.param(
            {"Retry-After": format_datetime(NOW - timedelta(seconds=30), usegmt=True)}, 0.0, id="past-date"
        ),
        pytest.param({"Retry-After": "soon"}, None, id="garbage"),
        pytest.param({}, None, id="absent"),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, now=NOW.timestamp()) == expected


def test_backoff_doubles_from_half_a_second_and_caps_at_eight() -> None:
    policy = RetryPolicy(max_retries=10, jitter=lambda: 0.0)
    assert [policy.backoff(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_jitter_shortens_the_delay_by_at_most_a_quarter() -> None:
    assert RetryPolicy(jitter=lambda: 1.0).backoff(2) == pytest.approx(1.5)
    assert RetryPolicy(jitter=lambda: 0.5).backoff(2) == pytest.approx(1.75)


def test_retry_after_replaces_backoff() -> None:
    policy = RetryPolicy(jitter=lambda: 0.0)
    error = error_for(429, {"Retry-After": "7"})
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0
    assert policy.delay(error, 0) == 7.0


def test_http_date_retry_after_uses_the_injected_wall_clock() -> None:
    policy = RetryPolicy(now=NOW.timestamp)
    error = error_for(503, {"Retry-After": format_datetime(NOW + timedelta(seconds=12), usegmt=True)})
    assert isinstance(error, ServerError)
    assert policy.delay(error, 0) == 12.0


def test_retry_after_above_the_cap_gives_up_instead_of_waiting() -> None:
    policy = RetryPolicy(max_retry_after=60.0)
    assert policy.delay(error_for(429, {"Retry-After": "61"}), 0) is None
    assert policy.delay(error_for(429, {"Retry-After": "60"}), 0) == 60.0


def test_gives_up_after_max_retries() -> None:
    policy = RetryPolicy(max_retries=2, jitter=lambda: 0.0)
    error = error_for(502)
    assert isinstance(error, ServerError)
    assert [policy.delay(error, n) for n in range(3)] == [0.5, 1.0, None]


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 422, 418])
def test_client_errors_are_not_retried(status: int) -> None:
    assert RetryPolicy().delay(error_for(status), 0) is None


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 520])
def test_transient_statuses_are_retried(status: int) -> None:
    assert RetryPolicy(jitter=lambda: 0.0).delay(error_for(status), 0) == 0.5


def test_connection_errors_and_timeouts_are_retried() -> None:
    assert is_retryable(APIConnectionError("reset", request_sent=True))
    assert is_retryable(APITimeoutError("slow", request_sent=True))


@pytest.mark.parametrize(
    ("error", "ambiguous"),
    [
        pytest.param(APIConnectionError("refused", request_sent=False), False, id="never-sent"),
        pytest.param(APIConnectionError("dropped", request_sent=True), True, id="dropped-mid-request"),
        pytest.param(APITimeoutError("read timeout", request_sent=True), True, id="read-timeout"),
        pytest.param(error_for(429), False, id="429-means-not-created"),
        pytest.param(error_for(408), True, id="408"),
        pytest.param(error_for(502), True, id="502"),
        pytest.param(error_for(422), False, id="422-rejected"),
    ],
)
def test_which_failures_leave_a_dispatch_ambiguous(error: RunflowError, ambiguous: bool) -> None:
    assert may_have_been_processed(error) is ambiguous


def test_negative_max_retries_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
