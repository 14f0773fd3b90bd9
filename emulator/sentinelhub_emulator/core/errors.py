"""The service's error envelope and the exception that carries it out of a handler.

Every error answer of the emulator has the shape the real service uses::

    {"error": {"status": 400, "reason": "Bad Request", "message": "...",
               "code": "COMMON_BAD_PAYLOAD", "errors": [{"parameter": "...", "violation": "..."}]}}

``errors`` is present only when a specific input is at fault. Handlers raise `ApiError` (or one of
the helpers below); the application turns it into a response in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse

__all__ = [
    "BAD_PAYLOAD",
    "EXCEPTION",
    "INSUFFICIENT_PERMISSIONS",
    "METHOD_NOT_ALLOWED",
    "NOT_FOUND",
    "RATE_LIMIT_EXCEEDED",
    "UNAUTHORIZED",
    "UNIQUE_KEY_VIOLATION",
    "ApiError",
    "Violation",
    "bad_payload",
    "error_body",
    "error_response",
    "forbidden",
    "not_found",
]

BAD_PAYLOAD = "COMMON_BAD_PAYLOAD"
NOT_FOUND = "COMMON_NOT_FOUND"
UNIQUE_KEY_VIOLATION = "COMMON_UNIQUE_KEY_VIOLATION"
INSUFFICIENT_PERMISSIONS = "COMMON_INSUFFICIENT_PERMISSIONS"
METHOD_NOT_ALLOWED = "COMMON_METHOD_NOT_ALLOWED"
UNAUTHORIZED = "COMMON_UNAUTHORIZED"
EXCEPTION = "COMMON_EXCEPTION"
RATE_LIMIT_EXCEEDED = "RATE_LIMIT_EXCEEDED"


@dataclass(frozen=True)
class Violation:
    """One input at fault: ``parameter`` is a path such as ``additionalData->bands->B1``."""

    parameter: str
    violation: str

    def to_wire(self) -> dict[str, str]:
        return {"parameter": self.parameter, "violation": self.violation}


@dataclass
class ApiError(Exception):
    """An error answer, raised anywhere below a route handler."""

    status: int
    message: str
    code: str
    violations: Sequence[Violation] = ()
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def to_response(self) -> JSONResponse:
        return error_response(
            self.status, self.message, self.code, self.violations, headers=self.headers
        )


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_body(
    status: int, message: str, code: str, violations: Sequence[Violation] = ()
) -> dict[str, Any]:
    """The JSON envelope of an error answer."""
    error: dict[str, Any] = {
        "status": status,
        "reason": _reason(status),
        "message": message,
        "code": code,
    }
    if violations:
        error["errors"] = [v.to_wire() for v in violations]
    return {"error": error}


def error_response(
    status: int,
    message: str,
    code: str,
    violations: Sequence[Violation] = (),
    *,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error answer ready to send."""
    return JSONResponse(
        error_body(status, message, code, violations), status_code=status, headers=headers
    )


def bad_payload(parameter: str, violation: str, message: str | None = None) -> ApiError:
    """A 400 COMMON_BAD_PAYLOAD that blames one parameter."""
    return ApiError(
        400,
        message or f"Invalid {parameter}: {violation}",
        BAD_PAYLOAD,
        (Violation(parameter, violation),),
    )


def not_found(what: str) -> ApiError:
    """A 404 COMMON_NOT_FOUND."""
    return ApiError(404, f"{what} not found.", NOT_FOUND)


def forbidden(what: str) -> ApiError:
    """A 403 INSUFFICIENT_PERMISSIONS: ``what`` (say, ``batch request <id>``) is another
    account's."""
    return ApiError(403, f"You do not have access to {what}.", INSUFFICIENT_PERMISSIONS)
