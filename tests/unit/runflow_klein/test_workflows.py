"""The workflows driven directly with scripted outcomes: every request, sleep and wait they ask for, in order.

No HTTP server, no threads and no real time: each test lists the exact effects a workflow must yield and
what each one returns (see ``scripted.py``), so an extra dispatch, a missing lookup or a wrong delay fails.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from runflow_klein_client.models import Flux2Klein4BRunRequest

from runflow_klein import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    NotFoundError,
    PollSchedule,
    RateLimitError,
    RetryPolicy,
    RunDurations,
    RunFailedError,
    RunView,
    ServerError,
    Timeout,
    ValidationError,
    WaitTimeoutError,
    workflows,
)
from runflow_klein.callbacks import CallbackPayload, parse_callback
from runflow_klein.client_core import ClientCore
from runflow_klein.constants import DEADLINE_GRACE
from runflow_klein.effects import ApiCall, ApiResult, AwaitCallback, Sleep, Workflow
from runflow_klein.klein_models import MODELS, KleinModel
from runflow_klein.receiver import CallbackReceiver, CallbackSubscription

from .scripted import ScriptedClock, Step, drive_scripted

BASE_URL = "https://api.runflow.test"
RUN_ID = "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b"
REF = "rk-test-ref"
MODEL = MODELS["flux-2-klein-4b"]
PROMPT = {"prompt": "a lighthouse at dusk"}
TIMEOUT = Timeout(total=5.0, connect=1.0)
WALL_CLOCK = 1_700_000_000.0  # the RetryPolicy's ``now``, for HTTP-date Retry-After values
# The timeout of a request made at the deadline: the grace the deadline allows (DEADLINE_GRACE).
LAST_LOOK = Timeout(total=DEADLINE_GRACE, connect=1.0)
HTML_502 = "<html><head><title>502 Bad Gateway</title></head></html>"


# ---- Scripted outcomes and expected effects ----


def settings(
    clock: ScriptedClock, *, max_retries: int = 4, durations: RunDurations | None = None
) -> workflows.Settings:
    """No jitter, so backoff is exactly 0.5, 1, 2, 4 s; polls at exactly 1, 3, 7, 11, 15... s."""
    return workflows.Settings(
        retry=RetryPolicy(max_retries=max_retries, jitter=lambda: 0.0, now=lambda: WALL_CLOCK),
        poll=PollSchedule(first=1.0, growth=2.0, max_interval=4.0),
        clock=clock,
        inline_image_bytes=1024,
        transfer_timeout=Timeout(total=300.0),
        api_timeout=TIMEOUT,
        durations=durations,
    )


def answer(
    status: int, body: object = None, *, headers: Mapping[str, str] | None = None, text: str | None = None
) -> ApiResult:
    """What the performer hands back for an API call: the raw response, whatever its status."""
    request = httpx.Request("GET", f"{BASE_URL}/v1/runs")
    if text is not None:
        response = httpx.Response(status, text=text, headers=headers, request=request)
    else:
        response = httpx.Response(status, json=body, headers=headers, request=request)
    return ApiResult(response=response, parsed=None)


def run_json(status: str, **fields: object) -> dict[str, object]:
    return {"id": RUN_ID, "status_code": status, "client_ref": REF, **fields}


def run_answer(status: str, **fields: object) -> ApiResult:
    return answer(200, run_json(status, **fields))


def get_run(timeout: Timeout | None = None) -> ApiCall:
    return ApiCall(operation=workflows.GET_RUN, args=(uuid.UUID(RUN_ID),), timeout=timeout)


def dispatch_call(callback_url: str | None = None) -> ApiCall:
    document: dict[str, object] = {"input": PROMPT, "client_ref": REF}
    if callback_url is not None:
        document["callback_url"] = callback_url
    body = Flux2Klein4BRunRequest.from_dict(document)
    return ApiCall(operation=MODEL.operation, kwargs={"body": body}, timeout=TIMEOUT)


def search_call() -> ApiCall:
    return ApiCall(
        operation=workflows.SEARCH_RUNS, kwargs={"q": f"client_ref.EQ:'{REF}'", "limit": 10}, timeout=TIMEOUT
    )


def dispatch(clock: ScriptedClock, *, max_retries: int = 4) -> Workflow[RunView]:
    return workflows.dispatch(
        MODEL,
        PROMPT,
        settings(clock, max_retries=max_retries),
        client_ref=REF,
        callback_url=None,
        metadata=None,
        timeout=TIMEOUT,
    )


def subscription() -> CallbackSubscription:
    """A subscription on a receiver that is never started: the workflow only passes it to its effect."""
    return CallbackSubscription(CallbackReceiver(), "token", "http://127.0.0.1:9/callbacks/token")


def callback(status: str) -> CallbackPayload:
    return parse_callback(json.dumps({"run_id": RUN_ID, "status": status}).encode())


# ---- Dispatch: at most one run per call ----

AMBIGUOUS_FAILURES = [
    pytest.param(APIConnectionError("connection dropped", request_sent=True), id="dropped-connection"),
    pytest.param(APITimeoutError("timed out", request_sent=True), id="timeout"),
    pytest.param(answer(502, text=HTML_502), id="502"),
    pytest.param(answer(408), id="408"),
]


@pytest.mark.parametrize("failure", AMBIGUOUS_FAILURES)
def test_a_run_found_after_an_ambiguous_failure_is_not_dispatched_again(failure: object) -> None:
    clock = ScriptedClock()
    found = {"items": [run_json("queued")]}
    run = drive_scripted(
        dispatch(clock),
        [Step(dispatch_call(), failure), Step(Sleep(0.5)), Step(search_call(), answer(200, found))],
        clock,
    )
    assert (run.id, run.status, run.client_ref) == (RUN_ID, "queued", REF)
    assert run.dispatched_at == 1000.0  # the first attempt, which may be the one that created it


@pytest.mark.parametrize("failure", AMBIGUOUS_FAILURES)
def test_without_a_run_the_same_request_is_dispatched_again(failure: object) -> None:
    clock = ScriptedClock()
    run = drive_scripted(
        dispatch(clock),
        [
            Step(dispatch_call(), failure),
            Step(Sleep(0.5)),
            Step(search_call(), answer(200, {"items": []})),
            Step(dispatch_call(), answer(201, run_json("queued"))),
        ],
        clock,
    )
    assert run.id == RUN_ID


def test_a_search_result_with_another_ref_is_not_taken_for_ours() -> None:
    # A server that ignored the filter must not hand us someone else's run.
    clock = ScriptedClock()
    strangers = {"items": [run_json("queued", client_ref="someone-else"), {"client_ref": REF}]}
    run = drive_scripted(
        dispatch(clock),
        [
            Step(dispatch_call(), answer(503)),
            Step(Sleep(0.5)),
            Step(search_call(), answer(200, strangers)),
            Step(dispatch_call(), answer(201, run_json("queued"))),
        ],
        clock,
    )
    assert run.client_ref == REF


@pytest.mark.parametrize(
    ("failure", "delay"),
    [
        pytest.param(APIConnectionError("refused", request_sent=False), 0.5, id="refused-connection"),
        pytest.param(answer(429, headers={"Retry-After": "2"}), 2.0, id="429-retry-after"),
    ],
)
def test_failures_that_created_nothing_are_retried_without_a_lookup(failure: object, delay: float) -> None:
    clock = ScriptedClock()
    run = drive_scripted(
        dispatch(clock),
        [
            Step(dispatch_call(), failure),
            Step(Sleep(delay)),
            Step(dispatch_call(), answer(201, run_json("queued"))),
        ],
        clock,
    )
    assert run.id == RUN_ID
    assert run.dispatched_at == 1000.0 + delay  # the attempt that created it, not the refused one


def test_out_of_retries_an_ambiguous_failure_is_still_looked_up_without_waiting() -> None:
    clock = ScriptedClock()
    run = drive_scripted(
        dispatch(clock, max_retries=0),
        [
            Step(dispatch_call(), APIConnectionError("dropped", request_sent=True)),
            Step(search_call(), answer(200, {"items": [run_json("running")]})),
        ],
        clock,
    )
    assert run.status == "running"


def test_out_of_retries_without_a_run_the_failure_is_raised() -> None:
    clock = ScriptedClock()
    failure = APIConnectionError("dropped", request_sent=True)
    with pytest.raises(APIConnectionError) as caught:
        drive_scripted(
            dispatch(clock, max_retries=0),
            [Step(dispatch_call(), failure), Step(search_call(), answer(200, {"items": []}))],
            clock,
        )
    assert caught.value is failure


def test_a_failed_lookup_raises_the_dispatch_failure_caused_by_it() -> None:
    clock = ScriptedClock()
    failure = APIConnectionError("dropped", request_sent=True)
    with pytest.raises(APIConnectionError) as caught:
        drive_scripted(
            dispatch(clock),
            [Step(dispatch_call(), failure), Step(Sleep(0.5)), Step(search_call(), answer(401))],
            clock,
        )
    assert caught.value is failure
    assert isinstance(caught.value.__cause__, AuthenticationError)


def test_a_rejected_dispatch_is_raised_at_once() -> None:
    clock = ScriptedClock()
    rejected = answer(422, {"code": "VALIDATION_ERROR", "message": "bad size", "errors": []})
    with pytest.raises(ValidationError, match="bad size"):
        drive_scripted(dispatch(clock), [Step(dispatch_call(), rejected)], clock)


# ---- Retrying safe requests ----


def fetch(clock: ScriptedClock, *, max_retries: int = 4) -> Workflow[RunView]:
    return workflows.fetch_run(RUN_ID, settings(clock, max_retries=max_retries), timeout=None)


def test_get_retries_wait_as_long_as_the_server_asks() -> None:
    clock = ScriptedClock()
    in_seven_seconds = format_datetime(datetime.fromtimestamp(WALL_CLOCK + 7, tz=UTC), usegmt=True)
    view = drive_scripted(
        fetch(clock),
        [
            Step(get_run(), answer(503, headers={"Retry-After": "3"})),
            Step(Sleep(3.0)),
            Step(get_run(), answer(429, headers={"retry-after-ms": "250"})),
            Step(Sleep(0.25)),
            Step(get_run(), answer(503, headers={"Retry-After": in_seven_seconds})),
            Step(Sleep(7.0)),
            Step(get_run(), run_answer("running")),
        ],
        clock,
    )
    assert view.status == "running"
    assert clock.now == 1010.25


@pytest.mark.parametrize(
    ("status", "error"),
    [pytest.param(503, ServerError, id="503"), pytest.param(429, RateLimitError, id="429")],
)
def test_a_retry_after_above_the_cap_is_raised_without_waiting(status: int, error: type[Exception]) -> None:
    clock = ScriptedClock()
    with pytest.raises(error):
        drive_scripted(fetch(clock), [Step(get_run(), answer(status, headers={"Retry-After": "61"}))], clock)


def test_without_retry_after_gets_back_off_exponentially_then_give_up() -> None:
    clock = ScriptedClock()
    with pytest.raises(ServerError, match=r"^503"):
        drive_scripted(
            fetch(clock, max_retries=3),
            [
                Step(get_run(), answer(502, text=HTML_502)),
                Step(Sleep(0.5)),
                Step(get_run(), APIConnectionError("reset", request_sent=True)),
                Step(Sleep(1.0)),
                Step(get_run(), answer(500)),
                Step(Sleep(2.0)),
                Step(get_run(), answer(503)),
            ],
            clock,
        )


def test_a_missing_run_is_not_retried() -> None:
    with pytest.raises(NotFoundError):
        drive_scripted(fetch(ScriptedClock()), [Step(get_run(), answer(404))])


# ---- Waiting ----


def wait(
    clock: ScriptedClock,
    *,
    wait_timeout: float = 60.0,
    initial: RunView | None = None,
    subscription: CallbackSubscription | None = None,
    callback_grace: float = 20.0,
    seen: list[str | None] | None = None,
    raise_on_failure: bool = True,
    max_retries: int = 4,
    durations: RunDurations | None = None,
    model: KleinModel | None = None,
) -> Workflow[RunView]:
    return workflows.wait_for_run(
        RUN_ID,
        settings(clock, max_retries=max_retries, durations=durations),
        initial=initial,
        subscription=subscription,
        callback_grace=callback_grace,
        wait_timeout=wait_timeout,
        on_progress=None if seen is None else lambda view: seen.append(view.status),
        raise_on_failure=raise_on_failure,
        timeout=None,
        model=model,
    )


def test_polls_follow_the_schedule_until_the_run_succeeded() -> None:
    clock = ScriptedClock()
    seen: list[str | None] = []
    view = drive_scripted(
        wait(clock, seen=seen),
        [
            Step(Sleep(1.0)),
            Step(get_run(), run_answer("queued")),
            Step(Sleep(2.0)),
            Step(get_run(), run_answer("running")),
            Step(Sleep(4.0)),
            Step(get_run(), run_answer("running")),
            Step(Sleep(4.0)),
            Step(get_run(), run_answer("succeeded", output={"outputs": [{"url": "https://cdn.test/0.png"}]})),
        ],
        clock,
    )
    assert view.succeeded
    assert [output.url for output in view.outputs] == ["https://cdn.test/0.png"]
    assert seen == ["queued", "running", "succeeded"]  # each change once


def test_slow_polls_do_not_push_the_schedule_back() -> None:
    # Offsets count from the start of the wait: a poll that took 0.5 s shortens the next sleep.
    clock = ScriptedClock()
    drive_scripted(
        wait(clock),
        [
            Step(Sleep(1.0)),
            Step(get_run(), run_answer("running"), takes=0.5),
            Step(Sleep(1.5)),
            Step(get_run(), run_answer("succeeded")),
        ],
        clock,
    )


@pytest.mark.parametrize("status", ["failed", "canceled", "cancelled"])
def test_a_run_that_ended_badly_raises_run_failed_error(status: str) -> None:
    clock = ScriptedClock()
    ended = run_answer(status, failure_code="NSFW", failure_message="blocked")
    with pytest.raises(RunFailedError) as caught:
        drive_scripted(wait(clock), [Step(Sleep(1.0)), Step(get_run(), ended)], clock)
    assert (caught.value.run.status, caught.value.failure_code) == (status, "NSFW")


def test_a_failed_run_is_returned_when_asked_not_to_raise() -> None:
    clock = ScriptedClock()
    view = drive_scripted(
        wait(clock, raise_on_failure=False), [Step(Sleep(1.0)), Step(get_run(), run_answer("failed"))], clock
    )
    assert view.failed


def test_the_wait_gives_up_at_the_deadline_after_a_last_poll() -> None:
    clock = ScriptedClock()
    with pytest.raises(WaitTimeoutError) as caught:
        drive_scripted(
            wait(clock, wait_timeout=5.0),
            [
                Step(Sleep(1.0)),
                Step(get_run(), run_answer("queued")),
                Step(Sleep(2.0)),
                # requests are cut to end by the deadline plus the grace (the API timeout is 5 s)
                Step(get_run(Timeout(total=3.0, connect=1.0)), run_answer("running")),
                Step(Sleep(2.0)),  # cut from 4 s to end at the deadline
                Step(get_run(LAST_LOOK), run_answer("running")),
            ],
            clock,
        )
    assert (caught.value.run_id, caught.value.last_status, caught.value.waited) == (RUN_ID, "running", 5.0)


def test_transient_poll_failures_are_tolerated() -> None:
    clock = ScriptedClock()
    view = drive_scripted(
        wait(clock, max_retries=0),
        [
            Step(Sleep(1.0)),
            Step(get_run(), answer(503)),
            Step(Sleep(2.0)),
            Step(get_run(), APITimeoutError("timed out", request_sent=True)),
            Step(Sleep(4.0)),
            Step(get_run(), run_answer("succeeded")),
        ],
        clock,
    )
    assert view.succeeded


def test_a_poll_failure_at_the_deadline_is_the_cause_of_the_timeout() -> None:
    clock = ScriptedClock()
    with pytest.raises(WaitTimeoutError) as caught:
        drive_scripted(
            wait(clock, wait_timeout=3.0, max_retries=0),
            [
                Step(Sleep(1.0)),
                Step(get_run(Timeout(total=3.0, connect=1.0)), run_answer("running")),
                Step(Sleep(2.0)),
                Step(get_run(LAST_LOOK), answer(503)),
            ],
            clock,
        )
    assert caught.value.last_status == "running"
    assert isinstance(caught.value.__cause__, ServerError)


def test_a_poll_error_that_will_not_go_away_ends_the_wait() -> None:
    clock = ScriptedClock()
    with pytest.raises(NotFoundError):
        drive_scripted(wait(clock), [Step(Sleep(1.0)), Step(get_run(), answer(404))], clock)


def test_a_terminal_initial_state_needs_no_request() -> None:
    done = RunView.from_json(run_json("succeeded"))
    assert drive_scripted(wait(ScriptedClock(), initial=done), []) is done


def test_a_pending_initial_state_is_reported_before_the_first_poll() -> None:
    clock = ScriptedClock()
    seen: list[str | None] = []
    drive_scripted(
        wait(clock, initial=RunView.from_json(run_json("queued")), seen=seen),
        [Step(Sleep(1.0)), Step(get_run(), run_answer("succeeded"))],
        clock,
    )
    assert seen == ["queued", "succeeded"]


# ---- Waiting for a callback ----


def test_a_callback_ends_the_wait_with_one_confirming_get() -> None:
    clock = ScriptedClock()
    mailbox = subscription()
    view = drive_scripted(
        wait(clock, subscription=mailbox),
        [
            Step(AwaitCallback(mailbox, 20.0), callback("succeeded"), takes=3.0),
            Step(get_run(), run_answer("succeeded")),
        ],
        clock,
    )
    assert view.succeeded


def test_without_a_callback_within_the_grace_the_wait_polls() -> None:
    clock = ScriptedClock()
    mailbox = subscription()
    view = drive_scripted(
        wait(clock, subscription=mailbox),
        [
            Step(AwaitCallback(mailbox, 20.0), None, takes=20.0),
            Step(Sleep(1.0)),  # the poll schedule starts after the grace
            Step(get_run(), run_answer("succeeded")),
        ],
        clock,
    )
    assert view.succeeded


def test_a_callback_for_a_run_still_pending_falls_back_to_polling() -> None:
    clock = ScriptedClock()
    mailbox = subscription()
    drive_scripted(
        wait(clock, subscription=mailbox),
        [
            Step(AwaitCallback(mailbox, 20.0), callback("running"), takes=2.0),
            Step(get_run(), run_answer("running")),
            Step(Sleep(1.0)),
            Step(get_run(), run_answer("succeeded")),
        ],
        clock,
    )


def test_the_callback_grace_never_outlasts_the_wait() -> None:
    clock = ScriptedClock()
    mailbox = subscription()
    with pytest.raises(WaitTimeoutError):
        drive_scripted(
            wait(clock, subscription=mailbox, wait_timeout=5.0, callback_grace=20.0),
            [
                Step(AwaitCallback(mailbox, 5.0), None, takes=5.0),
                Step(get_run(LAST_LOOK), run_answer("running")),  # one last look, without sleeping
            ],
            clock,
        )


def scripted_core(clock: ScriptedClock, **options: Any) -> ClientCore:
    """A client core on the scripted clock; ``options`` override the settings the run tests share."""
    shared: dict[str, Any] = {
        "api_key": "test-key",
        "base_url": BASE_URL,
        "timeout": TIMEOUT,
        "max_retries": None,
        "retry": None,
        "poll": None,
        "inline_image_bytes": 1024,
    }
    return ClientCore(clock=clock, **{**shared, **options})


def klein_4b_run(core: ClientCore, **options: Any) -> Workflow[RunView]:
    """``core.run`` of the 4B model with PROMPT; ``options`` override the arguments the tests share."""
    shared: dict[str, Any] = {
        "images": (),
        "client_ref": REF,
        "metadata": None,
        "subscription": None,
        "callback_grace": 20.0,
        "wait_timeout": 60.0,
        "on_progress": None,
        "raise_on_failure": True,
        "timeout": 5.0,
    }
    return core.run("flux-2-klein-4b", PROMPT, **{**shared, **options})


# ---- run(): submit with the subscription's URL, then wait on it ----


def test_run_dispatches_with_the_callback_url_and_waits_for_that_callback() -> None:
    clock = ScriptedClock()
    core = scripted_core(clock)
    mailbox = subscription()
    workflow = klein_4b_run(core, subscription=mailbox)
    view = drive_scripted(
        workflow,
        [
            Step(dispatch_call(callback_url=mailbox.url), answer(201, run_json("queued"))),
            Step(AwaitCallback(mailbox, 20.0), callback("succeeded"), takes=1.0),
            Step(get_run(TIMEOUT), run_answer("succeeded")),
        ],
        clock,
    )
    assert view.succeeded


# ---- One deadline bounds everything ----


def test_a_retry_after_beyond_the_deadline_ends_the_wait_at_once() -> None:
    clock = ScriptedClock()
    with pytest.raises(WaitTimeoutError) as caught:
        drive_scripted(
            wait(clock, wait_timeout=5.0),
            [Step(Sleep(1.0)), Step(get_run(), answer(429, headers={"Retry-After": "60"}))],
            clock,
        )
    assert caught.value.run_id == RUN_ID
    assert isinstance(caught.value.__cause__, RateLimitError)
    assert clock.now == 1001.0  # no 60 s sleep, no sleep up to the deadline either


def test_backoff_that_would_pass_the_deadline_is_not_slept() -> None:
    clock = ScriptedClock()
    with pytest.raises(WaitTimeoutError) as caught:
        drive_scripted(
            wait(clock, wait_timeout=1.25),
            [
                Step(Sleep(1.0)),
                Step(get_run(Timeout(total=1.25, connect=1.0)), answer(503)),  # 0.5 s backoff: past 1.25 s
            ],
            clock,
        )
    assert isinstance(caught.value.__cause__, ServerError)


def test_a_hung_poll_gets_only_the_time_left_and_the_wait_ends_with_the_run_id() -> None:
    clock = ScriptedClock()
    with pytest.raises(WaitTimeoutError) as caught:
        drive_scripted(
            wait(clock, wait_timeout=2.0),
            [
                Step(Sleep(1.0)),
                Step(
                    get_run(Timeout(total=2.0, connect=1.0)),
                    APITimeoutError("timed out", request_sent=True),
                    takes=2.0,  # the request used its whole budget: the deadline plus the grace
                ),
            ],
            clock,
        )
    assert (caught.value.run_id, caught.value.last_status) == (RUN_ID, None)
    assert isinstance(caught.value.__cause__, APITimeoutError)


def test_run_bounds_the_dispatch_too_and_says_there_is_no_run_id_yet() -> None:
    clock = ScriptedClock()
    core = scripted_core(clock, retry=RetryPolicy(jitter=lambda: 0.0))
    workflow = klein_4b_run(core, wait_timeout=3.0, timeout=None)
    refused = APIConnectionError("connection refused", request_sent=False)
    bounded = ApiCall(
        operation=MODEL.operation, kwargs=dispatch_call().kwargs, timeout=Timeout(total=4.0, connect=1.0)
    )
    with pytest.raises(WaitTimeoutError) as caught:
        drive_scripted(
            workflow,
            [
                Step(bounded, refused, takes=1.0),
                Step(Sleep(0.5)),
                Step(
                    ApiCall(
                        operation=MODEL.operation,
                        kwargs=dispatch_call().kwargs,
                        timeout=Timeout(total=2.5, connect=1.0),
                    ),
                    refused,
                    takes=1.0,  # 2.5 s: the next backoff (1 s) would pass the deadline (3 s)
                ),
            ],
            clock,
        )
    assert (caught.value.run_id, caught.value.client_ref) == (None, REF)
    assert f"a run may have been created (look it up by client_ref {REF})" in str(caught.value)


def test_run_generates_the_client_ref_it_reports_when_the_dispatch_is_never_answered() -> None:
    clock = ScriptedClock()
    core = scripted_core(clock, retry=RetryPolicy(jitter=lambda: 0.0))
    workflow = klein_4b_run(core, client_ref=None, wait_timeout=0.25, timeout=None)
    sent = next(workflow)
    assert isinstance(sent, ApiCall)
    ref = sent.kwargs["body"].client_ref
    assert ref.startswith("rk-")
    with pytest.raises(WaitTimeoutError) as caught:  # timed out: the 0.5 s backoff would pass the deadline
        workflow.throw(APITimeoutError("timed out", request_sent=True))
    assert (caught.value.run_id, caught.value.client_ref) == (None, ref)
    assert ref in str(caught.value)


# ---- Waiting that learns ----


def at(seconds: float) -> str:
    """A server timestamp ``seconds`` after the run was created."""
    return f"2026-11-21T10:00:{seconds:06.3f}+00:00"


def finished(seconds: float, *, started: float | None = None, model_id: str | None = None) -> ApiResult:
    extra = {} if started is None else {"started_at": at(started)}
    return run_answer("succeeded", created_at=at(0), completed_at=at(seconds), model_id=model_id, **extra)


KEY = MODEL.id  # what durations are kept under: the model's full id, for run() and wait() alike


def dispatched(clock: ScriptedClock, *, ago: float = 0.0, **fields: object) -> RunView:
    """The queued run ``submit()`` returned, dispatched ``ago`` seconds before now."""
    return replace(RunView.from_json(run_json("queued", **fields)), dispatched_at=clock.now - ago)


def test_a_finished_run_teaches_the_next_wait_of_its_model_where_to_poll() -> None:
    durations = RunDurations({KEY: [4.0, 6.0]})  # window: 2-8 s, polls at 3.5, 5, 6.5, 8 s
    clock = ScriptedClock()
    drive_scripted(
        wait(clock, durations=durations, model=MODEL, initial=dispatched(clock)),
        [
            Step(Sleep(3.5)),
            Step(get_run(), run_answer("running")),
            Step(Sleep(1.5)),
            Step(get_run(), finished(4.9)),
        ],
        clock,
    )
    assert durations.samples() == {KEY: [4.0, 6.0, 4.9]}


@pytest.mark.parametrize("field", ["model_id", "model"])
def test_the_model_is_taken_from_the_run_when_it_names_its_slug(field: str) -> None:
    durations = RunDurations()
    clock = ScriptedClock()
    drive_scripted(
        wait(clock, durations=durations),
        [
            Step(Sleep(1.0)),
            Step(
                get_run(),
                run_answer(
                    "succeeded",
                    created_at=at(0),
                    completed_at=at(0.8),
                    **{field: "black-forest-labs/flux-2-klein-4b"},
                ),
            ),
        ],
        clock,
    )
    assert durations.samples() == {KEY: [0.8]}  # the key run() uses, not whatever the run said


def test_a_run_naming_its_model_by_uuid_teaches_nothing_and_is_waited_cold() -> None:
    # The spec's model_id is the model's UUID: no key run() would share, so no window either.
    durations = RunDurations({KEY: [4.0, 6.0]})
    clock = ScriptedClock()
    model_uuid = str(uuid.uuid4())
    drive_scripted(
        wait(clock, durations=durations, initial=dispatched(clock, model_id=model_uuid)),
        [Step(Sleep(1.0)), Step(get_run(), finished(0.8, model_id=model_uuid))],
        clock,
    )
    assert durations.samples() == {KEY: [4.0, 6.0]}


def test_a_run_without_timestamps_teaches_nothing() -> None:
    durations = RunDurations()
    clock = ScriptedClock()
    drive_scripted(
        wait(clock, durations=durations, model=MODEL),
        [Step(Sleep(1.0)), Step(get_run(), run_answer("succeeded"))],
        clock,
    )
    assert durations.samples() == {}


def test_a_finished_run_teaches_its_running_time_apart_from_its_queueing() -> None:
    durations = RunDurations()
    clock = ScriptedClock()
    drive_scripted(
        wait(clock, durations=durations, model=MODEL),
        [Step(Sleep(1.0)), Step(get_run(), finished(0.9, started=0.25))],
        clock,
    )
    assert durations.samples() == {KEY: [0.9], f"{KEY} running": [0.65]}


# ---- A wait that starts after the dispatch: the learned window counts from the dispatch ----

# Runs of the model end 32-38 s after their dispatch: polls at 33.5, 35, 36.5, 38 s after it.
SLOW = {KEY: [34.0, 36.0]}


def test_a_wait_that_starts_late_polls_the_learned_window_from_the_dispatch() -> None:
    clock = ScriptedClock()
    drive_scripted(
        wait(clock, durations=RunDurations(SLOW), model=MODEL, initial=dispatched(clock, ago=30.0)),
        [
            Step(Sleep(3.5)),  # 33.5 s after the dispatch, not 33.5 s after the wait started
            Step(get_run(), run_answer("running")),
            Step(Sleep(1.5)),
            Step(get_run(), finished(35.0)),
        ],
        clock,
    )


def test_a_wait_that_starts_after_the_learned_window_polls_by_the_cold_plan() -> None:
    clock = ScriptedClock()
    drive_scripted(
        wait(clock, durations=RunDurations(SLOW), model=MODEL, initial=dispatched(clock, ago=60.0)),
        [
            Step(Sleep(1.0)),
            Step(get_run(), run_answer("running")),
            Step(Sleep(2.0)),
            Step(get_run(), run_answer("running")),
            Step(Sleep(4.0)),
            Step(get_run(), run_answer("succeeded")),
        ],
        clock,
    )


def test_a_bare_run_id_is_polled_cold_whatever_was_learned() -> None:
    # When the run was dispatched is unknown on our clock (its created_at is the server's), and a
    # window placed at the wait's start could put the polls long after the run ended.
    clock = ScriptedClock()
    drive_scripted(
        wait(clock, durations=RunDurations(SLOW), model=MODEL),
        [
            Step(Sleep(1.0)),
            Step(get_run(), run_answer("running")),  # nothing bounds its start: the plan stays
            Step(Sleep(2.0)),
            Step(get_run(), finished(3.0)),
        ],
        clock,
    )


def test_run_polls_the_learned_window_from_its_dispatch_after_the_callback_grace() -> None:
    clock = ScriptedClock()
    core = scripted_core(
        clock,
        poll=PollSchedule(first=1.0, growth=2.0, max_interval=4.0),
        durations=RunDurations({KEY: [24.0, 26.0]}),  # polls 23.5, 25, 26.5, 28 s after the dispatch
    )
    mailbox = subscription()
    workflow = klein_4b_run(core, subscription=mailbox)
    drive_scripted(
        workflow,
        [
            Step(dispatch_call(callback_url=mailbox.url), answer(201, run_json("queued")), takes=0.5),
            Step(AwaitCallback(mailbox, 20.0), None, takes=20.0),
            Step(Sleep(3.0)),  # 23.5 s after the dispatch was sent
            Step(get_run(TIMEOUT), finished(23.5)),
        ],
        clock,
    )


# Queueing varies a lot (total 6-14 s: polls at 5.5, 11, 16.5, 22 s) but the model runs 5 s (window
# 4.875-5.125 s: polls 0.0625 s apart), so once the run is seen started the polls move next to its end.
QUEUE_BOUND = {KEY: [6.0, 14.0], f"{KEY} running": [5.0, 5.0]}


def test_once_the_run_started_the_polls_go_to_its_start_plus_the_learned_running_time() -> None:
    clock = ScriptedClock()
    drive_scripted(
        wait(clock, durations=RunDurations(QUEUE_BOUND), model=MODEL, initial=dispatched(clock)),
        [
            Step(Sleep(5.5)),
            # queued for 3 s by the server's clock: it started at 3 s on ours, so it ends at 7.875-8.125 s
            Step(get_run(), run_answer("running", created_at=at(0), started_at=at(3))),
            Step(Sleep(2.4375)),
            Step(get_run(), run_answer("running", created_at=at(0), started_at=at(3))),
            Step(Sleep(0.0625)),
            Step(get_run(), finished(8.0, started=3.0)),
        ],
        clock,
    )


def test_without_started_at_the_polls_cover_every_start_the_polls_saw_possible() -> None:
    # Queued at 0 (the dispatch), running at 5.5 s: it ends between 0 + 4.875 and 5.5 + 5.125 s, so four
    # polls over 4.875-10.625 s; those before now are skipped.
    clock = ScriptedClock()
    drive_scripted(
        wait(clock, durations=RunDurations(QUEUE_BOUND), model=MODEL, initial=dispatched(clock)),
        [
            Step(Sleep(5.5)),
            Step(get_run(), run_answer("running")),
            Step(Sleep(0.8125)),  # 6.3125 s
            Step(get_run(), run_answer("running")),
            Step(Sleep(1.4375)),  # 7.75 s
            Step(get_run(), finished(7.5)),
        ],
        clock,
    )


def test_a_pending_answers_retry_after_sets_the_next_poll() -> None:
    clock = ScriptedClock()
    drive_scripted(
        wait(clock),
        [
            Step(Sleep(1.0)),
            Step(get_run(), answer(200, run_json("running"), headers={"Retry-After": "5"})),
            Step(Sleep(5.0)),  # not 2 s: the server said when to look again
            Step(get_run(), run_answer("running")),
            Step(Sleep(1.0)),  # back on the schedule: 7 s (3 s was skipped)
            Step(get_run(), run_answer("succeeded")),
        ],
        clock,
    )


def test_a_retry_after_of_zero_does_not_become_a_busy_loop() -> None:
    clock = ScriptedClock()
    drive_scripted(
        wait(clock),
        [
            Step(Sleep(1.0)),
            Step(get_run(), answer(200, run_json("running"), headers={"Retry-After": "0"})),
            Step(Sleep(0.25)),
            Step(get_run(), run_answer("succeeded")),
        ],
        clock,
    )


def test_a_pending_answers_retry_after_is_bounded_by_the_deadline() -> None:
    clock = ScriptedClock()
    with pytest.raises(WaitTimeoutError) as caught:
        drive_scripted(
            wait(clock, wait_timeout=4.0),
            [
                Step(Sleep(1.0)),
                Step(
                    get_run(Timeout(total=4.0, connect=1.0)),
                    answer(200, run_json("running"), headers={"Retry-After": "60"}),
                ),
                Step(Sleep(3.0)),  # to the deadline, not 60 s
                Step(get_run(LAST_LOOK), run_answer("running")),
            ],
            clock,
        )
    assert caught.value.waited == 4.0
