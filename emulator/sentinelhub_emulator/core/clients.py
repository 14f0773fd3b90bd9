"""OAuth clients and the accounts they act for: the core's own table (``clients``).

Secrets are stored salted and hashed, never in clear; a wrong id costs the same time as a wrong
secret, so that ids cannot be probed by timing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from sentinelhub_emulator.core.db import Database
from sentinelhub_emulator.core.times import now_timestamp

__all__ = ["ClientRecord", "ClientStore"]


@dataclass(frozen=True)
class ClientRecord:
    """An OAuth client and the account whose resources it may use."""

    client_id: str
    account_id: str


def _hash_secret(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


class ClientStore:
    """The registered OAuth clients, on top of a `Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def upsert_client(
        self, client_id: str, client_secret: str, account_id: str | None = None
    ) -> ClientRecord:
        """Register a client, or give an existing one a new secret (its account stays)."""
        salt = secrets.token_hex(16)
        digest = _hash_secret(salt, client_secret)
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT account_id FROM clients WHERE client_id = ?", (client_id,)
            ).fetchone()
            if row is not None:
                account = account_id or row["account_id"]
                conn.execute(
                    "UPDATE clients SET secret_salt = ?, secret_hash = ?, account_id = ? "
                    "WHERE client_id = ?",
                    (salt, digest, account, client_id),
                )
            else:
                account = account_id or str(uuid.uuid4())
                conn.execute(
                    "INSERT INTO clients "
                    "(client_id, secret_salt, secret_hash, account_id, created) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (client_id, salt, digest, account, now_timestamp()),
                )
        return ClientRecord(client_id, account)

    def verify_client(self, client_id: str, client_secret: str) -> ClientRecord | None:
        """The client if the secret is right, else None."""
        row = (
            self.db.connection()
            .execute(
                "SELECT account_id, secret_salt, secret_hash FROM clients WHERE client_id = ?",
                (client_id,),
            )
            .fetchone()
        )
        if row is None:
            # Spend the same time as a real check, so that ids cannot be probed by timing.
            hmac.compare_digest(_hash_secret("x", client_secret), "0" * 64)
            return None
        if not hmac.compare_digest(
            _hash_secret(row["secret_salt"], client_secret), row["secret_hash"]
        ):
            return None
        return ClientRecord(client_id, row["account_id"])

    def get_client(self, client_id: str) -> ClientRecord | None:
        row = (
            self.db.connection()
            .execute("SELECT account_id FROM clients WHERE client_id = ?", (client_id,))
            .fetchone()
        )
        return None if row is None else ClientRecord(client_id, row["account_id"])
