"""scripts/fetch_spec.py against a real HTTP server on 127.0.0.1 and against file:// URLs.

Every failure must leave the vendored spec and its lock byte-identical and print one ``error:``
line; every success must write the served bytes unchanged and a lock without credentials.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from runflow_klein_pipeline.documents import SpecError, atomic_write, sha256_bytes
from runflow_klein_pipeline.layout import REPO_ROOT, UPSTREAM_SPEC
from runflow_klein_pipeline.spec import fetch as fetch_spec

from . import spec_server
from .support import ScriptResult, run_script


def _spec(version: str, *, extra: dict[str, object] | None = None) -> dict[str, object]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Runflow API", "version": version, "description": "naïve → café"},
        "paths": {
            "/v1/health": {"get": {"operationId": "get_health", "responses": {"200": {"description": "ok"}}}}
        },
        **(extra or {}),
    }


# Deliberately not in dump_json's layout (compact, no trailing newline, raw UTF-8): the script must
# store the bytes as served, not a re-serialisation.
SPEC = json.dumps(_spec("1"), separators=(",", ":"), ensure_ascii=False).encode()
SPEC_V2 = json.dumps(_spec("2"), separators=(",", ":"), ensure_ascii=False).encode()


def _dangling() -> bytes:
    """The committed upstream spec with one dangling $ref (the validator then quotes the whole document)."""
    doc = json.loads(UPSTREAM_SPEC.read_bytes())
    doc["components"]["schemas"]["Run"]["properties"]["id"] = {"$ref": "#/components/schemas/Missing"}
    return json.dumps(doc).encode()


DANGLING = _dangling()
SECRET = "s3cr3t-t0ken"

ROUTES: dict[str, spec_server.Route] = {
    "/spec.json": spec_server.body(200, SPEC),
    "/v2.json": spec_server.body(200, SPEC_V2),
    "/moved": spec_server.redirect("/v2.json"),
    "/loop": spec_server.redirect("/loop"),
    "/boom": spec_server.body(500, b'{"code":"INTERNAL","message":"boom"}'),
    "/silent": spec_server.silent,
    "/stalled.json": spec_server.stalled(sent=SPEC[:10], declared=len(SPEC)),
    "/declared-huge.json": spec_server.stalled(sent=SPEC[:10], declared=10**9),
    "/endless.json": spec_server.endless,
    "/page.html": spec_server.body(
        200, b"<!DOCTYPE html><html><body>Docs</body></html>", content_type="text/html"
    ),
    "/not-openapi.json": spec_server.body(200, b'{"hello": "world"}'),
    "/swagger.json": spec_server.body(200, b'{"swagger": "2.0", "info": {}, "paths": {}}'),
    "/invalid.json": spec_server.body(200, json.dumps({"openapi": "3.1.0", "paths": {}}).encode()),
    "/dangling.json": spec_server.body(200, DANGLING),
    "/latin1.json": spec_server.body(200, '{"openapi": "3.1.0", "x": "café"}'.encode("latin-1")),
    "/nan.json": spec_server.body(200, b'{"openapi": "3.1.0", "x": NaN}'),
}


@dataclass(frozen=True)
class Vendored:
    """Temporary copies of the vendored spec and lock, with their bytes before the run."""

    out: Path
    lock: Path
    out_before: bytes
    lock_before: bytes

    def args(self, url: str, *extra: str) -> list[str]:
        return ["--url", url, "--out", str(self.out), "--lock", str(self.lock), *extra]

    def unchanged(self) -> bool:
        return self.out.read_bytes() == self.out_before and self.lock.read_bytes() == self.lock_before

    def lock_doc(self) -> dict[str, object]:
        doc = json.loads(self.lock.read_bytes())
        assert isinstance(doc, dict)
        return doc


@pytest.fixture
def vendored(tmp_path: Path) -> Vendored:
    out, lock = tmp_path / "openapi" / "openapi.public.json", tmp_path / "openapi" / "openapi.lock.json"
    out.parent.mkdir()
    out.write_bytes(SPEC)
    lock.write_bytes(
        b'{"url": "https://docs.runflow.io/api/openapi.public.json", "origin": "reconstruction"}\n'
    )
    return Vendored(out, lock, out.read_bytes(), lock.read_bytes())


@pytest.fixture
def server() -> Iterator[str]:
    with spec_server.serve(ROUTES) as base_url:
        yield base_url


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback port that is bound but not listening, so connecting is refused (no race)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/spec.json"


def assert_clean_failure(result: ScriptResult, vendored: Vendored, fragment: str) -> None:
    assert result.code != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one error line, got: {result.stderr!r}"
    assert lines[0].startswith("error: ")
    assert len(lines[0]) <= 400, "the error line should be readable, not a dump"
    assert fragment in lines[0]
    assert vendored.unchanged(), "a failed fetch modified the vendored spec or its lock"
    assert sorted(p.name for p in vendored.out.parent.iterdir()) == [vendored.lock.name, vendored.out.name]


# ---------------------------------------------------------------- success


def test_fetch_writes_the_served_bytes_and_a_lock(
    server: str, vendored: Vendored, capsys: pytest.CaptureFixture[str]
) -> None:
    inode_before = vendored.out.stat().st_ino
    before = datetime.now(UTC).replace(microsecond=0)

    result = run_script(fetch_spec.main, vendored.args(f"{server}/v2.json"), capsys)

    after = datetime.now(UTC)
    assert result.code == 0, result.stderr
    assert vendored.out.read_bytes() == SPEC_V2
    lock = vendored.lock_doc()
    assert set(lock) == {"url", "sha256", "fetched_at", "origin", "bytes"}
    assert lock["url"] == f"{server}/v2.json"
    assert lock["sha256"] == sha256_bytes(SPEC_V2)
    assert lock["bytes"] == len(SPEC_V2)
    assert lock["origin"] == "fetched"
    fetched_at = str(lock["fetched_at"])
    assert fetched_at.endswith("Z")
    assert before <= datetime.fromisoformat(fetched_at) <= after
    assert result.stdout.strip().startswith(f"changed: sha256 {sha256_bytes(SPEC)} → {sha256_bytes(SPEC_V2)}")
    # Written by rename (a new inode), and no temporary file is left behind.
    assert vendored.out.stat().st_ino != inode_before
    assert sorted(p.name for p in vendored.out.parent.iterdir()) == [vendored.lock.name, vendored.out.name]


def test_fetching_the_same_spec_reports_unchanged(
    server: str, vendored: Vendored, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_script(fetch_spec.main, vendored.args(f"{server}/spec.json"), capsys)

    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"unchanged: sha256 {sha256_bytes(SPEC)}")
    assert vendored.out.read_bytes() == SPEC
    assert vendored.lock_doc()["sha256"] == sha256_bytes(SPEC)
    assert vendored.lock_doc()["origin"] == "fetched"


def test_refetching_an_unchanged_spec_leaves_the_lock_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A nightly fetch of an unchanged spec must not rewrite fetched_at: that would be a daily diff.

    The file's inode and mtime show whether it was written at all (a write replaces it by rename),
    whatever the bytes; the bytes alone could match if both fetches fell in the same second.
    """
    served = tmp_path / "served.json"
    served.write_bytes(SPEC)
    out, lock = tmp_path / "openapi" / "spec.json", tmp_path / "openapi" / "lock.json"
    argv = ["--url", served.as_uri(), "--out", str(out), "--lock", str(lock)]
    first = run_script(fetch_spec.main, argv, capsys)
    assert first.code == 0, first.stderr
    before = {path: (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns) for path in (out, lock)}

    again = run_script(fetch_spec.main, argv, capsys)

    assert again.code == 0, again.stderr
    assert again.stdout.splitlines() == [
        f"unchanged: sha256 {sha256_bytes(SPEC)} ({len(SPEC)} bytes) from {served.as_uri()}"
    ]
    for path, (data, inode, mtime_ns) in before.items():
        assert path.read_bytes() == data, f"{path.name} was rewritten"
        assert (path.stat().st_ino, path.stat().st_mtime_ns) == (inode, mtime_ns), f"{path.name} was replaced"


