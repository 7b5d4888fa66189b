"""Runflow run callbacks: verify the ``Runflow-Signature`` header and parse the payload leniently.

The documented scheme (verify-callback-signatures guide): the header is the lowercase hex HMAC-SHA256 of
the *raw* request body, keyed with the callback secret string exactly as shown once at creation
(``whsec_…``). No timestamp, no prefix. During rotation two secrets are valid at once, so verification
accepts a list.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import SignatureVerificationError
from .runs import RunOutput

__all__ = ["CallbackPayload", "callback_signature", "parse_callback", "verify_signature"]

_HEX_DIGITS = frozenset("0123456789abcdef")
_EVENT_STATUS = {
    "run.completed": "succeeded",
    "run.failed": "failed",
    "run.cancelled": "canceled",
    "run.canceled": "canceled",
    "run.partial_succeeded": "partial_succeeded",
}


def callback_signature(raw_body: bytes, secret: str) -> str:
    """The ``Runflow-Signature`` value Runflow sends for ``raw_body`` under ``secret``."""
    return hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def verify_signature(raw_body: bytes, signature_header: str | None, secrets: Sequence[str]) -> None:
    """Raise :class:`SignatureVerificationError` unless ``signature_header`` is the HMAC of ``raw_body``
    under one of ``secrets``. Every secret is compared in constant time; messages never echo a secret."""
    if isinstance(secrets, str):  # a bare string would be iterated character by character
        raise TypeError("secrets must be a sequence of secret strings, not a single string")
    if not secrets:
        raise ValueError("no callback secrets given to verify against")
    if not signature_header:
        raise SignatureVerificationError("the Runflow-Signature header is missing")
    candidate = signature_header.strip().lower()
    if len(candidate) != 64 or not set(candidate) <= _HEX_DIGITS:
        raise SignatureVerificationError("the Runflow-Signature header is not a 64-character hex digest")
    matches = [hmac.compare_digest(callback_signature(raw_body, secret), candidate) for secret in secrets]
    if not any(matches):
        raise SignatureVerificationError(
            f"the Runflow-Signature header matches none of the {len(secrets)} configured secret(s)"
        )


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@dataclass(frozen=True, kw_only=True)
class CallbackPayload:
    """A run callback. ``event`` is kept as sent (``run.cancelled``, or an event we do not know yet);
    ``status`` is normalized: ``cancelled`` becomes ``canceled`` (the run record's spelling), and when the
    payload has no ``status`` it is derived from a known ``event``."""

    run_id: str
    event: str | None
    status: str | None
    output: Mapping[str, Any] | None = field(repr=False)  # holds presigned URLs
    outputs: tuple[RunOutput, ...]
    duration_ms: float | None
    created_at: datetime | None
    completed_at: datetime | None
    metadata: Mapping[str, Any] | None
    raw: Mapping[str, Any] = field(repr=False)


def parse_callback(raw_body: bytes) -> CallbackPayload:
    """Parse a callback body. Raises ``ValueError`` if it is not a JSON object with a string ``run_id``."""
    try:
        document = json.loads(raw_body)
    except ValueError:
        raise ValueError("callback body is not valid JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("run_id"), str):
        raise ValueError("callback body is not a JSON object with a string run_id")
    event = document.get("event") if isinstance(document.get("event"), str) else None
    status = document.get("status") if isinstance(document.get("status"), str) else None
    if status == "cancelled":
        status = "canceled"
    if status is None and event is not None:
        status = _EVENT_STATUS.get(event)
    output = document.get("output")
    metadata = document.get("metadata")
    return CallbackPayload(
        run_id=document["run_id"],
        event=event,
        status=status,
        output=output if isinstance(output, dict) else None,
        outputs=RunOutput.parse_all(output),
        duration_ms=_number(document.get("duration_ms")),
        created_at=_parse_time(document.get("created_at")),
        completed_at=_parse_time(document.get("completed_at")),
        metadata=metadata if isinstance(metadata, dict) else None,
        raw=document,
    )
