"""Record live traffic as vcrpy cassettes with every secret removed, never overwriting a recording.

What is removed before anything touches the disk:
- credential headers (Authorization, X-Api-Key, cookies) and ``Runflow-Signature``;
- every query value of every URL found in a body (presigned output URLs carry their signature
  and token there) and the sensitive query parameters of request URLs;
- JSON fields that hold secrets (``plain_secret``, ``secret``, ``token``, ``api_key``);
- the session's API key wherever else it appears.

Only API traffic (``/v1/...``) is recorded: downloads from the storage host are not API operations
and their URLs are signed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import vcr
import yaml
from vcr.request import Request

REDACTED = "REDACTED"
FILTERED_HEADERS = ["authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"]
SECRET_HEADERS = frozenset({"runflow-signature"})
SECRET_FIELDS = frozenset({"plain_secret", "secret", "token", "api_key", "apikey", "access_token"})
SENSITIVE_QUERY = re.compile(
    r"^(x-amz-.*|x-goog-.*|signature|sig|token|access_token|api_key|apikey|key|se|sp|sv)$", re.IGNORECASE
)
URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>]+")


class RecordingExists(Exception):
    """Raised instead of overwriting: a recording, once written, is evidence."""


def redact_query_values(url: str, *, all_query_values: bool) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [
        (name, REDACTED if all_query_values or SENSITIVE_QUERY.match(name) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/:'.,")))


def _redact_json(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: REDACTED if k.lower() in SECRET_FIELDS and v else _redact_json(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_redact_json(item) for item in node]
    if isinstance(node, str):
        return URL_IN_TEXT.sub(lambda m: redact_query_values(m.group(0), all_query_values=True), node)
    return node


def redact_body(body: bytes | str | None, api_key: str) -> bytes | None:
    if body is None:
        return None
    raw = body.encode() if isinstance(body, str) else body
    try:
        text = json.dumps(_redact_json(json.loads(raw)), ensure_ascii=False)
    except (UnicodeDecodeError, json.JSONDecodeError):
        text = URL_IN_TEXT.sub(
            lambda m: redact_query_values(m.group(0), all_query_values=True), raw.decode("latin-1")
        )
    if api_key:
        text = text.replace(api_key, REDACTED)
    return text.encode()


class Redactor:
    """vcrpy's before_record hooks for one session's API key."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key

    def request(self, request: Request) -> Request | None:
        if not urlsplit(request.uri).path.startswith("/v1/"):
            return None
        request.uri = redact_query_values(request.uri, all_query_values=False)
        request.body = redact_body(request.body, self.api_key)
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        headers = {
            name: [REDACTED] if name.lower() in SECRET_HEADERS else values
            for name, values in response["headers"].items()
            if name.lower() not in FILTERED_HEADERS and name.lower() != "content-length"
        }
        body = dict(response["body"])
        body["string"] = redact_body(body.get("string"), self.api_key) or b""
        return {**response, "headers": headers, "body": body}


def stamp_provenance(path: Path, *, base_url: str) -> None:
    """Add ``x-recorded`` (where and when) to every interaction: the provenance of live evidence."""
    doc = yaml.safe_load(path.read_text())
    at = datetime.now(UTC).replace(microsecond=0).isoformat()
    for interaction in doc.get("interactions", []):
        interaction["x-recorded"] = {
            "base_url": redact_query_values(base_url, all_query_values=True),
            "at": at,
        }
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


@contextmanager
def recording(directory: Path | None, name: str, api_key: str, *, base_url: str) -> Iterator[Path | None]:
    """Record everything inside the block to ``directory/name.yaml``; do nothing without a directory."""
    if directory is None:
        yield None
        return
    path = directory / f"{name}.yaml"
    if path.exists():
        raise RecordingExists(
            f"refusing to overwrite the existing recording {path}; record into a new directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    redactor = Redactor(api_key)
    recorder = vcr.VCR(
        record_mode="once",
        filter_headers=FILTERED_HEADERS,
        before_record_request=redactor.request,
        before_record_response=redactor.response,
        decode_compressed_response=True,
    )
    with recorder.use_cassette(str(path)):
        yield path
    if path.exists():
        stamp_provenance(path, base_url=base_url)
