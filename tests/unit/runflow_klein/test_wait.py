"""Waiting for a run: statuses, failures, progress, the poll schedule and the wait deadline."""

from __future__ import annotations

import uuid

import pytest
from runflow_klein_emulator.scripted_api import API_KEY, FakeRunflow, Fault

from runflow_klein import (
    ConfigurationError,
    KleinClient,
    NotFoundError,
    PollSchedule,
    RetryPolicy,
    RunDurations,
    RunFailedError,
    RunView,
    WaitTimeoutError,
)
from runflow_klein.constants import POLL_FIRST_INTERVAL

from .conftest import FakeTime

PROMPT = {"prompt": "a lighthouse at dusk"}


def statuses_seen(client: KleinClient) -> tuple[RunView, list[str | None]]:
    seen: list[str | None] = []
    run = client.run("flux-2-klein-4b", PROMPT, on_progress=lambda view: seen.append(view.status))
    return run, seen


def test_run_returns_the_succeeded_run_with_its_outputs(client: KleinClient, fake: FakeRunflow) -> None:
    run, seen = statuses_seen(client)
    assert seen == ["queued", "running", "succeeded"]
    assert run.succeeded
    assert run.outputs[0].url.startswith(f"{fake.base_url}/files/{run.id}-0.png")
    assert run.request_id == "req_get"
    assert fake.count("GET", f"/v1/runs/{run.id}") == 2


def test_progress_reports_each_status_change_once(client: KleinClient, fake: FakeRunflow) -> None:
    fake.script = ("queued", "queued", "dispatching", "running", "running", "running", "succeeded")
    _, seen = statuses_seen(client)
    assert seen == ["queued", "dispatching", "running", "succeeded"]


def test_unknown_statuses_count_as_pending(client: KleinClient, fake: FakeRunflow) -> None:
    fake.script = ("queued", "paused", "warming_up", "succeeded")
    run, seen = statuses_seen(client)
    assert seen == ["queued", "paused", "warming_up", "succeeded"]
    assert run.succeeded


def test_partial_success_ends_the_wait_successfully(client: KleinClient, fake: FakeRunflow) -> None:
    fake.script = ("queued", "partial_succeeded")
    run, _ = statuses_seen(client)
    assert run.status == "partial_succeeded"
    assert run.succeeded


@pytest.mark.parametrize("final", ["failed", "canceled", "cancelled"])
def test_failed_and_canceled_runs_raise_run_failed_error(
    client: KleinClient, fake: FakeRunflow, final: str
) -> None:
    fake.script = ("queued", "running", final)
    with pytest.raises(RunFailedError) as caught:
        client.run("flux-2-klein-4b", PROMPT)
    error = caught.value
    assert error.run.status == final
    assert error.failure_code == "MODEL_UNAVAILABLE"
    assert error.failure_message == "Provider downtime"
    assert final in str(error)
    assert "MODEL_UNAVAILABLE" in str(error)


def test_raise_on_failure_false_returns_the_failed_run(client: KleinClient, fake: FakeRunflow) -> None:
    fake.script = ("queued", "failed")
    run = client.run("flux-2-klein-4b", PROMPT, raise_on_failure=False)
    assert run.failed
    assert run.failure_code == "MODEL_UNAVAILABLE"


def test_polls_follow_the_schedule(fake: FakeRunflow, fake_time: FakeTime) -> None:
    fake.script = ("queued", "queued", "queued", "queued", "queued", "succeeded")
    schedule = PollSchedule(first=1.0, growth=2.0, max_interval=3.0)
    with KleinClient(
        api_key=API_KEY, base_url=fake.base_url, poll=schedule, sleep=fake_time.sleep, clock=fake_time.clock
    ) as client:
        client.run("flux-2-klein-4b", PROMPT)
    # Polls at 1, 3, 6, 9, 12 s after dispatch.
    assert fake_time.sleeps == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_wait_gives_up_at_the_deadline_with_a_last_poll(
    client: KleinClient, fake: FakeRunflow, fake_time: FakeTime
) -> None:
    fake.script = ("queued",)  # stays queued forever
    submitted = client.submit("flux-2-klein-4b", PROMPT)
    started = fake_time.now
    with pytest.raises(WaitTimeoutError) as caught:
        client.wait(submitted, wait_timeout=5.0)
    assert caught.value.run_id == submitted.id
    assert caught.value.last_status == "queued"
    # Default schedule: polls at 0.7, 1.96, 4.228 s, then one last look exactly at the 5 s deadline.
    assert fake.count("GET", f"/v1/runs/{submitted.id}") == 4
    assert fake_time.now - started == pytest.approx(5.0)


