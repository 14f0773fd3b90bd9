from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.stac_item_collection import StacItemCollection
from ...types import UNSET, Response, Unset


def _get_kwargs(
    catalog_collection_id: str,
    *,
    limit: int | Unset = UNSET,
    bbox: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    next_: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["bbox"] = bbox

    params["datetime"] = datetime_

    params["next"] = next_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/catalog/1.0.0/collections/{catalog_collection_id}/items".format(
            catalog_collection_id=quote(str(catalog_collection_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | StacItemCollection | None:
    if response.status_code == 200:
        response_200 = StacItemCollection.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | StacItemCollection]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    catalog_collection_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    bbox: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    next_: int | Unset = UNSET,
) -> Response[ErrorEnvelope | StacItemCollection]:
    """The items of one collection, one page at a time

    Args:
        catalog_collection_id (str):
        limit (int | Unset):
        bbox (str | Unset):
        datetime_ (str | Unset):
        next_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StacItemCollection]
    """

    kwargs = _get_kwargs(
        catalog_collection_id=catalog_collection_id,
        limit=limit,
        bbox=bbox,
        datetime_=datetime_,
        next_=next_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    catalog_collection_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    bbox: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    next_: int | Unset = UNSET,
) -> ErrorEnvelope | StacItemCollection | None:
    """The items of one collection, one page at a time

    Args:
        catalog_collection_id (str):
        limit (int | Unset):
        bbox (str | Unset):
        datetime_ (str | Unset):
        next_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StacItemCollection
    """

    return sync_detailed(
        catalog_collection_id=catalog_collection_id,
        client=client,
        limit=limit,
        bbox=bbox,
        datetime_=datetime_,
        next_=next_,
    ).parsed


async def asyncio_detailed(
    catalog_collection_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    bbox: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    next_: int | Unset = UNSET,
) -> Response[ErrorEnvelope | StacItemCollection]:
    """The items of one collection, one page at a time

    Args:
        catalog_collection_id (str):
        limit (int | Unset):
        bbox (str | Unset):
        datetime_ (str | Unset):
        next_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StacItemCollection]
    """

    kwargs = _get_kwargs(
        catalog_collection_id=catalog_collection_id,
        limit=limit,
        bbox=bbox,
        datetime_=datetime_,
        next_=next_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    catalog_collection_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    bbox: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    next_: int | Unset = UNSET,
) -> ErrorEnvelope | StacItemCollection | None:
    """The items of one collection, one page at a time

    Args:
        catalog_collection_id (str):
        limit (int | Unset):
        bbox (str | Unset):
        datetime_ (str | Unset):
        next_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StacItemCollection
    """

    return (
        await asyncio_detailed(
            catalog_collection_id=catalog_collection_id,
            client=client,
            limit=limit,
            bbox=bbox,
            datetime_=datetime_,
            next_=next_,
        )
    ).parsed
