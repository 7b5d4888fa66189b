from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.run_page import RunPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    q: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    sort_by: None | str | Unset = UNSET,
    fields: None | str | Unset = UNSET,
    pq: None | str | Unset = UNSET,
    from_prev: bool | Unset = False,
    x_organization_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_organization_id, Unset):
        headers["X-Organization-Id"] = x_organization_id

    params: dict[str, Any] = {}

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    json_sort_by: None | str | Unset
    if isinstance(sort_by, Unset):
        json_sort_by = UNSET
    else:
        json_sort_by = sort_by
    params["sort_by"] = json_sort_by

    json_fields: None | str | Unset
    if isinstance(fields, Unset):
        json_fields = UNSET
    else:
        json_fields = fields
    params["fields"] = json_fields

    json_pq: None | str | Unset
    if isinstance(pq, Unset):
        json_pq = UNSET
    else:
        json_pq = pq
    params["pq"] = json_pq

    params["from_prev"] = from_prev

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/runs",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | RunPage | None:
    if response.status_code == 200:
        response_200 = RunPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | RunPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    sort_by: None | str | Unset = UNSET,
    fields: None | str | Unset = UNSET,
    pq: None | str | Unset = UNSET,
    from_prev: bool | Unset = False,
    x_organization_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | RunPage]:
    """Search runs

    Args:
        q (None | str | Unset):
        limit (int | None | Unset):
        sort_by (None | str | Unset):
        fields (None | str | Unset):
        pq (None | str | Unset):
        from_prev (bool | Unset):  Default: False.
        x_organization_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RunPage]
    """

    kwargs = _get_kwargs(
        q=q,
        limit=limit,
        sort_by=sort_by,
        fields=fields,
        pq=pq,
        from_prev=from_prev,
        x_organization_id=x_organization_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    sort_by: None | str | Unset = UNSET,
    fields: None | str | Unset = UNSET,
    pq: None | str | Unset = UNSET,
    from_prev: bool | Unset = False,
    x_organization_id: None | str | Unset = UNSET,
) -> ErrorResponse | RunPage | None:
    """Search runs

    Args:
        q (None | str | Unset):
        limit (int | None | Unset):
        sort_by (None | str | Unset):
        fields (None | str | Unset):
        pq (None | str | Unset):
        from_prev (bool | Unset):  Default: False.
        x_organization_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RunPage
    """

    return sync_detailed(
        client=client,
        q=q,
        limit=limit,
        sort_by=sort_by,
        fields=fields,
        pq=pq,
        from_prev=from_prev,
        x_organization_id=x_organization_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    sort_by: None | str | Unset = UNSET,
    fields: None | str | Unset = UNSET,
    pq: None | str | Unset = UNSET,
    from_prev: bool | Unset = False,
    x_organization_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | RunPage]:
    """Search runs

    Args:
        q (None | str | Unset):
        limit (int | None | Unset):
        sort_by (None | str | Unset):
        fields (None | str | Unset):
        pq (None | str | Unset):
        from_prev (bool | Unset):  Default: False.
        x_organization_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RunPage]
    """

    kwargs = _get_kwargs(
        q=q,
        limit=limit,
        sort_by=sort_by,
        fields=fields,
        pq=pq,
        from_prev=from_prev,
        x_organization_id=x_organization_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    sort_by: None | str | Unset = UNSET,
    fields: None | str | Unset = UNSET,
    pq: None | str | Unset = UNSET,
    from_prev: bool | Unset = False,
    x_organization_id: None | str | Unset = UNSET,
) -> ErrorResponse | RunPage | None:
    """Search runs

    Args:
        q (None | str | Unset):
        limit (int | None | Unset):
        sort_by (None | str | Unset):
        fields (None | str | Unset):
        pq (None | str | Unset):
        from_prev (bool | Unset):  Default: False.
        x_organization_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RunPage
    """

    return (
        await asyncio_detailed(
            client=client,
            q=q,
            limit=limit,
            sort_by=sort_by,
            fields=fields,
            pq=pq,
            from_prev=from_prev,
            x_organization_id=x_organization_id,
        )
    ).parsed
