"""Every non-2xx answer becomes the right typed error, whatever its body; nothing secret leaks."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from runflow_klein_emulator.scripted_api import API_KEY

from runflow_klein import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    KleinClient,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    RunflowError,
    ServerError,
    UnexpectedStatusError,
    ValidationError,
)

RUN_ID = "0192b7a4-5f3e-7c1d-9a2b-3c4d5e6f7a8b"
SIGNED_URL = "https://storage.example/out/0.png?X-Amz-Signature=TOPSECRETSIG&X-Amz-Expires=300"


def mock_client(handler: Callable[[httpx.Request], httpx.Response]) -> KleinClient:
    return KleinClient(
        api_key=API_KEY,
        base_url="https://api.runflow.test",
        transport=httpx.MockTransport(handler),
        max_retries=0,
    )


def raise_from(response: httpx.Response) -> APIStatusError:
    with mock_client(lambda request: response) as client, pytest.raises(APIStatusError) as caught:
        client.get_run(RUN_ID)
    return caught.value


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, PaymentRequiredError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (520, ServerError),  # Cloudflare: crashes the generated client with HTTPStatus(520)
        (418, UnexpectedStatusError),
        (302, UnexpectedStatusError),
    ],
)
def test_status_maps_to_its_error_class(status: int, error_class: type[APIStatusError]) -> None:
    error = raise_from(httpx.Response(status, json={"code": "SOME_CODE", "message": "Something broke"}))
    assert type(error) is error_class
    assert error.status_code == status
    assert error.code == "SOME_CODE"
    assert error.message == "Something broke"
    assert "Something broke" in str(error)
    assert f"/v1/runs/{RUN_ID}" in str(error)


def test_validation_error_carries_the_field_errors() -> None:
    errors = [{"loc": ["body", "input", "prompt"], "msg": "field required", "type": "missing"}]
    error = raise_from(
        httpx.Response(422, json={"code": "VALIDATION_ERROR", "message": "bad input", "errors": errors})
    )
    assert isinstance(error, ValidationError)
    assert error.errors == errors


def test_a_fastapi_default_422_body_gives_its_field_errors() -> None:
    """FastAPI's own 422 (``HTTPValidationError``) puts the field errors under ``detail``."""
    detail = [{"loc": ["body", "input", "prompt"], "msg": "Field required", "type": "missing"}]

    error = raise_from(httpx.Response(422, json={"detail": detail}))

    assert isinstance(error, ValidationError)
    assert error.errors == detail


def test_rate_limit_error_carries_retry_after() -> None:
    error = raise_from(
        httpx.Response(429, headers={"Retry-After": "17"}, json={"code": "RATE_LIMITED", "message": "slow"})
    )
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 17.0


def test_html_error_page_from_a_proxy_becomes_a_server_error_with_its_title() -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
    error = raise_from(httpx.Response(502, text=page, headers={"content-type": "text/html"}))
    assert isinstance(error, ServerError)
    assert error.code is None
    assert "HTML page: 502 Bad Gateway" in str(error)
    assert error.body == page


def test_truncated_json_body_still_gives_the_status_error_and_an_excerpt() -> None:
    error = raise_from(
        httpx.Response(
            500, content=b'{"code": "INTERNAL", "mess', headers={"content-type": "application/json"}
        )
    )
    assert isinstance(error, ServerError)
    assert "non-JSON body" in str(error)
    assert '{"code": "INTERNAL", "mess' in str(error)


def test_empty_body_is_described() -> None:
    error = raise_from(httpx.Response(503))
    assert isinstance(error, ServerError)
    assert "empty body" in str(error)


def test_nested_error_envelope_is_understood() -> None:
    error = raise_from(
        httpx.Response(403, json={"error": {"code": "PERMISSION_DENIED", "message": "no scope"}})
    )
    assert (error.code, error.message) == ("PERMISSION_DENIED", "no scope")


