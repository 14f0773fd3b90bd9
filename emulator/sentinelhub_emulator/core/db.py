"""The emulator's SQLite database: one file, WAL mode, one connection per thread.

The schema lives here and nowhere else. Writes go through `Database.transaction`, which takes the
write lock up front (``BEGIN IMMEDIATE``) and commits before the caller answers the request, so
that a crash (even ``kill -9``) never loses an acknowledged change. WAL with ``synchronous=NORMAL``
is durable across process crashes; only an operating-system crash or power loss could drop the
last commits, which is fine for an emulator.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["DATABASE_FILENAME", "SCHEMA_VERSION", "Database"]

logger = logging.getLogger(__name__)

DATABASE_FILENAME = "emulator.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS clients (
    client_id TEXT PRIMARY KEY,
    secret_salt TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    account_id TEXT NOT NULL,
    created TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS collections (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    s3_bucket TEXT NOT NULL,
    created TEXT NOT NULL,
    no_data TEXT,
    bands TEXT NOT NULL DEFAULT '{}',
    summary TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS collections_by_account ON collections (account_id, seq);

CREATE TABLE IF NOT EXISTS tiles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    status TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    ingestion_start TEXT,
    sensing_time TEXT,
    requested_cover TEXT,
    cover_geometry TEXT,
    tile_geometry TEXT,
    crs_epsg INTEGER,
    west REAL,
    south REAL,
    east REAL,
    north REAL,
    min_mpp REAL,
    max_mpp REAL,
    failed_cause TEXT,
    warnings TEXT,
    UNIQUE (collection_id, path)
);
CREATE INDEX IF NOT EXISTS tiles_by_collection ON tiles (collection_id, seq);
CREATE INDEX IF NOT EXISTS tiles_by_collection_status ON tiles (collection_id, status, seq);
CREATE INDEX IF NOT EXISTS tiles_by_status ON tiles (status, seq);
"""


def _casefold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


class Database:
    """Connections to one SQLite file, created lazily per thread and closed together."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connections: dict[int, sqlite3.Connection] = {}
        self._closed = False
        self._create_schema()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.create_function("casefold", 1, _casefold, deterministic=True)
        return conn

    def _create_schema(self) -> None:
        # Every statement is idempotent (IF NOT EXISTS), so the script needs no transaction.
        self.connection().executescript(_SCHEMA)
        with self.transaction() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            elif int(row["value"]) != SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} has schema version {row['value']}, "
                    f"this emulator speaks version {SCHEMA_VERSION}"
                )

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        ident = threading.get_ident()
        with self._lock:
            if self._closed:
                raise RuntimeError("the database is closed")
            conn = self._connections.get(ident)
            if conn is None:
                conn = self._open()
                self._connections[ident] = conn
            return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection; later use raises."""
        with self._lock:
            self._closed = True
            connections = list(self._connections.values())
            self._connections.clear()
        for conn in connections:
            conn.close()
