"""What the clients do, written once for sync and async (see ``effects`` for how they are run).

The rules that matter most live here:

* safe requests (GET, PUT to a presigned URL) are retried on connection errors, timeouts, 408, 429 and
  5xx, honouring ``Retry-After``;
* a dispatch is never blindly re-sent. It always carries a ``client_ref``; after an ambiguous failure
  (timeout, dropped connection, 408, 5xx) the run is looked up by that ref and dispatched again only if
  Runflow has no such run. A 429 or a refused connection means nothing was created, so those are simply
  retried. One call therefore creates (and bills) at most one run.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar, cast

import httpx
from runflow_klein_client.api.media import confirm_asset_upload, create_asset_upload
from runflow_klein_client.api.runs import get_run, search_runs
from runflow_klein_client.models import AssetUploadConfirm, AssetUploadCreate, Run, RunPage

from .constants import DEADLINE_GRACE, MAX_UPLOAD_BYTES, MIN_POLL_INTERVAL
from .durations import DurationWindow, RunDurations, run_duration, running_duration, running_key
from .effects import (
    ApiCall,
    ApiResult,
    Download,
    StorageCall,
    Workflow,
    await_callback,
    call_api,
    call_storage,
    download_to,
    offload,
    sleep,
)
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    RunFailedError,
    RunflowError,
    WaitTimeoutError,
)
from .images import ImageBlob, ImageInput, is_reference, load_image
from .klein_models import KleinModel, Operation, build_request_body, model_named_by, resolve_model
from .polling import PollSchedule, StartWatch
from .receiver import CallbackSubscription
from .responses import decode_body, describe_request, request_id_of, status_error
from .retries import RetryPolicy, is_retryable, may_have_been_processed, parse_retry_after
from .runs import RunOutput, RunView
from .transport import Timeout

T = TypeVar("T")
ProgressCallback = Callable[[RunView], None]

GET_RUN = Operation("get_run", get_run.sync_detailed, get_run.asyncio_detailed)
SEARCH_RUNS = Operation("search_runs", search_runs.sync_detailed, search_runs.asyncio_detailed)
CREATE_ASSET_UPLOAD = Operation(
    "create_asset_upload", create_asset_upload.sync_detailed, create_asset_upload.asyncio_detailed
)
CONFIRM_ASSET_UPLOAD = Operation(
    "confirm_asset_upload", confirm_asset_upload.sync_detailed, confirm_asset_upload.asyncio_detailed
)
_IMAGE_FIELDS = ("reference_image_1", "reference_image_2", "reference_image_3", "reference_image_4")
# Refs end up inside a quoted filter (q=client_ref.EQ:'<ref>'), so they must not contain quotes.
_CLIENT_REF = re.compile(r"^[A-Za-z0-9._:@-]{1,255}$")
_LOG = logging.getLogger("runflow_klein")
_SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif"}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The client configuration workflows need (values, plus the injectable clock and the client's learned
    run durations).

    ``deadline`` (on ``clock``), when set, bounds everything a workflow does: each request's timeout is
    cut to end by ``deadline + DEADLINE_GRACE``, and a retry whose wait would pass the deadline is not
    made (:class:`DeadlineReached` instead), so ``wait_timeout`` holds whatever the server does.
    """

    retry: RetryPolicy
    poll: PollSchedule
    clock: Callable[[], float]
    inline_image_bytes: int
    transfer_timeout: Timeout
    api_timeout: Timeout = field(default_factory=Timeout)
    durations: RunDurations | None = None
    deadline: float | None = None

    def until(self, deadline: float) -> Settings:
        """These settings with ``deadline``, or the earlier one already set."""
        return replace(self, deadline=deadline if self.deadline is None else min(deadline, self.deadline))

    def bound(self, timeout: Timeout | None, default: Timeout | None = None) -> Timeout | None:
        """``timeout`` (None: ``default``, else the API timeout) cut to end by the deadline plus
        :data:`DEADLINE_GRACE`; unchanged when it already does, or without a deadline."""
        if self.deadline is None:
            return timeout
        base = timeout or default or self.api_timeout
        budget = self.deadline + DEADLINE_GRACE - self.clock()
        if budget <= 0:
            raise DeadlineReached("the deadline passed before the request could be sent")
        if budget >= base.total:
            return timeout
        return Timeout(total=budget, connect=min(base.connect, budget))


