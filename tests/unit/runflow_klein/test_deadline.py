"""``wait_timeout`` against a fault server: hangs, drips and long Retry-After all end in WaitTimeoutError.

The client's clock is the fake one (it moves only when the client sleeps), so retries and polls cost no
real time; a hang or a drip is real, so the wait timeout is small, and the tests assert only how the
call ended, never how long it took.
"""

from __future__ import annotations

import pytest
from runflow_klein_emulator.scripted_api import API_KEY, FakeRunflow, Fault

from runflow_klein import AsyncKleinClient, KleinClient, RetryPolicy, ServerError, WaitTimeoutError

from .conftest import FakeTime

PROMPT = {"prompt": "a lighthouse at dusk"}
SMALL_DEADLINE = 0.3
FAULTS = {
    "hang": Fault.hang(created=True),
    "drip": Fault.drip(),
    "retry-after-60": Fault.status_code(
        503, {"code": "BUSY", "message": "busy"}, headers=[("Retry-After", "60")]
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_whatever_the_polls_meet_the_wait_ends_with_the_run_id(
    client: KleinClient, fake: FakeRunflow, fault: str
) -> None:
    fake.inject("get_run", *[FAULTS[fault]] * 20)
    submitted = client.submit("flux-2-klein-4b", PROMPT)
    with pytest.raises(WaitTimeoutError) as caught:
        client.wait(submitted, wait_timeout=SMALL_DEADLINE)
    assert caught.value.run_id == submitted.id


@pytest.mark.anyio
async def test_the_async_client_holds_the_deadline_on_a_hang(
    async_client: AsyncKleinClient, fake: FakeRunflow
) -> None:
    fake.inject("get_run", *[Fault.hang(created=True)] * 20)
    submitted = await async_client.submit("flux-2-klein-4b", PROMPT)
    with pytest.raises(WaitTimeoutError) as caught:
        await async_client.wait(submitted, wait_timeout=SMALL_DEADLINE)
    assert caught.value.run_id == submitted.id


def test_run_holds_the_deadline_when_the_dispatch_hangs(fake: FakeRunflow, fake_time: FakeTime) -> None:
    fake.inject("dispatch", *[Fault.hang(created=False)] * 20)
    with (
        KleinClient(
            api_key=API_KEY, base_url=fake.base_url, sleep=fake_time.sleep, clock=fake_time.clock
        ) as klein,
        pytest.raises(WaitTimeoutError) as caught,
    ):
        klein.run("flux-2-klein-4b", PROMPT, wait_timeout=SMALL_DEADLINE)
    assert caught.value.run_id is None


def test_a_long_retry_after_is_not_slept_through(fake: FakeRunflow, fake_time: FakeTime) -> None:
    fake.inject("get_run", FAULTS["retry-after-60"])
    with KleinClient(
        api_key=API_KEY,
        base_url=fake.base_url,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        retry=RetryPolicy(jitter=lambda: 0.0),
    ) as klein:
        submitted = klein.submit("flux-2-klein-4b", PROMPT)
        with pytest.raises(WaitTimeoutError) as caught:
            klein.wait(submitted, wait_timeout=10.0)
    assert 60.0 not in fake_time.sleeps
    assert sum(fake_time.sleeps) <= 10.0
    assert isinstance(caught.value.__cause__, ServerError)
