"""When to look at a run again.

Why not a fixed interval: a fixed 2 s poller makes a 0.5 s run wait 1.5 s and spends a GET every 2 s on a
long one. klein runs take roughly 0.5-10 s, so the first look comes early (0.7 s), the gaps then grow by
``growth`` (the lag stays proportional to the time already spent) and are capped at ``max_interval`` so no
run waits long after it finished. For runs of 0.5, 1.3, 3.7 and 9 s this schedule averages 0.4 s of lag
with 11 GETs in total; a fixed 2 s loop (poll, sleep 2 s, poll...) averages 0.875 s with 13 GETs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .constants import POLL_FIRST_INTERVAL, POLL_GROWTH, POLL_MAX_INTERVAL

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
