"""Client configuration shared by the sync and async clients: arguments first, then the environment."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import httpx

from .constants import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_TRANSFER_TIMEOUT,
    USER_AGENT,
)
from .durations import RunDurations
from .errors import ConfigurationError
from .polling import PollSchedule
from .retries import RetryPolicy
from .transport import Timeout
from .workflows import Settings

__all__ = ["ClientConfig"]


@dataclass(frozen=True, kw_only=True)
class ClientConfig:
    """Resolved configuration. ``api_key`` is kept out of ``repr``."""

    api_key: str = field(repr=False)
    base_url: str
    timeout: Timeout
    settings: Settings

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | Timeout | None,
        max_retries: int | None,
        retry: RetryPolicy | None,
        poll: PollSchedule | None,
        clock: Callable[[], float],
        inline_image_bytes: int,
        durations: RunDurations | None = None,
    ) -> ClientConfig:
        """Apply the documented precedence: argument, then ``RUNFLOW_API_KEY``/``RUNFLOW_BASE_URL``,
        then the defaults in :mod:`runflow_klein.constants`; :class:`ConfigurationError` when no key is
        set or the base URL is not http(s)."""
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        if not key or not key.strip():
            raise ConfigurationError(f"no API key: set {API_KEY_ENV} (or pass api_key=...)")
        url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        try:
            scheme = httpx.URL(url).scheme
        except httpx.InvalidURL:
            scheme = ""
        if scheme not in {"http", "https"}:
            raise ConfigurationError(f"base URL must be an http(s) URL, got {url!r}")
        policy = retry or RetryPolicy()
        if max_retries is not None:
            policy = replace(policy, max_retries=max_retries)
        default_timeout = Timeout.coerce(timeout, Timeout())
        return cls(
            api_key=key.strip(),
            base_url=url,
            timeout=default_timeout,
            settings=Settings(
                retry=policy,
                poll=poll or PollSchedule(),
                clock=clock,
                inline_image_bytes=inline_image_bytes,
                api_timeout=default_timeout,
                # Learned per client (not per process): a fresh store unless the caller shares one.
                durations=durations if durations is not None else RunDurations(),
                transfer_timeout=Timeout(
                    total=max(DEFAULT_TRANSFER_TIMEOUT, default_timeout.total),
                    connect=default_timeout.connect,
                ),
            ),
        )

    def api_headers(self) -> dict[str, str]:
        """Headers of every API request (the storage client gets only the User-Agent)."""
        return {"Authorization": f"Bearer {self.api_key}", "User-Agent": USER_AGENT}
