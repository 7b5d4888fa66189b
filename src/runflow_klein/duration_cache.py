"""The CLI's memory of run durations between invocations: one small JSON file in the user cache dir.

Why a file and these rules: each ``runflow-klein run`` is a new process, so what one run taught the
poller (:mod:`runflow_klein.durations`) would be lost without it. The file is a cache, never a source of
truth: a missing, unreadable or malformed file means "nothing learned"; writes go to a temporary file
in the same directory and replace the old one atomically, so a reader never sees half a file; and a
save merges the samples this process added into what is on disk *now*, so processes running at the same
time lose at most a sample to a race, never the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import platformdirs

from .constants import DURATION_SAMPLES_KEPT
from .durations import RunDurations

__all__ = ["default_path", "load_durations", "save_durations"]

_FORMAT = 1


def default_path() -> Path:
    """``durations.json`` in the user cache directory (``$XDG_CACHE_HOME/runflow-klein`` on Linux)."""
    return Path(platformdirs.user_cache_dir("runflow-klein", appauthor=False)) / "durations.json"


def _read(path: Path) -> dict[str, list[float]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    models = (
        document.get("models") if isinstance(document, dict) and document.get("format") == _FORMAT else None
    )
    if not isinstance(models, dict):
        return {}
    return {
        model: [float(value) for value in values if isinstance(value, int | float) and 0 < value < 86_400]
        for model, values in models.items()
        if isinstance(model, str) and isinstance(values, list)
    }


def load_durations(path: Path) -> RunDurations:
    """What earlier processes learned, or nothing when the file is missing or not ours."""
    return RunDurations(_read(path))


def save_durations(path: Path, durations: RunDurations) -> None:
    """Merge the samples ``durations`` added into the file and replace it atomically; best effort (an
    unwritable cache directory only means the next process starts cold)."""
    added = durations.added()
    if not added:
        return
    merged = _read(path)
    for model, values in added.items():
        merged[model] = (merged.get(model, []) + values)[-DURATION_SAMPLES_KEPT:]
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".durations-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump({"format": _FORMAT, "models": merged}, file)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
