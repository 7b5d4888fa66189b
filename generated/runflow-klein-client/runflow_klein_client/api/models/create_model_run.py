from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_run_request import CreateRunRequest
from ...models.error_response import ErrorResponse
from ...models.run import Run
from ...types import UNSET, Response, Unset


def _get_kwargs(
    owner: str,
    slug: str,
    *,
    body: CreateRunRequest,
    x_organization_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_organization_id, Unset):
        headers["X-Organization-Id"] = x_organization_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/models/{owner}/{slug}/runs".format(
            owner=quote(str(owner), safe=""),
            slug=quote(str(slug), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | Run | None:
    if response.status_code == 200:
        response_200 = Run.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Run.from_dict(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = Run.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorResponse.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | Run]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    owner: str,
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateRunRequest,
    x_organization_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | Run]:
    """Create and dispatch a singleton model run

     Runs are asynchronous: the call returns immediately with the run's id and status_code `queued`.
    Dispatch is not idempotent — retry only after looking the run up by `client_ref`. The success status
    is not visible in the public docs (200, 201 and 202 are all plausible; see the contradiction
    ledger), so all three are documented until a real response settles it.

    Args:
        owner (str):
        slug (str):
        x_organization_id (None | str | Unset):
        body (CreateRunRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Run]
    """

    kwargs = _get_kwargs(
        owner=owner,
        slug=slug,
        body=body,
        x_organization_id=x_organization_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    owner: str,
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateRunRequest,
    x_organization_id: None | str | Unset = UNSET,
) -> ErrorResponse | Run | None:
    """Create and dispatch a singleton model run

     Runs are asynchronous: the call returns immediately with the run's id and status_code `queued`.
    Dispatch is not idempotent — retry only after looking the run up by `client_ref`. The success status
    is not visible in the public docs (200, 201 and 202 are all plausible; see the contradiction
    ledger), so all three are documented until a real response settles it.

    Args:
        owner (str):
        slug (str):
        x_organization_id (None | str | Unset):
        body (CreateRunRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Run
    """

    return sync_detailed(
        owner=owner,
        slug=slug,
        client=client,
        body=body,
        x_organization_id=x_organization_id,
    ).parsed


async def asyncio_detailed(
    owner: str,
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateRunRequest,
    x_organization_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | Run]:
    """Create and dispatch a singleton model run

     Runs are asynchronous: the call returns immediately with the run's id and status_code `queued`.
    Dispatch is not idempotent — retry only after looking the run up by `client_ref`. The success status
    is not visible in the public docs (200, 201 and 202 are all plausible; see the contradiction
    ledger), so all three are documented until a real response settles it.

    Args:
        owner (str):
        slug (str):
        x_organization_id (None | str | Unset):
        body (CreateRunRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Run]
    """

    kwargs = _get_kwargs(
        owner=owner,
        slug=slug,
        body=body,
        x_organization_id=x_organization_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    owner: str,
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateRunRequest,
    x_organization_id: None | str | Unset = UNSET,
) -> ErrorResponse | Run | None:
    """Create and dispatch a singleton model run

     Runs are asynchronous: the call returns immediately with the run's id and status_code `queued`.
    Dispatch is not idempotent — retry only after looking the run up by `client_ref`. The success status
    is not visible in the public docs (200, 201 and 202 are all plausible; see the contradiction
    ledger), so all three are documented until a real response settles it.

    Args:
        owner (str):
        slug (str):
        x_organization_id (None | str | Unset):
        body (CreateRunRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Run
    """

    return (
        await asyncio_detailed(
            owner=owner,
            slug=slug,
            client=client,
            body=body,
            x_organization_id=x_organization_id,
        )
    ).parsed
