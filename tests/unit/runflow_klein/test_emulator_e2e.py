"""End to end against the emulator: the CLI produces real image files, callbacks end waits, and a
dispatch whose connection drops after the run was created is still charged once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import runflow_klein_emulator as emulator
from PIL import Image
from runflow_klein_emulator.scripted_api import API_KEY, png_bytes

from runflow_klein import CallbackReceiver, KleinClient, RetryPolicy, RunFailedError, launcher

CALLBACK_SECRET = "whsec_e2e_0123456789abcdef"


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    config = emulator.EmulatorConfig(
        run_seconds=0.3, api_key=API_KEY, seed=7, callback_secret=CALLBACK_SECRET
    )
    with emulator.running(config) as url:
        yield url


@pytest.fixture
def client(emulator_url: str) -> Iterator[KleinClient]:
    with KleinClient(api_key=API_KEY, base_url=emulator_url, retry=RetryPolicy(initial_delay=0.05)) as klein:
        yield klein


def test_cli_run_downloads_real_images(
    emulator_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", API_KEY)
    code = launcher.main(
        [
            "run",
            "flux-2-klein-4b",
            "--prompt",
            "a red fox in the snow",
            "--num-images",
            "2",
            "--format",
            "webp",
            "--size",
            "square",
            "--out",
            str(tmp_path),
            "--base-url",
            emulator_url,
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert summary["status"] == "succeeded"
    paths = [Path(output["path"]) for output in summary["outputs"]]
    assert len(paths) == 2
    for path in paths:
        assert path.suffix == ".webp"
        with Image.open(path) as image:
            assert image.format == "WEBP"
            assert image.width == image.height  # "square"
    assert "signature=" not in captured.err  # redacted where it is logged
    for output in summary["outputs"]:  # printed whole on stdout, for the user: the signed URL works
        assert "signature=" in output["url"]
        assert httpx.get(output["url"]).status_code == 200


def test_cli_edit_with_a_local_image(
    emulator_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", API_KEY)
    source = tmp_path / "source.png"
    source.write_bytes(png_bytes((8, 8)))
    code = launcher.main(
        [
            "run",
            "flux-2-klein-4b/edit",
            "--prompt",
            "make it blue",
            "--image",
            str(source),
            "--steps",
            "4",
            "--out",
            str(tmp_path / "out"),
            "--base-url",
            emulator_url,
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    (saved,) = (tmp_path / "out").iterdir()
    with Image.open(saved) as image:
        assert image.format in {"JPEG", "PNG", "WEBP"}


def test_large_inputs_are_uploaded_and_accepted(emulator_url: str, tmp_path: Path) -> None:
    source = tmp_path / "big.png"
    source.write_bytes(png_bytes((64, 64)))
    with KleinClient(api_key=API_KEY, base_url=emulator_url, inline_image_bytes=16) as client:
        run = client.run("flux-2-klein-9b/edit", {"prompt": "x"}, images=[source])
    assert run.succeeded
    (sent,) = run.raw["input"]["image_urls"]
    assert sent.startswith("runflow://assets/")


def test_callback_driven_wait_ends_on_the_signed_callback(client: KleinClient) -> None:
    seen: list[str | None] = []
    with CallbackReceiver(secrets=[CALLBACK_SECRET]) as receiver:
        run = client.run(
            "flux-2-klein-4b",
            {"prompt": "a lighthouse"},
            callback=receiver,
            callback_grace=20,
            on_progress=lambda view: seen.append(view.status),
        )
    assert run.succeeded
    # Polling would have seen "running"; the callback-driven wait makes one GET, after the run ended.
    assert seen == ["queued", "succeeded"]


def test_dispatch_dropped_after_the_run_was_created_is_charged_once(
    emulator_url: str, client: KleinClient
) -> None:
    fault = emulator.Fault(kind="drop", operation="create_flux_2_klein_4b_run", process=True)
    client_ref = "e2e-drop-once"
    httpx.post(f"{emulator_url}/__emulator/faults", json=fault.to_json()).raise_for_status()
    run = client.run("flux-2-klein-4b", {"prompt": "x"}, client_ref=client_ref)
    assert run.succeeded
    page = httpx.get(
        f"{emulator_url}/v1/runs",
        params={"q": f"client_ref.EQ:'{client_ref}'"},
        headers={"Authorization": f"Bearer {API_KEY}"},
    ).json()
    assert [item["id"] for item in page["items"]] == [run.id]


def test_failed_runs_raise_with_the_failure_code(emulator_url: str) -> None:
    config = emulator.EmulatorConfig(run_seconds=0.1, fail_rate=1.0, api_key=API_KEY)
    with (
        emulator.running(config) as url,
        KleinClient(api_key=API_KEY, base_url=url) as client,
        pytest.raises(RunFailedError) as caught,
    ):
        client.run("flux-2-klein-9b", {"prompt": "x"})
    assert caught.value.failure_code == "MODEL_UNAVAILABLE"
