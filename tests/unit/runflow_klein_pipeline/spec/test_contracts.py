"""The klein contracts load, and every ``x-source`` URL in them names a page the project's research used.

Those pages are listed in the source table of ``runflow-api.md`` (the reference kept beside the repo,
at ``../shared`` in CI) and the seed pages. A URL outside that list is either a typo or a source nobody
has reviewed; the fix is to correct the contract or to add the page to the reference, not to loosen
this test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from runflow_klein_pipeline.documents import load_json
from runflow_klein_pipeline.layout import CONTRACTS_DIR, LEDGER, REPO_ROOT
from runflow_klein_pipeline.spec import compose as compose_spec

SHARED = REPO_ROOT.parent / "shared"
REFERENCE = SHARED / "reference" / "runflow-api.md"
SEEDS = SHARED / "seeds"
KLEIN_MODELS = {
    "black-forest-labs/flux-2-klein-4b",
    "black-forest-labs/flux-2-klein-4b/edit",
    "black-forest-labs/flux-2-klein-9b",
    "black-forest-labs/flux-2-klein-9b/edit",
}
URL = re.compile(r"https?://[^\s`,()|<>\]\"']+")
ELLIPSIS_TAIL = re.compile(r"…(/[^\s`,()|]+)")
BACKTICKED = re.compile(r"`([^`]+)`")
GITHUB_FILE = re.compile(r"^https://github\.com/([^/]+/[^/]+)/(?:blob|tree)/[^/]+/(.+)$")
REPO_ROW = re.compile(r"^([\w.-]+/[\w.-]+) `")
# Sources the reference quotes in its text without a row in its source table; each needs its reason.
QUOTED_IN_TEXT = {
    # runflow-api.md §1 notes: "the newer SDK README says dispatch now resolves runflow://assets/{id}
    # to a signed URL (JS SDK README, commit 0561402e)".
    "https://github.com/runflow-io/runflow-js/blob/main/packages/sdk/README.md",
}


def _source_values(node: Any) -> Iterator[str]:
    """Every x-source value in a contract, except free-text notes."""
    if isinstance(node, list):
        for item in node:
            yield from _source_values(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "x-source":
                entries = value.items() if isinstance(value, dict) else [("", value)]
                for name, entry in entries:
                    if name != "note":
                        yield from entry if isinstance(entry, list) else [entry]
            else:
                yield from _source_values(value)


def contract_urls() -> list[str]:
    values = (v for path in sorted(CONTRACTS_DIR.glob("*.json")) for v in _source_values(load_json(path)))
    return sorted({v for v in values if not v.startswith(compose_spec.INFERRED_PREFIX)})


def ledger_urls() -> list[str]:
    """Every source URL cited by the contradiction ledger."""
    entries = yaml.safe_load(LEDGER.read_text())["entries"]
    return sorted({url for entry in entries for reading in entry["readings"] for url in reading["sources"]})


def _source_table(text: str) -> list[str]:
    """The 'source' cells of the table that follows '| tag | source |'."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.replace(" ", "") == "|tag|source|")
    cells = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells.append(line.strip().strip("|").split("|", 1)[1].strip())
    return cells


def _brace_expand(path: str) -> list[str]:
    match = re.search(r"\{([^{}]+)\}", path)
    if not match:
        return [path]
    head, tail = path[: match.start()], path[match.end() :]
    return [
        expanded for option in match.group(1).split(",") for expanded in _brace_expand(head + option + tail)
    ]


def _expand_ellipsis(base: str, tail: str) -> str:
    """Read '…/tail' after ``base``: a variant of base's last hyphen token, or a sibling of its last segment.

    '…/9b/edit' after '…/flux-2-klein-4b' swaps the variant token ('4b' → '9b');
    '…/update-callback-secret' after '…/webhooks/create-callback-signing-secret' is a sibling.
    """
    directory, _, last = base.rpartition("/")
    first = tail.lstrip("/").split("/", 1)[0]
    stem = last[: len(last) - len(first)]
    if len(first) < len(last) and stem.endswith("-"):
        return f"{directory}/{stem}{tail.lstrip('/')}"
    return directory + tail


