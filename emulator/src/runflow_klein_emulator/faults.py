"""Fault injection: a queue of pending faults and the ASGI middleware that applies them.

Dropping a connection is not something ASGI can express, so the emulator's uvicorn protocol
(``protocol_class``) records each connection's transport by peer address and the middleware
aborts it. Under an in-process ASGI transport there is no socket; a drop then surfaces as a
``ConnectionAbortedError`` raised into the caller, which is what such transports do with app
errors.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from runflow_klein_emulator.settings import Fault

_ERROR_CODES = {
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


@dataclass
class _Pending:
    fault: Fault
    remaining: int


class FaultQueue:
    """Pending faults in arrival order; each matching request consumes one use of the first."""

    def __init__(self, faults: tuple[Fault, ...] = ()) -> None:
        self._pending = [_Pending(fault, fault.count) for fault in faults]

    def add(self, fault: Fault) -> None:
        self._pending.append(_Pending(fault, fault.count))

    def clear(self) -> None:
        self._pending.clear()

    def take(self, operation: str, *, documented: bool) -> Fault | None:
        """Consume one use of the first fault aimed at ``operation`` (``*``: documented ones)."""
        for pending in self._pending:
            if pending.fault.operation == operation or (pending.fault.operation == "*" and documented):
                pending.remaining -= 1
                if pending.remaining == 0:
                    self._pending.remove(pending)
                return pending.fault
        return None

    def to_json(self) -> list[dict[str, Any]]:
        return [{**pending.fault.to_json(), "remaining": pending.remaining} for pending in self._pending]


class ConnectionRegistry:
    """Transports of open connections by peer address, so a fault can cut one off."""

    def __init__(self) -> None:
        self._transports: dict[tuple[str, int], asyncio.BaseTransport] = {}

    def add(self, peer: tuple[str, int] | None, transport: asyncio.BaseTransport) -> None:
        if peer is not None:
            self._transports[peer] = transport

    def remove(self, peer: tuple[str, int] | None) -> None:
        if peer is not None:
            self._transports.pop(peer, None)

    def abort(self, scope: Scope) -> bool:
        client = scope.get("client")
        transport = self._transports.get((client[0], client[1])) if client else None
        if transport is None or not isinstance(transport, asyncio.WriteTransport):
            return False
        transport.abort()
        return True


def protocol_class(registry: ConnectionRegistry) -> type[H11Protocol]:
    """uvicorn's h11 protocol, additionally registering each connection in ``registry``."""

    class RegisteringH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            registry.add(self.client, transport)

        def connection_lost(self, exc: Exception | None) -> None:
            registry.remove(self.client)
            super().connection_lost(exc)

    return RegisteringH11Protocol


@dataclass
class FaultControls:
    """What the middleware needs from the emulator."""

    queue: FaultQueue
    connections: ConnectionRegistry
    released: asyncio.Event
    """Set when the server stops, so hanging requests end and shutdown is not held up."""
    resolve: Callable[[Scope], tuple[str, bool] | None]
    """Map a request to (operation name, documented?), or None for routes never faulted."""


class FaultMiddleware:
    def __init__(self, app: ASGIApp, *, controls: FaultControls) -> None:
        self.app = app
        self.controls = controls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self.controls.resolve(scope) if scope["type"] == "http" else None
        fault = self.controls.queue.take(target[0], documented=target[1]) if target else None
        if fault is None:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = b""
        if fault.process or fault.kind == "truncated_json":
            start, body = await _captured(self.app, scope, receive)
        if fault.kind == "hang":
            if not await self._hang(receive, fault.hang_seconds):
                await self._drop(scope, receive)
        elif fault.kind == "drop":
            await self._drop(scope, receive)
        elif fault.kind == "truncated_json" and start is not None:
            await _send(send, start["status"], _without_length(start["headers"]), _truncate(body))
        else:
            status, headers, payload = _fault_response(fault)
            await _send(send, status, headers, payload)

    async def _hang(self, receive: Receive, seconds: float) -> bool:
        """Wait for the client to leave, the server to stop or ``seconds``; True if the client left."""
        left = asyncio.ensure_future(_until_disconnect(receive))
        released = asyncio.ensure_future(self.controls.released.wait())
        try:
            await asyncio.wait({left, released}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            left.cancel()
            released.cancel()
        return left.done() and not left.cancelled()

    async def _drop(self, scope: Scope, receive: Receive) -> None:
        if not self.controls.connections.abort(scope):
            raise ConnectionAbortedError("connection dropped by an injected emulator fault")
        # Let uvicorn see the disconnect before returning, so it neither logs nor answers.
        await _until_disconnect(receive)


def _fault_response(fault: Fault) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    if fault.kind == "rate_limit":
        body = {
            "code": "RATE_LIMITED",
            "message": "Rate limit exceeded: injected by the emulator",
            "errors": None,
        }
        return (
            429,
            [(b"retry-after", str(fault.retry_after).encode()), *_json_type()],
            json.dumps(body).encode(),
        )
    if fault.kind == "html":
        status = fault.status or 502
        title = f"{status} {_phrase(status)}"
        page = f"<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center><hr>"
        page += "<center>nginx</center></body></html>"
        return status, [(b"content-type", b"text/html; charset=utf-8")], page.encode()
    status = fault.status or 503
    code = _ERROR_CODES.get(status, "UNKNOWN_ERROR")
    body = {"code": code, "message": f"{_phrase(status)} (injected by the emulator)", "errors": None}
    return status, _json_type(), json.dumps(body).encode()


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Error"


def _json_type() -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"application/json")]


def _truncate(body: bytes) -> bytes:
    """Cut a JSON document short: any proper prefix of an object or array fails to parse."""
    return body[: len(body) // 2] if len(body) > 1 else b"{"


def _without_length(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, value in headers if name.lower() != b"content-length"]


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": status, "headers": [*headers, length]})
    await send({"type": "http.response.body", "body": body})


async def _captured(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[Message | None, bytes]:
    """Run the request for its side effects and keep the response instead of sending it."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    return start, b"".join(chunks)


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
