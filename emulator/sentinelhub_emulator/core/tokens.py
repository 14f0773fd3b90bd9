"""Access tokens: JWT-shaped, HMAC-signed with a key kept in the database.

A token is ``base64url(header).base64url(claims).base64url(signature)`` with the claims a real
Keycloak token carries that clients read (``azp`` = client id, ``exp``, ``iat``, ``jti``). Because
the signing key lives in the database, tokens stay valid across a restart, as they would against
the real service. Tokens are never logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
import time
from dataclasses import dataclass

from sentinelhub_emulator.core.clients import ClientRecord, ClientStore

__all__ = ["IssuedToken", "Principal", "TokenIssuer"]

_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Principal:
    """Who a valid token speaks for."""

    client_id: str
    account_id: str


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


class TokenIssuer:
    """Mints and checks access tokens of a given lifetime."""

    def __init__(self, clients: ClientStore, ttl: float) -> None:
        self._clients = clients
        self._ttl = ttl
        self._key = clients.db.meta_value(
            "token_signing_key", lambda: secrets.token_hex(32)
        ).encode()

    def _sign(self, signing_input: str) -> str:
        return _b64encode(hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest())

    def issue(self, client: ClientRecord) -> IssuedToken:
        """A fresh token for ``client``; ``expires_in`` is the lifetime rounded up to seconds."""
        now = time.time()
        claims = {
            "azp": client.client_id,
            "sub": client.account_id,
            "iat": int(now),
            "exp": round(now + self._ttl, 3),
            "jti": secrets.token_hex(8),
        }
        signing_input = (
            _b64encode(json.dumps(_HEADER).encode())
            + "."
            + _b64encode(json.dumps(claims, separators=(",", ":")).encode())
        )
        token = signing_input + "." + self._sign(signing_input)
        return IssuedToken(token, max(1, math.ceil(self._ttl)))

    def verify(self, token: str) -> Principal | None:
        """The principal of a well-signed, unexpired token of a known client, else None."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        signing_input = parts[0] + "." + parts[1]
        expected = self._sign(signing_input).encode()
        if not hmac.compare_digest(expected, parts[2].encode("utf-8", "replace")):
            return None
        try:
            claims = json.loads(_b64decode(parts[1]))
        except (binascii.Error, ValueError):
            return None
        if not isinstance(claims, dict):
            return None
        expires = claims.get("exp")
        client_id = claims.get("azp")
        if not isinstance(expires, int | float) or not isinstance(client_id, str):
            return None
        if expires <= time.time():
            return None
        client = self._clients.get_client(client_id)
        if client is None:
            return None
        return Principal(client.client_id, client.account_id)
