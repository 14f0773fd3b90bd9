from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_v2_process_request import BatchV2ProcessRequest
from ...models.batch_v2_request_update import BatchV2RequestUpdate
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    request_id: UUID,
    *,
    body: BatchV2RequestUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v2/batch/process/{request_id}".format(
            request_id=quote(str(request_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchV2ProcessRequest | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = BatchV2ProcessRequest.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BatchV2ProcessRequest | ErrorEnvelope]:
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
    body: BatchV2RequestUpdate,
) -> Response[BatchV2ProcessRequest | ErrorEnvelope]:
    """Change the description of a request that is neither processing nor about to

     Only `description` can be changed. The published reference answers with the body of the
    request as it is now stored (the shape of a create body); clients must also accept an empty
    answer.

    Args:
        request_id (UUID):
        body (BatchV2RequestUpdate): The only member of a request that can change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchV2ProcessRequest | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        request_id=request_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: BatchV2RequestUpdate,
) -> BatchV2ProcessRequest | ErrorEnvelope | None:
    """Change the description of a request that is neither processing nor about to

     Only `description` can be changed. The published reference answers with the body of the
    request as it is now stored (the shape of a create body); clients must also accept an empty
    answer.

    Args:
        request_id (UUID):
        body (BatchV2RequestUpdate): The only member of a request that can change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchV2ProcessRequest | ErrorEnvelope
    """

    return sync_detailed(
        request_id=request_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: BatchV2RequestUpdate,
) -> Response[BatchV2ProcessRequest | ErrorEnvelope]:
    """Change the description of a request that is neither processing nor about to

     Only `description` can be changed. The published reference answers with the body of the
    request as it is now stored (the shape of a create body); clients must also accept an empty
    answer.

    Args:
        request_id (UUID):
        body (BatchV2RequestUpdate): The only member of a request that can change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchV2ProcessRequest | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        request_id=request_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: BatchV2RequestUpdate,
) -> BatchV2ProcessRequest | ErrorEnvelope | None:
    """Change the description of a request that is neither processing nor about to

     Only `description` can be changed. The published reference answers with the body of the
    request as it is now stored (the shape of a create body); clients must also accept an empty
    answer.

    Args:
        request_id (UUID):
        body (BatchV2RequestUpdate): The only member of a request that can change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchV2ProcessRequest | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            request_id=request_id,
            client=client,
            body=body,
        )
    ).parsed