@pytest.mark.parametrize("header", ["x-request-id", "runflow-request-id", "request-id"])
def test_request_id_comes_from_any_documented_header(header: str) -> None:
    error = raise_from(httpx.Response(500, headers={header: "req_abc"}, json={"code": "X", "message": "y"}))
    assert error.request_id == "req_abc"
    assert "request_id=req_abc" in str(error)


def test_request_id_falls_back_to_the_body() -> None:
    error = raise_from(
        httpx.Response(404, json={"code": "RUN_NOT_FOUND", "message": "gone", "request_id": "req_body"})
    )
    assert error.request_id == "req_body"


def test_unknown_run_status_does_not_crash_parsing() -> None:
    body = {"id": RUN_ID, "status_code": "paused", "output": None}
    with mock_client(lambda request: httpx.Response(200, json=body)) as client:
        run = client.get_run(RUN_ID)
    assert run.status == "paused"
    assert not run.is_terminal


def test_unknown_output_type_is_kept_as_a_plain_string() -> None:
    output = {"outputs": [{"url": "https://cdn/mask.png", "type": "mask"}], "seed": 3}
    body = {"id": RUN_ID, "status_code": "succeeded", "client_ref": "ref-1", "output": output}
    with mock_client(lambda request: httpx.Response(200, json=body)) as client:
        run = client.submit("flux-2-klein-4b", {"prompt": "x"}, client_ref="ref-1")
    assert [(item.url, item.type) for item in run.outputs] == [("https://cdn/mask.png", "mask")]
    assert run.succeeded


def test_a_body_the_generated_model_cannot_parse_still_gives_a_view() -> None:
    # The generated Flux2Klein4BRun.from_dict calls UUID(id): a ULID-style id makes it raise.
    body = {"id": "01J0RUNULIDSTYLE", "status_code": "queued", "client_ref": "ref-2"}
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(
            200, json=body if request.method == "POST" else {**body, "status_code": "succeeded"}
        )

    with mock_client(handler) as client:
        run = client.submit("flux-2-klein-4b", {"prompt": "x"}, client_ref="ref-2")
        assert run.typed is None
        assert (run.id, run.status, run.client_ref) == ("01J0RUNULIDSTYLE", "queued", "ref-2")
        # ...and the run can still be looked at.
        assert client.get_run(run.id).status == "succeeded"
    assert paths[-1] == "/v1/runs/01J0RUNULIDSTYLE"


def test_known_run_status_also_gives_the_typed_model() -> None:
    from runflow_klein_client.models import NormalizedOutput, Run  # noqa: PLC0415

    body = {"id": RUN_ID, "status_code": "succeeded", "output": {"outputs": [{"url": "https://cdn/x.png"}]}}
    with mock_client(lambda request: httpx.Response(200, json=body)) as client:
        run = client.get_run(RUN_ID)
    assert isinstance(run.typed, Run)
    assert isinstance(run.typed.output, NormalizedOutput)
    assert [item.url for item in run.typed.output.outputs or []] == ["https://cdn/x.png"]
    assert run.succeeded
    assert [output.url for output in run.outputs] == ["https://cdn/x.png"]


GOOD_ITEM = {"url": "https://cdn/good.png", "type": "image"}


@pytest.mark.parametrize(
    ("output", "usable"),
    [
        ({"outputs": {"0": GOOD_ITEM}}, []),  # not a list
        ({"outputs": [{"type": "image"}, GOOD_ITEM]}, ["https://cdn/good.png"]),  # an item without url
        ({"outputs": [GOOD_ITEM, {"url": 7}]}, ["https://cdn/good.png"]),  # a url that is not a string
    ],
)
def test_a_malformed_output_gives_a_view_without_a_typed_model(output: object, usable: list[str]) -> None:
    """The generated parser would hand back the raw dict as the typed output; the view does not pass it
    on as a model that parsed, and keeps the items that have a usable URL."""
    body = {"id": RUN_ID, "status_code": "succeeded", "output": output}
    with mock_client(lambda request: httpx.Response(200, json=body)) as client:
        run = client.get_run(RUN_ID)
    assert run.typed is None
    assert run.succeeded
    assert [item.url for item in run.outputs] == usable
    assert run.raw["output"] == output


