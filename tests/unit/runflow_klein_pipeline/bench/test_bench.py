"""``scripts/bench.py --quick`` end to end: the report has every section and its numbers add up.

Nothing here asserts speed. A shared machine makes timings useless as pass/fail criteria, so the checks
are about shape, counts and arithmetic: GET counts follow from each poller's schedule and the drawn
duration, targets are reported consistently with the numbers, a callback-driven wait costs exactly one
GET, request totals match the plan.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from runflow_klein_pipeline.bench import run as bench
from runflow_klein_pipeline.bench.wait import WaitPlan, fixed_poller, measure_waiting, simulated_wait
from runflow_klein_pipeline.layout import REPO_ROOT

from runflow_klein import PollSchedule, RunDurations

POLLERS = {"adaptive", "fixed_1s", "fixed_2s", "fixed_3s"}
MEASURED = {"generated_vs_raw", "async_concurrency_64", "waiting", "callback_wait", "validation"}
SECTIONS = {"machine", *MEASURED, "run"}


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """One quick benchmark run (about 12 s): its JSON report and what it printed."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    command = [
        sys.executable,
        str(REPO_ROOT / "scripts" / "bench.py"),
        "--quick",
        "--out",
        str(out),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr
    return json.loads(out.read_text()), completed.stdout


@pytest.fixture
def report(bench_run: tuple[dict[str, Any], str]) -> dict[str, Any]:
    return bench_run[0]


def test_every_section_is_written_and_summarised(bench_run: tuple[dict[str, Any], str]) -> None:
    report, printed = bench_run
    assert set(report) == SECTIONS
    assert report["run"]["quick"] is True
    assert set(report["run"]["section_seconds"]) == MEASURED
    for heading in ("generated vs raw", "async, concurrency 64", "waiting", "callback wait", "validation"):
        assert heading in printed
    assert "wrote " in printed


def test_machine_names_what_the_numbers_depend_on(report: dict[str, Any]) -> None:
    machine = report["machine"]
    assert machine["cpu_count"] >= 1
    assert machine["python"].startswith("CPython 3.")
    assert {"httpx", "httpcore", "runflow-klein", "runflow-klein-client"} <= set(machine["packages"])
    assert isinstance(machine["sniffio_installed"], bool)


def test_generated_vs_raw_times_every_iteration_of_both_sides(report: dict[str, Any]) -> None:
    section = report["generated_vs_raw"]
    for side in ("raw", "generated"):
        # Then every interleaved iteration produced one wall and one CPU sample per side
        assert section[side]["wall_ms"]["n"] == section["iterations"] > 0
        assert section[side]["client_cpu_ms"]["n"] == section["iterations"]
        assert 0 < section[side]["wall_ms"]["min"] <= section[side]["wall_ms"]["median"]
    assert set(section["ratio_generated_over_raw"]) == {"mean", "median"}
    assert section["target"]["max_ratio"] == 1.10
    assert isinstance(section["target"]["met"], bool)


def test_async_sides_do_the_planned_number_of_requests(report: dict[str, Any]) -> None:
    section = report["async_concurrency_64"]
    planned = 2 * 64 * section["pairs_per_task_per_round"] * section["rounds"]
    for side in ("raw", "generated", "runtime"):
        assert section[side]["requests"] == planned > 0
        assert section[side]["requests_per_s"] > 0
        assert section[side]["client_cpu_ms_per_request"] > 0
        assert section["bottleneck"][side] in {"client", "emulator"}
    assert set(section["ratio_over_raw"]) == {"generated", "runtime"}


def test_the_async_caveat_names_this_machines_cpu_count(report: dict[str, Any]) -> None:
    """The caveat explains the async numbers by the cores they ran on, so the count must be this machine's.

    The benchmark ran in a subprocess on this machine, so its os.cpu_count() is the one seen here.
    """
    caveat = report["async_concurrency_64"]["caveat"]
    stated = re.search(r"logical CPUs \(os\.cpu_count\(\)\): (\w+),", caveat)
    assert stated is not None, f"the caveat does not state the CPU count: {caveat!r}"
    assert stated.group(1) == str(os.cpu_count())
    assert report["machine"]["cpu_count"] == os.cpu_count()


