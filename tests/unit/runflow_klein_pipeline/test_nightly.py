"""The nightly drift pipeline end to end, offline: the published spec is served from 127.0.0.1.

Each test serves a variant of the committed upstream spec and checks the verdict (exit code and
report status) and the findings that explain it. ``--no-client`` keeps these fast; the client
surface view has its own tests in tests/drift.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from runflow_klein_emulator import EmulatorConfig, running
from runflow_klein_pipeline import nightly
from runflow_klein_pipeline.documents import dump_json
from runflow_klein_pipeline.layout import LEDGER, UPSTREAM_SPEC

from tests.unit.runflow_klein_pipeline.spec.spec_server import body, serve

Mutation = Callable[[dict[str, Any]], None]


def run_nightly(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mutate: Mutation | None = None,
    raw: bytes | None = None,
    budget: int = 1,
) -> tuple[int, dict[str, Any], str]:
    spec = json.loads(UPSTREAM_SPEC.read_bytes())
    if mutate:
        mutate(spec)
    data = raw if raw is not None else dump_json(spec)
    reports = tmp_path / "reports"
    with serve({"/openapi.public.json": body(200, data)}) as base:
        code = nightly.main(
            [
                "--url",
                f"{base}/openapi.public.json",
                "--reports",
                str(reports),
                "--no-client",
                "--budget",
                str(budget),
            ]
        )
    err = capsys.readouterr().err
    return code, json.loads((reports / "drift.json").read_text()), err


def rules(report: dict[str, Any]) -> set[str]:
    return {finding["rule"] for finding in report["findings"]}


@pytest.fixture(autouse=True)
def _replay_mode(monkeypatch: pytest.MonkeyPatch) -> None:  # the live test sets the key itself
    """Without an API key the contract suite replays the recordings; never go live from a unit test."""
    monkeypatch.delenv("RUNFLOW_API_KEY", raising=False)


def test_an_unchanged_spec_is_clean_and_every_report_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, _ = run_nightly(tmp_path, capsys)

    assert code == 0
    assert report["status"] == "clean"
    assert report["upstream_changed"] is False
    assert [stage["name"] for stage in report["stages"]] == [
        "fetch",
        "spec drift",
        "compose",
        "contract suite",
    ]
    assert report["breaking"] == 0
    markdown = (tmp_path / "reports" / "drift.md").read_text()
    assert "**Status: clean**" in markdown
    assert "| contract suite | ok | replayed " in markdown
    junit = ET.parse(tmp_path / "reports" / "drift.junit.xml").getroot()
    assert junit.tag == "testsuites"
    assert not junit.findall(".//failure")


def test_a_removed_documented_status_is_breaking_in_the_spec_and_in_reality(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GET /v1/runs/{id} no longer documents 404, but a recording shows the API answering 404."""

    def drop_404(spec: dict[str, Any]) -> None:
        del spec["paths"]["/v1/runs/{id}"]["get"]["responses"]["404"]

    code, report, _ = run_nightly(tmp_path, capsys, drop_404)

    assert code == 1
    assert report["status"] == "breaking"
    assert report["upstream_changed"] is True
    assert {"response-error-status-removed", "reality-recording-violation"} <= rules(report)
    violation = next(f for f in report["findings"] if f["rule"] == "reality-recording-violation")
    assert violation["operation"].startswith("GET /v1/runs/")  # the recorded URL, to reproduce it
    assert "get_run.yaml#" in violation["location"]
    junit = ET.parse(tmp_path / "reports" / "drift.junit.xml").getroot()
    failed = {case.get("classname") for case in junit.iter("testcase") if case.find("failure") is not None}
    assert {"drift.spec", "drift.reality"} <= failed


def test_an_upstream_per_model_operation_that_disagrees_with_its_contract_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def add_4b_path(spec: dict[str, Any]) -> None:
        generic = spec["paths"]["/v1/models/{owner}/{slug}/runs"]["post"]
        operation = copy.deepcopy(generic)
        operation["operationId"] = "create_flux_2_klein_4b_run_upstream"
        operation["parameters"] = [p for p in operation["parameters"] if p.get("in") != "path"]
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["input"],
                        "properties": {
                            "input": {
                                "type": "object",
                                "required": ["prompt"],
                                "properties": {
                                    "prompt": {"type": "string"},
                                    "num_images": {"type": "integer", "minimum": 1, "maximum": 8},
                                },
                            }
                        },
                    }
                }
            },
        }
        spec["paths"]["/v1/models/black-forest-labs/flux-2-klein-4b/runs"] = {"post": operation}

    code, report, _ = run_nightly(tmp_path, capsys, add_4b_path)

    assert code == 1
    disagreements = [f for f in report["findings"] if f["rule"] == "reality-contract-disagreement"]
    assert disagreements
    assert {f["operation"] for f in disagreements} == {
        "POST /v1/models/black-forest-labs/flux-2-klein-4b/runs"
    }
    assert any("maximum" in f["message"] for f in disagreements)


def test_an_upstream_the_contracts_cannot_compose_with_is_breaking_and_skips_the_suite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def drop_generic_dispatch(spec: dict[str, Any]) -> None:
        del spec["paths"]["/v1/models/{owner}/{slug}/runs"]

    code, report, _ = run_nightly(tmp_path, capsys, drop_generic_dispatch)

    assert code == 1
    assert "reality-compose-failed" in rules(report)
    suite = next(stage for stage in report["stages"] if stage["name"] == "contract suite")
    assert suite["status"] == "skipped"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"<html>maintenance</html>", "is not JSON"),
        (b'{"openapi": "3.1.0"}', "not a valid OpenAPI document"),
    ],
)
def test_an_unusable_published_spec_is_an_error_not_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes, expected: str
) -> None:
    code, report, err = run_nightly(tmp_path, capsys, raw=raw)

    assert code == 2
    assert report["status"] == "error"
    assert expected in err
    assert "Traceback" not in err


def test_no_network_fails_with_one_line_and_still_writes_the_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    with serve({}) as base:
        closed = base  # the port is closed once the server stops
    code = nightly.main(["--url", f"{closed}/openapi.public.json", "--reports", str(reports), "--no-client"])
    err = capsys.readouterr().err

    assert code == 2
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        line for line in err.splitlines() if line.strip()
    ]
    assert len(err.strip().splitlines()) == 1
    assert json.loads((reports / "drift.json").read_text())["status"] == "error"
    assert "**Status: error**" in (reports / "drift.md").read_text()


def test_live_mode_runs_the_live_suite_against_the_api_and_reports_the_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a key, the contract suite is the live one; here the emulator stands in for Runflow."""
    key = "rf_live_nightlyOfflineKey1"
    with running(EmulatorConfig(run_seconds=0.2, api_key=key, seed=3)) as api:
        monkeypatch.setenv("RUNFLOW_API_KEY", key)
        monkeypatch.setenv("RUNFLOW_BASE_URL", api)
        code, report, _ = run_nightly(tmp_path, capsys, budget=2)

    assert code == 0, report["stages"]
    assert report["mode"] == "live"
    suite = next(stage for stage in report["stages"] if stage["name"] == "contract suite")
    assert "0 failed" in suite["detail"]
    assert "0 violation(s)" in suite["detail"]
    assert len(report["ledger"]) == len(yaml.safe_load(LEDGER.read_text())["entries"])
    assert "### Contradiction ledger: what the API does" in (tmp_path / "reports" / "drift.md").read_text()
    assert key not in (tmp_path / "reports" / "drift.json").read_text()
