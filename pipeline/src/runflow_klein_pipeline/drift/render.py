"""Render a drift ``Report`` as JSON (for machines and allow-lists) or Markdown (for people).

Both list *changes* (``findings.Change``): a change a shared component makes is one entry with the
operations it reaches, and every change says what to do next. The JSON keeps the keys it always had
(``breaking``, ``warning``, ``info``, ``findings`` with ``id``, ``severity``, ``rule``, ``operation``,
``location``, ``message``) and adds fields; ``operation`` is the first of ``operations``.

The Markdown is GitHub-flavoured and self-contained, so the nightly job can append it to
``$GITHUB_STEP_SUMMARY`` or post it as an issue body unchanged.
"""

from __future__ import annotations

from runflow_klein_pipeline.documents import json_text
from runflow_klein_pipeline.drift.advice import next_step
from runflow_klein_pipeline.drift.findings import SEVERITY_ORDER, Change, Report, Severity

HEADINGS = {Severity.BREAKING: "Breaking", Severity.WARNING: "Warnings", Severity.INFO: "Info"}
NO_CHANGES = "No changes found."
INCOMPLETE = (
    "No changes from the stages that ran. The run did not complete, so this says nothing about whether "
    "anything changed."
)


def change_dict(change: Change) -> dict[str, object]:
    acknowledged = change.acknowledged
    return {
        "id": change.id,
        "severity": change.severity.value,
        "rule": change.rule,
        "operation": change.operations[0] if change.operations else "",
        "location": change.location,
        "message": change.message,
        "operations": list(change.operations),
        "places": list(change.places),
        "next_step": next_step(change.rule, change.location),
        "acknowledged": (
            None
            if acknowledged is None
            else {"reason": acknowledged.reason, "expires": acknowledged.expires.isoformat()}
        ),
    }


def report_dict(report: Report) -> dict[str, object]:
    counts: dict[str, object] = {severity.value: report.count(severity) for severity in SEVERITY_ORDER}
    return {
        **counts,
        "acknowledged": len(report.acknowledged_changes),
        "findings": [change_dict(change) for change in report.changes],
    }


def render_json(report: Report) -> str:
    return json_text(report_dict(report))


def cell(text: str) -> str:
    """Keep a value inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|") or "—"


def _operations(change: Change) -> str:
    return "<br>".join(cell(operation) for operation in change.operations) or "—"


def render_markdown(report: Report, *, title: str = "API drift report", complete: bool = True) -> str:
    """The report; ``complete=False`` (a run that stopped early) never claims that nothing changed."""
    acknowledged = report.acknowledged_changes
    lines = [f"## {title}", "", "| severity | changes |", "|---|---:|"]
    lines += [f"| {severity.value} | {report.count(severity)} |" for severity in SEVERITY_ORDER]
    if acknowledged:
        lines.append(f"| acknowledged | {len(acknowledged)} |")
    if not report.changes:
        lines += ["", NO_CHANGES if complete else INCOMPLETE]
    for severity in SEVERITY_ORDER:
        changes = report.open_changes(severity)
        if not changes:
            continue
        lines += [
            "",
            f"### {HEADINGS[severity]} ({len(changes)})",
            "",
            "| id | rule | operations | location | change |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{c.id}` | `{c.rule}` | {_operations(c)} | {cell(c.location)} | {cell(c.message)} |"
            for c in changes
        ]
    if acknowledged:
        lines += [
            "",
            f"### Acknowledged by the allow-list ({len(acknowledged)})",
            "",
            "| id | severity | rule | operations | location | change | until | reason |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| `{c.id}` | {c.severity.value} | `{c.rule}` | {_operations(c)} | {cell(c.location)} | "
            f"{cell(c.message)} | {c.acknowledged.expires} | {cell(c.acknowledged.reason)} |"
            for c in acknowledged
            if c.acknowledged is not None
        ]
    return "\n".join(lines + _next_steps(report)) + "\n"


def _next_steps(report: Report) -> list[str]:
    """One line per (severity, step), naming the rules it covers; severities in order."""
    steps: dict[tuple[Severity, str], list[str]] = {}
    for severity in SEVERITY_ORDER:
        for change in report.open_changes(severity):
            rules = steps.setdefault((severity, next_step(change.rule, change.location)), [])
            if change.rule not in rules:
                rules.append(change.rule)
    if not steps:
        return []
    lines = ["", "### What to do next", ""]
    lines += [
        f"- **{severity.value}** ({', '.join(f'`{rule}`' for rule in rules)}): {step}"
        for (severity, step), rules in steps.items()
    ]
    return lines
