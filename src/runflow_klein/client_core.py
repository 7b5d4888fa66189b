"""Everything ``KleinClient`` and ``AsyncKleinClient`` share, so that each piece exists once.

Why a core: the two clients used to be near-copies, and the copies included security-relevant wiring
(which httpx client carries the API key, the raw-response fallback when the generated parser chokes, the
``.part`` download). A client shell (:mod:`runflow_klein.client`, :mod:`runflow_klein.async_client`) now
only declares the public methods with its ``def`` or ``async def`` signatures, takes each method's
workflow from :class:`ClientCore`, and drives it with its effect performer, whose I/O is one blocking or
awaited call inside the context managers below, e.g.::

    with core.api_exchange(call) as exchange:
        detailed = await call.operation.asyncio(*call.args, client=api, **call.kwargs)
        exchange.parsed = detailed.parsed
    return exchange.result()
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TypedDict

import httpx
from runflow_klein_client import Client as GeneratedClient

from . import workflows
from .config import ClientConfig
from .durations import RunDurations
from .effects import PARSE_ERRORS, ApiCall, ApiResult, Download, Workflow, connection_error
from .images import ImageInput
from .klein_models import KleinModel
from .polling import PollSchedule
from .receiver import CallbackReceiver, CallbackSubscription
from .responses import status_error
from .retries import RetryPolicy
from .runs import RunOutput, RunView
from .transport import CallScope, Timeout, call_scope

__all__ = ["ApiExchange", "ClientCore", "HttpOptions", "save_output", "subscribe"]


class HttpOptions(TypedDict, total=False):
    """Keyword arguments for ``httpx.Client`` or ``httpx.AsyncClient`` (they take the same ones)."""

    base_url: str
    headers: dict[str, str]
    follow_redirects: bool


class ApiExchange:
    """One generated-operation call in flight: the shell stores the operation's ``parsed`` model here and
    takes the outcome from :meth:`result` once the ``with`` block has ended."""

    def __init__(self, scope: CallScope) -> None:
        self._scope = scope
        self.parsed: object | None = None

    def result(self) -> ApiResult:
        """The raw response (captured by the scoped transport) and the generated model, if it parsed."""
        if self._scope.response is None:  # pragma: no cover - the scoped transport always records it
            raise RuntimeError("no response captured")
        return ApiResult(response=self._scope.response, parsed=self.parsed)


class ClientCore:
    """The configuration of one client and what its public methods do; the options are documented on
    :class:`runflow_klein.KleinClient`."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | Timeout | None,
        max_retries: int | None,
        retry: RetryPolicy | None,
        poll: PollSchedule | None,
        inline_image_bytes: int,
        clock: Callable[[], float],
        durations: RunDurations | None = None,
    ) -> None:
        self.config = ClientConfig.resolve(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            poll=poll,
            clock=clock,
            inline_image_bytes=inline_image_bytes,
            durations=durations,
        )

    def describe(self, client: object) -> str:
        """The ``repr`` of ``client``: its class and base URL, never its API key."""
        return f"{type(client).__name__}(base_url={self.config.base_url!r})"

    # ---- Wiring: both httpx clients share one pool (the shell's transport) ----

    def api_options(self) -> HttpOptions:
        """The API client's options: the only place the API key is attached."""
        return {"base_url": self.config.base_url, "headers": self.config.api_headers()}

    def storage_options(self) -> HttpOptions:
        """The storage client's options (presigned uploads, output URLs): no API key, because storage hosts
        must never see it; redirects are followed, as storage hosts may send them."""
        return {"headers": {"User-Agent": self.config.api_headers()["User-Agent"]}, "follow_redirects": True}

    def generated_client(self) -> GeneratedClient:
        """The generated client, for the shell to hand its API httpx client (sync or async)."""
        return GeneratedClient(base_url=self.config.base_url)

    # ---- The workflows behind the public methods (documented on KleinClient) ----

    def submit(
        self,
        model: str | KleinModel,
        model_input: Mapping[str, Any],
        *,
        images: Sequence[ImageInput],
        client_ref: str | None,
        metadata: Mapping[str, Any] | None,
        callback_url: str | None,
        timeout: float | Timeout | None,
    ) -> Workflow[RunView]:
        """The workflow of ``submit``."""
        return workflows.submit(
            model,
            model_input,
            self.config.settings,
            images=images,
            client_ref=client_ref,
            metadata=metadata,
            callback_url=callback_url,
            timeout=self._timeout(timeout),
        )

    def wait(
        self,
        run: str | RunView,
        *,
        wait_timeout: float,
        on_progress: workflows.ProgressCallback | None,
        raise_on_failure: bool,
        callback: CallbackSubscription | None,
        callback_grace: float,
        timeout: float | Timeout | None,
    ) -> Workflow[RunView]:
        """The workflow of ``wait``: a :class:`RunView` is the first known state, a string only an id."""
        return workflows.wait_for_run(
            run.id if isinstance(run, RunView) else run,
            self.config.settings,
            initial=run if isinstance(run, RunView) else None,
            subscription=callback,
            callback_grace=callback_grace,
            wait_timeout=wait_timeout,
            on_progress=on_progress,
            raise_on_failure=raise_on_failure,
            timeout=self._timeout(timeout),
        )

    def run(
        self,
        model: str | KleinModel,
        model_input: Mapping[str, Any],
        *,
        images: Sequence[ImageInput],
        client_ref: str | None,
        metadata: Mapping[str, Any] | None,
        subscription: CallbackSubscription | None,
        callback_grace: float,
        wait_timeout: float,
        on_progress: workflows.ProgressCallback | None,
        raise_on_failure: bool,
        timeout: float | Timeout | None,
    ) -> Workflow[RunView]:
        """The workflow of ``run``: ``submit`` (with the subscription's URL as ``callback_url``), then
        ``wait`` on the subscription, both within ``wait_timeout``."""
        return workflows.run(
            model,
            model_input,
            self.config.settings,
            images=images,
            client_ref=client_ref,
            metadata=metadata,
            subscription=subscription,
            callback_grace=callback_grace,
            wait_timeout=wait_timeout,
            on_progress=on_progress,
            raise_on_failure=raise_on_failure,
            timeout=self._timeout(timeout),
        )

    def get_run(self, run_id: str, *, timeout: float | Timeout | None) -> Workflow[RunView]:
        """The workflow of ``get_run``."""
        return workflows.fetch_run(run_id, self.config.settings, timeout=self._timeout(timeout))

    def download(
        self, output: RunOutput | str, *, directory: str | Path, stem: str, timeout: float | Timeout | None
    ) -> Workflow[Path]:
        """The workflow of ``download``: a number as ``timeout`` replaces the (longer) transfer timeout's
        total, not the API timeout's."""
        transfer = self.config.settings.transfer_timeout
        return workflows.download(
            output,
            self.config.settings,
            directory=Path(directory),
            stem=stem,
            timeout=None if timeout is None else Timeout.coerce(timeout, transfer),
        )

    def _timeout(self, timeout: float | Timeout | None) -> Timeout | None:
        return None if timeout is None else Timeout.coerce(timeout, self.config.timeout)

    # ---- Performing effects: the parts that are the same sync and async ----

    @contextmanager
    def api_exchange(self, call: ApiCall) -> Iterator[ApiExchange]:
        """Scope one generated-operation call made in the ``with`` block.

        The call gets its own timeout (the client's unless ``call`` has one) and transport failures become
        our errors. When the generated parser chokes on a status or body it did not expect (an HTML 502,
        Cloudflare's 520) after the response arrived, the error is swallowed: the block ends early and
        :meth:`ApiExchange.result` hands the workflow the raw response with ``parsed=None``.
        """
        with call_scope(call.timeout or self.config.timeout) as scope:
            try:
                yield ApiExchange(scope)
            except httpx.RequestError as exc:
                raise connection_error(exc) from exc
            except PARSE_ERRORS:
                if scope.response is None:
                    raise

    @contextmanager
    def transfer(self, timeout: Timeout | None) -> Iterator[None]:
        """Scope one storage request made in the ``with`` block: the transfer timeout unless the effect has
        one (longer than the API timeout, as up to 50 MB move), and transport failures as our errors."""
        with call_scope(timeout or self.config.settings.transfer_timeout):
            try:
                yield
            except httpx.RequestError as exc:
                raise connection_error(exc) from exc

    @contextmanager
    def download_scope(self, download: Download) -> Iterator[None]:
        """:meth:`transfer` for ``download``, whose directory is created first."""
        download.directory.mkdir(parents=True, exist_ok=True)
        with self.transfer(download.timeout):
            yield


