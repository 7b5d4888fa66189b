"""How much a regeneration changed the client, and the version that follows from it.

SemVer, judged by the client surface (drift's client view, ``drift.client_surface``) rather than by
the spec: a breaking change bumps more than an additive one, an additive one more than a change to
generated code that leaves the public surface alone (docstrings, descriptions, templates).

Below 1.0 (SemVer leaves 0.x open) the project uses Cargo's convention, one position down, and a
PEP 440 post-release for the smallest step:

=============== ====================== =====================
change          0.y.z                  x.y.z (x >= 1)
=============== ====================== =====================
breaking        0.(y+1).0              (x+1).0.0
additive        0.y.(z+1)              x.(y+1).0
generated code  0.y.z.post(n+1)        x.y.(z+1)
=============== ====================== =====================

so ``>=0.y.z,<0.(y+1)`` is a compatible range in 0.x, as ``>=x.y,<(x+1)`` is from 1.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import IntEnum

from runflow_klein_pipeline.documents import SpecError
from runflow_klein_pipeline.drift.findings import Finding, Severity

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:\.post(\d+))?$")


class Change(IntEnum):
    """What a regeneration did to the client, ordered by how much a consumer must care."""

    NONE = 0
    GENERATED = 1  # generated files differ, the public surface does not
    ADDITIVE = 2
    BREAKING = 3


def classify(findings: Iterable[Finding], *, files_changed: bool) -> Change:
    """Breaking and warning findings (a type or a required argument changed: type-checked or calling
    code may need changes) are breaking; any other surface finding is additive."""
    severities = {finding.severity for finding in findings}
    if severities & {Severity.BREAKING, Severity.WARNING}:
        return Change.BREAKING
    if severities:
        return Change.ADDITIVE
    return Change.GENERATED if files_changed else Change.NONE


def bump(version: str, change: Change) -> str:
    """The version after ``change`` (see the module docstring for the rule)."""
    match = _VERSION.match(version)
    if match is None:
        raise SpecError(f"client version {version!r} is not MAJOR.MINOR.PATCH[.postN]")
    major, minor, patch = (int(part) for part in match.group(1, 2, 3))
    post = int(match.group(4) or 0)
    if change is Change.NONE:
        return version
    steps = [(major + 1, 0, 0), (major, minor + 1, 0), (major, minor, patch + 1)]
    if major == 0:
        steps = steps[1:]
    if change is Change.BREAKING:
        return "{}.{}.{}".format(*steps[0])
    if change is Change.ADDITIVE:
        return "{}.{}.{}".format(*steps[1])
    if major == 0:
        return f"{major}.{minor}.{patch}.post{post + 1}"
    return "{}.{}.{}".format(*steps[2])
