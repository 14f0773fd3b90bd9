"""Typed access to BYOC's data: collections and tiles, and their tables (`SCHEMA`).

Every value reaches SQL as a bound parameter; the only text pasted into statements is this
module's own constant column lists and WHERE fragments. Rows leave as `records`. Lists are
keyset-paginated on the monotonically increasing ``seq`` column, so a late page costs what the
first one costs.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sentinelhub_emulator.byoc.records import (
    CollectionRecord,
    IngestionOutcome,
    JsonObject,
    Page,
    TileRecord,
)
from sentinelhub_emulator.byoc.summary import TileAggregates, collection_summary
from sentinelhub_emulator.core.db import Database, RowMapper, dump_json, load_json
from sentinelhub_emulator.core.pagination import seq_page
from sentinelhub_emulator.core.times import now_timestamp

__all__ = ["SCHEMA", "BandResolver", "DuplicateTilePathError", "Store"]

_T = TypeVar("_T")

#: ``resolve(current bands) -> (new bands or None, failure cause or None)``: see
#: `Store.finish_ingested`.
BandResolver = Callable[[dict[str, JsonObject]], tuple[dict[str, JsonObject] | None, str | None]]


class DuplicateTilePathError(Exception):
    """The collection already has a tile with this path."""


_dump = dump_json


#: BYOC's tables in the emulator's database.
SCHEMA = """
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
CREATE INDEX IF NOT EXISTS tiles_summary ON tiles (
    collection_id, status, max_mpp, sensing_time, west, south, east, north
);
"""


_COLLECTION_COLUMNS = """
    c.seq, c.id, c.account_id, c.name, c.s3_bucket, c.created, c.no_data, c.bands, c.summary,
    EXISTS (
        SELECT 1 FROM tiles t
        WHERE t.collection_id = c.id AND t.status IN ('WAITING', 'QUEUED', 'INGESTING')
    ) AS pending
"""

_TILE_COLUMNS = """
    seq, id, collection_id, path, status, generation, created, ingestion_start, sensing_time,
    requested_cover, cover_geometry, tile_geometry, crs_epsg, min_mpp, max_mpp, failed_cause,
    warnings
