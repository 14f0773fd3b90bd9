from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_v2_tiling_grids_page import BatchV2TilingGridsPage
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["count"] = count

    params["viewtoken"] = viewtoken

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v2/batch/tilinggrids",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchV2TilingGridsPage | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = BatchV2TilingGridsPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BatchV2TilingGridsPage | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
) -> Response[BatchV2TilingGridsPage | ErrorEnvelope]:
    """List the tiling grids that Batch Processing v2 can split an area into

    Args:
        count (int | Unset):
        viewtoken (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchV2TilingGridsPage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        count=count,
        viewtoken=viewtoken,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
) -> BatchV2TilingGridsPage | ErrorEnvelope | None:
    """List the tiling grids that Batch Processing v2 can split an area into

    Args:
        count (int | Unset):
        viewtoken (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchV2TilingGridsPage | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        count=count,
        viewtoken=viewtoken,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
) -> Response[BatchV2TilingGridsPage | ErrorEnvelope]:
    """List the tiling grids that Batch Processing v2 can split an area into

    Args:
        count (int | Unset):
        viewtoken (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchV2TilingGridsPage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        count=count,
        viewtoken=viewtoken,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
) -> BatchV2TilingGridsPage | ErrorEnvelope | None:
    """List the tiling grids that Batch Processing v2 can split an area into

    Args:
        count (int | Unset):
        viewtoken (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchV2TilingGridsPage | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            count=count,
            viewtoken=viewtoken,
        )
    ).parsed
