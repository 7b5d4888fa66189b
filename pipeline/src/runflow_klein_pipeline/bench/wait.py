"""How soon ``wait()`` returns after a run finishes, and how many GETs it spends getting there.

* :func:`measure_waiting`: run durations *drawn* from distributions (never a handful of fixed points a
  schedule could be fitted to), each waited for by our poller and by fixed 1 s, 2 s and 3 s pollers
  written like the official JS SDK's ``runs.wait`` (:data:`JS_SDK_REFERENCE`: GET at once, then every
  ``interval``). *Cold*: durations log-uniform over 0.5-15 s, nothing learned. *Warm*: models whose
  mean duration is drawn from the same range; each model's runs vary by ±10 % (uniform), and the poller
  has waited for :data:`WARM_HISTORY` runs of the model before the measured ones (and keeps learning).

  Our poller is the runtime's own ``workflows.wait_for_run``, driven on a simulated clock by a simulated
  server (a run is ``running`` until its duration has passed, then ``succeeded`` with Runflow's
  ``created_at``/``completed_at``), so every sleep and GET is the one the client would make and the
  GET count is the number of GET effects it yielded; a fixed poller's GETs and lag follow from its
  interval by arithmetic. Network time is left out (on loopback a GET takes ~1 ms, see
  ``generated_vs_raw``), which is why the section needs no emulator and ``--quick`` stays fast.
* :func:`measure_callbacks`: ``wait(..., callback=...)`` against a local :class:`CallbackReceiver`; the
  receiver's app is wrapped to note when each callback request arrives, so the latency is arrival →
  ``wait()`` returning, measured on one clock in one process.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from runflow_klein import (
    CallbackReceiver,
    KleinClient,
    PollSchedule,
    RetryPolicy,
    RunDurations,
    RunView,
    Timeout,
)
from runflow_klein.effects import ApiCall, ApiResult, Effect, Sleep, drive_sync
from runflow_klein.klein_models import resolve_model
from runflow_klein.workflows import GET_RUN, Settings, wait_for_run
from runflow_klein_pipeline.bench.emulator_process import API_KEY
from runflow_klein_pipeline.bench.stats import summarize

MODEL = "flux-2-klein-4b"
INPUT = {"prompt": "a lighthouse at dusk, long exposure"}
JS_SDK_REFERENCE = {
    "repository": "runflow-io/runflow-js",
    "path": "packages/sdk/src/client.ts",
    "commit": "979198d1898a75886ebb72f25f62fa2ae42f1b66",
    "behaviour": (
        "RunsResource.wait drains RunsResource.poll: GET /v1/runs/{id}; return if status_code is "
        "succeeded, failed or canceled; otherwise await sleep(DEFAULT_POLL_INTERVAL_MS = 2_000) and "
        "GET again. wait() is called right after the dispatch returns, so the first GET is immediate."
    ),
}
CALLBACK_TARGET_MS = 50.0
COLD_RANGE_S = (0.5, 15.0)
WARM_SPREAD = 0.10
WARM_HISTORY = 4
FIXED_INTERVALS_S = (1.0, 2.0, 3.0)
WARM_TARGET_LAG_S = 0.3
WARM_TARGET_GETS = 3.0
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class WaitPlan:
    """How many runs the waiting section draws."""

    cold_runs: int
    warm_models: int
    warm_runs_per_model: int
    seed: int = 10


class RunGetRecorder(httpx.BaseTransport):
    """An HTTP transport that notes the wall time of every ``GET /v1/runs/…`` it sends."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.get_times: list[float] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.startswith("/v1/runs/"):
            self.get_times.append(time.time())
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


# ---- Polling: ours vs fixed pollers, on drawn durations ----


@dataclass(frozen=True)
class Waited:
    """One waited run: seconds from completion to the GET that saw it, and GETs made."""

    lag_s: float
    gets: int


def fixed_poller(duration: float, interval: float) -> Waited:
    """The JS SDK's loop with ``interval``: GETs at 0, interval, 2·interval, … until one sees the run done."""
    polls = math.ceil(duration / interval)
    return Waited(lag_s=polls * interval - duration, gets=polls + 1)


