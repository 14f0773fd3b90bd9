from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.statistical_request import StatisticalRequest
from ...models.statistical_response import StatisticalResponse
from ...types import Response


def _get_kwargs(
    *,
    body: StatisticalRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/statistics",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | StatisticalResponse | None:
    if response.status_code == 200:
        response_200 = StatisticalResponse.from_dict(response.json())

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

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | StatisticalResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: StatisticalRequest,
) -> Response[ErrorEnvelope | StatisticalResponse]:
    """Statistics and histograms of an evalscript's outputs, per time interval

     The evalscript runs once per interval over that interval's mosaic, as in a Process request;
    pixels whose `dataMask` output is 0 count as no data. Intervals without data are left out.

    Args:
        body (StatisticalRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StatisticalResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: StatisticalRequest,
) -> ErrorEnvelope | StatisticalResponse | None:
    """Statistics and histograms of an evalscript's outputs, per time interval

     The evalscript runs once per interval over that interval's mosaic, as in a Process request;
    pixels whose `dataMask` output is 0 count as no data. Intervals without data are left out.

    Args:
        body (StatisticalRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StatisticalResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: StatisticalRequest,
) -> Response[ErrorEnvelope | StatisticalResponse]:
    """Statistics and histograms of an evalscript's outputs, per time interval

     The evalscript runs once per interval over that interval's mosaic, as in a Process request;
    pixels whose `dataMask` output is 0 count as no data. Intervals without data are left out.

    Args:
        body (StatisticalRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StatisticalResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: StatisticalRequest,
) -> ErrorEnvelope | StatisticalResponse | None:
    """Statistics and histograms of an evalscript's outputs, per time interval

     The evalscript runs once per interval over that interval's mosaic, as in a Process request;
    pixels whose `dataMask` output is 0 count as no data. Intervals without data are left out.

    Args:
        body (StatisticalRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StatisticalResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
