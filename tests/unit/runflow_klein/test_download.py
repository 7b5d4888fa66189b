"""Downloading outputs: streamed to disk, named by content type, never with the API key."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from runflow_klein_emulator.scripted_api import STORAGE_SIGNATURE, FakeRunflow, Fault

from runflow_klein import KleinClient, PermissionDeniedError


def test_outputs_download_without_the_api_key(client: KleinClient, fake: FakeRunflow, tmp_path: Path) -> None:
    run = client.run("flux-2-klein-4b", {"prompt": "x"})
    path = client.download(run.outputs[0], directory=tmp_path / "out", stem=f"{run.id}-0")
    assert path == tmp_path / "out" / f"{run.id}-0.png"
    with Image.open(path) as image:
        assert image.format == "PNG"
    (fetch,) = fake.calls("GET", "/files/")
    assert "authorization" not in fetch.headers
    assert fake.calls("GET", "/v1/runs/")[0].headers["authorization"].startswith("Bearer ")
    assert list((tmp_path / "out").iterdir()) == [path]  # no partial file left behind


def test_transient_download_failures_are_retried(
    client: KleinClient, fake: FakeRunflow, tmp_path: Path
) -> None:
    fake.inject("file", Fault.status_code(503, "busy"), Fault.drop(created=False))
    path = client.download(
        f"{fake.base_url}/files/x.png?sig={STORAGE_SIGNATURE}", directory=tmp_path, stem="x"
    )
    assert path.read_bytes().startswith(b"\x89PNG")
    assert fake.count("GET", "/files/") == 3


def test_an_expired_url_is_a_permission_error_without_its_signature(
    client: KleinClient, fake: FakeRunflow, tmp_path: Path
) -> None:
    fake.inject("file", Fault.status_code(403, "<Error><Code>AccessDenied</Code></Error>"))
    with pytest.raises(PermissionDeniedError) as caught:
        client.download(f"{fake.base_url}/files/x.png?sig={STORAGE_SIGNATURE}", directory=tmp_path, stem="x")
    assert STORAGE_SIGNATURE not in str(caught.value)
    assert "/files/x.png" in str(caught.value)
    assert list(tmp_path.iterdir()) == []
