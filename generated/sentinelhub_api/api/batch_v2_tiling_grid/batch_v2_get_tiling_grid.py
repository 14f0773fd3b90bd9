from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_v2_tiling_grid import BatchV2TilingGrid
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    grid_id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v2/batch/tilinggrids/{grid_id}".format(
            grid_id=quote(str(grid_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchV2TilingGrid | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = BatchV2TilingGrid.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BatchV2TilingGrid | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    grid_id: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[BatchV2TilingGrid | ErrorEnvelope]:
    """Get one tiling grid

    Args:
        grid_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchV2TilingGrid | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        grid_id=grid_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    grid_id: int,
    *,
    client: AuthenticatedClient | Client,
) -> BatchV2TilingGrid | ErrorEnvelope | None:
    """Get one tiling grid

    Args:
        grid_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchV2TilingGrid | ErrorEnvelope
    """

    return sync_detailed(
        grid_id=grid_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    grid_id: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[BatchV2TilingGrid | ErrorEnvelope]:
    """Get one tiling grid

    Args:
        grid_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchV2TilingGrid | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        grid_id=grid_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    grid_id: int,
    *,
    client: AuthenticatedClient | Client,
) -> BatchV2TilingGrid | ErrorEnvelope | None:
    """Get one tiling grid

    Args:
        grid_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchV2TilingGrid | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            grid_id=grid_id,
            client=client,
        )
    ).parsed
