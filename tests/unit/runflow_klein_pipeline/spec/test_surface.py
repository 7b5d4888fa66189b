"""The client surface the project owns: the same names whatever the upstream document calls things.

The property at the heart of it: renaming every upstream operationId, component key and title,
reordering paths and components, and switching nullability forms changes nothing a consumer of the
composed spec (and so of the generated client) can see.
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from runflow_klein_pipeline.documents import Json, SpecError, dump_json, load_json
from runflow_klein_pipeline.layout import CONTRACTS_DIR, GENERATED_DIR, SURFACE_OVERLAY, UPSTREAM_SPEC
from runflow_klein_pipeline.spec import compose as compose_spec
from runflow_klein_pipeline.spec import regenerate
from runflow_klein_pipeline.spec.surface import (
    canonical_nullable,
    derived_component_names,
    derived_operation_name,
    load_overlay,
    operations,
    own_surface,
)

from . import upstream_mutations
from .support import run_script, tree_digest

OVERLAY = load_overlay(SURFACE_OVERLAY)


@cache
def vendored() -> Json:
    doc = load_json(UPSTREAM_SPEC)
    assert isinstance(doc, dict)
    return doc


@cache
def contracts() -> tuple[Json, list[compose_spec.Contract]]:
    return compose_spec.load_contracts(CONTRACTS_DIR)


def composed(upstream: Json) -> Json:
    definitions, models = contracts()
    result = compose_spec.compose(upstream, definitions, models, overlay=OVERLAY, prefer=None)
    assert result.disagreements == []
    return result.spec


def without_provenance(node: Any) -> Any:
    """The document minus the ``x-upstream-*`` records of upstream's names (they differ by design)."""
    if isinstance(node, dict):
        return {k: without_provenance(v) for k, v in node.items() if not k.startswith("x-upstream-")}
    if isinstance(node, list):
        return [without_provenance(v) for v in node]
    return node


# ---------------------------------------------------------------- the table applies to the vendored spec


def test_every_table_entry_names_something_in_the_vendored_spec() -> None:
    assert own_surface(vendored(), OVERLAY, where="t").unmatched == ()


def test_the_surface_keeps_upstream_names_for_provenance() -> None:
    doc = upstream_mutations.everything(vendored(), seed=1)
    upstream_ids = {(m, p): op.get("operationId") for m, p, op in operations(doc)}

    owned = own_surface(doc, OVERLAY, where="t").doc

    for method, path, operation in operations(owned):
        assert operation.get("x-upstream-operation-id") == upstream_ids[(method, path)]
    run = owned["components"]["schemas"]["Run"]
    assert run["title"] == "Run"
    assert run["x-upstream-name"].startswith("app__")


# ---------------------------------------------------------------- invariance


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_renaming_reordering_and_renulling_upstream_changes_nothing_composed(seed: int) -> None:
    mutated = upstream_mutations.everything(vendored(), seed)
    assert mutated != vendored()

    assert without_provenance(composed(mutated)) == without_provenance(composed(vendored()))


