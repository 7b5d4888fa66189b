"""Helpers for the emulator tests: spec conformance, waiting on conditions, a callback receiver, and
reading a child process's output."""

from __future__ import annotations

import json
import queue
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any, TypeVar

import httpx
import schemathesis
from runflow_klein_emulator.spec import load_spec
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

T = TypeVar("T")
API_KEY = "rf_live_emulator_test"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
KLEIN_4B = "/v1/models/black-forest-labs/flux-2-klein-4b/runs"
KLEIN_ROUTES = {
    "create_flux_2_klein_4b_run": (KLEIN_4B, {"prompt": "a red fox"}),
    "create_flux_2_klein_9b_run": (
        "/v1/models/black-forest-labs/flux-2-klein-9b/runs",
        {"prompt": "a red fox"},
    ),
    "create_flux_2_klein_4b_edit_run": (
        "/v1/models/black-forest-labs/flux-2-klein-4b/edit/runs",
        {"prompt": "make it blue", "image_urls": ["https://example.com/in.png"]},
    ),
    "create_flux_2_klein_9b_edit_run": (
        "/v1/models/black-forest-labs/flux-2-klein-9b/edit/runs",
        {"prompt": "make it blue", "image_urls": ["https://example.com/in.png"]},
    ),
}
TERMINAL = ("succeeded", "failed")


def remote_references(node: Any) -> list[str]:
    """Every ``$ref`` in a document that points outside it."""
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) and not node["$ref"].startswith("#") else []
        return own + [ref for value in node.values() for ref in remote_references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in remote_references(value)]
    return []


def contract_spec() -> dict[str, Any]:
    """The composed spec, refused if schemathesis or Prism would go online to resolve it.

    Both tools resolve every ``$ref`` in the document, annotations included (an earlier
    composition kept documentation URLs under ``$ref`` keys in ``x-source``, and Prism exited
    trying to download them); this machine must not send traffic anywhere but loopback.
    """
    spec = load_spec()
    remote = remote_references(spec)
    if remote:
        raise RuntimeError(f"the composed spec references {remote[0]!r}; the contract tools would fetch it")
    return spec


SCHEMA = schemathesis.openapi.from_dict(contract_spec())
_CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def assert_conforms(response: httpx.Response) -> None:
    """Fail unless a response to a documented operation matches the composed spec."""
    response.read()
    path = response.request.url.path
    operation = SCHEMA.find_operation_by_path(response.request.method, path)
    if operation is None:  # undocumented path or method: the tests assert those themselves
        return
    params = {
        name[1:-1]: value
        for name, value in zip(operation.path.split("/"), path.split("/"), strict=True)
        if name.startswith("{")
    }
    try:
        operation.Case(path_parameters=params).validate_response(response, checks=_CHECKS)
    except FailureGroup as exc:  # schemathesis groups failures; pytest reads AssertionError best
        raise AssertionError(f"{operation.label} breaks the spec:\n{exc}") from None


# Building an SSL context costs ~50 ms; the clients only talk plain HTTP, so share one.
_TLS = ssl.create_default_context()


def api_client(base_url: str, *, headers: dict[str, str] | None = None, checked: bool = True) -> httpx.Client:
    """A client for the emulator; ``checked`` validates every response against the spec."""
    return httpx.Client(
        base_url=base_url,
        headers=AUTH if headers is None else headers,
        event_hooks={"response": [assert_conforms] if checked else []},
        timeout=10,
        verify=_TLS,
    )


def wait_until(condition: Callable[[], T | None], *, timeout: float = 5.0, what: str = "condition") -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        threading.Event().wait(0.01)


def wait_for_run(client: httpx.Client, run_id: str, *, timeout: float = 5.0) -> dict[str, Any]:
    def terminal() -> dict[str, Any] | None:
        run: dict[str, Any] = client.get(f"/v1/runs/{run_id}").json()
        return run if run["status_code"] in TERMINAL else None

    return wait_until(terminal, timeout=timeout, what=f"run {run_id} to finish")


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class CallbackReceiver:
    """A loopback HTTP server that records POSTs and answers ``statuses`` in turn, then 200."""

    def __init__(self, *, statuses: tuple[int, ...] = ()) -> None:
        self.received: queue.Queue[Received] = queue.Queue()
        pending = list(statuses)
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.put(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(pending.pop(0) if pending else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks/runflow"

    def next(self, *, timeout: float = 5.0) -> Received:
        try:
            return self.received.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no callback arrived within {timeout} s") from None

    @contextmanager
    def serving(self) -> Iterator[CallbackReceiver]:
        thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(5)


class OutputWatcher:
    """Reads a child process's text output on a thread, keeping it and waiting for lines in it.

    On a thread, so a child that logs every request never blocks on a full pipe, and a wait can time
    out instead of hanging on ``readline``.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._lines: list[str] = []
        self._arrivals: queue.Queue[str | None] = queue.Queue()  # None: the output ended
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.append(line)
            self._arrivals.put(line)
        self._arrivals.put(None)

    def wait_for(self, pattern: str, *, timeout: float) -> re.Match[str]:
        """The match of the first line (from here on) that matches ``pattern``; fail after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._arrivals.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                problem = f"no line matched {pattern!r} within {timeout} s"
                break
            if line is None:
                problem = f"the output ended before a line matched {pattern!r}"
                break
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"{problem}:\n{self.text()}")

    def text(self, *, complete: bool = False) -> str:
        """The output so far; ``complete``: wait until it ends (the child has exited)."""
        if complete:
            self._reader.join(10)
        return "".join(self._lines)
