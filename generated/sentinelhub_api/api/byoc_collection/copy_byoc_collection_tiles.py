from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response


def _get_kwargs(
    collection_id: UUID,
    *,
    to_collection: UUID,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_to_collection = str(to_collection)
    params["toCollection"] = json_to_collection

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/byoc/collections/{collection_id}/copyTiles".format(
            collection_id=quote(str(collection_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorEnvelope | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | ErrorEnvelope]:
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
    to_collection: UUID,
) -> Response[Any | ErrorEnvelope]:
    """Copy ingested tiles into another collection

     Copies every INGESTED tile of this collection whose path the target collection does not
    have yet. The caller needs access to both collections, and the target must either have no
    bands or bands with the same names and types.

    Args:
        collection_id (UUID):
        to_collection (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        to_collection=to_collection,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    to_collection: UUID,
) -> Any | ErrorEnvelope | None:
    """Copy ingested tiles into another collection

     Copies every INGESTED tile of this collection whose path the target collection does not
    have yet. The caller needs access to both collections, and the target must either have no
    bands or bands with the same names and types.

    Args:
        collection_id (UUID):
        to_collection (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        collection_id=collection_id,
        client=client,
        to_collection=to_collection,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    to_collection: UUID,
) -> Response[Any | ErrorEnvelope]:
    """Copy ingested tiles into another collection

     Copies every INGESTED tile of this collection whose path the target collection does not
    have yet. The caller needs access to both collections, and the target must either have no
    bands or bands with the same names and types.

    Args:
        collection_id (UUID):
        to_collection (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        collection_id=collection_id,
        to_collection=to_collection,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    to_collection: UUID,
) -> Any | ErrorEnvelope | None:
    """Copy ingested tiles into another collection

     Copies every INGESTED tile of this collection whose path the target collection does not
    have yet. The caller needs access to both collections, and the target must either have no
    bands or bands with the same names and types.

    Args:
        collection_id (UUID):
        to_collection (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            client=client,
            to_collection=to_collection,
        )
    ).parsed
