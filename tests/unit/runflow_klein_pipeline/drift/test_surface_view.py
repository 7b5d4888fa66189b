"""The spec view judges the surface: both documents are compared with the project's names.

An upstream rename the naming table absorbs leaves the generated client unchanged, so it is info; a
table entry that stops matching is a warning; what changes the surface is judged as before.
"""

from __future__ import annotations

import copy
from collections import Counter
from functools import cache
from typing import Any

import pytest
from runflow_klein_pipeline.documents import load_json
from runflow_klein_pipeline.drift.compare import build_report
from runflow_klein_pipeline.drift.findings import Severity
from runflow_klein_pipeline.drift.spec_diff import diff_specs
from runflow_klein_pipeline.layout import COMPOSED_SPEC, SURFACE_OVERLAY, UPSTREAM_SPEC
from runflow_klein_pipeline.spec.surface import load_overlay, operations

from tests.unit.runflow_klein_pipeline.spec.upstream_mutations import everything

from .specs import GET, Json, document, obj, operation, response

OVERLAY = load_overlay(SURFACE_OVERLAY)
THINGS_TARGET = "$.paths['/things'].get"
BODY_TARGET = "$.paths['/things'].get.responses['200'].content['application/json'].schema"
# A naming table for the small documents below: GET /things is `list_things` in package Things, and
# the body it returns is the class Thing.
TABLE: Json = {
    "overlay": "1.0.0",
    "info": {"title": "test table", "version": "1"},
    "actions": [
        {"target": THINGS_TARGET, "update": {"x-client-name": "list_things", "x-client-tag": "Things"}},
        {"target": BODY_TARGET, "update": {"x-client-name": "Thing"}},
    ],
}
# A table that names nothing in them.
EMPTY_TABLE: Json = {
    **TABLE,
    "actions": [{"target": "$.paths['/nowhere'].get", "update": {"x-client-name": "x"}}],
}


@cache
def vendored() -> Json:
    doc = load_json(UPSTREAM_SPEC)
    assert isinstance(doc, dict)
    return doc


def things(operation_id: str | None, tags: list[str], key: str, **thing: Any) -> Json:
    """GET /things with upstream's operationId, tags and component key; the body has a field ``name``."""
    fields = {"operationId": operation_id} if operation_id else {}
    get = operation(tags=tags, responses={"200": response({"$ref": f"#/components/schemas/{key}"})}, **fields)
    return document({"/things": {"get": get}}, schemas={key: {**obj({"name": {"type": "string"}}), **thing}})


def rows(base: Json, head: Json, table: Json = TABLE) -> set[tuple[str, str, str, str, str]]:
    report = build_report(base, head, client=False, overlay=table)
    return {(c.rule, c.severity.value, ",".join(c.operations), c.location, c.message) for c in report.changes}


def test_a_fastapi_shaped_rename_of_the_committed_snapshot_changes_nothing_for_the_client() -> None:
    """Every operationId, component key and title renamed, paths reordered, nullability rewritten."""
    head = everything(vendored(), seed=7)
    raw = diff_specs(vendored(), head)
    assert raw.count(Severity.BREAKING) == 12  # what comparing the raw documents used to say

    report = build_report(vendored(), head, client=False, overlay=OVERLAY)

    assert (report.count(Severity.BREAKING), report.count(Severity.WARNING)) == (0, 0)
    by_rule = Counter(change.rule for change in report.changes)
    schemas = vendored()["components"]["schemas"]
    assert by_rule == {
        "api-operation-id-renamed-upstream": len(list(operations(vendored()))),
        "component-renamed-upstream": len(schemas),  # every key was renamed
    }
    assert all(change.message.startswith("renamed upstream; client unchanged: ") for change in report.changes)


def test_an_operation_id_rename_upstream_is_info_when_the_table_keeps_the_name() -> None:
    base = things("list_things_v1", ["things"], "Thing")
    head = things("list_things_v1_things_get", ["things"], "Thing")
    assert rows(base, head) == {
        (
            "api-operation-id-renamed-upstream",
            "info",
            GET,
            "operationId",
            "renamed upstream; client unchanged: operationId `list_things_v1` → `list_things_v1_things_get`",
        )
    }


def test_tag_key_and_title_renames_upstream_are_info() -> None:
    base = things("a", ["things"], "Thing")
    head = things("a", ["things-v2"], "app__models__ThingOut", title="ThingOut")
    assert rows(base, head) == {
        (
            "api-tags-renamed-upstream",
            "info",
            GET,
            "tags",
            "renamed upstream; client unchanged: tags `things` → `things-v2`",
        ),
        (
            "component-renamed-upstream",
            "info",
            "",
            "schemas/Thing",
            "renamed upstream; client unchanged: key `Thing` → `app__models__ThingOut`; "
            "title `Thing` or none → `ThingOut`",
        ),
    }


def test_without_a_table_entry_a_derived_name_absorbs_the_rename_too() -> None:
    """GET /things is named from method and path (get_things) when the table does not name it."""
    message = "renamed upstream; client unchanged: operationId `a` → `b`"
    assert rows(things("a", ["x"], "Thing"), things("b", ["x"], "Thing"), table=EMPTY_TABLE) == {
        ("api-operation-id-renamed-upstream", "info", GET, "operationId", message),
    }


def test_what_changes_the_surface_is_judged_as_before() -> None:
    """Without a table entry, upstream's first tag names the package: changing it moves the module."""
    assert rows(things("a", ["things"], "Thing"), things("a", ["stuff"], "Thing"), table=EMPTY_TABLE) == {
        ("api-first-tag-changed", "breaking", GET, "tags", "first tag `things` → `stuff`"),
    }


def test_a_table_entry_that_stops_matching_is_a_warning() -> None:
    base = things("a", ["things"], "Thing")
    head = copy.deepcopy(base)
    head["paths"]["/things"]["get"]["responses"] = {
        "201": head["paths"]["/things"]["get"]["responses"]["200"]
    }
    unmatched = {row for row in rows(base, head) if row[0] == "surface-table-entry-unmatched"}
    assert unmatched == {
        (
            "surface-table-entry-unmatched",
            "warning",
            "",
            BODY_TARGET,
            f"the naming table entry no longer applies: {BODY_TARGET}; "
            "review openapi/client-surface.overlay.yaml",
        )
    }


def test_a_table_entry_that_matches_neither_side_is_no_change() -> None:
    doc = things("a", ["things"], "Thing")
    assert rows(doc, copy.deepcopy(doc), table=EMPTY_TABLE) == set()


@pytest.mark.parametrize("side", ["base", "head"])
def test_a_composed_side_is_compared_as_it_is(side: str) -> None:
    """compose already gave a composed document the surface; applying the table again would lose
    upstream's names: against a renamed upstream, only the renames are found."""
    composed = load_json(COMPOSED_SPEC)
    renamed = everything(vendored(), seed=3)
    base, head = (composed, renamed) if side == "base" else (renamed, composed)
    report = build_report(base, head, client=False, overlay=OVERLAY)
    assert {change.rule for change in report.changes} == {
        "api-operation-id-renamed-upstream",
        "component-renamed-upstream",
    }