@contextmanager
def save_output(download: Download, response: httpx.Response) -> Iterator[tuple[Path, BinaryIO]]:
    """The file a download's body is written to, and the open handle to write through.

    The name is ``directory/stem`` plus a suffix from the Content-Type. The body goes to ``<name>.part``,
    renamed only once complete, so an interrupted download never leaves a truncated image under the real
    name (and the ``.part`` file is always removed). A non-2xx response raises its status error instead;
    the shell reads that response's body first so the error can quote it.
    """
    if not response.is_success:
        raise status_error(response)
    suffix = workflows.suffix_for(
        response.headers.get("content-type"), download.url, download.fallback_suffix
    )
    target = download.directory / f"{download.stem}{suffix}"
    partial_file = target.with_name(target.name + ".part")
    try:
        with partial_file.open("wb") as handle:
            yield target, handle
        partial_file.replace(target)
    finally:
        partial_file.unlink(missing_ok=True)


def subscribe(
    callback: CallbackReceiver | bool,
    *,
    defer: Callable[[Callable[[], None]], object],
    defer_blocking: Callable[[Callable[[], None]], object],
) -> CallbackSubscription | None:
    """The subscription a ``run(callback=...)`` waits on, or None for ``callback=False``.

    ``callback=True`` starts a receiver for this call alone; a given receiver is shared and left running.
    The subscription's close is handed to ``defer`` and a started receiver's close, which joins the server
    thread, to ``defer_blocking`` (so the async client can keep it off the event loop); both run when the
    shell's exit stack unwinds, the subscription first.
    """
    if callback is False:
        return None
    if isinstance(callback, CallbackReceiver):
        receiver = callback
    else:
        receiver = CallbackReceiver().start()
        defer_blocking(receiver.close)
    subscription = receiver.subscribe()
    defer(subscription.close)
    return subscription
