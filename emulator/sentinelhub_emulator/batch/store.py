"""The batch service's data: requests, their tiles and batch collections, in the emulator's SQLite.

`SCHEMA` holds the service's tables (all ``IF NOT EXISTS``); `BatchStore.create_schema` applies
it. Every value reaches SQL as a bound parameter. Status changes are compare-and-set updates
(``WHERE status = ?``), so a worker that lost a race with a cancel never overwrites it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from sentinelhub_emulator.core.db import Database, RowMapper, dump_json, insert_row
from sentinelhub_emulator.core.pagination import Page, offset_page
from sentinelhub_emulator.core.times import (
    now_timestamp,
    wire_time,
)

from .grids import GridTile

__all__ = [
    "SCHEMA",
    "BatchCollectionRecord",
    "BatchRequestRecord",
    "BatchStore",
    "BatchTileRecord",
    "RequestRecord",
    "TileQueue",
    "requests_schema",
    "tiles_schema",
]


def tiles_schema(tiles: str, requests: str, extra_columns: str = "") -> str:
    """The tiles table of a batch API (and its indexes): one row a tile of a request of
    ``requests``; ``extra_columns`` (``"name TYPE,\n"`` lines) come after the shared ones."""
    return f"""
CREATE TABLE IF NOT EXISTS {tiles} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL REFERENCES {requests} (id) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    epsg INTEGER NOT NULL,
    west REAL NOT NULL,
    north REAL NOT NULL,
    width REAL NOT NULL,
    height REAL NOT NULL,
    geometry TEXT NOT NULL,
    status TEXT NOT NULL,
    cost REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    {extra_columns}UNIQUE (request_id, id)
);
CREATE INDEX IF NOT EXISTS {tiles}_by_request ON {tiles} (request_id, status, seq);
CREATE INDEX IF NOT EXISTS {tiles}_by_status ON {tiles} (status, seq);
"""


def requests_schema(requests: str, extra_columns: str) -> str:
    """The requests table of a batch API (and its indexes): the columns of
    `BatchRequestRecord`, then ``extra_columns`` (``"name TYPE,\n"`` lines), its own."""
    return f"""
CREATE TABLE IF NOT EXISTS {requests} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    created TEXT NOT NULL,
    body TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    user_action TEXT NOT NULL,
    user_action_updated TEXT,
    error TEXT,
    tile_count INTEGER,
    {extra_columns}collection_id TEXT
);
CREATE INDEX IF NOT EXISTS {requests}_by_account ON {requests} (account_id, seq);
CREATE INDEX IF NOT EXISTS {requests}_by_status ON {requests} (status, seq);
"""


SCHEMA = (
    requests_schema(
        "batch_requests",
        "tile_width_px INTEGER,\n    tile_height_px INTEGER,\n    value_estimate REAL,\n    ",
    )
    + tiles_schema("batch_tiles", "batch_requests")
    + """
