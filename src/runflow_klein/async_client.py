"""``AsyncKleinClient``: the asyncio twin of :class:`runflow_klein.KleinClient`, same API with ``await``.

Decisions come from the same :mod:`runflow_klein.workflows`, and everything else from the same
:mod:`runflow_klein.client_core`, as the sync client; only the effects are performed asynchronously.
Blocking local work (reading an image file, waiting for a callback on the receiver thread, stopping a
receiver) runs on a worker thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import httpx

from .callbacks import CallbackPayload
from .client_core import ClientCore, save_output, subscribe
from .constants import DEFAULT_CALLBACK_GRACE, DEFAULT_INLINE_IMAGE_BYTES, DEFAULT_WAIT_TIMEOUT
from .durations import RunDurations
from .effects import ApiCall, ApiResult, AwaitCallback, Download, StorageCall, Workflow, drive_async, perform
from .images import ImageInput
from .klein_models import KleinModel
from .polling import PollSchedule
from .receiver import CallbackReceiver, CallbackSubscription
from .retries import RetryPolicy
from .runs import RunOutput, RunView
from .transport import AsyncScopedTransport, Timeout, default_async_transport

__all__ = ["AsyncKleinClient"]

T = TypeVar("T")


class AsyncKleinClient:
    """Asynchronous Runflow klein client; see :class:`runflow_klein.KleinClient` for the options.

    ``sleep`` is an awaitable sleep (default ``anyio.sleep``) so tests can inject a fake one.
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
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        clock: Callable[[], float] = anyio.current_time,
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
        self._io = _AsyncPerformer(self._core, transport or default_async_transport(), sleep)

    def __repr__(self) -> str:
        return self._core.describe(self)

    # ---- Public API ----

    async def submit(
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
        """See :meth:`runflow_klein.KleinClient.submit`."""
        workflow = self._core.submit(
            model,
            input,
            images=images,
            client_ref=client_ref,
            metadata=metadata,
            callback_url=callback_url,
            timeout=timeout,
        )
        return await self._drive(workflow)

    async def wait(
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
        """See :meth:`runflow_klein.KleinClient.wait`."""
        workflow = self._core.wait(
            run,
            wait_timeout=wait_timeout,
            on_progress=on_progress,
            raise_on_failure=raise_on_failure,
            callback=callback,
            callback_grace=callback_grace,
            timeout=timeout,
        )
        return await self._drive(workflow)

    async def run(
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
        """See :meth:`runflow_klein.KleinClient.run`."""
        async with AsyncExitStack() as stack:
            subscription = subscribe(
                callback,
                defer=stack.callback,
                defer_blocking=lambda close: stack.push_async_callback(anyio.to_thread.run_sync, close),
            )
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
            return await self._drive(workflow)

    async def get_run(self, run_id: str, *, timeout: float | Timeout | None = None) -> RunView:
        """See :meth:`runflow_klein.KleinClient.get_run`."""
        return await self._drive(self._core.get_run(run_id, timeout=timeout))

    async def download(
        self,
        output: RunOutput | str,
        *,
        directory: str | Path,
        stem: str,
        timeout: float | Timeout | None = None,
    ) -> Path:
        """See :meth:`runflow_klein.KleinClient.download`."""
        workflow = self._core.download(output, directory=directory, stem=stem, timeout=timeout)
        return await self._drive(workflow)

    async def aclose(self) -> None:
        """Close the connection pools."""
        await self._io.aclose()

    async def __aenter__(self) -> AsyncKleinClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _drive(self, workflow: Workflow[T]) -> T:
        return await drive_async(workflow, partial(perform, self._io))


class _AsyncPerformer:
    """Performs effects on the event loop: httpx's async client, the injected async ``sleep``, blocking
    local work on a worker thread. Implements :class:`runflow_klein.effects.Performer`."""

    def __init__(
        self,
        core: ClientCore,
        transport: httpx.AsyncBaseTransport,
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self._core = core
        self._sleep = sleep
        shared = AsyncScopedTransport(transport)
        self._http = httpx.AsyncClient(transport=shared, **core.api_options())
        self._storage = httpx.AsyncClient(transport=shared, **core.storage_options())
        self._api = core.generated_client().set_async_httpx_client(self._http)

    async def call_api(self, call: ApiCall) -> ApiResult:
        with self._core.api_exchange(call) as exchange:
            detailed = await call.operation.asyncio(*call.args, client=self._api, **call.kwargs)
            exchange.parsed = detailed.parsed
        return exchange.result()

    async def call_storage(self, call: StorageCall) -> httpx.Response:
        with self._core.transfer(call.timeout):
            return await self._storage.request(
                call.method, call.url, content=call.content, headers=dict(call.headers)
            )

    async def download(self, download: Download) -> Path:
        with self._core.download_scope(download):
            async with self._storage.stream("GET", download.url) as response:
                if not response.is_success:
                    await response.aread()  # for the status error to quote
                with save_output(download, response) as (target, file):
                    async for chunk in response.aiter_bytes():
                        file.write(chunk)
        return target

    async def sleep(self, seconds: float) -> None:
        await self._sleep(seconds)

    async def await_callback(self, wait: AwaitCallback) -> CallbackPayload | None:
        return await anyio.to_thread.run_sync(wait.subscription.wait, wait.timeout, abandon_on_cancel=True)

    async def offload(self, function: Callable[[], object]) -> object:
        return await anyio.to_thread.run_sync(function)

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._storage.aclose()
