"""Which composed spec the emulator serves, and the status it answers each success with.

The status comes from the spec (its first documented 2xx), so the emulator answers a document that
settles the dispatch status (a FastAPI backend's 201) as that document says, and the committed spec,
which lists 200, 201 and 202, as it always has.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from runflow_klein_emulator import EmulatorConfig, create_app, running
from runflow_klein_emulator.contract import load_operations, success_status
from runflow_klein_emulator.spec import load_spec

from .support import API_KEY, KLEIN_4B, api_client


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param(["200", "201", "202", "422"], 200, id="open-dispatch-status"),
        pytest.param(["422", "201", "401"], 201, id="fastapi-create"),
        pytest.param(["202", "200"], 200, id="unordered"),
        pytest.param(["2XX"], 200, id="range-only"),
        pytest.param([], 200, id="none"),
    ],
)
def test_the_success_status_is_the_first_documented_2xx(statuses: list[str], expected: int) -> None:
    assert success_status({status: {"description": "d"} for status in statuses}) == expected


def test_the_packaged_spec_keeps_the_statuses_it_has_always_been_answered_with() -> None:
    statuses = {op.operation_id: op.success_status for op in load_operations(load_spec())}

    assert statuses["create_flux_2_klein_4b_run"] == 200
    assert statuses["legacy_run_flux_2_klein_4b"] == 200
    assert statuses["get_run"] == 200
    assert statuses["create_asset_upload"] == 201
    assert statuses["confirm_asset_upload"] == 201
    assert statuses["create_callback_secret"] == 201


def only_201_for_dispatch(spec: dict[str, Any]) -> dict[str, Any]:
    """The committed spec with the 4B dispatch settled on 201, as a FastAPI backend publishes a create."""
    settled = copy.deepcopy(spec)
    responses = settled["paths"][KLEIN_4B]["post"]["responses"]
    for status in ("200", "202"):
        del responses[status]
    return settled


def test_a_given_spec_is_served_and_answered_with_its_own_statuses(tmp_path: Path) -> None:
    spec_path = tmp_path / "composed.json"
    spec_path.write_text(json.dumps(only_201_for_dispatch(load_spec())))
    config = EmulatorConfig(run_seconds=0, api_key=API_KEY, spec_path=spec_path)

    with running(config) as url, api_client(url, checked=False) as api:
        dispatched = api.post(KLEIN_4B, json={"input": {"prompt": "a red fox"}})
        fetched = api.get(f"/v1/runs/{dispatched.json()['id']}")

    assert (dispatched.status_code, dispatched.json()["status_code"]) == (201, "queued")
    assert fetched.status_code == 200


def test_a_missing_spec_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"

    with pytest.raises(FileNotFoundError, match=f"the composed spec is missing: {missing}"):
        create_app(EmulatorConfig(spec_path=missing))