CREATE TABLE IF NOT EXISTS batch_collections (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    s3_bucket TEXT NOT NULL,
    created TEXT NOT NULL,
    no_data REAL,
    tiling_grid_id INTEGER,
    bands TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS batch_collections_by_account ON batch_collections (account_id, seq);
"""
)

#: Request states that never change again by themselves.
FINAL_STATUSES = ("DONE", "PARTIAL", "FAILED", "CANCELED")
TILE_STATUSES = ("PENDING", "SCHEDULED", "QUEUED", "PROCESSING", "PROCESSED", "FAILED")


@dataclass(frozen=True)
class BatchRequestRecord:
    """What a request of either batch API holds; each API's record adds its own columns."""

    seq: int
    id: str
    account_id: str
    created: str
    body: dict[str, Any]
    description: str | None
    status: str
    user_action: str
    user_action_updated: str | None
    error: str | None
    tile_count: int | None
    collection_id: str | None


@dataclass(frozen=True)
class RequestRecord(BatchRequestRecord):
    """One batch processing request; ``body`` holds what the user sent, normalised."""

    tile_width_px: int | None
    tile_height_px: int | None
    value_estimate: float | None

    def to_wire(self) -> dict[str, Any]:
        grid = self.body["tilingGrid"]
        output = dict(self.body.get("output") or {})
        if self.collection_id is not None:
            output["collectionId"] = self.collection_id
        wire: dict[str, Any] = {
            "id": self.id,
            "userId": self.account_id,
            "accountId": self.account_id,
            "created": wire_time(self.created),
            "processRequest": self.body["processRequest"],
            "tilingGrid": grid,
            "tilingGridId": grid["id"],
            "resolution": grid["resolution"],
            "output": output,
            "bucketName": self.body.get("bucketName"),
            "description": self.description,
            "valueEstimate": self.value_estimate,
            "tileCount": self.tile_count,
            "tileWidthPx": self.tile_width_px,
            "tileHeightPx": self.tile_height_px,
            "userAction": self.user_action,
            "userActionUpdated": wire_time(self.user_action_updated),
            "status": self.status,
            "error": self.error,
        }
        # Fields our spec does not declare nullable are left out while they have no value
        # (the service sends some of them as null; clients accept both).
        for key in ("bucketName", "description", "valueEstimate"):
            if wire[key] is None:
                del wire[key]
        wire["tilingGrid"] = {k: v for k, v in grid.items() if v is not None}
        return wire


@dataclass(frozen=True)
class BatchTileRecord:
    """One output tile of a request."""

    seq: int
    request_id: str
    id: int
    name: str
    epsg: int
    west: float
    north: float
    width: float
    height: float
    geometry: dict[str, Any]
    status: str
    cost: float | None
    attempts: int
    error: str | None

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "id": self.id,
            "requestId": self.request_id,
            "name": self.name,
            "status": self.status,
            "cost": self.cost or 0.0,
            "geometry": self.geometry,
            "origin": {
                "type": "Point",
                "coordinates": [self.west, self.north],
                "crs": {
                    "type": "name",
                    "properties": {"name": f"urn:ogc:def:crs:EPSG::{self.epsg}"},
                },
            },
        }
        if self.error is not None:
            wire["error"] = self.error
        return wire


@dataclass(frozen=True)
class BatchCollectionRecord:
    """A batch collection: where outputs of requests that write into it live."""

    seq: int
    id: str
    account_id: str
    name: str
    s3_bucket: str
    created: str
    no_data: float | None
    tiling_grid_id: int | None
    bands: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "id": self.id,
            "accountId": self.account_id,
            "userId": self.account_id,
            "name": self.name,
            "s3Bucket": self.s3_bucket,
            "created": wire_time(self.created),
            "batchData": {}
            if self.tiling_grid_id is None
            else {"tilingGridId": self.tiling_grid_id},
            "additionalData": {"bands": self.bands},
        }
        if self.no_data is not None:
            wire["noData"] = self.no_data
        return wire


_Request = TypeVar("_Request", bound="BatchRequestRecord")
_Tile = TypeVar("_Tile", bound="BatchTileRecord")

_request = RowMapper(RequestRecord, json=("body",))
_tile = RowMapper(BatchTileRecord, json=("geometry",))
_collection = RowMapper(BatchCollectionRecord, json=("bands",))


def _search_clause(groups: Sequence[Sequence[str]], column: str) -> tuple[list[str], list[Any]]:
    """``(a AND b) OR (c)`` over case-insensitive substring matches of ``column``: the
    conditions (none without ``groups``) and their arguments."""
    if not groups:
        return [], []
    clauses = []
    args: list[Any] = []
    for group in groups:
        clauses.append(" AND ".join(f"instr(casefold({column}), ?) > 0" for _ in group))
        args.extend(word.casefold() for word in group)
    return ["(" + " OR ".join(f"({c})" for c in clauses) + ")"], args


def _no_extra(tile: GridTile) -> Mapping[str, Any]:
    return {}


def _assignments(changes: Mapping[str, Any]) -> str:
    """``a = ?, b = ?`` for the columns of ``changes`` (names from this module's code)."""
    return ", ".join(f"{column} = ?" for column in changes)


