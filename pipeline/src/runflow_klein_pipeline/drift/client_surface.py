"""Client-surface drift: regenerate both specs with the pinned generator and diff the public API.

The spec-level rules say what a change does on the wire; this view says what it does to Python
code written against ``runflow_klein_client`` (Stainless/anthropic-sdk-python do the same with
griffe). Upstream specs are composed with the committed contracts first, so the typed klein
surface is what gets compared.

The surface is read statically with griffe (nothing generated is imported). Classes that a
package re-exports (``runflow_klein_client.models.KleinOutputItem``) are reported under that
public path, and the one-class modules defining them are not reported separately, so removing a
model is one ``client-model-removed`` finding rather than a module, an alias and a class.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

from runflow_klein_pipeline.documents import Json, SpecError, dump_json
from runflow_klein_pipeline.drift.findings import Finding
from runflow_klein_pipeline.drift.spec_diff import operations
from runflow_klein_pipeline.layout import CONTRACTS_DIR
from runflow_klein_pipeline.spec import compose as compose_spec
from runflow_klein_pipeline.spec import regenerate

GENERATOR_OUTPUT_LINES = 8
POSITIONAL_KINDS = frozenset({"positional-only", "positional or keyword"})


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    annotation: str
    default: str | None
    required: bool


@dataclass(frozen=True)
class Symbol:
    """One public name: its kind, and what callers depend on besides the name."""

    kind: str  # module, class, enum, function, field, enum-value
    annotation: str = ""  # field annotation, function return annotation, enum member value
    has_default: bool = False
    parameters: tuple[Parameter, ...] = ()


Surface = dict[str, Symbol]


# ---------------------------------------------------------------- reading a generated package


def load_surface(search_dir: Path) -> Surface:
    """The public surface of the one package generated into ``search_dir``."""
    packages = sorted(path.parent.name for path in search_dir.glob("*/__init__.py"))
    if len(packages) != 1:
        raise SpecError(f"expected one generated package in {search_dir}, found {packages or 'none'}")
    package = griffe.load(
        packages[0],
        search_paths=[search_dir],
        try_relative_path=False,
        allow_inspection=False,
        store_source=False,
    )
    if not isinstance(package, griffe.Module):
        raise SpecError(f"{packages[0]} did not load as a package")
    symbols: Surface = {}
    _module(package, symbols)
    return symbols


def _reexported_classes(module: griffe.Module) -> dict[str, griffe.Class]:
    exported = {}
    for name, member in module.members.items():
        if not (isinstance(member, griffe.Alias) and member.is_public):
            continue
        try:
            target = member.final_target
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
        if isinstance(target, griffe.Class):
            exported[name] = target
    return exported


def _is_transparent(module: griffe.Module, exported: set[str]) -> bool:
    """A plain module whose public classes are all re-exported by its package (a model module)."""
    if module.is_package:
        return False
    members = [m for m in module.members.values() if not m.is_alias and m.is_public and not m.is_attribute]
    return bool(members) and all(isinstance(m, griffe.Class) and m.path in exported for m in members)


def _module(module: griffe.Module, symbols: Surface) -> None:
    symbols[module.path] = Symbol("module")
    exported = _reexported_classes(module)
    for name, cls in sorted(exported.items()):
        _class(cls, f"{module.path}.{name}", symbols)
    exported_paths = {cls.path for cls in exported.values()}
    for member in sorted(module.members.values(), key=lambda m: m.name):
        if member.is_alias or not member.is_public:
            continue
        if isinstance(member, griffe.Module):
            if not _is_transparent(member, exported_paths):
                _module(member, symbols)
        elif isinstance(member, griffe.Class) and member.path not in exported_paths:
            _class(member, member.path, symbols)
        elif isinstance(member, griffe.Function):
            symbols[member.path] = _function(member)


def _class(cls: griffe.Class, path: str, symbols: Surface) -> None:
    is_enum = any(str(base).rsplit(".", 1)[-1].endswith("Enum") for base in cls.bases)
    symbols[path] = Symbol("enum" if is_enum else "class")
    for name, member in sorted(cls.members.items()):
        if member.is_alias or not member.is_public:
            continue
        if isinstance(member, griffe.Attribute):
            if is_enum:
                symbols[f"{path}.{name}"] = Symbol("enum-value", annotation=str(member.value))
            else:
                annotation = str(member.annotation) if member.annotation is not None else ""
                symbols[f"{path}.{name}"] = Symbol("field", annotation, has_default=member.value is not None)
        elif isinstance(member, griffe.Function):
            symbols[f"{path}.{name}"] = _function(member)
        elif isinstance(member, griffe.Class):
            _class(member, f"{path}.{name}", symbols)


def _function(function: griffe.Function) -> Symbol:
    parameters = tuple(
        Parameter(
            p.name,
            p.kind.value if p.kind is not None else "",
            str(p.annotation) if p.annotation is not None else "",
            str(p.default) if p.default is not None else None,
            p.required,
        )
        for p in function.parameters
    )
    returns = str(function.returns) if function.returns is not None else ""
    return Symbol("function", returns, parameters=parameters)


# ---------------------------------------------------------------- comparing surfaces

_REMOVED_RULE = {
    "module": "client-module-removed",
    "class": "client-model-removed",
    "enum": "client-model-removed",
    "function": "client-function-removed",
    "field": "client-model-field-removed",
    "enum-value": "client-enum-value-removed",
}
_KIND_TEXT = {
    "module": "module",
    "class": "class",
    "enum": "enum",
    "function": "function",
    "field": "field",
    "enum-value": "enum member",
}
_ADDED_RULE = {
    "module": "client-module-added",
    "class": "client-model-added",
    "enum": "client-model-added",
    "function": "client-function-added",
    "field": "client-model-field-added",
    "enum-value": "client-enum-value-added",
}


def _outermost(paths: Iterable[str]) -> set[str]:
    """Drop paths whose parent is in the set too: a removed class's fields are not news."""
    chosen = set(paths)
    return {path for path in chosen if not any(parent in chosen for parent in _parents(path))}


