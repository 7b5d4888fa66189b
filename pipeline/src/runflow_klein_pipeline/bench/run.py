"""Benchmark the client against the emulator on loopback and write one JSON report (``nox -s bench``).

Usage: ``bench.py [--out reports/bench.json] [--quick] [--seed N]``

Why one run measures everything side by side: on a shared two-core machine absolute numbers drift
with whatever else runs, so every comparison here is made within the run, interleaved or concurrent,
and the report keeps the load average and the CPU utilisation of both processes next to the results.
Speed is reported, never asserted: the tests only check the report's shape and arithmetic.

Sections (top-level keys of the JSON, each module's docstring says how it measures):

* ``generated_vs_raw``: dispatch + GET through the generated client vs raw httpx, pair by pair
  (``bench.http``); target: median ratio generated/raw <= 1.10.
* ``async_concurrency_64``: requests/s of raw httpx, the generated asyncio functions and
  ``AsyncKleinClient`` with 64 concurrent tasks, plus client CPU per request (``bench.http``).
* ``waiting``: lag after completion and GETs per run of our poller vs fixed 1/2/3 s pollers on drawn
  durations, cold and warm (``bench.wait``); targets: cold, lag and GETs no worse than fixed 2 s;
  warm, mean lag <= 0.3 s with <= 3 GETs per run.
* ``callback_wait``: callback arrival → ``wait()`` returning, and GETs per wait (``bench.wait``);
  targets: <= 50 ms, exactly one GET.
* ``validation``: interactions/s of ``recordings.check.check_interaction`` over the cassettes.

The emulators run in a child process (``bench.emulator_process``); ``--quick`` shrinks iteration counts so
the test suite can run the whole thing in seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib.util
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from runflow_klein_pipeline.bench.emulator_process import EmulatorProcess
from runflow_klein_pipeline.bench.http import FULL_PLAN, QUICK_PLAN, HttpPlan, measure_async, measure_sync
from runflow_klein_pipeline.bench.wait import WaitPlan, measure_callbacks, measure_waiting
from runflow_klein_pipeline.documents import atomic_write, dump_json
from runflow_klein_pipeline.layout import CASSETTES_DIR, REPORTS_DIR

DEFAULT_OUT = REPORTS_DIR / "bench.json"
# Dispatch + GET should see a finished run (the biggest body), so those runs take no time at all.
HTTP_RUN_SECONDS = 0.0
# Long enough that the callback arrives while wait() is already waiting for it.
CALLBACK_RUN_SECONDS = 0.25
PACKAGES = (
    "runflow-klein",
    "runflow-klein-client",
    "httpx",
    "httpcore",
    "h11",
    "anyio",
    "attrs",
    "uvicorn",
    "starlette",
    "schemathesis",
)


@dataclass(frozen=True, kw_only=True)
class Plan:
    """How much work each section does."""

    http: HttpPlan
    waiting: WaitPlan
    callback_runs: int
    validation_seconds: float


FULL = Plan(
    http=FULL_PLAN,
    waiting=WaitPlan(cold_runs=2000, warm_models=40, warm_runs_per_model=25),
    callback_runs=20,
    validation_seconds=1.5,
)
QUICK = Plan(
    http=QUICK_PLAN,
    waiting=WaitPlan(cold_runs=200, warm_models=8, warm_runs_per_model=10),
    callback_runs=3,
    validation_seconds=0.2,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every section, write the report, print a summary; 0 unless something crashed."""
    args = _parser().parse_args(argv)
    plan = QUICK if args.quick else FULL
    started, clock = datetime.datetime.now(datetime.UTC), time.perf_counter()
    report: dict[str, Any] = {"machine": machine_info()}
    section_seconds: dict[str, float] = {}

    def section(name: str, measure: Callable[[], dict[str, Any]]) -> None:
        start = time.perf_counter()
        report[name] = measure()
        section_seconds[name] = round(time.perf_counter() - start, 2)

    waiting = dataclasses.replace(plan.waiting, seed=args.seed)
    with EmulatorProcess([HTTP_RUN_SECONDS, CALLBACK_RUN_SECONDS]) as emulators:
        http_url, callback_url = emulators.urls
        section("generated_vs_raw", lambda: measure_sync(http_url, plan.http))
        section("async_concurrency_64", lambda: measure_async(http_url, emulators, plan.http))
        section("waiting", lambda: measure_waiting(waiting))
        section(
            "callback_wait",
            lambda: measure_callbacks(
                callback_url, runs=plan.callback_runs, run_seconds=CALLBACK_RUN_SECONDS
            ),
        )
    section("validation", lambda: measure_validation(plan.validation_seconds))
    report["machine"]["load_average_end"] = _load_average()
    report["run"] = {
        "quick": args.quick,
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - clock, 1),
        "section_seconds": section_seconds,
    }
    atomic_write(args.out, dump_json(report))
    for line in summary_lines(report):
        print(line)
    print(f"wrote {args.out}")
    return 0


