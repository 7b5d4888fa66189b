"""httpx transports that give each generated-client call its own timeout and hand back the raw response.

Why a transport: the generated operations call ``httpx_client.request(**kwargs)`` with no way to pass a
timeout, and they may crash while parsing (``HTTPStatus(520)``, HTML bodies, unknown enum values) after
the response arrived. A call scope (a ``ContextVar``, so it is per thread and per asyncio task) carries the
per-call timeout *into* the transport and the raw response *out of* it, without touching generated code.

``Timeout.total`` is a real overall deadline: every phase (connect, write, waiting for headers, each body
chunk) is bounded by the time left, so a server that drips bytes cannot stretch a call forever.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

import httpx

from .constants import DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT

__all__ = [
    "AsyncScopedTransport",
    "CallScope",
    "ScopedTransport",
    "Timeout",
    "call_scope",
    "default_async_transport",
    "default_transport",
]


@dataclass(frozen=True, kw_only=True)
class Timeout:
    """``total``: seconds for a whole request/response exchange; ``connect``: seconds to open a connection."""

    total: float = DEFAULT_TIMEOUT
    connect: float = DEFAULT_CONNECT_TIMEOUT

    def __post_init__(self) -> None:
        if self.total <= 0 or self.connect <= 0:
            raise ValueError("timeouts must be positive numbers of seconds")

    @classmethod
    def coerce(cls, value: float | Timeout | None, default: Timeout) -> Timeout:
        """A per-call ``timeout=`` argument: ``None`` keeps the default, a number replaces ``total``."""
        if value is None:
            return default
        if isinstance(value, Timeout):
            return value
        return cls(total=float(value), connect=min(default.connect, float(value)))


@dataclass(kw_only=True)
class CallScope:
    """State of one HTTP attempt: its deadline (monotonic clock) and, once it arrived, the raw response."""

    timeout: Timeout
    deadline: float
    response: httpx.Response | None = None


_SCOPE: ContextVar[CallScope | None] = ContextVar("runflow_klein_call_scope", default=None)


@contextmanager
def call_scope(timeout: Timeout) -> Iterator[CallScope]:
    """Make ``timeout`` apply to the HTTP request sent inside the block and capture its response."""
    scope = CallScope(timeout=timeout, deadline=time.monotonic() + timeout.total)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def _remaining(scope: CallScope, request: httpx.Request) -> float:
    remaining = scope.deadline - time.monotonic()
    if remaining <= 0:
        raise httpx.ReadTimeout(f"overall timeout of {scope.timeout.total:g} s exceeded", request=request)
    return remaining


def _bound_request(scope: CallScope, request: httpx.Request) -> None:
    remaining = _remaining(scope, request)
    request.extensions["timeout"] = {
        "connect": min(scope.timeout.connect, remaining),
        "read": remaining,
        "write": remaining,
        "pool": remaining,
    }


@cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes ~0.2 s; one context serves every client of the process.
    return httpx.create_ssl_context()


def default_transport() -> httpx.HTTPTransport:
    """httpx's transport with the process-wide SSL context."""
    return httpx.HTTPTransport(verify=_ssl_context())


def default_async_transport() -> httpx.AsyncHTTPTransport:
    """httpx's async transport with the process-wide SSL context."""
    return httpx.AsyncHTTPTransport(verify=_ssl_context())


class _DeadlineStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, scope: CallScope, request: httpx.Request) -> None:
        self._inner = inner
        self._scope = scope
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            _remaining(self._scope, self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncDeadlineStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, scope: CallScope, request: httpx.Request) -> None:
        self._inner = inner
        self._scope = scope
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            _remaining(self._scope, self._request)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class ScopedTransport(httpx.BaseTransport):
    """Wraps a real transport; applies the active call scope (if any) to each request."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        scope = _SCOPE.get()
        if scope is None:
            return self._inner.handle_request(request)
        _bound_request(scope, request)
        response = self._inner.handle_request(request)
        if isinstance(response.stream, httpx.SyncByteStream):
            response.stream = _DeadlineStream(response.stream, scope, request)
        scope.response = response
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncScopedTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of :class:`ScopedTransport`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        scope = _SCOPE.get()
        if scope is None:
            return await self._inner.handle_async_request(request)
        _bound_request(scope, request)
        response = await self._inner.handle_async_request(request)
        if isinstance(response.stream, httpx.AsyncByteStream):
            response.stream = _AsyncDeadlineStream(response.stream, scope, request)
        scope.response = response
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
