"""``AsyncKleinClient``: the asyncio twin of :class:`runflow_klein.KleinClient`, same API with ``await``.

Decisions (retries, dispatch reconciliation, waiting) come from the same :mod:`runflow_klein.workflows`
as the sync client; only the effects are performed asynchronously. Blocking local work (reading an image
file, waiting for a callback on the receiver thread) runs on a worker thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from types import TracebackType
from typing import Any

import anyio
import anyio.to_thread
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
    drive_async,
)
from .images import ImageInput
from .klein_models import KleinModel
from .polling import PollSchedule
from .receiver import CallbackReceiver, CallbackSubscription
from .responses import status_error
from .retries import RetryPolicy
from .runs import RunOutput, RunView
from .transport import AsyncScopedTransport, Timeout, call_scope, default_async_transport

__all__ = ["AsyncKleinClient"]


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
        shared = AsyncScopedTransport(transport or default_async_transport())
        self._http = httpx.AsyncClient(
            base_url=self._config.base_url, headers=self._config.api_headers(), transport=shared
        )
        self._storage = httpx.AsyncClient(
            headers={"User-Agent": self._config.api_headers()["User-Agent"]},
            transport=shared,
            follow_redirects=True,
        )
        self._api = GeneratedClient(base_url=self._config.base_url).set_async_httpx_client(self._http)

    def __repr__(self) -> str:
        return f"AsyncKleinClient(base_url={self._config.base_url!r})"

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
        return await drive_async(
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
        return await drive_async(workflow, self._perform)

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
            subscription = await self._subscribe(callback, stack)
            submitted = await self.submit(
                model,
                input,
                images=images,
                client_ref=client_ref,
                metadata=metadata,
                callback_url=subscription.url if subscription else None,
                timeout=timeout,
            )
            return await self.wait(
                submitted,
                wait_timeout=wait_timeout,
                on_progress=on_progress,
                raise_on_failure=raise_on_failure,
                callback=subscription,
                callback_grace=callback_grace,
                timeout=timeout,
            )

    async def get_run(self, run_id: str, *, timeout: float | Timeout | None = None) -> RunView:
        """See :meth:`runflow_klein.KleinClient.get_run`."""
        return await drive_async(
            workflows.fetch_run(run_id, self._config.settings, timeout=self._timeout(timeout)), self._perform
        )

    async def download(
        self,
        output: RunOutput | str,
        *,
        directory: str | Path,
        stem: str,
        timeout: float | Timeout | None = None,
    ) -> Path:
        """See :meth:`runflow_klein.KleinClient.download`."""
        workflow = workflows.download(
            output,
            self._config.settings,
            directory=Path(directory),
            stem=stem,
            timeout=None
            if timeout is None
            else Timeout.coerce(timeout, self._config.settings.transfer_timeout),
        )
        return await drive_async(workflow, self._perform)

    async def aclose(self) -> None:
        """Close the connection pools."""
        await self._http.aclose()
        await self._storage.aclose()

    async def __aenter__(self) -> AsyncKleinClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # ---- Plumbing ----

    def _timeout(self, timeout: float | Timeout | None) -> Timeout | None:
        return None if timeout is None else Timeout.coerce(timeout, self._config.timeout)

    @staticmethod
    async def _subscribe(
        callback: CallbackReceiver | bool, stack: AsyncExitStack
    ) -> CallbackSubscription | None:
        if callback is False:
            return None
        if isinstance(callback, CallbackReceiver):
            receiver = callback
        else:
            receiver = CallbackReceiver().start()
            # Stopping joins the server thread: keep that off the event loop.
            stack.push_async_callback(anyio.to_thread.run_sync, receiver.close)
        subscription = receiver.subscribe()
        stack.callback(subscription.close)
        return subscription

    async def _perform(self, effect: Effect) -> object:
        match effect:
            case ApiCall():
                return await self._call_api(effect)
            case StorageCall():
                return await self._call_storage(effect)
            case Download():
                return await self._download(effect)
            case Sleep(seconds=seconds):
                await self._sleep(seconds)
                return None
            case AwaitCallback(subscription=subscription, timeout=timeout):
                return await anyio.to_thread.run_sync(subscription.wait, timeout, abandon_on_cancel=True)
            case Offload(function=function):
                return await anyio.to_thread.run_sync(function)
        raise TypeError(f"unknown effect {effect!r}")  # pragma: no cover - Effect is a closed union

    async def _call_api(self, call: ApiCall) -> ApiResult:
        with call_scope(call.timeout or self._config.timeout) as scope:
            try:
                detailed = await call.operation.asyncio(*call.args, client=self._api, **call.kwargs)
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

    async def _call_storage(self, call: StorageCall) -> httpx.Response:
        with call_scope(call.timeout or self._config.settings.transfer_timeout):
            try:
                return await self._storage.request(
                    call.method, call.url, content=call.content, headers=dict(call.headers)
                )
            except httpx.RequestError as exc:
                raise connection_error(exc) from exc

    async def _download(self, effect: Download) -> Path:
        effect.directory.mkdir(parents=True, exist_ok=True)
        with call_scope(effect.timeout or self._config.settings.transfer_timeout):
            try:
                async with self._storage.stream("GET", effect.url) as response:
                    if not response.is_success:
                        await response.aread()
                        raise status_error(response)
                    suffix = workflows.suffix_for(
                        response.headers.get("content-type"), effect.url, effect.fallback_suffix
                    )
                    target = effect.directory / f"{effect.stem}{suffix}"
                    partial_file = target.with_name(target.name + ".part")
                    try:
                        with partial_file.open("wb") as handle:
                            async for chunk in response.aiter_bytes():
                                handle.write(chunk)
                        partial_file.replace(target)
                    finally:
                        partial_file.unlink(missing_ok=True)
                    return target
            except httpx.RequestError as exc:
                raise connection_error(exc) from exc