class TileQueue(Generic[_Request, _Tile]):
    """What both batch APIs' stores do alike over a requests table and its tiles table: read a
    request, list its tiles, and hand the scheduler SCHEDULED tiles of PROCESSING requests."""

    schema: ClassVar[str]
    requests_table: ClassVar[str]
    tiles_table: ClassVar[str]
    #: Tile statuses a stop or crash can leave behind; a restart puts them back to SCHEDULED.
    interrupted: ClassVar[tuple[str, ...]]
    #: Whether a tile's change is stamped (its ``updated``, its request's ``last_updated``).
    stamped: ClassVar[bool] = False

    #: How the rows of the two tables become records.
    request_rows: ClassVar[RowMapper[Any]]
    tile_rows: ClassVar[RowMapper[Any]]

    def __init__(self, db: Database) -> None:
        self.db = db
        self._request: RowMapper[_Request] = self.request_rows
        self._tile: RowMapper[_Tile] = self.tile_rows

    def create_schema(self) -> None:
        self.db.connection().executescript(self.schema)

    def get_request(self, request_id: str) -> _Request | None:
        return self._request.one(
            self.db,
            f"SELECT * FROM {self.requests_table} WHERE id = ?",  # noqa: S608
            (request_id,),
        )

    def _new_request(
        self,
        account_id: str,
        body: dict[str, Any],
        description: str | None,
        columns: Mapping[str, Any] | None = None,
        *,
        now: str | None = None,
    ) -> _Request:
        """Insert a CREATED request (``columns``: the API's own, by column) and read it back;
        a stamped store stamps its ``last_updated``."""
        now = now or now_timestamp()
        request_id = str(uuid.uuid4())
        values = {
            "id": request_id,
            "account_id": account_id,
            "created": now,
            "body": dump_json(body),
            "description": description,
            "status": "CREATED",
            "user_action": "NONE",
            **({"last_updated": now} if self.stamped else {}),
            **(columns or {}),
        }
        with self.db.transaction() as conn:
            insert_row(conn, self.requests_table, values)
        record = self.get_request(request_id)
        assert record is not None
        return record

    def all_tiles(self, request_id: str) -> list[_Tile]:
        return self._tile.all(
            self.db,
            f"SELECT * FROM {self.tiles_table} WHERE request_id = ? ORDER BY seq",  # noqa: S608
            (request_id,),
        )

    def scheduled_tiles(self, limit: int, exclude: Iterable[tuple[str, int]]) -> list[_Tile]:
        """SCHEDULED tiles of PROCESSING requests, oldest first, not in ``exclude``."""
        skip = set(exclude)
        rows = self.db.rows(
            f"SELECT t.* FROM {self.tiles_table} t"  # noqa: S608
            f" JOIN {self.requests_table} r ON r.id = t.request_id"
            " WHERE t.status = 'SCHEDULED' AND r.status = 'PROCESSING'"
            " ORDER BY t.seq LIMIT ?",
            (limit + len(skip),),
        )
        # Busy tiles are left out before their rows become records (their geometry is JSON).
        wanted = [row for row in rows if (row["request_id"], row["id"]) not in skip]
        return [self._tile(row) for row in wanted[:limit]]

    def advance_tile(
        self,
        tile: BatchTileRecord,
        *,
        expected: str,
        status: str,
        cost: float | None = None,
        error: str | None = None,
    ) -> bool:
        """Move a tile from ``expected`` to ``status`` while its request is PROCESSING."""
        now = now_timestamp()
        stamp, stamps = ("updated = ?,", (now,)) if self.stamped else ("", ())
        requests, request_id = self.requests_table, tile.request_id
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE {self.tiles_table} SET status = ?, cost = coalesce(?, cost), error = ?,"  # noqa: S608
                f" {stamp} attempts = attempts + (? = 'PROCESSING')"
                " WHERE request_id = ? AND id = ? AND status = ? AND EXISTS ("
                f" SELECT 1 FROM {requests} r WHERE r.id = ? AND r.status = 'PROCESSING')",
                (status, cost, error, *stamps, status, request_id, tile.id, expected, request_id),
            )
            if cursor.rowcount == 1 and self.stamped:
                conn.execute(
                    f"UPDATE {self.requests_table} SET last_updated = ? WHERE id = ?",  # noqa: S608
                    (now, tile.request_id),
                )
            return cursor.rowcount == 1

    def set_action(
        self,
        request_id: str,
        *,
        expected_status: str,
        status: str,
        user_action: str,
        error: str | None = None,
    ) -> bool:
        """A user's action: ``expected_status`` -> ``status``; False if it moved meanwhile."""
        now = now_timestamp()
        stamp, stamps = (" last_updated = ?,", (now,)) if self.stamped else ("", ())
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE {self.requests_table} SET status = ?, user_action = ?,"  # noqa: S608
                f" user_action_updated = ?,{stamp} error = coalesce(?, error)"
                " WHERE id = ? AND status = ?",
                (status, user_action, now, *stamps, error, request_id, expected_status),
            )
            return cursor.rowcount == 1

    def requests_in(self, status: str) -> list[_Request]:
        """The requests in ``status``, oldest first."""
        return self._request.all(
            self.db,
            f"SELECT * FROM {self.requests_table} WHERE status = ? ORDER BY seq",  # noqa: S608
            (status,),
        )

    def _move(
        self,
        request_id: str,
        expected: str,
        changes: Mapping[str, Any],
        tiles: tuple[Sequence[str], Mapping[str, Any]] | None = None,
        *,
        now: str | None = None,
    ) -> bool:
        """One compare-and-set: the request ``expected`` -> ``changes`` (by column) and, in
        the same transaction, its tiles in ``tiles[0]`` -> ``tiles[1]``; False (nothing
        changed) if it was no longer ``expected``. Stamped stores stamp both with ``now``."""
        now = now or now_timestamp()
        stamp: dict[str, Any] = {"last_updated": now} if self.stamped else {}
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE {self.requests_table} SET {_assignments({**changes, **stamp})}"  # noqa: S608
                " WHERE id = ? AND status = ?",
                (*changes.values(), *stamp.values(), request_id, expected),
            )
            if cursor.rowcount != 1:
                return False
            if tiles is not None:
                statuses, tile_changes = tiles
                tile_stamp = {"updated": now} if self.stamped else {}
                marks = ", ".join("?" * len(statuses))
                conn.execute(
                    f"UPDATE {self.tiles_table} SET {_assignments({**tile_changes, **tile_stamp})}"  # noqa: S608
                    f" WHERE request_id = ? AND status IN ({marks})",
                    (*tile_changes.values(), *tile_stamp.values(), request_id, *statuses),
                )
            return True

    def _store_analysis(
        self,
        conn: sqlite3.Connection,
        request_id: str,
        tiles: Iterable[tuple[GridTile, float]],
        extra: Callable[[GridTile], Mapping[str, Any]] = _no_extra,
    ) -> tuple[bool, int] | None:
        """Inside the caller's transaction: None unless the request is ANALYSING; else its
        tiles replace those it had (SCHEDULED when the user asked to start, else PENDING;
        ``extra(tile)`` adds columns) and the answer is (whether to start, how many)."""
        row = conn.execute(
            f"SELECT status, user_action FROM {self.requests_table} WHERE id = ?",  # noqa: S608
            (request_id,),
        ).fetchone()
        if row is None or row["status"] != "ANALYSING":
            return None
        process = row["user_action"] == "START"
        conn.execute(f"DELETE FROM {self.tiles_table} WHERE request_id = ?", (request_id,))  # noqa: S608
        count = 0
        for tile, cost in tiles:
            count += 1
            insert_row(
                conn,
                self.tiles_table,
                {
                    "request_id": request_id,
                    "id": tile.id,
                    "name": tile.name,
                    "epsg": tile.epsg,
                    "west": tile.west,
                    "north": tile.north,
                    "width": tile.width,
                    "height": tile.height,
                    "geometry": dump_json(tile.geometry),
                    "status": "SCHEDULED" if process else "PENDING",
                    "cost": cost,
                    **extra(tile),
                },
            )
        return process, count

    def _tile_counts(self, conn: sqlite3.Connection, request_id: str) -> dict[str, int] | None:
        """Tiles by status of a PROCESSING request (None: it is not PROCESSING)."""
        row = conn.execute(
            f"SELECT status FROM {self.requests_table} WHERE id = ?",  # noqa: S608
            (request_id,),
        ).fetchone()
        if row is None or row["status"] != "PROCESSING":
            return None
        return dict(
            conn.execute(
                f"SELECT status, count(*) FROM {self.tiles_table} WHERE request_id = ?"  # noqa: S608
                " GROUP BY status",
                (request_id,),
            ).fetchall()
        )

    def set_status(
        self, request_id: str, *, expected: str, status: str, error: str | None = None
    ) -> bool:
        """A change the service makes itself (userAction stays as it is): ``expected`` ->
        ``status``; False if the request was no longer ``expected``."""
        stamp, stamps = (", last_updated = ?", (now_timestamp(),)) if self.stamped else ("", ())
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE {self.requests_table} SET status = ?, error = ?{stamp}"  # noqa: S608
                " WHERE id = ? AND status = ?",
                (status, error, *stamps, request_id, expected),
            )
            return cursor.rowcount == 1

    def requeue_interrupted(self) -> int:
        """Tiles a stop or crash left in an `interrupted` status go back to SCHEDULED; how many."""
        marks = ", ".join("?" * len(self.interrupted))
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE {self.tiles_table} SET status = 'SCHEDULED'"  # noqa: S608
                f" WHERE status IN ({marks})",
                self.interrupted,
            )
            return cursor.rowcount


