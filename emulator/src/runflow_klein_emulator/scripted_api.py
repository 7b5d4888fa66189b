"""A small, scriptable, fault-injecting stand-in for the Runflow API, served by uvicorn on 127.0.0.1:0.

Tests script it instead of timing it: each ``GET /v1/runs/{id}`` advances the run one step through its
status script, and faults are queued per route (``inject("dispatch", Fault.drop(created=True))``). It
records every request so tests can count GETs and dispatches and check which headers were sent.

Dropping a connection cannot be expressed in ASGI, so the server's h11 protocol registers each
connection's transport by peer address and a ``drop`` fault aborts it (the emulator does the same).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import re
import socket
import threading
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from PIL import Image
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from runflow_klein.transport import default_async_transport

API_KEY = "rf_live_SECRETKEY_0123456789"
STORAGE_SIGNATURE = "SIGNEDTOKEN_abcdef123456"


def png_bytes(size: tuple[int, int] = (2, 2)) -> bytes:
    """A real (tiny) PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour. ``created``: for dispatches, whether the run exists before the fault."""

    kind: str  # "status" | "drop" | "hang" | "drip"
    status: int = 502
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    created: bool = True

    @classmethod
    def status_code(
        cls,
        status: int,
        body: bytes | str | dict[str, Any] = b"",
        *,
        headers: Sequence[tuple[str, str]] = (),
        created: bool = False,
    ) -> Fault:
        if isinstance(body, dict):
            content = json.dumps(body).encode()
            headers = (("content-type", "application/json"), *headers)
        elif isinstance(body, str):
            content = body.encode()
            headers = (("content-type", "text/html; charset=utf-8"), *headers)
        else:
            content = body
        return cls("status", status, content, tuple(headers), created)

    @classmethod
    def drop(cls, *, created: bool) -> Fault:
        return cls("drop", created=created)

    @classmethod
    def hang(cls, *, created: bool) -> Fault:
        return cls("hang", created=created)

    @classmethod
    def drip(cls) -> Fault:
        return cls("drip", status=200)


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeRun:
    id: str
    client_ref: str | None
    input: dict[str, Any]
    callback_url: str | None
    script: deque[str]
    status: str = "queued"
    extra: dict[str, Any] = field(default_factory=dict)


class FakeRunflow:
    """State and ASGI app of the fake API. Call :meth:`reset` between tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.base_url = ""
        self.transports: dict[tuple[str, int], asyncio.Transport] = {}
        self.reset()
        self.app = Starlette(
            routes=[
                Route("/v1/models/{model:path}/runs", self._dispatch, methods=["POST"]),
                Route("/v1/runs/{run_id}", self._get_run, methods=["GET"]),
                Route("/v1/runs", self._search, methods=["GET"]),
                Route("/v1/asset-uploads", self._create_upload, methods=["POST"]),
                Route("/v1/asset-uploads/{upload_id}/confirmations", self._confirm_upload, methods=["POST"]),
                Route("/storage/{upload_id}", self._storage_put, methods=["PUT"]),
                Route("/files/{name}", self._file, methods=["GET"]),
            ]
        )

    # ---- scripting ----

    def reset(self) -> None:
        with self._lock:
            self.runs: dict[str, FakeRun] = {}
            self.faults: dict[str, deque[Fault]] = defaultdict(deque)
            self.requests: list[Recorded] = []
            self.script: tuple[str, ...] = ("queued", "running", "succeeded")
            self.run_extra: dict[str, Any] = {}
            self.output_type = "image"
            self.callback_secret: str | None = None
            self.callback_immediately = False
            self.uploads: dict[str, bytes] = {}
            self.search_ignores_filter = False
            self.callback_statuses: list[int] = []
            self.callback_answered = threading.Event()

    def inject(self, route: str, *faults: Fault) -> None:
        """Queue faults for ``route``: dispatch, get_run, search, create_upload, storage_put, file."""
        with self._lock:
            self.faults[route].extend(faults)

    def count(self, method: str, prefix: str) -> int:
        return sum(1 for r in self.requests if r.method == method and r.path.startswith(prefix))

    def calls(self, method: str, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    # ---- helpers ----

    def _take(self, route: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(route)
            return queue.popleft() if queue else None

    async def _record(self, request: Request) -> bytes:
        body = await request.body()
        with self._lock:
            self.requests.append(
                Recorded(request.method, request.url.path, request.url.query, dict(request.headers), body)
            )
        return body

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {API_KEY}"

    def _run_json(self, run: FakeRun) -> dict[str, Any]:
        document: dict[str, Any] = {
            "id": run.id,
            "status_code": run.status,
            "client_ref": run.client_ref,
            "input": run.input,
            "callback_url": run.callback_url,
            "created_at": "2026-11-21T10:00:00+00:00",
            "output": None,
            "failure_code": None,
            "failure_message": None,
        }
        if run.status in {"succeeded", "partial_succeeded"}:
            document["output"] = {
                "outputs": [
                    {
                        "url": f"{self.base_url}/files/{run.id}-0.png?sig={STORAGE_SIGNATURE}",
                        "type": self.output_type,
                        "content_type": "image/png",
                        "width": 2,
                        "height": 2,
                    }
                ],
                "seed": 7,
            }
        if run.status in {"failed", "canceled", "cancelled"}:
            document["failure_code"] = "MODEL_UNAVAILABLE"
            document["failure_message"] = "Provider downtime"
        document.update(run.extra)
        return document

    async def _fault_response(self, fault: Fault, request: Request) -> Response:
        if fault.kind == "drop":
            client = request.scope.get("client")
            transport = self.transports.get((client[0], client[1])) if client else None
            assert transport is not None, "connection not registered"
            transport.abort()
            return Response(status_code=500)  # never reaches the client
        if fault.kind == "hang":
            while (await request.receive())["type"] != "http.disconnect":
                pass
            return Response(status_code=504)
        if fault.kind == "drip":

            async def drip() -> Any:
                yield b'{"id": "'
                for _ in range(1000):  # ~50 s unless the client gives up first
                    await asyncio.sleep(0.05)
                    yield b" "

            return StreamingResponse(drip(), media_type="application/json")
        return Response(fault.body, status_code=fault.status, headers=dict(fault.headers))

    # ---- routes ----

    async def _dispatch(self, request: Request) -> Response:
        raw = await self._record(request)
        if not self._authorized(request):
            return JSONResponse({"code": "UNAUTHORIZED", "message": "Invalid token"}, 401)
        body = json.loads(raw)
        fault = self._take("dispatch")
        if fault is not None and not fault.created:
            return await self._fault_response(fault, request)
        run = FakeRun(
            id=str(uuid.uuid4()),
            client_ref=body.get("client_ref"),
            input=body["input"],
            callback_url=body.get("callback_url"),
            script=deque(self.script),
            extra=dict(self.run_extra),
        )
        run.status = run.script.popleft()
        with self._lock:
            self.runs[run.id] = run
        if fault is not None:
            return await self._fault_response(fault, request)
        task = None
        if run.callback_url and self.callback_immediately:
            run.status = run.script[-1] if run.script else run.status
            run.script.clear()
            task = BackgroundTask(self._send_callback, run)
            queued = dict(self._run_json(run), status_code="queued", output=None)
            return JSONResponse(queued, 200, background=task)
        return JSONResponse(self._run_json(run), 200, headers={"x-request-id": "req_dispatch_1"})

    async def _send_callback(self, run: FakeRun) -> None:
        payload = {
            "event": "run.completed" if run.status == "succeeded" else "run.failed",
            "run_id": run.id,
            "status": run.status,
            "output": self._run_json(run)["output"],
            "duration_ms": 1234,
            "created_at": "2026-11-21T10:00:00+00:00",
            "completed_at": "2026-11-21T10:00:01.234+00:00",
            "metadata": None,
        }
        raw = json.dumps(payload).encode()
        headers = {"content-type": "application/json", "runflow-request-id": "req_cb"}
        if self.callback_secret:
            headers["runflow-signature"] = hmac.new(
                self.callback_secret.encode(), raw, hashlib.sha256
            ).hexdigest()
        assert run.callback_url is not None
        async with httpx.AsyncClient(transport=default_async_transport()) as client:
            response = await client.post(run.callback_url, content=raw, headers=headers)
        with self._lock:
            self.callback_statuses.append(response.status_code)
        self.callback_answered.set()

    async def _get_run(self, request: Request) -> Response:
        await self._record(request)
        if not self._authorized(request):
            return JSONResponse({"code": "UNAUTHORIZED", "message": "Invalid token"}, 401)
        fault = self._take("get_run")
        if fault is not None:
            return await self._fault_response(fault, request)
        run = self.runs.get(request.path_params["run_id"])
        if run is None:
            return JSONResponse({"code": "RUN_NOT_FOUND", "message": "Run does not exist"}, 404)
        if run.script:
            run.status = run.script.popleft()
        return JSONResponse(self._run_json(run), headers={"runflow-request-id": "req_get"})

    async def _search(self, request: Request) -> Response:
        await self._record(request)
        if not self._authorized(request):
            return JSONResponse({"code": "UNAUTHORIZED", "message": "Invalid token"}, 401)
        fault = self._take("search")
        if fault is not None:
            return await self._fault_response(fault, request)
        match = re.fullmatch(r"client_ref\.EQ:'([^']*)'", request.query_params.get("q", ""))
        wanted = match.group(1) if match else None
        items = [
            self._run_json(run)
            for run in self.runs.values()
            if self.search_ignores_filter or run.client_ref == wanted
        ]
        return JSONResponse({"items": items, "first": None, "next": None, "previous": None})

    async def _create_upload(self, request: Request) -> Response:
        raw = await self._record(request)
        if not self._authorized(request):
            return JSONResponse({"code": "UNAUTHORIZED", "message": "Invalid token"}, 401)
        fault = self._take("create_upload")
        if fault is not None:
            return await self._fault_response(fault, request)
        body = json.loads(raw)
        upload_id = str(uuid.uuid4())
        with self._lock:
            self.uploads[upload_id] = b""
        url = f"{self.base_url}/storage/{upload_id}?X-Amz-Signature={STORAGE_SIGNATURE}"
        return JSONResponse({"asset_id": upload_id, "upload_url": url, "echo": body}, 201)

    async def _storage_put(self, request: Request) -> Response:
        raw = await self._record(request)
        fault = self._take("storage_put")
        if fault is not None:
            return await self._fault_response(fault, request)
        with self._lock:
            self.uploads[request.path_params["upload_id"]] = raw
        return Response(status_code=200)

    async def _confirm_upload(self, request: Request) -> Response:
        await self._record(request)
        if not self._authorized(request):
            return JSONResponse({"code": "UNAUTHORIZED", "message": "Invalid token"}, 401)
        upload_id = request.path_params["upload_id"]
        return JSONResponse(
            {"id": upload_id, "mime_type": "image/png", "size_bytes": len(self.uploads[upload_id])}, 201
        )

    async def _file(self, request: Request) -> Response:
        await self._record(request)
        fault = self._take("file")
        if fault is not None:
            return await self._fault_response(fault, request)
        return Response(png_bytes(), media_type="image/png")


def _protocol(fake: FakeRunflow) -> type[H11Protocol]:
    class RegisteringProtocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if self.client:
                fake.transports[(self.client[0], self.client[1])] = transport

    return RegisteringProtocol


@contextmanager
def serve(fake: FakeRunflow) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1 (any free port) for the block; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY, see serving
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    config = uvicorn.Config(
        fake.app,
        http=_protocol(fake),
        lifespan="off",
        log_config=None,
        log_level="critical",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        fake.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        yield fake.base_url
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
