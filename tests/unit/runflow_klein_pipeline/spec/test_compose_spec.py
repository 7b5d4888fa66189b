"""scripts/compose_spec.py: determinism, provenance, inheritance from upstream, and conflicts.

Most tests call the pure ``compose`` on an edited copy of the committed upstream spec; those about
the command line (exit codes, messages, files left alone) run ``main`` like the script does.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from runflow_klein_pipeline.documents import (
    Json,
    SpecError,
    dump_json,
    load_json,
    resolve_pointer,
    validate_openapi,
)
from runflow_klein_pipeline.layout import COMPOSED_SPEC, CONTRACTS_DIR, SURFACE_OVERLAY, UPSTREAM_SPEC
from runflow_klein_pipeline.spec import compose as compose_spec
from runflow_klein_pipeline.spec.surface import load_overlay

from .support import ScriptResult, run_script

KLEIN_4B_RUN = "/v1/models/black-forest-labs/flux-2-klein-4b/runs"
KLEIN_4B_LEGACY = "/v1/run/black-forest-labs/flux-2-klein-4b"
UPSTREAM_OP_ID = "upstream_flux_2_klein_4b"
SENTINEL = b"previous composed spec\n"
FIX = "run `nox -s regenerate` (it composes first) and commit the result"
OVERLAY = load_overlay(SURFACE_OVERLAY)


@pytest.fixture(scope="module")
def committed_upstream() -> Json:
    doc = load_json(UPSTREAM_SPEC)
    assert isinstance(doc, dict)
    return doc


@pytest.fixture
def upstream(committed_upstream: Json) -> Json:
    """A private copy of the upstream spec that a test may edit."""
    return copy.deepcopy(committed_upstream)


@pytest.fixture(scope="module")
def contracts() -> tuple[Json, list[compose_spec.Contract]]:
    return compose_spec.load_contracts(CONTRACTS_DIR)


@pytest.fixture(scope="module")
def fresh_composition(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The composed spec written by ``main`` from the committed inputs, once per module."""
    out = tmp_path_factory.mktemp("compose") / "composed.json"
    with contextlib.redirect_stdout(io.StringIO()):
        assert compose_spec.main(["--out", str(out)]) == 0
    return out.read_bytes()


@pytest.fixture(scope="module")
def composed_doc() -> Json:
    doc = load_json(COMPOSED_SPEC)
    assert isinstance(doc, dict)
    return doc


def compose(upstream: Json, contracts: tuple[Json, list[compose_spec.Contract]]) -> Json:
    definitions, models = contracts
    result = compose_spec.compose(upstream, definitions, models, overlay=OVERLAY, prefer=None)
    assert result.disagreements == []
    return result.spec


def klein_operations(spec: Json) -> Iterator[tuple[str, Json]]:
    for path, item in spec["paths"].items():
        for operation in item.values():
            if isinstance(operation, dict) and "x-klein-model" in operation:
                yield path, operation


def run_compose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], upstream: Json | bytes, *extra: str
) -> tuple[ScriptResult, Path]:
    """Run the script on ``upstream`` into an output file that already holds SENTINEL."""
    upstream_path, out = tmp_path / "upstream.json", tmp_path / "composed.json"
    upstream_path.write_bytes(upstream if isinstance(upstream, bytes) else dump_json(upstream))
    out.write_bytes(SENTINEL)
    argv = ["--upstream", str(upstream_path), "--out", str(out), *extra]
    return run_script(compose_spec.main, argv, capsys), out


def inline(doc: Json, node: Any) -> Any:
    """``node`` with every local $ref replaced by its target and x- annotations dropped.

    This is how a real upstream spec could type a per-model operation without our component names.
    """
    if isinstance(node, list):
        return [inline(doc, item) for item in node]
    if not isinstance(node, dict):
        return node
    own = {
        key: inline(doc, value) for key, value in node.items() if key != "$ref" and not key.startswith("x-")
    }
    if "$ref" in node:
        return {**inline(doc, resolve_pointer(doc, node["$ref"])), **own}
    return own


