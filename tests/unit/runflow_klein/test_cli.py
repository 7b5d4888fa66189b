"""The runflow-klein CLI: option mapping, exit codes, JSON summary, and no tracebacks."""

from __future__ import annotations

import argparse
import functools
import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import runflow_klein_emulator
from PIL import Image
from runflow_klein_emulator.scripted_api import API_KEY, STORAGE_SIGNATURE, FakeRunflow, png_bytes

from runflow_klein import KleinClient, cli, launcher
from runflow_klein.klein_models import resolve_model

from .conftest import FakeTime


def options(*argv: str) -> argparse.Namespace:
    return cli.build_parser().parse_args(["run", *argv])


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = launcher.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", API_KEY)


@pytest.fixture(autouse=True)
def no_real_sleeps(monkeypatch: pytest.MonkeyPatch, fake_time: FakeTime) -> None:
    """The CLI builds its own client: give it the fake clock so polls and retries do not sleep."""
    monkeypatch.setattr(
        cli, "KleinClient", functools.partial(KleinClient, sleep=fake_time.sleep, clock=fake_time.clock)
    )


@pytest.mark.parametrize("argv", [["--version"], ["run", "--version"], ["emulate", "--version"]])
def test_version_on_every_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(argv, capsys)
    assert code == 0
    assert out.strip() == "runflow-klein 0.1.0"


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["emulate", "--help"]])
def test_help_on_every_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(argv, capsys)
    assert code == 0
    assert out.startswith("usage: runflow-klein")


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([], id="no-command"),
        pytest.param(["run", "flux-2-klein-4b"], id="no-prompt"),
        pytest.param(["run", "flux-2-pro", "--prompt", "x"], id="unknown-model"),
        pytest.param(["run", "flux-2-klein-4b", "--prompt", "x", "--format", "gif"], id="bad-format"),
        pytest.param(["run", "flux-2-klein-4b", "--prompt", "x", "--steps", "0"], id="zero-steps"),
        pytest.param(["run", "flux-2-klein-4b", "--prompt", "x", "--seed", "abc"], id="non-numeric-seed"),
        pytest.param(["emulate", "--port", "70000"], id="port-out-of-range"),
    ],
)
def test_argparse_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(argv, capsys)
    assert code == 2
    assert "usage:" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["flux-2-klein-4b/edit", "--prompt", "x"], "give at least one --image", id="edit-without-image"
        ),
        pytest.param(
            ["flux-2-klein-4b", "--prompt", "x", "--image", "https://e.com/a.png"],
            "needs an /edit model",
            id="t2i-with-image",
        ),
        pytest.param(
            ["flux-2-klein-4b/edit", "--prompt", "x", "--image", "https://e.com/a.png", "--format", "png"],
            "does not take --format",
            id="4b-edit-format",
        ),
        pytest.param(
            ["flux-2-klein-4b/edit", "--prompt", "x", "--image", "https://e.com/a.png", "--num-images", "2"],
            "does not take --num-images",
            id="4b-edit-num-images",
        ),
        pytest.param(
            ["flux-2-klein-9b/edit", "--prompt", "x", "--image", "missing.png"],
            "--image 'missing.png': No such file or directory",
            id="missing-image",
        ),
        pytest.param(
            ["flux-2-klein-4b", "--prompt", "x", "--num-images", "9"],
            "input.num_images: must be at most 4 (got 9)",
            id="num-images-out-of-range",
        ),
        pytest.param(
            ["flux-2-klein-9b/edit", "--prompt", "x", *["--image", "https://e.com/a.png"] * 5],
            "input.image_urls: takes at most 4 items (got 5)",
            id="too-many-images",
        ),
    ],
)
def test_model_specific_usage_errors_exit_2(
    argv: list[str], message: str, api_key: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["run", *argv], capsys)
    assert code == 2
    assert message in err.replace("\n", " ")
    assert out == ""


def test_missing_api_key_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["run", "flux-2-klein-4b", "--prompt", "x"], capsys)
    assert code == 2
    assert "RUNFLOW_API_KEY" in err


