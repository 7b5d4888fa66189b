"""Fixtures shared by the emulator tests: one emulator per module and a conformance-checked client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from runflow_klein_emulator import EmulatorConfig, running

from .support import API_KEY, api_client

RUN_SECONDS = 0.2


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    config = EmulatorConfig(run_seconds=RUN_SECONDS, api_key=API_KEY, callback_retry_delays=(0.02, 0.05))
    with running(config) as url:
        yield url


@pytest.fixture
def client(emulator_url: str) -> Iterator[httpx.Client]:
    with api_client(emulator_url) as api:
        yield api