class BatchStore(TileQueue[RequestRecord, BatchTileRecord]):
    """Typed access to the batch tables of one `Database`."""

    schema = SCHEMA
    requests_table = "batch_requests"
    tiles_table = "batch_tiles"
    interrupted = ("QUEUED", "PROCESSING")

    request_rows = _request
    tile_rows = _tile

    # ------------------------------------------------------------------ requests

    def create_request(
        self,
        *,
        account_id: str,
        body: dict[str, Any],
        description: str | None,
        tile_count: int,
        tile_size_px: tuple[int, int],
        collection_id: str | None = None,
    ) -> RequestRecord:
        now = now_timestamp()
        columns = {
            "user_action_updated": now,
            "tile_count": tile_count,
            "tile_width_px": tile_size_px[0],
            "tile_height_px": tile_size_px[1],
            "collection_id": collection_id,
        }
        return self._new_request(account_id, body, description, columns, now=now)

    def list_requests(
        self,
        account_id: str,
        *,
        count: int,
        after: int | None,
        sort: str,
        search: Sequence[Sequence[str]],
        collection_id: str | None,
    ) -> Page[RequestRecord]:
        """A page of the account's requests. For ``created`` sorts ``after`` is the last seq
        seen; for ``status`` sorts it is an offset."""
        conditions, args = _search_clause(search, "coalesce(description, '')")
        conditions.insert(0, "account_id = ?")
        args.insert(0, account_id)
        if collection_id is not None:
            conditions.append("collection_id = ?")
            args.append(collection_id)
        if sort in ("created", "created:asc", "created:desc"):
            return _request.seq_page(
                self.db,
                "SELECT * FROM batch_requests",
                conditions,
                args,
                after=after,
                count=count,
                descending=sort == "created:desc",
            )
        where = " AND ".join(conditions)
        order = "status DESC, seq" if sort == "status:desc" else "status, seq"
        offset = after or 0
        rows = self.db.rows(
            f"SELECT * FROM batch_requests WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
            (*args, count + 1, offset),
        )
        return offset_page(rows, count, offset, _request)

    def update_request(
        self, request_id: str, *, body: dict[str, Any], description: str | None
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE batch_requests SET body = ?, description = ? WHERE id = ?",
                (dump_json(body), description, request_id),
            )

    def delete_request(self, request_id: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM batch_requests WHERE id = ?", (request_id,))

    def cancel(self, request_id: str, *, expected_status: str) -> bool:
        """``expected_status`` -> CANCELED; tiles not yet done go back to PENDING."""
        return self._move(
            request_id,
            expected_status,
            {"status": "CANCELED", "user_action": "CANCEL", "user_action_updated": now_timestamp()},
            (("SCHEDULED", "QUEUED", "PROCESSING"), {"status": "PENDING"}),
        )

    def finish_analysis(
        self,
        request_id: str,
        *,
        tiles: Iterable[tuple[GridTile, float]],
        value_estimate: float,
        tile_size_px: tuple[int, int],
        collection_id: str | None,
    ) -> bool:
        """Store the tiles and the estimate; ANALYSING -> ANALYSIS_DONE, or PROCESSING with its
        tiles SCHEDULED when the user asked to start. False if it is no longer ANALYSING."""
        with self.db.transaction() as conn:
            stored = self._store_analysis(conn, request_id, tiles)
            if stored is None:
                return False
            process, count = stored
            conn.execute(
                "UPDATE batch_requests SET status = ?, tile_count = ?, tile_width_px = ?,"
                " tile_height_px = ?, value_estimate = ?,"
                " collection_id = coalesce(?, collection_id), error = NULL"
                " WHERE id = ?",
                (
                    "PROCESSING" if process else "ANALYSIS_DONE",
                    count,
                    tile_size_px[0],
                    tile_size_px[1],
                    value_estimate,
                    collection_id,
                    request_id,
                ),
            )
            return True

    def start_processing(self, request_id: str, *, from_status: str, user_action: str) -> bool:
        """``from_status`` -> PROCESSING; PENDING and FAILED tiles become SCHEDULED."""
        return self._move(
            request_id,
            from_status,
            {
                "status": "PROCESSING",
                "user_action": user_action,
                "user_action_updated": now_timestamp(),
                "error": None,
            },
            (("PENDING", "FAILED"), {"status": "SCHEDULED", "error": None}),
        )

    def finish_request_if_complete(self, request_id: str) -> str | None:
        """PROCESSING -> DONE / PARTIAL / FAILED once no tile is left to do; the new status."""
        with self.db.transaction() as conn:
            counts = self._tile_counts(conn, request_id)
            if counts is None:
                return None
            if any(counts.get(s, 0) for s in ("PENDING", "SCHEDULED", "QUEUED", "PROCESSING")):
                return None
            processed, failed = counts.get("PROCESSED", 0), counts.get("FAILED", 0)
            if failed == 0:
                status, error = "DONE", None
            elif processed == 0:
                status, error = "FAILED", f"All {failed} tiles failed."
            else:
                status, error = "PARTIAL", None
            conn.execute(
                "UPDATE batch_requests SET status = ?, error = ? WHERE id = ?",
                (status, error, request_id),
            )
            return status

    # ------------------------------------------------------------------ tiles

    def list_tiles(
        self, request_id: str, *, count: int, after: int | None, status: str | None
    ) -> Page[BatchTileRecord]:
        where, args = ["request_id = ?"], [request_id]
        if status is not None:
            where.append("status = ?")
            args.append(status)
        return _tile.seq_page(
            self.db, "SELECT * FROM batch_tiles", where, args, after=after, count=count
        )

    def get_tile(self, request_id: str, tile_id: int) -> BatchTileRecord | None:
        return _tile.one(
            self.db,
            "SELECT * FROM batch_tiles WHERE request_id = ? AND id = ?",
            (request_id, tile_id),
        )

    # ------------------------------------------------------------------ collections

    def create_collection(
        self,
        *,
        account_id: str,
        name: str,
        s3_bucket: str,
        no_data: float | None = None,
        tiling_grid_id: int | None = None,
        bands: dict[str, Any] | None = None,
    ) -> BatchCollectionRecord:
        collection_id = str(uuid.uuid4())
        with self.db.transaction() as conn:
            insert_row(
                conn,
                "batch_collections",
                {
                    "id": collection_id,
                    "account_id": account_id,
                    "name": name,
                    "s3_bucket": s3_bucket,
                    "created": now_timestamp(),
                    "no_data": no_data,
                    "tiling_grid_id": tiling_grid_id,
                    "bands": dump_json(bands or {}),
                },
            )
        record = self.get_collection(collection_id)
        assert record is not None
        return record

    def get_collection(self, collection_id: str) -> BatchCollectionRecord | None:
        return _collection.one(
            self.db, "SELECT * FROM batch_collections WHERE id = ?", (collection_id,)
        )

    def list_collections(
        self,
        account_id: str,
        *,
        count: int,
        after: int | None,
        search: Sequence[Sequence[str]],
    ) -> Page[BatchCollectionRecord]:
        where, args = _search_clause(search, "name")
        return _collection.seq_page(
            self.db,
            "SELECT * FROM batch_collections",
            ["account_id = ?", *where],
            [account_id, *args],
            after=after,
            count=count,
        )

    def update_collection(
        self, collection_id: str, *, name: str, no_data: float | None, bands: dict[str, Any]
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE batch_collections SET name = ?, no_data = ?, bands = ? WHERE id = ?",
                (name, no_data, dump_json(bands), collection_id),
            )

    def set_collection_output(
        self, collection_id: str, *, tiling_grid_id: int, bands: dict[str, Any]
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE batch_collections SET tiling_grid_id = ?, bands = ? WHERE id = ?",
                (tiling_grid_id, dump_json(bands), collection_id),
            )

    def requests_using(self, collection_id: str) -> list[RequestRecord]:
        """Requests that write into the collection (not FAILED or CANCELED), oldest first."""
        return _request.all(
            self.db,
            "SELECT * FROM batch_requests WHERE collection_id = ?"
            " AND status NOT IN ('FAILED', 'CANCELED') ORDER BY seq",
            (collection_id,),
        )

    def collection_in_use(self, collection_id: str) -> bool:
        """Whether a request other than FAILED or CANCELED writes into the collection."""
        row = self.db.row(
            "SELECT 1 FROM batch_requests WHERE collection_id = ?"
            " AND status NOT IN ('FAILED', 'CANCELED') LIMIT 1",
            (collection_id,),
        )
        return row is not None

    def delete_collection(self, collection_id: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM batch_collections WHERE id = ?", (collection_id,))
