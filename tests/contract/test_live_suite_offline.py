"""The live suite's code paths, exercised offline: the suite runs against the emulator on 127.0.0.1.

Everything live mode does — budget printed before spending, real runs polled to the end, ledger
readings, schemathesis against the API, recording with redaction, never overwriting — runs here in
a subprocess exactly as ``nox -s live`` would, with the emulator standing in for Runflow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from runflow_klein_emulator import EmulatorConfig, running
from runflow_klein_pipeline.layout import LEDGER, REPO_ROOT
from runflow_klein_pipeline.recordings import check as check_recordings

from tests.contract.live.budget import Budget
from tests.contract.live.ledger_checks import CHECKS
from tests.contract.live.recording import (
    REDACTED,
    RecordingExists,
    Redactor,
    recording,
    redact_body,
    redact_query_values,
)

# Shaped like a real key so the secret scanner would flag it if it leaked.
API_KEY = "rf_live_offlineSuiteKey12345"


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    with running(EmulatorConfig(run_seconds=0.2, api_key=API_KEY, seed=7)) as url:
        yield url


def run_live_suite(emulator: str, out: Path, *, budget: int = 2) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "RUNFLOW_API_KEY": API_KEY,
        "RUNFLOW_BASE_URL": emulator,
        "HYPOTHESIS_PROFILE": "fast",
    }
    cmd = [
        sys.executable, "-m", "pytest", "tests/contract/live", "-m", "live", "-q", "-p", "no:cacheprovider",
        f"--live-budget={budget}", f"--live-record={out / 'cassettes'}", f"--live-report={out / 'live.json'}",
        "--live-examples=3",
    ]  # fmt: skip
    return subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def session(
    emulator: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("live")
    return run_live_suite(emulator, out), out


def test_the_suite_passes_and_says_what_it_may_spend_first(
    session: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, out = session

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert result.stdout.splitlines()[0].startswith("live budget: at most 2 paid run(s): 1 planned")
    summary: dict[str, Any] = json.loads((out / "live.json").read_text())
    assert summary["spent"] <= summary["budget"] == 2
    assert summary["tests"]
    assert not [test for test in summary["tests"] if test["outcome"] == "failed"]


def test_every_ledger_entry_gets_a_reading(session: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = session
    entries = yaml.safe_load(LEDGER.read_text())["entries"]
    readings = {
        entry["id"]: entry["reading"] for entry in json.loads((out / "live.json").read_text())["ledger"]
    }

    assert set(readings) == {entry["id"] for entry in entries}
    # The emulator answers like the encoded readings; the report says so in words.
    assert readings["pagination-envelope"] == "top-level keys: ['first', 'items', 'next', 'previous']"
    assert readings["auth-header"].endswith(": 401 UNAUTHORIZED")


def test_recordings_are_redacted_and_conform(session: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = session
    cassettes = sorted((out / "cassettes").glob("*.yaml"))

    assert cassettes, "the real-run test recorded nothing"
    for cassette in cassettes:
        text = cassette.read_text()
        assert API_KEY not in text
        assert "Bearer" not in text
        assert "signature=" not in text.replace(f"signature={REDACTED}", "")
    stamped = check_recordings.load_cassette(cassettes[0])[0].provenance["x-recorded"]
    assert stamped["base_url"].startswith("http://127.0.0.1:")
    results = check_recordings.check_paths(check_recordings.load_spec(), cassettes)
    assert [v.format() for result in results for v in result.violations] == []
    assert sum(result.interactions for result in results) >= 2  # a dispatch and at least one poll


def test_an_existing_recording_is_never_overwritten(tmp_path: Path) -> None:
    existing = tmp_path / "test_x.yaml"
    existing.write_text("interactions: []\nversion: 1\n")

    with (
        pytest.raises(RecordingExists, match="refusing to overwrite"),
        recording(tmp_path, "test_x", API_KEY, base_url="http://127.0.0.1:9"),
    ):
        pytest.fail("the block must not run")

    assert existing.read_text() == "interactions: []\nversion: 1\n"


def test_the_budget_caps_paid_runs_and_keeps_one_unit_for_probes() -> None:
    budget = Budget(limit=2)

    assert budget.reserve()  # a planned run
    assert not budget.reserve()  # the second unit is kept for probes
    assert budget.reserve(probe=True)
    budget.settle(created=False)  # the probe was rejected: nothing was paid
    assert budget.reserve(probe=True)
    assert not budget.reserve(probe=True)
    assert budget.spent == 2
    single = Budget(limit=1)
    assert single.reserve()
    assert not single.reserve(probe=True)


def test_redaction_removes_every_kind_of_secret() -> None:
    signed = "https://cdn.example/out.png?X-Amz-Signature=abc123&X-Amz-Credential=key&width=64"
    body = json.dumps(
        {"output": {"outputs": [{"url": signed}]}, "plain_secret": "whsec_s3cret", "note": f"key {API_KEY}"}
    )

    redacted = redact_body(body, API_KEY)

    assert redacted is not None
    text = redacted.decode()
    for secret in ("abc123", "X-Amz-Credential=key", "whsec_s3cret", API_KEY):
        assert secret not in text
    assert redact_query_values("https://api.example/v1/runs?limit=5&token=t0k", all_query_values=False) == (
        f"https://api.example/v1/runs?limit=5&token={REDACTED}"
    )
    response = Redactor(API_KEY).response(
        {
            "status": {"code": 200},
            "headers": {"Runflow-Signature": ["ab" * 32], "Set-Cookie": ["s=1"]},
            "body": {"string": b"{}"},
        }
    )
    assert response["headers"] == {"Runflow-Signature": [REDACTED]}


def test_every_ledger_entry_is_complete_and_has_a_check() -> None:
    entries = yaml.safe_load(LEDGER.read_text())["entries"]

    assert len({entry["id"] for entry in entries}) == len(entries)
    for entry in entries:
        assert {"id", "topic", "readings", "encoded", "why", "check"} <= set(entry), entry["id"]
        assert len(entry["readings"]) >= 2, f"{entry['id']}: a contradiction needs two sides"
        assert all(reading["says"] and reading["sources"] for reading in entry["readings"])
        assert entry["check"]["id"] in CHECKS, entry["id"]
        assert entry["check"]["cost"] in {"free", "paid"}
        if entry["check"]["id"] == "route_exists":
            assert entry["check"]["probes"], entry["id"]


def test_the_plugin_imports_the_recordings_checker_only_when_a_live_session_starts() -> None:
    """The plugin is registered for every pytest run; the offline suite must not import the checker."""
    heavy = ("runflow_klein_pipeline.recordings", "schemathesis")
    probe = (
        "import sys, tests.contract.live.plugin\n"
        f"print(sorted(m for m in sys.modules if m.startswith({heavy})))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True
    )

    assert completed.stdout.strip() == "[]"
