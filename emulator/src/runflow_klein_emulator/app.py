"""The Starlette application: routes built from the spec's paths, handlers, admin endpoints.

Routes come from the composed spec (one route per path, literal paths before templated ones, as
OpenAPI matching requires), so a path or method the spec does not document is a JSON 404/405
with an ``Allow`` header. Authentication and request validation happen once, generically, from
the operation's spec entry before any handler runs.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from runflow_klein_emulator.assets import AssetStore, asset_path, upload_path
from runflow_klein_emulator.callback_delivery import CallbackSender
from runflow_klein_emulator.contract import (
    InvalidRequest,
    Operation,
    ValidRequest,
    load_operations,
    validate_request,
)
from runflow_klein_emulator.faults import ConnectionRegistry, FaultControls, FaultMiddleware, FaultQueue
from runflow_klein_emulator.image_files import CONTENT_TYPES
from runflow_klein_emulator.run_store import (
    FAILURE_CODE,
    FAILURE_MESSAGE,
    ORG_ID,
    USER_ID,
    ModelProfile,
    Run,
    RunStore,
)
from runflow_klein_emulator.settings import EmulatorConfig, Fault
from runflow_klein_emulator.spec import load_spec
from runflow_klein_emulator.url_signing import UrlSigner

Handler = Callable[[Request, Operation, ValidRequest], Awaitable[Response]]
MAX_JSON_BODY = 16 * 1024 * 1024
ASSET_REF_PREFIX = "runflow://assets/"
MAX_UPLOAD_BODY = 52_428_800  # AssetUploadCreate.size_bytes maximum
_HTTP_ERROR_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE"}


def error(
    status: int,
    code: str,
    message: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A documented ``ErrorResponse``."""
    return JSONResponse(
        {"code": code, "message": message, "errors": errors}, status_code=status, headers=headers
    )


