"""When to retry and how long to wait: one small, injectable policy.

Why a policy object: the decision (retry or not, and the delay) is pure, so it is unit-tested on its own
and the clients only *execute* it with an injected ``sleep``. Nothing here sleeps.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from .constants import (
    DEFAULT_MAX_RETRIES,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    RETRYABLE_STATUSES,
)
from .errors import APIConnectionError, APIStatusError, RunflowError

__all__ = ["RetryPolicy", "parse_retry_after"]


def parse_retry_after(headers: Mapping[str, str], *, now: float) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms``, else ``Retry-After`` as seconds or as an
    HTTP-date (relative to the wall-clock ``now``). ``None`` when absent or unreadable."""
    lowered = {key.lower(): value for key, value in headers.items()}
    milliseconds = lowered.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(float(milliseconds) / 1000.0, 0.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(when.timestamp() - now, 0.0)


def is_retryable(error: RunflowError) -> bool:
    """Connection problems, timeouts, 408, 429 and every 5xx are worth another attempt."""
    if isinstance(error, APIConnectionError):
        return True
    if isinstance(error, APIStatusError):
        return error.status_code in RETRYABLE_STATUSES or error.status_code >= 500
    return False


def may_have_been_processed(error: RunflowError) -> bool:
    """Whether the server may have acted on the request although we got no success answer.

    A 429 means "not created"; a refused connection means the request never left. A timeout, a dropped
    connection, a 408 or a 5xx (often a proxy that lost the upstream answer) are ambiguous.
    """
    if isinstance(error, APIConnectionError):
        return error.request_sent
    if isinstance(error, APIStatusError):
        return error.status_code == 408 or error.status_code >= 500
    return False


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """Exponential backoff with jitter that honours the server's ``Retry-After`` up to a cap.

    ``jitter`` returns a number in [0, 1) and ``now`` is the wall clock used for HTTP-date
    ``Retry-After`` values; both are injectable so tests are deterministic.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    max_retry_after: float = MAX_RETRY_AFTER
    jitter: Callable[[], float] = field(default=random.random, repr=False)
    now: Callable[[], float] = field(default=time.time, repr=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0 (0 disables retries)")

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt + 1`` when the server gave no ``Retry-After``."""
        base = min(self.initial_delay * 2.0**attempt, self.max_delay)
        return base * (1.0 - 0.25 * self.jitter())

    def delay(self, error: RunflowError, attempt: int) -> float | None:
        """Seconds to wait before retrying after ``error`` on attempt ``attempt`` (0-based), or ``None``
        to give up: not retryable, out of attempts, or the server asked for more than ``max_retry_after``."""
        if attempt >= self.max_retries or not is_retryable(error):
            return None
        if isinstance(error, APIStatusError) and error.response is not None:
            requested = parse_retry_after(error.response.headers, now=self.now())
            if requested is not None:
                return requested if requested <= self.max_retry_after else None
        return self.backoff(attempt)
