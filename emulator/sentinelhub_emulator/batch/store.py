"""The batch service's data: requests, their tiles and batch collections, in the emulator's SQLite.

`SCHEMA` holds the service's tables (all ``IF NOT EXISTS``); `BatchStore.create_schema` applies
it. Every value reaches SQL as a bound parameter. Status changes are compare-and-set updates
(``WHERE status = ?``), so a worker that lost a race with a cancel never overwrites it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from sentinelhub_emulator.core.db import Database, RowMapper
from sentinelhub_emulator.core.pagination import Page, offset_page, seq_page
from sentinelhub_emulator.core.times import (
    now_timestamp,
    wire_time,
)

from .grids import GridTile

__all__ = [
    "SCHEMA",
    "BatchCollectionRecord",
    "BatchStore",
    "BatchTileRecord",
    "RequestRecord",
    "TileQueue",
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


SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS batch_requests (
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
    tile_width_px INTEGER,
    tile_height_px INTEGER,
    value_estimate REAL,
    collection_id TEXT
);
CREATE INDEX IF NOT EXISTS batch_requests_by_account ON batch_requests (account_id, seq);
CREATE INDEX IF NOT EXISTS batch_requests_by_status ON batch_requests (status, seq);

"""
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
class RequestRecord:
    """One batch processing request; ``body`` holds what the user sent, normalised."""

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
    tile_width_px: int | None
    tile_height_px: int | None
    value_estimate: float | None
    collection_id: str | None

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


_Request = TypeVar("_Request")
_Tile = TypeVar("_Tile", bound="BatchTileRecord")

