"""Shared pytest configuration: Hypothesis profiles and the live-suite plugin.

``fast`` (default) keeps the PR suite to seconds and is derandomized so CI is reproducible;
``nightly`` explores far more examples. Select with ``HYPOTHESIS_PROFILE=nightly``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The live contract suite's options and hooks (inert without RUNFLOW_API_KEY); registered here so
# its --live-* options exist whichever test paths are given.
pytest_plugins = ["contract_tests.live.plugin"]

_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("fast", max_examples=25, derandomize=True, **_COMMON)
settings.register_profile("nightly", max_examples=500, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
