"""A local endpoint that receives run callbacks, so a wait can end the moment the run does.

Each wait subscribes first and gets its own unguessable URL (``/callbacks/<token>``); that URL goes out as
the run's ``callback_url``. A callback that arrives before the dispatch response does is therefore not
lost, and a callback for someone else's token is answered 404. With ``secrets`` every callback must carry
a valid ``Runflow-Signature`` (401 otherwise) before it wakes anyone.
"""

from __future__ import annotations

import secrets as token_source
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from types import TracebackType

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .callbacks import CallbackPayload, parse_callback, verify_signature
from .constants import SIGNATURE_HEADER
from .errors import SignatureVerificationError
from .serving import serve_in_thread

__all__ = ["CallbackReceiver", "CallbackSubscription"]


class CallbackSubscription:
    """One wait's mailbox: the URL to hand to Runflow and the first callback delivered to it."""

    def __init__(self, receiver: CallbackReceiver, token: str, url: str) -> None:
        self._receiver = receiver
        self.token = token
        self.url = url
        self._arrived = threading.Event()
        self._payload: CallbackPayload | None = None

    def deliver(self, payload: CallbackPayload) -> None:
        """Record ``payload`` unless one arrived already (Runflow may deliver the same callback twice)."""
        if not self._arrived.is_set():
            self._payload = payload
            self._arrived.set()

    def wait(self, timeout: float | None) -> CallbackPayload | None:
        """Block until a callback arrived (returning it) or ``timeout`` seconds passed (returning None)."""
        return self._payload if self._arrived.wait(timeout) else None

    def close(self) -> None:
        """Stop accepting callbacks on this URL."""
        self._receiver.unsubscribe(self)


class CallbackReceiver:
    """Starlette + uvicorn on ``host:port`` (port 0: any free port) in a background thread.

    ``public_url`` replaces the local base URL in callback URLs when Runflow must reach the receiver
    through a tunnel or proxy. Use as a context manager, or call :meth:`start` and :meth:`close`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        secrets: Sequence[str] = (),
        public_url: str | None = None,
    ) -> None:
        if isinstance(secrets, str):
            raise TypeError("secrets must be a sequence of secret strings, not a single string")
        self._host = host
        self._port = port
        self._secrets = tuple(secrets)
        self._public_url = public_url.rstrip("/") if public_url else None
        self._subscriptions: dict[str, CallbackSubscription] = {}
        self._lock = threading.Lock()
        self._stack: ExitStack | None = None
        self._base_url: str | None = None
        self.app = Starlette(routes=[Route("/callbacks/{token}", self._receive, methods=["POST"])])

    def __repr__(self) -> str:
        return f"CallbackReceiver(url={self._base_url!r}, verifies_signatures={bool(self._secrets)})"

    @property
    def base_url(self) -> str:
        """The URL prefix callbacks are sent to (``public_url`` if given)."""
        if self._base_url is None:
            raise RuntimeError("the callback receiver is not running; use it as a context manager")
        return self._public_url or self._base_url

    def start(self) -> CallbackReceiver:
        """Start serving (idempotent)."""
        if self._stack is None:
            stack = ExitStack()
            self._base_url = stack.enter_context(serve_in_thread(self.app, host=self._host, port=self._port))
            self._stack = stack
        return self

    def close(self) -> None:
        """Stop serving; pending subscriptions simply never receive anything."""
        if self._stack is not None:
            self._stack.close()
            self._stack = None
            self._base_url = None

    def __enter__(self) -> CallbackReceiver:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def subscribe(self) -> CallbackSubscription:
        """A fresh callback URL whose first valid callback is kept for :meth:`CallbackSubscription.wait`."""
        token = token_source.token_urlsafe(16)
        subscription = CallbackSubscription(self, token, f"{self.base_url}/callbacks/{token}")
        with self._lock:
            self._subscriptions[token] = subscription
        return subscription

    def unsubscribe(self, subscription: CallbackSubscription) -> None:
        """Forget ``subscription``; later callbacks to its URL get a 404."""
        with self._lock:
            self._subscriptions.pop(subscription.token, None)

    async def _receive(self, request: Request) -> JSONResponse:
        body = await request.body()
        with self._lock:
            subscription = self._subscriptions.get(request.path_params["token"])
        if subscription is None:
            return JSONResponse({"error": "unknown callback URL"}, status_code=404)
        if self._secrets:
            try:
                verify_signature(body, request.headers.get(SIGNATURE_HEADER), self._secrets)
            except SignatureVerificationError as exc:
                return JSONResponse({"error": str(exc)}, status_code=401)
        try:
            payload = parse_callback(body)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        subscription.deliver(payload)
        return JSONResponse({"ok": True})
