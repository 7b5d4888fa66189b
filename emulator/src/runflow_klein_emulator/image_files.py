"""Small but real output images, so clients exercise download and decode paths offline.

Sizes keep each ``image_size`` preset's aspect ratio (fal's documented pixel sizes, which the
klein pages reuse) scaled down 16x, so a 1024x768 preset becomes a 64x48 file of a few hundred
bytes. Pixels depend only on the run's seed and the image index, so the same seed gives the
same bytes, as a client expects from a seeded model.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

PRESET_SIZES: dict[str, tuple[int, int]] = {
    "square_hd": (1024, 1024),
    "square": (512, 512),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}
DOWNSCALE = 16
CONTENT_TYPES: dict[str, str] = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def emulated_size(preset: str) -> tuple[int, int]:
    """Pixel size of an emulated image for a known preset name."""
    width, height = PRESET_SIZES[preset]
    return width // DOWNSCALE, height // DOWNSCALE


def render(*, width: int, height: int, seed: int, index: int, output_format: str) -> bytes:
    """Encode a deterministic abstract picture (a background and a few ellipses)."""
    rng = random.Random(seed * 1_000_003 + index)  # noqa: S311 - reproducible pixels, not secrets
    image = Image.new("RGB", (width, height), _color(rng))
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        xs = sorted(rng.randrange(width) for _ in range(2))
        ys = sorted(rng.randrange(height) for _ in range(2))
        draw.ellipse((xs[0], ys[0], xs[1], ys[1]), fill=_color(rng))
    buffer = io.BytesIO()
    image.save(buffer, format=_PIL_FORMATS[output_format])
    return buffer.getvalue()


def _color(rng: random.Random) -> tuple[int, int, int]:
    return rng.randrange(256), rng.randrange(256), rng.randrange(256)