"""


_collection = RowMapper(
    CollectionRecord,
    json=("no_data", "bands", "summary"),
    flags=("requires_metadata_update",),
    columns={"requires_metadata_update": "pending"},
)
_tile = RowMapper(TileRecord, json=("requested_cover", "cover_geometry", "tile_geometry"))
_aggregates = RowMapper(
    TileAggregates,
    columns={
        "tiles": "n",
        "sensed_tiles": "sensed",
        "first_sensing": "first",
        "last_sensing": "last",
    },
)


class Store:
    """The emulator's data, on top of a `Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------------ collections

    def create_collection(
        self,
        *,
        account_id: str,
        name: str,
        s3_bucket: str,
        no_data: int | float | None,
        bands: dict[str, JsonObject],
    ) -> CollectionRecord:
        collection_id = str(uuid.uuid4())
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO collections "
                "(id, account_id, name, s3_bucket, created, no_data, bands) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    collection_id,
                    account_id,
                    name,
                    s3_bucket,
                    now_timestamp(),
                    _dump(no_data),
                    _dump(bands),
                ),
            )
        created = self.get_collection(collection_id)
        assert created is not None
        return created

    def get_collection(self, collection_id: str) -> CollectionRecord | None:
        row = self.db.row(
            f"SELECT {_COLLECTION_COLUMNS} FROM collections c WHERE c.id = ?",  # noqa: S608
            (collection_id,),
        )
        return None if row is None else _collection(row)

    def list_collections(
        self,
        account_id: str,
        *,
        search: Sequence[Sequence[str]] = (),
        after: int | None,
        count: int,
    ) -> Page[CollectionRecord]:
        """One page of the account's collections, oldest first.

        ``search`` is a disjunction of conjunctions of words; a word matches a collection when it
        occurs, ignoring case, in its name or id.
        """
        where = ["c.account_id = ?"]
        params: list[Any] = [account_id]
        if after is not None:
            where.append("c.seq > ?")
            params.append(after)
        if search:
            alternatives = []
            for words in search:
                terms = []
                for word in words:
                    terms.append("(instr(casefold(c.name), ?) > 0 OR instr(casefold(c.id), ?) > 0)")
                    params.extend([word.casefold(), word.casefold()])
                alternatives.append("(" + " AND ".join(terms) + ")")
            where.append("(" + " OR ".join(alternatives) + ")")
        params.append(count + 1)
        rows = self.db.rows(
            f"SELECT {_COLLECTION_COLUMNS} FROM collections c WHERE {' AND '.join(where)} "  # noqa: S608
            "ORDER BY c.seq LIMIT ?",
            params,
        )
        return seq_page(rows, count, _collection)

    def update_collection(
        self,
        collection_id: str,
        *,
        name: str,
        s3_bucket: str,
        no_data: int | float | None,
        bands: dict[str, JsonObject],
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE collections SET name = ?, s3_bucket = ?, no_data = ?, bands = ? "
                "WHERE id = ?",
                (name, s3_bucket, _dump(no_data), _dump(bands), collection_id),
            )

    def delete_collection(self, collection_id: str) -> bool:
        with self.db.transaction() as conn:
            cursor = conn.execute("DELETE FROM collections WHERE id = ?", (collection_id,))
            return cursor.rowcount > 0

    def has_tiles(self, collection_id: str) -> bool:
        row = self.db.row("SELECT 1 FROM tiles WHERE collection_id = ? LIMIT 1", (collection_id,))
        return row is not None

    # ------------------------------------------------------------------ tiles

    def create_tiles(
        self,
        collection_id: str,
        tiles: Iterable[tuple[str, JsonObject | None, str | None]],
        *,
        status: str = "WAITING",
    ) -> list[TileRecord]:
        """Register tiles ``(path, cover geometry or None, sensing time or None)`` in one
        transaction. Raises DuplicateTilePathError (and stores none) on a clash.

        The API registers WAITING tiles; another ``status`` seeds data directly (tests, demos).
        """
        ids = []
        with self.db.transaction() as conn:
            for path, cover, sensing_time in tiles:
                tile_id = str(uuid.uuid4())
                try:
                    conn.execute(
                        "INSERT INTO tiles (id, collection_id, path, status, created, "
                        "sensing_time, requested_cover) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            tile_id,
                            collection_id,
                            path,
                            status,
                            now_timestamp(),
                            sensing_time,
                            _dump(cover),
                        ),
                    )
                except sqlite3.IntegrityError as exc:
                    raise DuplicateTilePathError(path) from exc
                ids.append(tile_id)
            if status == "INGESTED":
                self._refresh_summary(conn, collection_id)
        return [tile for tile_id in ids if (tile := self.get_tile(collection_id, tile_id))]

    def get_tile(self, collection_id: str, tile_id: str) -> TileRecord | None:
        row = self.db.row(
            f"SELECT {_TILE_COLUMNS} FROM tiles WHERE id = ? AND collection_id = ?",  # noqa: S608
            (tile_id, collection_id),
        )
        return None if row is None else _tile(row)

    def list_tiles(
        self,
        collection_id: str,
        *,
        after: int | None,
        count: int,
        descending: bool = False,
        path: str | None = None,
        status: str | None = None,
    ) -> Page[TileRecord]:
        """One page of a collection's tiles in creation order (newest first if descending)."""
        where = ["collection_id = ?"]
        params: list[Any] = [collection_id]
        if after is not None:
            where.append("seq < ?" if descending else "seq > ?")
            params.append(after)
        if path is not None:
            where.append("path = ?")
            params.append(path)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        params.append(count + 1)
        order = "DESC" if descending else "ASC"
        rows = self.db.rows(
            f"SELECT {_TILE_COLUMNS} FROM tiles WHERE {' AND '.join(where)} "  # noqa: S608
            f"ORDER BY seq {order} LIMIT ?",
            params,
        )
        return seq_page(rows, count, _tile)

    def ingested_tiles(self, collection_id: str, *, page: int = 500) -> Iterator[TileRecord]:
        """The collection's INGESTED tiles in creation order, read ``page`` at a time."""
        after: int | None = None
        while True:
            read = self.list_tiles(collection_id, after=after, count=page, status="INGESTED")
            yield from read.items
            if read.next_after is None:
                return
            after = read.next_after

    def update_tile(
        self,
        tile: TileRecord,
        *,
        sensing_time: str | None,
        requested_cover: JsonObject | None,
        reingest: bool,
    ) -> None:
        """Store a tile's sensing time and requested cover geometry and refresh its collection.

        With ``reingest`` the tile goes back to WAITING (in a new generation) so that ingestion
        derives its cover geometry again; the old derived cover is dropped meanwhile.
        """
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE tiles SET sensing_time = ?, requested_cover = ? WHERE id = ?",
                (sensing_time, _dump(requested_cover), tile.id),
            )
            if reingest:
                self._requeue(conn, tile.id)
            self._refresh_summary(conn, tile.collection_id)

    def delete_tile(self, collection_id: str, tile_id: str) -> bool:
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM tiles WHERE id = ? AND collection_id = ?", (tile_id, collection_id)
            )
            self._refresh_summary(conn, collection_id)
            return cursor.rowcount > 0

    def reingest_tile(self, tile: TileRecord) -> None:
        """Send a tile back to WAITING for another ingestion."""
        with self.db.transaction() as conn:
            self._requeue(conn, tile.id)
            self._refresh_summary(conn, tile.collection_id)

    @staticmethod
    def _requeue(conn: sqlite3.Connection, tile_id: str) -> None:
        # A newer generation makes any attempt still running for the tile stale.
        conn.execute(
            "UPDATE tiles SET status = 'WAITING', generation = generation + 1, "
            "ingestion_start = NULL, failed_cause = NULL, cover_geometry = NULL WHERE id = ?",
            (tile_id,),
        )

    def copy_tiles(
        self, source_id: str, target_id: str, *, target_bands: dict[str, JsonObject] | None = None
    ) -> int:
        """Copy the INGESTED tiles of ``source_id`` whose path ``target_id`` lacks; how many.

        ``target_bands``, when given, become the target's bands in the same transaction.
        """
        with self.db.transaction() as conn:
            if target_bands is not None:
                conn.execute(
                    "UPDATE collections SET bands = ? WHERE id = ?",
                    (_dump(target_bands), target_id),
                )
            rows = conn.execute(
                f"SELECT {_TILE_COLUMNS}, west, south, east, north FROM tiles s "  # noqa: S608
                "WHERE s.collection_id = ? AND s.status = 'INGESTED' AND NOT EXISTS "
                "(SELECT 1 FROM tiles t WHERE t.collection_id = ? AND t.path = s.path) "
                "ORDER BY s.seq",
                (source_id, target_id),
            ).fetchall()
            for row in rows:
                conn.execute(
                    "INSERT INTO tiles (id, collection_id, path, status, created, ingestion_start, "
                    "sensing_time, requested_cover, cover_geometry, tile_geometry, crs_epsg, "
                    "west, south, east, north, min_mpp, max_mpp, warnings) "
                    "VALUES (?, ?, ?, 'INGESTED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        str(uuid.uuid4()),
                        target_id,
                        row["path"],
                        now_timestamp(),
                        row["ingestion_start"],
                        row["sensing_time"],
                        row["requested_cover"],
                        row["cover_geometry"],
                        row["tile_geometry"],
                        row["crs_epsg"],
                        row["west"],
                        row["south"],
                        row["east"],
                        row["north"],
                        row["min_mpp"],
                        row["max_mpp"],
                        row["warnings"],
                    ),
                )
            self._refresh_summary(conn, target_id)
        return len(rows)

    # ------------------------------------------------------------------ ingestion bookkeeping

    def requeue_interrupted(self) -> int:
        """Put tiles that a crash left INGESTING back in the queue; how many."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE tiles SET status = 'QUEUED', ingestion_start = NULL "
                "WHERE status = 'INGESTING'"
            )
            return cursor.rowcount

    def next_pending_tile(self, exclude: Collection[str] = ()) -> TileRecord | None:
        """The oldest tile that waits for a worker (WAITING or QUEUED), leaving out the tiles
        whose ids are in ``exclude`` (those other workers hold)."""
        excluded = list(exclude)
        not_in = f" AND id NOT IN ({', '.join('?' * len(excluded))})" if excluded else ""
        row = self.db.row(
            f"SELECT {_TILE_COLUMNS} FROM tiles WHERE status IN ('WAITING', 'QUEUED')"  # noqa: S608
            f"{not_in} ORDER BY seq LIMIT 1",
            excluded,
        )
        return None if row is None else _tile(row)

    def pending_count(self) -> int:
        row = self.db.row(
            "SELECT COUNT(*) AS n FROM tiles WHERE status IN ('WAITING', 'QUEUED', 'INGESTING')"
        )
        return int(row["n"])

    def advance_tile(self, tile: TileRecord, status: str) -> bool:
        """Move a tile from ``tile.status`` to QUEUED or INGESTING unless it changed meanwhile
        (another generation or another status); whether it moved."""
        start = now_timestamp() if status == "INGESTING" else None
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE tiles SET status = ?, ingestion_start = COALESCE(?, ingestion_start) "
                "WHERE id = ? AND generation = ? AND status = ?",
                (status, start, tile.id, tile.generation, tile.status),
            )
            return cursor.rowcount > 0

    def finish_ingested(
        self,
        tile: TileRecord,
        outcome: IngestionOutcome,
        *,
        resolve_bands: BandResolver | None = None,
    ) -> bool:
        """Mark a tile INGESTED with its geometry; whether it was.

        ``resolve_bands(current)`` (when given) decides, from the collection's bands as they
        are now, inside the same write transaction: either ``(bands, None)``, the collection's
        bands from now on (None: unchanged), or ``(None, cause)``, and the tile ends FAILED with
        that cause instead. The transaction takes the database's write lock before it reads the
        bands (``BEGIN IMMEDIATE``), so of tiles finishing side by side (threads or processes)
        exactly one defines an undefined collection's bands, and the others are judged against
        them.
        """
        west, south, east, north = outcome.wgs84_bbox
        with self.db.transaction() as conn:
            bands: dict[str, JsonObject] | None = None
            current: dict[str, JsonObject] = {}
            if resolve_bands is not None:
                row = conn.execute(
                    "SELECT bands FROM collections WHERE id = ?", (tile.collection_id,)
                ).fetchone()
                if row is None:
                    return False  # deleted meanwhile, with its tiles
                current = load_json(row["bands"]) or {}
                bands, cause = resolve_bands(current)
                if cause is not None:
                    self._fail(conn, tile, cause)
                    return False
            cursor = conn.execute(
                "UPDATE tiles SET status = 'INGESTED', failed_cause = NULL, warnings = ?, "
                "tile_geometry = ?, cover_geometry = ?, crs_epsg = ?, west = ?, south = ?, "
                "east = ?, north = ?, min_mpp = ?, max_mpp = ? "
                "WHERE id = ? AND generation = ? AND status = 'INGESTING'",
                (
                    outcome.warnings,
                    _dump(outcome.tile_geometry),
                    _dump(outcome.cover_geometry),
                    outcome.crs_epsg,
                    west,
                    south,
                    east,
                    north,
                    outcome.min_mpp,
                    outcome.max_mpp,
                    tile.id,
                    tile.generation,
                ),
            )
            if cursor.rowcount == 0:
                return False
            if bands is not None and bands != current:
                conn.execute(
                    "UPDATE collections SET bands = ? WHERE id = ?",
                    (_dump(bands), tile.collection_id),
                )
            self._refresh_summary(conn, tile.collection_id)
            return True

    def finish_failed(self, tile: TileRecord, cause: str) -> bool:
        """Mark a tile FAILED with the cause, dropping what an earlier ingestion derived."""
        with self.db.transaction() as conn:
            return self._fail(conn, tile, cause)

    def _fail(self, conn: sqlite3.Connection, tile: TileRecord, cause: str) -> bool:
        cursor = conn.execute(
            "UPDATE tiles SET status = 'FAILED', failed_cause = ?, warnings = NULL, "
            "tile_geometry = NULL, cover_geometry = NULL, crs_epsg = NULL, west = NULL, "
            "south = NULL, east = NULL, north = NULL, min_mpp = NULL, max_mpp = NULL "
            "WHERE id = ? AND generation = ? AND status = 'INGESTING'",
            (cause, tile.id, tile.generation),
        )
        if cursor.rowcount == 0:
            return False
        self._refresh_summary(conn, tile.collection_id)
        return True

    def _refresh_summary(self, conn: sqlite3.Connection, collection_id: str) -> None:
        """Recompute a collection's derived metadata inside the caller's transaction.

        SQL aggregates do the work, so no tile row reaches Python: one pass over the covering
        ``tiles_summary`` index (never the tiles' wide geometry rows) for counts, ranges and
        extent, then the one or two middle ``max_mpp`` values in that index's order.
        """
        row = conn.execute(
            "SELECT COUNT(*) AS n, COUNT(sensing_time) AS sensed, MIN(sensing_time) AS first, "
            "MAX(sensing_time) AS last, MIN(west) AS west, MIN(south) AS south, "
            "MAX(east) AS east, MAX(north) AS north, COUNT(max_mpp) AS mpp_n, "
            "MIN(max_mpp) AS mpp_low, MAX(max_mpp) AS mpp_high "
            "FROM tiles WHERE collection_id = ? AND status = 'INGESTED'",
            (collection_id,),
        ).fetchone()
        aggregates = _aggregates(row)
        mpp_n = int(row["mpp_n"])
        # The smallest, the middle one or two and the largest value: the same median (and the
        # same range, which `collection_summary` checks) as every tile's value.
        per_tile_max: list[float] = []
        if mpp_n:
            middle = [
                float(r["max_mpp"])
                for r in conn.execute(
                    "SELECT max_mpp FROM tiles WHERE collection_id = ? AND status = 'INGESTED' "
                    "AND max_mpp IS NOT NULL ORDER BY max_mpp LIMIT ? OFFSET ?",
                    (collection_id, 2 - mpp_n % 2, (mpp_n - 1) // 2),
                )
            ]
            per_tile_max = [float(row["mpp_low"]), *middle, float(row["mpp_high"])]
        conn.execute(
            "UPDATE collections SET summary = ? WHERE id = ?",
            (_dump(collection_summary(aggregates, per_tile_max)), collection_id),
        )
