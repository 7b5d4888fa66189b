"""A FastAPI-published upstream document through the whole pipeline, and the runtime on its client.

Every other test checks the pipeline against ``openapi/openapi.public.json``, a document this project
wrote. ``tests/fixtures/fastapi_upstream`` declares the same API as Runflow's FastAPI + pydantic v2
backend would and lets FastAPI write the document. Here that document is fetched, composed and
regenerated the way the published one will be; the client must come out with the committed client's
names (everything the runtime imports included), and the runtime, unchanged, must run on it against an
emulator that serves the fixture's composed spec.

FastAPI's 422 body (``HTTPValidationError``: ``detail[]``) is left as upstream documents it, under its
derived name: the table names things and never retypes them, and the runtime reads error bodies raw
(Runflow's documented 422 is its ``{code, message, errors}`` envelope; which one the API sends is for
the live suite to settle).

Cost: one regeneration (~5 s) per session, built once however many xdist workers ask for it, and one
generator run that fails early (~1.5 s).
"""

from __future__ import annotations

import ast
import fcntl
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from runflow_klein_emulator import EmulatorConfig, Fault, running
from runflow_klein_emulator.scripted_api import API_KEY, png_bytes
from runflow_klein_pipeline.documents import Json, SpecError, load_json
from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.layout import COMPOSED_SPEC, CONTRACTS_DIR, GENERATED_DIR, SURFACE_OVERLAY
from runflow_klein_pipeline.spec import compose as compose_spec
from runflow_klein_pipeline.spec import regenerate
from runflow_klein_pipeline.spec.fetch import vendor_spec
from runflow_klein_pipeline.spec.surface import load_overlay, operations

from tests.fixtures.fastapi_upstream import publish

PACKAGE = Path(regenerate.CLIENT_DIR_NAME) / "runflow_klein_client"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
# Operations upstream has and the project's table does not name: derived names, upstream's tags.
UNNAMED_OPERATIONS = {
    "api/batches/post_batches",
    "api/batches/get_batches_by_batch_id",
    "api/evaluations/post_evaluations",
    "api/evaluations/get_evaluations_by_evaluation_id",
    "api/models/get_models_by_owner_by_slug",
}
AMBIGUOUS_REF = "fastapi-upstream-ambiguous-1"
# Runs in a child whose PYTHONPATH puts the fixture's client first: a 9B edit with an uploaded image whose
# dispatch connection drops after the run was created, so the runtime must find it by client_ref.
KLEIN_CLIENT_SCRIPT = """
import json, sys
import runflow_klein_client
from runflow_klein import KleinClient, RetryPolicy

base_url, image, ref = sys.argv[1:]
with KleinClient(base_url=base_url, inline_image_bytes=0, retry=RetryPolicy(initial_delay=0.01)) as client:
    run = client.run("flux-2-klein-9b/edit", {"prompt": "make it snow"}, images=[image], client_ref=ref)
print(json.dumps({
    "client": runflow_klein_client.__file__, "typed": type(run.typed).__module__,
    "status": run.status, "client_ref": run.client_ref, "outputs": len(run.outputs),
}))
"""

# ---------------------------------------------------------------- the fixture is what it says


def test_the_committed_document_is_what_the_app_publishes() -> None:
    assert publish.document_bytes() == publish.DOCUMENT.read_bytes(), (
        "stale: run python -m tests.fixtures.fastapi_upstream.publish"
    )


