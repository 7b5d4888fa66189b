"""How the emulator is served: ``serve`` from the command line, and the thread launcher under it."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from starlette.applications import Starlette

from runflow_klein.serving import serve_in_thread

from .support import OutputWatcher, api_client

SIGNATURE = "sig_must_not_be_logged_0123"
SERVE = "import runflow_klein_emulator as e; e.serve(e.EmulatorConfig(run_seconds=0), port={port})"


def test_serve_logs_requests_without_signatures_and_stops_gracefully_on_sigterm() -> None:
    """``serve`` waits on the main thread while the server runs on another, so SIGTERM must reach the
    server through the main thread: the log then ends with uvicorn's own "Finished server process"."""
    command = [sys.executable, "-c", SERVE.format(port=0)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert child.stdout is not None
    output = OutputWatcher(child.stdout)
    try:
        url = output.wait_for(r"Uvicorn running on (http://\S+)", timeout=30).group(1)
        with api_client(url, checked=False) as api:
            assert api.get("/v1/health").status_code == 200
            api.get("/__emulator/files/run/0.png", params={"signature": SIGNATURE})
        output.wait_for(r"GET /__emulator/files/run/0\.png", timeout=10)
        child.send_signal(signal.SIGTERM)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    log = output.text(complete=True)
    assert "signature=[redacted]" in log
    assert SIGNATURE not in log
    assert "Finished server process" in log
    assert "KeyboardInterrupt" in log  # raised after the clean stop, as documented


def test_serve_on_a_port_in_use_exits_with_uvicorns_startup_failure_status() -> None:
    """Not a traceback: the CLI turns this exit status into its own (``runflow-klein emulate``)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        command = [sys.executable, "-c", SERVE.format(port=taken.getsockname()[1])]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 3
    assert "Address already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_launcher_raises_when_the_app_cannot_start() -> None:
    """Rather than leave the caller connecting to a socket that nothing will ever accept from."""

    @asynccontextmanager
    async def failing_startup(app: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("startup failed")
        yield

    with (
        pytest.raises(RuntimeError, match="did not start"),
        serve_in_thread(Starlette(lifespan=failing_startup)),
    ):
        pytest.fail("the block ran although the server never started")
