"""Findings and changes, fingerprints, the JSON and Markdown renderings, and the command line (exit 0/1/2)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from runflow_klein_pipeline.documents import dump_json
from runflow_klein_pipeline.drift import advice
from runflow_klein_pipeline.drift import compare as drift
from runflow_klein_pipeline.drift.findings import RULES, Finding, Report, Severity, fingerprint
from runflow_klein_pipeline.layout import COMPOSED_SPEC, REPO_ROOT

from .specs import Json, get_spec, query, response_prop

DRIFT_SCRIPT = REPO_ROOT / "scripts" / "drift.py"
STR: Json = {"type": "string"}


def write(tmp_path: Path, name: str, doc: object) -> Path:
    path = tmp_path / name
    path.write_bytes(dump_json(doc))
    return path


def mixed_report() -> Report:
    """One breaking, one warning and two info findings, deliberately out of order."""
    return Report.of(
        [
            Finding("response-property-added", "GET /things", "response 200 body /b", "property `b` added"),
            Finding("api-deprecated", "GET /things", "deprecated", "operation deprecated"),
            Finding("api-operation-added", "GET /a", "operation", "operation added"),
            Finding(
                "request-parameter-removed",
                "GET /things",
                "query parameter q|x",
                "query parameter q|x removed",
            ),
        ]
    )


# ---------------------------------------------------------------- findings


def test_the_id_is_the_oasdiff_fingerprint() -> None:
    finding = Finding("api-operation-added", "GET /a", "operation", "operation added")
    expected = hashlib.sha256(b"api-operation-added:GET /a:operation:operation added").hexdigest()[:12]
    assert finding.id == expected


def test_ids_are_stable_across_runs_and_distinct_per_finding() -> None:
    base, head = get_spec(parameters=[query()]), get_spec(parameters=[query("page", required=True)])
    first = [f.id for f in drift.diff_specs(base, head).findings]
    second = [
        f.id for f in drift.diff_specs(json.loads(json.dumps(base)), json.loads(json.dumps(head))).findings
    ]
    assert first == second
    assert len(set(first)) == len(first) == 2


def test_an_unknown_rule_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown drift rule"):
        Finding("no-such-rule", "", "", "")


def test_findings_are_deduplicated_and_ordered_by_severity_then_operation() -> None:
    report = mixed_report()
    assert [f.rule for f in report.findings] == [
        "request-parameter-removed",
        "api-deprecated",
        "api-operation-added",
        "response-property-added",
    ]
    assert Report.of(report.findings + report.findings) == report


# ---------------------------------------------------------------- renderings


def test_json_rendering_keeps_the_old_keys_and_adds_fields() -> None:
    rendered = json.loads(drift.render_json(mixed_report()))
    assert list(rendered) == ["breaking", "warning", "info", "acknowledged", "findings"]
    assert (rendered["breaking"], rendered["warning"], rendered["info"], rendered["acknowledged"]) == (
        1,
        1,
        2,
        0,
    )
    first = rendered["findings"][0]
    assert first == {
        "id": Finding(
            "request-parameter-removed", "GET /things", "query parameter q|x", "query parameter q|x removed"
        ).id,
        "severity": "breaking",
        "rule": "request-parameter-removed",
        "operation": "GET /things",
        "location": "query parameter q|x",
        "message": "query parameter q|x removed",
        "operations": ["GET /things"],
        "places": ["GET /things query parameter q|x"],
        "next_step": advice.BY_SEVERITY[Severity.BREAKING],
        "acknowledged": None,
    }


def shared_change_report() -> Report:
    """One enum value added to a component two operations reach, at two places each."""
    message = 'enum value "paused" added'
    return Report.of(
        Finding("response-property-enum-value-added", operation, location, message, "schemas/Status")
        for operation, location in (
            ("GET /a", "response 200 body /status"),
            ("GET /a", "response 200 body /steps/items/state"),
            ("POST /b", "response 201 body /status"),
            ("POST /b", "response 201 body /steps/items/state"),
        )
    )


def test_a_shared_change_is_one_json_entry_with_every_operation_and_place() -> None:
    rendered = json.loads(drift.render_json(shared_change_report()))
    assert (rendered["breaking"], rendered["warning"]) == (0, 1)
    [change] = rendered["findings"]
    assert change["id"] == fingerprint(
        "response-property-enum-value-added", "", "schemas/Status", 'enum value "paused" added'
    )
    assert (change["operation"], change["location"]) == ("GET /a", "schemas/Status")
    assert change["operations"] == ["GET /a", "POST /b"]
    assert change["places"] == [
        "GET /a response 200 body /status",
        "GET /a response 200 body /steps/items/state",
        "POST /b response 201 body /status",
        "POST /b response 201 body /steps/items/state",
    ]


def test_markdown_rendering_groups_by_severity_and_says_what_to_do_next() -> None:
    text = drift.render_markdown(mixed_report())
    assert "| breaking | 1 |" in text
    assert "| warning | 1 |" in text
    assert "| info | 2 |" in text
    assert "| acknowledged |" not in text
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == ["### Breaking (1)", "### Warnings (1)", "### Info (2)", "### What to do next"]
    assert "query parameter q\\|x" in text  # a | inside a cell must not split the table row
    assert text.endswith(
        "### What to do next\n\n"
        f"- **breaking** (`request-parameter-removed`): {advice.BY_SEVERITY[Severity.BREAKING]}\n"
        f"- **warning** (`api-deprecated`): {advice.BY_SEVERITY[Severity.WARNING]}\n"
        "- **info** (`api-operation-added`, `response-property-added`): "
        f"{advice.BY_SEVERITY[Severity.INFO]}\n"
    )
    assert "| — |" in drift.render_markdown(
        Report.of([Finding("server-added", "", "servers", "server x added")])
    )


def test_markdown_lists_a_shared_change_once_with_its_operations() -> None:
    report = shared_change_report()
    rows = [line for line in drift.render_markdown(report).splitlines() if line.startswith("| `")]
    assert rows == [
        f"| `{report.changes[0].id}` | `response-property-enum-value-added` | GET /a<br>POST /b "
        '| schemas/Status | enum value "paused" added |'
    ]


def test_markdown_of_an_empty_report() -> None:
    text = drift.render_markdown(Report.of([]))
    assert "No changes found." in text
    assert "###" not in text


def test_markdown_of_an_incomplete_run_never_says_nothing_changed() -> None:
    text = drift.render_markdown(Report.of([]), complete=False)
    assert "No changes found." not in text
    assert "The run did not complete, so this says nothing about whether anything changed." in text


def test_every_rule_specific_step_names_a_known_rule() -> None:
    assert sorted(set(advice.BY_RULE) - set(RULES)) == []
    assert advice.next_step("component-renamed-upstream") == advice.NOTHING_TO_DO
    assert "openapi/client-surface.overlay.yaml" in advice.next_step("surface-table-entry-unmatched")
    assert advice.next_step("response-property-removed") == advice.BY_SEVERITY[Severity.BREAKING]
    assert (
        advice.next_step("request-property-max-decreased", "llms page input.steps") == advice.FROM_MODEL_PAGE
    )
    assert (
        advice.next_step("new-optional-request-property", "docs page input.x")
        == advice.BY_SEVERITY[Severity.INFO]
    )


# ---------------------------------------------------------------- command line


def test_exit_0_when_nothing_is_breaking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = write(tmp_path, "base.json", response_prop(STR))
    head = write(tmp_path, "head.json", response_prop({"type": "string", "description": "Docs."}))
    assert drift.main(["--base", str(base), "--head", str(head), "--no-client", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["breaking"], out["info"]) == (0, 1)


def test_exit_1_when_something_is_breaking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = write(tmp_path, "base.json", response_prop(STR, required=True))
    head = write(tmp_path, "head.json", response_prop(STR))
    assert drift.main(["--base", str(base), "--head", str(head), "--no-client"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("## API drift report")
    assert "`response-property-became-optional`" in out


def test_out_writes_the_report_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = write(tmp_path, "base.json", response_prop(STR, required=True))
    report = tmp_path / "reports" / "drift.json"
    code = drift.main(
        ["--base", str(base), "--head", str(base), "--no-client", "--format", "json", "--out", str(report)]
    )
    assert code == 0
    assert json.loads(report.read_text()) == {
        "breaking": 0,
        "warning": 0,
        "info": 0,
        "acknowledged": 0,
        "findings": [],
    }
    assert capsys.readouterr().out.strip() == f"drift: 0 breaking, 0 warning, 0 info → {report}"


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (None, "cannot read"),
        (b"{not json", "is not valid JSON"),
        (b'{"swagger": "2.0"}', "is not an OpenAPI 3.x document"),
        (b'{"openapi": "3.1.0", "paths": {"/x": 5}}', "is not a valid OpenAPI document"),
    ],
    ids=["missing", "not JSON", "not OpenAPI 3", "invalid OpenAPI"],
)
def test_exit_2_on_unreadable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, complaint: str
) -> None:
    good = write(tmp_path, "good.json", get_spec())
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_bytes(content)
    assert drift.main(["--base", str(good), "--head", str(bad), "--no-client"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert complaint in lines[0]


def test_the_committed_spec_against_itself_with_the_client_view(capsys: pytest.CaptureFixture[str]) -> None:
    """Identical typed specs need no regeneration, so this is fast and still exercises the default path."""
    assert drift.main(["--base", str(COMPOSED_SPEC), "--head", str(COMPOSED_SPEC), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_the_script_runs_as_a_program(tmp_path: Path) -> None:
    """One real subprocess: the __main__ path turns the result into the exit status, without a traceback."""
    result = subprocess.run(
        [
            sys.executable,
            str(DRIFT_SCRIPT),
            "--base",
            str(tmp_path / "missing.json"),
            "--head",
            str(COMPOSED_SPEC),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot read")
    assert "Traceback" not in result.stderr
