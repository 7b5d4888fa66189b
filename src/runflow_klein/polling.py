"""When to look at a run again.

Cold (nothing known about the model): a geometric schedule, ``first`` then gaps growing by ``growth`` up
to ``max_interval``, so the lag stays roughly proportional to the time already spent; the defaults and
why they are what they are: :mod:`runflow_klein.constants`. Warm (the model's recent runs give a
:class:`~runflow_klein.durations.DurationWindow`): :data:`LEARNED_POLLS` polls spread evenly over the
window, then the cold schedule's polls after it, in case this run is slower than the last ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from .constants import LEARNED_POLLS, POLL_FIRST_INTERVAL, POLL_GROWTH, POLL_MAX_INTERVAL
from .durations import DurationWindow

__all__ = ["PollSchedule"]


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
