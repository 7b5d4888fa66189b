"""Local image inputs: read them safely and decide how they travel to the API.

A value for ``image_urls`` / ``reference_image_N`` may already be a reference the API understands (an
http(s) URL, a ``data:`` URI, ``runflow://assets/{id}``); those pass through untouched. A path or raw
bytes is read in bounded chunks, identified by its content (Pillow reads the magic bytes; the file name
is never trusted), then inlined as a data URI or, when large, sent through the presigned asset upload.
"""

from __future__ import annotations

import base64
import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .constants import READ_CHUNK_BYTES

__all__ = ["ImageBlob", "ImageInput", "is_reference", "load_image"]

ImageInput = str | os.PathLike[str] | bytes
"""What callers may pass as an image: a URL/asset reference/data URI, a local path, or the bytes."""

# Formats the klein backends are documented (or reasonably expected) to read.
_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
_REFERENCE = re.compile(r"^(https?://\S+|data:image/[a-z0-9.+-]+;base64,|runflow://assets/[0-9a-fA-F-]{36}$)")


def is_reference(value: str) -> bool:
    """Whether ``value`` is already something the API accepts as an image (``KleinImageRef``)."""
    return _REFERENCE.match(value) is not None


@dataclass(frozen=True, kw_only=True)
class ImageBlob:
    """An image read into memory with the MIME type sniffed from its content."""

    data: bytes
    mime_type: str
    filename: str

    def data_uri(self) -> str:
        """``data:<mime>;base64,<payload>``, the inline form the API materializes into storage itself."""
        return f"data:{self.mime_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def _sniff(data: bytes) -> tuple[str, str]:
    """(MIME type, file extension) from the content's magic bytes."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
                mime = image.get_format_mimetype()
                image_format = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise ValueError(f"not a {'/'.join(_FORMATS)} image ({exc.__class__.__name__})") from None
    if mime is None or image_format is None:
        raise ValueError("could not determine the image type")
    return mime, "jpg" if image_format == "JPEG" else image_format.lower()


def _read_bounded(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing (without reading it all) anything above ``max_bytes``."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size > max_bytes:
            raise ValueError(f"{path.name}: larger than the {max_bytes} byte limit")
        buffer = bytearray()
        while chunk := handle.read(READ_CHUNK_BYTES):
            buffer += chunk
            if len(buffer) > max_bytes:  # the file grew while we read it
                raise ValueError(f"{path.name}: larger than the {max_bytes} byte limit")
    return bytes(buffer)


def load_image(value: os.PathLike[str] | str | bytes, *, max_bytes: int) -> ImageBlob:
    """Read a local image (path) or wrap raw bytes. Raises ``ValueError`` for non-images and oversized
    input, ``OSError`` (e.g. ``FileNotFoundError``) when the file cannot be read."""
    if isinstance(value, bytes):
        if len(value) > max_bytes:
            raise ValueError(f"image bytes: larger than the {max_bytes} byte limit")
        mime, extension = _sniff(value)
        return ImageBlob(data=value, mime_type=mime, filename=f"image.{extension}")
    path = Path(value)
    data = _read_bounded(path, max_bytes)
    try:
        mime, _ = _sniff(data)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    return ImageBlob(data=data, mime_type=mime, filename=path.name)
