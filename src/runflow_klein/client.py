"""``KleinClient``: run FLUX.2 [klein] models on Runflow and get images back, synchronously.

It wraps the generated ``runflow_klein_client`` by composition: requests go through the generated typed
operations on an httpx client we configure (timeouts, raw-response capture). Every decision lives in
:mod:`runflow_klein.workflows` and everything else both clients share in :mod:`runflow_klein.client_core`;
this shell declares the blocking methods and performs effects in the calling thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx

from .callbacks import CallbackPayload
from .client_core import ClientCore, save_output, subscribe
from .constants import DEFAULT_CALLBACK_GRACE, DEFAULT_INLINE_IMAGE_BYTES, DEFAULT_WAIT_TIMEOUT
from .durations import RunDurations
from .effects import ApiCall, ApiResult, AwaitCallback, Download, StorageCall, Workflow, drive_sync, perform
from .images import ImageInput
from .klein_models import KleinModel
from .polling import PollSchedule
from .receiver import CallbackReceiver, CallbackSubscription
from .retries import RetryPolicy
from .runs import RunOutput, RunView
from .transport import ScopedTransport, Timeout, default_transport

__all__ = ["KleinClient"]

T = TypeVar("T")


class KleinClient:
    """Synchronous Runflow klein client.

    ``api_key`` / ``base_url`` default to ``RUNFLOW_API_KEY`` / ``RUNFLOW_BASE_URL`` (then
    ``https://api.runflow.io``). ``timeout`` is the per-request default (seconds overall, or a
    :class:`Timeout`); every method also takes ``timeout=``. ``sleep`` and ``clock`` are injectable so
    retries and waits can be tested without sleeping. ``durations`` holds what the client learned about
    run durations (pass one :class:`RunDurations` to share it between clients, or one loaded from a
    file; the ``runflow-klein`` CLI keeps one in the user cache directory).
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
        durations: RunDurations | None = None,
    ) -> None:
        self._core = ClientCore(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            poll=poll,
            inline_image_bytes=inline_image_bytes,
            clock=clock,
            durations=durations,
        )
        self._io = _SyncPerformer(self._core, transport or default_transport(), sleep)

    def __repr__(self) -> str:
        return self._core.describe(self)

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
        workflow = self._core.submit(
            model,
            input,
            images=images,
            client_ref=client_ref,
            metadata=metadata,
            callback_url=callback_url,
            timeout=timeout,
        )
        return self._drive(workflow)

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
        workflow = self._core.wait(
            run,
            wait_timeout=wait_timeout,
            on_progress=on_progress,
            raise_on_failure=raise_on_failure,
            callback=callback,
            callback_grace=callback_grace,
            timeout=timeout,
        )
        return self._drive(workflow)

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
            subscription = subscribe(callback, defer=stack.callback, defer_blocking=stack.callback)
            workflow = self._core.run(
                model,
                input,
                images=images,
                client_ref=client_ref,
                metadata=metadata,
                subscription=subscription,
                callback_grace=callback_grace,
                wait_timeout=wait_timeout,
                on_progress=on_progress,
                raise_on_failure=raise_on_failure,
                timeout=timeout,
            )
            return self._drive(workflow)

    def get_run(self, run_id: str, *, timeout: float | Timeout | None = None) -> RunView:
        """``GET /v1/runs/{id}`` (retried on transient failures)."""
        return self._drive(self._core.get_run(run_id, timeout=timeout))

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
        workflow = self._core.download(output, directory=directory, stem=stem, timeout=timeout)
        return self._drive(workflow)

    def close(self) -> None:
        """Close the connection pools."""
        self._io.close()

    def __enter__(self) -> KleinClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _drive(self, workflow: Workflow[T]) -> T:
        return drive_sync(workflow, partial(perform, self._io))


class _SyncPerformer:
    """Performs effects in the calling thread: blocking httpx calls, the injected ``sleep``, local work
    inline. Implements :class:`runflow_klein.effects.Performer`."""

    def __init__(
        self, core: ClientCore, transport: httpx.BaseTransport, sleep: Callable[[float], None]
    ) -> None:
        self._core = core
        self._sleep = sleep
        shared = ScopedTransport(transport)
        self._http = httpx.Client(transport=shared, **core.api_options())
        self._storage = httpx.Client(transport=shared, **core.storage_options())
        self._api = core.generated_client().set_httpx_client(self._http)

    def call_api(self, call: ApiCall) -> ApiResult:
        with self._core.api_exchange(call) as exchange:
            detailed = call.operation.sync(*call.args, client=self._api, **call.kwargs)
            exchange.parsed = detailed.parsed
        return exchange.result()

    def call_storage(self, call: StorageCall) -> httpx.Response:
        with self._core.transfer(call.timeout):
            return self._storage.request(
                call.method, call.url, content=call.content, headers=dict(call.headers)
            )

    def download(self, download: Download) -> Path:
        with self._core.download_scope(download), self._storage.stream("GET", download.url) as response:
            if not response.is_success:
                response.read()  # for the status error to quote
            with save_output(download, response) as (target, file):
                for chunk in response.iter_bytes():
                    file.write(chunk)
        return target

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)

    def await_callback(self, wait: AwaitCallback) -> CallbackPayload | None:
        return wait.subscription.wait(wait.timeout)

    def offload(self, function: Callable[[], object]) -> object:
        return function()

    def close(self) -> None:
        self._http.close()
        self._storage.close()
