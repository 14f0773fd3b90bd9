"""Emulator-only endpoints under ``/_emulator``: health, fault injection, OAuth clients.

Everything but ``GET /_emulator/health`` needs the emulator's admin token as a bearer token and a
request from the loopback interface. Fault injection never applies to these paths, so faults can
always be switched off again.

- ``GET /_emulator/health``: ``{"status": "ok"}``.
- ``GET /_emulator/faults``: the active fault config and how many faults it injected.
- ``POST /_emulator/faults``: a JSON object with `FaultConfig`'s fields replaces the config.
- ``DELETE /_emulator/faults``: no more faults.
- ``POST /_emulator/clients``: ``{"clientId", "clientSecret", "accountId"?}`` registers a client
  (or changes its secret); answers ``{"clientId", "accountId"}``.
- ``GET /_emulator/stats``: tokens issued, API requests, 429s sent by the rate-limit policies,
  PU spent (in total and per account, with each policy's bucket level);
  ``DELETE /_emulator/stats`` zeroes them and fills the buckets again
  (`sentinelhub_emulator.core.ratelimit`).
"""

from __future__ import annotations

import hmac
import ipaddress
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from sentinelhub_emulator.core.context import context_of
from sentinelhub_emulator.core.errors import (
    INSUFFICIENT_PERMISSIONS,
    UNAUTHORIZED,
    ApiError,
    bad_payload,
)
from sentinelhub_emulator.core.faults import FaultConfig
from sentinelhub_emulator.core.params import parse_json, read_body
from sentinelhub_emulator.core.ratelimit import limiter_of
from sentinelhub_emulator.core.routing import resource

__all__ = ["ADMIN_PREFIX", "from_loopback", "require_admin", "routes"]

ADMIN_PREFIX = "/_emulator"


def _is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def from_loopback(request: Request) -> bool:
    """Whether ``request`` came from the loopback interface (admin calls, the open dashboard)."""
    client = request.client
    return _is_loopback(client.host if client else None)


def require_admin(request: Request) -> None:
    """Admin calls come from the loopback interface (else 403) with the admin token (else 401)."""
    if not from_loopback(request):
        raise ApiError(
            403, "Admin endpoints answer only on the loopback interface.", INSUFFICIENT_PERMISSIONS
        )
    expected = context_of(request).settings.admin_token
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if (
        not expected
        or scheme.lower() != "bearer"
        or not hmac.compare_digest(token.strip().encode(), expected.encode())
    ):
        raise ApiError(401, "The emulator's admin token is required.", UNAUTHORIZED)


async def _json_object(request: Request) -> dict[str, Any]:
    body = parse_json(await read_body(request) or b"{}")
    if not isinstance(body, dict):
        raise bad_payload("body", "must be a JSON object")
    return body


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def get_faults(request: Request) -> Response:
    require_admin(request)
    plan = context_of(request).faults
    return JSONResponse({"config": plan.config.to_json(), "injected": plan.injected})


async def set_faults(request: Request) -> Response:
    require_admin(request)
    try:
        config = FaultConfig.from_json(await _json_object(request))
    except (TypeError, ValueError) as exc:
        raise bad_payload("body", str(exc)) from None
    context_of(request).faults.configure(config)
    return JSONResponse({"config": config.to_json(), "injected": 0})


async def clear_faults(request: Request) -> Response:
    require_admin(request)
    context_of(request).faults.configure(None)
    return Response(status_code=204)


async def register_client(request: Request) -> Response:
    require_admin(request)
    body = await _json_object(request)
    client_id, secret, account = (
        body.get("clientId"),
        body.get("clientSecret"),
        body.get("accountId"),
    )
    if not isinstance(client_id, str) or not client_id:
        raise bad_payload("clientId", "must be a non-empty string")
    if not isinstance(secret, str) or not secret:
        raise bad_payload("clientSecret", "must be a non-empty string")
    if account is not None:
        try:
            account = str(uuid.UUID(str(account)))
        except ValueError:
            raise bad_payload("accountId", "must be a UUID") from None
    client = context_of(request).clients.upsert_client(client_id, secret, account)
    return JSONResponse(
        {"clientId": client.client_id, "accountId": client.account_id}, status_code=201
    )


async def get_stats(request: Request) -> Response:
    require_admin(request)
    return JSONResponse(limiter_of(context_of(request)).stats())


async def reset_stats(request: Request) -> Response:
    require_admin(request)
    limiter_of(context_of(request)).reset()
    return Response(status_code=204)


def routes() -> list[BaseRoute]:
    return [
        resource(f"{ADMIN_PREFIX}/health", {"GET": health}),
        resource(
            f"{ADMIN_PREFIX}/faults",
            {"GET": get_faults, "POST": set_faults, "DELETE": clear_faults},
        ),
        resource(f"{ADMIN_PREFIX}/clients", {"POST": register_client}),
        resource(f"{ADMIN_PREFIX}/stats", {"GET": get_stats, "DELETE": reset_stats}),
    ]
