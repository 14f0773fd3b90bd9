"""OAuth 2 client credentials: the token endpoint, and the bearer check of every API route.

The token endpoint answers at Keycloak's path and at the legacy ``/oauth/token``. Credentials come
in the form body (as sentinelhub-py sends them) or as HTTP Basic. Its errors use OAuth's own shape
(``{"error": "invalid_client", "error_description": ...}``), as Keycloak's do; API routes use the
service's error envelope with ``COMMON_UNAUTHORIZED``.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar
from urllib.parse import parse_qs, unquote_plus

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sentinelhub_emulator.core.context import context_of
from sentinelhub_emulator.core.errors import UNAUTHORIZED, ApiError, forbidden, not_found
from sentinelhub_emulator.core.params import read_body
from sentinelhub_emulator.core.tokens import Principal

__all__ = [
    "TOKEN_PATHS",
    "AuthenticatedHandler",
    "authenticate",
    "authenticated",
    "owned",
    "owner_action",
    "routes",
]

TOKEN_PATHS = ("/auth/realms/main/protocol/openid-connect/token", "/oauth/token")

AuthenticatedHandler = Callable[[Request, Principal], Awaitable[Response]]

_Service = TypeVar("_Service")
_Record = TypeVar("_Record")


class _Owned(Protocol):
    @property
    def account_id(self) -> str: ...


_OwnedRecord = TypeVar("_OwnedRecord", bound=_Owned)

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=_NO_STORE
    )


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    # RFC 6749 section 2.3.1: both parts are form-encoded before they are joined.
    return unquote_plus(client_id), unquote_plus(secret)


async def token_endpoint(request: Request) -> Response:
    """Exchange client credentials for a bearer token."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("application/x-www-form-urlencoded"):
        return _oauth_error(
            400, "invalid_request", "The body must be application/x-www-form-urlencoded."
        )
    try:
        form = parse_qs((await read_body(request)).decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return _oauth_error(400, "invalid_request", "The body is not valid UTF-8.")
    except ApiError as exc:  # the body is too large: answered in OAuth's shape here
        return _oauth_error(exc.status, "invalid_request", exc.message)

    def field(name: str) -> str | None:
        values = form.get(name)
        return values[0] if values else None

    credentials = _basic_credentials(request)
    if credentials is None:
        client_id, client_secret = field("client_id"), field("client_secret")
    else:
        client_id, client_secret = credentials
    if not client_id or client_secret is None:
        return _oauth_error(401, "invalid_client", "Client credentials are missing.")
    client = context_of(request).clients.verify_client(client_id, client_secret)
    if client is None:
        return _oauth_error(401, "invalid_client", "Invalid client or Invalid client credentials")
    grant_type = field("grant_type")
    if grant_type is None:
        return _oauth_error(400, "invalid_request", "Missing form parameter: grant_type")
    if grant_type != "client_credentials":
        return _oauth_error(
            400, "unsupported_grant_type", f"Unsupported grant_type {grant_type!r}."
        )
    issued = context_of(request).tokens.issue(client)
    return JSONResponse(
        {
            "access_token": issued.access_token,
            "expires_in": issued.expires_in,
            "refresh_expires_in": 0,
            "token_type": "Bearer",
            "not-before-policy": 0,
            "scope": "SH",
        },
        headers=_NO_STORE,
    )


def authenticate(request: Request) -> Principal:
    """The principal of the request's bearer token; ApiError 401 when there is none valid."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401,
            "Missing bearer token in the Authorization header.",
            UNAUTHORIZED,
            headers={"WWW-Authenticate": 'Bearer realm="main"'},
        )
    principal = context_of(request).tokens.verify(token.strip())
    if principal is None:
        raise ApiError(
            401,
            "The bearer token is invalid or has expired.",
            UNAUTHORIZED,
            headers={"WWW-Authenticate": 'Bearer realm="main", error="invalid_token"'},
        )
    return principal


def authenticated(handler: AuthenticatedHandler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler so that it runs only with a valid token, and receives its principal."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        return await handler(request, authenticate(request))

    return endpoint


def owned(record: _OwnedRecord | None, principal: Principal, what: str) -> _OwnedRecord:
    """``record`` when it exists (else 404 "<What> not found") and the caller's account owns
    it (else 403); ``what`` names it, as in ``batch request <id>``."""
    if record is None:
        raise not_found(what[:1].upper() + what[1:])
    if record.account_id != principal.account_id:
        raise forbidden(what)
    return record


def owner_action(
    owned: Callable[[Request, Principal], tuple[_Service, _Record]],
    act: Callable[[_Service, _Record], None],
) -> Callable[[Request], Awaitable[Response]]:
    """A ``POST .../<action>`` endpoint: ``owned`` finds the record the path names and checks
    the caller's account owns it (404 / 403), ``act`` does the action; 204 once accepted."""

    @authenticated
    async def endpoint(request: Request, principal: Principal) -> Response:
        service, record = owned(request, principal)
        act(service, record)
        return Response(status_code=204)

    return endpoint


def routes() -> list[BaseRoute]:
    """The token endpoint at both of its paths."""
    return [Route(path, token_endpoint, methods=["POST"]) for path in TOKEN_PATHS]
