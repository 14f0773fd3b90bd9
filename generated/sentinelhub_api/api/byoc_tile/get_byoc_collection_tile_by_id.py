from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.byoc_tile_envelope import ByocTileEnvelope
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    collection_id: UUID,
    tile_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/byoc/collections/{collection_id}/tiles/{tile_id}".format(
            collection_id=quote(str(collection_id), safe=""),
            tile_id=quote(str(tile_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ByocTileEnvelope | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ByocTileEnvelope.from_dict(response.json())

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
) -> Response[ByocTileEnvelope | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    collection_id: UUID,
    tile_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ByocTileEnvelope | ErrorEnvelope]:
    """Get one tile

    Args:
        collection_id (UUID):
        tile_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ByocTileEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        tile_id=tile_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_id: UUID,
    tile_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ByocTileEnvelope | ErrorEnvelope | None:
    """Get one tile

    Args:
        collection_id (UUID):
        tile_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ByocTileEnvelope | ErrorEnvelope
    """

    return sync_detailed(
        collection_id=collection_id,
        tile_id=tile_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    tile_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ByocTileEnvelope | ErrorEnvelope]:
    """Get one tile

    Args:
        collection_id (UUID):
        tile_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ByocTileEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        tile_id=tile_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    tile_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ByocTileEnvelope | ErrorEnvelope | None:
    """Get one tile

    Args:
        collection_id (UUID):
        tile_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ByocTileEnvelope | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            tile_id=tile_id,
            client=client,
        )
    ).parsed
