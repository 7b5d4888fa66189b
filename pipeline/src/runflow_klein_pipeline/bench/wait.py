"""How soon ``wait()`` returns after a run finishes, and how many GETs it spends getting there.

* :func:`measure_waiting`: runs of several durations, each waited for by our adaptive poller
  (:class:`runflow_klein.PollSchedule` through ``KleinClient.wait``) and by a fixed 2-second poller written
  like the official JS SDK's default ``runs.wait`` (:data:`JS_SDK_REFERENCE`). All runs go at once, one
  thread each, so the section takes as long as the longest run rather than the sum. *Lag* is the wall
  time from the run's ``completed_at`` (stamped by the emulator) to ``wait()`` returning.
* :func:`measure_callbacks`: ``wait(..., callback=...)`` against a local :class:`CallbackReceiver`; the
  receiver's app is wrapped to note when each callback request arrives, so the latency is arrival →
  ``wait()`` returning, measured on one clock in one process.

GETs are counted by the client's own transport (``GET /v1/runs/…`` only), so nothing is inferred.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from runflow_klein import CallbackReceiver, KleinClient, PollSchedule, RunView
from runflow_klein_pipeline.bench.emulator_process import API_KEY
from runflow_klein_pipeline.bench.stats import summarize

MODEL = "flux-2-klein-4b"
INPUT = {"prompt": "a lighthouse at dusk, long exposure"}
FIXED_INTERVAL = 2.0
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
Poller = Literal["adaptive", "fixed_2s"]
POLLERS: tuple[Poller, ...] = ("adaptive", "fixed_2s")


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


def wait_fixed_2s(client: KleinClient, run_id: str) -> RunView:
    """The JS SDK's default ``runs.wait`` (:data:`JS_SDK_REFERENCE`): GET, then every 2 s until terminal."""
    while True:
        view = client.get_run(run_id)
        if view.is_terminal:
            return view
        time.sleep(FIXED_INTERVAL)


def scheduled_gets(offsets: Iterable[float], completion: float) -> int:
    """How many GETs a poller polling at ``offsets`` needs to see a run that finishes at ``completion``:
    the first GET at or after completion is the last one (arithmetic, not a measurement)."""
    for count, offset in enumerate(offsets, start=1):
        if offset >= completion:
            return count
    raise ValueError("offsets ended before the run completed")


def fixed_offsets() -> Iterable[float]:
    """The fixed poller's GET times relative to its first GET: 0, 2, 4, ... seconds."""
    return (index * FIXED_INTERVAL for index in itertools.count())


# ---- Polling: adaptive vs fixed 2 s ----


@dataclass(frozen=True, kw_only=True)
class WaitSample:
    """One waited run. Times are seconds; ``*_after_*`` are relative offsets on the wall clock."""

    poller: Poller
    duration_s: float
    gets: int
    scheduled_gets: int
    lag_s: float
    completed_after_wait_start_s: float
    completed_after_first_get_s: float


def measure_waiting(urls: Mapping[float, str]) -> dict[str, Any]:
    """Every duration in ``urls`` (duration → emulator URL) waited for by both pollers, all at once."""
    jobs = [(duration, url, poller) for duration, url in urls.items() for poller in POLLERS]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        samples = list(pool.map(lambda job: _wait_once(*job), jobs))
    pollers = {poller: _poller_json([s for s in samples if s.poller == poller]) for poller in POLLERS}
    adaptive, fixed = pollers["adaptive"], pollers["fixed_2s"]
    return {
        "durations": list(urls),
        "emulator": "one emulator app per duration (run_seconds is a per-emulator setting), one process",
        "lag": "wall time from the run's completed_at (emulator clock, same host) to wait() returning",
        "adaptive": {"schedule": asdict(PollSchedule()), **adaptive},
        "fixed_2s": {"interval_s": FIXED_INTERVAL, "reference": JS_SDK_REFERENCE, **fixed},
        "targets_met": {
            "lower_mean_lag": adaptive["lag_s"]["mean"] < fixed["lag_s"]["mean"],
            "no_more_gets": adaptive["total_gets"] <= fixed["total_gets"],
        },
    }


def _wait_once(duration: float, base_url: str, poller: Poller) -> WaitSample:
    recorder = RunGetRecorder()
    with KleinClient(api_key=API_KEY, base_url=base_url, transport=recorder) as client:
        submitted = client.submit(MODEL, INPUT)
        wait_started = time.time()
        final = client.wait(submitted) if poller == "adaptive" else wait_fixed_2s(client, submitted.id)
        returned = time.time()
    if final.completed_at is None:
        raise RuntimeError(f"run {final.id} finished without completed_at")
    completed = datetime.fromisoformat(final.completed_at).timestamp()
    first_get = recorder.get_times[0]
    offsets = PollSchedule().offsets() if poller == "adaptive" else fixed_offsets()
    since_start = completed - (wait_started if poller == "adaptive" else first_get)
    return WaitSample(
        poller=poller,
        duration_s=duration,
        gets=len(recorder.get_times),
        scheduled_gets=scheduled_gets(offsets, since_start),
        lag_s=round(returned - completed, 4),
        completed_after_wait_start_s=round(completed - wait_started, 4),
        completed_after_first_get_s=round(completed - first_get, 4),
    )


def _poller_json(samples: Sequence[WaitSample]) -> dict[str, Any]:
    return {
        "runs": [asdict(sample) for sample in samples],
        "lag_s": summarize([sample.lag_s for sample in samples]),
        "total_gets": sum(sample.gets for sample in samples),
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
