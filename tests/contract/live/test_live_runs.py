"""Real runs: each klein model's cheapest input, dispatched within the budget and polled to the end.

Every response (dispatch and each poll) is checked against the composed spec, the final output
against the model's own output schema, and the first output must download (without the API key)
as a real image. This is the traffic --live-record keeps as cassettes.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from runflow_klein_pipeline.documents import load_json
from runflow_klein_pipeline.layout import COMPOSED_SPEC

from tests.contract.live.budget import is_image, planned_runs
from tests.contract.live.plugin import LiveSession
from tests.contract.live.runs import run_model

MODELS = [plan.model for plan in planned_runs(load_json(COMPOSED_SPEC))]  # cheapest first
SUCCESS = ("succeeded", "partial_succeeded")


def output_errors(spec: dict[str, Any], operation_path: str, output: Any) -> list[str]:
    """Validate a run's output against the Output schema of the model's typed operation."""
    responses = spec["paths"][operation_path]["post"]["responses"]
    run_ref = next(
        r["content"]["application/json"]["schema"]["$ref"]
        for status, r in responses.items()
        if status.startswith("2")
    )
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    validator = Draft202012Validator(
        {"$ref": f"urn:spec{run_ref}/properties/output"},
        registry=Registry().with_resource("urn:spec", resource),
        format_checker=FormatChecker(),
    )
    error = best_match(validator.iter_errors(output))  # descends into anyOf to name the leaf
    return [] if error is None else [f"/{'/'.join(map(str, error.absolute_path))}: {error.message}"]


@pytest.mark.parametrize("model", MODELS)
def test_cheapest_run_conforms_and_produces_an_image(live: LiveSession, recorded: None, model: str) -> None:
    plan = next((p for p in live.plans if p.model == model), None)
    if plan is None:
        pytest.skip(f"{model} has no typed operation in {live.spec_path.name}")
    with live.client() as http:
        result = run_model(live, http, plan, model)
    if result is None:
        pytest.skip(f"live budget of {live.budget.limit} paid run(s) spent before {model}")

    assert 200 <= result["dispatch_status"] < 300, result.get("error")
    assert result["violations"] == []
    run = result["run"]
    assert run.get("status_code") in SUCCESS, f"{run.get('status_code')}: {run.get('failure_message')}"
    assert output_errors(live.spec, plan.path, run.get("output")) == []
    first = run["output"]["outputs"][0]["url"]
    with httpx.Client(timeout=60, follow_redirects=True) as storage:  # never send the key to storage
        downloaded = storage.get(first)
    assert downloaded.is_success
    assert is_image(downloaded.content)
