"""The one exception hierarchy of runflow_klein.

The generated client has a single ``UnexpectedStatus`` (off by default) and otherwise *returns* error
models; callers cannot ``except`` their way through that. Everything the runtime raises is below::

    RunflowError
    ├── APIStatusError                  the API (or a proxy in front of it) answered with a non-2xx status
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401
    │   ├── PaymentRequiredError        402
    │   ├── PermissionDeniedError       403
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── ValidationError             422  (.errors: field-level details)
    │   ├── RateLimitError              429  (.retry_after: seconds, when the server said)
    │   ├── ServerError                 >= 500
    │   └── UnexpectedStatusError       anything else (418, 3xx, ...)
    ├── APIConnectionError              no usable response (refused, reset, dropped mid-request)
    │   └── APITimeoutError             a connect or overall timeout fired
    ├── APIResponseValidationError      a 2xx whose body is not the documented JSON
    ├── RunFailedError                  the run ended failed or canceled (.run, .failure_code/_message)
    ├── WaitTimeoutError                the run was still pending when the wait gave up
    ├── SignatureVerificationError      a callback's Runflow-Signature did not verify
    └── ConfigurationError              a bad argument or setting (no API key, a non-http base URL,
                                        an empty run id, a malformed client_ref); also a ValueError

Messages never contain the API key, callback secrets or signed-URL query strings: URLs are shown
without their query, and request headers are never rendered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from .runs import RunView

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RunFailedError",
    "RunflowError",
    "ServerError",
    "SignatureVerificationError",
    "UnexpectedStatusError",
    "ValidationError",
    "WaitTimeoutError",
]


class RunflowError(Exception):
    """Base class of every error raised by runflow_klein."""


class APIStatusError(RunflowError):
    """A non-2xx answer. ``code``/``message`` come from Runflow's ``{code, message, errors}`` envelope when
    the body is one; for HTML or truncated bodies ``message`` is a readable excerpt instead."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None,
        api_message: str | None,
        request_id: str | None,
        body: object,
        response: httpx.Response | None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = api_message
        self.request_id = request_id
        self.body = body
        self.response = response


class BadRequestError(APIStatusError):
    """400: the request was malformed."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, revoked or wrong."""


class PaymentRequiredError(APIStatusError):
    """402: the organisation is out of credit."""


class PermissionDeniedError(APIStatusError):
    """403: the key lacks a scope, or (for a presigned upload) the URL expired."""


class NotFoundError(APIStatusError):
    """404: the run/asset does not exist or belongs to another organisation."""


class ConflictError(APIStatusError):
    """409: a duplicate create or a race on the same resource."""


class ValidationError(APIStatusError):
    """422: the input did not validate; ``errors`` holds the field-level details the API sent."""

    def __init__(self, message: str, *, errors: Sequence[Mapping[str, Any]], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.errors = list(errors)


class RateLimitError(APIStatusError):
    """429: nothing was created; ``retry_after`` is the server's requested delay in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """>= 500 (including non-IANA codes such as Cloudflare's 520): the server or a proxy failed."""


class UnexpectedStatusError(APIStatusError):
    """A status the API does not document (418, 3xx, ...)."""


class APIConnectionError(RunflowError):
    """No usable HTTP response. ``request_sent`` is False only when the request provably never left
    (connection refused, connect timeout): only then is a non-idempotent request safe to replay."""

    def __init__(self, message: str, *, request_sent: bool) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """The connect timeout or the overall per-request timeout fired."""


class APIResponseValidationError(RunflowError):
    """A 2xx response whose body is not the JSON the API documents (an HTML captive portal, a cut-off
    body, a run without an ``id``)."""

    def __init__(self, message: str, *, status_code: int, request_id: str | None, body: object) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.body = body


class RunFailedError(RunflowError):
    """The run reached ``failed`` or ``canceled``/``cancelled``; ``run`` is its last state."""

    def __init__(self, run: RunView) -> None:
        detail = ": ".join(part for part in (run.failure_code, run.failure_message) if part)
        super().__init__(f"run {run.id} {run.status}" + (f" ({detail})" if detail else ""))
        self.run = run
        self.failure_code = run.failure_code
        self.failure_message = run.failure_message


class WaitTimeoutError(RunflowError):
    """The run was still pending when ``wait_timeout`` ran out. The run itself keeps going server-side;
    ``wait()`` it again later with the same ``run_id``. ``run_id`` is None when ``run()`` reached its
    deadline before the dispatch was answered: a run may exist all the same, and ``client_ref`` (the one
    ``run()`` sent, generated if the caller gave none) is the only way to find it."""

    def __init__(
        self, *, run_id: str | None, last_status: str | None, waited: float, client_ref: str | None = None
    ) -> None:
        if run_id is None:
            message = f"no answer to the dispatch after {waited:.1f} s; a run may have been created" + (
                f" (look it up by client_ref {client_ref})" if client_ref else ""
            )
        else:
            message = f"run {run_id} still {last_status or 'unknown'} after waiting {waited:.1f} s"
        super().__init__(message)
        self.run_id = run_id
        self.client_ref = client_ref
        self.last_status = last_status
        self.waited = waited


class SignatureVerificationError(RunflowError):
    """A callback's ``Runflow-Signature`` header was missing, malformed or matched none of the secrets."""


class ConfigurationError(RunflowError, ValueError):
    """A bad argument or setting, found before anything is sent: no API key, a base URL that is not
    http(s), an empty run id, a malformed ``client_ref``.

    Why its own type: the CLI maps it to a usage error (exit 2) instead of repeating each check with
    rules of its own. It is also a ``ValueError``, which these checks raised before, so code that caught
    that keeps working.
    """
