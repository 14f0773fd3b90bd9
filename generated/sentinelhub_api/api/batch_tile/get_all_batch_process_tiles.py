from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_tile_page import BatchTilePage
from ...models.batch_tile_status import BatchTileStatus
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    request_id: UUID,
    *,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    status: BatchTileStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["count"] = count

    params["viewtoken"] = viewtoken

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/batch/process/{request_id}/tiles".format(
            request_id=quote(str(request_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchTilePage | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = BatchTilePage.from_dict(response.json())

        return response_200

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
) -> Response[BatchTilePage | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    status: BatchTileStatus | Unset = UNSET,
) -> Response[BatchTilePage | ErrorEnvelope]:
    """List the output tiles of an analysed request

    Args:
        request_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        status (BatchTileStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchTilePage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        request_id=request_id,
        count=count,
        viewtoken=viewtoken,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    status: BatchTileStatus | Unset = UNSET,
) -> BatchTilePage | ErrorEnvelope | None:
    """List the output tiles of an analysed request

    Args:
        request_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        status (BatchTileStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchTilePage | ErrorEnvelope
    """

    return sync_detailed(
        request_id=request_id,
        client=client,
        count=count,
        viewtoken=viewtoken,
        status=status,
    ).parsed


async def asyncio_detailed(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    status: BatchTileStatus | Unset = UNSET,
) -> Response[BatchTilePage | ErrorEnvelope]:
    """List the output tiles of an analysed request

    Args:
        request_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        status (BatchTileStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchTilePage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        request_id=request_id,
        count=count,
        viewtoken=viewtoken,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    status: BatchTileStatus | Unset = UNSET,
) -> BatchTilePage | ErrorEnvelope | None:
    """List the output tiles of an analysed request

    Args:
        request_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        status (BatchTileStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchTilePage | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            request_id=request_id,
            client=client,
            count=count,
            viewtoken=viewtoken,
            status=status,
        )
    ).parsed
