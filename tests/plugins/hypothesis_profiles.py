"""Hypothesis profiles: ``fast`` for every pull request, ``nightly`` for the scheduled deep run.

``fast`` (default) keeps the PR suite to seconds and is derandomized so CI is reproducible;
``nightly`` explores far more examples. Select with ``HYPOTHESIS_PROFILE=nightly`` (the nightly
workflow does).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_ENV = "HYPOTHESIS_PROFILE"

_COMMON = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fast", _COMMON, max_examples=25, derandomize=True)
settings.register_profile("nightly", _COMMON, max_examples=500)
settings.load_profile(os.environ.get(PROFILE_ENV, "fast"))