def simulated_wait(duration: float, durations: RunDurations) -> Waited:
    """``wait_for_run`` with the runtime's default schedule and what ``durations`` learned, on a simulated
    clock, for a run dispatched at 0 that succeeds at ``duration``; the run is recorded in ``durations``
    (one store per simulated model, so all of them may be keyed as :data:`MODEL`)."""
    now = 0.0
    gets = 0
    run_id = str(uuid.uuid4())

    def run_json(status: str) -> dict[str, Any]:
        document = {"id": run_id, "status_code": status, "created_at": _EPOCH.isoformat()}
        if status == "succeeded":
            document["completed_at"] = (_EPOCH + timedelta(seconds=duration)).isoformat()
        return document

    def perform(effect: Effect) -> object:
        nonlocal now, gets
        if isinstance(effect, Sleep):
            now += effect.seconds
            return None
        if isinstance(effect, ApiCall) and effect.operation == GET_RUN:
            gets += 1
            request = httpx.Request("GET", f"https://api.runflow.test/v1/runs/{run_id}")
            body = run_json("succeeded" if now >= duration else "running")
            return ApiResult(response=httpx.Response(200, json=body, request=request), parsed=None)
        raise AssertionError(f"unexpected effect {effect!r}")

    settings = Settings(
        retry=RetryPolicy(),
        poll=PollSchedule(),
        clock=lambda: now,
        inline_image_bytes=0,
        transfer_timeout=Timeout(),
        durations=durations,
    )
    workflow = wait_for_run(
        run_id,
        settings,
        initial=replace(RunView.from_json(run_json("queued")), dispatched_at=0.0),  # the dispatch's answer
        subscription=None,
        callback_grace=0.0,
        wait_timeout=10 * COLD_RANGE_S[1],
        on_progress=None,
        raise_on_failure=True,
        timeout=None,
        model=resolve_model(MODEL),
    )
    drive_sync(workflow, perform)
    return Waited(lag_s=now - duration, gets=gets)


def _pollers_json(durations: list[float], ours: list[Waited]) -> dict[str, Any]:
    def summary(waited: list[Waited]) -> dict[str, Any]:
        return {
            "mean_lag_s": round(sum(item.lag_s for item in waited) / len(waited), 4),
            "lag_s": summarize([item.lag_s for item in waited]),
            "gets_per_run": round(sum(item.gets for item in waited) / len(waited), 4),
            "total_gets": sum(item.gets for item in waited),
        }

    pollers = {"adaptive": summary(ours)}
    for interval in FIXED_INTERVALS_S:
        pollers[f"fixed_{interval:g}s"] = summary([fixed_poller(value, interval) for value in durations])
    return pollers


def measure_cold(plan: WaitPlan, rng: random.Random) -> dict[str, Any]:
    """Durations log-uniform over :data:`COLD_RANGE_S`, each waited with nothing learned."""
    low, high = (math.log(bound) for bound in COLD_RANGE_S)
    durations = [math.exp(rng.uniform(low, high)) for _ in range(plan.cold_runs)]
    ours = [simulated_wait(duration, RunDurations()) for duration in durations]
    pollers = _pollers_json(durations, ours)
    ours_json, fixed = pollers["adaptive"], pollers["fixed_2s"]
    targets = {
        "lag_le_fixed_2s": ours_json["mean_lag_s"] <= fixed["mean_lag_s"],
        "gets_le_fixed_2s": ours_json["gets_per_run"] <= fixed["gets_per_run"],
    }
    return {
        "distribution": f"log-uniform {COLD_RANGE_S[0]:g}-{COLD_RANGE_S[1]:g} s, nothing learned",
        "runs": plan.cold_runs,
        "durations_s": summarize(durations),
        "pollers": pollers,
        "targets": {**targets, "met": all(targets.values())},
    }


