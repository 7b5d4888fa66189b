"""Turning raw HTTP responses into values and typed errors, whatever the body looks like.

The generated parser assumes every body is the documented JSON and every status is an IANA one; proxies
in front of the API break both assumptions (HTML 502 pages, Cloudflare 520, cut-off bodies). This module
reads the raw ``httpx.Response`` instead and never raises while doing so.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Mapping
from typing import Any

import httpx

from .constants import REQUEST_ID_HEADERS
from .errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnexpectedStatusError,
    ValidationError,
)
from .retries import parse_retry_after

_STATUS_CLASSES: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
}
_EXCERPT_CHARS = 200
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def strip_query(url: httpx.URL | str) -> str:
    """The URL without query and fragment: presigned storage URLs carry their signature there."""
    parsed = httpx.URL(str(url))
    return str(parsed.copy_with(query=None, fragment=None))


def describe_request(response: httpx.Response) -> str:
    """``METHOD url`` of the request that produced ``response``, redacted, or ``""`` if unknown."""
    try:
        request = response.request
    except RuntimeError:  # a Response built by hand has no request attached
        return ""
    return f"{request.method} {strip_query(request.url)}"


def decode_body(response: httpx.Response) -> object:
    """The body as JSON when it parses, else as text (possibly empty)."""
    content = response.content
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return response.text


def request_id_of(response: httpx.Response, body: object = None) -> str | None:
    """Runflow's request id from the documented headers, falling back to a ``request_id`` body field."""
    for name in REQUEST_ID_HEADERS:
        header: str | None = response.headers.get(name)
        if header:
            return header
    if isinstance(body, Mapping):
        from_body = body.get("request_id")
        if isinstance(from_body, str) and from_body:
            return from_body
    return None


def excerpt(text: str) -> str:
    """A one-line, bounded rendering of a non-JSON body: the HTML ``<title>`` if there is one, else the
    text with tags stripped."""
    title = _TITLE.search(text)
    raw = title.group(1) if title else _TAG.sub(" ", text)
    flat = _SPACE.sub(" ", html.unescape(raw)).strip()
    return flat if len(flat) <= _EXCERPT_CHARS else flat[: _EXCERPT_CHARS - 1] + "…"


def _envelope(body: object) -> tuple[str | None, str | None, list[Mapping[str, Any]]]:
    """(code, message, errors) from the documented flat envelope, the nested/proxy shapes the JS SDK
    also accepts (``{error: {code, message}}``, ``{error: "text"}``), or a FastAPI default body
    (``{detail: "text"}``, or for a 422 ``{detail: [{loc, msg, type}]}``, the field errors)."""
    if not isinstance(body, Mapping):
        return None, None, []
    nested = body.get("error")
    source: Mapping[str, Any] = nested if isinstance(nested, Mapping) else body
    code = source.get("code", body.get("code"))
    message = source.get("message")
    if message is None and isinstance(nested, str):
        message = nested
    if message is None and isinstance(body.get("detail"), str):
        message = body["detail"]
    errors = body.get("errors")
    if not isinstance(errors, list) and isinstance(body.get("detail"), list):
        errors = body["detail"]
    items = [item for item in errors if isinstance(item, Mapping)] if isinstance(errors, list) else []
    return (
        code if isinstance(code, str) else None,
        message if isinstance(message, str) else None,
        items,
    )


def field_problem(path: str, reason: str) -> str:
    """One field-level problem as every message of the runtime and the CLI words it: ``path: reason``."""
    return f"{path}: {reason}" if path else reason


def describe_field_error(item: Mapping[str, Any]) -> str:
    """An ``errors[]`` entry as ``path: reason``, whichever shape it has: FastAPI's ``{loc, msg}`` or a
    flat ``{field|path|param, message|msg|reason}`` (the spec leaves the items free-form)."""
    location = item.get("loc", item.get("field", item.get("path", item.get("param"))))
    if isinstance(location, list | tuple):
        path = ".".join(str(part) for part in location)
    else:
        path = str(location) if location is not None else ""
    reason = next(
        (item[key] for key in ("msg", "message", "reason", "detail") if isinstance(item.get(key), str)),
        None,
    )
    return field_problem(path, reason if reason is not None else excerpt(json.dumps(item, default=str)))


def status_error(response: httpx.Response) -> APIStatusError:
    """The typed error for a non-2xx response, with a message that says what actually came back."""
    status = response.status_code
    body = decode_body(response)
    code, api_message, errors = _envelope(body)
    request_id = request_id_of(response, body)

    if api_message is not None:
        summary = api_message
    elif isinstance(body, str) and body.strip():
        kind = "HTML page" if "<html" in body.lower() else "non-JSON body"
        summary = f"{kind}: {excerpt(body)}"
    elif body is None:
        summary = "empty body"
    else:
        summary = f"unexpected JSON body: {excerpt(json.dumps(body))}"

    if errors:  # the field errors say what is wrong where the message is often generic
        summary += " [" + "; ".join(describe_field_error(item) for item in errors) + "]"
    reason = response.reason_phrase or "Unknown Status"
    where = describe_request(response)
    message = f"{status} {reason}" + (f" from {where}" if where else "") + f": {summary}"
    details = [f"code={code}"] if code else []
    if request_id:
        details.append(f"request_id={request_id}")
    if details:
        message += f" ({', '.join(details)})"

    common: dict[str, Any] = {
        "status_code": status,
        "code": code,
        "api_message": api_message,
        "request_id": request_id,
        "body": body,
        "response": response,
    }
    if status == 422:
        return ValidationError(message, errors=errors, **common)
    if status == 429:
        retry_after = parse_retry_after(response.headers, now=time.time())
        return RateLimitError(message, retry_after=retry_after, **common)
    if status >= 500:
        return ServerError(message, **common)
    return _STATUS_CLASSES.get(status, UnexpectedStatusError)(message, **common)
