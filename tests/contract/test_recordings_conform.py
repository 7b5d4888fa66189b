"""Every committed recording conforms to the composed spec and says where its bodies come from."""

from __future__ import annotations

import json

import pytest
from runflow_klein_pipeline.layout import CASSETTES_DIR
from runflow_klein_pipeline.recordings import seed as seed_cassettes
from runflow_klein_pipeline.recordings.check import Interaction, RecordingSpec, check_cassette

from tests.contract.support.recordings import committed_interactions, interaction_id

INTERACTIONS = committed_interactions()
CASSETTES = sorted({interaction.cassette for interaction in INTERACTIONS})


@pytest.mark.parametrize("cassette", CASSETTES)
def test_recording_conforms_to_the_spec(spec: RecordingSpec, cassette: str) -> None:
    """Every interaction, and the output of every run against the model whose dispatch it recorded."""
    interactions = [interaction for interaction in INTERACTIONS if interaction.cassette == cassette]
    assert [violation.format() for violation in check_cassette(spec, interactions)] == []


def test_recordings_show_run_outputs_where_the_model_is_known(spec: RecordingSpec) -> None:
    """The conformance above covers model outputs only if some cassette dispatches a run and reads it back."""
    readers = {"get_run", "search_runs", "get_run_callback_deliveries", "redeliver_run_callback"}
    dispatched, read_back = set(), set()
    for interaction in INTERACTIONS:
        operation = spec.resolve(interaction.method, interaction.uri).operation
        assert operation is not None
        if operation.klein_model is not None and interaction.status < 300:
            dispatched.add((interaction.cassette, json.loads(interaction.response_body).get("id")))
        elif operation.operation_id in readers and b'"outputs"' in interaction.response_body:
            read_back.add((interaction.cassette, operation.operation_id))
    cassettes_with_dispatches = {cassette for cassette, _ in dispatched}
    assert {name for cassette, name in read_back if cassette in cassettes_with_dispatches} == readers


@pytest.mark.parametrize("interaction", INTERACTIONS, ids=interaction_id)
def test_recording_states_its_provenance(interaction: Interaction) -> None:
    """A docs URL for bodies taken from an example, a reason for anything made up, or where and when
    a live session recorded it; at least one."""
    source = interaction.provenance.get("x-source")
    synthetic = interaction.provenance.get("x-synthetic")
    recorded = interaction.provenance.get("x-recorded")
    assert source is not None or synthetic is not None or recorded is not None
    if recorded is not None:
        assert set(recorded) == {"base_url", "at"}
    if source is not None:
        urls = source if isinstance(source, list) else [source]
        assert urls
        assert all(isinstance(url, str) and url.startswith("https://") for url in urls)
    if synthetic is not None:
        assert isinstance(synthetic, str)
        assert len(synthetic.split()) >= 5, "say why the body is made up"


@pytest.mark.parametrize("name", sorted(seed_cassettes.seed_table()))
def test_seed_cassette_is_what_the_seed_table_writes(name: str) -> None:
    """Hand edits to seed cassettes are lost on ``--force``: the table is the only source."""
    path = CASSETTES_DIR / f"{name}.yaml"
    assert path.read_text(encoding="utf-8") == seed_cassettes.render(seed_cassettes.seed_table()[name])