def _parents(path: str) -> Iterable[str]:
    parts = path.split(".")
    return (".".join(parts[:i]) for i in range(1, len(parts)))


def _members(surface: Surface, path: str) -> frozenset[tuple[str, Symbol]]:
    prefix = path + "."
    return frozenset((p.removeprefix(prefix), s) for p, s in surface.items() if p.startswith(prefix))


def _renamed_classes(old: Surface, new: Surface, removed: set[str], added: set[str]) -> list[tuple[str, str]]:
    """Removed/added class pairs with identical members (e.g. a schema whose title changed)."""
    candidates: dict[frozenset[tuple[str, Symbol]], list[str]] = {}
    for path in added:
        if new[path].kind in ("class", "enum"):
            candidates.setdefault(_members(new, path), []).append(path)
    pairs = []
    for path in sorted(removed):
        members = _members(old, path) if old[path].kind in ("class", "enum") else frozenset()
        matches = candidates.get(members, []) if members else []
        if len(matches) == 1:
            pairs.append((path, matches[0]))
    return pairs


def diff_surfaces(old: Surface, new: Surface) -> list[Finding]:
    removed, added = _outermost(old.keys() - new.keys()), _outermost(new.keys() - old.keys())
    findings = []
    for old_path, new_path in _renamed_classes(old, new, removed, added):
        findings.append(Finding("client-model-renamed", "", new_path, f"class `{old_path}` renamed"))
        removed.discard(old_path)
        added.discard(new_path)
    for path in sorted(removed):
        findings.append(
            Finding(_REMOVED_RULE[old[path].kind], "", path, f"{_describe(path, old[path])} removed")
        )
    for path in sorted(added):
        symbol = new[path]
        rule = _ADDED_RULE[symbol.kind]
        if symbol.kind == "field" and not symbol.has_default:
            rule = "client-model-field-added-required"
        findings.append(Finding(rule, "", path, f"{_describe(path, symbol)} added"))
    for path in sorted(old.keys() & new.keys()):
        findings += _changed(path, old[path], new[path])
    return findings


def _describe(path: str, symbol: Symbol) -> str:
    return f"{_KIND_TEXT[symbol.kind]} `{path.rsplit('.', 1)[-1]}`"


def _changed(path: str, old: Symbol, new: Symbol) -> list[Finding]:
    if old.kind != new.kind:
        return [Finding("client-symbol-kind-changed", "", path, f"{old.kind} → {new.kind}")]
    findings = []
    if old.kind == "field":
        if old.annotation != new.annotation:
            findings.append(
                Finding(
                    "client-model-field-type-changed", "", path, f"`{old.annotation}` → `{new.annotation}`"
                )
            )
        if old.has_default != new.has_default:
            state = "optional" if new.has_default else "required"
            findings.append(Finding(f"client-model-field-became-{state}", "", path, f"field became {state}"))
    elif old.kind == "enum-value" and old.annotation != new.annotation:
        findings.append(
            Finding("client-enum-value-changed", "", path, f"value {old.annotation} → {new.annotation}")
        )
    elif old.kind == "function":
        findings += _function_changes(path, old, new)
    return findings


