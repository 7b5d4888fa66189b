"""The composed spec and the committed cassettes, loaded once per test session.

Both are needed at collection time (tests are parametrized by operation and by interaction), so
they live behind ``functools.cache`` rather than in fixtures.
"""

from __future__ import annotations

from functools import cache

from runflow_klein_pipeline.layout import CASSETTES_DIR
from runflow_klein_pipeline.recordings.cassette import find_cassettes
from runflow_klein_pipeline.recordings.check import Interaction, RecordingSpec, load_cassette, load_spec
from runflow_klein_pipeline.recordings.spec import Operation


@cache
def composed_spec() -> RecordingSpec:
    return load_spec()


@cache
def committed_interactions() -> tuple[Interaction, ...]:
    """Every interaction of every committed cassette, labelled by path relative to the cassette dir."""
    found: list[Interaction] = []
    for path in find_cassettes([CASSETTES_DIR]):
        found.extend(load_cassette(path, name=str(path.relative_to(CASSETTES_DIR))))
    return tuple(found)


def klein_operations(spec: RecordingSpec) -> list[Operation]:
    """The operations the suite must cover: those the composed spec marks with ``x-klein-model``."""
    return [operation for operation in spec.operations if operation.klein_model is not None]


def interaction_id(interaction: Interaction) -> str:
    return f"{interaction.cassette}#{interaction.index}-{interaction.status}"
