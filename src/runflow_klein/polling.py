"""When to look at a run again.

Cold (nothing known about the model): a geometric schedule, ``first`` then gaps growing by ``growth`` up
to ``max_interval``, so the lag stays roughly proportional to the time already spent; the defaults and
why they are what they are: :mod:`runflow_klein.constants`. Warm (the model's recent runs give a
:class:`~runflow_klein.durations.DurationWindow`): :data:`LEARNED_POLLS` polls spread evenly over the
window, then the cold schedule's polls after it, in case this run is slower than the last ones. Once a
poll shows the run started, :class:`StartWatch` says when (on the client's clock), so the wait can plan
again around that start plus the model's learned *running* time, which leaves queueing out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from .constants import LEARNED_POLLS, POLL_FIRST_INTERVAL, POLL_GROWTH, POLL_MAX_INTERVAL
from .durations import DurationWindow, seconds_between
from .runs import RunView

__all__ = ["PollSchedule", "StartWatch"]


@dataclass(frozen=True, kw_only=True)
class PollSchedule:
    """Geometric poll offsets: ``first``, then intervals growing by ``growth`` up to ``max_interval``."""

    first: float = POLL_FIRST_INTERVAL
    growth: float = POLL_GROWTH
    max_interval: float = POLL_MAX_INTERVAL

    def __post_init__(self) -> None:
        if self.first <= 0 or self.max_interval <= 0 or self.growth < 1:
            raise ValueError("first and max_interval must be positive and growth >= 1")

    def offsets(self) -> Iterator[float]:
        """Seconds after the wait started at which to poll; infinite, strictly increasing."""
        interval = min(self.first, self.max_interval)
        offset = interval
        while True:
            yield offset
            interval = min(interval * self.growth, self.max_interval)
            offset += interval

    def plan(self, window: DurationWindow | None) -> Iterator[float]:
        """:meth:`offsets`, or with a learned ``window`` its polls followed by the later cold ones."""
        if window is None:
            return self.offsets()
        step = (window.high - window.low) / LEARNED_POLLS
        learned = [window.low + step * index for index in range(1, LEARNED_POLLS + 1)]
        after = itertools.dropwhile(lambda offset: offset <= learned[-1], self.offsets())
        return itertools.chain((offset for offset in learned if offset > 0), after)


class StartWatch:
    """When the run being waited on left the queue, on the client's clock, from what the polls saw.

    Why both sources: the server's ``started_at - created_at`` says how long the run queued, but on the
    server's clock; placed after ``created`` (the client's time of the run's creation, if known) it gives
    the start on ours. What the polls saw bounds it either way: the run started after the last poll that
    found it queued was sent, and before the first one that found it started came back.
    """

    def __init__(self, created: float | None) -> None:
        self._created = created
        self._queued_at: float | None = None
        self._seen = False

    def observe(self, view: RunView, *, sent: float, received: float) -> tuple[float, float] | None:
        """The earliest and latest time the run may have started, the first time a poll (sent and
        answered at those times) shows it started and that time can be bounded; else None."""
        if self._seen:
            return None
        if not view.has_started:
            self._queued_at = sent
            return None
        self._seen = True
        queued = seconds_between(view.created_at, view.started_at)
        if self._created is not None and queued is not None:
            earliest = self._queued_at if self._queued_at is not None else -math.inf
            start = min(max(self._created + queued, earliest), received)
            return start, start
        return None if self._queued_at is None else (self._queued_at, received)
