"""The allow-list: acknowledged changes stop counting until their entry expires, then speak again.

Every date is passed in; nothing here reads the clock.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from runflow_klein_pipeline.documents import SpecError, dump_json
from runflow_klein_pipeline.drift import compare as drift
from runflow_klein_pipeline.drift.allowlist import Entry, apply_allowlist, load_allowlist, parse_allowlist
from runflow_klein_pipeline.drift.findings import Acknowledgement, Finding, Report, Severity
from runflow_klein_pipeline.layout import DRIFT_ALLOWLIST

from .specs import Json, response_prop

EXPIRES = date(2026, 3, 31)
BREAKING = Finding("response-property-removed", "GET /things", "response 200 body /p", "property `p` removed")
REASON = "the runtime never reads p (issue 12)"


def acknowledging(fingerprint: str = BREAKING.id, rule: str | None = None) -> Entry:
    return Entry(fingerprint, REASON, EXPIRES, rule)


def applied(entry: Entry, today: date, *, complete: bool = True) -> Report:
    return apply_allowlist(Report.of([BREAKING]), [entry], today=today, complete=complete)


def notes(report: Report) -> set[tuple[str, str, str]]:
    return {(c.rule, c.location, c.message) for c in report.changes if c.rule.startswith("allowlist-")}


# ---------------------------------------------------------------- acknowledging and expiring


@pytest.mark.parametrize("today", [date(2026, 1, 1), EXPIRES], ids=["before", "on the expiry date"])
def test_an_acknowledged_change_is_listed_but_not_counted_until_it_expires(today: date) -> None:
    report = applied(acknowledging(), today)

    assert report.count(Severity.BREAKING) == 0
    assert not report.has_breaking
    [change] = report.acknowledged_changes
    assert (change.id, change.acknowledged) == (BREAKING.id, Acknowledgement(REASON, EXPIRES))
    assert notes(report) == set()


def test_after_its_expiry_date_the_change_speaks_again_and_the_entry_is_reported() -> None:
    report = applied(acknowledging(), date(2026, 4, 1))

    assert report.count(Severity.BREAKING) == 1
    assert report.acknowledged_changes == ()
    assert report.count(Severity.WARNING) == 1
    assert notes(report) == {
        (
            "allowlist-entry-expired",
            f"allow-list {BREAKING.id}",
            f"expired on 2026-03-31 ({REASON}); the change counts again",
        )
    }


def test_an_expired_entry_without_its_change_is_reported_as_expired() -> None:
    report = applied(acknowledging("0123456789ab"), date(2026, 4, 1))
    assert notes(report) == {
        (
            "allowlist-entry-expired",
            "allow-list 0123456789ab",
            f"expired on 2026-03-31 ({REASON}); it matches no change either",
        )
    }


def test_an_entry_whose_rule_differs_acknowledges_nothing() -> None:
    report = applied(acknowledging(rule="response-property-became-optional"), date(2026, 1, 1))
    assert report.count(Severity.BREAKING) == 1
    assert notes(report) == {
        (
            "allowlist-entry-unused",
            f"allow-list {BREAKING.id}",
            f"names rule `response-property-became-optional`, but change {BREAKING.id} is "
            "`response-property-removed`",
        )
    }
    assert applied(acknowledging(rule=BREAKING.rule), date(2026, 1, 1)).count(Severity.BREAKING) == 0


def test_an_unused_entry_is_reported_only_after_a_complete_run() -> None:
    entry = acknowledging("0123456789ab")
    assert notes(applied(entry, date(2026, 1, 1))) == {
        ("allowlist-entry-unused", "allow-list 0123456789ab", f"no change has id 0123456789ab ({REASON})")
    }
    assert notes(applied(entry, date(2026, 1, 1), complete=False)) == set()


def test_a_shared_change_is_acknowledged_by_its_one_fingerprint() -> None:
    report = Report.of(
        Finding(
            "response-property-enum-value-added",
            op,
            "response 200 body /s",
            "enum value 1 added",
            "schemas/S",
        )
        for op in ("GET /a", "GET /b")
    )
    [change] = report.changes
    acknowledged = apply_allowlist(report, [acknowledging(change.id)], today=EXPIRES, complete=True)
    assert acknowledged.count(Severity.BREAKING) == 0
    assert [c.operations for c in acknowledged.acknowledged_changes] == [("GET /a", "GET /b")]


# ---------------------------------------------------------------- the file


def test_the_committed_allowlist_is_valid() -> None:
    load_allowlist(DRIFT_ALLOWLIST)


def test_a_valid_file_is_read() -> None:
    doc = {
        "entries": [
            {"fingerprint": "0123456789ab", "reason": "  why\n  not ", "expires": date(2026, 3, 31)},
            {"fingerprint": "ba9876543210", "reason": "r", "expires": "2026-04-01", "rule": "server-added"},
        ]
    }
    assert parse_allowlist(doc, where="a.yaml") == (
        Entry("0123456789ab", "why not", date(2026, 3, 31)),
        Entry("ba9876543210", "r", date(2026, 4, 1), "server-added"),
    )


def entry(**fields: Any) -> dict[str, Any]:
    return {"fingerprint": "0123456789ab", "reason": "r", "expires": date(2026, 3, 31), **fields}


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        (None, "a.yaml: expected one key, `entries`, holding a list (`entries: []` when empty)"),
        ({"entries": None}, "a.yaml: expected one key, `entries`, holding a list (`entries: []` when empty)"),
        ({"entries": [], "extra": 1}, "a.yaml: expected one key, `entries`, holding a list"),
        ({"entries": ["x"]}, "a.yaml: entry 1: expected a mapping with fingerprint, reason, expires"),
        ({"entries": [entry(until="x")]}, "a.yaml: entry 1: unknown key(s) until; allowed: expires, "),
        ({"entries": [{"fingerprint": "0123456789ab"}]}, "a.yaml: entry 1: missing reason, expires"),
        (
            {"entries": [entry(fingerprint=123456789012)]},
            "a.yaml: entry 1: fingerprint must be a change's id, 12 hex digits in quotes, got 123456789012",
        ),
        (
            {"entries": [entry(fingerprint="0123")]},
            "a.yaml: entry 1: fingerprint must be a change's id, 12 hex digits in quotes, got '0123'",
        ),
        ({"entries": [entry(reason=" ")]}, "a.yaml: entry 1 (0123456789ab): reason must say why"),
        (
            {"entries": [entry(expires="soon")]},
            "a.yaml: entry 1 (0123456789ab): expires must be a date (YYYY-MM-DD), got 'soon'",
        ),
        (
            {"entries": [entry(expires=None)]},
            "a.yaml: entry 1 (0123456789ab): expires must be a date (YYYY-MM-DD), got None",
        ),
        (
            {"entries": [entry(rule="no-such-rule")]},
            "a.yaml: entry 1 (0123456789ab): unknown rule 'no-such-rule'",
        ),
        ({"entries": [entry(), entry()]}, "a.yaml: entry 2 repeats fingerprint 0123456789ab"),
    ],
)
def test_a_malformed_file_is_one_clear_line(doc: Any, error: str) -> None:
    with pytest.raises(SpecError) as raised:
        parse_allowlist(doc, where="a.yaml")
    message = str(raised.value)
    assert message.startswith(error)
    assert "\n" not in message


def test_an_unreadable_file_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"^cannot read .*missing\.yaml"):
        load_allowlist(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries: [\n")
    with pytest.raises(SpecError, match=r"^broken\.yaml is not valid YAML: ") as raised:
        load_allowlist(broken)
    assert "\n" not in str(raised.value)


# ---------------------------------------------------------------- scripts/drift.py


def write(path: Path, doc: Json) -> Path:
    path.write_bytes(dump_json(doc))
    return path


def run_drift(tmp_path: Path, allowlist: object, today: str, *extra: str) -> int:
    base = write(tmp_path / "base.json", response_prop({"type": "string"}, required=True))
    head = write(tmp_path / "head.json", response_prop({"type": "string"}))
    listed = tmp_path / "allow.yaml"
    listed.write_text(yaml.safe_dump(allowlist))
    argv = ["--base", str(base), "--head", str(head), "--allowlist", str(listed), "--today", today]
    return drift.main([*argv, "--no-client", *extra])


def became_optional_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert run_drift(tmp_path, {"entries": []}, "2026-01-01", "--format", "json") == 1
    [change] = yaml.safe_load(capsys.readouterr().out)["findings"]
    assert change["rule"] == "response-property-became-optional"
    return str(change["id"])


def test_the_script_honours_the_allowlist_until_the_entry_expires(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fingerprint = became_optional_id(tmp_path, capsys)
    allowlist = {"entries": [{"fingerprint": fingerprint, "reason": REASON, "expires": EXPIRES}]}

    assert run_drift(tmp_path, allowlist, "2026-03-31") == 0
    text = capsys.readouterr().out
    assert "### Acknowledged by the allow-list (1)" in text
    assert f"| 2026-03-31 | {REASON} |" in text
    assert "### Breaking" not in text

    assert run_drift(tmp_path, allowlist, "2026-04-01") == 1
    text = capsys.readouterr().out
    assert "### Breaking (1)" in text
    assert "`allowlist-entry-expired`" in text


def test_the_script_rejects_a_malformed_allowlist_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    allowlist = {"entries": [{"fingerprint": "0123456789ab", "reason": REASON, "expires": "soon"}]}
    assert run_drift(tmp_path, allowlist, "2026-01-01") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "error: allow.yaml: entry 1 (0123456789ab): expires must be a date (YYYY-MM-DD), got 'soon'\n"
    )