class DeadlineReached(RunflowError):
    """Internal: a workflow's deadline (``Settings.deadline``) ended it; the cause is the last failure.
    ``run``/``wait`` turn it into :class:`WaitTimeoutError`."""


def describe_failure(error: RunflowError) -> str:
    """A few words for a retry message: ``503``, ``a timeout``, ``a connection error``."""
    if isinstance(error, APIStatusError):
        return str(error.status_code)
    if isinstance(error, APITimeoutError):
        return "a timeout"
    if isinstance(error, APIConnectionError):
        return "a connection error"
    return type(error).__name__


def _pause(delay: float, error: RunflowError, settings: Settings) -> Workflow[None]:
    """Sleep ``delay`` before a retry after ``error``, unless that would pass the deadline."""
    if settings.deadline is not None and settings.clock() + delay > settings.deadline:
        raise DeadlineReached(f"no time left to retry after {describe_failure(error)}") from error
    # Logged, not printed: the CLI shows these lines on stderr; a library caller opts in via logging.
    _LOG.info("retrying in %.1f s after %s", delay, describe_failure(error))
    yield from sleep(delay)


# ---- Retrying ----


def retrying(
    attempt: Callable[[], Workflow[T]],
    *,
    settings: Settings,
    idempotent: bool,
    reconcile: Callable[[], Workflow[T | None]] | None = None,
) -> Workflow[T]:
    """Run ``attempt`` until it succeeds or ``settings.retry`` gives up (or its deadline would pass).

    When the request is not idempotent and the failure leaves open whether the server acted on it,
    ``reconcile`` (if any) looks for the result; it is retried only when ``reconcile`` finds nothing.
    Without ``reconcile`` such a failure is raised at once.
    """
    for attempt_number in itertools.count():
        try:
            return (yield from attempt())
        except RunflowError as exc:
            error = exc
        delay = settings.retry.delay(error, attempt_number)
        if idempotent or not may_have_been_processed(error):
            if delay is None:
                raise error
            yield from _pause(delay, error, settings)
            continue
        if reconcile is None:
            raise error
        if delay is not None:
            yield from _pause(delay, error, settings)  # time for the server to finish what it started
        try:
            found = yield from reconcile()
        except RunflowError as lookup_error:
            raise error from lookup_error
        if found is not None:
            return found
        if delay is None:
            raise error
    raise AssertionError("unreachable")  # pragma: no cover - itertools.count() never ends


def _attempt_api(call: ApiCall, settings: Settings) -> Workflow[ApiResult]:
    result = yield from call_api(replace(call, timeout=settings.bound(call.timeout)))
    if not result.response.is_success:
        raise status_error(result.response)
    return result


