"""What the nightly job does with its reports, offline, for each case it can meet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runflow_klein_pipeline.documents import sha256_bytes
from runflow_klein_pipeline.release.pull_request import Action, decide, main

DOCUMENT = b'{"openapi": "3.1.0", "info": {"title": "Runflow API", "version": "2.0.0"}, "paths": {}}\n'


def nightly_reports(tmp_path: Path, status: str, *, upstream_changed: bool | None) -> Path:
    reports = tmp_path / "reports"
    (reports / "upstream").mkdir(parents=True)
    (reports / "drift.json").write_text(json.dumps({"status": status, "upstream_changed": upstream_changed}))
    (reports / "upstream" / "openapi.public.json").write_bytes(DOCUMENT)
    (reports / "upstream" / "openapi.lock.json").write_text('{"origin": "fetched"}\n')
    return reports


def test_an_unchanged_document_does_nothing(tmp_path: Path) -> None:
    decision = decide(nightly_reports(tmp_path, "clean", upstream_changed=False))

    assert decision.action is Action.NOTHING
    assert decision.branch == ""


def test_an_additive_change_opens_an_unlabelled_pull_request_on_a_branch_per_document(tmp_path: Path) -> None:
    decision = decide(nightly_reports(tmp_path, "clean", upstream_changed=True))

    assert decision.action is Action.PULL_REQUEST
    assert decision.branch == f"regenerate/upstream-{sha256_bytes(DOCUMENT)[:12]}"
    assert decision.upstream_sha256 == sha256_bytes(DOCUMENT)
    assert "breaking" not in decision.labels


def test_a_breaking_change_opens_a_pull_request_labelled_breaking(tmp_path: Path) -> None:
    decision = decide(nightly_reports(tmp_path, "breaking", upstream_changed=True))

    assert decision.action is Action.PULL_REQUEST
    assert "breaking" in decision.labels
    assert "breaking" in decision.title


@pytest.mark.parametrize("upstream_changed", [True, None])
def test_a_pipeline_error_fails_without_a_pull_request(tmp_path: Path, upstream_changed: bool | None) -> None:
    reports = nightly_reports(tmp_path, "error", upstream_changed=upstream_changed)
    outputs = tmp_path / "github_output"

    code = main(["--reports", str(reports), "--github-output", str(outputs), "--adopt"])

    assert code == 1
    assert "action=fail\n" in outputs.read_text()
    assert "branch=\n" in outputs.read_text()


def test_missing_reports_fail(tmp_path: Path) -> None:
    decision = decide(tmp_path / "nowhere")

    assert decision.action is Action.FAIL
    assert "no readable drift report" in decision.reason


def test_a_changed_document_that_was_not_kept_fails(tmp_path: Path) -> None:
    reports = nightly_reports(tmp_path, "clean", upstream_changed=True)
    (reports / "upstream" / "openapi.public.json").unlink()

    assert decide(reports).action is Action.FAIL


def test_outputs_name_the_branch_and_labels(tmp_path: Path) -> None:
    reports = nightly_reports(tmp_path, "breaking", upstream_changed=True)
    outputs = tmp_path / "github_output"

    code = main(["--reports", str(reports), "--github-output", str(outputs)])

    lines = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert code == 0
    assert lines["action"] == "pull-request"
    assert lines["labels"] == "api-drift,breaking"
    assert lines["branch"].startswith("regenerate/upstream-")