def _function_changes(path: str, old: Symbol, new: Symbol) -> list[Finding]:
    findings = []
    new_params = {p.name: (i, p) for i, p in enumerate(new.parameters)}
    old_names = {p.name for p in old.parameters}

    def add(rule: str, name: str, message: str) -> None:
        findings.append(Finding(f"client-function-{rule}", "", f"{path}({name})", message))

    for index, before in enumerate(old.parameters):
        if before.name not in new_params:
            add("parameter-removed", before.name, f"parameter `{before.name}` removed")
            continue
        new_index, after = new_params[before.name]
        if after.required and not before.required:
            add("parameter-became-required", before.name, f"parameter `{before.name}` became required")
        if before.kind != after.kind:
            add("parameter-kind-changed", before.name, f"{before.kind} → {after.kind}")
        elif before.kind in POSITIONAL_KINDS and index != new_index:
            add("parameter-moved", before.name, f"position {index} → {new_index}")
        if before.annotation != after.annotation:
            add("parameter-type-changed", before.name, f"`{before.annotation}` → `{after.annotation}`")
        if not before.required and not after.required and before.default != after.default:
            add("parameter-default-changed", before.name, f"default {before.default} → {after.default}")
    for after in new.parameters:
        if after.name not in old_names:
            rule = "parameter-added-required" if after.required else "parameter-added"
            add(
                rule,
                after.name,
                f"{'required' if after.required else 'optional'} parameter `{after.name}` added",
            )
    if old.annotation != new.annotation:
        findings.append(
            Finding(
                "client-function-return-type-changed", "", path, f"`{old.annotation}` → `{new.annotation}`"
            )
        )
    return findings


# ---------------------------------------------------------------- generating both sides


def is_typed(doc: Json) -> bool:
    """Whether ``doc`` is a composed spec (it has typed klein operations) rather than an upstream one."""
    return any("x-klein-model" in operation.node for operation in operations(doc).values())


def typed_spec(doc: Json, overlay: Any) -> Json:
    """The spec the client is generated from: composed with the contracts and the naming table
    (``overlay``) unless it already is."""
    if is_typed(doc):
        return doc
    definitions, contracts = compose_spec.load_contracts(CONTRACTS_DIR)
    result = compose_spec.compose(doc, definitions, contracts, overlay=overlay, prefer=None)
    if result.disagreements:
        raise SpecError(
            f"composing with the contracts fails ({len(result.disagreements)} disagreement(s)), as "
            f"regenerate.py would: {result.disagreements[0]}"
        )
    return result.spec


def _generator_message(error: SpecError, work: Path) -> str:
    """The generator's output, shortened and stripped of temp paths and addresses (stable ids)."""
    lines = [line.strip() for line in str(error).replace(str(work), "<tmp>").splitlines() if line.strip()]
    lines = [re.sub(r" at 0x[0-9a-f]+", "", line) for line in lines if not line.startswith("Generating ")]
    shown = lines[:GENERATOR_OUTPUT_LINES]
    more = len(lines) - len(shown)
    return " / ".join(shown) + (f" / … {more} more line(s)" if more else "")


def _generate(doc: Json, work: Path, name: str) -> Path:
    spec = work / f"{name}.openapi.json"
    spec.write_bytes(dump_json(doc))
    out = work / name
    regenerate.generate_client(spec, out)
    return out


def client_findings(base: Json, head: Json, overlay: Any) -> list[Finding]:
    """Client-surface findings; a head spec that does not generate is a finding, not an error.

    Identical typed specs generate identical clients, so nothing is generated for them. Raises
    SpecError only when the pinned generator or ruff is missing or has another version.
    """
    with tempfile.TemporaryDirectory(prefix="drift-client-") as tmp:
        work = Path(tmp)
        sides: dict[str, Json] = {}
        for name, doc in (("head", head), ("base", base)):
            try:
                sides[name] = typed_spec(doc, overlay)
            except SpecError as exc:
                return [_failure(name, str(exc))]
        if sides["base"] == sides["head"]:
            return []
        regenerate.check_pins()
        generated: dict[str, Path] = {}
        for name in ("head", "base"):
            try:
                generated[name] = _generate(sides[name], work, name)
            except SpecError as exc:
                return [_failure(name, _generator_message(exc, work))]
        return diff_surfaces(load_surface(generated["base"]), load_surface(generated["head"]))


def _failure(side: str, message: str) -> Finding:
    rule = "client-generation-failed" if side == "head" else "client-base-generation-failed"
    return Finding(rule, "", "client", message)
