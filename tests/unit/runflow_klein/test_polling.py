"""Poll schedules, cold and learned, judged by arithmetic on drawn-like durations (no clock involved).

The cold check uses durations spread log-uniformly over 0.5-15 s (a deterministic grid), the warm one
histories and runs drawn by a seeded generator (the same draws on every run, so neither can flake), not
the handful of points a schedule could be fitted to.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections.abc import Callable, Iterable, Sequence

import pytest

from runflow_klein import DurationWindow, PollSchedule, RunDurations
from runflow_klein.constants import DURATION_SAMPLES_KEPT, LEARNED_POLLS

COLD = [0.5 * 30 ** (index / 399) for index in range(400)]  # log-uniform grid over 0.5-15 s


def first_poll_after(poll_times: Iterable[float], finishes_at: float) -> tuple[int, float]:
    """(GETs made, lag) for a run finishing at ``finishes_at`` seconds after dispatch."""
    for count, at in enumerate(poll_times, start=1):
        if at >= finishes_at:
            return count, at - finishes_at
    raise AssertionError("the schedule ended")  # pragma: no cover


def fixed(interval: float) -> Callable[[], Iterable[float]]:
    """The official SDK's loop: GET at once, then every ``interval`` seconds."""
    return lambda: (interval * n for n in itertools.count())


def means(poll_times: Callable[[], Iterable[float]], durations: Sequence[float]) -> tuple[float, float]:
    """Mean GETs and mean lag over ``durations``."""
    seen = [first_poll_after(poll_times(), duration) for duration in durations]
    return sum(gets for gets, _ in seen) / len(seen), sum(lag for _, lag in seen) / len(seen)


def test_offsets_start_early_grow_and_cap() -> None:
    offsets = list(itertools.islice(PollSchedule(first=0.5, growth=2.0, max_interval=2.0).offsets(), 6))
    assert offsets == [0.5, 1.5, 3.5, 5.5, 7.5, 9.5]


def test_cold_default_is_no_worse_than_a_fixed_two_second_poller() -> None:
    ours_gets, ours_lag = means(lambda: PollSchedule().offsets(), COLD)
    fixed_gets, fixed_lag = means(fixed(2.0), COLD)
    assert ours_gets <= fixed_gets
    assert ours_lag <= fixed_lag


def test_without_a_window_the_plan_is_the_cold_schedule() -> None:
    schedule = PollSchedule(first=1.0, growth=2.0, max_interval=4.0)
    assert list(itertools.islice(schedule.plan(None), 4)) == [1.0, 3.0, 7.0, 11.0]


def test_a_window_gets_evenly_spread_polls_then_the_later_cold_ones() -> None:
    schedule = PollSchedule(first=1.0, growth=2.0, max_interval=4.0)
    planned = list(itertools.islice(schedule.plan(DurationWindow(4.0, 8.0)), LEARNED_POLLS + 2))
    assert planned == [5.0, 6.0, 7.0, 8.0, 11.0, 15.0]


def test_warm_waits_meet_the_targets_on_runs_within_ten_percent() -> None:
    # Per model: a mean drawn like a cold duration, four earlier runs and then the measured ones each
    # within ±10 % of it, all drawn; judged on the averages over every model and run.
    # The targets are the documented ones (README, ``nox -s bench``): at most 3 GETs and 0.3 s of lag a
    # run on average (over seeds these draws give about 2.6 GETs and 0.19 s).
    rng = random.Random(20261121)  # noqa: S311 - reproducible draws, not secrets
    gets_seen: list[float] = []
    lags: list[float] = []
    relative_lags: list[float] = []
    for _ in range(200):
        mean = math.exp(rng.uniform(math.log(0.5), math.log(15.0)))
        durations = RunDurations()
        for _ in range(4):
            durations.record("m", mean * rng.uniform(0.9, 1.1))
        window = durations.window("m")
        runs = [mean * rng.uniform(0.9, 1.1) for _ in range(20)]
        gets, lag = means(functools.partial(PollSchedule().plan, window), runs)
        gets_seen.append(gets)
        lags.append(lag)
        relative_lags.append(lag / mean)
    assert sum(gets_seen) / len(gets_seen) <= 3
    assert sum(lags) / len(lags) <= 0.3
    # The window's width, and so the lag, grows with the duration, but stays below the runs' own spread.
    assert sum(relative_lags) / len(relative_lags) <= 0.1


def test_no_window_before_two_runs_and_an_unbiased_one_after() -> None:
    durations = RunDurations({"m": [4.0]})
    assert durations.window("m") is None
    assert durations.window("other") is None
    durations.record("m", 6.0)
    durations.record("m", 5.0)
    assert durations.window("m") == DurationWindow(3.0, 7.0)  # range 2 s widened by 2/(3-1) each side


def test_identical_runs_still_get_a_window_of_some_width() -> None:
    window = RunDurations({"m": [10.0, 10.0, 10.0]}).window("m")
    assert window is not None
    assert math.isclose(window.high - window.low, 0.5)


def test_only_recent_runs_are_kept_and_new_ones_are_reported_as_added() -> None:
    durations = RunDurations({"m": [100.0] * 8})
    for _ in range(8):
        durations.record("m", 1.0)
    assert durations.samples() == {"m": [1.0] * 8}
    assert durations.added() == {"m": [1.0] * 8}


def test_a_long_lived_store_keeps_no_more_added_durations_than_a_cache_saves() -> None:
    durations = RunDurations()
    for index in range(1000):
        durations.record("m", float(index))
    kept = [float(index) for index in range(1000 - DURATION_SAMPLES_KEPT, 1000)]
    assert durations.added() == durations.samples() == {"m": kept}


def test_schedule_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="growth"):
        PollSchedule(growth=0.5)
    with pytest.raises(ValueError, match="positive"):
        PollSchedule(first=0)
