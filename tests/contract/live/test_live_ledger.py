"""The contradiction ledger made executable: every entry's check reports which reading the API takes.

A reading is recorded for the nightly report whatever it says; the test fails only when a check
cannot produce one (the API answered in a way the check cannot interpret, or the check is missing).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from runflow_klein_pipeline.layout import LEDGER

from tests.contract.live.ledger_checks import CHECKS
from tests.contract.live.plugin import LiveSession

ENTRIES: list[dict[str, Any]] = yaml.safe_load(LEDGER.read_text())["entries"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["id"] for entry in ENTRIES])
def test_ledger_entry_has_a_reading(live: LiveSession, entry: dict[str, Any]) -> None:
    check = CHECKS[entry["check"]["id"]]
    with live.client() as http:
        reading = check(live, http, entry)
    live.observe(entry["id"], reading)

    assert reading.strip()
