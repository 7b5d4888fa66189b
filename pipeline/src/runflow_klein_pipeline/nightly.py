"""The nightly drift job: has Runflow's API or its documentation moved, and does that break us?

Stages, each feeding the next (``nox -s drift`` runs this script):

1. fetch       the published spec (``--url``, ``RUNFLOW_SPEC_URL``) into ``REPORTS/upstream/``; the
               committed snapshot is never touched.
2. spec drift  the fetched spec against the committed snapshot (``drift.build_report``), both with the
               project's client surface, plus the client view: both sides composed and regenerated.
3. ledger      the contradiction-ledger entries the fetched spec settles by itself (``drift.ledger``).
4. compose     the fetched spec with the klein contracts; a failure or a disagreement is a finding.
5. contract suite  against the new composed spec: live when ``RUNFLOW_API_KEY`` is set
               (``tests/contract/live``, budgeted, recordings redacted and checked), otherwise the
               committed recordings are replayed through ``check_recordings``.
6. docs drift  every klein model's pages (docs page, and llms.txt where a legacy endpoint exists) fetched
               and compared with its contract (``model_docs``); an unreachable or unreadable page is an
               error, never "no changes". ``--pages-from`` reads them from a mirror (recorded pages).
               With ``RUNFLOW_API_KEY`` also each model's catalog declaration (``GET {base}/v1/models/
               <model>``, base ``$RUNFLOW_CATALOG_URL``, else ``$RUNFLOW_BASE_URL``, else the public API);
               without it the stage says the catalog was skipped.
7. allow-list  ``openapi/drift-allowlist.yaml`` acknowledges changes until their entries expire.

Then ``drift.md`` (fits ``$GITHUB_STEP_SUMMARY``), ``drift.json`` and ``drift.junit.xml``. A run that
does not complete says which stages did not run and never that nothing changed.

Exit status: 0 clean, 1 breaking drift, 2 the pipeline could not run (no network, unreadable
spec, an invalid allow-list, a stage crashed) — always with one ``error:`` line, never a traceback.
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
from datetime import date
from pathlib import Path
from typing import Any

from runflow_klein_pipeline.documents import (
    Json,
    SpecError,
    atomic_write,
    dump_json,
    json_text,
    load_json,
    sha256_bytes,
)
from runflow_klein_pipeline.drift import compare as drift
from runflow_klein_pipeline.drift.advice import on_model_page
from runflow_klein_pipeline.drift.allowlist import apply_allowlist, load_allowlist, utc_today
from runflow_klein_pipeline.drift.findings import Change, Finding, Report, Severity
from runflow_klein_pipeline.drift.ledger import Settled, is_reconstruction, ledger_ids, settled_entries
from runflow_klein_pipeline.drift.render import cell, render_markdown, report_dict
from runflow_klein_pipeline.layout import (
    CASSETTES_DIR,
    CONTRACTS_DIR,
    LEDGER,
    LIVE_SUITE,
    REPO_ROOT,
    REPORTS_DIR,
    SURFACE_OVERLAY,
    UPSTREAM_LOCK,
    UPSTREAM_SPEC,
)
from runflow_klein_pipeline.model_docs import pages
from runflow_klein_pipeline.model_docs.cli import Klein
from runflow_klein_pipeline.model_docs.compare import DocsFinding, compare, endpoint_for, load_ledger
from runflow_klein_pipeline.recordings import check as check_recordings
from runflow_klein_pipeline.spec import compose as compose_spec
from runflow_klein_pipeline.spec import fetch as fetch_spec
from runflow_klein_pipeline.spec.surface import load_overlay, own_surface

EXIT_CLEAN, EXIT_BREAKING, EXIT_ERROR = 0, 1, 2
DEFAULT_REPORTS = REPORTS_DIR / "nightly"
STAGES = ("fetch", "spec drift", "ledger", "compose", "contract suite", "docs drift", "allow-list")
# JUnit suites by rule prefix; every other rule is spec drift.
JUNIT_GROUPS = ("client", "reality", "ledger", "allowlist")  # plus "docs": changes found on model pages


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
    mode: str | None = None  # live | replay, once the contract suite ran
    upstream_changed: bool | None = None
    ledger: list[dict[str, Any]] = field(default_factory=list)  # live readings
    settled: tuple[Settled, ...] = ()  # entries the fetched spec settles
    checked: int = 0

    @property
    def failed(self) -> bool:
        return any(stage.status == "error" for stage in self.stages)

    @property
    def not_run(self) -> list[str]:
        """Stages that did not run, or did not finish (a crash)."""
        ran = {stage.name for stage in self.stages}
        return [name for name in STAGES if name not in ran]

    @property
    def incomplete(self) -> list[str]:
        """What keeps the findings from being the whole story: stages that failed, were skipped or did
        not run."""
        return [f"{s.name} ({s.status})" for s in self.stages if s.status != "ok"] + [
            f"{name} (not run)" for name in self.not_run
        ]

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


def stage_spec_drift(result: Nightly, head: Json, overlay: Any, *, client: bool) -> None:
    try:
        report = drift.build_report(load_json(UPSTREAM_SPEC), head, client=client, overlay=overlay)
    except SpecError as exc:
        result.stages.append(Stage("spec drift", "error", str(exc)))
        return
    result.report = result.report.merged(report)
    view = "spec + client surface" if client else "spec only: the client view did not run"
    result.stages.append(Stage("spec drift", "ok", f"{drift.summary(report)} ({view})"))


def stage_ledger(result: Nightly, head: Json, overlay: Any) -> None:
    """The ledger entries the fetched spec settles; a reconstruction settles none (it encodes the ledger)."""
    if is_reconstruction(head):
        detail = "the fetched spec is a reconstruction (info.x-reconstruction): it settles no entry"
        result.stages.append(Stage("ledger", "ok", detail))
        return
    try:
        surfaced = own_surface(head, overlay, where=SURFACE_OVERLAY.name).doc
        result.settled = settled_entries(surfaced, ledger_ids(LEDGER))
    except SpecError as exc:
        result.stages.append(Stage("ledger", "error", str(exc)))
        return
    result.add([Finding("ledger-entry-settled", "", entry.id, entry.reading) for entry in result.settled])
    settled = _counted(len(result.settled), "entry", "entries")
    result.stages.append(Stage("ledger", "ok", f"{settled} settled by the fetched spec"))


def stage_compose(result: Nightly, head: Json, overlay: Any, scratch: Path) -> Path | None:
    """Compose the fetched spec; disagreements are findings, upstream's side is kept to go on."""
    try:
        definitions, contracts = compose_spec.load_contracts(CONTRACTS_DIR)
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
    result.mode = "replay"
    spec = check_recordings.load_spec(composed)
    findings = []
    for cassette in check_recordings.check_paths(spec, [CASSETTES_DIR]):
        result.checked += cassette.interactions
        if cassette.error:
            where = _in_checkout(cassette.cassette)
            findings.append(Finding("reality-recording-violation", "", where, cassette.error))
        findings += [_violation_finding(v) for v in cassette.violations]
    result.add(findings)
    result.stages.append(
        Stage(
            "contract suite",
            "ok",
            f"replayed {result.checked} recorded interactions, {len(findings)} violation(s)",
        )
    )