def test_the_document_has_what_fastapi_publishes_and_the_reconstruction_does_not() -> None:
    doc = load_json(publish.DOCUMENT)
    schemas = doc["components"]["schemas"]
    by_path = {(method, path): operation for method, path, operation in operations(doc)}
    get_run = by_path[("get", "/v1/runs/{id}")]

    assert get_run["operationId"] == "get_run_v1_runs__id__get"
    assert "security" not in doc
    assert get_run["security"] == [{"HTTPBearer": []}]
    for duplicate in ("FullValidator", "UserSummary"):
        keys = [key for key in schemas if key.endswith(f"__{duplicate}")]
        assert len(keys) == 2
        assert {schemas[key]["title"] for key in keys} == {duplicate}
    assert schemas["Budget-Input"]["title"] == schemas["Budget-Output"]["title"] == "Budget"
    assert schemas["Run"]["properties"]["cost"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    page = by_path[("get", "/v1/runs")]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page == {"$ref": "#/components/schemas/Page_Run_"}
    for creates in ("/v1/models/{owner}/{slug}/runs", "/v1/asset-uploads"):
        assert [status for status in by_path[("post", creates)]["responses"] if status.startswith("2")] == [
            "201"
        ]
    assert get_run["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HTTPValidationError"
    }
    assert sorted(get_run["responses"]) == ["200", "401", "404", "422"]
    assert {"Batches", "Evaluations"} <= {tag for operation in by_path.values() for tag in operation["tags"]}
    assert "runTerminal" in by_path[("post", "/v1/models/{owner}/{slug}/runs")]["callbacks"]


# ---------------------------------------------------------------- fetch → compose → regenerate


@dataclass(frozen=True)
class Pipeline:
    """What the pipeline made of the fixture's document, in a directory every xdist worker can read."""

    root: Path

    @property
    def composed(self) -> Path:
        return self.root / "composed.json"

    @property
    def client_root(self) -> Path:
        """The directory holding the ``runflow_klein_client`` package (what goes on PYTHONPATH)."""
        return self.root / "generated" / regenerate.CLIENT_DIR_NAME

    @cached_property
    def log(self) -> dict[str, Any]:
        log: dict[str, Any] = json.loads((self.root / "log.json").read_text())
        return log


def run_pipeline(root: Path) -> None:
    """fetch (file://) → compose → regenerate into ``root``, recording every step's output in log.json."""
    upstream = root / "openapi.public.json"
    fetched = vendor_spec(publish.DOCUMENT.as_uri(), out=upstream, lock=root / "openapi.lock.json")
    compose_err = io.StringIO()
    with redirect_stderr(compose_err):
        composed = compose_spec.compose_file(upstream, CONTRACTS_DIR, prefer=None)
    out, err = io.StringIO(), io.StringIO()
    argv = ["--upstream", str(upstream), "--generated", str(root / "generated")]
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        run_main(regenerate.main, [*argv, "--composed", str(root / "composed.json")])
    log = {
        "fetch": fetched,
        "compose_stderr": compose_err.getvalue(),
        "regenerate_code": exit_info.value.code,
        "regenerate_stdout": out.getvalue(),
        "regenerate_stderr": err.getvalue(),
        # regenerate composes for itself: the same bytes as compose_file gave (written with the client).
        "composed_alike": exit_info.value.code == 0 and Pipeline(root).composed.read_bytes() == composed,
    }
    (root / "log.json").write_text(json.dumps(log))


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Pipeline:
    """Built once per session: xdist workers share their base temp dirs' parent, and the first to take
    the lock builds while the others wait for it."""
    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / "fastapi-upstream"
    root.mkdir(exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "log.json").is_file():
            run_pipeline(root)
    return Pipeline(root)


def model_classes(package: Path) -> set[str]:
    tree = ast.parse((package / "models" / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"]:
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{package}/models/__init__.py has no __all__")


def client_names(package: Path) -> set[str]:
    """What a consumer imports: ``api/<tag>/<module>`` for every operation and ``models.<Class>``."""
    modules = {
        str(module.relative_to(package).with_suffix(""))
        for module in (package / "api").glob("*/*.py")
        if module.name != "__init__.py"
    }
    return modules | {f"models.{name}" for name in model_classes(package)}


def client_parameters(package: Path) -> dict[str, str]:
    """Each operation module's ``client`` annotation: the runtime passes its own plain ``Client`` to all."""
    annotations = {}
    for module in (package / "api").glob("*/*.py"):
        for node in ast.parse(module.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name == "sync_detailed":
                client = next(arg for arg in node.args.kwonlyargs if arg.arg == "client")
                assert client.annotation is not None
                annotations[str(module.relative_to(package))] = ast.unparse(client.annotation)
    return annotations


def test_the_pipeline_gives_the_fastapi_document_the_committed_clients_names(pipeline: Pipeline) -> None:
    """Everything the committed client has (every operation module, every class, so everything the
    runtime imports) the fixture's client has under the same name, and its operations take the same
    client; upstream's extra operations get derived names in upstream's packages."""
    log = pipeline.log
    assert log["regenerate_code"] == 0, log["regenerate_stderr"]
    assert log["fetch"].startswith("changed: sha256 (none)")
    # No table entry that matched nothing, no disagreement, no generator warning (--fail-on-warning).
    assert (log["compose_stderr"], log["regenerate_stderr"]) == ("", "")
    assert log["regenerate_stdout"].rstrip().endswith("(6 klein operations)")
    assert log["composed_alike"]

    committed = client_names(GENERATED_DIR / PACKAGE)
    regenerated = client_names(pipeline.client_root / PACKAGE.name)

    assert sorted(committed - regenerated) == []
    assert {name for name in regenerated - committed if name.startswith("api/")} == UNNAMED_OPERATIONS
    committed_clients = client_parameters(GENERATED_DIR / PACKAGE)
    regenerated_clients = client_parameters(pipeline.client_root / PACKAGE.name)
    assert {module: regenerated_clients[module] for module in committed_clients} == committed_clients


def surface(doc: Json) -> set[str]:
    """The names a composed document gives its client: ``<tag>.<operationId>`` and component names."""
    names = {f"{operation['tags'][0]}.{operation['operationId']}" for _, _, operation in operations(doc)}
    return names | set(doc["components"]["schemas"])


def test_without_the_table_the_fastapi_document_gives_upstreams_names() -> None:
    """The table is what turns FastAPI's names into the project's: with one entry that names nothing
    instead, what the runtime imports is gone."""
    definitions, contracts = compose_spec.load_contracts(CONTRACTS_DIR)
    bare = {**load_overlay(SURFACE_OVERLAY), "actions": [{"target": "$.nothing", "update": {}}]}

    composed = compose_spec.compose(
        load_json(publish.DOCUMENT), definitions, contracts, overlay=bare, prefer=None
    ).spec

    lost = surface(load_json(COMPOSED_SPEC)) - surface(composed)
    assert {"Runs.get_run", "Runs.search_runs", "Media.create_asset_upload", "RunPage"} <= lost
    assert {"Runs.get_runs_by_id", "Runs.get_runs", "PageRun"} <= surface(composed)


def test_the_document_as_published_breaks_the_generator(tmp_path: Path) -> None:
    """What broke openapi-python-client before the surface step: FastAPI's duplicate titles."""
    with pytest.raises(SpecError, match='Attempted to generate duplicate models with name "'):
        regenerate.generate_client(publish.DOCUMENT, tmp_path / "client")


# ---------------------------------------------------------------- the runtime, unchanged, on that client


@pytest.fixture(scope="module")
def emulator_url(pipeline: Pipeline) -> Iterator[str]:
    config = EmulatorConfig(
        run_seconds=0,
        api_key=API_KEY,
        spec_path=pipeline.composed,
        faults=(Fault(kind="drop", process=True, operation="create_flux_2_klein_9b_edit_run"),),
    )
    with running(config) as url:
        yield url


def fixture_client_env(pipeline: Pipeline) -> dict[str, str]:
    """This environment with the fixture's client first on the import path (before the installed one)."""
    path = os.pathsep.join(filter(None, [str(pipeline.client_root), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "RUNFLOW_API_KEY": API_KEY}


def test_the_emulator_answers_the_fixtures_statuses_and_security(emulator_url: str) -> None:
    dispatch = "/v1/models/black-forest-labs/flux-2-klein-4b/runs"
    body = {"input": {"prompt": "a red fox"}}
    with httpx.Client(base_url=emulator_url, timeout=10) as api:
        assert api.post(dispatch, json=body).status_code == 401  # the typed operation kept the security
        assert api.post(dispatch, json=body, headers=AUTH).status_code == 201
        assert api.get("/v1/health").status_code == 200


def test_the_cli_runs_on_the_fixtures_client(pipeline: Pipeline, emulator_url: str, tmp_path: Path) -> None:
    cli = Path(sys.executable).with_name("runflow-klein")
    argv = ["run", "flux-2-klein-4b", "--prompt", "a lighthouse at dusk", "--format", "webp"]
    argv += ["--out", str(tmp_path), "--base-url", emulator_url, "--json"]

    result = subprocess.run(
        [str(cli), *argv],
        env=fixture_client_env(pipeline),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "succeeded"
    with Image.open(summary["outputs"][0]["path"]) as image:
        assert image.format == "WEBP"


def test_klein_client_uploads_and_finds_an_ambiguous_dispatch_on_the_fixtures_client(
    pipeline: Pipeline, emulator_url: str, tmp_path: Path
) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes((8, 8)))
    command = [sys.executable, "-c", KLEIN_CLIENT_SCRIPT, emulator_url, str(image), AMBIGUOUS_REF]

    result = subprocess.run(
        command, env=fixture_client_env(pipeline), capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert Path(outcome["client"]).is_relative_to(pipeline.client_root)
    assert outcome["typed"] == "runflow_klein_client.models.run"  # the fixture's generated Run parsed it
    assert (outcome["status"], outcome["client_ref"], outcome["outputs"]) == ("succeeded", AMBIGUOUS_REF, 1)
    with httpx.Client(base_url=emulator_url, headers=AUTH, timeout=10) as api:
        found = api.get("/v1/runs", params={"q": f"client_ref.EQ:'{AMBIGUOUS_REF}'"}).json()["items"]
    assert len(found) == 1  # dispatched once: the dropped dispatch was found, not sent again
    assert found[0]["input"]["image_urls"][0].startswith("runflow://assets/")  # the 201 upload flow
