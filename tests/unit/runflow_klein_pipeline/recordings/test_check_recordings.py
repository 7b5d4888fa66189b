"""check_recordings rejects broken recordings with one precise line each, and exits 0/1/2 as documented.

Each broken case is a mutation of a conforming committed interaction, so the only difference
between "conforms" and "violates" is the mutation itself. A case may keep interactions that come before
it in its cassette (the dispatch that created a run), which is how the checker learns a run's model.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from runflow_klein_pipeline.layout import CASSETTES_DIR, COMPOSED_SPEC
from runflow_klein_pipeline.recordings import check as check_recordings
from runflow_klein_pipeline.recordings.check import (
    RecordingSpec,
    check_cassette,
    check_interaction,
    load_cassette,
    main,
)
from runflow_klein_pipeline.recordings.spec import strip_extensions

from tests.contract.support.recordings import committed_interactions

Raw = dict[str, Any]
Cli = Callable[[list[str]], tuple[int, str, str]]
KLEIN_4B = "POST /v1/models/black-forest-labs/flux-2-klein-4b/runs"
KLEIN_4B_EDIT = "POST /v1/models/black-forest-labs/flux-2-klein-4b/edit/runs"
RUN = "0196a4f2-8c1e-7b3a-9d2e-5f6a7b8c9d01"
KLEIN_4B_RUN = "(the output of a black-forest-labs/flux-2-klein-4b run, dispatched at #0)"
OUTPUT_URL = f"https://assets.example.com/runs/{RUN}/0.png"
SECRET = "rf_live_9f8e7d6c5b4a3210"
SIGNATURE = "4f1d2c3b5a69788796a5b4c3d2e1f0a9"


def _raw(cassette: str, index: int) -> Raw:
    data = yaml.safe_load((CASSETTES_DIR / cassette).read_text(encoding="utf-8"))
    return dict(data["interactions"][index])


def _response(raw: Raw, change: Callable[[Any], None]) -> None:
    body = json.loads(raw["response"]["body"]["string"])
    change(body)
    raw["response"]["body"]["string"] = json.dumps(body)


def _request(raw: Raw, change: Callable[[Any], None]) -> None:
    body = json.loads(raw["request"]["body"])
    change(body)
    raw["request"]["body"] = json.dumps(body)


def _set(path: str, value: Any) -> Callable[[Any], None]:
    """Set ``value`` at a slash-separated path inside a JSON document."""

    def change(doc: Any) -> None:
        *parents, last = path.split("/")
        for key in parents:
            doc = doc[int(key)] if isinstance(doc, list) else doc[key]
        doc[last] = value

    return change


def _drop(key: str) -> Callable[[Any], None]:
    return lambda doc: doc.pop(key)


def _generic_dispatch_with_an_int_url(raw: Raw) -> None:
    """The 4B dispatch sent to the generic path, for a model the spec does not type."""
    raw["request"]["uri"] = "https://api.runflow.io/v1/models/acme/upscaler/runs"
    _response(raw, _set("output", {"outputs": [{"url": 7}]}))


@dataclass(frozen=True)
class Case:
    name: str
    cassette: str
    index: int
    mutate: Callable[[Raw], None]
    expected: tuple[str, ...]  # "METHOD path status: message at <where> <pointer> [check]"
    after: tuple[int, ...] = ()  # interactions of the same cassette recorded before the broken one

    def interactions(self, *, broken: bool) -> list[Raw]:
        target = copy.deepcopy(_raw(self.cassette, self.index))
        if broken:
            self.mutate(target)
        return [*(_raw(self.cassette, index) for index in self.after), target]


CASES = (
    Case(
        "wrong-type",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: _response(r, _set("nodes_total", "1")),
        (f"{KLEIN_4B} 200: '1' is not of type 'integer' or 'null' at response body /nodes_total [ST108]",),
    ),
    Case(
        "wrong-type-under-anyof",
        "create_flux_2_klein_4b_run.yaml",
        1,
        lambda r: _response(
            r, _set("output", {"outputs": [{"url": "https://a.example/0.png", "width": "1"}]})
        ),
        (
            f"{KLEIN_4B} 201: '1' is not of type 'integer' or 'null'"
            " at response body /output/outputs/0/width [ST108]",
        ),
    ),
    Case(
        "missing-required",
        "create_flux_2_klein_4b_run.yaml",
        2,
        lambda r: _response(r, _drop("id")),
        (f"{KLEIN_4B} 202: 'id' is a required property at response body /id [ST108]",),
    ),
    Case(
        "error-missing-message",
        "create_flux_2_klein_4b_run.yaml",
        6,
        lambda r: _response(r, _drop("message")),
        (f"{KLEIN_4B} 403: 'message' is a required property at response body /message [ST108]",),
    ),
    Case(
        "bad-enum",
        "get_run.yaml",
        1,
        lambda r: _response(r, _set("status_code", "cancelled")),
        (
            f"GET /v1/runs/{RUN} 200: 'cancelled' is not one of ['queued', 'dispatching', 'running', "
            "'succeeded', 'failed', 'canceled', 'partial_succeeded'] at response body /status_code [ST108]",
        ),
    ),
    Case(
        "bad-uuid",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: _response(r, _set("id", "run-1")),
        (f"{KLEIN_4B} 200: 'run-1' is not a 'uuid' at response body /id [ST108]",),
    ),
    Case(
        "bad-date-time",
        "get_run.yaml",
        3,
        lambda r: _response(r, _set("completed_at", "2026-04-08 10:15")),
        (
            f"GET /v1/runs/{RUN} 200: '2026-04-08 10:15' is not a 'date-time'"
            " at response body /completed_at [ST108]",
        ),
    ),
    Case(
        "undocumented-500",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: r["response"]["status"].update(code=500, message="Internal Server Error"),
        (
            f"{KLEIN_4B} 500: undocumented status code 500 "
            "(documented: 200, 201, 202, 400, 401, 402, 403, 404, 422, 429, 503) [ST103]",
        ),
    ),
    Case(
        "undocumented-520",
        "get_run.yaml",
        5,
        lambda r: r["response"]["status"].update(code=520, message=""),
        (
            "GET /v1/runs/0196a4f6-0000-7000-8000-000000000000 520: undocumented status code 520 "
            "(documented: 200, 400, 401, 403, 404, 422, 429, 503) [ST103]",
        ),
    ),
    Case(
        "undocumented-418",
        "legacy_run_flux_2_klein_4b.yaml",
        0,
        lambda r: r["response"]["status"].update(code=418, message="I'm a Teapot"),
        (
            "POST /v1/run/black-forest-labs/flux-2-klein-4b 418: undocumented status code 418 "
            "(documented: 200, 400, 401, 402, 403, 404, 422, 429, 503) [ST103]",
        ),
    ),
    Case(
        "missing-content-type",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: r["response"].update(headers={}),
        (f"{KLEIN_4B} 200: missing Content-Type header (documented: application/json) [ST104]",),
    ),
    Case(
        "html-instead-of-json",
        "create_flux_2_klein_4b_run.yaml",
        9,
        lambda r: r["response"].update(
            headers={"Content-Type": ["text/html"]}, body={"string": "<html><body>Bad gateway</body></html>"}
        ),
        (f"{KLEIN_4B} 429: undocumented Content-Type 'text/html' (documented: application/json) [ST105]",),
    ),
    Case(
        "truncated-json",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: r["response"].update(body={"string": '{"id": "0196a4f2'}),
        (
            f"{KLEIN_4B} 200: response body is not valid JSON: Unterminated string starting"
            " at (line 1 column 8) [ST109]",
        ),
    ),
    Case(
        "not-json-with-json-content-type",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: r["response"].update(body={"string": "upstream timeout"}),
        (f"{KLEIN_4B} 200: response body is not valid JSON: Expecting value (line 1 column 1) [ST109]",),
    ),
    Case(
        "unknown-path",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: r["request"].update(uri="https://api.runflow.io/v2/runs"),
        ("POST /v2/runs 200: no documented path matches /v2/runs [unknown_path]",),
    ),
    Case(
        "undocumented-method",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: r["request"].update(method="PUT"),
        (
            "PUT /v1/models/black-forest-labs/flux-2-klein-4b/runs 200: PUT is not documented for "
            "/v1/models/black-forest-labs/flux-2-klein-4b/runs (documented: POST) [undocumented_method]",
        ),
    ),
    Case(
        "request-num-images-9",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: _request(r, _set("input/num_images", 9)),
        (
            f"{KLEIN_4B} 200: 9 is greater than the maximum of 4"
            " at request body /input/num_images [request_schema]",
        ),
    ),
    Case(
        "request-five-image-urls",
        "create_flux_2_klein_4b_edit_run.yaml",
        0,
        lambda r: _request(r, _set("input/image_urls", [f"https://img.example/{n}.png" for n in range(5)])),
        (
            f"{KLEIN_4B_EDIT} 200: ['https://img.example/0.png', 'https://img.example/1.png', "
            "'https://img.example/2.png', 'https://img.example/3.png', 'https://img.example/4.png'] "
            "is too long at request body /input/image_urls [request_schema]",
        ),
    ),
    Case(
        "request-missing-prompt",
        "create_flux_2_klein_4b_edit_run.yaml",
        0,
        lambda r: _request(r, lambda body: body["input"].pop("prompt")),
        (
            f"{KLEIN_4B_EDIT} 200: 'prompt' is a required property"
            " at request body /input/prompt [request_schema]",
        ),
    ),
    Case(
        "request-bad-image-size",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: _request(r, _set("input/image_size", "1024x768")),
        (
            f"{KLEIN_4B} 200: '1024x768' is not one of ['square_hd', 'square', 'portrait_4_3', "
            "'portrait_16_9', 'landscape_4_3', 'landscape_16_9'] at request body /input/image_size "
            "[request_schema]",
        ),
    ),
    Case(
        "request-callback-not-a-uri",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: _request(r, _set("callback_url", "your-server.com/webhook")),
        (
            f"{KLEIN_4B} 200: 'your-server.com/webhook' is not a 'uri' at request body /callback_url "
            "[request_schema]",
        ),
    ),
    Case(
        "request-form-encoded",
        "create_flux_2_klein_9b_run.yaml",
        0,
        lambda r: r["request"]["headers"].update({"Content-Type": ["application/x-www-form-urlencoded"]}),
        (
            "POST /v1/models/black-forest-labs/flux-2-klein-9b/runs 200: request Content-Type "
            "'application/x-www-form-urlencoded' is not documented (documented: application/json) "
            "[request_content_type]",
        ),
    ),
    Case(
        "request-not-json",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: r["request"].update(body="prompt=a+cat"),
        (
            f"{KLEIN_4B} 200:"
            " request body is not valid JSON: Expecting value: line 1 column 1 (char 0) [request_json]",
        ),
    ),
    Case(
        "bad-path-parameter",
        "get_run.yaml",
        1,
        lambda r: r["request"].update(uri="https://api.runflow.io/v1/runs/latest"),
        ("GET /v1/runs/latest 200: 'latest' is not a 'uuid' at path parameters /id [path_parameter]",),
    ),
    Case(
        "claims-gzip-but-plain",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: r["response"]["headers"].update({"Content-Encoding": ["gzip"]}),
        (f"{KLEIN_4B} 200: cannot decode the response body: body is not valid gzip [response_encoding]",),
    ),
    Case(
        "signed-output-url",
        "get_run.yaml",
        3,
        lambda r: _response(
            r, _set("output/outputs/0/url", f"https://cdn.example/0.png?X-Amz-Signature={SIGNATURE}")
        ),
        (
            f"GET /v1/runs/{RUN} 200: the response body contains a signed URL (signature/token query "
            "parameter) [secret]",
        ),
    ),
    Case(
        "unredacted-api-key",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: r["request"]["headers"].update({"Authorization": [f"Bearer {SECRET}"]}),
        (
            f"{KLEIN_4B} 200: request header Authorization holds a credential "
            "(record with it filtered or redacted) [secret]",
        ),
    ),
    # ---- a malformed run output is a violation wherever a run appears
    Case(
        "outputs-not-a-list-on-dispatch",
        "create_flux_2_klein_4b_run.yaml",
        0,
        lambda r: _response(r, _set("output", {"outputs": {"url": OUTPUT_URL}})),
        (
            f"{KLEIN_4B} 200: {{'url': '{OUTPUT_URL}'}} is not of type 'array'"
            " at response body /output/outputs [ST108]",
        ),
    ),
    Case(
        "url-not-a-string-on-generic-dispatch",
        "create_flux_2_klein_4b_run.yaml",
        0,
        _generic_dispatch_with_an_int_url,
        (
            "POST /v1/models/acme/upscaler/runs 200: 7 is not of type 'string'"
            " at response body /output/outputs/0/url [ST108]",
        ),
    ),
    Case(
        "outputs-not-a-list-on-get-run",
        "get_run.yaml",
        3,
        lambda r: _response(r, _set("output/outputs", OUTPUT_URL)),
        (
            f"GET /v1/runs/{RUN} 200: '{OUTPUT_URL}' is not of type 'array'"
            " at response body /output/outputs [ST108]",
        ),
    ),
    Case(
        "output-without-url-in-search",
        "search_runs.yaml",
        1,
        lambda r: _response(r, lambda page: page["items"][0]["output"]["outputs"][0].pop("url")),
        (
            "GET /v1/runs 200: 'url' is a required property"
            " at response body /items/0/output/outputs/0/url [ST108]",
        ),
    ),
    Case(
        "url-not-a-string-in-callback-deliveries",
        "get_run_callback_deliveries.yaml",
        1,
        lambda r: _response(r, _set("0/payload/output/outputs/0/url", ["a.png"])),
        (
            f"GET /v1/runs/{RUN}/callback 200: ['a.png'] is not of type 'string'"
            " at response body /0/payload/output/outputs/0/url [ST108]",
        ),
    ),
    Case(
        "outputs-not-a-list-on-redelivery",
        "get_run_callback_deliveries.yaml",
        2,
        lambda r: _response(r, _set("payload/output/outputs", None)),
        (
            f"POST /v1/runs/{RUN}/callback-redeliveries 200: None is not of type 'array'"
            " at response body /payload/output/outputs [ST108]",
        ),
    ),
    # ---- where the dispatch is in the cassette, the run's output is checked against its model
    Case(
        "model-output-on-get-run",
        "get_run.yaml",
        3,
        lambda r: _response(r, _set("output/model_data", "upscaled")),
        (
            f"GET /v1/runs/{RUN} 200: 'upscaled' is not of type 'object' or 'null' {KLEIN_4B_RUN}"
            " at response body /output/model_data [model_output]",
        ),
        after=(0,),
    ),
    Case(
        "model-output-in-search",
        "search_runs.yaml",
        1,
        lambda r: _response(r, _set("items/0/output/model_data", ["upscaled"])),
        (
            f"GET /v1/runs 200: ['upscaled'] is not of type 'object' or 'null' {KLEIN_4B_RUN}"
            " at response body /items/0/output/model_data [model_output]",
        ),
        after=(0,),
    ),
    Case(
        "model-output-in-callback-deliveries",
        "get_run_callback_deliveries.yaml",
        1,
        lambda r: _response(r, _set("0/payload/output/model_data", 1)),
        (
            f"GET /v1/runs/{RUN}/callback 200: 1 is not of type 'object' or 'null' {KLEIN_4B_RUN}"
            " at response body /0/payload/output/model_data [model_output]",
        ),
        after=(0,),
    ),
    Case(
        "model-output-on-redelivery",
        "get_run_callback_deliveries.yaml",
        2,
        lambda r: _response(r, _set("payload/output/model_data", True)),
        (
            f"POST /v1/runs/{RUN}/callback-redeliveries 200: True is not of type 'object' or 'null'"
            f" {KLEIN_4B_RUN} at response body /payload/output/model_data [model_output]",
        ),
        after=(0, 1),
    ),
)
MODEL_CASES = tuple(case for case in CASES if case.after)


def _gzipped(raw: Raw) -> None:
    raw["response"]["headers"]["Content-Encoding"] = ["gzip"]
    raw["response"]["body"]["string"] = gzip.compress(raw["response"]["body"]["string"].encode(), mtime=0)


def _write(directory: Path, name: str, *raws: Raw) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"interactions": list(raws), "version": 1}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def broken_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("broken")
    for case in CASES:
        _write(directory, case.name, *case.interactions(broken=True))
    return directory


def _line_tail(line: str) -> str:
    """Drop the ``cassette#index `` prefix."""
    return line.split(" ", 1)[1]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_broken_recording_gives_the_expected_violation(
    spec: RecordingSpec, broken_dir: Path, case: Case
) -> None:
    interactions = load_cassette(broken_dir / f"{case.name}.yaml")
    lines = [violation.format() for violation in check_cassette(spec, interactions)]
    assert all(line.startswith(f"{broken_dir / case.name}.yaml#{len(case.after)} ") for line in lines)
    assert tuple(_line_tail(line) for line in lines) == case.expected


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_unbroken_original_conforms(spec: RecordingSpec, tmp_path: Path, case: Case) -> None:
    """The mutation, not the base interaction, causes the violation."""
    interactions = load_cassette(_write(tmp_path, "original", *case.interactions(broken=False)))
    assert check_cassette(spec, interactions) == []


