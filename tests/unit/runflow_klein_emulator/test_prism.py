"""Prism as an independent validating proxy in front of the emulator.

``prism proxy --errors`` checks every request and response against the spec and turns a
response violation into a ``500 application/problem+json`` (with an ``sl-violations`` header),
so a clean answer here is a second, non-Python opinion that the emulator honours the contract.
Prism only starts once ``contract_spec`` has confirmed the file has no remote references, which
Prism would try to download.

Requests Prism itself rejects (a missing token, a body the spec forbids) never reach the
emulator, so the 401/422 cases here use failures only the emulator can see: a wrong key, a
filter the emulator does not support, a redelivery conflict.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator

import httpx
import pytest
from runflow_klein_emulator import EmulatorConfig, running
from runflow_klein_pipeline.layout import COMPOSED_SPEC, NODE_TOOLS_DIR

from .support import API_KEY, AUTH, KLEIN_4B, KLEIN_ROUTES, TERMINAL, contract_spec, wait_until

PRISM = NODE_TOOLS_DIR / "node_modules" / ".bin" / "prism"
pytestmark = [
    pytest.mark.node_tools,
    pytest.mark.skipif(
        not PRISM.exists() or shutil.which("node") is None,
        reason="Prism is not installed under tools/node (nox -s tests installs it)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    contract_spec()  # raises if Prism would have to go online to resolve the spec
    port = _free_port()
    with running(EmulatorConfig(run_seconds=0.2, api_key=API_KEY)) as upstream:
        command = [
            str(PRISM),
            "proxy",
            str(COMPOSED_SPEC),
            upstream,
            "-p",
            str(port),
            "-h",
            "127.0.0.1",
            "--errors",
        ]
        prism = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=url, timeout=1) as probe:
                wait_until(
                    lambda: _answers(probe) or prism.poll() is not None, timeout=30, what="Prism to listen"
                )
            if prism.poll() is not None:
                pytest.fail(f"Prism exited with status {prism.returncode}")
            yield url
        finally:
            prism.terminate()
            try:
                prism.wait(10)
            except subprocess.TimeoutExpired:
                prism.kill()
                prism.wait()


def _answers(probe: httpx.Client) -> bool:
    try:
        return probe.get("/v1/health").status_code == 200
    except httpx.TransportError:
        return False


def _clean(response: httpx.Response) -> httpx.Response:
    """Fail if Prism found a contract violation in the emulator's answer."""
    assert "sl-violations" not in response.headers, response.headers["sl-violations"]
    assert response.headers["content-type"] != "application/problem+json", response.text
    return response


@pytest.fixture
def proxy(prism_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=prism_url, headers=AUTH, timeout=10) as client:
        yield client


@pytest.mark.parametrize("operation", sorted(KLEIN_ROUTES))
def test_each_klein_model_runs_to_success_through_prism(proxy: httpx.Client, operation: str) -> None:
    path, model_input = KLEIN_ROUTES[operation]
    ref = f"prism-{uuid.uuid4()}"
    run = _clean(proxy.post(path, json={"input": model_input, "client_ref": ref})).json()
    assert run["status_code"] == "queued"

    def finished() -> bool:
        current = _clean(proxy.get(f"/v1/runs/{run['id']}")).json()
        return current["status_code"] in TERMINAL

    wait_until(finished, what="the run to finish")
    listed = _clean(proxy.get("/v1/runs", params={"q": f"client_ref.EQ:'{ref}'", "limit": 5})).json()
    assert [item["id"] for item in listed["items"]] == [run["id"]]
    assert listed["items"][0]["status_code"] == "succeeded"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/run/black-forest-labs/flux-2-klein-4b", {"prompt": "p", "num_images": 2}),
        (
            "/v1/run/black-forest-labs/flux-2-klein-9b/edit",
            {"prompt": "p", "image_urls": ["https://example.com/a.png"]},
        ),
    ],
)
def test_legacy_routes_through_prism(proxy: httpx.Client, path: str, body: dict[str, object]) -> None:
    images = _clean(proxy.post(path, json=body)).json()["images"]
    assert len(images) == body.get("num_images", 1)


def test_documented_errors_through_prism(proxy: httpx.Client) -> None:
    wrong_key = _clean(proxy.get("/v1/auth/me", headers={"Authorization": "Bearer wrong"}))
    assert wrong_key.status_code == 401
    unknown = _clean(proxy.get(f"/v1/runs/{uuid.uuid4()}"))
    assert unknown.status_code == 404
    unsupported_filter = _clean(proxy.get("/v1/runs", params={"q": "cost:1"}))
    assert unsupported_filter.status_code == 422
    queued = _clean(
        proxy.post(KLEIN_4B, json={"input": {"prompt": "p"}, "callback_url": "http://127.0.0.1:9/"})
    )
    conflict = _clean(proxy.post(f"/v1/runs/{queued.json()['id']}/callback-redeliveries"))
    assert conflict.status_code == 422
    assert conflict.json()["errors"][0]["type"] == "conflict"


def test_prism_rejects_what_the_spec_forbids_before_the_emulator(proxy: httpx.Client) -> None:
    # Prism answers these itself (problem+json); the point is that neither side errs with a 500.
    assert proxy.post(KLEIN_4B, json={"input": {}}).status_code == 422
    assert proxy.get("/v1/runs/not-a-uuid").status_code == 422
