"""The adaptive poll schedule against a fixed 2-second poller, on the durations it is benchmarked with."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

import pytest

from runflow_klein import PollSchedule

BENCHMARK_RUNS = (0.5, 1.3, 3.7, 9.0)


def first_poll_after(poll_times: Iterable[float], finishes_at: float) -> tuple[int, float]:
    """(GETs made, lag) for a run finishing at ``finishes_at`` seconds after dispatch."""
    for count, at in enumerate(poll_times, start=1):
        if at >= finishes_at:
            return count, at - finishes_at
    raise AssertionError("the schedule ended")  # pragma: no cover


def fixed_two_seconds() -> Iterable[float]:
    """The usual loop: GET, and if still pending sleep 2 s and GET again."""
    return (2.0 * n for n in itertools.count())


def totals(poll_times: Callable[[], Iterable[float]], *, offset: float = 0.0) -> tuple[int, float]:
    """Total GETs and mean lag over the benchmark runs."""
    gets = 0
    lag = 0.0
    for duration in BENCHMARK_RUNS:
        count, late = first_poll_after(poll_times(), duration + offset)
        gets += count
        lag += late
    return gets, lag / len(BENCHMARK_RUNS)


def test_offsets_start_early_grow_and_cap() -> None:
    offsets = list(itertools.islice(PollSchedule(first=0.5, growth=2.0, max_interval=2.0).offsets(), 6))
    assert offsets == [0.5, 1.5, 3.5, 5.5, 7.5, 9.5]


@pytest.mark.parametrize("offset", [0.0, 0.01, 0.05, 0.1])
def test_default_schedule_beats_a_fixed_two_second_poller_on_lag_and_gets(offset: float) -> None:
    # ``offset`` models the time between the run finishing on the server and our clock's idea of it.
    ours_gets, ours_lag = totals(lambda: PollSchedule().offsets(), offset=offset)
    fixed_gets, fixed_lag = totals(fixed_two_seconds, offset=offset)
    assert ours_gets < fixed_gets
    assert ours_lag < fixed_lag / 2


def test_schedule_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="growth"):
        PollSchedule(growth=0.5)
    with pytest.raises(ValueError, match="positive"):
        PollSchedule(first=0)
