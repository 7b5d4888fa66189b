"""Cassettes that vcrpy records itself (live record mode) are checked like the seed cassettes.

A throwaway HTTP server on 127.0.0.1 (port 0, stopped by the fixture) plays the API; the generated
client calls it under ``vcr.use_cassette(record_mode="all")``, so the cassette on disk is exactly what
a live recording session writes: header lists, a gzip ``!!binary`` body, vcrpy's own key order.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import vcr
from runflow_klein_pipeline.recordings.check import RecordingSpec, check_paths, load_cassette

from tests.contract.support.client import call, make_client
from tests.contract.support.recordings import committed_interactions

SUCCEEDED = next(i for i in committed_interactions() if i.cassette == "get_run.yaml" and i.index == 3)
RUN_ID = SUCCEEDED.path.rsplit("/", 1)[1]
BROKEN_RUN_ID = "0196a4f2-8c1e-7b3a-9d2e-5f6a7b8c9d99"


class _FakeApi(BaseHTTPRequestHandler):
    """GET /v1/runs/{id}: the recorded succeeded run, gzip-encoded; for BROKEN_RUN_ID with a bad status."""

    def do_GET(self) -> None:
        body = SUCCEEDED.response_body
        if self.path.endswith(BROKEN_RUN_ID):
            body = body.replace(b'"status_code": "succeeded"', b'"status_code": "done"')
        payload = gzip.compress(body, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        return


@pytest.fixture
def api_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _record(spec: RecordingSpec, api_url: str, cassette: Path, run_ids: list[str], **options: object) -> None:
    operation = spec.resolve("GET", f"/v1/runs/{RUN_ID}").operation
    assert operation is not None
    client = make_client(None, base_url=api_url)
    with vcr.VCR(record_mode="all", **options).use_cassette(str(cassette)):
        for run_id in run_ids:
            response = call(operation, client=client, path_parameters={"id": run_id}, body=None)
            assert response.status_code == 200


def test_a_live_vcrpy_recording_is_checked(spec: RecordingSpec, api_url: str, tmp_path: Path) -> None:
    cassette = tmp_path / "live.yaml"
    _record(spec, api_url, cassette, [RUN_ID, BROKEN_RUN_ID], filter_headers=["authorization"])

    assert "!!binary" in cassette.read_text(encoding="utf-8")
    (result,) = check_paths(spec, [cassette])
    assert result.interactions == 2
    assert [(v.index, v.check, v.location, v.pointer) for v in result.violations] == [
        (1, "ST108", "response body", "/status_code")
    ]


def test_a_live_recording_that_kept_the_api_key_is_rejected(
    spec: RecordingSpec, api_url: str, tmp_path: Path
) -> None:
    cassette = tmp_path / "leaky.yaml"
    _record(spec, api_url, cassette, [RUN_ID])

    (interaction,) = load_cassette(cassette)
    assert interaction.request_header("Authorization") is not None
    (result,) = check_paths(spec, [cassette])
    assert [v.check for v in result.violations] == ["secret"]