class Emulator:
    """The state of one emulated API and the handlers that serve it."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.operations = load_operations(load_spec(config.spec_path))
        self.signer = UrlSigner()
        self.runs = RunStore(config, self.signer)
        self.assets = AssetStore(self.signer)
        self.callbacks = CallbackSender(
            secret=config.callback_secret,
            retry_delays=config.callback_retry_delays,
            timeout=config.callback_timeout,
        )
        self.faults = FaultQueue(config.faults)
        self.connections = ConnectionRegistry()
        self.released = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._profiles = {
            op.operation_id: ModelProfile(
                model=op.klein_model, input_properties=op.input_properties, pricing=op.pricing
            )
            for op in self.operations
            if op.klein_model
        }
        self._handlers: dict[str, Handler] = {
            "create_model_run": self.create_model_run,
            "search_runs": self.search_runs,
            "get_run": self.get_run,
            "get_run_callback_deliveries": self.get_callback_deliveries,
            "redeliver_run_callback": self.redeliver_callback,
            "create_callback_secret": self.create_callback_secret,
            "create_asset_upload": self.create_asset_upload,
            "confirm_asset_upload": self.confirm_asset_upload,
            "get_asset": self.get_asset,
            "get_health": self.health,
            "get_readiness": self.readiness,
            "get_current_principal": self.principal,
        }
        self.routes, self._fault_targets = self._build_routes()

    # ---- routing, auth, validation ----

    def _build_routes(self) -> tuple[list[BaseRoute], dict[str, dict[str, tuple[str, bool]]]]:
        """The routes, and per route path and method the name a fault can target."""
        by_path: dict[str, dict[str, Operation]] = {}
        for op in self.operations:
            by_path.setdefault(op.path, {})[op.method] = op
        # Literal paths win over templates: .../flux-2-klein-4b/runs before .../{owner}/{slug}/runs.
        api = [
            Route(path, self._endpoint(ops), methods=list(ops), name=path)
            for path, ops in sorted(by_path.items(), key=lambda item: item[0].count("{"))
        ]
        targets = {
            path: {method: (op.operation_id, True) for method, op in ops.items()}
            for path, ops in by_path.items()
        }
        emulator = [
            Route("/__emulator/files/{run_id}/{name}", self.download_output, methods=["GET"]),
            Route(
                upload_path("{upload_id}"), self.upload_bytes, methods=["PUT"], max_body_size=MAX_UPLOAD_BODY
            ),
            Route(asset_path("{asset_id}"), self.download_asset, methods=["GET"]),
        ]
        targets |= {
            "/__emulator/files/{run_id}/{name}": {"GET": ("download_output", False)},
            upload_path("{upload_id}"): {"PUT": ("upload_asset_bytes", False)},
            asset_path("{asset_id}"): {"GET": ("download_asset", False)},
        }
        admin = [Route("/__emulator/faults", self.faults_endpoint, methods=["GET", "POST", "DELETE"])]
        return [*api, *emulator, *admin], targets

    def resolve(self, scope: Scope) -> tuple[str, bool] | None:
        """The fault target of a request: (operation name, documented?); None for admin routes."""
        for route in self.routes:
            if isinstance(route, Route) and route.matches(scope)[0] is Match.FULL:
                method = "GET" if scope["method"] == "HEAD" else scope["method"]
                return self._fault_targets.get(route.path, {}).get(method)
        return None

    def _endpoint(self, ops: dict[str, Operation]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            op = ops["GET" if request.method == "HEAD" else request.method]
            request.state.request_id = f"req_{uuid.uuid4().hex}"
            response = await self._serve(request, op)
            response.headers["X-Request-Id"] = request.state.request_id
            return response

        return endpoint

    async def _serve(self, request: Request, op: Operation) -> Response:
        if op.secured:
            denied = self._authenticate(request)
            if denied is not None:
                return denied
        try:
            valid = validate_request(
                op,
                path=request.path_params,
                query=request.query_params.multi_items(),
                body=await request.body(),
            )
            return await self._handler(op)(request, op, valid)
        except InvalidRequest as exc:
            return error(
                422, "VALIDATION_ERROR", "The request does not match the API contract.", errors=exc.errors
            )

    def _handler(self, op: Operation) -> Handler:
        if op.klein_model:
            return self.legacy_run if _is_legacy(op) else self.dispatch
        return self._handlers.get(op.operation_id, self.not_implemented)

    def _authenticate(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        challenge = {"WWW-Authenticate": "Bearer"}
        if scheme.lower() != "bearer" or not token:
            return error(401, "UNAUTHORIZED", "Missing bearer token.", headers=challenge)
        expected = self.config.api_key
        if expected is not None and not hmac.compare_digest(token.encode(), expected.encode()):
            return error(401, "UNAUTHORIZED", "Invalid API key.", headers=challenge)
        return None

    # ---- runs ----

    def _unknown_asset_refs(self, model_input: dict[str, Any], *, loc: tuple[str, ...]) -> Response | None:
        """422 for ``runflow://assets/{id}`` image references to assets this emulator never confirmed.

        The schema admits the reference form; whether it points anywhere is known only at
        dispatch (the message is the backend's, quoted in the JS SDK's backend contract).
        """
        problems = []
        for field, value in model_input.items():
            refs = value if isinstance(value, list) else [value]
            for index, ref in enumerate(refs):
                if not (isinstance(ref, str) and ref.startswith(ASSET_REF_PREFIX)):
                    continue
                if self.assets.get_asset(ref.removeprefix(ASSET_REF_PREFIX)) is None:
                    where = [*loc, field, index] if isinstance(value, list) else [*loc, field]
                    message = f"asset not found or expired: {ref}"
                    problems.append({"loc": where, "msg": message, "type": "value_error"})
        if not problems:
            return None
        return error(422, "VALIDATION_ERROR", "An input image reference is invalid.", errors=problems)

    async def dispatch(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        body = valid.body
        rejected = self._unknown_asset_refs(body["input"], loc=("body", "input"))
        if rejected is not None:
            return rejected
        run = self.runs.create(
            profile=self._profiles[op.operation_id],
            model_input=body["input"],
            source="api",
            request_id=request.state.request_id,
            base_url=_base_url(request),
            metadata=body.get("metadata"),
            callback_url=body.get("callback_url"),
            client_ref=body.get("client_ref"),
        )
        if run.callback_url:
            self._spawn(self._deliver_on_completion(run))
        return JSONResponse(self.runs.to_json(run, as_dispatched=True), op.success_status)

    async def create_model_run(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        """The generic dispatch route only ever sees other models.

        ``/v1/models/black-forest-labs/flux-2-klein-4b/runs`` and the 9B twin match their typed
        routes first (literal paths win), so a generic client dispatching klein gets the typed
        operation's stricter input validation; the edit models' paths have no generic form.
        """
        return error(404, "MODEL_NOT_FOUND", "The emulator only serves the FLUX.2 [klein] models.")

    async def legacy_run(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        """The synchronous legacy endpoint: wait out the run, answer fal-style ``images``."""
        rejected = self._unknown_asset_refs(valid.body, loc=("body",))
        if rejected is not None:
            return rejected
        run = self.runs.create(
            profile=self._profiles[op.operation_id],
            model_input=valid.body,
            source="legacy",
            request_id=request.state.request_id,
            base_url=_base_url(request),
        )
        while not run.is_terminal(time.monotonic()):
            await asyncio.sleep(run.completes_mono - time.monotonic())
        if run.fails:
            return error(503, FAILURE_CODE, FAILURE_MESSAGE)
        return JSONResponse(
            {
                "images": self.runs.images_json(run),
                "seed": run.seed,
                "has_nsfw_concepts": [False] * run.plan.count,
                "prompt": valid.body["prompt"],
                "timings": run.timing,
            },
            op.success_status,
        )

    async def get_run(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        run = self.runs.get(valid.path["id"])
        return _run_not_found() if run is None else JSONResponse(self.runs.to_json(run), op.success_status)

    async def search_runs(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        query = valid.query
        page = self.runs.search(
            q=query.get("q"),
            sort_by=query.get("sort_by"),
            limit=query.get("limit"),
            pq=query.get("pq"),
            fields=query.get("fields"),
        )
        return JSONResponse(page, op.success_status)

    # ---- callbacks ----

    async def get_callback_deliveries(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        run = self.runs.get(valid.path["run_id"])
        if run is None:
            return _run_not_found()
        return JSONResponse([delivery.to_json() for delivery in run.deliveries], op.success_status)

    async def redeliver_callback(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        """Build a fresh payload from the run's current state and deliver it in the background."""
        run = self.runs.get(valid.path["run_id"])
        if run is None:
            return _run_not_found()
        problem = _redelivery_problem(run)
        if problem is not None or run.callback_url is None:
            message = problem or "The run has no callback_url."
            detail = [{"loc": ["path", "run_id"], "msg": message, "type": "conflict"}]
            return error(422, "VALIDATION_ERROR", message, errors=detail)
        delivery = self.callbacks.new_delivery(
            run_id=run.id,
            callback_url=run.callback_url,
            payload=self.runs.callback_payload(run),
            automatic=False,
        )
        run.deliveries.append(delivery)
        self._spawn(self.callbacks.deliver(delivery))
        return JSONResponse(delivery.to_json(), op.success_status)

    async def create_callback_secret(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        """Create a signing secret and make it current: later callbacks carry its signature."""
        plain = f"whsec_{secrets.token_urlsafe(32)}"
        now = datetime.now(UTC).isoformat()
        return JSONResponse(
            {
                "plain_secret": plain,
                "id": self.callbacks.rotate(plain),
                "org_id": ORG_ID,
                "key_prefix": plain[:10],
                "is_current": True,
                "label": (valid.body or {}).get("label"),
                "disabled_at": None,
                "last_used_at": None,
                "created_at": now,
                "updated_at": now,
            },
            op.success_status,
        )

    async def _deliver_on_completion(self, run: Run) -> None:
        # Sleep until the completion instant computed at dispatch, so the callback leaves
        # within milliseconds of the run turning terminal (no waiting for a client's read).
        while not run.is_terminal(time.monotonic()):
            await asyncio.sleep(run.completes_mono - time.monotonic())
        assert run.callback_url is not None
        delivery = self.callbacks.new_delivery(
            run_id=run.id,
            callback_url=run.callback_url,
            payload=self.runs.callback_payload(run),
            automatic=True,
        )
        run.deliveries.append(delivery)
        await self.callbacks.deliver(delivery)

    # ---- assets ----

    async def create_asset_upload(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        session = self.assets.create_upload(
            filename=valid.body["filename"], mime_type=valid.body["mime_type"], base_url=_base_url(request)
        )
        return JSONResponse(session, op.success_status)

    async def confirm_asset_upload(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        upload = self.assets.get_upload(valid.path["asset_upload_id"])
        if upload is None:
            return error(
                404, "ASSET_UPLOAD_NOT_FOUND", "Upload session does not exist or belongs to another org."
            )
        if upload.data is None:
            message = "Nothing has been uploaded to this session's upload_url yet."
            detail = [{"loc": ["path", "asset_upload_id"], "msg": message, "type": "value_error"}]
            return error(422, "VALIDATION_ERROR", message, errors=detail)
        self.assets.confirm(upload, folder_id=(valid.body or {}).get("folder_id"))
        return JSONResponse(
            self.assets.asset_json(upload, base_url=_base_url(request), embed_user=False), op.success_status
        )

    async def get_asset(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        upload = self.assets.get_asset(valid.path["id"])
        if upload is None:
            return error(404, "ASSET_NOT_FOUND", "Asset does not exist or belongs to another org.")
        embed = valid.query.get("embed") == "created_by_user"
        return JSONResponse(
            self.assets.asset_json(upload, base_url=_base_url(request), embed_user=embed), op.success_status
        )

    # ---- status and identity ----

    async def health(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        return JSONResponse({"ok": True}, op.success_status)

    async def readiness(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        return JSONResponse(
            {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}, op.success_status
        )

    async def principal(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        return JSONResponse(
            {"id": USER_ID, "org_id": ORG_ID, "email": "emulator@example.invalid", "auth_type": "api_key"},
            op.success_status,
        )

    async def not_implemented(self, request: Request, op: Operation, valid: ValidRequest) -> Response:
        return error(501, "NOT_IMPLEMENTED", f"The emulator does not implement {op.operation_id}.")

    # ---- the emulator's own routes (storage host, admin) ----

    async def download_output(self, request: Request) -> Response:
        if not self.signer.verify(request.url.path, request.query_params):
            return _bad_signature()
        run = self.runs.get(request.path_params["run_id"])
        index, _, ext = request.path_params["name"].partition(".")
        if (
            run is None
            or run.status(time.monotonic()) != "succeeded"
            or ext != run.plan.output_format
            or not index.isdigit()
            or int(index) >= run.plan.count
        ):
            return error(404, "NOT_FOUND", "No such file.")
        return Response(run.file(int(index)), media_type=CONTENT_TYPES[ext])

    async def upload_bytes(self, request: Request) -> Response:
        if not self.signer.verify(request.url.path, request.query_params):
            return _bad_signature()
        upload = self.assets.get_upload(request.path_params["upload_id"])
        if upload is None:
            return error(404, "NOT_FOUND", "No such upload session.")
        upload.data = await request.body()
        upload.content_type = request.headers.get("content-type")
        return Response(status_code=200)

    async def download_asset(self, request: Request) -> Response:
        if not self.signer.verify(request.url.path, request.query_params):
            return _bad_signature()
        upload = self.assets.get_asset(request.path_params["asset_id"])
        if upload is None or upload.data is None:
            return error(404, "NOT_FOUND", "No such asset.")
        return Response(upload.data, media_type=upload.content_type or upload.mime_type)

    async def faults_endpoint(self, request: Request) -> Response:
        """``POST`` queues a fault (the fields of ``Fault``), ``GET`` lists, ``DELETE`` clears."""
        if request.method == "POST":
            try:
                self.faults.add(Fault.from_json(json.loads(await request.body())))
            except (ValueError, TypeError) as exc:
                return error(422, "INVALID_FAULT", str(exc))
            return JSONResponse({"faults": self.faults.to_json()}, status_code=201)
        if request.method == "DELETE":
            self.faults.clear()
            return Response(status_code=204)
        return JSONResponse({"faults": self.faults.to_json()})

    # ---- background work ----

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def release_hangs(self) -> None:
        """End every injected hang (called on the server's loop when it starts shutting down)."""
        self.released.set()

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.callbacks.aclose()


def create_app(config: EmulatorConfig) -> Starlette:
    """Build the emulator as an ASGI app (``app.state.emulator`` holds its state)."""
    emulator = Emulator(config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await emulator.aclose()

    controls = FaultControls(
        queue=emulator.faults,
        connections=emulator.connections,
        released=emulator.released,
        resolve=emulator.resolve,
    )
    app = Starlette(
        routes=emulator.routes,
        middleware=[Middleware(FaultMiddleware, controls=controls)],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
        max_body_size=MAX_JSON_BODY,
    )
    app.state.emulator = emulator
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_ERROR_CODES.get(exc.status_code, "HTTP_ERROR")
    return error(exc.status_code, code, exc.detail, headers=dict(exc.headers or {}))


async def _server_error(request: Request, exc: Exception) -> Response:
    return error(500, "INTERNAL_ERROR", "The emulator failed to handle the request.")


def _run_not_found() -> Response:
    return error(404, "RUN_NOT_FOUND", "Run does not exist or belongs to another org.")


def _bad_signature() -> Response:
    return error(403, "SIGNATURE_INVALID", "The URL signature is missing, wrong or expired.")


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _redelivery_problem(run: Run) -> str | None:
    if not run.callback_url:
        return "The run has no callback_url."
    if not run.is_terminal(time.monotonic()):
        return "The run is not terminal yet."
    if any(delivery.status == "pending" for delivery in run.deliveries):
        return "A delivery for this run is still in progress."
    return None


def _is_legacy(op: Operation) -> bool:
    return op.path.startswith("/v1/run/")
