"""How long runs of each model took, learned from finished runs, and when the next one will likely end.

Why learn: a run of a given model at given settings takes about the same time each time, so once a few
runs have been seen, polls can go where completion is likely instead of on a schedule that must suit
every duration from half a second to a minute. A :class:`RunDurations` holds the last few durations per
model (in memory, per client); :mod:`runflow_klein.duration_cache` persists it for the CLI.

A duration is the server's own ``completed_at - created_at``: it needs no client clock and includes
queueing, which is what a waiting client experiences before the run starts. Once a run is seen started,
what matters is how long the model *runs*: ``completed_at - started_at``, kept under
:func:`running_key` next to the total so that one store (and one cache file) holds both.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .constants import DURATION_SAMPLES_KEPT, DURATION_SAMPLES_NEEDED, DURATION_WINDOW_MIN_WIDTH
from .runs import RunView

__all__ = [
    "DurationWindow",
    "RunDurations",
    "run_duration",
    "running_duration",
    "running_key",
    "seconds_between",
]

_MAX_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class DurationWindow:
    """Seconds after a moment (the dispatch, or for running durations the run's start) between which a
    run is expected to finish."""

    low: float
    high: float


def seconds_between(start: str | None, end: str | None) -> float | None:
    """``end - start`` of two of the API's timestamps in seconds, or None when either is missing or
    unreadable or the span is not plausible (negative, or over a day)."""
    if start is None or end is None:
        return None
    try:
        seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    except (ValueError, TypeError):  # unparsable, or one aware and one naive timestamp
        return None
    return seconds if 0 <= seconds < _MAX_SECONDS else None


def run_duration(view: RunView) -> float | None:
    """``completed_at - created_at`` of a finished run in seconds, or None when the API did not say (a
    zero duration says nothing either)."""
    return seconds_between(view.created_at, view.completed_at) or None


def running_duration(view: RunView) -> float | None:
    """``completed_at - started_at`` of a finished run in seconds (queueing left out), or None."""
    return seconds_between(view.started_at, view.completed_at) or None


def running_key(model: str) -> str:
    """The key under which a model's running durations are kept (model ids contain no spaces)."""
    return f"{model} running"


class RunDurations:
    """The last :data:`DURATION_SAMPLES_KEPT` run durations of each model; safe to share across threads."""

    def __init__(self, samples: Mapping[str, Iterable[float]] | None = None) -> None:
        self._lock = threading.Lock()
        self._samples: dict[str, deque[float]] = {}
        # Only the last few: a cache keeps no more per model, and a long-lived client must not grow.
        self._added: dict[str, deque[float]] = {}
        for model, values in (samples or {}).items():
            self._samples[model] = deque(values, maxlen=DURATION_SAMPLES_KEPT)

    def record(self, model: str, seconds: float) -> None:
        """Note that a run of ``model`` took ``seconds``."""
        with self._lock:
            self._samples.setdefault(model, deque(maxlen=DURATION_SAMPLES_KEPT)).append(seconds)
            self._added.setdefault(model, deque(maxlen=DURATION_SAMPLES_KEPT)).append(seconds)

    def samples(self) -> dict[str, list[float]]:
        """Every model's kept durations, oldest first."""
        with self._lock:
            return {model: list(values) for model, values in self._samples.items()}

    def added(self) -> dict[str, list[float]]:
        """The last :data:`DURATION_SAMPLES_KEPT` durations of each model recorded since this object was
        created (what a cache merges into its file, which keeps no more)."""
        with self._lock:
            return {model: list(values) for model, values in self._added.items()}

    def window(self, model: str) -> DurationWindow | None:
        """Where the next run of ``model`` likely ends, or None before enough runs were seen.

        The kept durations' range widened on each side by ``range / (n - 1)``: for durations spread
        evenly between two bounds that is the unbiased estimate of the bounds from ``n`` samples, so the
        window neither trusts a lucky narrow sample nor grows with the number of runs seen. A window is
        at least :data:`DURATION_WINDOW_MIN_WIDTH` of the median wide (identical samples say little).
        """
        with self._lock:
            values = sorted(self._samples.get(model, ()))
        if len(values) < DURATION_SAMPLES_NEEDED:
            return None
        spread = values[-1] - values[0]
        pad = spread / (len(values) - 1)
        low, high = values[0] - pad, values[-1] + pad
        median = values[len(values) // 2]
        shortfall = DURATION_WINDOW_MIN_WIDTH * median - (high - low)
        if shortfall > 0:
            low, high = low - shortfall / 2, high + shortfall / 2
        return DurationWindow(max(low, 0.0), high)
