"""What the typed layers cost per request: generated client and runtime against raw httpx, on loopback.

A *pair* is what every caller of this API does: dispatch a klein 4B run
(``POST /v1/models/black-forest-labs/flux-2-klein-4b/runs``), then ``GET /v1/runs/{id}``. The emulator
runs with ``run_seconds=0``, so the GET returns a finished run with its outputs: the largest body a
wait parses.

* :func:`measure_sync`: one ``httpx.Client`` (one keep-alive connection) is shared by the raw and the
  generated side, so connection reuse, headers and transport are identical and only the generated layer
  differs (building ``Flux2Klein4BRunRequest`` from the dict, parsing both responses into attrs models;
  the raw side sends the dict and ``json()``-decodes both responses). Iterations alternate which side
  goes first, so drift from other load on the machine falls on both equally.
* :func:`measure_async`: 64 concurrent tasks doing pairs through raw ``httpx.AsyncClient``, the generated
  ``asyncio_detailed`` functions and ``AsyncKleinClient``, each on its own transport with httpx's default
  limits, taking turns over several rounds. Besides requests/s it reports the CPU time of this process
  per request and the emulator process's CPU utilisation: each side can use at most one core, so the
  requests/s of whichever side is saturated is what gets measured, and these numbers say which side
  that was.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
from runflow_klein_client import Client as GeneratedClient
from runflow_klein_client.api.models import create_flux_2_klein_4b_run
from runflow_klein_client.api.runs import get_run
from runflow_klein_client.models import Flux2Klein4BRun, Flux2Klein4BRunRequest, Run

from runflow_klein import AsyncKleinClient
from runflow_klein_pipeline.bench.emulator_process import API_KEY, EmulatorProcess
from runflow_klein_pipeline.bench.stats import ratio, summarize

MODEL = "flux-2-klein-4b"
DISPATCH_PATH = "/v1/models/black-forest-labs/flux-2-klein-4b/runs"
PAIR = f"POST {DISPATCH_PATH} + GET /v1/runs/{{id}}"
# Every field spelled out, so the generated model's to_dict() sends exactly this document.
PAYLOAD: dict[str, Any] = {
    "input": {
        "prompt": "a lighthouse at dusk, long exposure",
        "image_size": "square_hd",
        "num_images": 1,
        "seed": 7,
        "output_format": "png",
    },
    "client_ref": "bench",
}
TARGET_MAX_RATIO = 1.10
CONCURRENCY = 64

SyncPair = Callable[[], None]
AsyncPair = Callable[[], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class HttpPlan:
    """Iteration counts: ``--quick`` shrinks them so the test suite can run the whole benchmark.

    ``warmup`` untimed sync pairs per side come first. The async sides then take turns in short bursts
    (``pairs_per_task`` pairs per task): ``settle_rounds`` untimed rounds, then ``rounds`` timed ones.
    Settling matters: a burst of 64 tasks on a cold pool opens a connection per task, and httpcore's pool
    bookkeeping on every request grows with the number of connections (idle ones included), so a fresh
    pool costs more CPU per request until it has shrunk to what the load keeps busy. The emulator keeps
    connections open meanwhile (:mod:`bench_emulator`), so the client pool alone decides, as in real use.
    """

    iterations: int
    warmup: int
    settle_rounds: int
    rounds: int
    pairs_per_task: int


FULL_PLAN = HttpPlan(iterations=1000, warmup=100, settle_rounds=4, rounds=12, pairs_per_task=1)
QUICK_PLAN = HttpPlan(iterations=40, warmup=0, settle_rounds=0, rounds=1, pairs_per_task=1)


# ---- Sync: per-pair overhead ----


def measure_sync(base_url: str, plan: HttpPlan) -> dict[str, Any]:
    """Generated vs raw, interleaved pair by pair on one shared connection."""
    if Flux2Klein4BRunRequest.from_dict(PAYLOAD).to_dict() != PAYLOAD:
        raise RuntimeError("the generated request model would not send PAYLOAD unchanged")
    with _api_client(base_url) as http:
        pairs = _sync_pairs(http)
        for _ in range(plan.warmup):
            for pair in pairs.values():
                pair()
        wall: dict[str, list[float]] = {name: [] for name in pairs}
        cpu: dict[str, list[float]] = {name: [] for name in pairs}
        for iteration in range(plan.iterations):
            names = list(pairs) if iteration % 2 == 0 else list(reversed(pairs))
            for name in names:
                wall_start, cpu_start = time.perf_counter(), time.thread_time()
                pairs[name]()
                wall[name].append(time.perf_counter() - wall_start)
                cpu[name].append(time.thread_time() - cpu_start)
    sides = {
        name: {"wall_ms": summarize(wall[name], scale=1e3), "client_cpu_ms": summarize(cpu[name], scale=1e3)}
        for name in pairs
    }
    ratios = {
        stat: ratio(sides["generated"]["wall_ms"][stat], sides["raw"]["wall_ms"][stat])
        for stat in ("mean", "median")
    }
    return {
        "pair": PAIR,
        "method": (
            "one httpx.Client (one keep-alive connection) shared by both sides; iterations alternate which "
            "side goes first; generated = Flux2Klein4BRunRequest.from_dict(payload) + sync_detailed for "
            "both operations (attrs models parsed); raw = client.post(json=payload) + client.get, both "
            "bodies json()-decoded; identical JSON documents sent"
        ),
        "iterations": plan.iterations,
        "warmup_iterations": plan.warmup,
        **sides,
        "ratio_generated_over_raw": ratios,
        "client_cpu_overhead_ms_per_pair": round(
            sides["generated"]["client_cpu_ms"]["mean"] - sides["raw"]["client_cpu_ms"]["mean"], 4
        ),
        "target": {
            "max_ratio": TARGET_MAX_RATIO,
            "basis": "median",
            "met": ratios["median"] <= TARGET_MAX_RATIO,
            "met_by_mean": ratios["mean"] <= TARGET_MAX_RATIO,
        },
    }


def _api_client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {API_KEY}"})


def _sync_pairs(http: httpx.Client) -> dict[str, SyncPair]:
    api = GeneratedClient(base_url=str(http.base_url)).set_httpx_client(http)

    def raw() -> None:
        dispatched = http.post(DISPATCH_PATH, json=PAYLOAD).raise_for_status().json()
        http.get(f"/v1/runs/{dispatched['id']}").raise_for_status().json()

    def generated() -> None:
        body = Flux2Klein4BRunRequest.from_dict(PAYLOAD)
        dispatched = create_flux_2_klein_4b_run.sync_detailed(client=api, body=body).parsed
        if not isinstance(dispatched, Flux2Klein4BRun):
            raise RuntimeError(f"dispatch failed: {dispatched!r}")
        fetched = get_run.sync_detailed(dispatched.id, client=api).parsed
        if not isinstance(fetched, Run):
            raise RuntimeError(f"GET failed: {fetched!r}")

    return {"raw": raw, "generated": generated}


# ---- Async: throughput at concurrency 64 ----


@dataclass(frozen=True)
class _Burst:
    """One timed burst of one side: 64 tasks doing ``pairs_per_task`` pairs each."""

    requests: int
    seconds: float
    client_cpu: float
    emulator_cpu: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_per_request(self) -> float:
        return self.client_cpu / self.requests


def measure_async(base_url: str, emulator: EmulatorProcess, plan: HttpPlan) -> dict[str, Any]:
    """Raw httpx vs the generated asyncio functions vs ``AsyncKleinClient``, 64 tasks at a time."""
    bursts = asyncio.run(_async_rounds(base_url, emulator, plan))
    sides = {name: _side_json(side_bursts) for name, side_bursts in bursts.items()}
    return {
        "pair": PAIR,
        "concurrency": CONCURRENCY,
        "pairs_per_task_per_round": plan.pairs_per_task,
        "settle_rounds": plan.settle_rounds,
        "rounds": plan.rounds,
        "method": (
            "each side gets its own httpx.AsyncHTTPTransport with httpx's default pool limits (what "
            "AsyncKleinClient and httpx.AsyncClient use by default); the sides take turns in short bursts in "
            "rotating order, untimed settle rounds first, then timed rounds; generated = asyncio_detailed of "
            "both operations; runtime = AsyncKleinClient.submit + get_run (retries, client_ref, RunView)"
        ),
        **sides,
        "ratio_over_raw": {
            name: _ratios(side_bursts, bursts["raw"]) for name, side_bursts in bursts.items() if name != "raw"
        },
        "bottleneck": {name: _bottleneck(side) for name, side in sides.items()},
        "caveat": (
            f"logical CPUs (os.cpu_count()): {os.cpu_count()}, shared with anything else running. The "
            "client (one event-loop thread) and the emulator (its own process) can each use at most one "
            "core. Emulator CPU utilisation well below 1 means the emulator was not the limit; client "
            "utilisation near 1 means this process was. "
            "client_cpu_ms_per_request is the comparison that does not depend on who was saturated. Most "
            "of the client CPU at this concurrency is httpx/httpcore (its pool bookkeeping grows with the "
            "number of connections), shared by all three sides; the differences are the typed layers."
        ),
    }


def _total(bursts: list[_Burst]) -> _Burst:
    return _Burst(
        requests=sum(burst.requests for burst in bursts),
        seconds=sum(burst.seconds for burst in bursts),
        client_cpu=sum(burst.client_cpu for burst in bursts),
        emulator_cpu=sum(burst.emulator_cpu for burst in bursts),
    )


def _side_json(bursts: list[_Burst]) -> dict[str, Any]:
    total = _total(bursts)
    return {
        "requests": total.requests,
        "seconds": round(total.seconds, 4),
        "requests_per_s": round(total.requests_per_s, 1),
        "client_cpu_ms_per_request": round(total.cpu_per_request * 1e3, 4),
        "client_cpu_utilisation": round(total.client_cpu / total.seconds, 3),
        "emulator_cpu_utilisation": round(total.emulator_cpu / total.seconds, 3),
        "requests_per_s_by_round": [round(burst.requests_per_s, 1) for burst in bursts],
    }


def _ratios(side: list[_Burst], raw: list[_Burst]) -> dict[str, float]:
    """Side over raw: on the totals, and the median of the per-round ratios (each round's bursts ran
    back to back, so a round's ratio is the one least disturbed by load that came and went)."""
    ours, base = _total(side), _total(raw)
    rounds = list(zip(side, raw, strict=True))
    return {
        "requests_per_s": ratio(ours.requests_per_s, base.requests_per_s),
        "requests_per_s_round_median": round(
            statistics.median(mine.requests_per_s / theirs.requests_per_s for mine, theirs in rounds), 4
        ),
        "client_cpu_per_request": ratio(ours.cpu_per_request, base.cpu_per_request),
        "client_cpu_per_request_round_median": round(
            statistics.median(mine.cpu_per_request / theirs.cpu_per_request for mine, theirs in rounds), 4
        ),
    }


def _bottleneck(side: dict[str, Any]) -> str:
    """The process that used more of its core: the one whose speed the requests/s reflect."""
    return "client" if side["client_cpu_utilisation"] >= side["emulator_cpu_utilisation"] else "emulator"


async def _async_rounds(base_url: str, emulator: EmulatorProcess, plan: HttpPlan) -> dict[str, list[_Burst]]:
    async with AsyncExitStack() as stack:
        pairs = await _async_pairs(base_url, stack)
        names = list(pairs)
        bursts: dict[str, list[_Burst]] = {name: [] for name in names}
        for round_index in range(plan.settle_rounds + plan.rounds):
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                if round_index < plan.settle_rounds:
                    await _burst(pairs[name], pairs_per_task=plan.pairs_per_task)
                else:
                    bursts[name].append(await _timed_burst(pairs[name], emulator, plan.pairs_per_task))
        return bursts


async def _timed_burst(pair: AsyncPair, emulator: EmulatorProcess, pairs_per_task: int) -> _Burst:
    emulator_start = emulator.cpu_seconds()
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    await _burst(pair, pairs_per_task=pairs_per_task)
    seconds, client_cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    return _Burst(
        requests=2 * CONCURRENCY * pairs_per_task,
        seconds=seconds,
        client_cpu=client_cpu,
        emulator_cpu=emulator.cpu_seconds() - emulator_start,
    )


async def _burst(pair: AsyncPair, *, pairs_per_task: int) -> None:
    async def task() -> None:
        for _ in range(pairs_per_task):
            await pair()

    await asyncio.gather(*(task() for _ in range(CONCURRENCY)))


async def _async_pairs(base_url: str, stack: AsyncExitStack) -> dict[str, AsyncPair]:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    http = await stack.enter_async_context(
        httpx.AsyncClient(base_url=base_url, headers=headers, transport=httpx.AsyncHTTPTransport())
    )
    generated_http = await stack.enter_async_context(
        httpx.AsyncClient(base_url=base_url, headers=headers, transport=httpx.AsyncHTTPTransport())
    )
    api = GeneratedClient(base_url=base_url).set_async_httpx_client(generated_http)
    runtime = await stack.enter_async_context(
        AsyncKleinClient(api_key=API_KEY, base_url=base_url, transport=httpx.AsyncHTTPTransport())
    )

    async def raw() -> None:
        dispatched = (await http.post(DISPATCH_PATH, json=PAYLOAD)).raise_for_status().json()
        (await http.get(f"/v1/runs/{dispatched['id']}")).raise_for_status().json()

    async def generated() -> None:
        body = Flux2Klein4BRunRequest.from_dict(PAYLOAD)
        dispatched = (await create_flux_2_klein_4b_run.asyncio_detailed(client=api, body=body)).parsed
        if not isinstance(dispatched, Flux2Klein4BRun):
            raise RuntimeError(f"dispatch failed: {dispatched!r}")
        fetched = (await get_run.asyncio_detailed(dispatched.id, client=api)).parsed
        if not isinstance(fetched, Run):
            raise RuntimeError(f"GET failed: {fetched!r}")

    async def runtime_pair() -> None:
        submitted = await runtime.submit(
            "flux-2-klein-4b", PAYLOAD["input"], client_ref=PAYLOAD["client_ref"]
        )
        await runtime.get_run(submitted.id)

    return {"raw": raw, "generated": generated, "runtime": runtime_pair}
