"""The client-surface view: griffe surface diffs of hand-written packages (fast), plus two real
regenerations with the pinned generator (a few seconds each, so only two)."""

from __future__ import annotations

import copy
import tempfile
import textwrap
from pathlib import Path

import pytest
from runflow_klein_pipeline.documents import load_json
from runflow_klein_pipeline.drift.client_surface import (
    client_findings,
    diff_surfaces,
    load_surface,
    typed_spec,
)
from runflow_klein_pipeline.drift.findings import RULES
from runflow_klein_pipeline.layout import COMPOSED_SPEC, SURFACE_OVERLAY, UPSTREAM_SPEC
from runflow_klein_pipeline.spec import regenerate
from runflow_klein_pipeline.spec.surface import load_overlay

from .specs import Json, document, obj, operation, response

OVERLAY = load_overlay(SURFACE_OVERLAY)

OLD_PACKAGE = {
    "__init__.py": """
        from .client import Client

        __all__ = ("Client",)
    """,
    "client.py": """
        class Client:
            base_url: str
    """,
    "models/__init__.py": """
        from .gone import Gone
        from .old_name import OldName
        from .thing import Thing
        from .thing_kind import ThingKind

        __all__ = ("Gone", "OldName", "Thing", "ThingKind")
    """,
    "models/gone.py": "class Gone:\n    x: int\n",
    "models/old_name.py": "class OldName:\n    a: int\n    b: str\n",
    "models/thing.py": """
        class Thing:
            name: str
            size: int | None = None
            colour: str
            kept: int
            shape: str

            def to_dict(self) -> dict[str, object]:
                return {}
    """,
    "models/thing_kind.py": """
        from enum import StrEnum


        class ThingKind(StrEnum):
            A = "a"
            B = "b"
            C = "c"
    """,
    "api/__init__.py": "",
    "api/things/__init__.py": "",
    "api/things/delete_thing.py": "def sync(*, client: object) -> None: ...\n",
    "api/things/get_thing.py": """
        def sync(
            thing_id: str, fmt: str = "json", *, client: object, limit: int | None = None,
            verbose: bool = False, page: int = 1,
        ) -> Thing | None: ...


        def asyncio(a: str, b: str, *, client: object) -> None: ...


        def detailed() -> None: ...


        def old_helper() -> None: ...
    """,
}

NEW_PACKAGE = {
    **{
        name: OLD_PACKAGE[name]
        for name in ("__init__.py", "client.py", "api/__init__.py", "api/things/__init__.py")
    },
    "models/__init__.py": """
        from .fresh import Fresh
        from .new_name import NewName
        from .thing import Thing
        from .thing_kind import ThingKind

        __all__ = ("Fresh", "NewName", "Thing", "ThingKind")
    """,
    "models/fresh.py": "class Fresh:\n    y: int\n",
    "models/new_name.py": "class NewName:\n    a: int\n    b: str\n",
    "models/thing.py": """
        class Thing:
            name: str
            size: int
            kept: int
            weight: float = 0.0
            height: int
            shape: str = "round"

            def to_dict(self) -> dict[str, object]:
                return {}
    """,
    "models/thing_kind.py": """
        from enum import StrEnum


        class ThingKind(StrEnum):
            A = "a"
            B = "bee"
            D = "d"
    """,
    "api/things/create_thing.py": "def sync(*, client: object) -> None: ...\n",
    "api/things/get_thing.py": """
        def sync(
            thing_id: UUID, *, fmt: str = "json", client: object, verbose: bool = True,
            page: int, cursor: str | None = None, token: str,
        ) -> Thing: ...


        def asyncio(b: str, a: str, *, client: object) -> None: ...


        class detailed: ...


        def new_helper() -> None: ...
    """,
}

GET_THING = "pkg.api.things.get_thing"
# (rule, location), from what each edit above does to code written against the old package.
EXPECTED_SURFACE_CHANGES = {
    ("client-module-removed", "pkg.api.things.delete_thing"),
    ("client-module-added", "pkg.api.things.create_thing"),
    ("client-model-removed", "pkg.models.Gone"),
    ("client-model-added", "pkg.models.Fresh"),
    ("client-model-renamed", "pkg.models.NewName"),
    ("client-model-field-removed", "pkg.models.Thing.colour"),
    ("client-model-field-added", "pkg.models.Thing.weight"),
    ("client-model-field-added-required", "pkg.models.Thing.height"),
    ("client-model-field-type-changed", "pkg.models.Thing.size"),
    ("client-model-field-became-required", "pkg.models.Thing.size"),
    ("client-model-field-became-optional", "pkg.models.Thing.shape"),
    ("client-enum-value-changed", "pkg.models.ThingKind.B"),
    ("client-enum-value-removed", "pkg.models.ThingKind.C"),
    ("client-enum-value-added", "pkg.models.ThingKind.D"),
    ("client-function-parameter-type-changed", f"{GET_THING}.sync(thing_id)"),
    ("client-function-parameter-kind-changed", f"{GET_THING}.sync(fmt)"),
    ("client-function-parameter-removed", f"{GET_THING}.sync(limit)"),
    ("client-function-parameter-default-changed", f"{GET_THING}.sync(verbose)"),
    ("client-function-parameter-became-required", f"{GET_THING}.sync(page)"),
    ("client-function-parameter-added", f"{GET_THING}.sync(cursor)"),
    ("client-function-parameter-added-required", f"{GET_THING}.sync(token)"),
    ("client-function-return-type-changed", f"{GET_THING}.sync"),
    ("client-function-parameter-moved", f"{GET_THING}.asyncio(a)"),
    ("client-function-parameter-moved", f"{GET_THING}.asyncio(b)"),
    ("client-symbol-kind-changed", f"{GET_THING}.detailed"),
    ("client-function-removed", f"{GET_THING}.old_helper"),
    ("client-function-added", f"{GET_THING}.new_helper"),
}


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    return root


