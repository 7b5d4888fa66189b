"""Fixtures of the runtime tests: one fake Runflow server per session, a fake clock, ready clients."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator

import pytest
from runflow_klein_emulator.scripted_api import API_KEY, FakeRunflow, serve

from runflow_klein import AsyncKleinClient, KleinClient, RetryPolicy


class FakeTime:
    """A clock that only moves when something sleeps on it: retries and waits run instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.delenv("RUNFLOW_API_KEY", raising=False)
    # The CLI's duration cache: never the user's own.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("RUNFLOW_BASE_URL", raising=False)


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeRunflow]:
    fake = FakeRunflow()
    with serve(fake):
        yield fake


@pytest.fixture
def fake(fake_server: FakeRunflow) -> FakeRunflow:
    fake_server.reset()
    return fake_server


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(fake: FakeRunflow, fake_time: FakeTime) -> Iterator[KleinClient]:
    with KleinClient(
        api_key=API_KEY,
        base_url=fake.base_url,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        retry=RetryPolicy(jitter=lambda: 0.0),
    ) as klein:
        yield klein


@pytest.fixture
async def async_client(fake: FakeRunflow, fake_time: FakeTime) -> AsyncIterator[AsyncKleinClient]:
    async with AsyncKleinClient(
        api_key=API_KEY,
        base_url=fake.base_url,
        sleep=fake_time.async_sleep,
        clock=fake_time.clock,
        retry=RetryPolicy(jitter=lambda: 0.0),
    ) as klein:
        yield klein


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def refused_base_url() -> Iterator[str]:
    """A loopback port that is bound but not listening: connecting is refused, and because the socket
    stays bound for the whole test no other process can take the port meanwhile (binding, closing and
    reusing a port is a race)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
