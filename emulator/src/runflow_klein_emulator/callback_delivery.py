"""Signed callback delivery with bounded retries, recorded for the delivery-history endpoint.

Only loopback destinations are ever contacted: the emulator runs on machines that must not send
traffic anywhere else, so any other ``callback_url`` is recorded as a failed delivery with
``failure_reason_code="destination_not_allowed"`` and no attempt. The HTTP client ignores proxy
environment variables and never follows redirects for the same reason.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from runflow_klein.callbacks import callback_signature

_MAX_RECORDED_BODY = 1024


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs naming localhost or a loopback IP literal (never resolved via DNS)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Attempt:
    number: int
    created_at: datetime
    status_code: int | None = None
    response_body: str | None = None
    response_time_ms: int | None = None
    error_message: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class Delivery:
    """One delivery of a payload (automatic at completion, or a manual redelivery)."""

    run_id: str
    callback_url: str
    body: bytes
    payload: dict[str, Any]
    is_automatic: bool
    max_attempts: int
    signing_secret_id: str | None
    signature: str | None
    status: str = "pending"
    failure_reason_code: str | None = None
    failure_detail: str | None = None
    next_attempt_at: datetime | None = None
    completed_at: datetime | None = None
    attempts: list[Attempt] = field(default_factory=list)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    request_id: str = field(default_factory=lambda: f"req_{uuid.uuid4().hex}")
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_json(self) -> dict[str, Any]:
        """The documented CallbackDelivery object."""
        return {
            "id": self.id,
            "run_id": self.run_id,
            "callback_url": self.callback_url,
            "payload_bytes": self.body.decode(),
            "payload": self.payload,
            "signing_secret_id": self.signing_secret_id,
            "is_automatic": self.is_automatic,
            "status_code": self.status,
            "failure_reason_code": self.failure_reason_code,
            "failure_detail": self.failure_detail,
            "attempt_count": len(self.attempts),
            "max_attempts": self.max_attempts,
            "next_attempt_at": _iso(self.next_attempt_at),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "completed_at": _iso(self.completed_at),
            "attempts": [
                {
                    "id": attempt.id,
                    "delivery_id": self.id,
                    "attempt_number": attempt.number,
                    "status_code": attempt.status_code,
                    "response_body": attempt.response_body,
                    "response_time_ms": attempt.response_time_ms,
                    "error_message": attempt.error_message,
                    "created_at": _iso(attempt.created_at),
                }
                for attempt in self.attempts
            ],
        }


class CallbackSender:
    """Posts deliveries, signing them with the current secret and retrying on failure."""

    def __init__(self, *, secret: str | None, retry_delays: tuple[float, ...], timeout: float) -> None:
        self.secret = secret
        self.secret_id: str | None = str(uuid.uuid4()) if secret else None
        self._retry_delays = retry_delays
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def rotate(self, secret: str) -> str:
        """Make ``secret`` the signing secret (``POST /v1/callback-secrets``); return its id."""
        self.secret = secret
        self.secret_id = str(uuid.uuid4())
        return self.secret_id

    def new_delivery(
        self, *, run_id: str, callback_url: str, payload: dict[str, Any], automatic: bool
    ) -> Delivery:
        # Payload and signature are frozen once, so every retry resends identical signed bytes.
        body = json.dumps(payload, separators=(",", ":")).encode()
        return Delivery(
            run_id=run_id,
            callback_url=callback_url,
            body=body,
            payload=payload,
            is_automatic=automatic,
            max_attempts=len(self._retry_delays) + 1,
            signing_secret_id=self.secret_id,
            signature=None if self.secret is None else callback_signature(body, self.secret),
        )

    async def deliver(self, delivery: Delivery) -> None:
        """Try until a 2xx answer or the attempts run out, updating ``delivery`` as it goes."""
        if not is_loopback_url(delivery.callback_url):
            self._finish(
                delivery, "failed", "destination_not_allowed", "the emulator only calls loopback URLs"
            )
            return
        headers = {"Content-Type": "application/json", "Runflow-Request-Id": delivery.request_id}
        if delivery.signature is not None:
            headers["Runflow-Signature"] = delivery.signature
        for number in range(1, delivery.max_attempts + 1):
            if number > 1:
                delay = self._retry_delays[number - 2]
                delivery.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay)
                await asyncio.sleep(delay)
                delivery.next_attempt_at = None
            attempt = Attempt(number=number, created_at=datetime.now(UTC))
            delivery.attempts.append(attempt)
            delivery.updated_at = attempt.created_at
            if await self._attempt(delivery, attempt, headers):
                self._finish(delivery, "succeeded", None, None)
                return
        last = delivery.attempts[-1]
        reason = "http_error" if last.status_code is not None else "connection_error"
        self._finish(delivery, "failed", reason, last.error_message or f"HTTP {last.status_code}")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _attempt(self, delivery: Delivery, attempt: Attempt, headers: dict[str, str]) -> bool:
        started = time.monotonic()
        try:
            response = await self._http().post(delivery.callback_url, content=delivery.body, headers=headers)
        except httpx.HTTPError as exc:
            attempt.error_message = f"{type(exc).__name__}: {exc}"[:_MAX_RECORDED_BODY]
            return False
        finally:
            attempt.response_time_ms = round((time.monotonic() - started) * 1000)
        attempt.status_code = response.status_code
        attempt.response_body = response.text[:_MAX_RECORDED_BODY]
        return response.is_success

    def _http(self) -> httpx.AsyncClient:
        # One client per event loop: the ASGI test transports run the app on short-lived loops.
        # Receivers are loopback-only test servers, typically with self-signed certificates.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = httpx.AsyncClient(
                timeout=self._timeout,
                trust_env=False,
                follow_redirects=False,
                verify=False,  # noqa: S501
            )
            self._client_loop = loop
        return self._client

    @staticmethod
    def _finish(delivery: Delivery, status: str, reason: str | None, detail: str | None) -> None:
        delivery.status = status
        delivery.failure_reason_code = reason
        delivery.failure_detail = detail
        delivery.completed_at = delivery.updated_at = datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