def test_waiting_compares_every_poller_cold_and_warm(report: dict[str, Any]) -> None:
    waiting = report["waiting"]
    plan = bench.QUICK.waiting
    assert waiting["cold"]["runs"] == waiting["cold"]["durations_s"]["n"] == plan.cold_runs
    assert waiting["warm"]["runs"] == plan.warm_models * plan.warm_runs_per_model
    assert waiting["warm"]["history_runs_per_model"] == 4
    assert waiting["fixed_reference"]["commit"].startswith("979198d1")
    for phase in ("cold", "warm"):
        section = waiting[phase]
        assert set(section["pollers"]) == POLLERS
        for poller in section["pollers"].values():
            assert poller["lag_s"]["n"] == section["runs"]
            assert poller["lag_s"]["min"] >= 0
            assert poller["total_gets"] == pytest.approx(poller["gets_per_run"] * section["runs"], abs=0.01)
            assert poller["gets_per_run"] >= 1
    # Durations were drawn from their ranges, not picked
    assert 0.5 <= waiting["cold"]["durations_s"]["min"] < waiting["cold"]["durations_s"]["max"] <= 15.0
    assert waiting["warm"]["durations_s"]["max"] <= 15.0 * 1.1


def test_targets_are_reported_as_the_numbers_say(report: dict[str, Any]) -> None:
    cold, warm = report["waiting"]["cold"], report["waiting"]["warm"]
    ours, fixed = cold["pollers"]["adaptive"], cold["pollers"]["fixed_2s"]
    assert cold["targets"] == {
        "lag_le_fixed_2s": ours["mean_lag_s"] <= fixed["mean_lag_s"],
        "gets_le_fixed_2s": ours["gets_per_run"] <= fixed["gets_per_run"],
        "met": ours["mean_lag_s"] <= fixed["mean_lag_s"] and ours["gets_per_run"] <= fixed["gets_per_run"],
    }
    learned = warm["pollers"]["adaptive"]
    assert warm["targets"]["mean_lag_le_0_3s"] == (learned["mean_lag_s"] <= 0.3)
    assert warm["targets"]["gets_per_run_le_3"] == (learned["gets_per_run"] <= 3)
    assert warm["targets"]["met"] == (
        warm["targets"]["mean_lag_le_0_3s"] and warm["targets"]["gets_per_run_le_3"]
    )


@pytest.mark.parametrize("duration", [0.4, 1.0, 2.6, 7.3, 14.9])
def test_a_cold_simulated_wait_polls_on_the_default_schedule(duration: float) -> None:
    learned = RunDurations()
    waited = simulated_wait(duration, learned)
    offsets, polls = PollSchedule().offsets(), 1
    while (offset := next(offsets)) < duration:
        polls += 1
    assert waited.gets == polls
    assert waited.lag_s == pytest.approx(offset - duration)
    # and it was learned, under the model's id
    assert learned.samples() == {"black-forest-labs/flux-2-klein-4b": [pytest.approx(duration, abs=1e-3)]}


def test_the_same_seed_draws_the_same_report() -> None:
    plan = WaitPlan(cold_runs=20, warm_models=2, warm_runs_per_model=3, seed=5)
    assert measure_waiting(plan) == measure_waiting(plan)
    assert measure_waiting(plan) != measure_waiting(
        WaitPlan(cold_runs=20, warm_models=2, warm_runs_per_model=3)
    )


def test_a_callback_driven_wait_costs_exactly_one_get(report: dict[str, Any]) -> None:
    callback = report["callback_wait"]
    assert callback["runs"] > 0
    assert callback["gets_per_run"] == [1] * callback["runs"]
    assert callback["callback_to_return_ms"]["n"] == callback["runs"]
    assert callback["targets_met"]["exactly_one_get"] is True


def test_validation_checks_whole_passes_over_the_cassettes(report: dict[str, Any]) -> None:
    validation = report["validation"]
    assert validation["cassettes"] > 0
    assert validation["interactions"] > 0
    assert validation["interactions_checked"] % validation["interactions"] == 0
    assert validation["interactions_checked"] > 0
    assert validation["interactions_per_s"] > 0


@pytest.mark.parametrize(
    ("completion", "interval", "gets", "lag"),
    [
        (0.001, 2.0, 2, 1.999),
        (1.999, 2.0, 2, 0.001),
        (2.0, 2.0, 2, 0.0),
        (2.001, 2.0, 3, 1.999),
        (9.2, 3.0, 5, 2.8),
    ],
)
def test_a_fixed_poller_gets_at_zero_then_every_interval(
    completion: float, interval: float, gets: int, lag: float
) -> None:
    waited = fixed_poller(completion, interval)
    assert waited.gets == gets
    assert waited.lag_s == pytest.approx(lag)


def test_a_bad_seed_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        bench.main(["--seed", "abc", "--out", str(tmp_path / "never.json")])
    assert raised.value.code == 2
    assert not (tmp_path / "never.json").exists()