def test_refetching_a_changed_spec_rewrites_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The converse of the test above, through the same steps, so that test cannot pass vacuously."""
    served = tmp_path / "served.json"
    served.write_bytes(SPEC)
    out, lock = tmp_path / "openapi" / "spec.json", tmp_path / "openapi" / "lock.json"
    argv = ["--url", served.as_uri(), "--out", str(out), "--lock", str(lock)]
    first = run_script(fetch_spec.main, argv, capsys)
    assert first.code == 0, first.stderr
    lock_before, lock_inode = lock.read_bytes(), lock.stat().st_ino
    served.write_bytes(SPEC_V2)

    again = run_script(fetch_spec.main, argv, capsys)

    assert again.code == 0, again.stderr
    assert again.stdout.startswith(f"changed: sha256 {sha256_bytes(SPEC)} → {sha256_bytes(SPEC_V2)}")
    assert out.read_bytes() == SPEC_V2
    assert lock.read_bytes() != lock_before
    assert lock.stat().st_ino != lock_inode
    lock_doc = json.loads(lock.read_bytes())
    assert (lock_doc["sha256"], lock_doc["bytes"]) == (sha256_bytes(SPEC_V2), len(SPEC_V2))


def test_first_fetch_into_an_empty_directory(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, lock = tmp_path / "new" / "spec.json", tmp_path / "new" / "lock.json"
    argv = ["--url", f"{server}/spec.json", "--out", str(out), "--lock", str(lock)]

    result = run_script(fetch_spec.main, argv, capsys)

    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"changed: sha256 (none) → {sha256_bytes(SPEC)}")
    assert out.read_bytes() == SPEC
    assert json.loads(lock.read_bytes())["sha256"] == sha256_bytes(SPEC)


def test_a_redirect_to_a_valid_spec_is_followed(
    server: str, vendored: Vendored, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_script(fetch_spec.main, vendored.args(f"{server}/moved"), capsys)

    assert result.code == 0, result.stderr
    assert vendored.out.read_bytes() == SPEC_V2
    assert vendored.lock_doc()["url"] == f"{server}/moved", "the lock records the URL to fetch next time"


def test_file_url(vendored: Vendored, capsys: pytest.CaptureFixture[str]) -> None:
    url = UPSTREAM_SPEC.as_uri()

    result = run_script(fetch_spec.main, vendored.args(url), capsys)

    assert result.code == 0, result.stderr
    assert vendored.out.read_bytes() == UPSTREAM_SPEC.read_bytes()
    assert vendored.lock_doc()["url"] == url
    assert vendored.lock_doc()["sha256"] == sha256_bytes(UPSTREAM_SPEC.read_bytes())


def test_credentials_in_the_url_are_neither_recorded_nor_printed(
    server: str, vendored: Vendored, capsys: pytest.CaptureFixture[str]
) -> None:
    host = server.removeprefix("http://")
    url = f"http://user:{SECRET}@{host}/v2.json?X-Amz-Signature={SECRET}&expires=1#{SECRET}"

    result = run_script(fetch_spec.main, vendored.args(url), capsys)

    assert result.code == 0, result.stderr
    assert vendored.lock_doc()["url"] == f"{server}/v2.json"
    for text in (result.stdout, result.stderr, vendored.lock.read_text()):
        assert SECRET not in text
    failed = run_script(fetch_spec.main, vendored.args(url.replace("/v2.json", "/boom")), capsys)
    assert failed.code != 0
    assert SECRET not in failed.stderr + failed.stdout


def test_environment_variable_overrides_the_default_url(
    vendored: Vendored, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(fetch_spec.URL_ENV, UPSTREAM_SPEC.as_uri())
    argv = ["--out", str(vendored.out), "--lock", str(vendored.lock)]

    result = run_script(fetch_spec.main, argv, capsys)

    assert result.code == 0, result.stderr
    assert vendored.lock_doc()["url"] == UPSTREAM_SPEC.as_uri()


def test_url_option_beats_the_environment_variable(
    server: str, vendored: Vendored, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(fetch_spec.URL_ENV, "file:///nonexistent/spec.json")

    result = run_script(fetch_spec.main, vendored.args(f"{server}/v2.json"), capsys)

    assert result.code == 0, result.stderr
    assert vendored.lock_doc()["url"] == f"{server}/v2.json"


# ---------------------------------------------------------------- failures


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(("/missing.json", [], "answered HTTP 404"), id="404"),
        pytest.param(("/boom", [], "answered HTTP 500"), id="500"),
        pytest.param(("/silent", ["--timeout", "0.5"], "timed out after 0.5 s"), id="no-response"),
        pytest.param(("/stalled.json", ["--timeout", "0.5"], "timed out after 0.5 s"), id="body-stalls"),
        pytest.param(
            ("/endless.json", ["--max-bytes", "4096", "--timeout", "5"], "larger than 4096 bytes"),
            id="endless-body",
        ),
        pytest.param(
            ("/declared-huge.json", ["--timeout", "5"], "Content-Length 1000000000"), id="declared-too-large"
        ),
        pytest.param(("/page.html", [], "(served as text/html) is not JSON"), id="html"),
        pytest.param(("/latin1.json", [], "is not UTF-8"), id="not-utf8"),
        pytest.param(("/nan.json", [], "NaN is not JSON"), id="nan"),
        pytest.param(("/not-openapi.json", [], "is not an OpenAPI 3.x document"), id="json-not-openapi"),
        pytest.param(("/swagger.json", [], "is not an OpenAPI 3.x document"), id="swagger-2"),
        pytest.param(("/invalid.json", [], "is not a valid OpenAPI document"), id="invalid-openapi"),
        pytest.param(("/dangling.json", [], "is not a valid OpenAPI document"), id="dangling-ref"),
        pytest.param(("/loop", [], "redirected more than 5 times"), id="redirect-loop"),
    ],
)
def test_http_failures_leave_everything_untouched(
    server: str,
    vendored: Vendored,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, list[str], str],
) -> None:
    path, extra, fragment = case

    result = run_script(fetch_spec.main, vendored.args(f"{server}{path}", *extra), capsys)

    assert_clean_failure(result, vendored, fragment)


def test_connection_refused(refused_url: str, vendored: Vendored, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_script(fetch_spec.main, vendored.args(refused_url, "--timeout", "5"), capsys)

    assert_clean_failure(result, vendored, "ConnectError")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        pytest.param(
            "file:///nonexistent/openapi.public.json", "cannot read /nonexistent/", id="missing-file"
        ),
        pytest.param("ftp://127.0.0.1/openapi.json", "unsupported URL scheme 'ftp'", id="ftp"),
        pytest.param("openapi/openapi.public.json", "unsupported no URL scheme", id="bare-path"),
        pytest.param("file://example.org/spec.json", "must name a local path", id="remote-file-host"),
    ],
)
def test_url_failures_leave_everything_untouched(
    vendored: Vendored, capsys: pytest.CaptureFixture[str], url: str, fragment: str
) -> None:
    result = run_script(fetch_spec.main, vendored.args(url), capsys)

    assert_clean_failure(result, vendored, fragment)


def test_oversize_file_is_refused(vendored: Vendored, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_script(fetch_spec.main, vendored.args(UPSTREAM_SPEC.as_uri(), "--max-bytes", "1000"), capsys)

    assert_clean_failure(result, vendored, "larger than 1000 bytes")


def test_spec_path_under_a_file_leaves_the_lock_untouched(
    server: str, vendored: Vendored, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = vendored.out.parent / "not-a-directory"
    blocker.write_bytes(b"")
    argv = ["--url", f"{server}/v2.json", "--out", str(blocker / "spec.json"), "--lock", str(vendored.lock)]

    result = run_script(fetch_spec.main, argv, capsys)

    assert result.code != 0
    assert result.stderr.splitlines() == [f"error: cannot read {blocker / 'spec.json'}: Not a directory"]
    assert vendored.lock.read_bytes() == vendored.lock_before


def test_unwritable_spec_leaves_everything_untouched(
    server: str, vendored: Vendored, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Root ignores file modes, so a refused write is simulated where the script makes it."""

    def refuse_spec(path: Path, data: bytes) -> None:
        if path == vendored.out:
            raise PermissionError(13, "Permission denied", str(path))
        atomic_write(path, data)

    monkeypatch.setattr("runflow_klein_pipeline.spec.fetch.atomic_write", refuse_spec)

    result = run_script(fetch_spec.main, vendored.args(f"{server}/v2.json"), capsys)

    assert_clean_failure(result, vendored, f"cannot write {vendored.out}: Permission denied")


