"""Fetch Runflow's public OpenAPI spec into openapi/ and record where it came from.

The vendored spec feeds everything downstream (compose → generate → contract tests), so a fetch
either replaces it with a complete, valid OpenAPI 3.x document or leaves it, and its lock file,
byte-identical. Downloads are bounded in time and size while streaming, so a hung or hostile
server cannot stall CI or fill the disk. The lock records the URL without userinfo or query
string: signed URLs carry their tokens there, and the lock is committed.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import url2pathname

import httpx

from runflow_klein_pipeline.documents import (
    SpecError,
    atomic_write,
    dump_json,
    sha256_bytes,
    validate_openapi,
)
from runflow_klein_pipeline.layout import UPSTREAM_LOCK, UPSTREAM_SPEC

DEFAULT_URL = "https://docs.runflow.io/api/openapi.public.json"
URL_ENV = "RUNFLOW_SPEC_URL"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
CHUNK_SIZE = 64 * 1024
# Validator messages can quote the whole document; an error line has to stay readable.
MESSAGE_LIMIT = 300


@dataclass(frozen=True)
class Fetched:
    """The body of a successful fetch and the media type the server claimed for it."""

    data: bytes
    content_type: str | None


def strip_credentials(url: str) -> str:
    """``url`` without userinfo, query or fragment, which is where credentials and tokens live."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MESSAGE_LIMIT else flat[: MESSAGE_LIMIT - 1] + "…"


def _too_large(what: str, max_bytes: int) -> SpecError:
    return SpecError(f"{what} is larger than {max_bytes} bytes (raise --max-bytes if that is expected)")


def _read_file(url: str, *, max_bytes: int) -> Fetched:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise SpecError(
            f"file URLs must name a local path, not host {parts.netloc!r}: {strip_credentials(url)}"
        )
    path = Path(url2pathname(parts.path))
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise _too_large(str(path), max_bytes)
    return Fetched(data, None)


