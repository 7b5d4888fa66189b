"""Where run outputs are in a body, and which dispatches make a run's model known."""

from __future__ import annotations

import json
from typing import Any

import pytest
from runflow_klein_pipeline.recordings.check import RecordingSpec
from runflow_klein_pipeline.recordings.runs import KnownRuns, run_output_sites
from runflow_klein_pipeline.recordings.spec import Operation

from tests.contract.support.recordings import committed_interactions

RUN = "0196a4f2-8c1e-7b3a-9d2e-5f6a7b8c9d01"


def _body(cassette: str, index: int) -> Any:
    (interaction,) = [i for i in committed_interactions() if (i.cassette, i.index) == (cassette, index)]
    return json.loads(interaction.response_body)


def _operation(spec: RecordingSpec, method: str, path: str) -> Operation:
    operation = spec.resolve(method, path).operation
    assert operation is not None
    return operation


def _sites(spec: RecordingSpec, method: str, path: str, status: int, body: Any) -> list[tuple[str, str]]:
    schema = spec.response_schema_pointer(_operation(spec, method, path), status, None)
    assert schema is not None
    return [(site.pointer, site.run_id) for site in run_output_sites(spec, schema, body)]


def test_a_run_a_page_of_runs_and_callback_deliveries_carry_run_outputs(spec: RecordingSpec) -> None:
    assert _sites(spec, "GET", f"/v1/runs/{RUN}", 200, _body("get_run.yaml", 3)) == [("/output", RUN)]
    page = _body("search_runs.yaml", 1)
    assert _sites(spec, "GET", "/v1/runs", 200, page) == [("/items/0/output", page["items"][0]["id"])]
    deliveries = _body("get_run_callback_deliveries.yaml", 1)
    assert _sites(spec, "GET", f"/v1/runs/{RUN}/callback", 200, deliveries) == [("/0/payload/output", RUN)]


def test_node_runs_and_nulls_are_not_run_outputs(spec: RecordingSpec) -> None:
    """A node run has ``output`` and ``run_id`` too, but its output is the node's, not the run's."""
    run = _body("get_run.yaml", 3)
    run["node_runs"] = [{"id": RUN.replace("01", "aa"), "run_id": RUN, "output": {"outputs": "raw"}}]
    assert _sites(spec, "GET", f"/v1/runs/{RUN}", 200, run) == [("/output", RUN)]
    assert _sites(spec, "GET", f"/v1/runs/{RUN}", 200, None) == []
    assert _sites(spec, "GET", "/v1/runs", 200, {"items": [None, "not a run"]}) == []


@pytest.mark.parametrize(
    ("path", "status", "learns"),
    [
        ("/v1/models/black-forest-labs/flux-2-klein-4b/runs", 202, "black-forest-labs/flux-2-klein-4b"),
        ("/v1/models/black-forest-labs/flux-2-klein-4b/runs", 422, None),  # nothing was created
        ("/v1/models/acme/upscaler/runs", 200, None),  # the generic dispatch: model unknown
        ("/v1/run/black-forest-labs/flux-2-klein-4b", 200, None),  # legacy calls return images, no run
    ],
)
def test_only_a_successful_per_model_dispatch_makes_a_run_model_known(
    spec: RecordingSpec, path: str, status: int, learns: str | None
) -> None:
    runs = KnownRuns()
    runs.learn(spec, _operation(spec, "POST", path), 0, status, {"id": RUN})
    dispatch = runs.dispatch_of(RUN)
    assert (dispatch.model if dispatch else None) == learns
    if dispatch is not None:
        assert dispatch.output_schema == "/components/schemas/Flux2Klein4bRun/properties/output"
