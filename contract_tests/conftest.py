"""Fixtures of the contract suite: the composed spec, loaded once per session."""

from __future__ import annotations

import pytest
from check_recordings import RecordingSpec

from contract_tests.support.recordings import composed_spec


@pytest.fixture(scope="session")
def spec() -> RecordingSpec:
    return composed_spec()
