"""The nightly drift job: has Runflow's API or its documentation moved, and does that break us?

Stages, each feeding the next (``nox -s drift`` runs this script):

1. fetch    the published spec (``--url``, ``RUNFLOW_SPEC_URL``) into ``REPORTS/upstream/``; the
            committed snapshot is never touched.
2. spec     drift of the fetched spec against the committed snapshot (``drift.build_report``),
            including the client surface: both sides are composed and regenerated into temp dirs.
3. compose  the fetched spec with the klein contracts; a failure or a disagreement is a finding.
4. reality  the contract suite against the new composed spec: live when ``RUNFLOW_API_KEY`` is set
            (``tests/contract/live``, budgeted, recordings redacted and checked), otherwise the
            committed recordings are replayed through ``check_recordings``.
5. report   ``drift.md`` (fits ``$GITHUB_STEP_SUMMARY``), ``drift.json`` and ``drift.junit.xml``.

Exit status: 0 clean, 1 breaking drift, 2 the pipeline could not run (no network, unreadable
spec, a stage crashed) — always with one ``error:`` line, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runflow_klein_pipeline.documents import Json, SpecError, atomic_write, dump_json, load_json, sha256_bytes
from runflow_klein_pipeline.drift import compare as drift
from runflow_klein_pipeline.drift.findings import SEVERITY_ORDER, Finding, Report, Severity
from runflow_klein_pipeline.drift.render import render_markdown
from runflow_klein_pipeline.layout import (
    CASSETTES_DIR,
    CONTRACTS_DIR,
    LIVE_SUITE,
    REPO_ROOT,
    REPORTS_DIR,
    SURFACE_OVERLAY,
    UPSTREAM_LOCK,
    UPSTREAM_SPEC,
)
from runflow_klein_pipeline.recordings import check as check_recordings
from runflow_klein_pipeline.spec import compose as compose_spec
from runflow_klein_pipeline.spec import fetch as fetch_spec
from runflow_klein_pipeline.spec.surface import load_overlay

EXIT_CLEAN, EXIT_BREAKING, EXIT_ERROR = 0, 1, 2
DEFAULT_REPORTS = REPORTS_DIR / "nightly"


@dataclass
class Stage:
    name: str
    status: str  # ok | skipped | error
    detail: str


@dataclass
class Nightly:
    """Everything the report needs; filled stage by stage."""

    stages: list[Stage] = field(default_factory=list)
    report: Report = field(default_factory=lambda: Report.of([]))
    mode: str = "replay"
    upstream_changed: bool | None = None
    ledger: list[dict[str, Any]] = field(default_factory=list)
    checked: int = 0

    @property
    def failed(self) -> bool:
        return any(stage.status == "error" for stage in self.stages)

    @property
    def status(self) -> str:
        if self.failed:
            return "error"
        return "breaking" if self.report.has_breaking else "clean"

    def add(self, findings: list[Finding]) -> None:
        self.report = self.report.merged(Report.of(findings))


# ---------------------------------------------------------------- stages


def stage_fetch(result: Nightly, url: str, scratch: Path) -> Path | None:
    out, lock = scratch / "openapi.public.json", scratch / "openapi.lock.json"
    try:
        # The outcome line compares with the empty scratch directory, not with the committed snapshot;
        # the stage detail below says what changed against the commit.
        fetch_spec.vendor_spec(url, out=out, lock=lock)
    except SpecError as exc:
        result.stages.append(Stage("fetch", "error", str(exc)))
        return None
    committed = load_json(UPSTREAM_LOCK).get("sha256")
    fetched = sha256_bytes(out.read_bytes())
    result.upstream_changed = fetched != committed
    change = f"changed: {committed[:12]} → {fetched[:12]}" if result.upstream_changed else "unchanged"
    result.stages.append(Stage("fetch", "ok", f"{fetch_spec.strip_credentials(url)} ({change})"))
    return out


def stage_spec_drift(result: Nightly, head: Json, *, client: bool) -> None:
    try:
        report = drift.build_report(load_json(UPSTREAM_SPEC), head, client=client)
    except SpecError as exc:
        result.stages.append(Stage("spec drift", "error", str(exc)))
        return
    result.report = result.report.merged(report)
    counts = ", ".join(f"{report.count(s)} {s.value}" for s in SEVERITY_ORDER)
    view = "spec + client surface" if client else "spec only"
    result.stages.append(Stage("spec drift", "ok", f"{counts} ({view})"))


def stage_compose(result: Nightly, head: Json, scratch: Path) -> Path | None:
    """Compose the fetched spec; disagreements are findings, upstream's side is kept to go on."""
    try:
        definitions, contracts = compose_spec.load_contracts(CONTRACTS_DIR)
        overlay = load_overlay(SURFACE_OVERLAY)
        composition = compose_spec.compose(head, definitions, contracts, overlay=overlay, prefer=None)
        if composition.disagreements:
            result.add(
                [
                    Finding("reality-contract-disagreement", *_split_operation(problem), problem)
                    for problem in composition.disagreements
                ]
            )
            composition = compose_spec.compose(
                head, definitions, contracts, overlay=overlay, prefer="upstream"
            )
    except SpecError as exc:
        result.add([Finding("reality-compose-failed", "", "openapi/contracts", str(exc).splitlines()[0])])
        result.stages.append(Stage("compose", "ok", "the fetched spec cannot be composed (finding)"))
        return None
    composed = scratch / "runflow-klein.openapi.json"
    atomic_write(composed, dump_json(composition.spec))
    result.stages.append(Stage("compose", "ok", f"{len(composition.disagreements)} contract disagreement(s)"))
    return composed


