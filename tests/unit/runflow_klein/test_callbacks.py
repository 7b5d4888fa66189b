"""Callback signatures (HMAC-SHA256 of the raw body, rotation) and lenient payload parsing."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from runflow_klein import SignatureVerificationError, parse_callback, verify_signature

SECRET = "whsec_current_0123456789abcdef"
OLD_SECRET = "whsec_previous_fedcba9876543210"
HEX_DIGITS = "0123456789abcdef"
BODY = (
    b'{"event":"run.completed","run_id":"0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b","status":"succeeded",'
    b'"output":{"outputs":[{"url":"https://cdn.example/a.png?sig=x","type":"image"}]},"duration_ms":1840,'
    b'"created_at":"2026-05-06T10:00:00.000+00:00","completed_at":"2026-05-06T10:00:01.840+00:00",'
    b'"metadata":{"order":"42"}}'
)


def signature(body: bytes, secret: str) -> str:
    # Written out from the docs (guides/verify-callback-signatures), independently of the code under test.
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_valid_signature_verifies() -> None:
    verify_signature(BODY, signature(BODY, SECRET), [SECRET])


def test_uppercase_hex_and_surrounding_space_are_accepted() -> None:
    verify_signature(BODY, f" {signature(BODY, SECRET).upper()} ", [SECRET])


def test_either_secret_verifies_during_rotation() -> None:
    verify_signature(BODY, signature(BODY, OLD_SECRET), [SECRET, OLD_SECRET])
    verify_signature(BODY, signature(BODY, SECRET), [SECRET, OLD_SECRET])


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        pytest.param(None, "missing", id="missing"),
        pytest.param("", "missing", id="empty"),
        pytest.param("sha256=" + "0" * 64, "64-character hex", id="prefixed"),
        pytest.param("zz" * 32, "64-character hex", id="not-hex"),
        pytest.param(signature(BODY, "whsec_someone_else"), "matches none", id="wrong-secret"),
        pytest.param(signature(BODY + b" ", SECRET), "matches none", id="body-changed"),
    ],
)
def test_bad_signatures_are_rejected_without_echoing_secrets(header: str | None, reason: str) -> None:
    with pytest.raises(SignatureVerificationError, match=reason) as caught:
        verify_signature(BODY, header, [SECRET, OLD_SECRET])
    for text in (str(caught.value), repr(caught.value)):
        assert SECRET not in text
        assert OLD_SECRET not in text
        assert signature(BODY, SECRET) not in text


@pytest.mark.parametrize("position", range(64))
def test_changing_any_one_hex_digit_is_rejected(position: int) -> None:
    """Every digit counts: a comparison of a prefix (or of all but the last digit) would pass a forgery.

    Each other hex digit is tried at ``position``, in lowercase and uppercase, because the header is
    compared case-insensitively; the valid header in either case is the control.
    """
    valid = signature(BODY, SECRET)
    verify_signature(BODY, valid.upper(), [SECRET])
    for digit in HEX_DIGITS.replace(valid[position], ""):
        forged = valid[:position] + digit + valid[position + 1 :]
        for header in (forged, forged.upper()):
            with pytest.raises(SignatureVerificationError, match="matches none"):
                verify_signature(BODY, header, [SECRET, OLD_SECRET])


def test_secrets_must_be_a_list_not_a_string() -> None:
    with pytest.raises(TypeError):
        verify_signature(BODY, signature(BODY, SECRET), SECRET)
    with pytest.raises(ValueError, match="no callback secrets"):
        verify_signature(BODY, signature(BODY, SECRET), [])


def test_parse_callback_reads_every_documented_field() -> None:
    payload = parse_callback(BODY)
    assert payload.event == "run.completed"
    assert payload.run_id == "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b"
    assert payload.status == "succeeded"
    assert payload.duration_ms == 1840.0
    assert payload.created_at == datetime(2026, 5, 6, 10, 0, 0, tzinfo=UTC)
    assert payload.completed_at == datetime(2026, 5, 6, 10, 0, 1, 840000, tzinfo=UTC)
    assert payload.metadata == {"order": "42"}
    assert payload.output is not None
    assert [output.url for output in payload.outputs] == ["https://cdn.example/a.png?sig=x"]
    assert "sig=x" not in repr(payload)


@pytest.mark.parametrize("spelling", ["canceled", "cancelled"])
def test_both_cancel_spellings_normalize_to_the_run_record_spelling(spelling: str) -> None:
    body = json.dumps({"event": "run.cancelled", "run_id": "r1", "status": spelling, "output": None}).encode()
    payload = parse_callback(body)
    assert payload.status == "canceled"
    assert payload.event == "run.cancelled"
    assert payload.output is None


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ("run.completed", "succeeded"),
        ("run.failed", "failed"),
        ("run.cancelled", "canceled"),
        ("run.partial_succeeded", "partial_succeeded"),
    ],
)
def test_status_is_derived_from_the_event_when_absent(event: str, status: str) -> None:
    assert parse_callback(json.dumps({"event": event, "run_id": "r1"}).encode()).status == status


def test_unknown_events_and_odd_fields_are_tolerated() -> None:
    body = {
        "event": "run.paused",
        "run_id": "r1",
        "output": {"error": {"code": "X"}},
        "duration_ms": "n/a",
        "created_at": "yesterday",
        "metadata": [],
        "new_field": 1,
    }
    payload = parse_callback(json.dumps(body).encode())
    assert payload.event == "run.paused"
    assert payload.status is None
    assert payload.outputs == ()
    assert (payload.duration_ms, payload.created_at, payload.metadata) == (None, None, None)
    assert payload.raw["new_field"] == 1


def test_older_payload_without_event_or_status_parses() -> None:
    payload = parse_callback(b'{"run_id": "r1", "output": {"image_urls": ["https://cdn.example/x.png"]}}')
    assert (payload.event, payload.status) == (None, None)
    assert [output.url for output in payload.outputs] == ["https://cdn.example/x.png"]


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"run_id": 5}', b'{"event": "run.completed"}', b'{"run_id": "r1"']
)
def test_malformed_bodies_are_value_errors(body: bytes) -> None:
    with pytest.raises(ValueError, match="callback body"):
        parse_callback(body)