def request_api(call: ApiCall, settings: Settings, *, idempotent: bool) -> Workflow[ApiResult]:
    """One API operation with the retry policy (no reconciliation)."""
    return (
        yield from retrying(partial(_attempt_api, call, settings), settings=settings, idempotent=idempotent)
    )


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The 2xx body as a JSON object, or :class:`APIResponseValidationError` saying what came instead."""
    body = decode_body(response)
    if isinstance(body, dict):
        return body
    where = describe_request(response)
    shown = body if isinstance(body, str) else json.dumps(body)
    raise APIResponseValidationError(
        f"{response.status_code} from {where}: expected a JSON object, got {shown[:120]!r}",
        status_code=response.status_code,
        request_id=request_id_of(response),
        body=body,
    )


def parsed_run(model: object, typed_type: type) -> object | None:
    """``model`` if it is a ``typed_type`` whose output really parsed, else None.

    A generated parser hands back a nullable value that fits none of its types as it came, cast to the
    declared type: a run whose ``output.outputs`` is not a list, or has an item without ``url``, parses
    into a model whose ``output`` is the raw dict, where ``output.outputs`` would raise; and it never
    checks a string's type, so ``url: 7`` stays an int. The view promises a ``typed`` model that parsed,
    so such a run has none; its lenient ``outputs`` (the items with a usable URL) and ``raw`` still say
    what came, and waiting goes on as for any run.
    """
    if not isinstance(model, typed_type):
        return None
    output = getattr(model, "output", None)
    items = getattr(output, "outputs", None)
    if isinstance(output, Mapping) or (
        isinstance(items, list) and not all(isinstance(getattr(item, "url", None), str) for item in items)
    ):
        return None
    return model


def run_view(result: ApiResult, typed_type: type) -> RunView:
    """A :class:`RunView` of a run response (raw JSON), with the generated model attached if it parsed."""
    body = json_object(result.response)
    if not isinstance(body.get("id"), str):
        raise APIResponseValidationError(
            f"{result.response.status_code} from {describe_request(result.response)}: run without an id",
            status_code=result.response.status_code,
            request_id=request_id_of(result.response, body),
            body=body,
        )
    typed = parsed_run(result.parsed, typed_type)
    return RunView.from_json(body, typed=typed, request_id=request_id_of(result.response, body))


# ---- Runs ----


def path_id(value: str) -> uuid.UUID:
    """A run/asset id for a generated operation's ``UUID`` path parameter.

    Runflow documents UUIDs, but the callback docs show a ULID-style example; the generated operations
    only ``str()`` and URL-quote the value, so an id that is not a UUID is passed through as is rather
    than making a run we could dispatch impossible to wait for. An empty id is a
    :class:`ConfigurationError` (a usage error, not a request).
    """
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"expected a non-empty id, got {value!r}")
    try:
        return uuid.UUID(value)
    except ValueError:
        return cast(uuid.UUID, value)


def poll_run(
    run_id: str, settings: Settings, *, timeout: Timeout | None
) -> Workflow[tuple[RunView, float | None]]:
    """``GET /v1/runs/{id}`` with retries: the run, and the seconds its ``Retry-After`` asks to wait
    before looking again (None when the answer has none)."""
    call = ApiCall(operation=GET_RUN, args=(path_id(run_id),), timeout=timeout)
    result = yield from request_api(call, settings, idempotent=True)
    return run_view(result, Run), parse_retry_after(result.response.headers, now=settings.retry.now())


def fetch_run(run_id: str, settings: Settings, *, timeout: Timeout | None) -> Workflow[RunView]:
    """``GET /v1/runs/{id}`` with retries."""
    view, _ = yield from poll_run(run_id, settings, timeout=timeout)
    return view


def new_client_ref(client_ref: str | None) -> str:
    """The caller's ref (validated: :class:`ConfigurationError`) or a fresh ``rk-<uuid4>`` one."""
    if client_ref is None:
        return f"rk-{uuid.uuid4().hex}"
    if not _CLIENT_REF.match(client_ref):
        raise ConfigurationError("client_ref must be 1-255 characters from A-Z a-z 0-9 . _ : @ -")
    return client_ref