def _split_operation(problem: str) -> tuple[str, str]:
    """``POST /path input.x: …`` → (``POST /path``, ``input.x``)."""
    method, path, rest = [*problem.split(" ", 2), "", ""][:3]
    return f"{method} {path}", rest.split(":", 1)[0]


def stage_replay(result: Nightly, composed: Path) -> None:
    spec = check_recordings.load_spec(composed)
    findings = []
    for cassette in check_recordings.check_paths(spec, [CASSETTES_DIR]):
        result.checked += cassette.interactions
        if cassette.error:
            findings.append(Finding("reality-recording-violation", "", cassette.cassette, cassette.error))
        findings += [_violation_finding(v) for v in cassette.violations]
    result.add(findings)
    result.stages.append(
        Stage(
            "contract suite",
            "ok",
            f"replayed {result.checked} recorded interactions, {len(findings)} violation(s)",
        )
    )


def _violation_finding(violation: check_recordings.Violation) -> Finding:
    return Finding(
        "reality-recording-violation",
        f"{violation.method} {violation.path}",
        " ".join(
            str(part)
            for part in (
                f"{violation.cassette}#{violation.index}",
                violation.status,
                violation.location,
                violation.pointer,
            )
            if part
        ),
        violation.message,
    )


def stage_live(result: Nightly, composed: Path, scratch: Path, *, budget: int, junit: Path) -> None:
    """Run the live suite; its summary, recordings and ledger readings feed the report.

    The live suite is a pytest session (its plugin, options, fixtures and budget), so it runs as one, in
    a process of its own: a crash or a hang there cannot take the report down with it.
    """
    result.mode = "live"
    record_dir, summary_path = scratch / "cassettes", scratch / "live.json"
    cmd = [
        sys.executable, "-m", "pytest", str(LIVE_SUITE), "-m", "live", "-q", "-p", "no:cacheprovider",
        f"--live-budget={budget}", f"--live-record={record_dir}", f"--live-report={summary_path}",
        f"--live-spec={composed}", f"--junitxml={junit}",
    ]  # fmt: skip
    # Not captured: the suite prints its budget before spending anything, and CI logs should show it.
    completed = subprocess.run(cmd, cwd=REPO_ROOT, check=False)
    if not summary_path.is_file():
        detail = f"live suite did not run (pytest exit {completed.returncode}); see the log above"
        result.stages.append(Stage("contract suite", "error", detail))
        return
    summary = json.loads(summary_path.read_text())
    failed = [t for t in summary["tests"] if t["outcome"] == "failed"]
    result.add([Finding("reality-live-test-failed", "", t["nodeid"], t["message"]) for t in failed])
    result.ledger = summary.get("ledger", [])
    result.add(
        [Finding("reality-ledger-reading", "", entry["id"], entry["reading"]) for entry in result.ledger]
    )
    spec = check_recordings.load_spec(composed)
    violations = []
    if record_dir.is_dir():
        for cassette in check_recordings.check_paths(spec, [record_dir]):
            result.checked += cassette.interactions
            violations += [_violation_finding(v) for v in cassette.violations]
    result.add(violations)
    result.stages.append(
        Stage(
            "contract suite",
            "ok",
            f"live: {len(summary['tests'])} tests, {len(failed)} failed, {summary['spent']}/{budget} paid "
            f"runs, {result.checked} recorded interactions, {len(violations)} violation(s)",
        )
    )


# ---------------------------------------------------------------- reports


def render_markdown_report(result: Nightly) -> str:
    lines = [
        "# Nightly drift",
        "",
        f"**Status: {result.status}** — contract suite mode: {result.mode}",
        "",
        "| stage | status | detail |",
        "|---|---|---|",
    ]
    lines += [
        f"| {s.name} | {s.status} | {' '.join(s.detail.split()).replace('|', '/')} |" for s in result.stages
    ]
    if result.ledger:
        lines += ["", "### Contradiction ledger: what the API does", "", "| entry | reading |", "|---|---|"]
        lines += [f"| `{e['id']}` | {' '.join(str(e['reading']).split())} |" for e in result.ledger]
    body = render_markdown(result.report, title="Findings")
    return "\n".join(lines) + "\n\n" + body


