"""Reading, writing and resolving the JSON documents of the pipeline (fetch → compose → generate → check).

Every step reports bad input as one clear line, so failures are raised as ``SpecError`` and turned
into ``error: …`` plus a non-zero exit by ``runflow_klein_pipeline.entrypoint.run_main``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

Json = dict[str, Any]
# Where component schemas live, and the methods a path item may hold (OpenAPI 3.1).
SCHEMA_REF = "#/components/schemas/"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class SpecError(Exception):
    """An expected failure with a one-line explanation for the user."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(f"{path} is not valid JSON: {exc}") from exc


def json_text(doc: Any) -> str:
    """The one JSON serialisation of the pipeline (files, reports, stdout), so reruns are byte-identical."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def dump_json(doc: Any) -> bytes:
    """:func:`json_text` as the bytes written to a file."""
    return json_text(doc).encode()


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a sibling temp file and rename, so readers never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the file a normal mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _brief(text: str, limit: int = 300) -> str:
    """First line of a validator message, capped: some quote the entire document."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def resolve_pointer(doc: Any, ref: str) -> Any:
    """Resolve a local JSON pointer such as ``#/components/schemas/Run``."""
    if not ref.startswith("#"):
        raise SpecError(f"only local $refs are supported, got {ref!r}")
    node = doc
    for part in [p for p in ref[1:].split("/") if p]:
        key = part.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(key)] if isinstance(node, list) else node[key]
        except (KeyError, IndexError, ValueError) as exc:
            raise SpecError(f"dangling $ref {ref!r}") from exc
    return node


def deref(doc: Json, node: Any) -> Any:
    """Follow ``$ref`` chains until a concrete node is reached."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise SpecError(f"circular $ref {ref!r}")
        seen.add(ref)
        node = resolve_pointer(doc, ref)
    return node


def validate_openapi(doc: Any, *, what: str) -> None:
    """Raise SpecError unless ``doc`` is a valid OpenAPI 3.x document."""
    # Imported here: the validator takes ~0.5 s to import and most users of specio never validate.
    from openapi_spec_validator import validate  # noqa: PLC0415
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError  # noqa: PLC0415

    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3."):
        raise SpecError(f"{what} is not an OpenAPI 3.x document (no 'openapi: 3.x' field)")
    try:
        validate(doc)
    except OpenAPIValidationError as exc:
        raise SpecError(f"{what} is not a valid OpenAPI document: {_brief(str(exc))}") from exc
    except Exception as exc:  # the validator raises resolver errors of several private types
        detail = _brief(f"{type(exc).__name__}: {exc}")
        raise SpecError(f"{what} is not a valid OpenAPI document: {detail}") from exc
