"""Serve an ASGI app with uvicorn on a background thread, for the callback receiver (and test doubles).

Why bind the socket ourselves: the port (0 = any free one) is known before uvicorn starts, and the kernel
queues connections on the already-listening socket until uvicorn accepts them, so callers never have to
wait for "server started".
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

__all__ = ["serve_in_thread"]

_SHUTDOWN_JOIN_SECONDS = 10.0


@contextmanager
def serve_in_thread(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run ``app`` on ``host:port`` while the block runs; yields the base URL (``http://host:port``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted sockets that say so, and
    # without it every keep-alive response stalls ~40 ms on Nagle + delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        bound_port = sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            lifespan="off",
            access_log=False,
            log_config=None,
            log_level="critical",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{bound_port}", daemon=True
        )
        thread.start()
        try:
            shown_host = f"[{host}]" if family == socket.AF_INET6 else host
            yield f"http://{shown_host}:{bound_port}"
        finally:
            server.should_exit = True
            thread.join(_SHUTDOWN_JOIN_SECONDS)
    finally:
        sock.close()
