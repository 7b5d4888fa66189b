"""Image inputs: references pass through, local images are sniffed and inlined or uploaded."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from runflow_klein_emulator.scripted_api import API_KEY, FakeRunflow, Fault, png_bytes

from runflow_klein import KleinClient, RetryPolicy
from runflow_klein.images import is_reference, load_image

from .conftest import FakeTime

EDIT_PROMPT = {"prompt": "make it blue"}


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), (0, 0, 255)).save(buffer, "JPEG")
    return buffer.getvalue()


def dispatched_input(fake: FakeRunflow) -> dict[str, Any]:
    (call,) = fake.calls("POST", "/v1/models/")
    return dict(json.loads(call.body)["input"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com/cat.png", True),
        ("http://example.com/cat.png", True),
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ("runflow://assets/0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b", True),
        ("runflow://assets/not-an-id", False),
        ("cat.png", False),
        ("./photos/cat.png", False),
        ("ftp://example.com/cat.png", False),
    ],
)
def test_what_counts_as_a_reference(value: str, expected: bool) -> None:
    assert is_reference(value) is expected


def test_mime_type_comes_from_the_content_not_the_file_name(tmp_path: Path) -> None:
    misnamed = tmp_path / "photo.png"
    misnamed.write_bytes(jpeg_bytes())
    blob = load_image(misnamed, max_bytes=1_000_000)
    assert blob.mime_type == "image/jpeg"
    assert blob.filename == "photo.png"
    assert blob.data_uri().startswith("data:image/jpeg;base64,")


def test_bytes_are_sniffed_too() -> None:
    blob = load_image(png_bytes(), max_bytes=1_000_000)
    assert blob.mime_type == "image/png"
    assert base64.b64decode(blob.data_uri().split(",", 1)[1]) == png_bytes()


def test_non_images_are_rejected(tmp_path: Path) -> None:
    fake_png = tmp_path / "notes.png"
    fake_png.write_text("definitely not an image")
    with pytest.raises(ValueError, match=r"notes\.png: not a PNG/JPEG/WEBP/GIF image"):
        load_image(fake_png, max_bytes=1_000_000)


def test_oversized_input_is_rejected_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(png_bytes() + b"\0" * 5000)
    with pytest.raises(ValueError, match="larger than the 1000 byte limit"):
        load_image(big, max_bytes=1000)
    with pytest.raises(ValueError, match="larger than"):
        load_image(b"\0" * 2000, max_bytes=1000)


def test_missing_files_raise_os_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_image(tmp_path / "nope.png", max_bytes=1000)


def test_urls_pass_through_unchanged(client: KleinClient, fake: FakeRunflow) -> None:
    client.submit("flux-2-klein-9b/edit", EDIT_PROMPT, images=["https://example.com/in.png"])
    assert dispatched_input(fake)["image_urls"] == ["https://example.com/in.png"]


def test_a_single_image_url_string_is_one_image(client: KleinClient, fake: FakeRunflow) -> None:
    client.submit("flux-2-klein-9b/edit", {**EDIT_PROMPT, "image_urls": "https://example.com/one.png"})
    assert dispatched_input(fake)["image_urls"] == ["https://example.com/one.png"]


def test_small_local_images_are_inlined_as_data_uris(
    client: KleinClient, fake: FakeRunflow, tmp_path: Path
) -> None:
    path = tmp_path / "in.png"
    path.write_bytes(png_bytes())
    client.submit("flux-2-klein-4b/edit", {**EDIT_PROMPT, "reference_image_1": jpeg_bytes()}, images=[path])
    sent = dispatched_input(fake)
    assert sent["image_urls"] == ["data:image/png;base64," + base64.b64encode(png_bytes()).decode()]
    assert str(sent["reference_image_1"]).startswith("data:image/jpeg;base64,")
    assert fake.count("POST", "/v1/asset-uploads") == 0


def test_large_images_go_through_the_presigned_upload(
    fake: FakeRunflow, fake_time: FakeTime, tmp_path: Path
) -> None:
    path = tmp_path / "large.png"
    path.write_bytes(png_bytes((64, 64)))
    with KleinClient(
        api_key=API_KEY, base_url=fake.base_url, inline_image_bytes=10, sleep=fake_time.sleep
    ) as client:
        client.submit("flux-2-klein-9b/edit", EDIT_PROMPT, images=[path])

    (create,) = [call for call in fake.calls("POST", "/v1/asset-uploads") if call.path == "/v1/asset-uploads"]
    assert json.loads(create.body) == {
        "filename": "large.png",
        "mime_type": "image/png",
        "size_bytes": path.stat().st_size,
    }
    assert create.headers["authorization"] == f"Bearer {API_KEY}"
    (put,) = fake.calls("PUT", "/storage/")
    assert "authorization" not in put.headers  # presigned: the API key must not travel to storage
    assert put.headers["content-type"] == "image/png"
    assert put.body == path.read_bytes()
    upload_id = put.path.rsplit("/", 1)[1]
    (confirm,) = fake.calls("POST", f"/v1/asset-uploads/{upload_id}/confirmations")
    assert json.loads(confirm.body) == {"folder_id": None}
    assert dispatched_input(fake)["image_urls"] == [f"runflow://assets/{upload_id}"]


def test_a_failed_storage_put_is_retried(fake: FakeRunflow, fake_time: FakeTime, tmp_path: Path) -> None:
    path = tmp_path / "large.png"
    path.write_bytes(png_bytes((64, 64)))
    fake.inject("storage_put", Fault.status_code(503, "<Error>SlowDown</Error>"))
    with KleinClient(
        api_key=API_KEY,
        base_url=fake.base_url,
        inline_image_bytes=10,
        sleep=fake_time.sleep,
        retry=RetryPolicy(jitter=lambda: 0.0),
    ) as client:
        client.submit("flux-2-klein-9b/edit", EDIT_PROMPT, images=[path])
    assert fake.count("PUT", "/storage/") == 2
    assert fake_time.sleeps == [0.5]


def test_text_to_image_models_take_no_images(client: KleinClient, fake: FakeRunflow) -> None:
    with pytest.raises(ValueError, match="text-to-image"):
        client.submit("flux-2-klein-4b", EDIT_PROMPT, images=["https://example.com/in.png"])
    assert fake.requests == []
