"""One declaration of a model, whatever page or API response it was read from.

Every source (the ``llms.txt`` page, the docs page, the model catalog) says less than a contract: a
field's type may be "Any" or "json", a range may be missing. ``None`` always means *the source is
silent*, never *no limit*, so a comparison can tell silence from disagreement.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from runflow_klein_pipeline.documents import SpecError

# The documented type names, mapped to JSON Schema types. "image" and "image_list" are the docs pages'
# names for an image reference (a string) and a list of them; "json" (output tables) and "any" say
# nothing about the type.
TYPES: dict[str, str | None] = {
    "string": "string",
    "str": "string",
    "text": "string",
    "image": "string",
    "integer": "integer",
    "int": "integer",
    "number": "number",
    "float": "number",
    "boolean": "boolean",
    "bool": "boolean",
    "array": "array",
    "list": "array",
    "image_list": "array",
    "object": "object",
    "dict": "object",
    "json": None,
    "any": None,
}

# "- **Base price**: $0.014/megapixel" (llms.txt), "Base price: $0.005/image" (docs page).
PRICE = re.compile(r"Base price\**:\s*\$(?P<usd>[0-9]+(?:\.[0-9]+)?)\s*/\s*(?P<unit>[A-Za-z]+)")


class PageError(SpecError):
    """A page (or catalog response) that cannot be read as a model declaration."""


def schema_type(documented: str) -> str | None:
    """The JSON Schema type of a documented type name (``string | null`` → ``string``); None if silent."""
    branches = [part.strip().lower() for part in documented.split("|")]
    named = {TYPES.get(branch) for branch in branches if branch not in ("null", "none", "")}
    return named.pop() if len(named) == 1 else None


def literal(text: str) -> Any:
    """A documented value as JSON (`4` → 4, `true` → True); anything that is not JSON is a string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def price_of(text: str) -> tuple[str, str] | None:
    """The page's base price as (USD, unit), kept as text like the contracts' ``pricing``."""
    found = PRICE.search(text)
    return (found["usd"], found["unit"].lower()) if found else None


def number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Field:
    """One input, output or callback field as a source declares it."""

    name: str
    type: str | None = None  # a JSON Schema type; None: the source does not say
    required: bool = False
    has_default: bool = False
    default: Any = None
    allowed: tuple[str, ...] | None = None  # None: any value ("Any")
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""


@dataclass(frozen=True)
class Declaration:
    """What one source says about a model. ``outputs``/``callback`` are None when it has no such table."""

    form: str  # llms | docs | catalog | contract
    url: str  # the canonical page URL (never the .md variant), or what was read
    model_id: str | None
    title: str | None
    inputs: tuple[Field, ...]
    outputs: tuple[Field, ...] | None = None
    callback: tuple[Field, ...] | None = None
    price: tuple[str, str] | None = None  # (USD, unit): "0.005", "megapixel"

    def input(self, name: str) -> Field | None:
        return next((field for field in self.inputs if field.name == name), None)
