"""The klein contracts load, and every source URL they (and the ledger) cite is a reviewed page.

The reviewed pages are listed in ``openapi/sources.yaml``, committed with the contracts so this check
runs in every clone and in CI. A URL outside that list is either a typo or a source nobody has
reviewed; the fix is to correct the citation, or to review the page and list it, not to loosen this
test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from runflow_klein_pipeline.documents import load_json
from runflow_klein_pipeline.layout import CONTRACTS_DIR, LEDGER, REPO_ROOT, SOURCES, UPSTREAM_SPEC
from runflow_klein_pipeline.spec import compose as compose_spec

KLEIN_MODELS = {
    "black-forest-labs/flux-2-klein-4b",
    "black-forest-labs/flux-2-klein-4b/edit",
    "black-forest-labs/flux-2-klein-9b",
    "black-forest-labs/flux-2-klein-9b/edit",
}
GITHUB_FILE = re.compile(r"^https://github\.com/([^/]+/[^/]+)/(?:blob|tree)/[^/]+/(.+)$")
REPOSITORY = re.compile(r"^[\w.-]+/[\w.-]+$")
ENTRY_KEYS = {"tag", "note", "urls", "repository", "paths"}
# Left in a value, these mean the research notes' shorthand ("…/tail", "{a,b}") was not written out,
# and the entry would list a string that no real citation can match.
SHORTHAND = re.compile(r"[…{}\s]")


@dataclass(frozen=True)
class ReviewedSources:
    """The reviewed pages, and the reviewed files of each GitHub repository."""

    urls: frozenset[str]
    repo_paths: Mapping[str, frozenset[str]]

    def lists(self, url: str) -> bool:
        """True if ``url`` is a listed page, or a github.com file URL of a listed path at any ref.

        Any ref, because citations point at ``main`` or at a commit while the review was of the file.
        """
        if url.rstrip("/") in self.urls:
            return True
        github = GITHUB_FILE.match(url)
        return github is not None and github.group(2) in self.repo_paths.get(github.group(1), frozenset())


def _values(entry: Mapping[str, Any], key: str, tag: str) -> list[str]:
    values = entry.get(key)
    if not isinstance(values, list) or not values or not all(isinstance(value, str) for value in values):
        raise ValueError(f"{tag}: {key} must be a non-empty list of strings")
    for value in values:
        if not value or SHORTHAND.search(value):
            raise ValueError(f"{tag}: {value!r} is empty or abbreviated; write it out in full")
    return values


def _tag(entry: object) -> str:
    """The tag of an entry whose keys are well-formed; which of urls or repository+paths it has is checked."""
    if not isinstance(entry, dict) or not isinstance(entry.get("tag"), str) or not entry["tag"]:
        raise ValueError(f"every entry needs a tag: {entry!r}")
    tag: str = entry["tag"]
    if not set(entry) <= ENTRY_KEYS:
        raise ValueError(f"{tag}: unknown keys {sorted(set(entry) - ENTRY_KEYS)}")
    if not isinstance(entry.get("note"), str) or not entry["note"].strip():
        raise ValueError(f"{tag}: a note is required")
    if ("urls" in entry) == ("repository" in entry or "paths" in entry):
        raise ValueError(f"{tag}: give either urls, or repository and paths")
    return tag


def parse_sources(text: str) -> ReviewedSources:
    """Read sources.yaml strictly: a malformed entry must fail here, not silently list nothing."""
    document = yaml.safe_load(text)
    if (
        not isinstance(document, dict)
        or set(document) != {"sources"}
        or not isinstance(document["sources"], list)
    ):
        raise ValueError("sources.yaml must be a mapping with one key, sources: a list of entries")
    tags: set[str] = set()
    urls: set[str] = set()
    repo_paths: dict[str, set[str]] = {}
    for entry in document["sources"]:
        tag = _tag(entry)
        if tag in tags:
            raise ValueError(f"{tag}: the tag is used twice")
        tags.add(tag)
        if "urls" in entry:
            for url in _values(entry, "urls", tag):
                if not url.startswith("https://"):
                    raise ValueError(f"{tag}: {url} is not an https URL")
                if url in urls:
                    raise ValueError(f"{tag}: {url} is listed twice")
                urls.add(url)
            continue
        repository = entry.get("repository")
        if not isinstance(repository, str) or not REPOSITORY.match(repository):
            raise ValueError(f"{tag}: repository must be owner/name, got {repository!r}")
        listed = repo_paths.setdefault(repository, set())
        for path in _values(entry, "paths", tag):
            if path.startswith("/") or path in listed:
                raise ValueError(f"{tag}: {path} is absolute or listed twice")
            listed.add(path)
    return ReviewedSources(
        frozenset(urls), {repository: frozenset(paths) for repository, paths in repo_paths.items()}
    )


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


def reconstruction_urls() -> list[str]:
    """The sources the vendored reconstruction of the upstream spec says it was written from."""
    reconstruction = load_json(UPSTREAM_SPEC)["info"].get("x-reconstruction", {})
    return sorted(reconstruction.get("sources", []))


@pytest.fixture(scope="module")
def reviewed() -> ReviewedSources:
    return parse_sources(SOURCES.read_text())


def test_the_contracts_load_with_full_provenance() -> None:
    """load_contracts raises on any fact without x-source, so loading is the provenance check."""
    _, contracts = compose_spec.load_contracts(CONTRACTS_DIR)

    assert {contract.model_id for contract in contracts} == KLEIN_MODELS
    assert contract_urls(), "no x-source URLs found: the walk over the contracts is broken"


@pytest.mark.parametrize(
    "url", sorted(set(contract_urls()) | set(ledger_urls()) | set(reconstruction_urls()))
)
def test_source_url_is_a_reviewed_page(url: str, reviewed: ReviewedSources) -> None:
    assert reviewed.lists(url), (
        f"{url} is cited (contracts, ledger or the reconstructed spec) but is not in "
        f"{SOURCES.relative_to(REPO_ROOT)}: correct the citation, or review the page and list it there"
    )


def test_the_matcher_accepts_listed_sources_and_nothing_else() -> None:
    """Guards ReviewedSources.lists, which every case above relies on, with a list of known content."""
    sources = parse_sources(
        """