def find_by_client_ref(
    client_ref: str, settings: Settings, *, timeout: Timeout | None
) -> Workflow[RunView | None]:
    """The run dispatched with ``client_ref``, if Runflow has one (``GET /v1/runs?q=client_ref.EQ:'…'``)."""
    call = ApiCall(
        operation=SEARCH_RUNS,
        kwargs={"q": f"client_ref.EQ:'{client_ref}'", "limit": 10},
        timeout=timeout,
    )
    result = yield from request_api(call, settings, idempotent=True)
    items = json_object(result.response).get("items")
    if not isinstance(items, list):
        return None
    typed_items = result.parsed.items if isinstance(result.parsed, RunPage) else []
    for index, item in enumerate(items):
        # Trust only exact matches: a server that ignored the filter must not hand us someone else's run.
        if (
            isinstance(item, dict)
            and item.get("client_ref") == client_ref
            and isinstance(item.get("id"), str)
        ):
            typed = parsed_run(typed_items[index], Run) if len(typed_items) == len(items) else None
            return RunView.from_json(item, typed=typed, request_id=request_id_of(result.response))
    return None


def dispatch(
    model: KleinModel,
    model_input: Mapping[str, Any],
    settings: Settings,
    *,
    client_ref: str,
    callback_url: str | None,
    metadata: Mapping[str, Any] | None,
    timeout: Timeout | None,
) -> Workflow[RunView]:
    """Create a run through the model's generated operation, at most once per ``client_ref``.

    The view's ``dispatched_at`` is when the request that created the run was sent; for a run found by
    its ref after an ambiguous failure, when the first attempt was (any attempt may have created it).
    """
    body = build_request_body(
        model, model_input, client_ref=client_ref, callback_url=callback_url, metadata=metadata
    )
    call = ApiCall(operation=model.operation, kwargs={"body": body}, timeout=timeout)
    sent: list[float] = []

    def attempt() -> Workflow[RunView]:
        sent.append(settings.clock())
        result = yield from _attempt_api(call, settings)
        return replace(run_view(result, model.run_type), dispatched_at=sent[-1])

    def reconcile() -> Workflow[RunView | None]:
        found = yield from find_by_client_ref(client_ref, settings, timeout=timeout)
        return None if found is None else replace(found, dispatched_at=sent[0])

    return (yield from retrying(attempt, settings=settings, idempotent=False, reconcile=reconcile))


def submit(
    model: str | KleinModel,
    model_input: Mapping[str, Any],
    settings: Settings,
    *,
    images: Sequence[ImageInput],
    client_ref: str | None,
    metadata: Mapping[str, Any] | None,
    callback_url: str | None,
    timeout: Timeout | None,
) -> Workflow[RunView]:
    """Resolve the model and the image inputs, then :func:`dispatch`."""
    klein = resolve_model(model)
    ref = new_client_ref(client_ref)
    prepared = yield from prepare_input(klein, model_input, images, settings, timeout=timeout)
    return (
        yield from dispatch(
            klein,
            prepared,
            settings,
            client_ref=ref,
            callback_url=callback_url,
            metadata=metadata,
            timeout=timeout,
        )
    )


