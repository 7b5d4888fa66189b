"""Fault injection: error statuses, rate limits, HTML pages, truncated JSON, hangs and drops."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from runflow_klein_emulator import EmulatorConfig, Fault, create_app, running

from .support import API_KEY, KLEIN_4B, api_client, assert_conforms, wait_for_run, wait_until

UNKNOWN_RUN = f"/v1/runs/{uuid.uuid4()}"


@pytest.fixture
def raw(emulator_url: str) -> Iterator[httpx.Client]:
    """A client that does not check conformance (faults break the contract on purpose)."""
    with api_client(emulator_url, checked=False) as api:
        yield api
        api.delete("/__emulator/faults")


def _inject(client: httpx.Client, **fault: Any) -> None:
    response = client.post("/__emulator/faults", json=fault)
    assert response.status_code == 201, response.text


def test_status_fault_hits_the_next_n_requests_only(raw: httpx.Client) -> None:
    _inject(raw, kind="status", status=503, operation="get_run", count=2)
    statuses = [raw.get(UNKNOWN_RUN).status_code for _ in range(3)]
    assert statuses == [503, 503, 404]
    assert raw.get("/__emulator/faults").json() == {"faults": []}


def test_documented_503_still_conforms_but_520_does_not(raw: httpx.Client) -> None:
    _inject(raw, kind="status", status=503, operation="get_run")
    _inject(raw, kind="status", status=520, operation="get_run")
    unavailable = raw.get(UNKNOWN_RUN)
    assert unavailable.json()["code"] == "SERVICE_UNAVAILABLE"
    assert_conforms(unavailable)
    unknown = raw.get(UNKNOWN_RUN)
    assert unknown.status_code == 520
    assert unknown.json()["code"] == "UNKNOWN_ERROR"
    with pytest.raises(AssertionError, match="Undocumented"):
        assert_conforms(unknown)


def test_rate_limit_carries_retry_after(raw: httpx.Client) -> None:
    _inject(raw, kind="rate_limit", retry_after=3, operation="create_flux_2_klein_4b_run")
    response = raw.post(KLEIN_4B, json={"input": {"prompt": "p"}})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert response.json()["code"] == "RATE_LIMITED"


def test_html_error_page(raw: httpx.Client) -> None:
    _inject(raw, kind="html", operation="get_run")
    response = raw.get(UNKNOWN_RUN)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>502 Bad Gateway</title>" in response.text


def test_truncated_json_is_complete_http_but_broken_json(raw: httpx.Client) -> None:
    run = raw.post(KLEIN_4B, json={"input": {"prompt": "p"}}).json()
    _inject(raw, kind="truncated_json", operation="get_run")
    response = raw.get(f"/v1/runs/{run['id']}")
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.content.startswith(b'{"id":')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_wildcard_matches_documented_operations_but_never_the_admin_routes(raw: httpx.Client) -> None:
    _inject(raw, kind="status", status=500, operation="*")
    assert raw.get("/__emulator/faults").json()["faults"][0]["remaining"] == 1
    assert raw.get("/v1/health").status_code == 500
    assert raw.get("/v1/health").status_code == 200


def test_emulator_file_routes_can_be_faulted(raw: httpx.Client) -> None:
    run = raw.post(KLEIN_4B, json={"input": {"prompt": "p"}}).json()
    url = wait_for_run(raw, run["id"])["output"]["outputs"][0]["url"]
    _inject(raw, kind="status", status=503, operation="download_output")
    assert raw.get(url).status_code == 503
    assert raw.get(url).status_code == 200


def test_hang_until_the_client_gives_up(raw: httpx.Client) -> None:
    _inject(raw, kind="hang", operation="get_health")
    with pytest.raises(httpx.ReadTimeout):
        raw.get("/v1/health", timeout=0.3)
    assert raw.get("/v1/health").status_code == 200


def test_dropped_dispatch_after_processing_is_ambiguous_but_recoverable(raw: httpx.Client) -> None:
    ref = f"drop-{uuid.uuid4()}"
    _inject(raw, kind="drop", process=True, operation="create_flux_2_klein_4b_run")
    with pytest.raises(httpx.TransportError):
        raw.post(KLEIN_4B, json={"input": {"prompt": "p"}, "client_ref": ref})
    found = raw.get("/v1/runs", params={"q": f"client_ref.EQ:'{ref}'"}).json()["items"]
    assert len(found) == 1


def test_drop_before_processing_creates_nothing(raw: httpx.Client) -> None:
    ref = f"drop-{uuid.uuid4()}"
    _inject(raw, kind="drop", operation="create_flux_2_klein_4b_run")
    with pytest.raises(httpx.TransportError):
        raw.post(KLEIN_4B, json={"input": {"prompt": "p"}, "client_ref": ref})
    assert raw.get("/v1/runs", params={"q": f"client_ref.EQ:'{ref}'"}).json()["items"] == []


def test_status_after_processing_still_creates_the_run(raw: httpx.Client) -> None:
    ref = f"late-{uuid.uuid4()}"
    _inject(raw, kind="status", status=502, process=True, operation="create_flux_2_klein_4b_run")
    assert raw.post(KLEIN_4B, json={"input": {"prompt": "p"}, "client_ref": ref}).status_code == 502
    assert len(raw.get("/v1/runs", params={"q": f"client_ref.EQ:'{ref}'"}).json()["items"]) == 1


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "explode"},
        {"kind": "status", "count": 0},
        {"kind": "status", "colour": "red"},
        {"status": 500},
        [],
    ],
)
def test_invalid_faults_are_rejected(raw: httpx.Client, fault: Any) -> None:
    response = raw.post("/__emulator/faults", json=fault)
    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_FAULT"
    assert raw.get("/__emulator/faults").json() == {"faults": []}


def test_faults_from_the_config_apply_from_the_first_request() -> None:
    config = EmulatorConfig(run_seconds=0, faults=(Fault(kind="status", status=502, operation="get_health"),))
    with running(config) as url, api_client(url, checked=False) as api:
        assert [api.get("/v1/health").status_code for _ in range(2)] == [502, 200]


def test_stopping_the_server_releases_a_hanging_request(caplog: pytest.LogCaptureFixture) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool, httpx.Client() as hanging:
        config = EmulatorConfig(run_seconds=0, api_key=API_KEY)
        with running(config) as url, api_client(url, checked=False) as api:
            _inject(api, kind="hang", hang_seconds=60, operation="get_health")
            pending = pool.submit(hanging.get, f"{url}/v1/health", timeout=30)
            wait_until(lambda: not api.get("/__emulator/faults").json()["faults"], what="the hang to start")
        with pytest.raises(httpx.TransportError):
            pending.result(timeout=10)
    # Without the release, uvicorn would wait out its graceful-shutdown timeout and cancel the task.
    assert "graceful shutdown exceeded" not in caplog.text


def test_without_a_socket_a_drop_surfaces_as_connection_aborted() -> None:
    app = create_app(EmulatorConfig(run_seconds=0, faults=(Fault(kind="drop", operation="get_health"),)))

    async def call_twice() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            with pytest.raises(ConnectionAbortedError):
                await client.get("/v1/health")
            return (await client.get("/v1/health")).json()

    assert asyncio.run(call_twice()) == {"ok": True}


@pytest.mark.parametrize(
    "options",
    [{"kind": "drop", "count": 0}, {"kind": "status", "status": 99}, {"kind": "hang", "hang_seconds": 0}],
)
def test_fault_values_are_validated(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        Fault(**options)


@pytest.mark.parametrize(
    "options",
    [{"run_seconds": -1}, {"fail_rate": 1.5}, {"api_key": ""}, {"callback_retry_delays": (-1.0,)}],
)
def test_config_values_are_validated(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        EmulatorConfig(**options)