sources:
  - tag: D-x
    urls: [https://docs.example/a/create-thing, https://docs.example/a/create-thing.md]
    note: a docs page
  - tag: JS
    repository: acme/sdk
    paths: [packages/sdk/src/types.ts]
    note: a repository file
"""
    )

    for url in (
        "https://docs.example/a/create-thing",
        "https://docs.example/a/create-thing/",
        "https://docs.example/a/create-thing.md",
        "https://github.com/acme/sdk/blob/main/packages/sdk/src/types.ts",
        "https://github.com/acme/sdk/blob/0123abc4567/packages/sdk/src/types.ts",
        "https://github.com/acme/sdk/tree/v2/packages/sdk/src/types.ts",
    ):
        assert sources.lists(url), url
    for url in (
        "https://docs.example/a/update-thing",
        "https://docs.example/a/create-thing/extra",
        "http://docs.example/a/create-thing",
        "https://github.com/acme/sdk/blob/main/packages/sdk/src/client.ts",
        "https://github.com/acme/sdk/blob/main/vendor/packages/sdk/src/types.ts",
        "https://github.com/acme/sdk/blob/main/packages/sdk/src",
        "https://github.com/other/sdk/blob/main/packages/sdk/src/types.ts",
        "https://example.org/acme/sdk/blob/main/packages/sdk/src/types.ts",
    ):
        assert not sources.lists(url), url


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        pytest.param("- {tag: A, note: n, urls: ['https://d.example/a, …/b']}", "abbreviated", id="ellipsis"),
        pytest.param(
            "- {tag: A, note: n, repository: o/r, paths: ['src/{a,b}.ts']}", "abbreviated", id="braces"
        ),
        pytest.param("- {tag: A, note: n, urls: ['http://d.example/a']}", "not an https", id="http"),
        pytest.param("- {tag: A, urls: ['https://d.example/a']}", "note is required", id="no-note"),
        pytest.param("- {tag: A, note: n, urls: []}", "non-empty list", id="no-urls"),
        pytest.param("- {tag: A, note: n}", "either urls", id="neither"),
        pytest.param(
            "- {tag: A, note: n, urls: ['https://d.example/a'], repository: o/r, paths: [x]}",
            "either urls",
            id="both",
        ),
        pytest.param("- {tag: A, note: n, paths: [x]}", "repository must be", id="paths-without-repository"),
        pytest.param("- {tag: A, note: n, url: 'https://d.example/a'}", "unknown keys", id="misspelt-key"),
        pytest.param(
            "- {tag: A, note: n, urls: ['https://d.example/a']}\n- {tag: A, note: n, urls: ['https://d.example/b']}",
            "used twice",
            id="duplicate-tag",
        ),
        pytest.param(
            "- {tag: A, note: n, urls: ['https://d.example/a']}\n- {tag: B, note: n, urls: ['https://d.example/a']}",
            "listed twice",
            id="duplicate-url",
        ),
    ],
)
def test_the_parser_rejects_malformed_entries(entries: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_sources(f"sources:\n{entries}\n")
