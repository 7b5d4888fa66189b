"""The client's release notes: ``generated/runflow-klein-client/CHANGELOG.md``, Keep a Changelog 1.1.

Regeneration adds one entry per new version, newest first, and carries every earlier entry over
unchanged (the file is shipped in the client's sdist, so it is what a consumer reads). Entries name
what changed by its Python path, with the upstream document the version was generated from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from runflow_klein_pipeline.drift.findings import Finding
from runflow_klein_pipeline.release.version import Change

HEADER = """\
# Changelog of runflow-klein-client

Every release of the generated client, newest first. The format follows
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/); versions follow
[Semantic Versioning](https://semver.org/) as decided by `scripts/regenerate.py` from what changed in
the client's public surface (below 1.0: breaking bumps the minor version, additive the patch version,
a change to generated code alone a `.postN` release). This file is written by regeneration.
"""
_SUMMARY = {
    Change.BREAKING: "Breaking: code written against the previous version may need changes.",
    Change.ADDITIVE: "Additive: code written against the previous version keeps working.",
    Change.GENERATED: "Generated code changed (docstrings, defaults, templates); the public surface did not.",
}
MAX_FILES = 20


@dataclass(frozen=True)
class Upstream:
    """The upstream document a version was generated from."""

    sha256: str
    info_version: str


def _section(finding: Finding) -> str:
    if finding.rule.endswith("-removed"):
        return "Removed"
    if finding.rule.endswith("-added"):
        return "Added"
    return "Changed"


def entry(
    version: str,
    change: Change,
    *,
    findings: Iterable[Finding],
    changed_files: Iterable[str],
    upstream: Upstream,
    today: date,
) -> str:
    """One release's notes: Added / Changed / Removed by Python name, or the generated files touched."""
    sections: dict[str, list[str]] = {"Added": [], "Changed": [], "Removed": []}
    for finding in sorted(findings, key=lambda f: (f.location, f.rule, f.message)):
        sections[_section(finding)].append(f"- `{finding.location}`: {finding.message}")
    if change is Change.GENERATED:
        files = sorted(changed_files)
        shown = ", ".join(f"`{name}`" for name in files[:MAX_FILES])
        more = f" and {len(files) - MAX_FILES} more" if len(files) > MAX_FILES else ""
        sections["Changed"].append(f"- generated files: {shown}{more}")
    lines = [
        f"## [{version}] - {today.isoformat()}",
        "",
        _SUMMARY[change],
        f"Upstream document: sha256 `{upstream.sha256}`, `info.version` {upstream.info_version}.",
    ]
    for title, items in sections.items():
        if items:
            lines += ["", f"### {title}", "", *items]
    return "\n".join(lines) + "\n"


def first_entry(version: str, upstream: Upstream, today: date) -> str:
    """The entry of a client with no recorded predecessor."""
    return (
        f"## [{version}] - {today.isoformat()}\n\nFirst versioned release.\n"
        f"Upstream document: sha256 `{upstream.sha256}`, `info.version` {upstream.info_version}.\n"
    )


def prepend(existing: str | None, new_entry: str) -> str:
    """The changelog with ``new_entry`` above every earlier entry (the header is kept as it was)."""
    text = existing if existing is not None else HEADER
    head, marker, rest = text.partition("\n## ")
    if not marker:
        return f"{text.rstrip()}\n\n{new_entry}"
    return f"{head.rstrip()}\n\n{new_entry}\n## {rest}"
