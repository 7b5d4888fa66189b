"""Fixtures of the contract suite: the composed spec, loaded once per session."""

from __future__ import annotations

import pytest
from runflow_klein_pipeline.recordings.check import RecordingSpec

from tests.contract.support.recordings import composed_spec


@pytest.fixture(scope="session")
def spec() -> RecordingSpec:
    return composed_spec()
