"""The version rule: breaking > additive > generated code only > nothing, in 0.x and from 1.0."""

from __future__ import annotations

from datetime import date

import pytest
from runflow_klein_pipeline.drift.findings import Finding
from runflow_klein_pipeline.release import changelog
from runflow_klein_pipeline.release.version import Change, bump, classify

REMOVED = Finding(
    "client-model-field-removed", "", "runflow_klein_client.models.Run.seed", "field `seed` removed"
)
ADDED = Finding(
    "client-function-added", "", "runflow_klein_client.api.runs.cancel_run.sync", "function added"
)
RETYPED = Finding(
    "client-model-field-type-changed", "", "runflow_klein_client.models.Run.id", "`str` → `int`"
)
UPSTREAM = changelog.Upstream("ab" * 32, "2.0.0")


@pytest.mark.parametrize(
    ("findings", "files_changed", "expected"),
    [
        ([], False, Change.NONE),
        ([], True, Change.GENERATED),
        ([ADDED], True, Change.ADDITIVE),
        ([ADDED, REMOVED], True, Change.BREAKING),
        ([RETYPED], True, Change.BREAKING),
    ],
)
def test_classify(findings: list[Finding], files_changed: bool, expected: Change) -> None:
    assert classify(findings, files_changed=files_changed) is expected


@pytest.mark.parametrize(
    ("version", "change", "expected"),
    [
        ("0.1.0", Change.NONE, "0.1.0"),
        ("0.1.0", Change.GENERATED, "0.1.0.post1"),
        ("0.1.0.post1", Change.GENERATED, "0.1.0.post2"),
        ("0.1.0.post2", Change.ADDITIVE, "0.1.1"),
        ("0.1.3.post1", Change.BREAKING, "0.2.0"),
        ("1.2.3", Change.GENERATED, "1.2.4"),
        ("1.2.3", Change.ADDITIVE, "1.3.0"),
        ("1.2.3", Change.BREAKING, "2.0.0"),
    ],
)
def test_bump(version: str, change: Change, expected: str) -> None:
    assert bump(version, change) == expected


def test_a_breaking_bump_outranks_an_additive_one_outranks_generated_code() -> None:
    def key(version: str) -> tuple[int, ...]:
        return tuple(int(part) for part in version.replace(".post", ".").split("."))

    versions = [bump("0.4.2", change) for change in (Change.GENERATED, Change.ADDITIVE, Change.BREAKING)]
    assert [key(v) for v in versions] == sorted(key(v) for v in versions)
    assert key("0.4.2") < key(versions[0])


def test_the_changelog_names_changes_by_python_name_and_keeps_earlier_entries() -> None:
    first = changelog.prepend(None, changelog.first_entry("0.1.0", UPSTREAM, date(2026, 1, 1)))
    entry = changelog.entry(
        "0.2.0",
        Change.BREAKING,
        findings=[ADDED, REMOVED],
        changed_files=[],
        upstream=UPSTREAM,
        today=date(2026, 2, 1),
    )

    text = changelog.prepend(first, entry)

    assert text.startswith(changelog.HEADER)
    assert text.index("## [0.2.0] - 2026-02-01") < text.index("## [0.1.0] - 2026-01-01")
    assert "### Removed\n\n- `runflow_klein_client.models.Run.seed`: field `seed` removed" in text
    assert "### Added\n\n- `runflow_klein_client.api.runs.cancel_run.sync`" in text
    assert f"sha256 `{'ab' * 32}`, `info.version` 2.0.0" in text