_request = RowMapper(RequestRecord, json=("body",))
_tile = RowMapper(BatchTileRecord, json=("geometry",))
_collection = RowMapper(BatchCollectionRecord, json=("bands",))


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _search_clause(groups: Sequence[Sequence[str]], column: str) -> tuple[str, list[Any]]:
    """``(a AND b) OR (c)`` over case-insensitive substring matches of ``column``."""
    if not groups:
        return "", []
    clauses = []
    args: list[Any] = []
    for group in groups:
        clauses.append(" AND ".join(f"instr(casefold({column}), ?) > 0" for _ in group))
        args.extend(word.casefold() for word in group)
    return " AND (" + " OR ".join(f"({c})" for c in clauses) + ")", args


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

    def __init__(self, db: Database, request: RowMapper[_Request], tile: RowMapper[_Tile]) -> None:
        self.db = db
        self._request = request
        self._tile = tile

    def create_schema(self) -> None:
        self.db.connection().executescript(self.schema)

    def get_request(self, request_id: str) -> _Request | None:
        row = (
            self.db.connection()
            .execute(
                f"SELECT * FROM {self.requests_table} WHERE id = ?",  # noqa: S608
                (request_id,),
            )
            .fetchone()
        )
        return None if row is None else self._request(row)

    def all_tiles(self, request_id: str) -> list[_Tile]:
        rows = (
            self.db.connection()
            .execute(
                f"SELECT * FROM {self.tiles_table} WHERE request_id = ? ORDER BY seq",  # noqa: S608
                (request_id,),
            )
            .fetchall()
        )
        return [self._tile(row) for row in rows]

    def scheduled_tiles(self, limit: int, exclude: Iterable[tuple[str, int]]) -> list[_Tile]:
        """SCHEDULED tiles of PROCESSING requests, oldest first, not in ``exclude``."""
        skip = set(exclude)
        rows = (
            self.db.connection()
            .execute(
                f"SELECT t.* FROM {self.tiles_table} t"  # noqa: S608
                f" JOIN {self.requests_table} r ON r.id = t.request_id"
                " WHERE t.status = 'SCHEDULED' AND r.status = 'PROCESSING'"
                " ORDER BY t.seq LIMIT ?",
                (limit + len(skip),),
            )
            .fetchall()
        )
        tiles = [self._tile(row) for row in rows]
        return [t for t in tiles if (t.request_id, t.id) not in skip][:limit]

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

    def requests_in(self, status: str) -> list[_Request]:
        """The requests in ``status``, oldest first."""
        rows = (
            self.db.connection()
            .execute(
                f"SELECT * FROM {self.requests_table} WHERE status = ? ORDER BY seq",  # noqa: S608
                (status,),
            )
            .fetchall()
        )
        return [self._request(row) for row in rows]

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

    def __init__(self, db: Database) -> None:
        super().__init__(db, _request, _tile)

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
        request_id = str(uuid.uuid4())
        now = now_timestamp()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO batch_requests (id, account_id, created, body, description, status,"
                " user_action, user_action_updated, tile_count, tile_width_px, tile_height_px,"
                " collection_id) VALUES (?, ?, ?, ?, ?, 'CREATED', 'NONE', ?, ?, ?, ?, ?)",
                (
                    request_id,
                    account_id,
                    now,
                    _dump(body),
                    description,
                    now,
                    tile_count,
                    tile_size_px[0],
                    tile_size_px[1],
                    collection_id,
                ),
            )
        record = self.get_request(request_id)
        assert record is not None
        return record

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
        where = "account_id = ?"
        args: list[Any] = [account_id]
        clause, search_args = _search_clause(search, "coalesce(description, '')")
        where += clause
        args.extend(search_args)
        if collection_id is not None:
            where += " AND collection_id = ?"
            args.append(collection_id)
        conn = self.db.connection()
        if sort in ("created", "created:asc", "created:desc"):
            descending = sort == "created:desc"
            if after is not None:
                where += " AND seq < ?" if descending else " AND seq > ?"
                args.append(after)
            order = "seq DESC" if descending else "seq"
            rows = conn.execute(
                f"SELECT * FROM batch_requests WHERE {where} ORDER BY {order} LIMIT ?",  # noqa: S608
                (*args, count + 1),
            ).fetchall()
            return seq_page(rows, count, _request)
        order = "status DESC, seq" if sort == "status:desc" else "status, seq"
        offset = after or 0
        rows = conn.execute(
            f"SELECT * FROM batch_requests WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
            (*args, count + 1, offset),
        ).fetchall()
        return offset_page(rows, count, offset, _request)

    def update_request(
        self, request_id: str, *, body: dict[str, Any], description: str | None
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE batch_requests SET body = ?, description = ? WHERE id = ?",
                (_dump(body), description, request_id),
            )

    def delete_request(self, request_id: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM batch_requests WHERE id = ?", (request_id,))

    def set_action(
        self,
        request_id: str,
        *,
        expected_status: str,
        status: str,
        user_action: str,
        error: str | None = None,
    ) -> bool:
        """Move a request from ``expected_status``; False if it was no longer there."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE batch_requests SET status = ?, user_action = ?, user_action_updated = ?,"
                " error = coalesce(?, error) WHERE id = ? AND status = ?",
                (status, user_action, now_timestamp(), error, request_id, expected_status),
            )
            return cursor.rowcount == 1

    def cancel(self, request_id: str, *, expected_status: str) -> bool:
        """``expected_status`` -> CANCELED; tiles not yet done go back to PENDING."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE batch_requests SET status = 'CANCELED', user_action = 'CANCEL',"
                " user_action_updated = ? WHERE id = ? AND status = ?",
                (now_timestamp(), request_id, expected_status),
            )
            if cursor.rowcount != 1:
                return False
            conn.execute(
                "UPDATE batch_tiles SET status = 'PENDING' WHERE request_id = ?"
                " AND status IN ('SCHEDULED', 'QUEUED', 'PROCESSING')",
                (request_id,),
            )
            return True

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
            row = conn.execute(
                "SELECT status, user_action FROM batch_requests WHERE id = ?", (request_id,)
            ).fetchone()
            if row is None or row["status"] != "ANALYSING":
                return False
            process = row["user_action"] == "START"
            tile_status = "SCHEDULED" if process else "PENDING"
            conn.execute("DELETE FROM batch_tiles WHERE request_id = ?", (request_id,))
            count = 0
            for tile, cost in tiles:
                count += 1
                conn.execute(
                    "INSERT INTO batch_tiles (request_id, id, name, epsg, west, north, width,"
                    " height, geometry, status, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        request_id,
                        tile.id,
                        tile.name,
                        tile.epsg,
                        tile.west,
                        tile.north,
                        tile.width,
                        tile.height,
                        _dump(tile.geometry),
                        tile_status,
                        cost,
                    ),
                )
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
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE batch_requests SET status = 'PROCESSING', user_action = ?,"
                " user_action_updated = ?, error = NULL WHERE id = ? AND status = ?",
                (user_action, now_timestamp(), request_id, from_status),
            )
            if cursor.rowcount != 1:
                return False
            conn.execute(
                "UPDATE batch_tiles SET status = 'SCHEDULED', error = NULL"
                " WHERE request_id = ? AND status IN ('PENDING', 'FAILED')",
                (request_id,),
            )
            return True

    def finish_request_if_complete(self, request_id: str) -> str | None:
        """PROCESSING -> DONE / PARTIAL / FAILED once no tile is left to do; the new status."""
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT status FROM batch_requests WHERE id = ?", (request_id,)
            ).fetchone()
            if row is None or row["status"] != "PROCESSING":
                return None
            counts = dict(
                conn.execute(
                    "SELECT status, count(*) FROM batch_tiles WHERE request_id = ? GROUP BY status",
                    (request_id,),
                ).fetchall()
            )
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
        where = "request_id = ?"
        args: list[Any] = [request_id]
        if status is not None:
            where += " AND status = ?"
            args.append(status)
        if after is not None:
            where += " AND seq > ?"
            args.append(after)
        rows = (
            self.db.connection()
            .execute(
                f"SELECT * FROM batch_tiles WHERE {where} ORDER BY seq LIMIT ?",  # noqa: S608
                (*args, count + 1),
            )
            .fetchall()
        )
        return seq_page(rows, count, _tile)

    def get_tile(self, request_id: str, tile_id: int) -> BatchTileRecord | None:
        row = (
            self.db.connection()
            .execute(
                "SELECT * FROM batch_tiles WHERE request_id = ? AND id = ?", (request_id, tile_id)
            )
            .fetchone()
        )
        return None if row is None else _tile(row)

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
            conn.execute(
                "INSERT INTO batch_collections (id, account_id, name, s3_bucket, created, no_data,"
                " tiling_grid_id, bands) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    collection_id,
                    account_id,
                    name,
                    s3_bucket,
                    now_timestamp(),
                    no_data,
                    tiling_grid_id,
                    _dump(bands or {}),
                ),
            )
        record = self.get_collection(collection_id)
        assert record is not None
        return record

    def get_collection(self, collection_id: str) -> BatchCollectionRecord | None:
        row = (
            self.db.connection()
            .execute("SELECT * FROM batch_collections WHERE id = ?", (collection_id,))
            .fetchone()
        )
        return None if row is None else _collection(row)

    def list_collections(
        self,
        account_id: str,
        *,
        count: int,
        after: int | None,
        search: Sequence[Sequence[str]],
    ) -> Page[BatchCollectionRecord]:
        where = "account_id = ?"
        args: list[Any] = [account_id]
        clause, search_args = _search_clause(search, "name")
        where += clause
        args.extend(search_args)
        if after is not None:
            where += " AND seq > ?"
            args.append(after)
        rows = (
            self.db.connection()
            .execute(
                f"SELECT * FROM batch_collections WHERE {where} ORDER BY seq LIMIT ?",  # noqa: S608
                (*args, count + 1),
            )
            .fetchall()
        )
        return seq_page(rows, count, _collection)

    def update_collection(
        self, collection_id: str, *, name: str, no_data: float | None, bands: dict[str, Any]
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE batch_collections SET name = ?, no_data = ?, bands = ? WHERE id = ?",
                (name, no_data, _dump(bands), collection_id),
            )

    def set_collection_output(
        self, collection_id: str, *, tiling_grid_id: int, bands: dict[str, Any]
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE batch_collections SET tiling_grid_id = ?, bands = ? WHERE id = ?",
                (tiling_grid_id, _dump(bands), collection_id),
            )

    def requests_using(self, collection_id: str) -> list[RequestRecord]:
        """Requests that write into the collection (not FAILED or CANCELED), oldest first."""
        rows = (
            self.db.connection()
            .execute(
                "SELECT * FROM batch_requests WHERE collection_id = ?"
                " AND status NOT IN ('FAILED', 'CANCELED') ORDER BY seq",
                (collection_id,),
            )
            .fetchall()
        )
        return [_request(row) for row in rows]

    def collection_in_use(self, collection_id: str) -> bool:
        """Whether a request other than FAILED or CANCELED writes into the collection."""
        row = (
            self.db.connection()
            .execute(
                "SELECT 1 FROM batch_requests WHERE collection_id = ?"
                " AND status NOT IN ('FAILED', 'CANCELED') LIMIT 1",
                (collection_id,),
            )
            .fetchone()
        )
        return row is not None

    def delete_collection(self, collection_id: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM batch_collections WHERE id = ?", (collection_id,))