def per_model_operation(model_input: Json, model_output: Json) -> Json:
    """An upstream per-model run operation whose body and run carry the given schemas."""
    run = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "output": model_output},
    }
    return {
        "operationId": UPSTREAM_OP_ID,
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "object", "required": ["input"], "properties": {"input": model_input}}
                }
            },
        },
        "responses": {"200": {"description": "Run", "content": {"application/json": {"schema": run}}}},
    }


def typed_4b_operation(composed_doc: Json) -> Json:
    """An upstream 4B run operation typed exactly as the contract types it."""
    schemas = composed_doc["components"]["schemas"]
    return per_model_operation(
        inline(composed_doc, schemas["Flux2Klein4bInput"]),
        inline(composed_doc, schemas["Flux2Klein4bRun"]["properties"]["output"]),
    )


def conflicting_4b_operation(composed_doc: Json) -> Json:
    operation = typed_4b_operation(composed_doc)
    model_input = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]["input"]
    model_input["properties"]["output_format"]["enum"] = ["png", "gif"]
    model_input["required"] = ["prompt", "seed"]
    return operation


# ---------------------------------------------------------------- the committed composition


def test_composition_is_byte_identical_on_every_run(
    fresh_composition: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "again.json"
    out.write_bytes(fresh_composition)

    result = run_script(compose_spec.main, ["--out", str(out)], capsys)

    assert result.code == 0, result.stderr
    assert out.read_bytes() == fresh_composition
    assert "(unchanged)" in result.stdout, "a second run found something to update"


def test_committed_composed_spec_is_current(fresh_composition: bytes) -> None:
    assert COMPOSED_SPEC.read_bytes() == fresh_composition, f"{COMPOSED_SPEC.name} is stale: {FIX}"


def test_composed_spec_is_valid_openapi(composed_doc: Json) -> None:
    validate_openapi(composed_doc, what=str(COMPOSED_SPEC))


def test_every_contract_endpoint_is_a_typed_operation(
    composed_doc: Json, contracts: tuple[Json, list[compose_spec.Contract]]
) -> None:
    _, models = contracts
    expected = {
        (endpoint["path"], endpoint["operationId"], model.model_id)
        for model in models
        for _, endpoint in model.endpoints()
    }
    found = {(path, op["operationId"], op["x-klein-model"]) for path, op in klein_operations(composed_doc)}
    assert found == expected
    for model in models:
        for kind, endpoint in model.endpoints():
            operation = composed_doc["paths"][endpoint["path"]]["post"]
            assert operation["x-source"] == endpoint["x-source"]
            assert operation["x-contract"] == f"openapi/contracts/{model.path.name}"
            body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            suffix = "RunRequest" if kind == "run" else "LegacyRequest"
            assert body == f"#/components/schemas/{model.prefix}{suffix}"


# ---------------------------------------------------------------- typed operations follow upstream


def test_typed_operations_inherit_a_new_error_status(
    upstream: Json, contracts: tuple[Json, list[compose_spec.Contract]]
) -> None:
    generic = compose_spec.find_generic_dispatch(upstream)
    teapot = {
        "description": "Teapot",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    upstream["paths"][generic.path]["post"]["responses"]["418"] = teapot

    spec = compose(upstream, contracts)

    operations = dict(klein_operations(spec))
    assert len(operations) == 6
    for path, operation in operations.items():
        assert operation["responses"].get("418") == teapot, path


def test_typed_runs_inherit_a_renamed_run_field(
    upstream: Json, contracts: tuple[Json, list[compose_spec.Contract]]
) -> None:
    run = upstream["components"]["schemas"]["Run"]
    run["properties"]["state"] = run["properties"].pop("status_code")

    spec = compose(upstream, contracts)

    schemas = spec["components"]["schemas"]
    typed_runs = [name for name in schemas if name.startswith("Flux2Klein") and name.endswith("Run")]
    assert len(typed_runs) == 4
    for name in typed_runs:
        assert "state" in schemas[name]["properties"], name
        assert "status_code" not in schemas[name]["properties"], name
        assert schemas[name]["properties"]["output"]["anyOf"][0] == {
            "$ref": f"#/components/schemas/{name.removesuffix('Run')}Output"
        }


def test_typed_requests_inherit_body_fields_and_parameters(
    upstream: Json, contracts: tuple[Json, list[compose_spec.Contract]]
) -> None:
    generic = compose_spec.find_generic_dispatch(upstream)
    priority = {"type": "integer", "minimum": 0}
    upstream["components"]["schemas"]["CreateRunRequest"]["properties"]["priority"] = priority
    trace = {"name": "X-Trace-Id", "in": "header", "required": False, "schema": {"type": "string"}}
    upstream["paths"][generic.path]["post"]["parameters"].append(trace)

    spec = compose(upstream, contracts)

    for path, operation in klein_operations(spec):
        assert trace in operation["parameters"], path
        assert all(p.get("in") != "path" for p in operation["parameters"]), (
            "path params belong to the generic op"
        )
    for name, schema in spec["components"]["schemas"].items():
        if name.endswith("RunRequest"):
            assert schema["properties"]["priority"] == priority, name


# ---------------------------------------------------------------- run outputs and enums in what the API sends

NORMALIZED = {"anyOf": [{"$ref": "#/components/schemas/NormalizedOutput"}, {"type": "null"}]}


def test_runs_of_any_model_have_the_normalized_output(composed_doc: Json) -> None:
    """GET /v1/runs/{id}, GET /v1/runs items, callback payloads and deliveries: typed, nullable output."""
    schemas = composed_doc["components"]["schemas"]
    for name in ("Run", "CallbackPayload"):
        output = schemas[name]["properties"]["output"]
        assert {key: output[key] for key in ("anyOf",)} == NORMALIZED, name
        assert "description" in output, f"{name}.output lost upstream's description"
    assert schemas["RunPage"]["properties"]["items"]["items"] == {"$ref": "#/components/schemas/Run"}
    payload = schemas["CallbackDelivery"]["properties"]["payload"]["anyOf"][0]
    assert payload == {"$ref": "#/components/schemas/CallbackPayload"}
    run_response = composed_doc["paths"]["/v1/runs/{id}"]["get"]["responses"]["200"]
    assert run_response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Run"}
    items = schemas["NormalizedOutput"]["properties"]["outputs"]["items"]
    assert items == {"$ref": "#/components/schemas/KleinOutputItem"}
    assert schemas["NormalizedOutput"]["additionalProperties"] is True
    for model in ("Flux2Klein4b", "Flux2Klein4bEdit", "Flux2Klein9b", "Flux2Klein9bEdit"):
        typed = schemas[f"{model}Run"]["properties"]["output"]["anyOf"][0]
        assert typed == {"$ref": f"#/components/schemas/{model}Output"}, "a model's run keeps its own output"


def test_an_upstream_run_output_that_disagrees_is_a_disagreement(
    upstream: Json, contracts: tuple[Json, list[compose_spec.Contract]]
) -> None:
    images = {"type": "object", "required": ["images"], "properties": {"images": {"type": "array"}}}
    upstream["components"]["schemas"]["Run"]["properties"]["output"] = {"anyOf": [images, {"type": "null"}]}
    definitions, models = contracts

    result = compose_spec.compose(upstream, definitions, models, overlay=OVERLAY, prefer=None)
    kept = compose_spec.compose(upstream, definitions, models, overlay=OVERLAY, prefer="upstream")

    assert "Run.output: required is ['images'] upstream, [] in the contract" in result.disagreements
    assert "Run.output.outputs: only in the contract" in result.disagreements
    assert kept.spec["components"]["schemas"]["Run"]["properties"]["output"]["anyOf"][0] == images
    callback = kept.spec["components"]["schemas"]["CallbackPayload"]["properties"]["output"]
    assert callback["anyOf"] == NORMALIZED["anyOf"], "an untyped upstream output is typed all the same"


def test_the_normalized_output_must_be_defined(
    upstream: Json, contracts: tuple[Json, list[compose_spec.Contract]]
) -> None:
    definitions, models = contracts
    without = {name: schema for name, schema in definitions.items() if name != "NormalizedOutput"}
    with pytest.raises(SpecError, match="lacks the NormalizedOutput definition"):
        compose_spec.compose(upstream, without, models, overlay=OVERLAY, prefer=None)


def _enum_sites(doc: Json) -> dict[str, bool]:
    """Every property typed with an enum component, and whether it is open (also takes a plain string)."""
    schemas = doc["components"]["schemas"]
    enums = {f"#/components/schemas/{name}" for name, schema in schemas.items() if "enum" in schema}
    sites = {}
    for name, schema in schemas.items():
        for prop, sub in schema.get("properties", {}).items():
            branches = [sub, *sub.get("anyOf", [])]
            if any(branch.get("$ref") in enums for branch in branches):
                sites[f"{name}.{prop}"] = any(compose_spec.OPEN_ENUM in branch for branch in branches)
            assert "enum" not in sub, f"{name}.{prop} is an inline enum"
    return sites


def test_enums_the_api_sends_are_open_and_enums_we_send_are_closed(composed_doc: Json) -> None:
    sites = _enum_sites(composed_doc)
    opened = {site for site, is_open in sites.items() if is_open}
    assert opened == {
        "CallbackPayload.event",
        "CallbackPayload.status",  # an upstream inline enum, now the CallbackPayloadStatus component
        "KleinOutputItem.type",  # a contract inline enum, now KleinOutputItemType
        "Run.status_code",
        *(f"Flux2Klein{model}Run.status_code" for model in ("4b", "4bEdit", "9b", "9bEdit")),
    }
    closed = set(sites) - opened
    assert closed, "request enums exist"
    assert all(site.split(".")[0].endswith(("Input", "LegacyRequest")) for site in closed), closed
    status = composed_doc["components"]["schemas"]["Run"]["properties"]["status_code"]
    assert [branch.get("type") for branch in status["anyOf"]] == [None, "string", "null"]


# ---------------------------------------------------------------- upstream per-model operations


def test_untyped_upstream_operation_agrees_and_is_replaced(
    upstream: Json, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generic = compose_spec.find_generic_dispatch(upstream)
    untyped = copy.deepcopy(generic.operation)
    untyped["operationId"] = UPSTREAM_OP_ID
    untyped["parameters"] = [p for p in untyped["parameters"] if "$ref" in p]  # drop {owner} and {slug}
    del untyped["callbacks"]  # a second copy of the callback would need its own name
    upstream["paths"][KLEIN_4B_RUN] = {"post": untyped}

    result, out = run_compose(tmp_path, capsys, upstream)

    assert result.code == 0, result.stderr
    operation = json.loads(out.read_bytes())["paths"][KLEIN_4B_RUN]["post"]
    assert operation["operationId"] == "create_flux_2_klein_4b_run"
    assert operation["x-contract-check"] == "agrees with the upstream operation"
    assert operation["x-upstream-operation-id"] == UPSTREAM_OP_ID


def test_typed_upstream_operation_that_agrees_is_replaced(
    upstream: Json, composed_doc: Json, contracts: tuple[Json, list[compose_spec.Contract]]
) -> None:
    upstream["paths"][KLEIN_4B_RUN] = {"post": typed_4b_operation(composed_doc)}

    spec = compose(upstream, contracts)

    operation = spec["paths"][KLEIN_4B_RUN]["post"]
    assert operation["operationId"] == "create_flux_2_klein_4b_run"
    assert operation["x-contract-check"] == "agrees with the upstream operation"


def test_disagreeing_upstream_operation_fails_and_writes_nothing(
    upstream: Json, composed_doc: Json, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upstream["paths"][KLEIN_4B_RUN] = {"post": conflicting_4b_operation(composed_doc)}

    result, out = run_compose(tmp_path, capsys, upstream)

    assert result.code == 1
    lines = result.stderr.splitlines()
    disagreements = [line for line in lines if line.startswith("disagreement: ")]
    assert len(disagreements) == 2, result.stderr
    assert any("input.output_format: enum is ['gif', 'png'] upstream" in line for line in disagreements)
    assert any(
        "input: required is ['prompt', 'seed'] upstream, ['prompt'] in the contract" in line for line in lines
    )
    assert all(KLEIN_4B_RUN in line for line in disagreements)
    assert lines[-1].startswith("error: 2 disagreement(s)")
    assert out.read_bytes() == SENTINEL


@pytest.mark.parametrize("prefer", ["upstream", "contract"])
def test_prefer_picks_a_side_and_records_the_disagreements(
    upstream: Json,
    composed_doc: Json,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    prefer: str,
) -> None:
    """Either side's schemas, but the contract's name: the client surface never takes upstream's."""
    upstream["paths"][KLEIN_4B_RUN] = {"post": conflicting_4b_operation(composed_doc)}

    result, out = run_compose(tmp_path, capsys, upstream, "--prefer", prefer)

    assert result.code == 0, result.stderr
    assert result.stderr.count("disagreement: ") == 2
    operation = json.loads(out.read_bytes())["paths"][KLEIN_4B_RUN]["post"]
    assert operation["operationId"] == "create_flux_2_klein_4b_run"
    assert operation["x-upstream-operation-id"] == UPSTREAM_OP_ID
    assert isinstance(operation["x-contract-check"], list)
    assert len(operation["x-contract-check"]) == 2


def test_legacy_upstream_operation_is_compared_with_its_flat_body(
    upstream: Json, contracts: tuple[Json, list[compose_spec.Contract]]
) -> None:
    flat = {"type": "object", "properties": {"prompt": {"type": "integer"}}}
    operation = per_model_operation(flat, {"type": "object"})
    operation["requestBody"]["content"]["application/json"]["schema"] = flat
    upstream["paths"][KLEIN_4B_LEGACY] = {"post": operation}
    definitions, models = contracts

    result = compose_spec.compose(upstream, definitions, models, overlay=OVERLAY, prefer=None)

    assert f"POST {KLEIN_4B_LEGACY} input.prompt: type is 'integer' upstream, 'string' in the contract" in (
        result.disagreements
    )


# ---------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            lambda prompt: prompt.pop("x-source"),
            "flux-2-klein-4b.json#run.input.prompt: missing x-source",
            id="no-x-source",
        ),
        pytest.param(
            lambda prompt: prompt.update(maxLength=10),
            "flux-2-klein-4b.json#run.input.prompt: fact 'maxLength' has no x-source",
            id="unsourced-fact",
        ),
        pytest.param(
            lambda prompt: prompt["x-source"].update(type="the docs, probably"),
            "x-source values must be URLs or 'inferred: <why>'",
            id="not-a-url",
        ),
    ],
)
def test_contract_facts_need_provenance(
    upstream: Json,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Any,
    message: str,
) -> None:
    contracts_dir = tmp_path / "contracts"
    shutil.copytree(CONTRACTS_DIR, contracts_dir)
    contract_path = contracts_dir / "flux-2-klein-4b.json"
    contract = json.loads(contract_path.read_bytes())
    edit(contract["run"]["input"]["properties"]["prompt"])
    contract_path.write_bytes(dump_json(contract))

    result, out = run_compose(tmp_path, capsys, upstream, "--contracts", str(contracts_dir))

    assert result.code == 1
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert out.read_bytes() == SENTINEL


def test_upstream_without_the_generic_dispatch_operation(
    upstream: Json, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del upstream["paths"][compose_spec.find_generic_dispatch(upstream).path]

    result, out = run_compose(tmp_path, capsys, upstream)

    assert result.code == 1
    assert result.stderr.startswith("error: upstream spec has no generic dispatch operation")
    assert len(result.stderr.splitlines()) == 1
    assert out.read_bytes() == SENTINEL


def dangling_ref(upstream: Json) -> Json:
    upstream["components"]["schemas"]["Run"]["properties"]["id"] = {"$ref": "#/components/schemas/Missing"}
    return upstream


@pytest.mark.parametrize(
    ("make_upstream", "message"),
    [
        pytest.param(dangling_ref, "is not a valid OpenAPI document", id="dangling-ref"),
        pytest.param(lambda upstream: b"<html>not a spec</html>", "is not valid JSON", id="not-json"),
        pytest.param(
            lambda upstream: {"swagger": "2.0"}, "is not an OpenAPI 3.x document", id="not-openapi-3"
        ),
    ],
)
def test_invalid_upstream_is_refused(
    upstream: Json, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_upstream: Any, message: str
) -> None:
    result, out = run_compose(tmp_path, capsys, make_upstream(upstream))

    assert result.code == 1
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert out.read_bytes() == SENTINEL
