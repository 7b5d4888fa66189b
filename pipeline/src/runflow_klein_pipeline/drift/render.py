"""Render a drift ``Report`` as JSON (for machines and allow-lists) or Markdown (for people).

The Markdown is GitHub-flavoured and self-contained, so the nightly job can append it to
``$GITHUB_STEP_SUMMARY`` or post it as an issue body unchanged.
"""

from __future__ import annotations

import json

from runflow_klein_pipeline.drift.findings import SEVERITY_ORDER, Report, Severity

HEADINGS = {Severity.BREAKING: "Breaking", Severity.WARNING: "Warnings", Severity.INFO: "Info"}


def report_dict(report: Report) -> dict[str, object]:
    counts: dict[str, object] = {severity.value: report.count(severity) for severity in SEVERITY_ORDER}
    return {**counts, "findings": [finding.as_dict() for finding in report.findings]}


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    """Keep a value inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|") or "—"


def render_markdown(report: Report, *, title: str = "API drift report") -> str:
    lines = [f"## {title}", "", "| severity | findings |", "|---|---:|"]
    lines += [f"| {severity.value} | {report.count(severity)} |" for severity in SEVERITY_ORDER]
    if not report.findings:
        lines += ["", "No changes found."]
    for severity in SEVERITY_ORDER:
        findings = [f for f in report.findings if f.severity is severity]
        if not findings:
            continue
        lines += [
            "",
            f"### {HEADINGS[severity]} ({len(findings)})",
            "",
            "| id | rule | operation | location | change |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{f.id}` | `{f.rule}` | {_cell(f.operation)} | {_cell(f.location)} | {_cell(f.message)} |"
            for f in findings
        ]
    return "\n".join(lines) + "\n"
