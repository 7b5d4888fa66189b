"""Validate a JSON instance against one schema of the spec, naming each error at its leaf.

Two libraries, each for what it does best:
- the verdict comes from jsonschema_rs, the engine schemathesis uses for responses: its regexes follow
  ECMA-262 as JSON Schema requires (Python's ``re`` treats ``\\x1c``-``\\x1f`` as whitespace, so
  ``\\S`` disagrees) and it checks every format natively;
- the names come from python-jsonschema, whose ``best_match`` descends through ``anyOf``/``oneOf``
  to the failing leaf, where jsonschema_rs (and so schemathesis) reports only the parent.
If the two disagree about *where*, jsonschema_rs's own errors are reported; if jsonschema_rs finds
the instance valid, nothing is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match
from referencing import Registry


@dataclass(frozen=True, order=True)
class SchemaError:
    """One failing location: a JSON pointer into the instance and a one-line message."""

    pointer: str
    message: str


class SchemaValidator:
    """Validators for the schema at ``uri`` (``<registry uri>#<json pointer>``), built once and reused."""

    def __init__(self, uri: str, *, registry: Registry[Any], rs_registry: jsonschema_rs.Registry) -> None:
        self._verdict = jsonschema_rs.validator_for(
            {"$ref": uri}, registry=rs_registry, validate_formats=True
        )
        self._names = Draft202012Validator(
            {"$ref": uri}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )

    def errors(self, instance: Any) -> list[SchemaError]:
        """Every failing location, or an empty list when the instance is valid."""
        try:
            judged = list(self._verdict.iter_errors(instance))
        except ValueError:  # jsonschema_rs refuses lone surrogates, which Python's json accepts
            return self.named_errors(instance)
        if not judged:
            return []
        return self.named_errors(instance) or sorted(
            {SchemaError(pointer(error.instance_path), error.message) for error in judged}
        )

    def named_errors(self, instance: Any) -> list[SchemaError]:
        """python-jsonschema's errors, one per failing leaf, in a stable order."""
        leaves = set()
        for error in self._names.iter_errors(instance):
            leaf = best_match([error])
            if leaf is not None:
                leaves.add(SchemaError(_leaf_pointer(leaf), _message(leaf)))
        return sorted(leaves)


def _message(error: ValidationError) -> str:
    """jsonschema's message, except for an anyOf/oneOf of plain types, where it names the types."""
    branches = error.context or []
    if branches and all(branch.validator == "type" and not branch.relative_path for branch in branches):
        types = " or ".join(repr(branch.validator_value) for branch in branches)
        return f"{error.instance!r} is not of type {types}"
    return error.message


def _leaf_pointer(error: ValidationError) -> str:
    """The error's location; for a missing required property, the property itself."""
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        required = error.validator_value if isinstance(error.validator_value, list) else []
        path += [name for name in required if f"{name!r} is a required property" == error.message][:1]
    return pointer(path)


def pointer(path: Iterable[Any]) -> str:
    """RFC 6901 JSON pointer of a path ("" is the whole document)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)