def listed_sources(reference: str, seeds: list[str]) -> tuple[set[str], dict[str, set[str]]]:
    """URLs listed in the reference's source table or in the seeds, and GitHub paths per repository."""
    urls: set[str] = set()
    repo_paths: dict[str, set[str]] = {}
    for cell in _source_table(reference):
        row_urls = URL.findall(cell)
        if row_urls:
            row = set(row_urls)
            for tail in ELLIPSIS_TAIL.findall(cell):
                row.add(_expand_ellipsis(row_urls[0], tail))
            if "`.md`" in cell:
                row |= {url + ".md" for url in row}
            urls |= row
        repo = REPO_ROW.match(cell)
        if repo:
            paths = {p for quoted in BACKTICKED.findall(cell) for p in _brace_expand(quoted) if "/" in p}
            repo_paths.setdefault(repo.group(1), set()).update(paths)
    for seed in seeds:
        urls |= set(URL.findall(seed))
    return urls, repo_paths


def is_listed(url: str, urls: set[str], repo_paths: dict[str, set[str]]) -> bool:
    if url.rstrip("/") in urls or url in QUOTED_IN_TEXT:
        return True
    github = GITHUB_FILE.match(url)
    if not github:
        return False
    paths = repo_paths.get(github.group(1), set())
    return any(github.group(2) == path or github.group(2).endswith("/" + path) for path in paths)


@pytest.fixture(scope="module")
def sources() -> tuple[set[str], dict[str, set[str]]]:
    if not REFERENCE.is_file() or not SEEDS.is_dir():
        pytest.skip(f"the research reference is not checked out beside the repo ({SHARED} is missing)")
    seeds = [path.read_text(errors="replace") for path in sorted(SEEDS.iterdir()) if path.is_file()]
    return listed_sources(REFERENCE.read_text(), seeds)


def test_the_contracts_load_with_full_provenance() -> None:
    """load_contracts raises on any fact without x-source, so loading is the provenance check."""
    _, contracts = compose_spec.load_contracts(CONTRACTS_DIR)

    assert {contract.model_id for contract in contracts} == KLEIN_MODELS
    assert contract_urls(), "no x-source URLs found: the walk over the contracts is broken"


@pytest.mark.parametrize("url", sorted(set(contract_urls()) | set(ledger_urls())))
def test_source_url_is_a_reviewed_page(url: str, sources: tuple[set[str], dict[str, set[str]]]) -> None:
    urls, repo_paths = sources

    assert is_listed(url, urls, repo_paths), (
        f"{url} is cited (contracts or ledger) but is neither in the source table of {REFERENCE.name} nor "
        "in the seed pages: correct the citation or add the page to the reference"
    )


def test_the_source_table_parser_understands_the_table() -> None:
    """Guards the parser above with a table in the reference's own notation."""
    table = "\n".join(
        [
            "| tag | source |",
            "|---|---|",
            "| D-x | https://docs.example/a/create-thing, …/update-thing (+ `.md`) |",
            "| M-4b | https://docs.example/models/klein-4b, …/4b/edit, …/9b |",
            "| JS | acme/sdk `packages/sdk/src/{client,types}.ts`, `tools/run.ts` |",
            "",
            "| not | https://docs.example/outside-the-table |",
        ]
    )
    urls, repo_paths = listed_sources(table, ["see https://seed.example/page for details"])

    for url in (
        "https://docs.example/a/update-thing.md",
        "https://docs.example/models/klein-4b/edit",
        "https://docs.example/models/klein-9b",
        "https://seed.example/page",
    ):
        assert is_listed(url, urls, repo_paths), url
    assert is_listed("https://github.com/acme/sdk/blob/main/packages/sdk/src/types.ts", urls, repo_paths)
    assert is_listed(
        "https://github.com/acme/sdk/blob/0123abc/packages/sdk/src/tools/run.ts", urls, repo_paths
    )
    assert not is_listed("https://github.com/acme/sdk/blob/main/packages/sdk/CHANGES.md", urls, repo_paths)
    assert not is_listed("https://docs.example/outside-the-table", urls, repo_paths)
    assert not is_listed("https://docs.example/models/klein-9b/edit/extra", urls, repo_paths)
    assert not is_listed("https://docs.example/models/4b/edit", urls, repo_paths)
