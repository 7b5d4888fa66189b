"""Run the emulator under uvicorn: blocking (``serve``) or in a background thread (``running``)."""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette

from runflow_klein_emulator.app import Emulator, create_app
from runflow_klein_emulator.faults import protocol_class
from runflow_klein_emulator.settings import EmulatorConfig

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0
_SIGNATURE = re.compile(r"(signature)=[^&\s]*")


class _EmulatorServer(uvicorn.Server):
    """uvicorn's server, plus a startup event and the release of injected hangs on shutdown."""

    def __init__(self, config: uvicorn.Config, emulator: Emulator) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self._emulator = emulator

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:  # also when binding fails (uvicorn then exits the thread)
            self.ready.set()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn waits for open requests before the lifespan ends, so hangs are released first.
        self._emulator.release_hangs()
        await super().shutdown(sockets)


class _RedactSignatures(logging.Filter):
    """Keep presigned-URL signatures out of the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, _SIGNATURE.sub(r"\1=[redacted]", str(path)), version, status)
        return True


def serve(config: EmulatorConfig, *, host: str = "127.0.0.1", port: int = 8787) -> None:
    """Serve until interrupted, logging each request (signatures redacted).

    On Ctrl-C uvicorn shuts down gracefully and then re-raises the signal, so this raises
    ``KeyboardInterrupt`` after a clean stop rather than returning.
    """
    app = create_app(config)
    server = _EmulatorServer(_uvicorn_config(app, host=host, port=port, log_level="info"), app.state.emulator)
    logging.getLogger("uvicorn.access").addFilter(_RedactSignatures())
    server.run()


@contextmanager
def running(config: EmulatorConfig, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve in a daemon thread for the ``with`` block; yield the base URL (port 0 picks one)."""
    app = create_app(config)
    server = _EmulatorServer(
        _uvicorn_config(app, host=host, port=port, log_config=None, access_log=False, log_level="warning"),
        app.state.emulator,
    )
    thread = threading.Thread(target=server.run, name="runflow-klein-emulator", daemon=True)
    thread.start()
    try:
        if not server.ready.wait(STARTUP_TIMEOUT) or not server.started:
            raise RuntimeError(f"the emulator did not start on {host}:{port}")
        bound_port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{f'[{host}]' if ':' in host else host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT)


def _uvicorn_config(app: Starlette, *, host: str, port: int, **options: Any) -> uvicorn.Config:
    emulator: Emulator = app.state.emulator
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_class(emulator.connections),
        ws="none",
        lifespan="on",
        timeout_graceful_shutdown=5,
        **options,
    )
