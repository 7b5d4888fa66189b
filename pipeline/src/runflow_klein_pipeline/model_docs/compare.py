"""A page's declaration against a contract, judged like spec drift: by what breaks the generated client.

The contract side is read into the same ``Declaration`` shape (``contract_declaration``), so the two
compare field by field with the spec-drift rule ids (``drift.findings.RULES``) and their severities: a
new required input, a removed allowed value, a type change or a lowered maximum is breaking; a new
optional input is info, named. The page documents the ``legacy`` endpoint when it is the llms.txt form
of a model that has one, otherwise the ``run`` endpoint.

Silence is not disagreement: where the page says "Any", gives no range or no default, the contract's
fact (sourced elsewhere) stands. A field the page does not list counts as removed only when the contract
cites this very page for it. A disagreement the contradiction ledger already records (an entry citing
this page and naming the field) is reported as known, with the entry's id, and does not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from runflow_klein_pipeline.documents import Json, SpecError
from runflow_klein_pipeline.drift.findings import RULES, Severity
from runflow_klein_pipeline.model_docs.declaration import Declaration, Field
from runflow_klein_pipeline.spec.compose import SHARED_CONTRACT, Contract

SHARED_REF = f"{SHARED_CONTRACT}#/definitions/"


@dataclass(frozen=True)
class DocsFinding:
    rule: str  # a spec-drift rule id
    field: str  # input.<name> | output.<name>
    message: str
    known: str | None = None  # the ledger entry that records this disagreement

    @property
    def severity(self) -> Severity:
        return Severity.INFO if self.known else RULES[self.rule].severity

    def as_dict(self) -> dict[str, str | None]:
        return {
            "severity": self.severity.value,
            "rule": self.rule,
            "field": self.field,
            "message": self.message,
            "ledger": self.known,
        }


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    text: str  # topic, readings and encoding: what the entry is about
    sources: frozenset[str]


def load_ledger(path: Path) -> tuple[LedgerEntry, ...]:
    try:
        doc = yaml.safe_load(path.read_text())
        return tuple(
            LedgerEntry(
                str(entry["id"]),
                " ".join(
                    [str(entry.get("topic", "")), str(entry.get("encoded", ""))]
                    + [str(r.get("says", "")) for r in entry.get("readings", [])]
                ),
                frozenset(
                    canonical(str(url)) for r in entry.get("readings", []) for url in r.get("sources", [])
                ),
            )
            for entry in doc["entries"]
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise SpecError(f"cannot read the contradiction ledger {path.name}: {exc}") from exc


def canonical(url: str) -> str:
    """A docs page and its ``.md`` variant are one source."""
    return url.removesuffix(".md")


# ---------------------------------------------------------------- the contract as a declaration


def _resolved(schema: Json, definitions: Json) -> Json:
    ref = schema.get("$ref", "")
    if ref.startswith(SHARED_REF):
        return {
            **definitions[ref.removeprefix(SHARED_REF)],
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    return schema


def _type(schema: Json, definitions: Json) -> str | None:
    if isinstance(schema.get("type"), str):
        return str(schema["type"])
    branches = [_resolved(b, definitions) for b in schema.get("anyOf", [])]
    types = {_type(b, definitions) for b in branches if b.get("type") != "null"}
    return types.pop() if len(types) == 1 else None


def contract_field(name: str, schema: Json, definitions: Json, *, required: bool) -> Field:
    resolved = _resolved(schema, definitions)
    enum = resolved.get("enum")
    return Field(
        name=name,
        type=_type(resolved, definitions),
        required=required,
        has_default="default" in resolved,
        default=resolved.get("default"),
        allowed=tuple(str(value) for value in enum) if isinstance(enum, list) else None,
        minimum=resolved.get("minimum"),
        maximum=resolved.get("maximum"),
        description=str(resolved.get("description", "")),
    )


def endpoint_for(contract: Contract, form: str) -> str:
    return "legacy" if form == "llms" and "legacy" in contract.doc else "run"


def contract_declaration(contract: Contract, definitions: Json, *, kind: str) -> Declaration:
    endpoint = contract.doc[kind]
    required = set(endpoint["input"].get("required", []))
    inputs = endpoint["input"].get("properties", {})
    outputs = endpoint["output"].get("properties", {})
    return Declaration(
        form="contract",
        url=str(contract.path),
        model_id=contract.model_id,
        title=str(contract.doc.get("title")),
        inputs=tuple(contract_field(n, s, definitions, required=n in required) for n, s in inputs.items()),
        outputs=tuple(contract_field(n, s, definitions, required=False) for n, s in outputs.items()),
    )


def _cites(schema: Json, url: str) -> bool:
    """True if the contract cites ``url`` (the page itself, not an inference) for the field."""
    source = schema.get("x-source", {}).get("field", "")
    return isinstance(source, str) and canonical(source) == canonical(url)


# ---------------------------------------------------------------- comparison


def _values(values: tuple[str, ...]) -> str:
    return ", ".join(f"`{value}`" for value in values)


def _field_changes(page: Field, ours: Field, where: str) -> Iterator[tuple[str, str]]:
    """(rule, message) for every fact the page states differently from the contract."""
    if page.type and ours.type and page.type != ours.type:
        yield (
            "request-property-type-changed",
            f"the page types {where} as {page.type}, the contract as {ours.type}",
        )
    if page.required and not ours.required:
        yield "request-property-became-required", f"the page requires {where}; the contract has it optional"
    if ours.required and not page.required:
        yield "request-property-became-optional", f"the page has {where} optional; the contract requires it"
    if page.allowed is not None:
        if ours.allowed is None:
            yield "request-property-enum-added", f"the page allows only {_values(page.allowed)} for {where}"
        else:
            removed = tuple(v for v in ours.allowed if v not in page.allowed)
            added = tuple(v for v in page.allowed if v not in ours.allowed)
            if removed:
                yield (
                    "request-property-enum-value-removed",
                    f"the page no longer allows {_values(removed)} for {where}",
                )
            if added:
                yield (
                    "request-property-enum-value-added",
                    f"the page also allows {_values(added)} for {where}",
                )
    yield from _limit_changes("max", page.maximum, ours.maximum, where)
    yield from _limit_changes("min", page.minimum, ours.minimum, where)
    if page.has_default and ours.has_default and page.default != ours.default:
        yield (
            "request-property-default-changed",
            (f"the page's default for {where} is {page.default!r}, the contract's {ours.default!r}"),
        )


def _limit_changes(
    limit: str, page: float | None, ours: float | None, where: str
) -> Iterator[tuple[str, str]]:
    """A lowered maximum or raised minimum is breaking, the reverse info (the spec-drift limit rules)."""
    if page is None or page == ours:
        return
    if ours is None:
        yield f"request-property-{limit}-set", f"the page sets a {limit}imum of {page:g} for {where}"
    else:
        change = "decreased" if page < ours else "increased"
        yield (
            f"request-property-{limit}-{change}",
            f"the page's {limit}imum for {where} is {page:g}, the contract's {ours:g}",
        )


def compare(
    page: Declaration, contract: Contract, definitions: Json, ledger: tuple[LedgerEntry, ...] = ()
) -> list[DocsFinding]:
    """What ``page`` says differently from ``contract``; every finding judged and looked up in the ledger."""
    kind = endpoint_for(contract, page.form)
    ours = contract_declaration(contract, definitions, kind=kind)
    schemas = contract.doc[kind]["input"].get("properties", {})
    found: list[tuple[str, str, str]] = []
    for field in page.inputs:
        where = f"input.{field.name}"
        mine = ours.input(field.name)
        if mine is None:
            rule = "new-required-request-property" if field.required else "new-optional-request-property"
            state = "required" if field.required else "optional"
            found.append(
                (
                    rule,
                    where,
                    f"the page documents a new {state} input {field.name!r} ({field.type or 'any type'})",
                )
            )
        else:
            found += [(rule, where, message) for rule, message in _field_changes(field, mine, where)]
    for mine in ours.inputs:
        if page.input(mine.name) is None and _cites(schemas[mine.name], page.url):
            found.append(
                (
                    "request-property-removed",
                    f"input.{mine.name}",
                    f"the page no longer lists input {mine.name!r}",
                )
            )
    if page.outputs is not None:
        out_schemas = contract.doc[kind]["output"].get("properties", {})
        listed = {field.name for field in page.outputs}
        for field in page.outputs:
            if field.name not in out_schemas:
                found.append(
                    (
                        "response-property-added",
                        f"output.{field.name}",
                        f"the page documents a new output {field.name!r}",
                    )
                )
        for name, schema in out_schemas.items():
            if name not in listed and _cites(schema, page.url):
                found.append(
                    (
                        "response-property-removed",
                        f"output.{name}",
                        f"the page no longer lists output {name!r}",
                    )
                )
    return [
        DocsFinding(rule, where, message, _known(ledger, page.url, where)) for rule, where, message in found
    ]


def _known(ledger: tuple[LedgerEntry, ...], url: str, where: str) -> str | None:
    name = where.split(".", 1)[1]
    word = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    return next((e.id for e in ledger if canonical(url) in e.sources and word.search(e.text)), None)
