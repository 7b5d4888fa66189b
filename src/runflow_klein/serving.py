"""Serve an ASGI app with uvicorn on a background thread: the one launcher behind the callback receiver,
the emulator (``runflow_klein_emulator.running`` and ``serve``), its scripted stand-in and the benchmark.

Why bind the socket ourselves: the port (0 = any free one) is known before uvicorn starts, and it stays
bound from the moment it is chosen, so no other process can take it between "picked" and "listening".
Why wait for uvicorn's startup anyway: an app whose startup fails (a lifespan error) then raises here,
instead of leaving callers connecting to a socket nobody will ever accept from.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["DEFAULT_KEEP_ALIVE_SECONDS", "serve_in_thread"]

DEFAULT_KEEP_ALIVE_SECONDS = 5  # uvicorn's own
_STARTUP_SECONDS = 10.0
# Open requests get this long to finish once the server stops; the join below must outlast it.
_GRACEFUL_SHUTDOWN_SECONDS = 5
_SHUTDOWN_JOIN_SECONDS = 10.0
# uvicorn's own default; the benchmark opens dozens of connections at once.
_BACKLOG = 2048


class _Server(uvicorn.Server):
    """uvicorn's server, plus a readiness event and a hook run on the server's loop as shutdown begins."""

    def __init__(self, config: uvicorn.Config, before_shutdown: Callable[[], None] | None) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self._before_shutdown = before_shutdown

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn ends a failed startup with sys.exit; on this thread that only means "not started",
        # which serve_in_thread reports to its caller, and the wait for readiness must end either way.
        try:
            with suppress(SystemExit):
                super().run(sockets)
        finally:
            self.ready.set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn waits for open requests before the lifespan ends, so whatever holds them is let go first.
        if self._before_shutdown is not None:
            self._before_shutdown()
        await super().shutdown(sockets)


@contextmanager
def serve_in_thread(
    app: ASGIApp,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    http: type[H11Protocol] = H11Protocol,
    keep_alive_seconds: int = DEFAULT_KEEP_ALIVE_SECONDS,
    before_shutdown: Callable[[], None] | None = None,
    log_level: str = "critical",
    access_log: bool = False,
) -> Iterator[str]:
    """Run ``app`` on ``host:port`` while the block runs; yields the base URL (``http://host:port``).

    The block starts once uvicorn accepts connections (``RuntimeError`` if it never does), and leaving it
    stops the server gracefully. ``http``: the h11 protocol class (a subclass can track connections, as the
    emulator's fault injection does). ``keep_alive_seconds``: how long an idle connection stays open.
    ``before_shutdown``: called on the server's event loop when stopping begins, to release requests that
    would otherwise hold up the graceful shutdown. ``log_level`` applies to uvicorn's loggers, which are
    process-wide: the default keeps a library's server quiet. The lifespan protocol runs, so an app that
    holds resources (the emulator's callback client) closes them when the server stops.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted sockets that say so, and
    # without it every keep-alive response stalls ~40 ms on Nagle + delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(_BACKLOG)
        bound_port = sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            http=http,
            ws="none",
            lifespan="on",
            timeout_keep_alive=keep_alive_seconds,
            timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_SECONDS,
            log_config=None,
            log_level=log_level,
            access_log=access_log,
        )
        server = _Server(config, before_shutdown)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{bound_port}", daemon=True
        )
        shown_host = f"[{host}]" if family == socket.AF_INET6 else host
        url = f"http://{shown_host}:{bound_port}"
        thread.start()
        try:
            if not server.ready.wait(_STARTUP_SECONDS) or not server.started:
                raise RuntimeError(f"the server for {url} did not start")
            yield url
        finally:
            server.should_exit = True
            thread.join(_SHUTDOWN_JOIN_SECONDS)
    finally:
        sock.close()
