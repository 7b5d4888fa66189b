"""Real runs in the live suite: dispatch the cheapest input within the budget, poll to the end.

Each model is run at most once per session; the result (dispatch status, every response checked
against the spec, the final run) is kept on the session for the ledger checks that read it.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.contract.live.budget import PlannedRun
from tests.contract.live.plugin import LiveSession

TERMINAL = frozenset({"succeeded", "partial_succeeded", "failed", "canceled", "cancelled"})
WAIT_LIMIT_S = 300.0  # Runflow: "almost every model completes in under 60 seconds"
FIRST_POLL_S, POLL_GROWTH, MAX_POLL_S = 0.5, 1.6, 5.0


def finished_run(
    http: httpx.Client, run_id: str, *, violations: list[str] | None = None, live: LiveSession | None = None
) -> dict[str, Any]:
    """Poll GET /v1/runs/{id} until the run is terminal; every answer is checked when ``live`` is given."""
    deadline, interval = time.monotonic() + WAIT_LIMIT_S, FIRST_POLL_S
    while True:
        response = http.get(f"/v1/runs/{run_id}")
        if live is not None and violations is not None:
            violations += live.violations(response)
        response.raise_for_status()
        run: dict[str, Any] = response.json()
        if run.get("status_code") in TERMINAL or time.monotonic() > deadline:
            return run
        time.sleep(interval)  # real waiting on a real run, not a timing assertion
        interval = min(interval * POLL_GROWTH, MAX_POLL_S)


def run_model(live: LiveSession, http: httpx.Client, plan: PlannedRun, model: str) -> dict[str, Any] | None:
    """Run ``plan`` once per session; None when the budget is spent."""
    if model in live.runs:
        return live.runs[model]  # type: ignore[no-any-return]
    if not live.budget.reserve():
        return None
    response = http.post(plan.path, json={"input": plan.input})
    live.budget.settle(created=response.is_success)
    violations = live.violations(response)
    result: dict[str, Any] = {"dispatch_status": response.status_code, "violations": violations, "run": {}}
    if response.is_success:
        result["run"] = finished_run(http, str(response.json()["id"]), violations=violations, live=live)
    else:
        result["error"] = response.text[:300]
    live.runs[model] = result
    return result
