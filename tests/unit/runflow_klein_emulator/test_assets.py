"""The presigned upload flow: create a session, PUT without auth, confirm, read the asset."""

from __future__ import annotations

import httpx

from .support import api_client

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def _session(client: httpx.Client, **overrides: object) -> dict[str, str]:
    body = {"filename": "in.png", "mime_type": "image/png", "size_bytes": len(PNG_BYTES), **overrides}
    response = client.post("/v1/asset-uploads", json=body)
    assert response.status_code == 201
    session: dict[str, str] = response.json()
    return session


def test_upload_confirm_and_read_an_asset(client: httpx.Client, emulator_url: str) -> None:
    session = _session(client)
    with api_client(emulator_url, headers={}) as storage:  # presigned: no Authorization header
        put = storage.put(session["upload_url"], content=PNG_BYTES, headers={"Content-Type": "image/png"})
    assert put.status_code == 200

    confirmed = client.post(
        f"/v1/asset-uploads/{session['asset_id']}/confirmations", json={"folder_id": None}
    )
    assert confirmed.status_code == 201
    asset = confirmed.json()
    assert asset["id"] == session["asset_id"]
    assert asset["size_bytes"] == len(PNG_BYTES)
    assert asset["mime_type"] == "image/png"
    assert asset["asset_type"] == "image"

    read = client.get(f"/v1/assets/{session['asset_id']}", params={"embed": "created_by_user"}).json()
    assert read["created_by_user"]["id"] == asset["created_by"]
    download = client.get(read["url"])
    assert download.content == PNG_BYTES
    assert download.headers["content-type"] == "image/png"


def test_confirming_before_the_upload_is_422_and_the_asset_stays_unknown(client: httpx.Client) -> None:
    session = _session(client)
    early = client.post(f"/v1/asset-uploads/{session['asset_id']}/confirmations")
    assert early.status_code == 422
    assert early.json()["errors"][0]["loc"] == ["path", "asset_upload_id"]
    assert client.get(f"/v1/assets/{session['asset_id']}").status_code == 404


def test_upload_url_needs_its_signature(client: httpx.Client, emulator_url: str) -> None:
    session = _session(client)
    unsigned = session["upload_url"].split("?")[0]
    with api_client(emulator_url, headers={}) as storage:
        assert storage.put(unsigned, content=PNG_BYTES).status_code == 403


def test_invalid_session_requests_are_422(client: httpx.Client) -> None:
    response = client.post(
        "/v1/asset-uploads", json={"filename": "", "mime_type": "image/png", "size_bytes": 0}
    )
    assert response.status_code == 422
    locs = [error["loc"] for error in response.json()["errors"]]
    assert ["body", "filename"] in locs
    assert ["body", "size_bytes"] in locs


def test_dispatch_rejects_references_to_unknown_assets_and_accepts_confirmed_ones(
    client: httpx.Client, emulator_url: str
) -> None:
    edit = "/v1/models/black-forest-labs/flux-2-klein-4b/edit/runs"
    unknown = "runflow://assets/0196a4f6-0000-7000-8000-00000000abcd"

    rejected = client.post(
        edit, json={"input": {"prompt": "p", "image_urls": ["https://example.com/a.png", unknown]}}
    )

    assert rejected.status_code == 422
    assert rejected.json()["errors"] == [
        {
            "loc": ["body", "input", "image_urls", 1],
            "msg": f"asset not found or expired: {unknown}",
            "type": "value_error",
        }
    ]
    session = _session(client)
    with api_client(emulator_url, headers={}) as storage:
        storage.put(session["upload_url"], content=PNG_BYTES, headers={"Content-Type": "image/png"})
    client.post(f"/v1/asset-uploads/{session['asset_id']}/confirmations")
    accepted = client.post(
        edit, json={"input": {"prompt": "p", "reference_image_1": f"runflow://assets/{session['asset_id']}"}}
    )
    assert accepted.status_code == 200