def render_json_report(result: Nightly) -> str:
    doc = {
        "status": result.status,
        "mode": result.mode,
        "upstream_changed": result.upstream_changed,
        "stages": [stage.__dict__ for stage in result.stages],
        **{s.value: result.report.count(s) for s in SEVERITY_ORDER},
        "findings": [f.as_dict() for f in result.report.findings],
        "ledger": result.ledger,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_junit(result: Nightly) -> str:
    """One suite for the pipeline's stages, one per finding group (spec, client, reality)."""
    root = ET.Element("testsuites", name="nightly-drift")
    stages = ET.SubElement(root, "testsuite", name="pipeline", tests=str(len(result.stages)))
    for stage in result.stages:
        case = ET.SubElement(stages, "testcase", classname="pipeline", name=stage.name)
        if stage.status == "error":
            ET.SubElement(case, "error", message=stage.detail)
        elif stage.status == "skipped":
            ET.SubElement(case, "skipped", message=stage.detail)
    groups: dict[str, list[Finding]] = {}
    for finding in result.report.findings:
        group = finding.rule.split("-", 1)[0] if finding.rule.startswith(("client-", "reality-")) else "spec"
        groups.setdefault(group, []).append(finding)
    for group, findings in sorted(groups.items()):
        suite = ET.SubElement(root, "testsuite", name=f"{group} drift", tests=str(len(findings)))
        suite.set("failures", str(sum(f.severity is Severity.BREAKING for f in findings)))
        for finding in findings:
            name = f"[{finding.id}] {finding.rule} {finding.operation} {finding.location}".strip()
            case = ET.SubElement(suite, "testcase", classname=f"drift.{group}", name=name)
            if finding.severity is Severity.BREAKING:
                ET.SubElement(case, "failure", message=finding.message, type=finding.rule)
            else:
                ET.SubElement(case, "system-out").text = f"{finding.severity.value}: {finding.message}"
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_reports(result: Nightly, reports: Path) -> None:
    for name, text in (
        ("drift.md", render_markdown_report(result)),
        ("drift.json", render_json_report(result)),
        ("drift.junit.xml", render_junit(result)),
    ):
        atomic_write(reports / name, text.encode())


# ---------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nightly.py",
        description=(
            "Fetch the published spec, report spec drift (incl. the regenerated client's surface), and run "
            "the contract suite live (RUNFLOW_API_KEY set) or against the recordings. Exit status: 0 clean, "
            "1 breaking drift, 2 the pipeline could not run."
        ),
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("RUNFLOW_SPEC_URL") or fetch_spec.DEFAULT_URL,
        help="spec to fetch (default: $RUNFLOW_SPEC_URL or the public URL)",
    )
    parser.add_argument(
        "--reports", type=Path, default=DEFAULT_REPORTS, help="report directory (default: %(default)s)"
    )
    parser.add_argument(
        "--budget", type=int, default=1, help="live mode: at most this many paid runs (default: %(default)s)"
    )
    parser.add_argument(
        "--replay", action="store_true", help="replay the recordings even when RUNFLOW_API_KEY is set"
    )
    parser.add_argument("--no-client", action="store_true", help="skip the client-surface view of spec drift")
    return parser


def run(args: argparse.Namespace) -> Nightly:
    result = Nightly()
    scratch = args.reports / "upstream"
    fetched = stage_fetch(result, args.url, scratch)
    if fetched is None:
        return result
    head = load_json(fetched)
    stage_spec_drift(result, head, client=not args.no_client)
    composed = stage_compose(result, head, scratch)
    if composed is None:
        result.stages.append(Stage("contract suite", "skipped", "no composed spec to check against"))
    elif os.environ.get("RUNFLOW_API_KEY") and not args.replay:
        stage_live(result, composed, scratch, budget=args.budget, junit=args.reports / "live.junit.xml")
    else:
        stage_replay(result, composed)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.reports.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args)
    except Exception as exc:  # a crashed stage is reported as an error, never as a traceback
        result = Nightly(stages=[Stage("pipeline", "error", f"{type(exc).__name__}: {exc}")])
    write_reports(result, args.reports)
    for stage in result.stages:
        if stage.status == "error":
            print(f"error: {stage.name}: {stage.detail}", file=sys.stderr)
    print(f"nightly drift: {result.status} → {args.reports / 'drift.md'}")
    return {"clean": EXIT_CLEAN, "breaking": EXIT_BREAKING}.get(result.status, EXIT_ERROR)
