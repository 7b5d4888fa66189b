"""Load the composed OpenAPI spec the emulator models.

The spec is package data, ``runflow_klein_emulator/_spec/runflow-klein.openapi.json``: in a
checkout that file is a symlink to ``openapi/runflow-klein.openapi.json`` (the composed spec's only
owner), and a built wheel stores the file itself, so the emulator never needs to know the layout
of the repository it came from.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

SPEC_NAME = "runflow-klein.openapi.json"


@cache
def load_spec() -> dict[str, Any]:
    """Return the composed spec (cached: callers must treat it as read-only)."""
    packaged = files("runflow_klein_emulator").joinpath("_spec", SPEC_NAME)
    if not packaged.is_file():
        raise FileNotFoundError(
            f"the composed spec is missing from the package: runflow_klein_emulator/_spec/{SPEC_NAME}"
        )
    spec: dict[str, Any] = json.loads(packaged.read_bytes())
    return spec