def test_waiting_ends_on_a_finished_run_whose_output_is_malformed() -> None:
    bodies: Iterator[dict[str, object]] = iter(
        [{"status_code": "running"}, {"status_code": "succeeded", "output": {"outputs": "x"}}]
    )
    sleeps: list[float] = []
    with KleinClient(
        api_key=API_KEY,
        base_url="https://api.runflow.test",
        transport=httpx.MockTransport(
            lambda request: httpx.Response(200, json={"id": RUN_ID, **next(bodies)})
        ),
        sleep=sleeps.append,
        clock=lambda: 1000.0 + sum(sleeps),
    ) as client:
        run = client.wait(RUN_ID)
    assert (run.status, run.outputs, run.typed) == ("succeeded", (), None)
    assert len(sleeps) == 2


def test_success_status_with_an_html_body_is_a_response_validation_error() -> None:
    with (
        mock_client(lambda request: httpx.Response(200, text="<html>captive portal</html>")) as client,
        pytest.raises(APIResponseValidationError, match="expected a JSON object"),
    ):
        client.get_run(RUN_ID)


def test_a_run_without_an_id_is_a_response_validation_error() -> None:
    with (
        mock_client(lambda request: httpx.Response(200, json={"status_code": "queued"})) as client,
        pytest.raises(APIResponseValidationError, match="without an id"),
    ):
        client.get_run(RUN_ID)


def test_no_secret_in_any_error_text_or_repr() -> None:
    def storage(request: httpx.Request) -> httpx.Response:
        if request.url.host == "storage.example":
            return httpx.Response(403, text="<Error><Code>AccessDenied</Code></Error>")
        return httpx.Response(401, json={"code": "UNAUTHORIZED", "message": "Invalid token"})

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    raised: list[RunflowError] = []
    with mock_client(storage) as client:
        for action in (
            lambda: client.get_run(RUN_ID),
            lambda: client.download(SIGNED_URL, directory="/nonexistent", stem="x"),
        ):
            with pytest.raises(RunflowError) as caught:
                action()
            raised.append(caught.value)
    with mock_client(refused) as client, pytest.raises(APIConnectionError) as caught_connection:
        client.download(SIGNED_URL, directory="/nonexistent", stem="x")
    raised.append(caught_connection.value)

    assert [type(error) for error in raised] == [
        AuthenticationError,
        PermissionDeniedError,
        APIConnectionError,
    ]
    for error in raised:
        for text in (str(error), repr(error)):
            assert API_KEY not in text
            assert "TOPSECRETSIG" not in text
    assert "https://storage.example/out/0.png" in str(raised[1])
    assert "https://storage.example/out/0.png" in str(raised[2])


def test_client_repr_hides_the_api_key() -> None:
    with mock_client(lambda request: httpx.Response(204)) as client:
        assert API_KEY not in repr(client)


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (
            {
                "code": "VALIDATION_ERROR",
                "message": "The request does not match the API contract.",
                "errors": [
                    {"loc": ["body", "input", "num_images"], "msg": "must be <= 4", "type": "le"},
                    {"field": "input.image_size", "message": "not one of the presets"},
                ],
            },
            "[body.input.num_images: must be <= 4; input.image_size: not one of the presets]",
        ),
        (
            {"detail": [{"loc": ["body", "input", "prompt"], "msg": "field required", "type": "missing"}]},
            "[body.input.prompt: field required]",
        ),
        ({"message": "bad", "errors": [{"odd": 1}]}, '[{"odd": 1}]'),
    ],
)
def test_a_validation_error_message_names_each_field_and_reason(body: dict[str, object], shown: str) -> None:
    error = raise_from(httpx.Response(422, json=body))
    assert shown in str(error)