def measure_warm(plan: WaitPlan, rng: random.Random) -> dict[str, Any]:
    """Per model: a mean drawn like a cold duration, :data:`WARM_HISTORY` runs to learn from, then the
    measured runs; every run lasts the model's mean ±:data:`WARM_SPREAD` (uniform)."""
    low, high = (math.log(bound) for bound in COLD_RANGE_S)
    durations: list[float] = []
    ours: list[Waited] = []
    means: list[float] = []
    for _ in range(plan.warm_models):
        mean = math.exp(rng.uniform(low, high))
        means.append(mean)
        learned = RunDurations()

        def draw(mean: float = mean) -> float:
            return mean * rng.uniform(1 - WARM_SPREAD, 1 + WARM_SPREAD)

        for _ in range(WARM_HISTORY):
            simulated_wait(draw(), learned)
        for _ in range(plan.warm_runs_per_model):
            duration = draw()
            durations.append(duration)
            ours.append(simulated_wait(duration, learned))
    pollers = _pollers_json(durations, ours)
    ours_json = pollers["adaptive"]
    targets = {
        "mean_lag_le_0_3s": ours_json["mean_lag_s"] <= WARM_TARGET_LAG_S,
        "gets_per_run_le_3": ours_json["gets_per_run"] <= WARM_TARGET_GETS,
    }
    return {
        "distribution": (
            f"per model: mean log-uniform {COLD_RANGE_S[0]:g}-{COLD_RANGE_S[1]:g} s, each run the mean "
            f"±{WARM_SPREAD:.0%} (uniform); measured after {WARM_HISTORY} runs of the model"
        ),
        "models": plan.warm_models,
        "history_runs_per_model": WARM_HISTORY,
        "runs": len(durations),
        "model_means_s": summarize(means),
        "durations_s": summarize(durations),
        "pollers": pollers,
        "targets": {**targets, "met": all(targets.values())},
    }


def measure_waiting(plan: WaitPlan) -> dict[str, Any]:
    """The cold and warm comparisons, from one seeded generator (the same seed gives the same report)."""
    rng = random.Random(plan.seed)  # noqa: S311 - reproducible draws, not secrets
    return {
        "method": (
            "simulated clock and server; our poller is runflow_klein.workflows.wait_for_run with the "
            "default PollSchedule and the learned RunDurations, fixed pollers GET at 0 then every interval"
        ),
        "lag": "seconds from the run's completion to the GET that saw it (network time excluded)",
        "seed": plan.seed,
        "schedule": {
            "first": PollSchedule().first,
            "growth": PollSchedule().growth,
            "max_interval": PollSchedule().max_interval,
        },
        "fixed_reference": JS_SDK_REFERENCE,
        "cold": measure_cold(plan, rng),
        "warm": measure_warm(plan, rng),
    }


# ---- Callback-driven waiting ----


class _ArrivalClock:
    """ASGI middleware: ``perf_counter()`` when each callback request reached the receiver, by token."""

    def __init__(self, app: ASGIApp, arrivals: dict[str, float]) -> None:
        self._app = app
        self._arrivals = arrivals

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self._arrivals.setdefault(str(scope["path"]).rsplit("/", 1)[-1], time.perf_counter())
        await self._app(scope, receive, send)


def measure_callbacks(base_url: str, *, runs: int, run_seconds: float) -> dict[str, Any]:
    """``runs`` sequential callback-driven waits on an emulator whose runs take ``run_seconds``."""
    arrivals: dict[str, float] = {}
    receiver = CallbackReceiver()
    receiver.app.add_middleware(_ArrivalClock, arrivals=arrivals)
    recorder = RunGetRecorder()
    latencies: list[float] = []
    completion_lags: list[float] = []
    gets: list[int] = []
    with receiver, KleinClient(api_key=API_KEY, base_url=base_url, transport=recorder) as client:
        for _ in range(runs):
            subscription = receiver.subscribe()
            try:
                submitted = client.submit(MODEL, INPUT, callback_url=subscription.url)
                before = len(recorder.get_times)
                final = client.wait(submitted, callback=subscription)
                returned, returned_wall = time.perf_counter(), time.time()
            finally:
                subscription.close()
            gets.append(len(recorder.get_times) - before)
            latencies.append(returned - arrivals[subscription.token])
            if final.completed_at is not None:
                completion_lags.append(returned_wall - datetime.fromisoformat(final.completed_at).timestamp())
    latency_ms = summarize(latencies, scale=1e3)
    return {
        "runs": runs,
        "run_seconds": run_seconds,
        "method": (
            "sequential KleinClient.submit(callback_url=subscription.url) + wait(callback=subscription) "
            "with a local CallbackReceiver; arrival = the callback request reaching the receiver's app"
        ),
        "callback_to_return_ms": latency_ms,
        "completion_to_return_ms": summarize(completion_lags, scale=1e3),
        "gets_per_run": gets,
        "targets_met": {
            "max_latency_le_50ms": latency_ms["max"] <= CALLBACK_TARGET_MS,
            "mean_latency_le_50ms": latency_ms["mean"] <= CALLBACK_TARGET_MS,
            "exactly_one_get": all(count == 1 for count in gets),
        },
    }
