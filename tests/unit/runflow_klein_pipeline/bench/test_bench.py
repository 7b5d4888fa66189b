"""``scripts/bench.py --quick`` end to end: the report has every section and its numbers add up.

Nothing here asserts speed. A shared machine makes timings useless as pass/fail criteria, so the checks
are about shape, counts and arithmetic: GET counts follow from each poller's schedule and the measured
completion time, a callback-driven wait costs exactly one GET, request totals match the plan.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from runflow_klein_pipeline.bench import run as bench
from runflow_klein_pipeline.bench.wait import fixed_offsets, scheduled_gets
from runflow_klein_pipeline.layout import REPO_ROOT

from runflow_klein import PollSchedule

DURATIONS = (0.5, 1.3)
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
        "--durations",
        ",".join(map(str, DURATIONS)),
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


def test_waiting_covers_every_duration_with_both_pollers(report: dict[str, Any]) -> None:
    waiting = report["waiting"]
    assert waiting["durations"] == list(DURATIONS)
    for poller in ("adaptive", "fixed_2s"):
        runs = waiting[poller]["runs"]
        assert sorted(run["duration_s"] for run in runs) == list(DURATIONS)
        assert all(run["gets"] >= 1 for run in runs)
        assert waiting[poller]["total_gets"] == sum(run["gets"] for run in runs)
    assert waiting["fixed_2s"]["reference"]["commit"].startswith("979198d1")
    assert set(waiting["targets_met"]) == {"lower_mean_lag", "no_more_gets"}


def test_fixed_poller_gets_follow_from_its_schedule(report: dict[str, Any]) -> None:
    # GET at 0 s, then every 2 s: the run is seen by the first GET at or after it completed
    for run in report["waiting"]["fixed_2s"]["runs"]:
        completed = run["completed_after_first_get_s"]
        assert completed > 0
        assert run["gets"] == 1 + math.ceil(completed / 2.0)


def test_adaptive_poller_gets_follow_from_its_schedule(report: dict[str, Any]) -> None:
    # Polls at 0.7 s, 1.96 s, ... after wait() starts: each poll before completion misses, the next sees it
    for run in report["waiting"]["adaptive"]["runs"]:
        offsets, polls = PollSchedule().offsets(), 1
        while next(offsets) < run["completed_after_wait_start_s"]:
            polls += 1
        assert run["gets"] == run["scheduled_gets"] == polls


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
    ("completion", "gets"), [(0.001, 2), (1.999, 2), (2.0, 2), (2.001, 3), (8.997, 6), (9.2, 6)]
)
def test_scheduled_gets_of_the_fixed_poller(completion: float, gets: int) -> None:
    assert scheduled_gets(fixed_offsets(), completion) == gets


@pytest.mark.parametrize("value", ["0.5,0.5", "0", "-1", "abc", "61"])
def test_bad_durations_are_usage_errors(value: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        bench.main(["--durations", value, "--out", str(tmp_path / "never.json")])
    assert raised.value.code == 2
    assert not (tmp_path / "never.json").exists()
