"""The I/O requests that workflows yield, and the two loops (sync, async) that carry them out.

Why this indirection: retry, dispatch reconciliation and waiting are the subtle parts of the runtime, and
they must behave identically in ``KleinClient`` and ``AsyncKleinClient``. Each is written once, as a
generator that *yields* what it needs done (an HTTP call, a sleep, a wait for a callback) and receives the
outcome. The clients only perform effects (each supplies a :class:`Performer`); they contain no
decisions. Tests can also drive a workflow with scripted outcomes, as
``tests/unit/runflow_klein/test_workflows.py`` does.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

import httpx

from .callbacks import CallbackPayload
from .errors import APIConnectionError, APITimeoutError, RunflowError
from .klein_models import Operation
from .receiver import CallbackSubscription
from .responses import strip_query
from .transport import Timeout

__all__ = [
    "PARSE_ERRORS",
    "ApiCall",
    "ApiResult",
    "AwaitCallback",
    "Download",
    "Effect",
    "Offload",
    "Performer",
    "Sleep",
    "StorageCall",
    "Workflow",
    "await_callback",
    "call_api",
    "call_storage",
    "connection_error",
    "download_to",
    "drive_async",
    "drive_sync",
    "offload",
    "perform",
    "sleep",
]

T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

# What the generated parsers raise on bodies/statuses they do not expect (JSONDecodeError is a ValueError,
# HTTPStatus(520) a ValueError, a new enum value a ValueError/TypeError, a missing field a KeyError).
PARSE_ERRORS = (ValueError, TypeError, KeyError, AttributeError)
_URL_QUERY = re.compile(r"(https?://[^\s?#'\"]+)[?#][^\s'\"]*")


@dataclass(frozen=True, kw_only=True)
class ApiCall:
    """Call one generated operation once: ``operation(*args, client=..., **kwargs)``."""

    operation: Operation
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    timeout: Timeout | None = None


@dataclass(frozen=True, kw_only=True)
class ApiResult:
    """The raw response of an :class:`ApiCall`, and the generated model if the generated parser coped."""

    response: httpx.Response
    parsed: object | None


@dataclass(frozen=True, kw_only=True)
class StorageCall:
    """One request to a storage host (presigned upload): never carries the API key."""

    method: str
    url: str
    content: bytes
    headers: Mapping[str, str]
    timeout: Timeout | None = None


@dataclass(frozen=True, kw_only=True)
class Download:
    """Stream ``url`` (no API key) into ``directory/stem<suffix>``; the suffix follows the Content-Type."""

    url: str
    directory: Path
    stem: str
    fallback_suffix: str
    timeout: Timeout | None = None


@dataclass(frozen=True)
class Sleep:
    """Pause for ``seconds`` (performed with the client's injectable ``sleep``)."""

    seconds: float


@dataclass(frozen=True)
class AwaitCallback:
    """Wait up to ``timeout`` seconds for a callback on ``subscription``; outcome: the payload or None."""

    subscription: CallbackSubscription
    timeout: float


@dataclass(frozen=True)
class Offload(Generic[T]):
    """Run blocking local work (reading an image file); the async client runs it on a worker thread."""

    function: Callable[[], T]


Effect = ApiCall | StorageCall | Download | Sleep | AwaitCallback | Offload[Any]
Workflow = Generator[Effect, object, T]


class Performer(Protocol[R_co]):
    """How a client carries out each kind of effect: a sync client returns the outcome, an async one an
    awaitable of it. Each method raises a :class:`RunflowError` for a failure the workflow may handle."""

    def call_api(self, call: ApiCall) -> R_co:
        """Perform ``call``; the outcome is an :class:`ApiResult` whatever the status."""

    def call_storage(self, call: StorageCall) -> R_co:
        """Perform ``call``; the outcome is the fully read ``httpx.Response`` whatever the status."""

    def download(self, download: Download) -> R_co:
        """Stream ``download`` to disk; the outcome is the file's path (a non-2xx raises)."""

    def sleep(self, seconds: float) -> R_co:
        """Pause for ``seconds``."""

    def await_callback(self, wait: AwaitCallback) -> R_co:
        """Wait for the callback; the outcome is its payload, or None when ``wait.timeout`` passed."""

    def offload(self, function: Callable[[], object]) -> R_co:
        """Run blocking local work; the outcome is its result."""


def perform(performer: Performer[R], effect: Effect) -> R:
    """Carry out ``effect`` with ``performer``'s method for its kind: the one dispatch over the union."""
    match effect:
        case ApiCall():
            return performer.call_api(effect)
        case StorageCall():
            return performer.call_storage(effect)
        case Download():
            return performer.download(effect)
        case Sleep(seconds=seconds):
            return performer.sleep(seconds)
        case AwaitCallback():
            return performer.await_callback(effect)
        case Offload(function=function):
            return performer.offload(function)
    raise TypeError(f"unknown effect {effect!r}")  # pragma: no cover - Effect is a closed union


def call_api(effect: ApiCall) -> Workflow[ApiResult]:
    """Yield ``effect`` and return its outcome with its static type."""
    return cast(ApiResult, (yield effect))


def call_storage(effect: StorageCall) -> Workflow[httpx.Response]:
    """Yield ``effect`` and return the (fully read) storage response."""
    return cast(httpx.Response, (yield effect))


def download_to(effect: Download) -> Workflow[Path]:
    """Yield ``effect`` and return the path the file was written to."""
    return cast(Path, (yield effect))


def sleep(seconds: float) -> Workflow[None]:
    """Yield a :class:`Sleep` (skipped for non-positive durations)."""
    if seconds > 0:
        yield Sleep(seconds)


def offload(function: Callable[[], T]) -> Workflow[T]:
    """Run ``function`` as blocking local work and return its result."""
    return cast(T, (yield Offload(function)))


def await_callback(subscription: CallbackSubscription, timeout: float) -> Workflow[CallbackPayload | None]:
    """Wait for ``subscription``'s callback; None when ``timeout`` passed first."""
    return cast(CallbackPayload | None, (yield AwaitCallback(subscription, max(timeout, 0.0))))


def connection_error(exc: httpx.RequestError) -> APIConnectionError:
    """Our error for an httpx transport failure, with URLs stripped of their (possibly signed) query."""
    try:
        where = f" during {exc.request.method} {strip_query(exc.request.url)}"
    except RuntimeError:  # the exception carries no request
        where = ""
    # Only when no connection was ever made is the request guaranteed not to have reached the server.
    sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    detail = _URL_QUERY.sub(r"\1", str(exc)) or exc.__class__.__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"timed out{where}: {detail}", request_sent=sent)
    return APIConnectionError(f"connection failed{where}: {detail}", request_sent=sent)


def drive_sync(workflow: Workflow[T], run_effect: Callable[[Effect], object]) -> T:
    """Run ``workflow`` to completion, performing each effect with ``run_effect``. RunflowErrors raised by
    an effect are thrown back into the workflow (which may handle them, e.g. to retry)."""
    try:
        effect = next(workflow)
        while True:
            try:
                outcome = run_effect(effect)
            except RunflowError as exc:
                effect = workflow.throw(exc)
            else:
                effect = workflow.send(outcome)
    except StopIteration as finished:
        return cast(T, finished.value)
    finally:
        workflow.close()


async def drive_async(workflow: Workflow[T], run_effect: Callable[[Effect], Awaitable[object]]) -> T:
    """The asyncio twin of :func:`drive_sync`."""
    try:
        effect = next(workflow)
        while True:
            try:
                outcome = await run_effect(effect)
            except RunflowError as exc:
                effect = workflow.throw(exc)
            else:
                effect = workflow.send(outcome)
    except StopIteration as finished:
        return cast(T, finished.value)
    finally:
        workflow.close()
