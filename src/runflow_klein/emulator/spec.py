"""Find and load the composed OpenAPI spec the emulator models.

The wheel ships the spec as ``runflow_klein/_spec/runflow-klein.openapi.json`` (hatch
force-include), while a source checkout only has ``openapi/runflow-klein.openapi.json``; reading
the package resource first means an installed emulator never depends on the checkout layout.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

SPEC_NAME = "runflow-klein.openapi.json"
_CHECKOUT_SPEC = Path(__file__).resolve().parents[3] / "openapi" / SPEC_NAME


@cache
def load_spec() -> dict[str, Any]:
    """Return the composed spec (cached: callers must treat it as read-only)."""
    packaged = files("runflow_klein").joinpath("_spec", SPEC_NAME)
    if packaged.is_file():
        raw = packaged.read_bytes()
    elif _CHECKOUT_SPEC.is_file():
        raw = _CHECKOUT_SPEC.read_bytes()
    else:
        raise FileNotFoundError(
            f"the composed spec is neither packaged (runflow_klein/_spec/{SPEC_NAME}) "
            f"nor in a source checkout ({_CHECKOUT_SPEC})"
        )
    spec: dict[str, Any] = json.loads(raw)
    return spec
