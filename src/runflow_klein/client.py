"""``KleinClient``: run FLUX.2 [klein] models on Runflow and get images back, synchronously.

It wraps the generated ``runflow_klein_client`` by composition: requests go through the generated typed
operations on an httpx client we configure (timeouts, raw-response capture), and every decision lives in
:mod:`runflow_klein.workflows`, shared with :class:`runflow_klein.AsyncKleinClient`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from runflow_klein_client import Client as GeneratedClient

from . import workflows
from .config import ClientConfig
from .constants import DEFAULT_CALLBACK_GRACE, DEFAULT_INLINE_IMAGE_BYTES, DEFAULT_WAIT_TIMEOUT
from .effects import (
    PARSE_ERRORS,
    ApiCall,
    ApiResult,
    AwaitCallback,
    Download,
    Effect,
    Offload,
    Sleep,
    StorageCall,
    connection_error,
    drive_sync,
)
from .images import ImageInput
from .klein_models import KleinModel
from .polling import PollSchedule
from .receiver import CallbackReceiver, CallbackSubscription
from .responses import status_error
from .retries import RetryPolicy
from .runs import RunOutput, RunView
from .transport import ScopedTransport, Timeout, call_scope, default_transport

__all__ = ["KleinClient"]


class KleinClient:
    """Synchronous Runflow klein client.

    ``api_key`` / ``base_url`` default to ``RUNFLOW_API_KEY`` / ``RUNFLOW_BASE_URL`` (then
    ``https://api.runflow.io``). ``timeout`` is the per-request default (seconds overall, or a
    :class:`Timeout`); every method also takes ``timeout=``. ``sleep`` and ``clock`` are injectable so
    retries and waits can be tested without sleeping.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        poll: PollSchedule | None = None,
        inline_image_bytes: int = DEFAULT_INLINE_IMAGE_BYTES,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = ClientConfig.resolve(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            poll=poll,
            clock=clock,
            inline_image_bytes=inline_image_bytes,
        )
        self._sleep = sleep
        # One connection pool; the API key lives on the API client's headers only, because storage
        # hosts (presigned uploads, output URLs) must never see it.
        shared = ScopedTransport(transport or default_transport())
        self._http = httpx.Client(
            base_url=self._config.base_url, headers=self._config.api_headers(), transport=shared
        )
        self._storage = httpx.Client(
            headers={"User-Agent": self._config.api_headers()["User-Agent"]},
            transport=shared,
            follow_redirects=True,
        )
        self._api = GeneratedClient(base_url=self._config.base_url).set_httpx_client(self._http)

    def __repr__(self) -> str:
        return f"KleinClient(base_url={self._config.base_url!r})"

    # ---- Public API ----

    def submit(
        self,
        model: str | KleinModel,
        input: Mapping[str, Any],
        *,
        images: Sequence[ImageInput] = (),
        client_ref: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        callback_url: str | None = None,
        timeout: float | Timeout | None = None,
    ) -> RunView:
        """Dispatch a run and return it as queued (no waiting). ``images`` are appended to ``image_urls``;
        paths and bytes anywhere in ``image_urls``/``reference_image_N`` are inlined or uploaded. The run
        is created at most once, even if the connection fails mid-request (see :mod:`workflows`)."""
        return drive_sync(
            workflows.submit(
                model,
                input,
                self._config.settings,
                images=images,
                client_ref=client_ref,
                metadata=metadata,
                callback_url=callback_url,
                timeout=self._timeout(timeout),
            ),
            self._perform,
        )

    def wait(
        self,
        run: str | RunView,
        *,
        wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Callable[[RunView], None] | None = None,
        raise_on_failure: bool = True,
        callback: CallbackSubscription | None = None,
        callback_grace: float = DEFAULT_CALLBACK_GRACE,
        timeout: float | Timeout | None = None,
    ) -> RunView:
        """Wait until the run succeeded (returned) or failed/canceled (:class:`RunFailedError`, unless
        ``raise_on_failure`` is False). Raises :class:`WaitTimeoutError` after ``wait_timeout`` seconds.
        ``on_progress`` sees every status change; ``callback`` is the subscription whose URL was sent as
        the run's ``callback_url``."""
        initial = run if isinstance(run, RunView) else None
        run_id = run.id if isinstance(run, RunView) else run
        workflow = workflows.wait_for_run(
            run_id,
            self._config.settings,
            initial=initial,
            subscription=callback,
            callback_grace=callback_grace,
            wait_timeout=wait_timeout,
            on_progress=on_progress,
            raise_on_failure=raise_on_failure,
            timeout=self._timeout(timeout),
        )
        return drive_sync(workflow, self._perform)

    def run(
        self,
        model: str | KleinModel,
        input: Mapping[str, Any],
        *,
        images: Sequence[ImageInput] = (),
        client_ref: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        callback: CallbackReceiver | bool = False,
        callback_grace: float = DEFAULT_CALLBACK_GRACE,
        wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Callable[[RunView], None] | None = None,
        raise_on_failure: bool = True,
        timeout: float | Timeout | None = None,
    ) -> RunView:
        """Dispatch a run and wait for it (:meth:`submit` + :meth:`wait`).

        ``callback=True`` starts a local :class:`CallbackReceiver` for this call (pass a running receiver
        to share one, or to give it a ``public_url``); the wait then ends with one GET as soon as the
        callback arrives, and falls back to polling if none came within ``callback_grace`` seconds.
        """
        with ExitStack() as stack:
            subscription = self._subscribe(callback, stack)
            submitted = self.submit(
                model,
                input,
                images=images,
                client_ref=client_ref,
                metadata=metadata,
                callback_url=subscription.url if subscription else None,
                timeout=timeout,
            )
            return self.wait(
                submitted,
                wait_timeout=wait_timeout,
                on_progress=on_progress,
                raise_on_failure=raise_on_failure,
                callback=subscription,
                callback_grace=callback_grace,
                timeout=timeout,
            )

    def get_run(self, run_id: str, *, timeout: float | Timeout | None = None) -> RunView:
        """``GET /v1/runs/{id}`` (retried on transient failures)."""
        return drive_sync(
            workflows.fetch_run(run_id, self._config.settings, timeout=self._timeout(timeout)), self._perform
        )

    def download(
        self,
        output: RunOutput | str,
        *,
        directory: str | Path,
        stem: str,
        timeout: float | Timeout | None = None,
    ) -> Path:
        """Save one output into ``directory`` as ``stem`` + a suffix from its Content-Type; returns the
        path. The request carries no API key (output URLs are presigned)."""
        workflow = workflows.download(
            output,
            self._config.settings,
            directory=Path(directory),
            stem=stem,
            timeout=None
            if timeout is None
            else Timeout.coerce(timeout, self._config.settings.transfer_timeout),
        )
        return drive_sync(workflow, self._perform)

    def close(self) -> None:
        """Close the connection pools."""
        self._http.close()
        self._storage.close()

    def __enter__(self) -> KleinClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---- Plumbing ----

    def _timeout(self, timeout: float | Timeout | None) -> Timeout | None:
        return None if timeout is None else Timeout.coerce(timeout, self._config.timeout)

    @staticmethod
    def _subscribe(callback: CallbackReceiver | bool, stack: ExitStack) -> CallbackSubscription | None:
        if callback is False:
            return None
        receiver = (
            callback if isinstance(callback, CallbackReceiver) else stack.enter_context(CallbackReceiver())
        )
        subscription = receiver.subscribe()
        stack.callback(subscription.close)
        return subscription

    def _perform(self, effect: Effect) -> object:
        match effect:
            case ApiCall():
                return self._call_api(effect)
            case StorageCall():
                return self._call_storage(effect)
            case Download():
                return self._download(effect)
            case Sleep(seconds=seconds):
                self._sleep(seconds)
                return None
            case AwaitCallback(subscription=subscription, timeout=timeout):
                return subscription.wait(timeout)
            case Offload(function=function):
                return function()
        raise TypeError(f"unknown effect {effect!r}")  # pragma: no cover - Effect is a closed union

    def _call_api(self, call: ApiCall) -> ApiResult:
        with call_scope(call.timeout or self._config.timeout) as scope:
            try:
                detailed = call.operation.sync(*call.args, client=self._api, **call.kwargs)
            except httpx.RequestError as exc:
                raise connection_error(exc) from exc
            except PARSE_ERRORS:
                if scope.response is None:
                    raise
                # The generated parser choked on a status or body it did not expect; keep the raw answer.
                return ApiResult(response=scope.response, parsed=None)
        if scope.response is None:  # pragma: no cover - the scoped transport always records it
            raise RuntimeError("no response captured")
        return ApiResult(response=scope.response, parsed=detailed.parsed)

    def _call_storage(self, call: StorageCall) -> httpx.Response:
        with call_scope(call.timeout or self._config.settings.transfer_timeout):
            try:
                return self._storage.request(
                    call.method, call.url, content=call.content, headers=dict(call.headers)
                )
            except httpx.RequestError as exc:
                raise connection_error(exc) from exc

    def _download(self, effect: Download) -> Path:
        effect.directory.mkdir(parents=True, exist_ok=True)
        with call_scope(effect.timeout or self._config.settings.transfer_timeout):
            try:
                with self._storage.stream("GET", effect.url) as response:
                    if not response.is_success:
                        response.read()
                        raise status_error(response)
                    suffix = workflows.suffix_for(
                        response.headers.get("content-type"), effect.url, effect.fallback_suffix
                    )
                    target = effect.directory / f"{effect.stem}{suffix}"
                    partial_file = target.with_name(target.name + ".part")
                    try:
                        with partial_file.open("wb") as handle:
                            for chunk in response.iter_bytes():
                                handle.write(chunk)
                        partial_file.replace(target)
                    finally:
                        partial_file.unlink(missing_ok=True)
                    return target
            except httpx.RequestError as exc:
                raise connection_error(exc) from exc
