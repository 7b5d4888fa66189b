"""Dispatch → queued → running → succeeded, with real images; search; legacy routes; fail_rate."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
import pytest
from PIL import Image
from runflow_klein_emulator import EmulatorConfig, running
from runflow_klein_emulator.image_files import PRESET_SIZES

from .support import API_KEY, KLEIN_4B, KLEIN_ROUTES, TERMINAL, api_client, wait_for_run, wait_until

PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def _decode(client: httpx.Client, url: str) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


@pytest.mark.parametrize("operation", sorted(KLEIN_ROUTES))
def test_each_klein_model_runs_to_success(client: httpx.Client, operation: str) -> None:
    path, model_input = KLEIN_ROUTES[operation]
    dispatched = client.post(path, json={"input": model_input, "metadata": {"job": 7}})
    assert dispatched.status_code == 200
    run = dispatched.json()
    assert run["status_code"] == "queued"
    assert run["output"] is None
    assert run["metadata"] == {"job": 7}

    seen: list[str] = []

    def finished() -> dict[str, Any] | None:
        current: dict[str, Any] = client.get(f"/v1/runs/{run['id']}").json()
        if not seen or seen[-1] != current["status_code"]:
            seen.append(current["status_code"])
        return current if current["status_code"] in TERMINAL else None

    final = wait_until(finished, what="the run to finish")
    order = ["queued", "running", "succeeded"]
    assert seen == [status for status in order if status in seen], f"statuses went {seen}"
    assert final["status_code"] == "succeeded"
    assert final["completed_at"] >= final["started_at"] >= final["created_at"]
    outputs = final["output"]["outputs"]
    assert len(outputs) == 1
    image = _decode(client, outputs[0]["url"])
    assert image.size == (outputs[0]["width"], outputs[0]["height"])


@pytest.mark.parametrize(
    ("output_format", "image_size", "num_images"),
    [("jpeg", "square_hd", 1), ("png", "portrait_16_9", 2), ("webp", "landscape_16_9", 4)],
)
def test_images_follow_format_count_and_aspect(
    client: httpx.Client, output_format: str, image_size: str, num_images: int
) -> None:
    model_input = {
        "prompt": "p",
        "output_format": output_format,
        "image_size": image_size,
        "num_images": num_images,
    }
    run = client.post(KLEIN_4B, json={"input": model_input}).json()
    outputs = wait_for_run(client, run["id"])["output"]["outputs"]

    assert len(outputs) == num_images
    nominal_width, nominal_height = PRESET_SIZES[image_size]
    for output in outputs:
        image = _decode(client, output["url"])
        assert image.format == PIL_FORMATS[output_format]
        assert output["content_type"] == f"image/{output_format}"
        assert image.width * nominal_height == image.height * nominal_width  # same aspect ratio
        assert image.width <= 64
        assert image.height <= 64


def test_same_seed_gives_the_same_pixels(client: httpx.Client) -> None:
    runs = [client.post(KLEIN_4B, json={"input": {"prompt": "p", "seed": 42}}).json() for _ in range(2)]
    urls = [wait_for_run(client, run["id"])["output"]["outputs"][0]["url"] for run in runs]
    assert urls[0] != urls[1]
    assert client.get(urls[0]).content == client.get(urls[1]).content


def test_file_urls_need_their_signature(client: httpx.Client) -> None:
    run = client.post(KLEIN_4B, json={"input": {"prompt": "p"}}).json()
    url = wait_for_run(client, run["id"])["output"]["outputs"][0]["url"]
    assert client.get(url).status_code == 200
    assert client.get(url.split("?")[0]).status_code == 403
    assert client.get(url.replace("signature=", "signature=0")).status_code == 403


def test_generic_route_rejects_models_the_emulator_does_not_serve(client: httpx.Client) -> None:
    generic = client.post("/v1/models/acme/other-model/runs", json={"input": {"prompt": "p"}})
    assert generic.status_code == 404
    assert generic.json()["code"] == "MODEL_NOT_FOUND"


def test_search_filters_by_client_ref_and_pages(client: httpx.Client) -> None:
    mine, other = f"ref-{uuid.uuid4()}", f"ref-{uuid.uuid4()}"
    created = [
        client.post(KLEIN_4B, json={"input": {"prompt": "p"}, "client_ref": mine}).json()["id"]
        for _ in range(3)
    ]
    client.post(KLEIN_4B, json={"input": {"prompt": "p"}, "client_ref": other})

    page = client.get("/v1/runs", params={"q": f"client_ref.EQ:'{mine}'", "limit": 2}).json()
    assert set(page) == {"items", "first", "next", "previous"}
    assert len(page["items"]) == 2
    assert page["previous"] is None
    rest = client.get(
        "/v1/runs", params={"q": f"client_ref.EQ:'{mine}'", "limit": 2, "pq": page["next"]}
    ).json()
    assert rest["next"] is None
    assert rest["previous"] is not None
    found = [item["id"] for item in page["items"] + rest["items"]]
    assert sorted(found) == sorted(created)
    assert found == sorted(found, reverse=True)  # newest first; ids are time-ordered UUIDv7


def test_search_combines_clauses_and_projects_fields(client: httpx.Client) -> None:
    ref = f"ref-{uuid.uuid4()}"
    run = client.post(KLEIN_4B, json={"input": {"prompt": "p"}, "client_ref": ref}).json()
    wait_for_run(client, run["id"])
    query = f"client_ref.EQ:'{ref}' AND status_code:succeeded"
    items = client.get("/v1/runs", params={"q": query, "fields": "status_code"}).json()["items"]
    assert items == [{"id": run["id"], "status_code": "succeeded"}]
    queued = client.get("/v1/runs", params={"q": f"client_ref.EQ:'{ref}' AND status_code.EQ:'queued'"}).json()
    assert queued["items"] == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/v1/run/black-forest-labs/flux-2-klein-4b",
            {"prompt": "p", "num_images": 2, "output_format": "jpeg"},
        ),
        (
            "/v1/run/black-forest-labs/flux-2-klein-9b/edit",
            {"prompt": "p", "image_urls": ["https://example.com/a.png"]},
        ),
    ],
)
def test_legacy_routes_answer_synchronously_with_images(
    client: httpx.Client, path: str, body: dict[str, Any]
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 200
    result = response.json()
    assert result["prompt"] == "p"
    assert len(result["images"]) == body.get("num_images", 1)
    assert result["has_nsfw_concepts"] == [False] * len(result["images"])
    for image in result["images"]:
        assert _decode(client, image["url"]).format == PIL_FORMATS[body.get("output_format", "png")]


def _outcomes(seed: int, count: int) -> list[tuple[str, str | None]]:
    config = EmulatorConfig(run_seconds=0, fail_rate=0.5, seed=seed, api_key=API_KEY)
    with running(config) as url, api_client(url) as api:
        ids = [api.post(KLEIN_4B, json={"input": {"prompt": "p"}}).json()["id"] for _ in range(count)]
        runs = [wait_for_run(api, run_id) for run_id in ids]
    return [(run["status_code"], run["failure_code"]) for run in runs]


def test_fail_rate_is_reproducible_with_a_seed() -> None:
    first, second = _outcomes(seed=3, count=12), _outcomes(seed=3, count=12)
    assert first == second
    assert {status for status, _ in first} == {"succeeded", "failed"}
    assert all(code == ("MODEL_UNAVAILABLE" if status == "failed" else None) for status, code in first)


def test_failed_runs_carry_failure_fields_and_no_output() -> None:
    config = EmulatorConfig(run_seconds=0, fail_rate=1.0, api_key=API_KEY)
    with running(config) as url, api_client(url) as api:
        run = wait_for_run(api, api.post(KLEIN_4B, json={"input": {"prompt": "p"}}).json()["id"])
        legacy = api.post("/v1/run/black-forest-labs/flux-2-klein-4b", json={"prompt": "p"})
    assert run["status_code"] == "failed"
    assert run["output"] is None
    assert run["failure_message"]
    assert run["failure_stage_code"] == "execution"
    assert legacy.status_code == 503
    assert legacy.json()["code"] == "MODEL_UNAVAILABLE"


def test_cost_follows_the_documented_price(client: httpx.Client) -> None:
    model_input = {"prompt": "p", "image_size": "square_hd", "num_images": 2}
    run = wait_for_run(client, client.post(KLEIN_4B, json={"input": model_input}).json()["id"])
    # $0.005 per megapixel (x-pricing), 2 images of 1024x1024 = 2.097152 MP
    assert run["cost"] == "0.010486"
