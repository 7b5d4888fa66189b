"""Run the emulator under uvicorn: blocking (``serve``) or in a background thread (``running``).

Both go through the runtime's one thread launcher, ``runflow_klein.serving.serve_in_thread``, with what
the emulator adds: the connection-registering protocol its drop faults need, and the release of
injected hangs when the server stops (otherwise shutdown would wait for them).
"""

from __future__ import annotations

import logging
import logging.config
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager

from starlette.applications import Starlette
from uvicorn.config import LOGGING_CONFIG, STARTUP_FAILURE

from runflow_klein.serving import DEFAULT_KEEP_ALIVE_SECONDS, serve_in_thread
from runflow_klein_emulator.app import Emulator, create_app
from runflow_klein_emulator.faults import protocol_class
from runflow_klein_emulator.settings import EmulatorConfig

_SIGNATURE = re.compile(r"(signature)=[^&\s]*")


class _RedactSignatures(logging.Filter):
    """Keep presigned-URL signatures out of the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, _SIGNATURE.sub(r"\1=[redacted]", str(path)), version, status)
        return True


def serve(config: EmulatorConfig, *, host: str = "127.0.0.1", port: int = 8787) -> None:
    """Serve until interrupted, logging each request (signatures redacted).

    The server runs on its own thread while this one waits. Ctrl-C (and SIGTERM, which stops the server
    the same way while it runs) raises ``KeyboardInterrupt`` into the wait; leaving the launcher's block
    shuts the server down gracefully, and the ``KeyboardInterrupt`` then propagates: this never returns.
    An address that cannot be bound (a port in use) is logged and exits with uvicorn's startup-failure
    status, as uvicorn does when it binds itself, rather than ending in a traceback.
    """
    logging.config.dictConfig(LOGGING_CONFIG)
    logging.getLogger("uvicorn.access").addFilter(_RedactSignatures())
    log = logging.getLogger("uvicorn.error")
    app = create_app(config)
    with ExitStack() as stack:
        stack.enter_context(_sigterm_interrupts())
        try:
            url = stack.enter_context(
                _serving(
                    app,
                    host=host,
                    port=port,
                    keep_alive_seconds=DEFAULT_KEEP_ALIVE_SECONDS,
                    log_level="info",
                    access_log=True,
                )
            )
        except OSError as exc:
            log.error(exc)
            sys.exit(STARTUP_FAILURE)
        log.info("Uvicorn running on %s (Press CTRL+C to quit)", url)
        threading.Event().wait()


@contextmanager
def running(
    config: EmulatorConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    keep_alive_seconds: int = DEFAULT_KEEP_ALIVE_SECONDS,
) -> Iterator[str]:
    """Serve in a daemon thread for the ``with`` block; yield the base URL (port 0 picks one).

    ``keep_alive_seconds``: how long the server keeps an idle connection (the benchmark keeps them for
    minutes, so its client pools never measure reconnecting).
    """
    app = create_app(config)
    with _serving(
        app,
        host=host,
        port=port,
        keep_alive_seconds=keep_alive_seconds,
        log_level="warning",
        access_log=False,
    ) as url:
        yield url


def _serving(
    app: Starlette,
    *,
    host: str,
    port: int,
    keep_alive_seconds: int,
    log_level: str,
    access_log: bool,
) -> AbstractContextManager[str]:
    emulator: Emulator = app.state.emulator
    return serve_in_thread(
        app,
        host=host,
        port=port,
        http=protocol_class(emulator.connections),
        keep_alive_seconds=keep_alive_seconds,
        before_shutdown=emulator.release_hangs,
        log_level=log_level,
        access_log=access_log,
    )


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM into ``KeyboardInterrupt`` for the block, so ``kill`` stops the server gracefully.

    uvicorn installs such handlers itself only when it runs on the main thread, and here it does not.
    Signal handlers can only be set from the main thread; elsewhere the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