def test_unwritable_lock_puts_the_old_spec_back(
    server: str, vendored: Vendored, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = vendored.out.parent / "not-a-directory"
    blocker.write_bytes(b"")
    argv = ["--url", f"{server}/v2.json", "--out", str(vendored.out), "--lock", str(blocker / "lock.json")]

    result = run_script(fetch_spec.main, argv, capsys)

    assert result.code != 0
    assert len(result.stderr.splitlines()) == 1
    assert "left unchanged" in result.stderr
    assert vendored.out.read_bytes() == vendored.out_before


def test_out_and_lock_must_differ(vendored: Vendored, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--url", UPSTREAM_SPEC.as_uri(), "--out", str(vendored.out), "--lock", str(vendored.out)]

    result = run_script(fetch_spec.main, argv, capsys)

    assert_clean_failure(result, vendored, "must be different files")


def test_whole_download_has_a_deadline(server: str) -> None:
    ticks = itertools.count(0.0, 10.0)  # every clock reading is 10 s after the previous one

    with pytest.raises(SpecError, match=r"did not finish within 5 s"):
        fetch_spec.fetch(f"{server}/spec.json", timeout=5.0, max_bytes=10_000, clock=lambda: next(ticks))


def test_redact_url_keeps_scheme_host_port_and_path() -> None:
    assert (
        fetch_spec.strip_credentials("https://u:p@docs.example:8443/a/b.json?sig=x#frag")
        == "https://docs.example:8443/a/b.json"
    )
    assert fetch_spec.strip_credentials("file:///tmp/spec.json") == "file:///tmp/spec.json"


# ---------------------------------------------------------------- the real entry point


def test_script_fails_with_one_line_and_no_traceback(vendored: Vendored) -> None:
    env = {k: v for k, v in os.environ.items() if k != fetch_spec.URL_ENV}
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "fetch_spec.py"),
            *vendored.args("file:///nonexistent.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"error: cannot read {Path('/nonexistent.json')}: No such file or directory"
    ]
    assert vendored.unchanged()


def test_help_documents_the_url_sources(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        fetch_spec.main(["--help"])

    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for needle in (fetch_spec.URL_ENV, fetch_spec.DEFAULT_URL, "--timeout", "--max-bytes", "byte-identical"):
        assert needle in text


# ---------------------------------------------------------------- headers (the model catalog's API key)


def _authorized(key: str, data: bytes) -> spec_server.Route:
    """Answer ``data`` only to a request that carries ``Authorization: Bearer <key>``, else 401."""

    def route(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
        granted = handler.headers.get("Authorization") == f"Bearer {key}"
        spec_server.body(200 if granted else 401, data if granted else b'{"code":"UNAUTHORIZED"}')(
            handler, release
        )

    return route


def test_headers_are_sent_and_never_appear_in_a_message(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    routes = {**ROUTES, "/private.json": _authorized(SECRET, SPEC)}
    with spec_server.serve(routes) as base:
        sent = {"Authorization": f"Bearer {SECRET}"}
        assert (
            fetch_spec.fetch(f"{base}/private.json", timeout=5, max_bytes=10_000, headers=sent).data == SPEC
        )
        wrong = {"Authorization": "Bearer not-the-key"}
        failures = [
            (f"{base}/private.json", wrong, "HTTP 401"),
            (f"{base}/private.json", {}, "HTTP 401"),
            (f"{base}/boom", sent, "HTTP 500"),
            (f"{base}/loop", sent, "redirected more than"),
            (f"{base}/spec.json", sent, "larger than 10 bytes"),
        ]
        for url, headers, fragment in failures:
            with pytest.raises(SpecError, match=fragment) as caught:
                fetch_spec.fetch(
                    url, timeout=5, max_bytes=10 if "larger" in fragment else 10_000, headers=headers
                )
            assert SECRET not in str(caught.value)
    assert SECRET not in caplog.text


def test_the_authorization_header_does_not_follow_a_redirect_to_another_origin() -> None:
    sent = {"Authorization": f"Bearer {SECRET}"}
    with spec_server.serve({"/private.json": _authorized(SECRET, SPEC)}) as other:
        assert (
            fetch_spec.fetch(f"{other}/private.json", timeout=5, max_bytes=10_000, headers=sent).data == SPEC
        )
        with (
            spec_server.serve({"/moved": spec_server.redirect(f"{other}/private.json")}) as base,
            pytest.raises(SpecError, match="HTTP 401") as caught,
        ):
            fetch_spec.fetch(f"{base}/moved", timeout=5, max_bytes=10_000, headers=sent)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        pytest.param(f"{SECRET}\n", "LocalProtocolError", id="pasted-with-a-newline"),
        pytest.param(f"{SECRET}é", "not ASCII", id="not-ascii"),
    ],
)
def test_a_header_httpx_refuses_is_one_error_without_the_secret(key: str, fragment: str) -> None:
    """httpx quotes a refused header value in its error (``Illegal header value b'Bearer …'``)."""
    with spec_server.serve(ROUTES) as base, pytest.raises(SpecError, match=fragment) as caught:
        fetch_spec.fetch(
            f"{base}/spec.json", timeout=5, max_bytes=10_000, headers={"Authorization": f"Bearer {key}"}
        )

    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
