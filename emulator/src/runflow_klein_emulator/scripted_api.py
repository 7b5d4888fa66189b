"""A scripted stand-in for the Runflow API: runs advance one step per GET, faults hit the next request.

Where the emulator plays the API by the clock and the spec, this plays it by script, for tests that
must not depend on timing: each ``GET /v1/runs/{id}`` moves the run one step through its status script,
and faults are queued per route (``inject("dispatch", Fault.drop(created=True))``). It records every
request so tests can count GETs and dispatches and check which headers were sent. Served on 127.0.0.1
by :func:`serve`.

Dropping a connection cannot be expressed in ASGI, so it is served with the emulator's
connection-registering protocol (:func:`runflow_klein_emulator.faults.protocol_class`) and a ``drop``
fault aborts the request's connection through the same :class:`ConnectionRegistry`.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from runflow_klein.callbacks import callback_signature
from runflow_klein.constants import SIGNATURE_HEADER
from runflow_klein.serving import serve_in_thread
from runflow_klein.transport import default_async_transport
from runflow_klein_emulator.faults import ConnectionRegistry, protocol_class
from runflow_klein_emulator.image_files import render

API_KEY = "rf_live_SECRETKEY_0123456789"
STORAGE_SIGNATURE = "SIGNEDTOKEN_abcdef123456"


def png_bytes(size: tuple[int, int] = (2, 2)) -> bytes:
    """A real (tiny) PNG, the same bytes on every call."""
    width, height = size
    return render(width=width, height=height, seed=0, index=0, output_format="png")


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour. ``created``: for dispatches, whether the run exists before the fault.

    Not the emulator's :class:`runflow_klein_emulator.Fault`: this one is queued per route of the fake.
    """

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
        self.connections = ConnectionRegistry()
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
            if not self.connections.abort(request.scope):
                raise RuntimeError("the connection to drop is not registered: serve the fake with serve()")
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
            headers[SIGNATURE_HEADER] = callback_signature(raw, self.callback_secret)
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


@contextmanager
def serve(fake: FakeRunflow) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1 (any free port) for the block; yields (and records) the base URL."""
    with serve_in_thread(fake.app, http=protocol_class(fake.connections)) as base_url:
        fake.base_url = base_url
        yield base_url
