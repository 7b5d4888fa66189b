"""Summary statistics for the benchmark, in the units its JSON reports.

Kept apart so every section rounds the same way: the report is read by people comparing runs, and
six significant digits of noise would hide the two that matter.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

DIGITS = 4


def summarize(values: Sequence[float], *, scale: float = 1.0) -> dict[str, float | int]:
    """``n``, mean, median, min and max of ``values`` multiplied by ``scale`` (1000: seconds to ms)."""
    if not values:
        raise ValueError("nothing to summarize")
    scaled = [value * scale for value in values]
    return {
        "n": len(scaled),
        "mean": round(statistics.fmean(scaled), DIGITS),
        "median": round(statistics.median(scaled), DIGITS),
        "min": round(min(scaled), DIGITS),
        "max": round(max(scaled), DIGITS),
    }


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, rounded like the rest of the report."""
    return round(numerator / denominator, DIGITS)
