"""AsyncKleinClient: the same behaviour as the sync client, awaited."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from runflow_klein_emulator.scripted_api import API_KEY, FakeRunflow, Fault, png_bytes

from runflow_klein import (
    AsyncKleinClient,
    CallbackReceiver,
    NotFoundError,
    RunFailedError,
    ServerError,
    WaitTimeoutError,
)

from .conftest import FakeTime

pytestmark = pytest.mark.anyio
PROMPT = {"prompt": "an owl"}


async def test_run_waits_and_downloads(
    async_client: AsyncKleinClient, fake: FakeRunflow, tmp_path: Path
) -> None:
    seen: list[str | None] = []
    run = await async_client.run("flux-2-klein-4b", PROMPT, on_progress=lambda view: seen.append(view.status))
    assert seen == ["queued", "running", "succeeded"]
    path = await async_client.download(run.outputs[0], directory=tmp_path, stem="owl")
    assert path.read_bytes() == png_bytes()
    assert "authorization" not in fake.calls("GET", "/files/")[0].headers


async def test_dropped_dispatch_is_reconciled_not_repeated(
    async_client: AsyncKleinClient, fake: FakeRunflow
) -> None:
    fake.inject("dispatch", Fault.drop(created=True))
    run = await async_client.run("flux-2-klein-9b", PROMPT)
    assert run.succeeded
    assert list(fake.runs) == [run.id]
    assert fake.count("POST", "/v1/models/") == 1


async def test_hung_dispatch_is_reconciled(async_client: AsyncKleinClient, fake: FakeRunflow) -> None:
    fake.inject("dispatch", Fault.hang(created=True))
    run = await async_client.submit("flux-2-klein-4b", PROMPT, timeout=0.3)
    assert list(fake.runs) == [run.id]


async def test_failed_runs_raise(async_client: AsyncKleinClient, fake: FakeRunflow) -> None:
    fake.script = ("queued", "canceled")
    with pytest.raises(RunFailedError) as caught:
        await async_client.run("flux-2-klein-4b", PROMPT)
    assert caught.value.run.status == "canceled"


async def test_errors_map_to_the_same_classes(async_client: AsyncKleinClient, fake: FakeRunflow) -> None:
    with pytest.raises(NotFoundError):
        await async_client.get_run("0192b7a4-5f3e-7c1d-9a2b-000000000000")
    fake.inject(
        "get_run",
        *[Fault.status_code(520, "<html><title>520: Web server is returning an unknown error</title></html>")]
        * 5,
    )
    with pytest.raises(ServerError, match="520") as caught:
        await async_client.get_run("0192b7a4-5f3e-7c1d-9a2b-000000000000")
    assert caught.value.status_code == 520


async def test_wait_timeout_uses_the_injected_clock(
    async_client: AsyncKleinClient, fake: FakeRunflow, fake_time: FakeTime
) -> None:
    fake.script = ("queued",)
    submitted = await async_client.submit("flux-2-klein-4b", PROMPT)
    with pytest.raises(WaitTimeoutError):
        await async_client.wait(submitted, wait_timeout=3.0)
    assert sum(fake_time.sleeps) == pytest.approx(3.0)


async def test_callback_driven_wait(async_client: AsyncKleinClient, fake: FakeRunflow) -> None:
    fake.callback_immediately = True
    with CallbackReceiver() as receiver:
        run = await async_client.run("flux-2-klein-4b", PROMPT, callback=receiver, callback_grace=30)
    assert run.succeeded
    assert fake.count("GET", f"/v1/runs/{run.id}") == 1


async def test_temporary_receiver_falls_back_to_polling(
    async_client: AsyncKleinClient, fake: FakeRunflow
) -> None:
    run = await async_client.run("flux-2-klein-4b", PROMPT, callback=True, callback_grace=0.01)
    assert run.succeeded
    (dispatch,) = fake.calls("POST", "/v1/models/")
    assert json.loads(dispatch.body)["callback_url"].startswith("http://127.0.0.1:")


async def test_local_images_are_read_off_the_event_loop(
    async_client: AsyncKleinClient, fake: FakeRunflow, tmp_path: Path
) -> None:
    path = tmp_path / "in.png"
    path.write_bytes(png_bytes())
    await async_client.submit("flux-2-klein-4b/edit", PROMPT, images=[path])
    (call,) = fake.calls("POST", "/v1/models/")
    assert json.loads(call.body)["input"]["image_urls"][0].startswith("data:image/png;base64,")


async def test_mock_transport_works_with_the_async_client() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"id": "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b", "status_code": "running"}
        )

    async with AsyncKleinClient(
        api_key=API_KEY, base_url="https://api.runflow.test", transport=httpx.MockTransport(handler)
    ) as client:
        run = await client.get_run("0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b")
    assert run.status == "running"
