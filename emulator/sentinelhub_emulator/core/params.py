"""Reading request inputs: JSON bodies, ids in the path, query parameters. Bad input is a 400.

Limits on bodies, documented in the package docstring: at most `MAX_BODY_BYTES` (413 above),
JSON nested at most `MAX_JSON_DEPTH` arrays and objects deep, and text that is valid Unicode
(a lone surrogate such as ``"\\ud800"`` cannot be stored or answered, so it is a 400).
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from sentinelhub_emulator.core.errors import BAD_PAYLOAD, ApiError, bad_payload
from sentinelhub_emulator.core.spec import validate_body
from sentinelhub_emulator.core.times import parse_timestamp

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_QUERY_PARAMS",
    "QueryLimitMiddleware",
    "check_json_value",
    "date_time",
    "drop_nulls",
    "finite_number",
    "json_body",
    "parse_json",
    "path_int",
    "path_uuid",
    "query_choice",
    "query_uuid",
    "read_body",
]

#: Request bodies above this size are refused (413): no real request comes near it.
MAX_BODY_BYTES = 1024 * 1024

#: Deepest nesting of arrays and objects accepted in a JSON body (a MultiPolygon with a ``crs``
#: member inside a tile is 7 deep).
MAX_JSON_DEPTH = 32

#: Most query parameters a request may carry (the emulator's choice, as Tomcat's default
#: ``maxParameterCount``): no operation takes more than a handful, and each one is parsed.
MAX_QUERY_PARAMS = 1000


class QueryLimitMiddleware:
    """Refuses (400, naming ``query``) a request with more than `MAX_QUERY_PARAMS` query
    parameters, before any route parses them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query: bytes = scope.get("query_string", b"")
            count = query.count(b"&") + 1 if query else 0
            if count > MAX_QUERY_PARAMS:
                error = bad_payload(
                    "query",
                    f"{count} query parameters; at most {MAX_QUERY_PARAMS} are allowed",
                )
                await error.to_response()(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _too_large() -> ApiError:
    return ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.", BAD_PAYLOAD)


async def read_body(request: Request) -> bytes:
    """The whole request body, refusing (413) one above MAX_BODY_BYTES before reading it all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _too_deep() -> ApiError:
    return bad_payload(
        "body",
        f"nested more than {MAX_JSON_DEPTH} arrays or objects deep",
        f"Request body is nested deeper than {MAX_JSON_DEPTH} levels.",
    )


def _check_text(text: str, where: list[str]) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        parameter = "->".join(where) or "body"
        raise bad_payload(
            parameter,
            "contains a lone UTF-16 surrogate (such as \\ud800), which is not text",
            f"Invalid {parameter}: not valid Unicode text.",
        ) from None


def check_json_value(value: Any) -> None:
    """Refuse (400) a parsed body nested deeper than MAX_JSON_DEPTH or holding text that is not
    valid Unicode. Iterative, so that no input can exhaust the stack."""
    stack: list[tuple[Any, int, list[str]]] = [(value, 0, [])]
    while stack:
        item, depth, where = stack.pop()
        if isinstance(item, str):
            _check_text(item, where)
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise _too_deep()
            if isinstance(item, dict):
                for key, member in item.items():
                    _check_text(key, where)
                    stack.append((member, depth + 1, [*where, key]))
            else:
                stack.extend((member, depth + 1, where) for member in item)


def parse_json(raw: bytes) -> Any:
    """Strict JSON: NaN, Infinity and numbers that overflow a double are refused (400), so
    that nothing stored can later fail to serialise; so are bodies nested too deep and text
    with lone surrogates (`check_json_value`)."""
    try:
        value = json.loads(raw, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep() from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_payload(
            "body", f"not valid JSON ({exc})", "Request body is not valid JSON."
        ) from None
    check_json_value(value)
    return value


def drop_nulls(value: Any) -> Any:
    """``value`` without the object members whose value is null, at every depth.

    The service takes a null member as an absent one (sentinelhub-py sends ``null`` for every
    unset field, bands included), so the emulator does too. Array items are kept as they are:
    a null coordinate is still refused.
    """
    if isinstance(value, dict):
        return {key: drop_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [drop_nulls(item) for item in value]
    return value


async def json_body(request: Request, schema_name: str) -> dict[str, Any]:
    """The request's JSON object body, checked against the named schema of the spec.

    Null members count as absent (`drop_nulls`); read-only members that a client sends back
    (``id``, ``created``, computed ``additionalData``) are ignored, as the spec's request schemas
    leave them out (see `spec`).
    """
    raw = await read_body(request)
    if not raw.strip():
        raise bad_payload("body", "must not be empty", "Request body should be non-empty.")
    body = drop_nulls(parse_json(raw))
    validate_body(schema_name, body)
    if not isinstance(body, dict):  # the schemas say so already; this tells the type checker
        raise bad_payload("body", "must be a JSON object")
    return body


def date_time(
    value: Any, parameter: str, not_text: str = "must be an RFC 3339 date-time string"
) -> datetime:
    """An RFC 3339 date-time of a body (`parse_timestamp`); 400 naming ``parameter``, with
    ``not_text`` when it is not a string."""
    if not isinstance(value, str):
        raise bad_payload(parameter, not_text)
    try:
        return parse_timestamp(value)
    except ValueError:
        raise bad_payload(
            parameter, f"{value!r} is not an RFC 3339 date-time such as 2024-05-01T00:00:00Z"
        ) from None


def finite_number(value: Any, parameter: str) -> float:
    """A JSON number of a body (not a bool, not NaN or infinite); 400 naming ``parameter``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise bad_payload(parameter, "must be a finite number")
    return float(value)


def _uuid(value: str, parameter: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise bad_payload(parameter, f"{value!r} is not a UUID") from None


#: Largest magnitude of an int64 path parameter (ids the spec declares ``format: int64``).
_INT64 = 2**63 - 1


def path_int(request: Request, name: str) -> int:
    """An int64 path parameter; anything else is a 400 naming it."""
    raw = str(request.path_params[name])
    try:
        value = int(raw)
    except ValueError:
        raise bad_payload(name, f"{raw!r} is not an integer") from None
    if not -_INT64 <= value <= _INT64:
        raise bad_payload(name, "is out of range")
    return value


def path_uuid(request: Request, name: str) -> str:
    """A UUID path parameter, in canonical lower-case form."""
    return _uuid(str(request.path_params[name]), name)


def query_choice(request: Request, name: str, choices: Iterable[str], default: str) -> str:
    """Query parameter ``name``, one of ``choices`` (``default`` when absent or empty); a 400
    naming it otherwise."""
    value = request.query_params.get(name) or default
    allowed = tuple(choices)
    if value not in allowed:
        raise bad_payload(name, f"must be one of {', '.join(allowed)}")
    return value


def query_uuid(request: Request, name: str) -> str:
    """A required UUID query parameter."""
    value = request.query_params.get(name)
    if value is None:
        raise bad_payload(name, "is required")
    return _uuid(value, name)
