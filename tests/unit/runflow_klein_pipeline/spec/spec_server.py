"""A real HTTP server on 127.0.0.1 (port 0) whose routes misbehave the ways a docs host can.

Each route is a function of the request handler and a ``release`` event. Routes that hang wait on
that event, which the server sets when it stops, so no handler outlives its test and nothing
depends on sleeping.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import urlsplit

Route = Callable[[BaseHTTPRequestHandler, threading.Event], None]
# Upper bound for a hanging handler if a test forgets to stop the server; never reached normally.
HANG_LIMIT_S = 60.0
# How often serve_forever checks for shutdown; the default 0.5 s would dominate every test.
SHUTDOWN_POLL_S = 0.02


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[Mapping[str, Route]] = {}
    release: ClassVar[threading.Event]

    def do_GET(self) -> None:
        route = self.routes.get(urlsplit(self.path).path)
        if route is None:
            self.send_error(404)
        else:
            route(self, self.release)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence access logs: tests assert on what the fetch script writes to stderr."""


class _Server(ThreadingHTTPServer):
    # Join handler threads on close, so stopping the server really stops everything it started.
    daemon_threads = False
    block_on_close = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout, size cap) is expected here; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(routes: Mapping[str, Route]) -> Iterator[str]:
    """Serve ``routes`` on 127.0.0.1:<free port>; yield the base URL; stop everything on exit."""
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"routes": dict(routes), "release": release})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": SHUTDOWN_POLL_S},
        name="spec-server",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=HANG_LIMIT_S)
    assert not thread.is_alive(), "the test HTTP server did not stop"


def body(status: int, data: bytes, *, content_type: str = "application/json") -> Route:
    """Answer with ``status`` and ``data``, with an accurate Content-Length."""

    def route(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return route


def redirect(location: str) -> Route:
    def route(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def silent(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """Accept the request and never answer."""
    release.wait(HANG_LIMIT_S)


def stalled(*, sent: bytes, declared: int) -> Route:
    """Promise ``declared`` bytes, send ``sent`` (fewer), then hang."""

    def route(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(sent)
        handler.wfile.flush()
        release.wait(HANG_LIMIT_S)

    return route


def endless(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """Stream a body with no Content-Length that ends only when the client hangs up (or the server stops)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    chunk = b" " * 65536
    try:
        while not release.is_set():
            handler.wfile.write(chunk)
    except ConnectionError:
        return
