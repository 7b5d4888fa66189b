"""Read vcrpy / pytest-recording cassettes into plain, typed interactions.

Cassettes are the standard vcrpy YAML format (``version: 1``, ``interactions: [{request, response}]``),
so files recorded live by vcrpy and files written by hand or by ``seed_cassettes.py`` are read the
same way. They are parsed with vcrpy's own safe loader, which understands the few Python tags
vcrpy itself writes and refuses everything else. Keys at the interaction level that vcrpy does not
know (our ``x-source`` / ``x-synthetic`` / ``x-note`` provenance) are kept in ``Interaction.provenance``;
vcrpy ignores them when it replays.

A file that is not a cassette raises ``CassetteError``: the checker treats that as an input error
(exit 2), never as a contract violation.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from vcr.serializers import yamlserializer

CASSETTE_SUFFIXES = (".yaml", ".yml")
CASSETTE_VERSION = 1
Headers = Mapping[str, tuple[str, ...]]


class CassetteError(Exception):
    """The file cannot be read or is not a vcrpy cassette."""


@dataclass(frozen=True)
class Interaction:
    """One recorded request/response pair, with bodies as raw bytes exactly as recorded."""

    cassette: str
    index: int
    method: str
    uri: str
    request_headers: Headers
    request_body: bytes | None
    status: int
    response_headers: Headers
    response_body: bytes
    provenance: Mapping[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The URL path: the only part of the URL used to find the documented operation."""
        return urlsplit(self.uri).path or "/"

    def request_header(self, name: str) -> str | None:
        return _first_header(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        return _first_header(self.response_headers, name)


def _first_header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for key, values in headers.items():
        if key.lower() == wanted and values:
            return values[0]
    return None


def find_cassettes(paths: Iterable[Path]) -> list[Path]:
    """Expand directories to the cassettes below them (sorted); files are taken as given.

    Raises CassetteError for a path that does not exist or a directory without cassettes, so a
    typo in CI fails loudly instead of checking nothing.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in CASSETTE_SUFFIXES)
            if not inside:
                raise CassetteError(f"{path}: no cassettes (*.yaml, *.yml) in this directory")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise CassetteError(f"{path}: no such file or directory")
    return found


def load_cassette(path: Path, *, name: str | None = None) -> list[Interaction]:
    """Read every interaction of the cassette at ``path``; ``name`` labels them (default: the path)."""
    label = name if name is not None else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CassetteError(f"{label}: cannot read: {exc}") from exc
    try:
        data = yamlserializer.deserialize(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CassetteError(f"{label}: not valid YAML: {first}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError(f"{label}: not a cassette (no 'interactions' list)")
    version = data.get("version", CASSETTE_VERSION)
    if version != CASSETTE_VERSION:
        raise CassetteError(f"{label}: unsupported cassette version {version!r}, expected {CASSETTE_VERSION}")
    return [_interaction(label, index, raw) for index, raw in enumerate(data["interactions"])]


def _interaction(label: str, index: int, raw: Any) -> Interaction:
    where = f"{label}#{index}"
    if not isinstance(raw, dict):
        raise CassetteError(f"{where}: interaction is not a mapping")
    request, response = raw.get("request"), raw.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise CassetteError(f"{where}: interaction needs 'request' and 'response' mappings")
    method, uri = request.get("method"), request.get("uri")
    if not isinstance(method, str) or not isinstance(uri, str):
        raise CassetteError(f"{where}: request needs string 'method' and 'uri'")
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        raise CassetteError(f"{where}: response needs an integer 'status.code'")
    body = response.get("body")
    if not isinstance(body, dict) or "string" not in body:
        raise CassetteError(f"{where}: response needs a 'body.string'")
    return Interaction(
        cassette=label,
        index=index,
        method=method.upper(),
        uri=uri,
        request_headers=_headers(where, request.get("headers")),
        request_body=_bytes(where, "request body", request.get("body")),
        status=code,
        response_headers=_headers(where, response.get("headers")),
        response_body=_bytes(where, "response body", body["string"]) or b"",
        provenance={key: value for key, value in raw.items() if str(key).startswith("x-")},
    )


def _headers(where: str, raw: Any) -> dict[str, tuple[str, ...]]:
    """vcrpy stores each header as a list of values; hand-written cassettes often use a bare string."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise CassetteError(f"{where}: headers must be a mapping")
    headers: dict[str, tuple[str, ...]] = {}
    for name, values in raw.items():
        listed = values if isinstance(values, list | tuple) else [values]
        headers[str(name)] = tuple(str(value) for value in listed)
    return headers


def _bytes(where: str, what: str, raw: Any) -> bytes | None:
    """Bodies may be text, ``!!binary`` bytes, null, or an old vcrpy ``BytesIO`` body."""
    if raw is None or isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        return raw.encode("utf-8")
    if isinstance(raw, io.BytesIO):
        return raw.getvalue()
    raise CassetteError(f"{where}: {what} has unsupported type {type(raw).__name__}")


def decode_content(body: bytes, content_encoding: str | None) -> bytes:
    """Undo ``Content-Encoding`` (vcrpy records bodies as they came off the wire).

    Raises ValueError for an encoding we cannot decode or a body that is not validly encoded.
    """
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):  # applied in order, so undone in reverse
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error) as exc:
                raise ValueError("body is not valid gzip") from exc
        elif coding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:
                try:
                    body = zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, sent by some servers
                except zlib.error as exc:
                    raise ValueError("body is not valid deflate") from exc
        else:
            raise ValueError(f"unsupported Content-Encoding {coding!r}")
    return body