def test_wait_accepts_a_run_id_and_polls_first(
    client: KleinClient, fake: FakeRunflow, fake_time: FakeTime
) -> None:
    submitted = client.submit("flux-2-klein-4b", PROMPT)
    run = client.wait(submitted.id)
    assert run.id == submitted.id
    assert run.succeeded
    assert fake_time.sleeps[0] == pytest.approx(POLL_FIRST_INTERVAL)


def test_a_terminal_run_is_returned_without_polling(client: KleinClient, fake: FakeRunflow) -> None:
    fake.script = ("succeeded",)
    run = client.run("flux-2-klein-4b", PROMPT)
    assert run.succeeded
    assert fake.count("GET", "/v1/runs/") == 0


def test_transient_poll_failures_are_retried_and_tolerated(fake: FakeRunflow, fake_time: FakeTime) -> None:
    # Two polls each exhaust their retries on 503/HTML 502; the wait carries on until the run succeeds.
    failures = [Fault.status_code(503, {"code": "UNAVAILABLE", "message": "busy"})] * 2
    failures += [Fault.status_code(502, "<html><title>502</title></html>")] * 2
    fake.inject("get_run", *failures)
    with KleinClient(
        api_key=API_KEY,
        base_url=fake.base_url,
        retry=RetryPolicy(max_retries=1, jitter=lambda: 0.0),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    ) as client:
        run = client.run("flux-2-klein-4b", PROMPT)
    assert run.succeeded


def test_a_missing_run_ends_the_wait_at_once(client: KleinClient, fake: FakeRunflow) -> None:
    with pytest.raises(NotFoundError):
        client.wait("0192b7a4-5f3e-7c1d-9a2b-000000000000")
    assert fake.count("GET", "/v1/runs/") == 1


def test_an_empty_run_id_is_a_configuration_error_before_any_request(
    client: KleinClient, fake: FakeRunflow, fake_time: FakeTime
) -> None:
    with pytest.raises(ConfigurationError, match="non-empty id"):
        client.wait("")
    assert (fake.requests, fake_time.sleeps) == ([], [])


# The fake's runs finish 2 s after their creation, by the server's timestamps.
FINISHED_IN_2S = {"completed_at": "2026-11-21T10:00:02+00:00"}


def learned_by_run_then_wait(fake: FakeRunflow, fake_time: FakeTime, named: dict[str, str]) -> RunDurations:
    """What one client learns from ``run()`` and then ``wait(run_id)`` of a run dispatched elsewhere,
    when every run object carries ``named``."""
    fake.run_extra = {**FINISHED_IN_2S, **named}
    durations = RunDurations()
    with KleinClient(
        api_key=API_KEY,
        base_url=fake.base_url,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        durations=durations,
    ) as client:
        client.run("flux-2-klein-4b", PROMPT)
        run_id = KleinClient(api_key=API_KEY, base_url=fake.base_url).submit("flux-2-klein-4b", PROMPT).id
        client.wait(run_id)
    return durations


@pytest.mark.parametrize("field", ["model", "model_id"])
def test_run_and_wait_of_the_same_model_share_one_key(
    fake: FakeRunflow, fake_time: FakeTime, field: str
) -> None:
    durations = learned_by_run_then_wait(fake, fake_time, {field: "black-forest-labs/flux-2-klein-4b"})
    assert durations.samples() == {"black-forest-labs/flux-2-klein-4b": [2.0, 2.0]}


def test_a_wait_on_a_run_naming_its_model_by_uuid_learns_nothing(
    fake: FakeRunflow, fake_time: FakeTime
) -> None:
    durations = learned_by_run_then_wait(fake, fake_time, {"model_id": str(uuid.uuid4())})
    assert durations.samples() == {"black-forest-labs/flux-2-klein-4b": [2.0]}  # run()'s, under its key
