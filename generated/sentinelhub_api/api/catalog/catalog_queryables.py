from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.catalog_queryables_response_200 import CatalogQueryablesResponse200
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    catalog_collection_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/catalog/1.0.0/collections/{catalog_collection_id}/queryables".format(
            catalog_collection_id=quote(str(catalog_collection_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CatalogQueryablesResponse200 | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = CatalogQueryablesResponse200.from_dict(response.json())

        return response_200

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
) -> Response[CatalogQueryablesResponse200 | ErrorEnvelope]:
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
) -> Response[CatalogQueryablesResponse200 | ErrorEnvelope]:
    """A JSON Schema of the properties a CQL2 filter may name in this collection

    Args:
        catalog_collection_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CatalogQueryablesResponse200 | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        catalog_collection_id=catalog_collection_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    catalog_collection_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> CatalogQueryablesResponse200 | ErrorEnvelope | None:
    """A JSON Schema of the properties a CQL2 filter may name in this collection

    Args:
        catalog_collection_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CatalogQueryablesResponse200 | ErrorEnvelope
    """

    return sync_detailed(
        catalog_collection_id=catalog_collection_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    catalog_collection_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CatalogQueryablesResponse200 | ErrorEnvelope]:
    """A JSON Schema of the properties a CQL2 filter may name in this collection

    Args:
        catalog_collection_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CatalogQueryablesResponse200 | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        catalog_collection_id=catalog_collection_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    catalog_collection_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> CatalogQueryablesResponse200 | ErrorEnvelope | None:
    """A JSON Schema of the properties a CQL2 filter may name in this collection

    Args:
        catalog_collection_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CatalogQueryablesResponse200 | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            catalog_collection_id=catalog_collection_id,
            client=client,
        )
    ).parsed
