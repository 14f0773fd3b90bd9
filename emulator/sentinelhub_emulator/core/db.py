"""The emulator's SQLite database: one file, WAL mode, one connection per thread.

The core's tables (`CORE_SCHEMA`) live here; each service passes its own idempotent schema
script (``CREATE ... IF NOT EXISTS``) when the database is opened. Writes go through
`Database.transaction`, which takes the write lock up front (``BEGIN IMMEDIATE``) and commits
before the caller answers the request, so that a crash (even ``kill -9``) never loses an
acknowledged change. WAL with ``synchronous=NORMAL`` is durable across process crashes; only an
operating-system crash or power loss could drop the last commits, which is fine for an emulator.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

from sentinelhub_emulator.core.pagination import Page, seq_page

__all__ = [
    "CORE_SCHEMA",
    "DATABASE_FILENAME",
    "SCHEMA_VERSION",
    "Database",
    "RowMapper",
    "dump_json",
    "insert_row",
    "load_json",
]

logger = logging.getLogger(__name__)

DATABASE_FILENAME = "emulator.sqlite3"
SCHEMA_VERSION = 1

#: The tables of the core: metadata (schema version, token signing key) and OAuth clients.
#: Each service brings its own tables (`Service.schema`).
CORE_SCHEMA = """
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
"""


_R = TypeVar("_R")


def dump_json(value: Any) -> str | None:
    """A value as the compact JSON text a column stores (``None`` stays SQL ``NULL``)."""
    return None if value is None else json.dumps(value, separators=(",", ":"))


def load_json(text: str | None) -> Any:
    """The value a JSON column holds (SQL ``NULL`` is ``None``)."""
    return None if text is None else json.loads(text)


def insert_row(conn: sqlite3.Connection, table: str, values: Mapping[str, Any]) -> None:
    """``INSERT`` one row into ``table``: ``values`` maps the columns (names written in the
    caller's code, never taken from a request) to their values, bound as parameters."""
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
        tuple(values.values()),
    )


class RowMapper(Generic[_R]):
    """Rows of a query to records of a frozen dataclass, by one table instead of a hand-written
    function per record type.

    Each field of ``record`` reads the column of the same name, unless ``columns`` names another;
    the fields in ``json`` hold JSON text (`load_json`), those in ``flags`` are SQLite 0/1 made
    `bool`. Every other column value is taken as SQLite gives it. A query must select every
    column the table names (a missing one raises `IndexError` naming it)::

        _tile = RowMapper(TileRecord, json=("cover_geometry",))
        tiles = [_tile(row) for row in rows]
    """

    def __init__(
        self,
        record: type[_R],
        *,
        json: Iterable[str] = (),
        flags: Iterable[str] = (),
        columns: Mapping[str, str] | None = None,
    ) -> None:
        names = [spec.name for spec in dataclasses.fields(record)]  # type: ignore[arg-type]
        decoded = dict.fromkeys(json, load_json) | dict.fromkeys(flags, bool)
        renamed = dict(columns or {})
        unknown = (decoded.keys() | renamed.keys()) - set(names)
        if unknown:
            raise TypeError(f"{record.__name__} has no field(s) {sorted(unknown)}")
        self.record = record
        #: ``(field, column, decoder or None)`` in the record's field order.
        self.table: tuple[tuple[str, str, Callable[[Any], Any] | None], ...] = tuple(
            (name, renamed.get(name, name), decoded.get(name)) for name in names
        )

    def __call__(self, row: sqlite3.Row) -> _R:
        values: dict[str, Any] = {}
        for name, column, decode in self.table:
            try:
                raw = row[column]
            except IndexError:
                raise IndexError(
                    f"the query gives no column {column!r} for {self.record.__name__}.{name}"
                ) from None
            values[name] = raw if decode is None else decode(raw)
        return self.record(**values)

    def one(self, db: Database, sql: str, params: Sequence[Any] = ()) -> _R | None:
        """The record of the first row ``sql`` selects, or None."""
        row = db.row(sql, params)
        return None if row is None else self(row)

    def all(self, db: Database, sql: str, params: Sequence[Any] = ()) -> list[_R]:
        """The records of every row ``sql`` selects."""
        return [self(row) for row in db.rows(sql, params)]

    def seq_page(
        self,
        db: Database,
        select: str,
        where: Sequence[str],
        params: Sequence[Any],
        *,
        after: int | None,
        count: int,
        descending: bool = False,
        key: str = "seq",
    ) -> Page[_R]:
        """One keyset page: the rows of ``select`` (``SELECT ... FROM ...``) that meet every
        condition of ``where`` (its ``?`` bound to ``params``), in ``key`` order, after the
        row whose ``key`` is ``after`` (None: from the first); see `pagination.seq_page`."""
        conditions, args = list(where), list(params)
        if after is not None:
            conditions.append(f"{key} < ?" if descending else f"{key} > ?")
            args.append(after)
        order = f"{key} DESC" if descending else key
        rows = db.rows(
            f"{select} WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT ?",
            (*args, count + 1),
        )
        return seq_page(rows, count, self)


def _casefold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


# Re-entrant: a transaction begun inside another on the same thread fails in SQLite as it
# always did ("cannot start a transaction within a transaction") instead of waiting forever.
_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.RLock:
    """The lock this process's write transactions on the file at ``path`` take turns with."""
    key = os.path.realpath(path)
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.RLock())


class Database:
    """Connections to one SQLite file, created lazily per thread and closed together.

    Write transactions of one process take turns on a lock of their own before SQLite's: a
    thread that finds SQLite's write lock taken sleeps in SQLite's busy handler (1, 2, 5, 10 ms
    and longer) however soon the lock is free again, which made four batch tiles starting
    together wait up to 20 ms each. Other processes (batch and ingestion workers) still meet
    SQLite's lock and its timeout."""

    def __init__(self, path: Path, schemas: Sequence[str] = ()) -> None:
        self.path = path
        self._schemas = (CORE_SCHEMA, *schemas)
        self._lock = threading.Lock()
        self._write = _write_lock(path)
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
        for script in self._schemas:
            self.connection().executescript(script)
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

    def row(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first `sqlite3.Row` ``sql`` selects (None: none), on this thread's connection."""
        return self.connection().execute(sql, params).fetchone()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every `sqlite3.Row` ``sql`` selects, on this thread's connection."""
        return self.connection().execute(sql, params).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        conn = self.connection()
        with self._write:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def meta_value(self, key: str, default_factory: Callable[[], str]) -> str:
        """The value stored under ``key``; on first use, ``default_factory()`` is stored."""
        with self.transaction() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            if row is not None:
                return str(row["value"])
            value = default_factory()
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            return value

    def close(self) -> None:
        """Close every connection; later use raises."""
        with self._lock:
            self._closed = True
            connections = list(self._connections.values())
            self._connections.clear()
        for conn in connections:
            conn.close()
