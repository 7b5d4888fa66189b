"""Load the composed OpenAPI spec the emulator models.

The emulator serves the spec the runtime it depends on was built with: the runtime's package data
``runflow_klein/_spec/runflow-klein.openapi.json`` (in a checkout a symlink to
``openapi/runflow-klein.openapi.json``, the composed spec's only owner; in wheels and sdists the file
itself), so the emulator never needs to know the layout of the repository it came from and the spec
is shipped once. A test can serve another composed spec instead (one composed from a different
upstream document): ``EmulatorConfig(spec_path=...)``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

SPEC_NAME = "runflow-klein.openapi.json"


@cache
def load_spec(path: Path | None = None) -> dict[str, Any]:
    """Return the composed spec at ``path``, or the packaged one (cached per path: callers must treat it
    as read-only)."""
    source = files("runflow_klein").joinpath("_spec", SPEC_NAME) if path is None else path
    if not source.is_file():
        where = f"runflow_klein/_spec/{SPEC_NAME}" if path is None else str(path)
        raise FileNotFoundError(f"the composed spec is missing: {where}")
    spec: dict[str, Any] = json.loads(source.read_bytes())
    return spec
