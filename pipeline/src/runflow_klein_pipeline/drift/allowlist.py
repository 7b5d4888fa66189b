"""The drift allow-list: changes a maintainer has looked at and accepted, each only until a date.

Like oasdiff's ignore file or schemathesis' excluded checks, except that every entry expires, so an
acknowledgement cannot outlive its reason. ``openapi/drift-allowlist.yaml``::

    entries:
      - fingerprint: "3f2a9c1b0d4e"    # the id of a change in drift.md / drift.json
        rule: response-property-enum-value-added    # optional; must then be the change's rule
        reason: the runtime maps unknown output types itself (issue 12)
        expires: 2026-03-31             # the last day the acknowledgement applies

An acknowledged change is listed as acknowledged and not counted, so it cannot make a run breaking, up
to and including ``expires``; from the day after, it counts again and the entry itself is reported
(``allowlist-entry-expired``). An entry that matches no change of a complete run is reported too
(``allowlist-entry-unused``), so entries do not outlive what they named. The date is always passed in;
only ``utc_today`` reads the clock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from runflow_klein_pipeline.documents import SpecError
from runflow_klein_pipeline.drift.findings import RULES, Acknowledgement, Finding, Report

FINGERPRINT = re.compile(r"[0-9a-f]{12}")
REQUIRED_KEYS = ("fingerprint", "reason", "expires")
KEYS = frozenset({*REQUIRED_KEYS, "rule"})


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    reason: str
    expires: date
    rule: str | None = None


def utc_today() -> date:
    return datetime.now(UTC).date()


def load_allowlist(path: Path) -> tuple[Entry, ...]:
    """The entries of an allow-list file; SpecError (one line) says what is wrong with it."""
    try:
        doc = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"{path.name} is not valid YAML: {' '.join(str(exc).split())}") from exc
    return parse_allowlist(doc, where=path.name)


def parse_allowlist(doc: Any, *, where: str) -> tuple[Entry, ...]:
    if not isinstance(doc, dict) or set(doc) != {"entries"} or not isinstance(doc["entries"], list):
        raise SpecError(f"{where}: expected one key, `entries`, holding a list (`entries: []` when empty)")
    entries: dict[str, Entry] = {}
    for index, raw in enumerate(doc["entries"], start=1):
        entry = _entry(raw, f"{where}: entry {index}")
        if entry.fingerprint in entries:
            raise SpecError(f"{where}: entry {index} repeats fingerprint {entry.fingerprint}")
        entries[entry.fingerprint] = entry
    return tuple(entries.values())


def _entry(raw: Any, here: str) -> Entry:
    if not isinstance(raw, dict):
        raise SpecError(f"{here}: expected a mapping with {', '.join(REQUIRED_KEYS)} (and optionally rule)")
    unknown = sorted(str(key) for key in raw.keys() - KEYS)
    if unknown:
        raise SpecError(f"{here}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(KEYS))}")
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        raise SpecError(f"{here}: missing {', '.join(missing)}")
    fingerprint = raw["fingerprint"]
    if not isinstance(fingerprint, str) or not FINGERPRINT.fullmatch(fingerprint):
        raise SpecError(
            f"{here}: fingerprint must be a change's id, 12 hex digits in quotes, got {fingerprint!r}"
        )
    here = f"{here} ({fingerprint})"
    reason = raw["reason"]
    if not isinstance(reason, str) or not reason.strip():
        raise SpecError(f"{here}: reason must say why the change is acceptable, got {reason!r}")
    rule = raw.get("rule")
    if rule is not None and rule not in RULES:
        raise SpecError(f"{here}: unknown rule {rule!r}")
    return Entry(fingerprint, " ".join(reason.split()), _date(raw["expires"], here), rule)


def _date(value: Any, here: str) -> date:
    """YAML reads an unquoted ``2026-03-31`` as a date; a quoted one is accepted too."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise SpecError(f"{here}: expires must be a date (YYYY-MM-DD), got {value!r}")


def apply_allowlist(report: Report, entries: Sequence[Entry], *, today: date, complete: bool) -> Report:
    """``report`` with the changes live entries acknowledge, and a finding for every entry that expired
    and, when the run was ``complete`` (every view and stage ran), for every entry that matched nothing.

    An incomplete run cannot tell an entry whose change is gone from one whose change was not looked for.
    """
    changes = {change.id: change for change in report.changes}
    acknowledged: dict[str, Acknowledgement] = {}
    notes = []
    for entry in entries:
        where = f"allow-list {entry.fingerprint}"
        change = changes.get(entry.fingerprint)
        if today > entry.expires:
            outcome = "the change counts again" if change else "it matches no change either"
            message = f"expired on {entry.expires} ({entry.reason}); {outcome}"
            notes.append(Finding("allowlist-entry-expired", "", where, message))
        elif change is not None and entry.rule in (None, change.rule):
            acknowledged[entry.fingerprint] = Acknowledgement(entry.reason, entry.expires)
        elif change is not None:
            message = f"names rule `{entry.rule}`, but change {entry.fingerprint} is `{change.rule}`"
            notes.append(Finding("allowlist-entry-unused", "", where, message))
        elif complete:
            message = f"no change has id {entry.fingerprint} ({entry.reason})"
            notes.append(Finding("allowlist-entry-unused", "", where, message))
    return Report.of(report.findings + tuple(notes), {**report.acknowledged, **acknowledged})
