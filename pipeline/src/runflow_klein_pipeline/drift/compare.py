"""Spec drift: compare two OpenAPI documents and classify every change for our generated client.

Two views are combined. The spec view (``diff_specs``) walks every operation, parameter, body,
response, security requirement and server of both documents, following ``$ref``s into shared
components, and judges each change by direction (request vs response) and by what it does to
the generated client and its callers (rules and severities: ``findings.RULES``). It compares the
documents *with the project's client surface* (``spec.surface.own_surface``, the naming table), as
the generator sees them: a rename upstream that the table absorbs is info, a table entry that stops
matching is a warning. The client view (``client_findings``; skip with ``--no-client``) regenerates
both sides with the pinned generator and diffs the packages' public API with griffe.

The allow-list (``openapi/drift-allowlist.yaml``, ``allowlist``) then marks the changes it
acknowledges; they are listed but not counted until their entry expires.

Exit status: 0 when nothing unacknowledged is breaking, 1 when something is, 2 when an input cannot
be read (missing, not JSON, not OpenAPI, an invalid allow-list) or the pinned generator is unavailable.

The nightly job imports this module: ``build_report(base, head, client=True, overlay=…)`` returns a
``Report``; ``render_json`` and ``render_markdown`` turn it into text.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from runflow_klein_pipeline.documents import Json, SpecError, atomic_write, load_json, validate_openapi
from runflow_klein_pipeline.drift.allowlist import apply_allowlist, load_allowlist, utc_today
from runflow_klein_pipeline.drift.client_surface import client_findings, is_typed, typed_spec
from runflow_klein_pipeline.drift.findings import RULES, SEVERITY_ORDER, Finding, Report, Severity
from runflow_klein_pipeline.drift.render import render_json, render_markdown
from runflow_klein_pipeline.drift.spec_diff import diff_specs
from runflow_klein_pipeline.layout import DRIFT_ALLOWLIST, SURFACE_OVERLAY
from runflow_klein_pipeline.spec.surface import Surface, load_overlay, own_surface

__all__ = [
    "RULES",
    "Finding",
    "Report",
    "Severity",
    "build_report",
    "comparable",
    "diff_specs",
    "load_spec",
    "main",
    "render_json",
    "render_markdown",
]

EXIT_CLEAN, EXIT_BREAKING, EXIT_UNREADABLE = 0, 1, 2
RENDERERS = {"md": render_markdown, "json": render_json}


def load_spec(path: Path) -> Json:
    """Read and validate one OpenAPI document; SpecError says why it cannot be used."""
    doc = load_json(path)
    validate_openapi(doc, what=str(path))
    assert isinstance(doc, dict)
    return doc


def surfaced(doc: Json, overlay: Any) -> Surface:
    """``doc`` with the project's client surface. A composed document already has it (compose applies
    the table first) and is returned as it is: applying the table twice would lose upstream's names."""
    return Surface(doc, ()) if is_typed(doc) else own_surface(doc, overlay, where=SURFACE_OVERLAY.name)


def comparable(base: Json, head: Json, overlay: Any) -> tuple[Json, Json]:
    """Compose the upstream side when the other side is composed, so like is compared with like.

    Otherwise every typed klein operation would show up as added or removed. When composing
    fails, the sides stay as they are (the client view reports why).
    """
    if is_typed(base) == is_typed(head):
        return base, head
    try:
        return typed_spec(base, overlay), typed_spec(head, overlay)
    except SpecError:
        return base, head


def unmatched_findings(base: Surface, head: Surface) -> list[Finding]:
    """Naming-table entries that named something in ``base`` and name nothing in ``head``. A composed side
    records none (compose applied the table long before), so against it every entry ``head`` misses counts."""
    return [
        Finding(
            "surface-table-entry-unmatched",
            "",
            target,
            f"the naming table entry no longer applies: {target}; review openapi/{SURFACE_OVERLAY.name}",
        )
        for target in head.unmatched
        if target not in base.unmatched
    ]


def build_report(base: Json, head: Json, *, client: bool, overlay: Any) -> Report:
    """Spec-level findings on the surfaced documents, plus client-surface findings when ``client`` is set."""
    base_surface, head_surface = surfaced(base, overlay), surfaced(head, overlay)
    base, head = comparable(base, head, overlay)
    if is_typed(base) and is_typed(head):  # composed, so given the surface by compose
        report = diff_specs(base, head)
    else:
        report = diff_specs(base_surface.doc, head_surface.doc)
    report = report.merged(Report.of(unmatched_findings(base_surface, head_surface)))
    if client:
        report = report.merged(Report.of(client_findings(base, head, overlay)))
    return report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drift.py",
        description=(
            "Compare two OpenAPI specs (upstream or composed) and list every change as breaking, warning "
            "or info for the generated runflow_klein_client. Upstream specs are compared with the client "
            "surface the naming table gives them; when only one side is composed (has x-klein-model "
            "operations), the other is composed with openapi/contracts first. Exit status: 0 nothing "
            "breaking that the allow-list does not acknowledge, 1 something breaking, 2 unreadable input."
        ),
    )
    parser.add_argument("--base", type=Path, required=True, help="the old spec (JSON)")
    parser.add_argument("--head", type=Path, required=True, help="the new spec (JSON)")
    parser.add_argument(
        "--format", choices=sorted(RENDERERS), default="md", help="report format (default: %(default)s)"
    )
    parser.add_argument("--out", type=Path, help="write the report to this file instead of stdout")
    parser.add_argument(
        "--no-client",
        action="store_true",
        help="skip regenerating both clients and diffing their public API (the spec view alone is instant)",
    )
    add_allowlist_arguments(parser)
    return parser


def add_allowlist_arguments(parser: argparse.ArgumentParser) -> None:
    """``--allowlist`` and ``--today``, shared with the nightly job."""
    parser.add_argument(
        "--allowlist",
        type=Path,
        default=DRIFT_ALLOWLIST,
        help="acknowledged findings, each until its expiry date (default: %(default)s)",
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date allow-list expiries are judged on (default: today, UTC)",
    )


def summary(report: Report) -> str:
    counts = ", ".join(f"{report.count(severity)} {severity.value}" for severity in SEVERITY_ORDER)
    acknowledged = len(report.acknowledged_changes)
    return counts + (f", {acknowledged} acknowledged" if acknowledged else "")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        allowlist = load_allowlist(args.allowlist)
        report = build_report(
            load_spec(args.base),
            load_spec(args.head),
            client=not args.no_client,
            overlay=load_overlay(SURFACE_OVERLAY),
        )
    except SpecError as exc:
        first_line = (str(exc).splitlines() or ["unknown error"])[0]
        print(f"error: {first_line}", file=sys.stderr)
        return EXIT_UNREADABLE
    report = apply_allowlist(report, allowlist, today=args.today or utc_today(), complete=not args.no_client)
    text = RENDERERS[args.format](report)
    if args.out is None:
        sys.stdout.write(text)
    else:
        atomic_write(args.out, text.encode())
        print(f"drift: {summary(report)} → {args.out}")
    return EXIT_BREAKING if report.has_breaking else EXIT_CLEAN
