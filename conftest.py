"""Shared pytest configuration: Hypothesis profiles.

``fast`` (default) keeps the PR suite to seconds and is derandomized so CI is reproducible;
``nightly`` explores far more examples. Select with ``HYPOTHESIS_PROFILE=nightly``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("fast", max_examples=25, derandomize=True, **_COMMON)
settings.register_profile("nightly", max_examples=500, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
