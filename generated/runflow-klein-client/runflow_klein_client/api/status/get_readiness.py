from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.readiness_status import ReadinessStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    x_organization_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_organization_id, Unset):
        headers["X-Organization-Id"] = x_organization_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/readiness",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ReadinessStatus | None:
    if response.status_code == 200:
        response_200 = ReadinessStatus.from_dict(response.json())

        return response_200

    if response.status_code == 503:
        response_503 = ReadinessStatus.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ReadinessStatus]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_organization_id: None | str | Unset = UNSET,
) -> Response[ReadinessStatus]:
    """Readiness

     Readiness probe — checks database and Redis connectivity. Manages its own session (not via
    Depends(get_db)). DB failure or Redis `disabled` → 503; Redis `degraded` stays 200.

    Args:
        x_organization_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ReadinessStatus]
    """

    kwargs = _get_kwargs(
        x_organization_id=x_organization_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    x_organization_id: None | str | Unset = UNSET,
) -> ReadinessStatus | None:
    """Readiness

     Readiness probe — checks database and Redis connectivity. Manages its own session (not via
    Depends(get_db)). DB failure or Redis `disabled` → 503; Redis `degraded` stays 200.

    Args:
        x_organization_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ReadinessStatus
    """

    return sync_detailed(
        client=client,
        x_organization_id=x_organization_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_organization_id: None | str | Unset = UNSET,
) -> Response[ReadinessStatus]:
    """Readiness

     Readiness probe — checks database and Redis connectivity. Manages its own session (not via
    Depends(get_db)). DB failure or Redis `disabled` → 503; Redis `degraded` stays 200.

    Args:
        x_organization_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ReadinessStatus]
    """

    kwargs = _get_kwargs(
        x_organization_id=x_organization_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    x_organization_id: None | str | Unset = UNSET,
) -> ReadinessStatus | None:
    """Readiness

     Readiness probe — checks database and Redis connectivity. Manages its own session (not via
    Depends(get_db)). DB failure or Redis `disabled` → 503; Redis `degraded` stays 200.

    Args:
        x_organization_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ReadinessStatus
    """

    return (
        await asyncio_detailed(
            client=client,
            x_organization_id=x_organization_id,
        )
    ).parsed
