"""Reading request inputs: JSON bodies, ids in the path, query parameters. Bad input is a 400."""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.requests import Request

from .errors import bad_payload
from .spec import validate_body

__all__ = ["json_body", "path_uuid", "query_uuid"]


async def json_body(request: Request, schema_name: str) -> dict[str, Any]:
    """The request's JSON object body, checked against the named schema of the spec."""
    raw = await request.body()
    if not raw.strip():
        raise bad_payload("body", "must not be empty", "Request body should be non-empty.")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_payload(
            "body", f"not valid JSON ({exc})", "Request body is not valid JSON."
        ) from None
    validate_body(schema_name, body)
    if not isinstance(body, dict):  # the schemas say so already; this tells the type checker
        raise bad_payload("body", "must be a JSON object")
    return body


def _uuid(value: str, parameter: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise bad_payload(parameter, f"{value!r} is not a UUID") from None


def path_uuid(request: Request, name: str) -> str:
    """A UUID path parameter, in canonical lower-case form."""
    return _uuid(str(request.path_params[name]), name)


def query_uuid(request: Request, name: str) -> str:
    """A required UUID query parameter."""
    value = request.query_params.get(name)
    if value is None:
        raise bad_payload(name, "is required")
    return _uuid(value, name)
