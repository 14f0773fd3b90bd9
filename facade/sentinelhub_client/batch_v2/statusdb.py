"""Reading the status database of a Batch v2 job.

Batch v2 has no per-tile endpoints: while a job runs, the service writes a SQLite database of its
features (tiles of a grid, or features of a GeoPackage) and their statuses into the output
bucket, and replaces it periodically. Download it (any S3 client) and read it here, from a path
or from its bytes, without I/O beyond the file::

    with StatusDatabase.open("execution.sqlite") as db:
        print(db.counts())                      # {"DONE": 118, "FAILED": 2}
        for feature in db.features(status="FAILED"):
            print(feature.name, feature.error)

The provider does not publish the layout, so the reader does not insist on one: the features are
the rows of the table that has a ``status`` column (a table named ``features`` or ``tiles`` first
when several have one); ``id``, ``name``, ``status`` and ``error`` (or ``error_message``) are read
when present, every other column lands in `FeatureStatus.other`. A one-row ``job`` table, when
there is one, is the job's summary (`StatusDatabase.job`). The emulator writes
``<folder>/<requestId>/execution.sqlite`` this way (see the emulator's docs, "Batch v2").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Self

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client._core.lifecycle import ClosesOnExit

__all__ = ["FeatureStatus", "StatusDatabase"]

_PREFERRED = ("features", "feature", "tiles", "tile", "execution")
_ERROR_COLUMNS = ("error", "error_message", "errorMessage")
_NAME_COLUMNS = ("name", "tile_name", "tileName", "identifier")


@dataclass(frozen=True)
class FeatureStatus:
    """One feature (or tile) of a Batch v2 job, as the status database lists it.

    Attributes:
        id: its id in the database (``id`` column), if any.
        name: its name (``name``, ``tile_name`` or ``identifier`` column), if any.
        status: its status text, as the service wrote it (upper case).
        error: why it failed, when it did.
        other: every other column, by name.
    """

    id: Any
    name: str | None
    status: str
    error: str | None = None
    other: dict[str, Any] = field(default_factory=dict)


class StatusDatabase(ClosesOnExit):
    """A Batch v2 status database opened for reading (see the module docstring)."""

    def __init__(self, connection: sqlite3.Connection, source: str) -> None:
        self._connection = connection
        self.source = source
        self.table = self._find_table()
        self._columns = self._columns_of(self.table)

    @classmethod
    def open(cls, source: str | PathLike[str] | bytes) -> Self:
        """Open a database file (read only) or its bytes (held in memory).

        Raises:
            SentinelHubValidationError: no such file, not a SQLite database, or no table with a
                ``status`` column.
        """
        if isinstance(source, bytes | bytearray | memoryview):
            connection = sqlite3.connect(":memory:")
            try:
                connection.deserialize(bytes(source))
            except sqlite3.Error as exc:
                connection.close()
                raise SentinelHubValidationError(
                    f"source: not a SQLite database ({exc})", field="source"
                ) from exc
            label = f"<{len(source)} bytes>"
        else:
            path = Path(source)
            if not path.is_file():
                raise SentinelHubValidationError(
                    f"source: no such file {str(path)!r}; download the job's status database "
                    "from its output bucket first",
                    field="source",
                )
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            label = str(path)
        try:
            return cls(connection, label)
        except BaseException:
            connection.close()
            raise

    def close(self) -> None:
        """Release the database."""
        self._connection.close()

    def __repr__(self) -> str:
        return f"StatusDatabase({self.source!r}, table={self.table!r})"

    # -- layout ----------------------------------------------------------------------------------

    def tables(self) -> list[str]:
        """The names of the database's tables."""
        try:
            rows = self._connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise SentinelHubValidationError(
                f"source: {self.source} is not a SQLite database ({exc})", field="source"
            ) from exc
        return [str(row[0]) for row in rows]

    def _columns_of(self, table: str) -> list[str]:
        rows = self._connection.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        return [str(row[1]) for row in rows]

    def _find_table(self) -> str:
        candidates = [t for t in self.tables() if "status" in self._columns_of(t)]
        if not candidates:
            raise SentinelHubValidationError(
                f"source: {self.source} has no table with a 'status' column; is it a Batch v2 "
                "status database?",
                field="source",
            )
        for name in _PREFERRED:
            for table in candidates:
                if table.lower() == name:
                    return table
        return candidates[0]

    # -- reading -----------------------------------------------------------------------------------

    def features(self, status: str | None = None) -> Iterator[FeatureStatus]:
        """The features, in the database's order; only those with ``status`` when given (any
        letter case)."""
        query = f"SELECT * FROM {_quote(self.table)}"  # noqa: S608 - a quoted table name
        params: tuple[Any, ...] = ()
        if status is not None:
            if not isinstance(status, str) or not status.strip():
                raise SentinelHubValidationError(
                    f"status: expected a status such as 'DONE' or 'FAILED', got {status!r}",
                    field="status",
                )
            query += " WHERE upper(status) = ?"
            params = (status.strip().upper(),)
        columns = self._columns
        name_column = next((c for c in _NAME_COLUMNS if c in columns), None)
        error_column = next((c for c in _ERROR_COLUMNS if c in columns), None)
        known = {"id", "status", name_column, error_column}
        for row in self._connection.execute(query, params):
            values = dict(zip(columns, row, strict=True))
            name = values.get(name_column) if name_column else None
            error = values.get(error_column) if error_column else None
            yield FeatureStatus(
                id=values.get("id"),
                name=None if name is None else str(name),
                status=str(values["status"]).upper(),
                error=None if error in (None, "") else str(error),
                other={k: v for k, v in values.items() if k not in known},
            )

    def counts(self) -> dict[str, int]:
        """How many features are in each status (upper case), most common first."""
        rows = self._connection.execute(
            f"SELECT upper(status), count(*) FROM {_quote(self.table)} "  # noqa: S608
            "GROUP BY upper(status) ORDER BY count(*) DESC, upper(status)"
        ).fetchall()
        return {str(status): int(count) for status, count in rows}

    def job(self) -> dict[str, Any] | None:
        """The job's summary row (``status``, ``completion_percentage``, ...) from a one-row
        ``job`` table, or None when the database has none."""
        if "job" not in self.tables():
            return None
        cursor = self._connection.execute('SELECT * FROM "job" LIMIT 1')
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    @property
    def total(self) -> int:
        """How many features the job has."""
        query = f"SELECT count(*) FROM {_quote(self.table)}"  # noqa: S608 - a quoted table name
        row = self._connection.execute(query).fetchone()
        return int(row[0])


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