@pytest.mark.parametrize("case", MODEL_CASES, ids=lambda case: case.name)
def test_a_run_model_is_known_only_from_a_dispatch_earlier_in_the_cassette(
    spec: RecordingSpec, broken_dir: Path, case: Case
) -> None:
    """The same broken output passes where nothing says which model made the run: the normalized output
    allows extra fields, only the model's own schema types them."""
    *earlier, broken = load_cassette(broken_dir / f"{case.name}.yaml")
    assert earlier
    assert check_cassette(spec, [broken]) == []
    assert check_interaction(spec, broken) == []
    assert [v.check for v in check_cassette(spec, [*earlier, broken])] == ["model_output"]


def test_gzip_encoded_body_is_decoded_before_checking(spec: RecordingSpec, tmp_path: Path) -> None:
    raw = _raw("get_run.yaml", 3)
    _gzipped(raw)
    (interaction,) = load_cassette(_write(tmp_path, "gzip", raw))
    assert interaction.response_body[:2] == b"\x1f\x8b"
    assert check_interaction(spec, interaction) == []
    broken = _raw("get_run.yaml", 3)
    _response(broken, _set("status_code", "done"))
    _gzipped(broken)
    (interaction,) = load_cassette(_write(tmp_path, "gzip-broken", broken))
    assert [(v.check, v.pointer) for v in check_interaction(spec, interaction)] == [("ST108", "/status_code")]


