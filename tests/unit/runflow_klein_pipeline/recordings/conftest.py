"""Fixtures of the recordings-checker tests: the composed spec, loaded once per session."""

from __future__ import annotations

import pytest
from runflow_klein_pipeline.recordings.check import RecordingSpec, load_spec


@pytest.fixture(scope="session")
def spec() -> RecordingSpec:
    return load_spec()
