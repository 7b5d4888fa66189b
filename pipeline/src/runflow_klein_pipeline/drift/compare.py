"""Spec drift: compare two OpenAPI documents and classify every change for our generated client.

Two views are combined. The spec view (``drift_spec``) walks every operation, parameter, body,
response, security requirement and server of both documents, following ``$ref``s into shared
components, and judges each change by direction (request vs response) and by what it does to
the generated client and its callers (rules and severities: ``drift_model.RULES``). The client
view (``drift_client``; skip with ``--no-client``) regenerates both sides with the pinned
generator and diffs the packages' public API with griffe.

Exit status: 0 when nothing is breaking, 1 when something is, 2 when an input cannot be read
(missing, not JSON, not OpenAPI) or the pinned generator is unavailable.

The nightly job imports this module: ``build_report(base, head, client=True)`` returns a
``Report``; ``render_json`` and ``render_markdown`` turn it into text.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from runflow_klein_pipeline.documents import Json, SpecError, atomic_write, load_json, validate_openapi
from runflow_klein_pipeline.drift.client_surface import client_findings, is_typed, typed_spec
from runflow_klein_pipeline.drift.findings import RULES, SEVERITY_ORDER, Finding, Report, Severity
from runflow_klein_pipeline.drift.render import render_json, render_markdown
from runflow_klein_pipeline.drift.spec_diff import diff_specs

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


def comparable(base: Json, head: Json) -> tuple[Json, Json]:
    """Compose the upstream side when the other side is composed, so like is compared with like.

    Otherwise every typed klein operation would show up as added or removed. When composing
    fails, the sides stay as they are (the client view reports why).
    """
    if is_typed(base) == is_typed(head):
        return base, head
    try:
        return typed_spec(base), typed_spec(head)
    except SpecError:
        return base, head


def build_report(base: Json, head: Json, *, client: bool) -> Report:
    """Spec-level findings, plus client-surface findings when ``client`` is set."""
    base, head = comparable(base, head)
    report = diff_specs(base, head)
    if client:
        report = report.merged(Report.of(client_findings(base, head)))
    return report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drift.py",
        description=(
            "Compare two OpenAPI specs (upstream or composed) and list every change as breaking, warning "
            "or info for the generated runflow_klein_client. When only one side is composed (has "
            "x-klein-model operations), the other is composed with openapi/contracts first. Exit status: "
            "0 nothing breaking, 1 something breaking, 2 unreadable input."
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
    return parser


def _summary(report: Report) -> str:
    return ", ".join(f"{report.count(severity)} {severity.value}" for severity in SEVERITY_ORDER)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        report = build_report(load_spec(args.base), load_spec(args.head), client=not args.no_client)
    except SpecError as exc:
        first_line = (str(exc).splitlines() or ["unknown error"])[0]
        print(f"error: {first_line}", file=sys.stderr)
        return EXIT_UNREADABLE
    text = RENDERERS[args.format](report)
    if args.out is None:
        sys.stdout.write(text)
    else:
        atomic_write(args.out, text.encode())
        print(f"drift: {_summary(report)} → {args.out}")
    return EXIT_BREAKING if report.has_breaking else EXIT_CLEAN
