"""Replay the recordings through the generated client: it sends the recorded request and parses the
recorded response into the model documented for its status, losing nothing."""

from __future__ import annotations

import json

import httpx
import pytest
import vcr
from runflow_klein_pipeline.layout import CASSETTES_DIR
from runflow_klein_pipeline.recordings.cassette import decode_content, find_cassettes
from runflow_klein_pipeline.recordings.check import Interaction, RecordingSpec, load_cassette

from tests.contract.support.client import (
    TOKEN,
    RecordingTransport,
    base_url,
    call,
    documented_body,
    json_body,
    make_client,
    normalise,
    query_parameters,
    to_json,
)
from tests.contract.support.recordings import committed_interactions, interaction_id

INTERACTIONS = committed_interactions()
CASSETTES = find_cassettes([CASSETTES_DIR])


def _headers(interaction: Interaction) -> dict[str, str]:
    value = interaction.request_header("X-Organization-Id")
    return {} if value is None else {"X-Organization-Id": value}


@pytest.mark.parametrize("interaction", INTERACTIONS, ids=interaction_id)
def test_generated_client_round_trips_the_recording(spec: RecordingSpec, interaction: Interaction) -> None:
    resolution = spec.resolve(interaction.method, interaction.uri)
    assert resolution.operation is not None
    recorded_headers = [(name, v) for name, values in interaction.response_headers.items() for v in values]
    transport = RecordingTransport(interaction.status, recorded_headers, interaction.response_body)
    client = make_client(httpx.MockTransport(transport), base_url=base_url(interaction.uri))

    response = call(
        resolution.operation,
        client=client,
        path_parameters=resolution.path_parameters,
        body=json_body(interaction.request_body),
        headers=_headers(interaction),
        query=query_parameters(interaction.uri),
    )

    (sent,) = transport.sent
    assert (sent.method, sent.url.path) == (interaction.method, interaction.path)
    assert json_body(sent.content) == json_body(interaction.request_body)
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    for name, value in _headers(interaction).items():
        assert sent.headers[name] == value
    assert sent.url.params == httpx.QueryParams(query_parameters(interaction.uri))
    assert documented_body(spec, resolution.operation, interaction.status).matches(response.parsed)
    recorded = json.loads(
        decode_content(interaction.response_body, interaction.response_header("Content-Encoding"))
    )
    assert normalise(to_json(response.parsed)) == normalise(recorded)


@pytest.mark.parametrize("path", CASSETTES, ids=lambda path: path.name)
def test_vcrpy_replays_the_whole_cassette(spec: RecordingSpec, path: object) -> None:
    """vcrpy loads our cassettes (extra provenance keys included) and serves every interaction, in order,
    to the generated client; ``record_mode="none"`` makes any unrecorded request an error, not a call."""
    assert isinstance(path, type(CASSETTES_DIR))
    interactions = load_cassette(path)
    client = make_client(None, base_url=base_url(interactions[0].uri))  # one client: TLS setup is slow
    with vcr.VCR(record_mode="none").use_cassette(str(path)) as cassette:
        for interaction in interactions:
            resolution = spec.resolve(interaction.method, interaction.uri)
            assert resolution.operation is not None
            response = call(
                resolution.operation,
                client=client,
                path_parameters=resolution.path_parameters,
                body=json_body(interaction.request_body),
                headers=_headers(interaction),
                query=query_parameters(interaction.uri),
            )
            assert response.status_code == interaction.status
            assert response.content == interaction.response_body
        assert cassette.all_played
