"""The nightly drift pipeline end to end, offline: the published spec is served from 127.0.0.1.

Each test serves a variant of the committed upstream spec and checks the verdict (exit code and
report status) and the findings that explain it. ``--no-client`` keeps these fast; the client
surface view has its own tests in tests/drift.
"""

from __future__ import annotations

import copy
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import yaml
from runflow_klein_emulator import EmulatorConfig, running
from runflow_klein_pipeline import nightly
from runflow_klein_pipeline.documents import dump_json
from runflow_klein_pipeline.drift import advice
from runflow_klein_pipeline.layout import CONTRACTS_DIR, LEDGER, MODEL_PAGES_FIXTURES, UPSTREAM_SPEC
from runflow_klein_pipeline.model_docs.compare import contract_declaration
from runflow_klein_pipeline.spec.compose import load_contracts

from tests.unit.runflow_klein_pipeline.spec.spec_server import Route, body, serve

Mutation = Callable[[dict[str, Any]], None]


EMPTY_ALLOWLIST: dict[str, Any] = {"entries": []}


def run_nightly(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mutate: Mutation | None = None,
    *,
    raw: bytes | None = None,
    budget: int = 1,
    allowlist: Any = EMPTY_ALLOWLIST,
    today: str = "2026-01-01",
    pages_from: Path = MODEL_PAGES_FIXTURES,
    catalog: Mapping[str, Route] | None = None,
    replay: bool = False,
) -> tuple[int, dict[str, Any], str]:
    """One run against the committed snapshot changed by ``mutate`` (or ``raw`` bytes), with its own
    allow-list and date: never the committed allow-list, never the clock; model pages are the recorded ones
    (``pages_from``), never the web; the catalog (asked only with a key) is ``catalog`` on the same server."""
    spec = json.loads(UPSTREAM_SPEC.read_bytes())
    if mutate:
        mutate(spec)
    data = raw if raw is not None else dump_json(spec)
    reports = tmp_path / "reports"
    listed = tmp_path / "allow.yaml"
    listed.write_text(yaml.safe_dump(allowlist))
    with (
        serve({"/openapi.public.json": body(200, data), **(catalog or {})}) as base,
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv("RUNFLOW_CATALOG_URL", base)
        code = nightly.main(
            [
                *("--url", f"{base}/openapi.public.json", "--reports", str(reports), "--no-client"),
                *("--budget", str(budget), "--allowlist", str(listed), "--today", today),
                *("--pages-from", pages_from.as_uri()),
                *(["--replay"] if replay else []),
            ]
        )
    err = capsys.readouterr().err
    return code, json.loads((reports / "drift.json").read_text()), err


def markdown(tmp_path: Path) -> str:
    return (tmp_path / "reports" / "drift.md").read_text()


def rules(report: dict[str, Any]) -> set[str]:
    return {finding["rule"] for finding in report["findings"]}


@pytest.fixture(autouse=True)
def _replay_mode(monkeypatch: pytest.MonkeyPatch) -> None:  # the live test sets the key itself
    """Without an API key the contract suite replays the recordings; never go live from a unit test."""
    monkeypatch.delenv("RUNFLOW_API_KEY", raising=False)


def test_an_unchanged_spec_is_clean_and_every_report_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, _ = run_nightly(tmp_path, capsys)

    assert code == 0
    assert report["status"] == "clean"
    assert report["upstream_changed"] is False
    assert [stage["name"] for stage in report["stages"]] == list(nightly.STAGES)
    assert report["not_run"] == []
    assert (report["breaking"], report["warning"], report["info"], report["settled"]) == (0, 0, 0, [])
    text = markdown(tmp_path)
    assert "**Status: clean** — contract suite: replay" in text
    assert "/openapi.public.json (unchanged) |" in text
    assert "changed:" not in text  # fetch's comparison with its empty scratch directory stays out
    assert "| contract suite | ok | replayed " in text
    assert (
        "| ledger | ok | the fetched spec is a reconstruction (info.x-reconstruction): it settles no entry |"
        in text
    )
    assert "| allow-list | ok | 0 entries on 2026-01-01: 0 changes acknowledged |" in text
    assert (
        "| docs drift | ok | 6 pages read, catalog declarations skipped (RUNFLOW_API_KEY is not set), "
        "0 findings |" in text
    )
    assert "incomplete" not in text
    assert text.endswith("No changes found.\n")
    junit = ET.parse(tmp_path / "reports" / "drift.junit.xml").getroot()
    assert junit.tag == "testsuites"
    assert not junit.findall(".//failure")


def test_a_removed_documented_status_is_breaking_in_the_spec_and_in_reality(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GET /v1/runs/{id} no longer documents 404, but a recording shows the API answering 404."""
    code, report, _ = run_nightly(tmp_path, capsys, drop_404)

    assert code == 1
    assert report["status"] == "breaking"
    assert report["upstream_changed"] is True
    assert {"response-error-status-removed", "reality-recording-violation"} <= rules(report)
    violation = next(f for f in report["findings"] if f["rule"] == "reality-recording-violation")
    assert violation["operation"].startswith("GET /v1/runs/")  # the recorded URL, to reproduce it
    assert "get_run.yaml#" in violation["location"]
    junit = ET.parse(tmp_path / "reports" / "drift.junit.xml").getroot()
    failed = {case.get("classname") for case in junit.iter("testcase") if case.find("failure") is not None}
    assert {"drift.spec", "drift.reality"} <= failed


def test_an_upstream_per_model_operation_that_disagrees_with_its_contract_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def add_4b_path(spec: dict[str, Any]) -> None:
        generic = spec["paths"]["/v1/models/{owner}/{slug}/runs"]["post"]
        operation = copy.deepcopy(generic)
        operation["operationId"] = "create_flux_2_klein_4b_run_upstream"
        operation["parameters"] = [p for p in operation["parameters"] if p.get("in") != "path"]
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["input"],
                        "properties": {
                            "input": {
                                "type": "object",
                                "required": ["prompt"],
                                "properties": {
                                    "prompt": {"type": "string"},
                                    "num_images": {"type": "integer", "minimum": 1, "maximum": 8},
                                },
                            }
                        },
                    }
                }
            },
        }
        spec["paths"]["/v1/models/black-forest-labs/flux-2-klein-4b/runs"] = {"post": operation}

    code, report, _ = run_nightly(tmp_path, capsys, add_4b_path)

    assert code == 1
    disagreements = [f for f in report["findings"] if f["rule"] == "reality-contract-disagreement"]
    assert disagreements
    assert {f["operation"] for f in disagreements} == {
        "POST /v1/models/black-forest-labs/flux-2-klein-4b/runs"
    }
    assert any("maximum" in f["message"] for f in disagreements)


def test_an_upstream_the_contracts_cannot_compose_with_is_breaking_and_skips_the_suite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def drop_generic_dispatch(spec: dict[str, Any]) -> None:
        del spec["paths"]["/v1/models/{owner}/{slug}/runs"]

    code, report, _ = run_nightly(tmp_path, capsys, drop_generic_dispatch)

    assert code == 1
    assert "reality-compose-failed" in rules(report)
    suite = next(stage for stage in report["stages"] if stage["name"] == "contract suite")
    assert suite["status"] == "skipped"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"<html>maintenance</html>", "is not JSON"),
        (b'{"openapi": "3.1.0"}', "not a valid OpenAPI document"),
    ],
)
def test_an_unusable_published_spec_is_an_error_not_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes, expected: str
) -> None:
    code, report, err = run_nightly(tmp_path, capsys, raw=raw)

    assert code == 2
    assert report["status"] == "error"
    assert expected in err
    assert "Traceback" not in err
    assert report["not_run"] == [
        "spec drift",
        "ledger",
        "compose",
        "contract suite",
        "docs drift",
        "allow-list",
    ]
    assert report["mode"] is None
    text = markdown(tmp_path)
    assert "**Status: error** — contract suite: did not run" in text
    assert (
        "**This run is incomplete**: fetch (error), spec drift (not run), ledger (not run), compose "
        "(not run), contract suite (not run), docs drift (not run), allow-list (not run). The findings "
        "below come only from the stages that ran; an empty list does not mean that nothing changed."
    ) in text
    assert "| spec drift | not run | — |" in text
    assert "No changes found." not in text
    assert text.endswith(
        "No changes from the stages that ran. The run did not complete, so this says nothing about whether "
        "anything changed.\n"
    )


def test_no_network_fails_with_one_line_and_still_writes_the_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    with serve({}) as base:
        closed = base  # the port is closed once the server stops
    code = nightly.main(["--url", f"{closed}/openapi.public.json", "--reports", str(reports), "--no-client"])
    err = capsys.readouterr().err

    assert code == 2
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        line for line in err.splitlines() if line.strip()
    ]
    assert len(err.strip().splitlines()) == 1
    assert json.loads((reports / "drift.json").read_text())["status"] == "error"
    text = (reports / "drift.md").read_text()
    assert "**Status: error**" in text
    assert "**This run is incomplete**: fetch (error), spec drift (not run)" in text
    assert "No changes found." not in text


def test_a_crashed_stage_keeps_what_ran_and_names_what_did_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(nightly, "stage_compose", crash)
    code, report, err = run_nightly(tmp_path, capsys)

    assert code == 2
    assert [(stage["name"], stage["status"]) for stage in report["stages"]] == [
        ("fetch", "ok"),
        ("spec drift", "ok"),
        ("ledger", "ok"),
        ("pipeline", "error"),
    ]
    assert report["not_run"] == ["compose", "contract suite", "docs drift", "allow-list"]
    assert err.strip() == "error: pipeline: RuntimeError: boom"
    text = markdown(tmp_path)
    assert (
        "**This run is incomplete**: pipeline (error), compose (not run), contract suite (not run), " in text
    )
    assert "No changes found." not in text


def published(spec: dict[str, Any]) -> None:
    """The committed snapshot as if it were the published document: no reconstruction marker."""
    del spec["info"]["x-reconstruction"]


def test_ledger_entries_the_fetched_spec_settles_are_reported_as_settled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The published spec documents one success status for dispatch: dispatch-success-status is settled."""

    def one_dispatch_status(spec: dict[str, Any]) -> None:
        published(spec)
        responses = spec["paths"]["/v1/models/{owner}/{slug}/runs"]["post"]["responses"]
        del responses["200"], responses["202"]

    code, report, _ = run_nightly(tmp_path, capsys, one_dispatch_status)

    assert code == 1  # the two statuses the spec no longer documents are breaking drift
    reading = "the spec documents 201 as the only success status of POST /v1/models/{owner}/{slug}/runs"
    assert {"id": "dispatch-success-status", "reading": reading} in report["settled"]
    settled = [f for f in report["findings"] if f["rule"] == "ledger-entry-settled"]
    assert len(settled) == len(report["settled"])
    assert ("info", "dispatch-success-status", reading) in {
        (f["severity"], f["location"], f["message"]) for f in settled
    }
    text = markdown(tmp_path)
    assert "### Contradiction ledger: settled by the fetched spec" in text
    assert f"| `dispatch-success-status` | {reading} |" in text
    ledger = next(stage for stage in report["stages"] if stage["name"] == "ledger")
    assert ledger["detail"] == f"{len(report['settled'])} entries settled by the fetched spec"


def drop_404(spec: dict[str, Any]) -> None:
    del spec["paths"]["/v1/runs/{id}"]["get"]["responses"]["404"]


def test_acknowledged_changes_stop_counting_until_their_entries_expire(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, first, _ = run_nightly(tmp_path, capsys, drop_404)
    breaking = [f["id"] for f in first["findings"] if f["severity"] == "breaking"]
    assert len(breaking) == first["breaking"] > 1
    allowlist = {
        "entries": [
            {"fingerprint": fp, "reason": "recording to refresh", "expires": "2026-03-31"} for fp in breaking
        ]
    }

    code, report, _ = run_nightly(tmp_path, capsys, drop_404, allowlist=allowlist, today="2026-03-31")
    assert (code, report["status"], report["breaking"]) == (0, "clean", 0)
    assert report["acknowledged"] == len(breaking)
    assert all(
        f["acknowledged"] == {"reason": "recording to refresh", "expires": "2026-03-31"}
        for f in report["findings"]
        if f["id"] in breaking
    )
    assert (
        f"| allow-list | ok | {len(breaking)} entries on 2026-03-31: {len(breaking)} changes acknowledged |"
        in (markdown(tmp_path))
    )
    junit = ET.parse(tmp_path / "reports" / "drift.junit.xml").getroot()
    assert not junit.findall(".//failure")

    code, report, _ = run_nightly(tmp_path, capsys, drop_404, allowlist=allowlist, today="2026-04-01")
    assert (code, report["status"], report["breaking"], report["acknowledged"]) == (
        1,
        "breaking",
        len(breaking),
        0,
    )
    expired = [f for f in report["findings"] if f["rule"] == "allowlist-entry-expired"]
    assert [f["location"] for f in expired] == sorted(f"allow-list {fp}" for fp in breaking)


def test_a_malformed_allowlist_is_an_error_that_keeps_the_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    allowlist = {"entries": [{"fingerprint": "0123456789ab", "reason": "r", "expires": "soon"}]}
    code, report, err = run_nightly(tmp_path, capsys, drop_404, allowlist=allowlist)

    assert (code, report["status"]) == (2, "error")
    message = "allow.yaml: entry 1 (0123456789ab): expires must be a date (YYYY-MM-DD), got 'soon'"
    assert err.strip() == f"error: allow-list: {message}"
    assert report["breaking"] > 0
    assert "**This run is incomplete**: allow-list (error)." in markdown(tmp_path)


def test_live_mode_runs_the_live_suite_against_the_api_and_reports_the_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a key, the contract suite is the live one; here the emulator stands in for Runflow."""
    key = "rf_live_nightlyOfflineKey1"
    with running(EmulatorConfig(run_seconds=0.2, api_key=key, seed=3)) as api:
        monkeypatch.setenv("RUNFLOW_API_KEY", key)
        monkeypatch.setenv("RUNFLOW_BASE_URL", api)
        code, report, _ = run_nightly(tmp_path, capsys, budget=2, catalog=catalog_routes(key))

    assert code == 0, report["stages"]
    assert report["mode"] == "live"
    suite = next(stage for stage in report["stages"] if stage["name"] == "contract suite")
    assert "0 failed" in suite["detail"]
    assert "0 violation(s)" in suite["detail"]
    assert len(report["ledger"]) == len(yaml.safe_load(LEDGER.read_text())["entries"])
    assert "### Contradiction ledger: what the API does" in (tmp_path / "reports" / "drift.md").read_text()
    assert key not in (tmp_path / "reports" / "drift.json").read_text()


def _mirror_with(tmp_path: Path, name: str, text: str | None) -> Path:
    """The recorded pages with one page replaced (``text``) or missing (None)."""
    mirror = tmp_path / "pages"
    mirror.mkdir()
    for page in MODEL_PAGES_FIXTURES.glob("*.txt"):
        (mirror / page.name).write_bytes(page.read_bytes())
    if text is None:
        (mirror / name).unlink()
    else:
        (mirror / name).write_text(text)
    return mirror


def test_a_model_page_that_lowers_a_maximum_makes_the_run_breaking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (MODEL_PAGES_FIXTURES / "flux-2-klein-4b.llms.txt").read_text()
    lowered = page.replace("- **Min**: 1 - **Max**: 50", "- **Min**: 1 - **Max**: 8")
    assert lowered != page
    mirror = _mirror_with(tmp_path, "flux-2-klein-4b.llms.txt", lowered)
    code, report, _ = run_nightly(tmp_path, capsys, pages_from=mirror)

    assert code == 1
    assert report["status"] == "breaking"
    [finding] = [f for f in report["findings"] if f["rule"] == "request-property-max-decreased"]
    assert finding["operation"] == "POST /v1/run/black-forest-labs/flux-2-klein-4b"
    assert finding["location"] == "llms page input.num_inference_steps"
    assert (
        "https://www.runflow.io/api/models/black-forest-labs/flux-2-klein-4b/llms.txt" in finding["message"]
    )


def test_an_unreachable_model_page_is_an_error_stage_never_no_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mirror = _mirror_with(tmp_path, "flux-2-klein-9b.docs.txt", None)
    code, report, err = run_nightly(tmp_path, capsys, pages_from=mirror)

    assert code == 2
    [stage] = [s for s in report["stages"] if s["name"] == "docs drift"]
    assert stage["status"] == "error"
    assert "5 pages read" in stage["detail"]
    assert "flux-2-klein-9b.docs.txt" in stage["detail"]
    assert "error: docs drift: " in err
    assert "No changes found." not in markdown(tmp_path)


def test_a_page_that_is_not_a_model_page_is_an_error_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marketing = (MODEL_PAGES_FIXTURES / "flux-2-klein-4b-edit.marketing.txt").read_text()
    mirror = _mirror_with(tmp_path, "flux-2-klein-4b-edit.docs.txt", marketing)
    code, report, _ = run_nightly(tmp_path, capsys, pages_from=mirror)

    assert code == 2
    [stage] = [s for s in report["stages"] if s["name"] == "docs drift"]
    assert (
        "https://docs.runflow.io/models/black-forest-labs/flux-2-klein-4b/edit: not a model page"
        in stage["detail"]
    )


# ---------------------------------------------------------------- the model catalog (synthetic responses)


def agreeing_declaration(model_id: str) -> dict[str, Any]:
    """A synthetic catalog response (none has been recorded) stating the contract's run inputs."""
    definitions, contracts = load_contracts(CONTRACTS_DIR)
    [contract] = [c for c in contracts if c.model_id == model_id]
    inputs = [
        {
            "name": field.name,
            "variable_type_code": field.type or "any",
            "is_required": field.required,
            "default_value": field.default,
            "validator_attrs": {"choices": field.allowed, "min": field.minimum, "max": field.maximum},
        }
        for field in contract_declaration(contract, definitions, kind="run").inputs
    ]
    return {"data": {"model_id": model_id, "inputs": inputs}}


def catalog_routes(key: str, **changed: dict[str, Any]) -> dict[str, Route]:
    """``GET /v1/models/<model>`` for every klein model, answered only with ``key``; ``changed`` replaces
    the declaration of a model (by its slug, ``-`` for ``/``)."""
    _, contracts = load_contracts(CONTRACTS_DIR)

    def route(doc: dict[str, Any]) -> Route:
        def answer(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
            granted = handler.headers.get("Authorization") == f"Bearer {key}"
            data = json.dumps(doc).encode() if granted else b'{"code": "UNAUTHORIZED"}'
            body(200 if granted else 401, data)(handler, release)

        return answer

    return {
        f"/v1/models/{c.model_id}": route(changed.get(c.path.stem, agreeing_declaration(c.model_id)))
        for c in contracts
    }


CATALOG_KEY = "rf_live_catalogOfflineKey1"


def test_with_a_key_each_catalog_declaration_is_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", CATALOG_KEY)
    lowered = agreeing_declaration("black-forest-labs/flux-2-klein-9b")
    [num_images] = [i for i in lowered["data"]["inputs"] if i["name"] == "num_images"]
    num_images["validator_attrs"]["max"] = 2
    routes = catalog_routes(CATALOG_KEY, **{"flux-2-klein-9b": lowered})
    code, report, _ = run_nightly(tmp_path, capsys, catalog=routes, replay=True)

    [stage] = [s for s in report["stages"] if s["name"] == "docs drift"]
    assert stage["detail"] == "6 pages read, 4 catalog declarations read, 1 finding"
    assert code == 1
    [finding] = [f for f in report["findings"] if f["location"].startswith("catalog")]
    assert finding["rule"] == "request-property-max-decreased"
    assert finding["operation"] == "POST /v1/models/black-forest-labs/flux-2-klein-9b/runs"
    assert finding["location"] == "catalog page input.num_images"
    # A page change is acted on in the contracts, not by regenerating, and is reported as docs drift.
    assert finding["next_step"] == advice.FROM_MODEL_PAGE
    junit = ET.parse(tmp_path / "reports" / "drift.junit.xml").getroot()
    [docs_suite] = [s for s in junit.iter("testsuite") if s.get("name") == "docs drift"]
    assert [case.get("name") for case in docs_suite.iter("testcase")] == [
        f"[{finding['id']}] request-property-max-decreased "
        "POST /v1/models/black-forest-labs/flux-2-klein-9b/runs catalog page input.num_images"
    ]


def test_a_catalog_that_refuses_the_key_is_an_error_that_never_shows_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNFLOW_API_KEY", CATALOG_KEY)
    code, report, err = run_nightly(tmp_path, capsys, catalog=catalog_routes("another-key"), replay=True)

    assert code == 2
    [stage] = [s for s in report["stages"] if s["name"] == "docs drift"]
    assert stage["status"] == "error"
    assert "0 catalog declarations read" in stage["detail"]
    assert "/v1/models/black-forest-labs/flux-2-klein-4b answered HTTP 401" in stage["detail"]
    for text in (err, markdown(tmp_path), (tmp_path / "reports" / "drift.json").read_text()):
        assert CATALOG_KEY not in text


def test_the_reports_never_carry_the_api_key_whatever_a_stage_quoted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reports become a job summary, an issue and a pull-request body: the last line of defence."""
    monkeypatch.setenv("RUNFLOW_API_KEY", f" {CATALOG_KEY}\n")
    result = nightly.Nightly()
    result.stages.append(nightly.Stage("docs drift", "error", f"refused header b'Bearer {CATALOG_KEY}'"))

    nightly.write_reports(result, tmp_path)

    for name in ("drift.md", "drift.json", "drift.junit.xml"):
        text = (tmp_path / name).read_text()
        assert CATALOG_KEY not in text, name
        assert "[redacted]" in text, name
