"""Which response header gives an error its request id, and where it shows."""

from __future__ import annotations

import httpx
import pytest
from sentinelhub_client import NotFoundError
from sentinelhub_client._core.errors import (
    REQUEST_ID_HEADERS,
    error_from_response,
    request_id_of,
)

BODY = (
    b'{"error":{"status":404,"reason":"Not Found","message":"No such collection.",'
    b'"code":"COMMON_NOT_FOUND"}}'
)


def test_the_services_own_header_comes_first() -> None:
    assert REQUEST_ID_HEADERS[0] == "sh-request-id"
    both = httpx.Headers({"X-Request-Id": "from-a-proxy", "SH-Request-Id": "from-the-service"})
    assert request_id_of(both) == "from-the-service"


@pytest.mark.parametrize(
    "name", ["SH-Request-Id", "sh-request-id", "X-Request-Id", "Request-Id", "x-amzn-RequestId"]
)
def test_any_known_header_in_any_case(name: str) -> None:
    assert request_id_of(httpx.Headers({name: "r-1"})) == "r-1"
    assert request_id_of({name: "r-1"}) == "r-1"


def test_an_empty_header_falls_through_to_the_next() -> None:
    assert request_id_of({"SH-Request-Id": "", "X-Request-Id": "r-2"}) == "r-2"
    assert request_id_of({"Content-Type": "application/json"}) is None


def test_the_error_and_its_text_carry_it() -> None:
    error = error_from_response(
        404,
        httpx.Headers({"SH-Request-Id": "4f1c-trace"}),
        BODY,
        method="get",
        url="https://services.sentinel-hub.com/api/v1/byoc/collections/x",
    )
    assert isinstance(error, NotFoundError)
    assert error.request_id == "4f1c-trace"
    assert str(error).endswith("(request id: 4f1c-trace)")


def test_without_one_the_text_says_nothing_of_it() -> None:
    error = error_from_response(404, httpx.Headers(), BODY)
    assert error.request_id is None
    assert "request id" not in str(error)
