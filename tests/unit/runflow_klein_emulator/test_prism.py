"""Prism as an independent validating proxy in front of the emulator.

``prism proxy --errors`` checks every request and response against the spec and turns a
response violation into a ``500 application/problem+json`` (with an ``sl-violations`` header);
an undocumented status passes through, flagged only in ``sl-violations``. So a clean answer here
is a second, non-Python opinion that the emulator honours the contract (and the last test shows
Prism does object to a bad answer).
Prism only starts once ``contract_spec`` has confirmed the file has no remote references, which
Prism would try to download.

Requests Prism itself rejects (a missing token, a body the spec forbids) never reach the
emulator, so the 401/422 cases here use failures only the emulator can see: a wrong key, a
filter the emulator does not support, a redelivery conflict.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from runflow_klein_emulator import EmulatorConfig, running
from runflow_klein_pipeline.layout import COMPOSED_SPEC, NODE_TOOLS_DIR
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from runflow_klein.serving import serve_in_thread

from .support import (
    API_KEY,
    AUTH,
    KLEIN_4B,
    KLEIN_ROUTES,
    TERMINAL,
    OutputWatcher,
    contract_spec,
    wait_until,
)

PRISM = NODE_TOOLS_DIR / "node_modules" / ".bin" / "prism"
# Skipped outside CI when tools/node is not installed, failed under CI (tests/plugins/node_tools.py).
pytestmark = pytest.mark.node_tools
_STARTUP_SECONDS = 30.0


@contextmanager
def _prism(upstream: str) -> Iterator[str]:
    """Run ``prism proxy --errors`` in front of ``upstream`` for the block; yield Prism's base URL.

    Prism is told ``-p 0`` and its URL is read from its "Prism is listening on" line: the port is bound
    by Prism itself, so no other process can take it between being chosen and being listened on (a port
    probed free, closed and handed over leaves exactly that gap). The line also says Prism is ready, so
    nothing polls.
    """
    contract_spec()  # raises if Prism would have to go online to resolve the spec
    command = [str(PRISM), "proxy", str(COMPOSED_SPEC), upstream, "-p", "0", "-h", "127.0.0.1", "--errors"]
    prism = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert prism.stdout is not None
    output = OutputWatcher(prism.stdout)
    try:
        yield output.wait_for(r"Prism is listening on (http://\S+)", timeout=_STARTUP_SECONDS).group(1)
    finally:
        prism.terminate()
        try:
            prism.wait(10)
        except subprocess.TimeoutExpired:
            prism.kill()
            prism.wait()


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    with running(EmulatorConfig(run_seconds=0.2, api_key=API_KEY)) as upstream, _prism(upstream) as url:
        yield url


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


def test_prism_flags_responses_that_break_the_spec() -> None:
    """The clean answers above mean something only if Prism objects to a bad one.

    A tiny upstream answers health with ``ok`` as a string (the spec says boolean) and readiness with an
    undocumented 520. With ``--errors`` Prism replaces the first with its violation report (500,
    ``application/problem+json``) and passes the second on flagged in ``sl-violations``; ``_clean``,
    which every other test relies on, must reject both.
    """

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": "yes"})

    async def readiness(request: Request) -> Response:
        return Response("<html>oops</html>", status_code=520, media_type="text/html")

    upstream_app = Starlette(routes=[Route("/v1/health", health), Route("/v1/readiness", readiness)])
    with (
        serve_in_thread(upstream_app) as upstream,
        _prism(upstream) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        wrong_body = client.get("/v1/health")
        undocumented_status = client.get("/v1/readiness")

    assert wrong_body.status_code == 500
    assert wrong_body.headers["content-type"] == "application/problem+json"
    assert wrong_body.json()["type"] == "https://stoplight.io/prism/errors#VIOLATIONS"
    [violation] = json.loads(wrong_body.headers["sl-violations"])
    assert violation["location"] == ["response", "body", "ok"]
    assert violation["severity"] == "Error"
    assert undocumented_status.status_code == 520
    [warning] = json.loads(undocumented_status.headers["sl-violations"])
    assert "status code" in warning["message"]
    for response in (wrong_body, undocumented_status):
        with pytest.raises(AssertionError):
            _clean(response)