def machine_info() -> dict[str, Any]:
    """What the numbers depend on: cores, interpreter, library versions, load when the run started."""
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": {name: metadata.version(name) for name in PACKAGES},
        "sniffio_installed": importlib.util.find_spec("sniffio") is not None,
        "sniffio_note": (
            "httpcore imports sniffio each time it creates an async lock or event; when it is not "
            "installed every attempt is a failed import (a sys.path scan), which adds CPU to each "
            "async request, raw httpx and ours alike"
        ),
        "load_average_start": _load_average(),
    }


def measure_validation(seconds: float) -> dict[str, Any]:
    """``check_interaction`` over every cassette interaction, repeated for about ``seconds``."""
    # Imported here: schemathesis takes seconds to import and only this section needs it.
    from runflow_klein_pipeline.recordings.cassette import find_cassettes  # noqa: PLC0415
    from runflow_klein_pipeline.recordings.check import check_interaction, load_cassette, load_spec  # noqa: PLC0415

    spec_start = time.perf_counter()
    spec = load_spec()
    spec_seconds = time.perf_counter() - spec_start
    cassettes = find_cassettes([CASSETTES_DIR])
    interactions = [item for path in cassettes for item in load_cassette(path, name=path.name)]
    first_start = time.perf_counter()
    violations = sum(len(check_interaction(spec, item)) for item in interactions)  # warms the validators
    first_pass = time.perf_counter() - first_start
    checked, start = 0, time.perf_counter()
    while checked == 0 or time.perf_counter() - start < seconds:
        for item in interactions:
            check_interaction(spec, item)
        checked += len(interactions)
    elapsed = time.perf_counter() - start
    return {
        "cassettes": len(cassettes),
        "interactions": len(interactions),
        "violations": violations,
        "spec_load_s": round(spec_seconds, 3),
        "first_pass_s": round(first_pass, 4),
        "interactions_checked": checked,
        "seconds": round(elapsed, 3),
        "interactions_per_s": round(checked / elapsed, 1),
    }


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The report in a few lines, with every target marked met or not met."""
    return [
        _sync_line(report["generated_vs_raw"]),
        _async_line(report["async_concurrency_64"]),
        _waiting_line(report["waiting"]),
        _callback_line(report["callback_wait"]),
        _validation_line(report["validation"]),
    ]


def _sync_line(sync: dict[str, Any]) -> str:
    ratios, target = sync["ratio_generated_over_raw"], sync["target"]
    raw, generated = sync["raw"]["wall_ms"], sync["generated"]["wall_ms"]
    return (
        f"generated vs raw, sync ({sync['iterations']} pairs): median raw {raw['median']} ms, "
        f"generated {generated['median']} ms; ratio median {ratios['median']}, "
        f"mean {ratios['mean']}; target <= {target['max_ratio']} (median) {_met(target['met'])}"
    )


def _async_line(concurrent: dict[str, Any]) -> str:
    sides = [name for name in ("raw", "generated", "runtime") if name in concurrent]
    throughput = ", ".join(f"{side} {concurrent[side]['requests_per_s']} req/s" for side in sides)
    cpu = "/".join(str(concurrent[side]["client_cpu_ms_per_request"]) for side in sides)
    emulator = "/".join(str(concurrent[side]["emulator_cpu_utilisation"]) for side in sides)
    ratios = ", ".join(
        f"{side} {values['requests_per_s_round_median']}"
        for side, values in concurrent["ratio_over_raw"].items()
    )
    return (
        f"async, concurrency {concurrent['concurrency']}: {throughput} (req/s over raw, round median: "
        f"{ratios}); client CPU ms/request {cpu}; emulator CPU utilisation {emulator}"
    )


def _waiting_line(waiting: dict[str, Any]) -> str:
    parts = []
    for phase in ("cold", "warm"):
        section = waiting[phase]
        pollers = ", ".join(
            f"{name} {values['mean_lag_s']} s/{values['gets_per_run']} GETs"
            for name, values in section["pollers"].items()
        )
        parts.append(
            f"{phase} ({section['runs']} runs): {pollers}; targets {_met(section['targets']['met'])}"
        )
    return "waiting, mean lag/GETs per run: " + "; ".join(parts)


def _callback_line(callback: dict[str, Any]) -> str:
    latency, met = callback["callback_to_return_ms"], callback["targets_met"]
    return (
        f"callback wait ({callback['runs']} runs): arrival -> return mean {latency['mean']} ms, "
        f"max {latency['max']} ms (<= 50 ms {_met(met['max_latency_le_50ms'])}); "
        f"GETs per run {sorted(set(callback['gets_per_run']))} (exactly 1 {_met(met['exactly_one_get'])})"
    )


def _validation_line(validation: dict[str, Any]) -> str:
    return (
        f"validation: {validation['interactions_per_s']} interactions/s "
        f"({validation['interactions']} interactions in {validation['cassettes']} cassettes, "
        f"{validation['violations']} violations)"
    )


def _met(flag: bool) -> str:
    return "met" if flag else "NOT met"


def _load_average() -> list[float] | None:
    return [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the JSON report")
    parser.add_argument("--quick", action="store_true", help="small iteration counts (for the tests)")
    parser.add_argument(
        "--seed", type=int, default=WaitPlan.seed, help="seed of the waiting section's drawn durations"
    )
    return parser
