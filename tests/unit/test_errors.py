"""The error tree and the one unwrap step: any error body becomes a readable, typed error."""

from __future__ import annotations

import json

import httpx
import pytest
import respx
from sentinelhub_client import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SentinelHubError,
    SentinelHubValidationError,
    ServerError,
    Violation,
)
from sentinelhub_client._core.errors import connection_error, error_from_response

from .conftest import BYOC, COLLECTION_ID, TILE_ID, Twin, load

pytestmark = pytest.mark.anyio


def body(**error: object) -> bytes:
    return json.dumps({"error": error}).encode()


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (418, APIError),
    ],
)
def test_status_classes(status: int, cls: type[APIError]) -> None:
    error = error_from_response(status, {}, b"")
    assert type(error) is cls
    assert isinstance(error, SentinelHubError)
    assert error.status == status


def test_the_service_envelope_with_a_list_of_violations() -> None:
    error = error_from_response(
        400,
        {"X-Request-Id": "abc-123"},
        body(
            status=400,
            reason="Bad Request",
            message="Invalid tile.",
            code="COMMON_BAD_PAYLOAD",
            errors=[{"parameter": "path", "violation": "must not start with /"}],
        ),
        method="post",
        url="https://h/api/v1/byoc/collections/x/tiles",
    )
    assert error.code == "COMMON_BAD_PAYLOAD"
    assert error.message == "Invalid tile."
    assert error.reason == "Bad Request"
    assert error.errors == [Violation("path", "must not start with /")]
    assert error.request_id == "abc-123"
    assert str(error) == (
        "HTTP 400 Bad Request [COMMON_BAD_PAYLOAD] for POST https://h/api/v1/byoc/collections/x/"
        "tiles: Invalid tile.\n  - path: must not start with /\n(request id: abc-123)"
    )


def test_errors_as_an_object() -> None:
    error = error_from_response(
        400, {}, body(message="Bad.", errors={"output->resx": "too large", "count": 3})
    )
    assert error.errors == [Violation("output->resx", "too large"), Violation("count", "3")]
    assert error.details == {"output->resx": "too large", "count": 3}


def test_errors_as_one_violation_object_or_a_string() -> None:
    one = error_from_response(400, {}, body(errors={"parameter": "p", "violation": "v"}))
    assert one.errors == [Violation("p", "v")]
    text = error_from_response(400, {}, body(message="m", errors="something odd"))
    assert text.errors == [Violation(None, "something odd")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", None),
        (b"<html><body>502 Bad Gateway</body></html>", "<html><body>502 Bad Gateway</body></html>"),
        (b"[1, 2]", "[1, 2]"),
        (b'{"message": "plain"}', "plain"),
        (b'{"error": "invalid_client", "error_description": "Bad secret"}', "Bad secret"),
        (b"\xff\xfe garbage", "\ufffd\ufffd garbage"),
    ],
    ids=["empty", "html", "json-list", "plain-message", "oauth", "not-utf8"],
)
def test_any_body_is_handled(content: bytes, message: str | None) -> None:
    error = error_from_response(502, {}, content)
    assert error.message == message
    assert str(error).startswith("HTTP 502 Bad Gateway")


def test_the_oauth_shape() -> None:
    error = error_from_response(
        400,
        {},
        b'{"error": "invalid_grant", "error_description": "nope"}',
        error_class=AuthenticationError,
    )
    assert isinstance(error, AuthenticationError)
    assert (error.oauth_error, error.error_description, error.code) == (
        "invalid_grant",
        "nope",
        "invalid_grant",
    )


def test_rate_limit_carries_retry_after() -> None:
    error = error_from_response(429, {"Retry-After": "3000"}, b"", retry_after=3.0)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 3.0


def test_connection_errors() -> None:
    timeout = connection_error(httpx.ReadTimeout("slow"), method="GET", url="u", ambiguous=True)
    assert isinstance(timeout, APITimeoutError)
    assert isinstance(timeout, APIConnectionError)
    assert timeout.ambiguous
    assert "timed out" in str(timeout)
    refused = connection_error(httpx.ConnectError("no"), method="GET", url="u", ambiguous=False)
    assert type(refused) is APIConnectionError


def test_validation_errors_are_value_errors() -> None:
    error = SentinelHubValidationError("bad", field="count")
    assert isinstance(error, ValueError)
    assert error.field == "count"


async def test_errors_keep_their_cause_and_request(byoc: Twin, api: respx.MockRouter) -> None:
    url = f"{BYOC}/collections/{COLLECTION_ID}/tiles/{TILE_ID}"
    api.get(url).mock(return_value=httpx.Response(404, content=body(message="Not there.")))
    with pytest.raises(NotFoundError) as caught:
        await byoc.call("get_tile", COLLECTION_ID, TILE_ID)
    assert caught.value.method == "GET"
    assert caught.value.url == f"https://services.sentinel-hub.com{url}"
    assert caught.value.message == "Not there."


@pytest.mark.parametrize(
    ("method", "args", "field", "hint"),
    [
        ("get_collection", ("not-a-uuid",), "collection", "UUID"),
        ("get_collection", ({"name": "no id"},), "collection", "create it first"),
        ("get_tile", (COLLECTION_ID, "123"), "tile", "UUID"),
        ("copy_tiles", (COLLECTION_ID, "x"), "to_collection", "UUID"),
        ("create_tile", (COLLECTION_ID, {"path": "/abs/path"}), "tile.path", "'abs/path'"),
        ("create_tile", (COLLECTION_ID, {"path": "a//b/"}), "tile.path", "'a/b'"),
        ("update_tile", (COLLECTION_ID, {"path": "p"}), "tile", "no id"),
        ("iter_tiles", (COLLECTION_ID, "newest"), "sort", "created:desc"),
        ("iter_tiles", (COLLECTION_ID, None, None, "DONE"), "status", "INGESTED"),
        ("iter_tiles", (COLLECTION_ID, None, "a/"), "path", "'a'"),
        ("wait_for_tiles", (COLLECTION_ID, TILE_ID), "tiles", "list"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    byoc: Twin, api: respx.MockRouter, method: str, args: tuple[object, ...], field: str, hint: str
) -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        await byoc.call(method, *args)
    assert caught.value.field == field
    assert str(caught.value).startswith(field)
    assert hint in str(caught.value)
    assert len(api.calls) == 0


async def test_status_filters_ignore_letter_case(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(f"{BYOC}/collections/{COLLECTION_ID}/tiles").respond(
        json={"data": [load("tile.json")], "links": {}}
    )
    await byoc.collect(await byoc.call("iter_tiles", COLLECTION_ID, status="failed"))
    assert route.calls.last.request.url.params["status"] == "FAILED"
