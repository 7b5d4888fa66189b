"""``scripts/docs_drift.py``: one model page (or catalog response) against the model's contract.

Exit 0 nothing breaking (known ledger disagreements do not count), 1 breaking, 2 the page cannot be
read or the model has no contract — always one ``error:`` line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from runflow_klein_pipeline.documents import Json, SpecError, json_text
from runflow_klein_pipeline.drift.findings import SEVERITY_ORDER, Severity
from runflow_klein_pipeline.drift.render import cell
from runflow_klein_pipeline.layout import CONTRACTS_DIR, LEDGER
from runflow_klein_pipeline.model_docs import pages
from runflow_klein_pipeline.model_docs.compare import DocsFinding, compare, load_ledger
from runflow_klein_pipeline.model_docs.declaration import Declaration, PageError
from runflow_klein_pipeline.spec.compose import Contract, load_contracts

EXIT_CLEAN, EXIT_BREAKING, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Klein:
    """The contracts and the ledger a page is judged against."""

    definitions: Json
    contracts: dict[str, Contract]

    @classmethod
    def load(cls, contracts_dir: Path = CONTRACTS_DIR) -> Klein:
        definitions, contracts = load_contracts(contracts_dir)
        return cls(definitions, {contract.model_id: contract for contract in contracts})

    def contract(self, model: str) -> Contract:
        """The contract of ``model``, written in full or without its owner (``flux-2-klein-4b/edit``)."""
        found = [
            c for model_id, c in self.contracts.items() if model in (model_id, model_id.split("/", 1)[1])
        ]
        if len(found) != 1:
            raise PageError(
                f"unknown model {model!r}: contracts exist for {', '.join(sorted(self.contracts))}"
            )
        return found[0]


def read_page(source: str, model_id: str) -> Declaration:
    """Read a page from a file or URL; its declaration names the page's canonical URL."""
    if "://" in source:
        text = pages.fetch_text(source)
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PageError(f"cannot read {source}: {exc}") from exc
    form = pages.form_of(text)
    declaration = pages.parse(text, url=pages.page_url(model_id, form) if form else source)
    if declaration.model_id and declaration.model_id != model_id:
        raise PageError(f"{source} documents {declaration.model_id}, not {model_id}")
    return declaration


def check_page(klein: Klein, model: str, source: str) -> tuple[Declaration, list[DocsFinding]]:
    contract = klein.contract(model)
    page = read_page(source, contract.model_id)
    return page, compare(page, contract, klein.definitions, load_ledger(LEDGER))


def render_markdown(page: Declaration, findings: list[DocsFinding]) -> str:
    lines = [f"# Docs drift: {page.model_id or page.url}", "", f"Page: {page.url} ({page.form})", ""]
    if not findings:
        return "\n".join([*lines, "The page agrees with the contract."]) + "\n"
    lines += ["| severity | rule | field | message |", "|---|---|---|---|"]
    for finding in sorted(findings, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.field, f.rule)):
        known = f" (known: ledger `{finding.known}`)" if finding.known else ""
        row = f"| {finding.severity.value} | `{finding.rule}` | `{finding.field}` |"
        lines.append(f"{row} {cell(finding.message)}{known} |")
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docs_drift.py",
        description=(
            "Compare a model page (llms.txt, docs page or its .md, or a catalog response) with the model's "
            "contract. Exit status: 0 nothing breaking, 1 breaking, 2 unreadable page or unknown model."
        ),
    )
    parser.add_argument("--model", required=True, help="model id, e.g. black-forest-labs/flux-2-klein-4b")
    parser.add_argument("--page", required=True, help="file, or https://, http:// or file:// URL")
    parser.add_argument("--format", choices=("md", "json"), default="md")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        page, findings = check_page(Klein.load(), args.model, args.page)
    except SpecError as exc:  # PageError included: an unreadable page is exit 2, not drift
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.format == "json":
        print(json_text({"findings": [f.as_dict() for f in findings]}), end="")
    else:
        print(render_markdown(page, findings), end="")
    breaking = any(finding.severity is Severity.BREAKING for finding in findings)
    return EXIT_BREAKING if breaking else EXIT_CLEAN