class _Progress:
    """Calls the user's progress callback once per status change."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._reported: object = object()
        self.last_status: str | None = None

    def report(self, view: RunView) -> None:
        self.last_status = view.status
        if view.status != self._reported:
            self._reported = view.status
            if self._callback is not None:
                self._callback(view)


def model_key(view: RunView | None, model: KleinModel | None) -> str | None:
    """Whose durations a run adds to and is waited with: always a :attr:`KleinModel.id`, so that ``run()``
    and a later ``wait(run_id)`` of the same model share what they learn. The model the caller named,
    else the one the run names by slug (:func:`model_named_by`); None when neither says (the spec's
    ``model_id`` is a UUID): such a wait learns nothing and polls cold."""
    if model is None and view is not None:
        model = model_named_by(view.raw)
    return None if model is None else model.id


def wait_for_run(
    run_id: str,
    settings: Settings,
    *,
    initial: RunView | None,
    subscription: CallbackSubscription | None,
    callback_grace: float,
    wait_timeout: float,
    on_progress: ProgressCallback | None,
    raise_on_failure: bool,
    timeout: Timeout | None,
    model: KleinModel | None = None,
) -> Workflow[RunView]:
    """Wait until the run is terminal: a callback (if subscribed) or polls on ``settings.poll``.

    With a callback subscription the wait first waits up to ``callback_grace`` seconds for the callback;
    when it comes, one GET confirms the final state. If none came (unreachable URL, bad signature) the
    wait falls back to polling, where the model's learned durations (``settings.durations``, keyed by
    :func:`model_key`) are known (see :meth:`PollSchedule.plan`). Learned totals count from the run's
    creation, so they are used only when ``initial.dispatched_at`` says when that was on our clock;
    otherwise (a bare run id) the polls start cold. What the polls say steers the rest: once the run is
    seen started (``running`` or ``started_at``), the polls are planned again around its start
    (:class:`StartWatch`; ``initial`` counts as seen at its dispatch) plus the model's learned running
    time; a pending answer's ``Retry-After`` sets the next poll (no sooner than
    :data:`MIN_POLL_INTERVAL`). Transient poll failures are tolerated; nothing (request, retry, sleep)
    outlasts ``wait_timeout`` by more than :data:`DEADLINE_GRACE`, then :class:`WaitTimeoutError`. A
    finished run's durations (total and running) are recorded for the next wait on the same model.
    """
    path_id(run_id)  # an empty id is a usage error now, not after the first poll interval
    clock = settings.clock
    started = clock()
    settings = settings.until(started + wait_timeout)
    deadline = cast(float, settings.deadline)
    progress = _Progress(on_progress)
    key = model_key(initial, model)
    dispatched = initial.dispatched_at if initial is not None else None

    def finish(view: RunView) -> RunView:
        recorded_as = key if key is not None else model_key(view, None)
        if settings.durations is not None and recorded_as is not None:
            for learned_as, learned in (
                (recorded_as, run_duration(view)),
                (running_key(recorded_as), running_duration(view)),
            ):
                if learned is not None:
                    settings.durations.record(learned_as, learned)
        if view.failed and raise_on_failure:
            raise RunFailedError(view)
        return view

    def timed_out() -> WaitTimeoutError:
        return WaitTimeoutError(
            run_id=run_id,
            last_status=progress.last_status,
            waited=clock() - started,
            client_ref=initial.client_ref if initial is not None else None,
        )

    start = StartWatch(created=dispatched)
    if initial is not None:
        progress.report(initial)
        if initial.is_terminal:
            return finish(initial)
        if dispatched is not None:  # else when it was seen in that state is unknown
            start.observe(initial, sent=dispatched, received=dispatched)

    try:
        if subscription is not None:
            payload = yield from await_callback(subscription, min(callback_grace, deadline - clock()))
            if payload is not None:
                view = yield from fetch_run(run_id, settings, timeout=timeout)
                progress.report(view)
                if view.is_terminal:
                    return finish(view)

        return finish(
            (
                yield from _poll_until_terminal(
                    run_id,
                    settings,
                    key=key,
                    dispatched=dispatched,
                    start=start,
                    progress=progress,
                    timeout=timeout,
                )
            )
        )
    except DeadlineReached as reached:
        raise timed_out() from reached.__cause__


def _poll_until_terminal(
    run_id: str,
    settings: Settings,
    *,
    key: str | None,
    dispatched: float | None,
    start: StartWatch,
    progress: _Progress,
    timeout: Timeout | None,
) -> Workflow[RunView]:
    """:func:`wait_for_run`'s polls, from now until the run is terminal or ``settings.deadline`` passed
    after a last poll (:class:`DeadlineReached`, caused by that poll's failure if it failed).

    Offsets count from now (``anchor``). The learned total window counts from the dispatch, which may
    lie well before (a ``wait(view)`` called later, a callback grace that ran out), so it is moved onto
    this timeline: its polls already in the past are dropped, and once the whole window has passed what
    is left is the cold plan from now, never anything later.
    """
    clock, deadline = settings.clock, cast(float, settings.deadline)
    anchor = clock()
    total = running = None
    if settings.durations is not None and key is not None:
        running = settings.durations.window(running_key(key))
        learned = settings.durations.window(key)
        if learned is not None and dispatched is not None:
            total = DurationWindow(dispatched + learned.low - anchor, dispatched + learned.high - anchor)
    offsets = settings.poll.plan(total)
    next_poll = anchor + next(offsets)
    while True:
        yield from sleep(min(next_poll, deadline) - clock())
        sent, retry_after, last_error = clock(), None, None
        try:
            view, retry_after = yield from poll_run(run_id, settings, timeout=timeout)
        except RunflowError as exc:
            if not is_retryable(exc):  # DeadlineReached included: it ends the wait
                raise
            last_error = exc
        else:
            progress.report(view)
            if view.is_terminal:
                return view
            began = start.observe(view, sent=sent, received=clock())
            if began is not None and running is not None:
                offsets = settings.poll.plan(
                    DurationWindow(began[0] + running.low - anchor, began[1] + running.high - anchor)
                )
        if clock() >= deadline:  # the last poll happened at the deadline
            raise DeadlineReached("the deadline passed") from last_error
        if retry_after is not None:
            next_poll = clock() + max(retry_after, MIN_POLL_INTERVAL)
        else:
            elapsed = clock() - anchor
            next_poll = anchor + next(offset for offset in offsets if offset > elapsed)


def run(
    model: str | KleinModel,
    model_input: Mapping[str, Any],
    settings: Settings,
    *,
    images: Sequence[ImageInput],
    client_ref: str | None,
    metadata: Mapping[str, Any] | None,
    subscription: CallbackSubscription | None,
    callback_grace: float,
    wait_timeout: float,
    on_progress: ProgressCallback | None,
    raise_on_failure: bool,
    timeout: Timeout | None,
) -> Workflow[RunView]:
    """:func:`submit` (with the subscription's URL as ``callback_url``), then :func:`wait_for_run`, both
    within one ``wait_timeout``: a dispatch still unanswered at the deadline ends in
    :class:`WaitTimeoutError` without a run id but with the ``client_ref`` (generated here when the
    caller gave none) by which the run, if it was created, can be found."""
    klein = resolve_model(model)
    ref = new_client_ref(client_ref)
    started = settings.clock()
    bounded = settings.until(started + wait_timeout)
    try:
        submitted = yield from submit(
            klein,
            model_input,
            bounded,
            images=images,
            client_ref=ref,
            metadata=metadata,
            callback_url=subscription.url if subscription else None,
            timeout=timeout,
        )
    except DeadlineReached as reached:
        waited = settings.clock() - started
        raise WaitTimeoutError(
            run_id=None, last_status=None, waited=waited, client_ref=ref
        ) from reached.__cause__
    return (
        yield from wait_for_run(
            submitted.id,
            bounded,
            initial=submitted,
            subscription=subscription,
            callback_grace=callback_grace,
            wait_timeout=max(cast(float, bounded.deadline) - settings.clock(), 0.0),
            on_progress=on_progress,
            raise_on_failure=raise_on_failure,
            timeout=timeout,
            model=klein,
        )
    )


# ---- Images ----


def _upload(blob: ImageBlob, settings: Settings, *, timeout: Timeout | None) -> Workflow[str]:
    """The presigned upload: create a session, PUT the bytes (no API key), confirm; returns the asset ref."""
    create = ApiCall(
        operation=CREATE_ASSET_UPLOAD,
        kwargs={
            "body": AssetUploadCreate(
                filename=blob.filename[-500:], mime_type=blob.mime_type, size_bytes=len(blob.data)
            )
        },
        timeout=timeout,
    )
    # An orphaned upload session costs nothing, so creating one may be retried like a safe request.
    session = json_object((yield from request_api(create, settings, idempotent=True)).response)
    upload_url, asset_id = session.get("upload_url"), session.get("asset_id")
    if not isinstance(upload_url, str) or not isinstance(asset_id, str):
        raise APIResponseValidationError(
            "asset upload session without upload_url/asset_id", status_code=201, request_id=None, body=None
        )
    put = StorageCall(
        method="PUT",
        url=upload_url,
        content=blob.data,
        headers={"Content-Type": blob.mime_type},
        timeout=settings.transfer_timeout,
    )

    def attempt_put() -> Workflow[None]:
        response = yield from call_storage(replace(put, timeout=settings.bound(put.timeout)))
        if not response.is_success:
            raise status_error(response)

    yield from retrying(attempt_put, settings=settings, idempotent=True)
    confirm = ApiCall(
        operation=CONFIRM_ASSET_UPLOAD,
        args=(path_id(asset_id),),
        kwargs={"body": AssetUploadConfirm(folder_id=None)},
        timeout=timeout,
    )
    asset = json_object((yield from request_api(confirm, settings, idempotent=False)).response)
    confirmed_id = asset.get("id")
    return f"runflow://assets/{confirmed_id if isinstance(confirmed_id, str) else asset_id}"


def resolve_image(value: ImageInput, settings: Settings, *, timeout: Timeout | None) -> Workflow[str]:
    """An ``image_urls``/``reference_image_N`` value: references pass through, local images are inlined
    as a data URI or, above ``settings.inline_image_bytes``, uploaded."""
    if isinstance(value, str) and is_reference(value):
        return value
    blob = yield from offload(partial(load_image, value, max_bytes=MAX_UPLOAD_BYTES))
    if len(blob.data) <= settings.inline_image_bytes:
        return blob.data_uri()
    return (yield from _upload(blob, settings, timeout=timeout))


def prepare_input(
    model: KleinModel,
    model_input: Mapping[str, Any],
    images: Sequence[ImageInput],
    settings: Settings,
    *,
    timeout: Timeout | None,
) -> Workflow[dict[str, Any]]:
    """``model_input`` with ``images`` appended to ``image_urls`` and every image value resolved."""
    prepared = dict(model_input)
    given = prepared.get("image_urls") or []
    # A lone string/bytes/path is one image, not a sequence of characters.
    existing = [given] if isinstance(given, str | bytes | os.PathLike) else list(given)
    sources: list[ImageInput] = existing + list(images)
    if sources:
        if not model.is_edit:
            raise ValueError(f"{model.id} is text-to-image and takes no input images")
        resolved: list[str] = []
        for item in sources:
            resolved.append((yield from resolve_image(item, settings, timeout=timeout)))
        prepared["image_urls"] = resolved
    for name in _IMAGE_FIELDS:
        if prepared.get(name) is not None:
            prepared[name] = yield from resolve_image(prepared[name], settings, timeout=timeout)
    return prepared


# ---- Downloads ----


def suffix_for(content_type: str | None, url: str, fallback: str) -> str:
    """A file suffix from the Content-Type, else the URL path, else ``fallback``."""
    if content_type:
        known = _SUFFIXES.get(content_type.split(";")[0].strip().lower())
        if known:
            return known
    path_suffix = PurePosixPath(httpx.URL(url).path).suffix.lower()
    if path_suffix in {".png", ".jpg", ".jpeg", ".webp", ".gif"}:
        return path_suffix
    return fallback


def download(
    output: RunOutput | str, settings: Settings, *, directory: Path, stem: str, timeout: Timeout | None
) -> Workflow[Path]:
    """Download one output (a :class:`RunOutput` or URL) with retries; never sends the API key."""
    url = output if isinstance(output, str) else output.url
    content_type = None if isinstance(output, str) else output.content_type
    effect = Download(
        url=url,
        directory=directory,
        stem=stem,
        fallback_suffix=suffix_for(content_type, url, ".bin"),
        timeout=timeout or settings.transfer_timeout,
    )
    return (yield from retrying(partial(download_to, effect), settings=settings, idempotent=True))