def test_surface_changes_of_a_hand_written_package(tmp_path: Path) -> None:
    old = load_surface(write_package(tmp_path / "old", OLD_PACKAGE))
    new = load_surface(write_package(tmp_path / "new", NEW_PACKAGE))
    assert {(f.rule, f.location) for f in diff_surfaces(old, new)} == EXPECTED_SURFACE_CHANGES
    assert diff_surfaces(old, old) == []


def test_reexported_classes_are_reported_under_their_public_path(tmp_path: Path) -> None:
    surface = load_surface(write_package(tmp_path, OLD_PACKAGE))
    assert surface["pkg.Client"].kind == "class"
    assert surface["pkg.models.ThingKind"].kind == "enum"
    assert "pkg.models.thing" not in surface  # the one-class model module is an implementation detail
    assert "pkg.client" not in surface
    assert surface["pkg.api.things.get_thing"].kind == "module"


def test_every_client_rule_has_a_case() -> None:
    covered = {rule for rule, _ in EXPECTED_SURFACE_CHANGES} | {
        "client-generation-failed",
        "client-base-generation-failed",
    }
    assert sorted(rule for rule in RULES if rule.startswith("client-") and rule not in covered) == []


# ---------------------------------------------------------------- typed specs and composition


def test_an_upstream_spec_is_composed_before_generating() -> None:
    composed = load_json(COMPOSED_SPEC)
    assert typed_spec(load_json(UPSTREAM_SPEC), OVERLAY)["paths"] == composed["paths"]
    assert typed_spec(composed, OVERLAY) is composed


def klein_spec(thing: Json, *, parameters: list[Json] | None = None) -> Json:
    """A tiny typed spec: the x-klein-model marker says it needs no composing."""
    get_thing = operation(
        operationId="get_thing",
        parameters=[
            {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}},
            *(parameters or []),
        ],
        responses={"200": response({"$ref": "#/components/schemas/Thing"})},
    )
    get_thing["x-klein-model"] = "test/thing"
    return document({"/things/{thing_id}": {"get": get_thing}}, schemas={"Thing": thing})


BASE_THING = obj({"name": {"type": "string"}, "kind": {"type": "string", "enum": ["a", "b"]}}, "name")


def test_a_spec_that_cannot_be_composed_is_a_finding_not_a_crash() -> None:
    base = klein_spec(BASE_THING)
    upstream_without_dispatch = document({"/health": {"get": operation()}})
    [head_failure] = client_findings(base, upstream_without_dispatch, OVERLAY)
    assert (head_failure.rule, head_failure.severity.value) == ("client-generation-failed", "breaking")
    assert "no generic dispatch operation" in head_failure.message
    [base_failure] = client_findings(upstream_without_dispatch, base, OVERLAY)
    assert (base_failure.rule, base_failure.severity.value) == ("client-base-generation-failed", "warning")


# ---------------------------------------------------------------- real regenerations


def test_regenerated_clients_are_compared() -> None:
    limit = {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}}
    base = klein_spec(BASE_THING, parameters=[limit])
    head_thing = copy.deepcopy(BASE_THING)
    head_thing["properties"]["size"] = {"type": "integer"}
    head_thing["properties"]["kind"]["enum"] = ["a", "c"]
    head = klein_spec(head_thing)
    endpoint = "runflow_klein_client.api.default.get_thing"
    assert {(f.rule, f.location) for f in client_findings(base, head, OVERLAY)} == {
        ("client-model-field-added", "runflow_klein_client.models.Thing.size"),
        ("client-enum-value-removed", "runflow_klein_client.models.ThingKind.B"),
        ("client-enum-value-added", "runflow_klein_client.models.ThingKind.C"),
        *(
            ("client-function-parameter-removed", f"{endpoint}.{function}(limit)")
            for function in ("sync", "sync_detailed", "asyncio", "asyncio_detailed")
        ),
    }


def test_a_head_spec_the_generator_rejects_is_a_breaking_finding() -> None:
    base = klein_spec(BASE_THING)
    head = klein_spec(obj({"name": {"type": "array"}}, "name"))  # an array without items: a generator warning
    [finding] = client_findings(base, head, OVERLAY)
    assert (finding.rule, finding.severity.value, finding.location) == (
        "client-generation-failed",
        "breaking",
        "client",
    )
    assert "Warning(s) encountered" in finding.message
    assert tempfile.gettempdir() not in finding.message
    assert " at 0x" not in finding.message  # no memory addresses: the fingerprint must be stable


def test_identical_typed_specs_need_no_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> None:
        raise AssertionError("generated a client although nothing changed")

    monkeypatch.setattr(regenerate, "generate_client", fail)
    spec = klein_spec(BASE_THING)
    assert client_findings(spec, copy.deepcopy(spec), OVERLAY) == []
