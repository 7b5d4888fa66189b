"""The model catalog's declaration (``GET /v1/models/{owner}/{slug}``, with an API key).

Shape read (from the issue's description; no real response has been recorded yet, so the tests use
synthetic ones): ``{"inputs": [{"name", "variable_type_code", "is_required", "default_value",
"validator_attrs": {...}}], "outputs": [{"name", "variable_type_code"}]}``, optionally wrapped in
``{"data": …}``. ``validator_attrs`` is read for allowed values (``choices``, ``options``, ``enum``,
``allowed_values``) and a range (``min``/``min_value``/``minimum``, ``max``/``max_value``/``maximum``);
other validator keys are ignored, never guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from runflow_klein_pipeline.model_docs.declaration import Declaration, Field, PageError, schema_type

ALLOWED_KEYS = ("choices", "options", "enum", "allowed_values")
MIN_KEYS = ("min", "min_value", "minimum")
MAX_KEYS = ("max", "max_value", "maximum")


def _first(attrs: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((attrs[key] for key in keys if attrs.get(key) is not None), None)


def _bound(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _field(item: Any, where: str) -> Field:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise PageError(f"{where}: every declared field needs a string 'name', got {item!r:.80}")
    attrs = item.get("validator_attrs") or {}
    if not isinstance(attrs, dict):
        raise PageError(f"{where}: {item['name']}.validator_attrs is not an object")
    allowed = _first(attrs, ALLOWED_KEYS)
    return Field(
        name=item["name"],
        type=schema_type(str(item.get("variable_type_code") or "any")),
        required=item.get("is_required") is True,
        has_default=item.get("default_value") is not None,
        default=item.get("default_value"),
        allowed=tuple(str(value) for value in allowed) if isinstance(allowed, list) else None,
        minimum=_bound(_first(attrs, MIN_KEYS)),
        maximum=_bound(_first(attrs, MAX_KEYS)),
        description=str(item.get("description") or ""),
    )


def parse(text: str, *, url: str) -> Declaration:
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise PageError(f"{url}: not a catalog response (not JSON: {exc})") from exc
    if isinstance(doc, dict) and isinstance(doc.get("data"), dict):
        doc = doc["data"]
    if not isinstance(doc, dict) or not isinstance(doc.get("inputs"), list):
        raise PageError(f"{url}: not a catalog model declaration (no 'inputs' list)")
    outputs = doc.get("outputs")
    owner, slug = doc.get("owner"), doc.get("slug")
    model_id = doc.get("model_id") or (f"{owner}/{slug}" if owner and slug else None)
    return Declaration(
        form="catalog",
        url=url,
        model_id=str(model_id) if model_id else None,
        title=str(doc["name"]) if doc.get("name") else None,
        inputs=tuple(_field(item, url) for item in doc["inputs"]),
        outputs=tuple(_field(item, url) for item in outputs) if isinstance(outputs, list) else None,
    )