def _download(
    url: str, *, timeout: float, max_bytes: int, clock: Callable[[], float], headers: Mapping[str, str]
) -> Fetched:
    shown = strip_credentials(url)
    deadline = clock() + timeout
    try:
        with (
            httpx.Client(
                timeout=httpx.Timeout(timeout),
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers={"Accept": "application/json", **headers},
            ) as client,
            client.stream("GET", url) as response,
        ):
            where = strip_credentials(str(response.url))
            if response.status_code != 200:
                raise SpecError(f"{where} answered HTTP {response.status_code} {response.reason_phrase}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(f"{where} (Content-Length {declared})", max_bytes)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes(CHUNK_SIZE):
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(where, max_bytes)
                if clock() > deadline:
                    raise SpecError(f"{where} did not finish within {timeout:g} s")
                chunks.append(chunk)
            return Fetched(b"".join(chunks), response.headers.get("content-type"))
    except httpx.TimeoutException as exc:
        raise SpecError(f"timed out after {timeout:g} s fetching {shown} ({type(exc).__name__})") from exc
    except httpx.TooManyRedirects as exc:
        raise SpecError(f"{shown} redirected more than {MAX_REDIRECTS} times") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise SpecError(f"cannot fetch {shown}: {type(exc).__name__}: {_one_line(str(exc))}") from exc


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    clock: Callable[[], float] = time.monotonic,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """Fetch ``url`` (https, http or file) within ``timeout`` seconds and ``max_bytes`` bytes.

    ``clock`` measures the overall deadline; it is a parameter so tests need not sleep. ``headers`` are
    sent with an http(s) request (an ``Authorization`` header for the model catalog): they appear in no
    message, and httpx drops ``Authorization`` on a redirect to another origin.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        return _read_file(url, max_bytes=max_bytes)
    if scheme in ("http", "https"):
        return _download_with_secret_headers(
            url, timeout=timeout, max_bytes=max_bytes, clock=clock, headers=headers or {}
        )
    got = f"URL scheme {scheme!r}" if scheme else "no URL scheme"
    raise SpecError(f"unsupported {got} in {strip_credentials(url)!r}; use https://, http:// or file://")


def _download_with_secret_headers(
    url: str, *, timeout: float, max_bytes: int, clock: Callable[[], float], headers: Mapping[str, str]
) -> Fetched:
    """:func:`_download`, with every header value kept out of its error messages.

    httpx quotes a header it refuses (``Illegal header value b'Bearer rf_live_…\\n'``), and a key that is
    not ASCII fails before any request; either message would otherwise carry the secret into reports.
    """
    try:
        return _download(url, timeout=timeout, max_bytes=max_bytes, clock=clock, headers=headers)
    except UnicodeEncodeError:
        raise SpecError(f"cannot fetch {strip_credentials(url)}: a request header is not ASCII") from None
    except SpecError as exc:
        message = str(exc)
        for value in headers.values():
            for secret in {value, value.strip(), *value.split()}:
                if len(secret) >= 8:
                    message = message.replace(secret, "[redacted]")
        raise SpecError(message) from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def check_spec(fetched: Fetched, *, source: str) -> None:
    """Fail unless the bytes are UTF-8 JSON forming a valid OpenAPI 3.x document."""
    claimed = f" (served as {fetched.content_type})" if fetched.content_type else ""
    try:
        doc = json.loads(fetched.data.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise SpecError(f"{source}{claimed} is not UTF-8: {exc.reason} at byte {exc.start}") from exc
    except ValueError as exc:  # json.JSONDecodeError is a ValueError, as is _reject_constant's
        raise SpecError(f"{source}{claimed} is not JSON: {_one_line(str(exc))}") from exc
    try:
        validate_openapi(doc, what=source)
    except SpecError as exc:
        raise SpecError(_one_line(str(exc))) from exc


def _read_optional(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _restore(path: Path, previous: bytes | None) -> None:
    if previous is None:
        path.unlink(missing_ok=True)
    else:
        atomic_write(path, previous)


def write_spec_and_lock(
    *, out: Path, data: bytes, previous: bytes | None, lock: Path, lock_data: bytes
) -> None:
    """Replace the spec, then the lock; if the lock cannot be written, put the old spec back."""
    spec_changed = data != previous
    try:
        if spec_changed:
            atomic_write(out, data)
        atomic_write(lock, lock_data)
    except OSError as exc:
        problem = f"cannot write {exc.filename or out}: {exc.strerror or exc}"
        if spec_changed:
            try:
                _restore(out, previous)
            except OSError as undo:
                raise SpecError(f"{problem}; restoring {out} also failed: {undo.strerror or undo}") from exc
        raise SpecError(f"{problem}; {out} and {lock} left unchanged") from exc


def _lock_matches(lock: Path, *, url: str, digest: str) -> bool:
    """True if ``lock`` already records this exact fetch (same URL, same bytes)."""
    try:
        doc = json.loads(lock.read_bytes())
    except (OSError, ValueError):
        return False
    return (
        isinstance(doc, dict)
        and doc.get("origin") == "fetched"
        and doc.get("url") == url
        and doc.get("sha256") == digest
    )


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a valid {kind.__name__}: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fetch_spec.py",
        description="Download Runflow's public OpenAPI spec, validate it, and vendor it with a lock file.",
        epilog=f"""\
The spec is written byte-for-byte as served (after HTTP content decoding), atomically, and only
if it is UTF-8 JSON and a valid OpenAPI 3.x document. On any failure the script prints one
'error: ...' line, exits 1, and leaves both the spec and the lock byte-identical. On success the
lock records url (without userinfo or query string), sha256, fetched_at (UTC), origin and bytes,
and one line says whether the spec changed. After a change, run scripts/regenerate.py
(nox -s regenerate).

environment:
  {URL_ENV}  URL to fetch when --url is not given (the nightly drift job sets it)
""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--url",
        default=os.environ.get(URL_ENV) or DEFAULT_URL,
        help=f"https://, http:// or file:// URL of the spec (default: ${URL_ENV}, else {DEFAULT_URL})",
    )
    parser.add_argument(
        "--out", type=Path, default=UPSTREAM_SPEC, help="spec file to write (default: %(default)s)"
    )
    parser.add_argument(
        "--lock", type=Path, default=UPSTREAM_LOCK, help="lock file to write (default: %(default)s)"
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help="seconds allowed to connect, for each read, and for the whole download (default: %(default)g)",
    )
    parser.add_argument(
        "--max-bytes",
        type=_positive(int),
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help="refuse specs larger than N bytes, checked while downloading (default: %(default)s)",
    )
    return parser


def vendor_spec(
    url: str,
    *,
    out: Path = UPSTREAM_SPEC,
    lock: Path = UPSTREAM_LOCK,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> str:
    """Fetch, validate and write the spec and its lock; returns the one-line outcome to show.

    Raises SpecError (with both files byte-identical) on any failure.
    """
    if out.resolve() == lock.resolve():
        raise SpecError(f"--out and --lock must be different files, both are {out}")
    shown = strip_credentials(url)
    previous = _read_optional(out)
    fetched = fetch(url, timeout=timeout, max_bytes=max_bytes)
    check_spec(fetched, source=shown)
    data = fetched.data
    digest = sha256_bytes(data)
    if data == previous and _lock_matches(lock, url=shown, digest=digest):
        # Nothing to record: rewriting fetched_at alone would only add noise to the history.
        return f"unchanged: sha256 {digest} ({len(data)} bytes) from {shown}"
    lock_doc = {
        "url": shown,
        "sha256": digest,
        "fetched_at": utc_now(),
        "origin": "fetched",
        "bytes": len(data),
    }
    write_spec_and_lock(out=out, data=data, previous=previous, lock=lock, lock_data=dump_json(lock_doc))
    if data == previous:
        return f"unchanged: sha256 {digest} ({len(data)} bytes) from {shown}; lock updated"
    old = sha256_bytes(previous) if previous is not None else "(none)"
    return f"changed: sha256 {old} → {digest} ({len(data)} bytes) from {shown}; wrote {out}"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(
        vendor_spec(
            args.url, out=args.out, lock=args.lock, timeout=args.timeout, max_bytes=int(args.max_bytes)
        )
    )
    return 0