def test_options_map_onto_each_models_field_names() -> None:
    common = ["--prompt", "p", "--seed", "7", "--steps", "8", "--size", "square_hd"]
    four_b = cli.build_input(
        resolve_model("flux-2-klein-4b"),
        options("flux-2-klein-4b", *common, "--num-images", "2", "--format", "webp"),
    )
    assert four_b == {
        "prompt": "p",
        "seed": 7,
        "num_inference_steps": 8,
        "image_size": "square_hd",
        "num_images": 2,
        "output_format": "webp",
    }
    edit_args = options("flux-2-klein-4b/edit", *common, "--image", "https://e.com/a.png")
    assert cli.build_input(resolve_model("flux-2-klein-4b/edit"), edit_args) == {
        "prompt": "p",
        "seed": 7,
        "steps": 8,
        "image_size": "square_hd",
    }
    nine_b_edit = cli.build_input(
        resolve_model("flux-2-klein-9b/edit"),
        options(
            "black-forest-labs/flux-2-klein-9b/edit",
            *common,
            "--image",
            "https://e.com/a.png",
            "--format",
            "jpeg",
        ),
    )
    assert nine_b_edit["num_inference_steps"] == 8
    assert nine_b_edit["output_format"] == "jpeg"


def test_run_downloads_outputs_and_prints_a_json_summary(
    fake: FakeRunflow, api_key: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.png"
    source.write_bytes(png_bytes())
    code, out, err = run_cli(
        [
            "run",
            "flux-2-klein-9b/edit",
            "--prompt",
            "make it pop",
            "--image",
            str(source),
            "--out",
            str(tmp_path / "out"),
            "--base-url",
            fake.base_url,
            "--json",
            "--seed",
            "3",
        ],
        capsys,
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["status"] == "succeeded"
    assert summary["model"] == "black-forest-labs/flux-2-klein-9b/edit"
    (output,) = summary["outputs"]
    assert Path(output["path"]).parent == tmp_path / "out"
    with Image.open(output["path"]) as image:
        assert image.format == "PNG"
    assert STORAGE_SIGNATURE not in err  # stderr (progress, logs) is redacted...
    assert output["url"].endswith(f"?sig={STORAGE_SIGNATURE}")  # ...the JSON for the user is whole
    assert API_KEY not in out + err
    assert "succeeded" in err  # progress on stderr
    sent = json.loads(fake.calls("POST", "/v1/models/")[0].body)["input"]
    assert sent["seed"] == 3
    assert sent["image_urls"][0].startswith("data:image/png;base64,")


def test_a_failed_run_exits_1_with_its_summary(
    fake: FakeRunflow, api_key: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.script = ("queued", "failed")
    code, out, err = run_cli(
        [
            "run",
            "flux-2-klein-4b",
            "--prompt",
            "x",
            "--base-url",
            fake.base_url,
            "--out",
            str(tmp_path),
            "--json",
        ],
        capsys,
    )
    assert code == 1
    assert json.loads(out)["failure_code"] == "MODEL_UNAVAILABLE"
    assert "run failed" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_api_error_exits_3(
    fake: FakeRunflow, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", "rf_live_wrong")
    code, out, err = run_cli(["run", "flux-2-klein-4b", "--prompt", "x", "--base-url", fake.base_url], capsys)
    assert code == 3
    assert "401" in err
    assert "Invalid token" in err
    assert "Traceback" not in err
    assert "rf_live_wrong" not in err
    assert out == ""


def test_a_network_error_exits_3_after_retrying(
    api_key: None, capsys: pytest.CaptureFixture[str], fake_time: FakeTime, refused_base_url: str
) -> None:
    code, _, err = run_cli(
        ["run", "flux-2-klein-4b", "--prompt", "x", "--base-url", refused_base_url], capsys
    )
    assert code == 3
    assert "connection failed" in err
    assert "Traceback" not in err
    assert len(fake_time.sleeps) == 4  # the default policy retried a refused connection four times


def test_emulate_passes_its_options_to_the_emulator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: list[tuple[Any, str, int]] = []
    monkeypatch.setattr(
        runflow_klein_emulator, "serve", lambda config, *, host, port: served.append((config, host, port))
    )
    code, _, _ = run_cli(
        [
            "emulate",
            "--port",
            "0",
            "--run-seconds",
            "0.5",
            "--fail-rate",
            "0.25",
            "--callback-secret",
            "whsec_x",
            "--api-key",
            "rf_live_demo",
        ],
        capsys,
    )
    assert code == 0
    ((config, host, port),) = served
    assert (host, port) == ("127.0.0.1", 0)
    assert (config.run_seconds, config.fail_rate, config.callback_secret) == (0.5, 0.25, "whsec_x")
    assert config.api_key == "rf_live_demo"  # only this key is accepted: a 401 can be demonstrated


def test_emulate_rejects_an_impossible_fail_rate(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["emulate", "--fail-rate", "2"], capsys)
    assert code == 2
    assert "fail_rate" in err


# ---- Waiting, interrupting, resuming ----


def run_argv(base_url: str, out: Path, *extra: str) -> list[str]:
    return ["run", "flux-2-klein-4b", "--prompt", "x", "--base-url", base_url, "--out", str(out), *extra]


def test_giving_up_waiting_exits_4_with_the_command_that_resumes(
    fake: FakeRunflow, api_key: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.script = ("running",) * 1000
    code, out, err = run_cli([*run_argv(fake.base_url, tmp_path), "--timeout", "5", "--json"], capsys)
    assert code == cli.EXIT_WAIT_TIMEOUT == 4
    (run_id,) = fake.runs
    assert f"runflow-klein wait {run_id} --out {tmp_path}" in err.replace("\n", "")
    error = json.loads(out)["error"]
    assert (error["kind"], error["exit_code"], error["run_id"]) == ("gave up waiting", 4, run_id)


def test_wait_picks_a_run_up_and_downloads_its_outputs(
    fake: FakeRunflow, api_key: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.script = ("running", "succeeded")
    run_id = (
        KleinClient(api_key=API_KEY, base_url=fake.base_url).submit("flux-2-klein-4b", {"prompt": "x"}).id
    )
    code, out, err = run_cli(
        ["wait", run_id, "--base-url", fake.base_url, "--out", str(tmp_path), "--json"], capsys
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["id"] == run_id
    assert [Path(item["path"]).parent for item in summary["outputs"]] == [tmp_path]


def test_ctrl_c_during_the_wait_names_the_run_and_how_to_resume(
    fake: FakeRunflow,
    api_key: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "KleinClient", functools.partial(KleinClient, sleep=interrupted))
    fake.script = ("running",) * 10
    code, _, err = run_cli(run_argv(fake.base_url, tmp_path), capsys)
    assert code == 130
    (run_id,) = fake.runs
    assert f"run {run_id} goes on at Runflow; resume with: runflow-klein wait {run_id}" in err.replace(
        "\n", ""
    )
    assert "Traceback" not in err


def test_an_api_error_with_json_prints_an_error_object_on_stdout(
    fake: FakeRunflow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", "rf_live_wrong")
    code, out, _ = run_cli([*run_argv(fake.base_url, tmp_path), "--json"], capsys)
    assert code == 3
    error = json.loads(out)["error"]
    assert (error["kind"], error["exit_code"], error["run_id"]) == ("error", 3, None)
    assert "401" in error["message"]


def test_retries_say_what_they_wait_for(
    api_key: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], refused_base_url: str
) -> None:
    _, _, err = run_cli(run_argv(refused_base_url, tmp_path), capsys)
    # the first backoff: 0.5 s less up to 25 % jitter
    assert re.search(r"^retrying in 0\.[3-5] s after a connection error$", err, re.MULTILINE)


@pytest.mark.parametrize("key", ["", "   "])
def test_an_empty_api_key_is_a_usage_error_before_any_request(
    fake: FakeRunflow,
    key: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", key)
    code, _, err = run_cli(run_argv(fake.base_url, tmp_path), capsys)
    assert code == 2
    assert "RUNFLOW_API_KEY" in err
    assert fake.count("POST", "/") == 0


def test_an_unreadable_image_is_a_usage_error(
    fake: FakeRunflow, api_key: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_an_image = tmp_path / "notes.txt"
    not_an_image.write_text("hello")
    argv = [
        "run",
        "flux-2-klein-9b/edit",
        "--prompt",
        "x",
        "--image",
        str(not_an_image),
        "--base-url",
        fake.base_url,
    ]
    code, _, err = run_cli(argv, capsys)
    assert code == 2
    assert "usage error: --image" in err
    assert fake.count("POST", "/") == 0


# ---- Bad settings are usage errors, checked once (by the client) ----


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["wait", ""], "expected a non-empty id", id="empty-run-id"),
        pytest.param(
            ["run", "flux-2-klein-4b", "--prompt", "x", "--base-url", "ftp://api.runflow.test"],
            "base URL must be an http(s) URL",
            id="non-http-base-url",
        ),
    ],
)
def test_bad_settings_are_usage_errors_before_any_request(
    argv: list[str], message: str, fake: FakeRunflow, api_key: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli([*argv, "--json"], capsys)
    assert code == 2
    assert f"usage error: {message}" in err
    assert json.loads(out)["error"]["kind"] == "usage error"
    assert fake.requests == []


def test_a_bad_base_url_from_the_environment_is_a_usage_error_too(
    api_key: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RUNFLOW_BASE_URL", "api.runflow.test")
    code, _, err = run_cli(["wait", "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b"], capsys)
    assert code == 2
    assert "base URL must be an http(s) URL" in err


# ---- A dispatch that may or may not have created a run names its client_ref ----


def test_ctrl_c_during_the_dispatch_says_a_run_may_exist_and_its_client_ref(
    api_key: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sent: list[str] = []

    def interrupted(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["client_ref"])
        raise KeyboardInterrupt  # the request is out: the run may exist

    monkeypatch.setattr(
        cli, "KleinClient", functools.partial(KleinClient, transport=httpx.MockTransport(interrupted))
    )
    code, out, err = run_cli([*run_argv("http://runflow.test", tmp_path), "--json"], capsys)
    assert code == 130
    (ref,) = sent
    assert f"a run may have been created (client_ref {ref})" in err.replace("\n", "")
    assert "no run was created" not in err
    error = json.loads(out)["error"]
    assert (error["run_id"], error["client_ref"]) == (None, ref)


def test_a_dispatch_never_answered_by_the_deadline_exits_4_with_its_client_ref(
    api_key: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], refused_base_url: str
) -> None:
    code, out, err = run_cli([*run_argv(refused_base_url, tmp_path), "--timeout", "1", "--json"], capsys)
    assert code == 4
    error = json.loads(out)["error"]
    assert error["run_id"] is None
    assert error["client_ref"].startswith("rk-")
    assert f"look it up by client_ref {error['client_ref']}" in err.replace("\n", "")


# ---- wait --json names the model only as run() would ----


@pytest.mark.parametrize(
    ("named", "reported"),
    [
        pytest.param({"model_id": str(uuid.uuid4())}, None, id="uuid"),
        pytest.param(
            {"model": "black-forest-labs/flux-2-klein-4b"}, "black-forest-labs/flux-2-klein-4b", id="slug"
        ),
    ],
)
@pytest.mark.usefixtures("api_key")
def test_the_wait_summary_names_the_model_by_its_id_never_its_uuid(
    named: dict[str, str],
    reported: str | None,
    fake: FakeRunflow,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.run_extra = named
    run_id = (
        KleinClient(api_key=API_KEY, base_url=fake.base_url).submit("flux-2-klein-4b", {"prompt": "x"}).id
    )
    code, out, err = run_cli(
        ["wait", run_id, "--base-url", fake.base_url, "--out", str(tmp_path), "--json"], capsys
    )
    assert code == 0, err
    assert json.loads(out)["model"] == reported