def test_a_renamed_upstream_regenerates_the_committed_client_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The property above, checked once all the way through the generator (a few seconds)."""
    upstream = tmp_path / "upstream.json"
    upstream.write_bytes(dump_json(upstream_mutations.everything(vendored(), seed=20261126)))
    generated = tmp_path / "generated"
    argv = [
        "--upstream",
        str(upstream),
        "--generated",
        str(generated),
        "--composed",
        str(tmp_path / "c.json"),
    ]

    result = run_script(regenerate.main, argv, capsys)

    assert result.code == 0, result.stderr
    client = Path(regenerate.CLIENT_DIR_NAME)
    assert tree_digest(generated / client) == tree_digest(GENERATED_DIR / client)


# ---------------------------------------------------------------- names of what the table does not name


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("get", "/v1/runs/{run_id}/logs", "get_runs_by_run_id_logs"),
        ("post", "/v1/batches", "post_batches"),
        ("delete", "/v2/asset-folders/{folderId}", "delete_asset_folders_by_folder_id"),
        ("get", "/", "get"),
    ],
)
def test_operations_the_table_does_not_name_are_named_after_method_and_path(
    method: str, path: str, name: str
) -> None:
    assert derived_operation_name(method, path) == name


def test_module_qualified_duplicates_get_unique_readable_class_names() -> None:
    """FastAPI qualifies a class name by module when two models share it; every one keeps the title."""
    names = derived_component_names(
        [
            "models__model_content__ModelExample__FullValidator",
            "models__flows__FullValidator",
            "Page_Run_",
            "HTTPValidationError",
            "a_b",
            "a.b",
        ]
    )

    assert names == {
        "models__model_content__ModelExample__FullValidator": "ModelExampleFullValidator",
        "models__flows__FullValidator": "FlowsFullValidator",
        "Page_Run_": "PageRun",
        "HTTPValidationError": "HTTPValidationError",
        "a.b": "AB1",  # numbered in key order: "." sorts before "_"
        "a_b": "AB2",
    }
    assert len(set(names.values())) == len(names)


def test_upstream_additions_get_derived_names_and_keep_their_tag() -> None:
    doc = json.loads(json.dumps(vendored()))
    doc["paths"]["/v1/batches/{batch_id}"] = {
        "get": {
            "operationId": "get_batch_v1_batches__batch_id__get",
            "tags": ["Batches"],
            "parameters": [
                {"name": "batch_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/app__batches__Batch"}}
                    },
                }
            },
        }
    }
    doc["components"]["schemas"]["app__batches__Batch"] = {"title": "FullValidator", "type": "object"}

    owned = own_surface(doc, OVERLAY, where="t").doc

    operation = owned["paths"]["/v1/batches/{batch_id}"]["get"]
    assert (operation["operationId"], operation["tags"]) == ("get_batches_by_batch_id", ["Batches"])
    assert operation["x-upstream-operation-id"] == "get_batch_v1_batches__batch_id__get"
    assert owned["components"]["schemas"]["Batch"]["title"] == "Batch"
    assert owned["components"]["schemas"]["Batch"]["x-upstream-title"] == "FullValidator"


def test_two_names_for_one_component_are_refused() -> None:
    overlay = {
        "overlay": "1.0.0",
        "info": {"title": "t", "version": "1"},
        "actions": [
            {"target": "$.components.schemas.Run", "update": {"x-client-name": "Run"}},
            {
                "target": "$.paths['/v1/runs/{id}'].get.responses['200'].content['application/json'].schema",
                "update": {"x-client-name": "RunRecord"},
            },
        ],
    }

    with pytest.raises(SpecError, match=r"component 'Run' is given several names: 'Run' at .*'RunRecord' at"):
        own_surface(vendored(), overlay, where="t")


def test_a_name_given_twice_is_refused() -> None:
    overlay = {
        "overlay": "1.0.0",
        "info": {"title": "t", "version": "1"},
        "actions": [{"target": "$.paths.*.get", "update": {"x-client-name": "get_thing"}}],
    }

    with pytest.raises(SpecError, match="operation name 'get_thing' is given to both"):
        own_surface(vendored(), overlay, where="t")


# ---------------------------------------------------------------- security


def test_security_is_written_once_and_exceptions_stay_on_their_operations() -> None:
    """FastAPI states the requirement on every operation and none on the document; the generator reads
    only an operation's own, and compose's typed operations inherit the document's."""
    doc = upstream_mutations.security_per_operation(vendored(), random.Random(0))  # noqa: S311
    doc["paths"]["/v1/auth/me"]["get"]["security"] = [{"ApiKeyHeader": []}]
    assert "security" not in doc

    owned = own_surface(doc, OVERLAY, where="t").doc

    by_path = {(method, path): operation for method, path, operation in operations(owned)}
    assert owned["security"] == [{"HTTPBearer": []}]
    assert "security" not in by_path[("get", "/v1/runs/{id}")]
    assert by_path[("get", "/v1/health")]["security"] == []
    assert by_path[("get", "/v1/auth/me")]["security"] == [{"ApiKeyHeader": []}]


# ---------------------------------------------------------------- nullability


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"type": ["string", "null"], "format": "uri", "description": "d"}, id="type-list"),
        pytest.param(
            {"oneOf": [{"type": "string", "format": "uri"}, {"type": "null"}], "description": "d"}, id="oneOf"
        ),
        pytest.param(
            {"type": "string", "format": "uri", "nullable": True, "description": "d"}, id="nullable"
        ),
        pytest.param(
            {"anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}], "description": "d"}, id="anyOf"
        ),
    ],
)
def test_the_three_nullability_forms_become_one(schema: Json) -> None:
    assert canonical_nullable(schema) == {
        "description": "d",
        "anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}],
    }


def test_a_nullable_enum_loses_its_null_member_to_the_null_branch() -> None:
    assert canonical_nullable({"type": ["string", "null"], "enum": ["a", None]}) == {
        "anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]
    }