def _in_checkout(path: str) -> str:
    """``path`` relative to the checkout, so a finding's fingerprint is the same on every machine."""
    return str(Path(path).relative_to(REPO_ROOT)) if Path(path).is_relative_to(REPO_ROOT) else path


def _violation_finding(violation: check_recordings.Violation) -> Finding:
    return Finding(
        "reality-recording-violation",
        f"{violation.method} {violation.path}",
        " ".join(
            str(part)
            for part in (
                f"{_in_checkout(violation.cassette)}#{violation.index}",
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


def stage_docs_drift(result: Nightly, mirror: str | None) -> None:
    """Every klein model's pages, and with ``RUNFLOW_API_KEY`` its catalog declaration, against its contract.
    Findings join the report like spec drift; a page or declaration that cannot be fetched or read makes the
    stage an error (the ones that could be read still count). Without a key the detail says the catalog was
    skipped, so a clean stage never claims it was checked."""
    try:
        klein, ledger = Klein.load(), load_ledger(LEDGER)
    except SpecError as exc:
        result.stages.append(Stage("docs drift", "error", str(exc)))
        return
    key = os.environ.get(pages.KEY_ENV)
    base = pages.catalog_base()
    findings: list[Finding] = []
    problems: list[str] = []
    read = {"page": 0, "catalog": 0}
    for contract in klein.contracts.values():
        sources = pages.contract_pages(contract) + (
            [pages.catalog_page(contract.model_id, base)] if key else []
        )
        for page in sources:
            try:
                if page.form == "catalog":
                    declaration = pages.read_catalog(page, key or "")
                else:
                    declaration = pages.parse(pages.fetch_text(pages.mirrored(page, mirror)), url=page.url)
            except SpecError as exc:
                problems.append(str(exc))
                continue
            read["catalog" if page.form == "catalog" else "page"] += 1
            operation = f"POST {contract.doc[endpoint_for(contract, page.form)]['path']}"
            findings += [
                _docs_finding(operation, page, finding)
                for finding in compare(declaration, contract, klein.definitions, ledger)
            ]
    result.add(findings)
    catalog = (
        f"{_counted(read['catalog'], 'catalog declaration', 'catalog declarations')} read"
        if key
        else f"catalog declarations skipped ({pages.KEY_ENV} is not set)"
    )
    detail = f"{_counted(read['page'], 'page', 'pages')} read, {catalog}, "
    detail += _counted(len(findings), "finding", "findings")
    if problems:
        result.stages.append(Stage("docs drift", "error", f"{detail}; unreadable: {'; '.join(problems)}"))
    else:
        result.stages.append(Stage("docs drift", "ok", detail))


def _docs_finding(operation: str, page: pages.Page, finding: DocsFinding) -> Finding:
    """A page's finding as drift: the operation its contract types, located on the page."""
    location = f"{page.form} page {finding.field}"
    if finding.known:
        message = f"{finding.message} ({page.url}; known disagreement, ledger entry {finding.known})"
        return Finding("reality-ledger-reading", operation, location, message)
    return Finding(finding.rule, operation, location, f"{finding.message} ({page.url})")


def stage_allowlist(result: Nightly, path: Path, *, today: date, client: bool) -> None:
    """Acknowledge what the allow-list names. Unused entries are reported only after a complete run
    (every stage ok, client view included): otherwise their change may simply not have been looked for."""
    try:
        entries = load_allowlist(path)
    except SpecError as exc:
        result.stages.append(Stage("allow-list", "error", str(exc)))
        return
    complete = client and [s.name for s in result.stages if s.status == "ok"] == list(STAGES[:-1])
    result.report = apply_allowlist(result.report, entries, today=today, complete=complete)
    acknowledged = _counted(len(result.report.acknowledged_changes), "change", "changes")
    detail = f"{_counted(len(entries), 'entry', 'entries')} on {today}: {acknowledged} acknowledged"
    result.stages.append(Stage("allow-list", "ok", detail))


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# ---------------------------------------------------------------- reports


def render_markdown_report(result: Nightly) -> str:
    mode = f"contract suite: {result.mode}" if result.mode else "contract suite: did not run"
    lines = ["# Nightly drift", "", f"**Status: {result.status}** — {mode}"]
    if result.incomplete:
        lines += [
            "",
            f"**This run is incomplete**: {', '.join(result.incomplete)}. The findings below come only from "
            "the stages that ran; an empty list does not mean that nothing changed.",
        ]
    lines += ["", "| stage | status | detail |", "|---|---|---|"]
    lines += [f"| {s.name} | {s.status} | {cell(s.detail)} |" for s in result.stages]
    lines += [f"| {name} | not run | — |" for name in result.not_run]
    if result.settled:
        lines += ["", "### Contradiction ledger: settled by the fetched spec", "", "| entry | reading |"]
        lines += ["|---|---|", *(f"| `{e.id}` | {cell(e.reading)} |" for e in result.settled)]
    if result.ledger:
        lines += ["", "### Contradiction ledger: what the API does", "", "| entry | reading |", "|---|---|"]
        lines += [f"| `{e['id']}` | {cell(str(e['reading']))} |" for e in result.ledger]
    body = render_markdown(result.report, title="Findings", complete=not result.incomplete)
    return "\n".join(lines) + "\n\n" + body


def render_json_report(result: Nightly) -> str:
    doc = {
        "status": result.status,
        "mode": result.mode,
        "upstream_changed": result.upstream_changed,
        "stages": [stage.__dict__ for stage in result.stages],
        "not_run": result.not_run,
        **report_dict(result.report),
        "ledger": result.ledger,
        "settled": [entry.__dict__ for entry in result.settled],
    }
    return json_text(doc)


def render_junit(result: Nightly) -> str:
    """One suite for the pipeline's stages, one per group of changes (spec, client, reality, …)."""
    root = ET.Element("testsuites", name="nightly-drift")
    ran_and_not = [*result.stages, *(Stage(name, "skipped", "did not run") for name in result.not_run)]
    stages = ET.SubElement(root, "testsuite", name="pipeline", tests=str(len(ran_and_not)))
    for stage in ran_and_not:
        case = ET.SubElement(stages, "testcase", classname="pipeline", name=stage.name)
        if stage.status == "error":
            ET.SubElement(case, "error", message=stage.detail)
        elif stage.status == "skipped":
            ET.SubElement(case, "skipped", message=stage.detail)
    groups: dict[str, list[Change]] = {}
    for change in result.report.changes:
        prefix = change.rule.split("-", 1)[0]
        group = "docs" if on_model_page(change.location) else prefix if prefix in JUNIT_GROUPS else "spec"
        groups.setdefault(group, []).append(change)
    for group, changes in sorted(groups.items()):
        suite = ET.SubElement(root, "testsuite", name=f"{group} drift", tests=str(len(changes)))
        open_breaking = [c for c in changes if c.severity is Severity.BREAKING and c.acknowledged is None]
        suite.set("failures", str(len(open_breaking)))
        for change in changes:
            name = f"[{change.id}] {change.rule} {' '.join(change.operations)} {change.location}"
            case = ET.SubElement(suite, "testcase", classname=f"drift.{group}", name=" ".join(name.split()))
            if change.acknowledged is not None:
                until = change.acknowledged.expires.isoformat()
                ET.SubElement(
                    case, "skipped", message=f"acknowledged until {until}: {change.acknowledged.reason}"
                )
            elif change.severity is Severity.BREAKING:
                ET.SubElement(case, "failure", message=change.message, type=change.rule)
            else:
                ET.SubElement(case, "system-out").text = f"{change.severity.value}: {change.message}"
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_reports(result: Nightly, reports: Path) -> None:
    """Write the three reports. They become a job summary, an issue and a pull-request body, so the API
    key is replaced wherever a stage's message might have quoted it (the last line of defence)."""
    key = os.environ.get("RUNFLOW_API_KEY", "").strip()
    for name, text in (
        ("drift.md", render_markdown_report(result)),
        ("drift.json", render_json_report(result)),
        ("drift.junit.xml", render_junit(result)),
    ):
        atomic_write(reports / name, (text.replace(key, "[redacted]") if key else text).encode())


# ---------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nightly.py",
        description=(
            "Fetch the published spec, report spec drift (incl. the regenerated client's surface) and the "
            "contradiction-ledger entries it settles, compose it, run the contract suite live "
            "(RUNFLOW_API_KEY set) or against the recordings, and check the model pages against the "
            "contracts. Exit status: 0 clean, 1 breaking drift, 2 the pipeline could not run."
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
    parser.add_argument(
        "--pages-from",
        metavar="URL",
        help="read the model pages from this mirror (<slug>.<form>.txt files; file:// works), not the web",
    )
    drift.add_allowlist_arguments(parser)
    return parser


def run(args: argparse.Namespace, result: Nightly) -> None:
    """Run the stages into ``result``; a stage that cannot run records why, and the ones after it that
    need its output are left out (``Nightly.not_run``)."""
    scratch = args.reports / "upstream"
    fetched = stage_fetch(result, args.url, scratch)
    if fetched is None:
        return
    head = load_json(fetched)
    overlay = load_overlay(SURFACE_OVERLAY)
    stage_spec_drift(result, head, overlay, client=not args.no_client)
    stage_ledger(result, head, overlay)
    composed = stage_compose(result, head, overlay, scratch)
    if composed is None:
        result.stages.append(Stage("contract suite", "skipped", "no composed spec to check against"))
    elif os.environ.get("RUNFLOW_API_KEY") and not args.replay:
        stage_live(result, composed, scratch, budget=args.budget, junit=args.reports / "live.junit.xml")
    else:
        stage_replay(result, composed)
    stage_docs_drift(result, args.pages_from)
    stage_allowlist(result, args.allowlist, today=args.today or utc_today(), client=not args.no_client)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.reports.mkdir(parents=True, exist_ok=True)
    result = Nightly()
    try:
        run(args, result)
    except Exception as exc:  # a crashed stage is reported as an error, never as a traceback
        result.stages.append(Stage("pipeline", "error", f"{type(exc).__name__}: {exc}"))
    write_reports(result, args.reports)
    for stage in result.stages:
        if stage.status == "error":
            print(f"error: {stage.name}: {stage.detail}", file=sys.stderr)
    print(f"nightly drift: {result.status} → {args.reports / 'drift.md'}")
    return {"clean": EXIT_CLEAN, "breaking": EXIT_BREAKING}.get(result.status, EXIT_ERROR)