@pytest.mark.parametrize(
    ("case", "secret"), [("unredacted-api-key", SECRET), ("signed-output-url", SIGNATURE)]
)
def test_violations_never_echo_a_secret(
    spec: RecordingSpec, broken_dir: Path, case: str, secret: str
) -> None:
    (interaction,) = load_cassette(broken_dir / f"{case}.yaml")
    violations = check_interaction(spec, interaction)
    assert violations
    assert all(secret not in json.dumps(v.to_dict()) for v in violations)


def test_a_checker_bug_is_a_violation_not_a_crash(
    spec: RecordingSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(operation: object) -> None:
        raise RuntimeError("boom\nsecond line")

    (interaction,) = [i for i in committed_interactions() if i.cassette == "get_run.yaml" and i.index == 1]
    monkeypatch.setattr(spec, "path_parameter_validators", broken)
    (violation,) = check_interaction(spec, interaction)
    assert (violation.check, violation.message) == (
        "checker_error",
        "could not be checked: RuntimeError: boom",
    )


@pytest.mark.parametrize(
    ("method", "url", "operation_id", "parameters"),
    [
        (
            "POST",
            "https://api.runflow.io/v1/models/black-forest-labs/flux-2-klein-4b/runs",
            "create_flux_2_klein_4b_run",
            {},
        ),
        (
            "POST",
            "http://127.0.0.1:8080/v1/models/black-forest-labs/flux-2-klein-9b/edit/runs?x=1",
            "create_flux_2_klein_9b_edit_run",
            {},
        ),
        (
            "POST",
            "https://api.runflow.io/v1/models/acme/upscaler/runs",
            "create_model_run",
            {"owner": "acme", "slug": "upscaler"},
        ),
        ("GET", f"https://api.runflow.io/v1/runs/{RUN}?fields=id", "get_run", {"id": RUN}),
        ("GET", "https://api.runflow.io/v1/runs/a%2Fb", "get_run", {"id": "a/b"}),
    ],
)
def test_recorded_urls_find_the_most_specific_operation(
    spec: RecordingSpec, method: str, url: str, operation_id: str, parameters: dict[str, str]
) -> None:
    """Path only (scheme, host, query ignored); literal paths beat ``/v1/models/{owner}/{slug}/runs``."""
    resolution = spec.resolve(method, url)
    assert resolution.operation is not None
    assert (resolution.operation.operation_id, resolution.path_parameters) == (operation_id, parameters)


def test_extensions_are_stripped_but_property_names_kept() -> None:
    schema = {
        "type": "object",
        "x-source": {"$ref": "https://docs.example/page"},
        "properties": {"x-trace": {"type": "string", "x-note": "dropped"}},
        "default": {"x-kept": 1},
    }
    assert strip_extensions(schema) == {
        "type": "object",
        "properties": {"x-trace": {"type": "string"}},
        "default": {"x-kept": 1},
    }


# ---- CLI ----


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def cli(spec: RecordingSpec, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """main() loads the spec on every call; the session's copy of the composed spec saves seconds."""
    original = check_recordings.load_spec

    def load_spec(path: Path = COMPOSED_SPEC) -> RecordingSpec:
        return spec if path == COMPOSED_SPEC else original(path)

    monkeypatch.setattr(check_recordings, "load_spec", load_spec)
    return _run


def test_cli_exit_0_and_summary_for_the_committed_recordings(cli: Cli) -> None:
    count = len(committed_interactions())
    cassettes = len(list(CASSETTES_DIR.glob("*.yaml")))
    code, out, err = cli(["--summary", str(CASSETTES_DIR)])
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == f"{count} interactions in {cassettes} cassettes, all conform"


def test_cli_exit_1_with_one_line_per_violation(cli: Cli, broken_dir: Path) -> None:
    code, out, err = cli([str(broken_dir)])
    assert (code, err) == (1, "")
    expected = sorted(
        f"{broken_dir / case.name}.yaml#{len(case.after)} {tail}" for case in CASES for tail in case.expected
    )
    assert sorted(out.splitlines()) == expected


def test_cli_json_report(cli: Cli, broken_dir: Path) -> None:
    code, out, _ = cli(["--json", str(broken_dir / "bad-uuid.yaml"), str(CASSETTES_DIR / "get_run.yaml")])
    report = json.loads(out)
    assert code == 1
    assert report["conforms"] is False
    assert report["summary"] == {"cassettes": 2, "interactions": 7, "violations": 1, "errors": 0}
    (violation,) = report["violations"]
    assert (violation["check"], violation["location"], violation["pointer"]) == (
        "ST108",
        "response body",
        "/id",
    )
    assert violation["index"] == 0


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("interactions: [\n", "not valid YAML"),
        ("just: a mapping\n", "not a cassette"),
        ("interactions:\n- request: {method: GET, uri: /v1/health}\n", "needs 'request' and 'response'"),
        ("version: 2\ninteractions: []\n", "unsupported cassette version 2"),
    ],
)
def test_cli_exit_2_for_an_unreadable_cassette(cli: Cli, tmp_path: Path, content: str, error: str) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(content, encoding="utf-8")
    code, _, err = cli([str(path), str(CASSETTES_DIR / "get_run.yaml")])
    assert code == 2
    assert err.startswith(f"error: {path}")
    assert error in err


def test_cli_exit_2_for_missing_paths_and_empty_directories(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli([str(tmp_path / "missing.yaml")])
    assert (code, err) == (2, f"error: {tmp_path / 'missing.yaml'}: no such file or directory\n")
    code, _, err = cli([str(tmp_path)])
    assert code == 2
    assert "no cassettes" in err


def test_cli_exit_2_for_an_unreadable_spec(cli: Cli, tmp_path: Path) -> None:
    not_openapi = tmp_path / "spec.json"
    not_openapi.write_text('{"swagger": "2.0"}', encoding="utf-8")
    for spec_path in (tmp_path / "absent.json", not_openapi):
        code, out, err = cli(["--spec", str(spec_path), str(CASSETTES_DIR)])
        assert (code, out) == (2, "")
        assert err.startswith("error: ")


def test_cli_exit_2_for_bad_usage(cli: Cli) -> None:
    with pytest.raises(SystemExit) as exited:
        cli([])
    assert exited.value.code == 2
