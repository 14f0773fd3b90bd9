from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.byoc_tile_page import ByocTilePage
from ...models.byoc_tile_status import ByocTileStatus
from ...models.error_envelope import ErrorEnvelope
from ...models.get_byoc_collection_tiles_sort import GetByocCollectionTilesSort
from ...types import UNSET, Response, Unset


def _get_kwargs(
    collection_id: UUID,
    *,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: ByocTileStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["count"] = count

    params["viewtoken"] = viewtoken

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    params["path"] = path

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/byoc/collections/{collection_id}/tiles".format(
            collection_id=quote(str(collection_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ByocTilePage | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ByocTilePage.from_dict(response.json())

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
) -> Response[ByocTilePage | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    collection_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: ByocTileStatus | Unset = UNSET,
) -> Response[ByocTilePage | ErrorEnvelope]:
    """List the tiles of a collection, one page at a time

    Args:
        collection_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        sort (GetByocCollectionTilesSort | Unset):
        path (str | Unset):
        status (ByocTileStatus | Unset): Where a tile is in ingestion.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ByocTilePage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        count=count,
        viewtoken=viewtoken,
        sort=sort,
        path=path,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: ByocTileStatus | Unset = UNSET,
) -> ByocTilePage | ErrorEnvelope | None:
    """List the tiles of a collection, one page at a time

    Args:
        collection_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        sort (GetByocCollectionTilesSort | Unset):
        path (str | Unset):
        status (ByocTileStatus | Unset): Where a tile is in ingestion.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ByocTilePage | ErrorEnvelope
    """

    return sync_detailed(
        collection_id=collection_id,
        client=client,
        count=count,
        viewtoken=viewtoken,
        sort=sort,
        path=path,
        status=status,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: ByocTileStatus | Unset = UNSET,
) -> Response[ByocTilePage | ErrorEnvelope]:
    """List the tiles of a collection, one page at a time

    Args:
        collection_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        sort (GetByocCollectionTilesSort | Unset):
        path (str | Unset):
        status (ByocTileStatus | Unset): Where a tile is in ingestion.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ByocTilePage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        count=count,
        viewtoken=viewtoken,
        sort=sort,
        path=path,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: ByocTileStatus | Unset = UNSET,
) -> ByocTilePage | ErrorEnvelope | None:
    """List the tiles of a collection, one page at a time

    Args:
        collection_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        sort (GetByocCollectionTilesSort | Unset):
        path (str | Unset):
        status (ByocTileStatus | Unset): Where a tile is in ingestion.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ByocTilePage | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            client=client,
            count=count,
            viewtoken=viewtoken,
            sort=sort,
            path=path,
            status=status,
        )
    ).parsed
