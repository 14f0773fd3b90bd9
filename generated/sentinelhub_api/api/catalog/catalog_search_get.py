from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.stac_item_collection import StacItemCollection
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    collections: str,
    bbox: str | Unset = UNSET,
    intersects: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    next_: int | Unset = UNSET,
    filter_: str | Unset = UNSET,
    filter_lang: str | Unset = UNSET,
    filter_crs: str | Unset = UNSET,
    fields: str | Unset = UNSET,
    distinct: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["collections"] = collections

    params["bbox"] = bbox

    params["intersects"] = intersects

    params["datetime"] = datetime_

    params["ids"] = ids

    params["limit"] = limit

    params["next"] = next_

    params["filter"] = filter_

    params["filter-lang"] = filter_lang

    params["filter-crs"] = filter_crs

    params["fields"] = fields

    params["distinct"] = distinct

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/catalog/1.0.0/search",
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
    *,
    client: AuthenticatedClient | Client,
    collections: str,
    bbox: str | Unset = UNSET,
    intersects: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    next_: int | Unset = UNSET,
    filter_: str | Unset = UNSET,
    filter_lang: str | Unset = UNSET,
    filter_crs: str | Unset = UNSET,
    fields: str | Unset = UNSET,
    distinct: str | Unset = UNSET,
) -> Response[ErrorEnvelope | StacItemCollection]:
    """Search items with query parameters (the same criteria as the POST form)

    Args:
        collections (str):
        bbox (str | Unset):
        intersects (str | Unset):
        datetime_ (str | Unset):
        ids (str | Unset):
        limit (int | Unset):
        next_ (int | Unset):
        filter_ (str | Unset):
        filter_lang (str | Unset):
        filter_crs (str | Unset):
        fields (str | Unset):
        distinct (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StacItemCollection]
    """

    kwargs = _get_kwargs(
        collections=collections,
        bbox=bbox,
        intersects=intersects,
        datetime_=datetime_,
        ids=ids,
        limit=limit,
        next_=next_,
        filter_=filter_,
        filter_lang=filter_lang,
        filter_crs=filter_crs,
        fields=fields,
        distinct=distinct,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    collections: str,
    bbox: str | Unset = UNSET,
    intersects: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    next_: int | Unset = UNSET,
    filter_: str | Unset = UNSET,
    filter_lang: str | Unset = UNSET,
    filter_crs: str | Unset = UNSET,
    fields: str | Unset = UNSET,
    distinct: str | Unset = UNSET,
) -> ErrorEnvelope | StacItemCollection | None:
    """Search items with query parameters (the same criteria as the POST form)

    Args:
        collections (str):
        bbox (str | Unset):
        intersects (str | Unset):
        datetime_ (str | Unset):
        ids (str | Unset):
        limit (int | Unset):
        next_ (int | Unset):
        filter_ (str | Unset):
        filter_lang (str | Unset):
        filter_crs (str | Unset):
        fields (str | Unset):
        distinct (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StacItemCollection
    """

    return sync_detailed(
        client=client,
        collections=collections,
        bbox=bbox,
        intersects=intersects,
        datetime_=datetime_,
        ids=ids,
        limit=limit,
        next_=next_,
        filter_=filter_,
        filter_lang=filter_lang,
        filter_crs=filter_crs,
        fields=fields,
        distinct=distinct,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    collections: str,
    bbox: str | Unset = UNSET,
    intersects: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    next_: int | Unset = UNSET,
    filter_: str | Unset = UNSET,
    filter_lang: str | Unset = UNSET,
    filter_crs: str | Unset = UNSET,
    fields: str | Unset = UNSET,
    distinct: str | Unset = UNSET,
) -> Response[ErrorEnvelope | StacItemCollection]:
    """Search items with query parameters (the same criteria as the POST form)

    Args:
        collections (str):
        bbox (str | Unset):
        intersects (str | Unset):
        datetime_ (str | Unset):
        ids (str | Unset):
        limit (int | Unset):
        next_ (int | Unset):
        filter_ (str | Unset):
        filter_lang (str | Unset):
        filter_crs (str | Unset):
        fields (str | Unset):
        distinct (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StacItemCollection]
    """

    kwargs = _get_kwargs(
        collections=collections,
        bbox=bbox,
        intersects=intersects,
        datetime_=datetime_,
        ids=ids,
        limit=limit,
        next_=next_,
        filter_=filter_,
        filter_lang=filter_lang,
        filter_crs=filter_crs,
        fields=fields,
        distinct=distinct,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    collections: str,
    bbox: str | Unset = UNSET,
    intersects: str | Unset = UNSET,
    datetime_: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    next_: int | Unset = UNSET,
    filter_: str | Unset = UNSET,
    filter_lang: str | Unset = UNSET,
    filter_crs: str | Unset = UNSET,
    fields: str | Unset = UNSET,
    distinct: str | Unset = UNSET,
) -> ErrorEnvelope | StacItemCollection | None:
    """Search items with query parameters (the same criteria as the POST form)

    Args:
        collections (str):
        bbox (str | Unset):
        intersects (str | Unset):
        datetime_ (str | Unset):
        ids (str | Unset):
        limit (int | Unset):
        next_ (int | Unset):
        filter_ (str | Unset):
        filter_lang (str | Unset):
        filter_crs (str | Unset):
        fields (str | Unset):
        distinct (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StacItemCollection
    """

    return (
        await asyncio_detailed(
            client=client,
            collections=collections,
            bbox=bbox,
            intersects=intersects,
            datetime_=datetime_,
            ids=ids,
            limit=limit,
            next_=next_,
            filter_=filter_,
            filter_lang=filter_lang,
            filter_crs=filter_crs,
            fields=fields,
            distinct=distinct,
        )
    ).parsed
