"""Which klein model made a run, learned from the cassette, so that its output is checked as that model's.

``GET /v1/runs/{id}``, ``GET /v1/runs`` and the callback deliveries return the generic run, whose output
the spec can only type as the normalized output every model shares. A cassette that also recorded the
dispatch knows more: run X came back from ``POST /v1/models/black-forest-labs/flux-2-klein-4b/runs``
(an operation marked ``x-klein-model``), so wherever X shows up later in the same cassette its output
must also be a ``Flux2Klein4bOutput``.

Where run outputs are in a body is read from its schema, not guessed from its keys: an object whose
schema has an ``output`` typed with the normalized output (directly or as a nullable) carries a run, and
the run's id is its ``run_id`` property if the schema has one (a callback payload), else its ``id`` (a
run). Node runs also have an ``output`` and a ``run_id``, but not the normalized output, so they are left
alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from runflow_klein_pipeline.documents import SCHEMA_REF
from runflow_klein_pipeline.recordings.schema import pointer
from runflow_klein_pipeline.recordings.spec import Operation, RecordingSpec
from runflow_klein_pipeline.spec.compose import NORMALIZED_OUTPUT

NORMALIZED_REF = SCHEMA_REF + NORMALIZED_OUTPUT
_COMBINATORS = ("anyOf", "oneOf", "allOf")


@dataclass(frozen=True)
class Dispatch:
    """The recorded per-model dispatch that created a run, and where its model's output schema is."""

    model: str
    index: int
    output_schema: str


@dataclass(frozen=True)
class RunOutputSite:
    """A run's output inside a response body: its JSON pointer, the run's id and the output itself."""

    pointer: str
    run_id: str
    output: Any


@dataclass
class KnownRuns:
    """The runs dispatched so far in one cassette, by id (per-model dispatches only)."""

    dispatches: dict[str, Dispatch] = field(default_factory=dict)

    def learn(self, spec: RecordingSpec, operation: Operation, index: int, status: int, body: Any) -> None:
        """Remember the run a successful per-model dispatch created (legacy calls create none)."""
        if operation.klein_model is None or not 200 <= status < 300 or not isinstance(body, dict):
            return
        output_schema = model_output_schema(spec, operation, status)
        if isinstance(body.get("id"), str) and output_schema is not None:
            self.dispatches[body["id"]] = Dispatch(operation.klein_model, index, output_schema)

    def dispatch_of(self, run_id: str) -> Dispatch | None:
        return self.dispatches.get(run_id)


def model_output_schema(spec: RecordingSpec, operation: Operation, status: int) -> str | None:
    """Where the schema of the ``output`` of the run this operation returns with ``status`` is."""
    body = spec.response_schema_pointer(operation, status, None)
    if body is None:
        return None
    where, run = spec.schema_at(body)
    properties = run.get("properties") if isinstance(run, dict) else None
    return f"{where}/properties/output" if isinstance(properties, dict) and "output" in properties else None


def run_output_sites(spec: RecordingSpec, schema: str, instance: Any) -> list[RunOutputSite]:
    """Every run output in ``instance`` (a body documented by the schema at ``schema``), in body order."""
    found = {site.pointer: site for site in _sites(spec, schema, instance, (), frozenset())}
    return list(found.values())  # a value matching several anyOf branches is found once per branch


def _sites(
    spec: RecordingSpec, schema_pointer: str, instance: Any, path: tuple[str | int, ...], seen: frozenset[str]
) -> Iterator[RunOutputSite]:
    """Walk ``instance`` and its schema together; ``seen`` stops ``$ref`` cycles that do not descend."""
    if schema_pointer in seen:
        return
    seen = seen | {schema_pointer}
    where, schema = spec.schema_at(schema_pointer)
    if not isinstance(schema, dict):
        return
    for keyword in _COMBINATORS:
        for number in range(len(schema.get(keyword, []))):
            yield from _sites(spec, f"{where}/{keyword}/{number}", instance, path, seen)
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        site = _run_output(properties, instance, path)
        if site is not None:
            yield site
        for name, value in instance.items():
            if name in properties:
                child = f"{where}{pointer(['properties', name])}"
                yield from _sites(spec, child, value, (*path, name), frozenset())
    elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for number, item in enumerate(instance):
            yield from _sites(spec, f"{where}/items", item, (*path, number), frozenset())


def _run_output(
    properties: Any, instance: dict[str, Any], path: tuple[str | int, ...]
) -> RunOutputSite | None:
    """The site of ``instance``'s output if its schema types ``output`` with the normalized output."""
    if not isinstance(properties, dict) or not _is_normalized(properties.get("output")):
        return None
    run_id = instance.get("run_id" if "run_id" in properties else "id")
    if not isinstance(run_id, str) or "output" not in instance:
        return None
    return RunOutputSite(pointer([*path, "output"]), run_id, instance["output"])


def _is_normalized(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    branches = [schema, *(branch for keyword in _COMBINATORS for branch in schema.get(keyword, []))]
    return any(isinstance(branch, dict) and branch.get("$ref") == NORMALIZED_REF for branch in branches)
