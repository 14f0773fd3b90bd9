"""Batch v2 data: requests and their tiles, in the emulator's SQLite.

`SCHEMA` holds the tables (``IF NOT EXISTS``). Status changes are compare-and-set updates
(``WHERE status = ?``), so a worker that lost a race with a stop never overwrites it.

Tile statuses: PENDING (analysed) -> SCHEDULED (the job runs) -> PROCESSING -> DONE | FAILED;
a stop puts SCHEDULED and PROCESSING tiles back to PENDING, a restart puts PROCESSING tiles
back to SCHEDULED.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from sentinelhub_emulator.batch.grids import GridTile
from sentinelhub_emulator.batch.store import (
    BatchRequestRecord,
    BatchTileRecord,
    TileQueue,
    requests_schema,
    tiles_schema,
)
from sentinelhub_emulator.core.db import RowMapper
from sentinelhub_emulator.core.pagination import Page, offset_page
from sentinelhub_emulator.core.times import (
    now_timestamp,
    wire_time,
)

__all__ = ["SCHEMA", "TILE_STATUSES", "BatchV2Store", "RequestRecord", "TileRecord"]

SCHEMA = requests_schema(
    "batch_v2_requests", "last_updated TEXT NOT NULL,\n    stopped_reason TEXT,\n    "
) + tiles_schema(
    "batch_v2_tiles",
    "batch_v2_requests",
    "updated TEXT,\n    width_px INTEGER,\n    height_px INTEGER,\n    ",
)

TILE_STATUSES = ("PENDING", "SCHEDULED", "PROCESSING", "DONE", "FAILED")
FINAL_STATUSES = ("DONE", "FAILED", "STOPPED")


@dataclass(frozen=True)
class RequestRecord(BatchRequestRecord):
    """One Batch v2 request; ``body`` is the create body as sent (nulls dropped)."""

    last_updated: str
    stopped_reason: str | None


@dataclass(frozen=True)
class TileRecord(BatchTileRecord):
    """One tile of a v2 request: a v1 tile record and what v2 adds."""

    updated: str | None
    #: Raster size of a GeoPackage feature (None for grid cells: the grid gives it).
    width_px: int | None
    height_px: int | None

    def as_v1(self) -> BatchTileRecord:
        """The v1 fields only, as Batch v1's renderer and writer take a tile."""
        return BatchTileRecord(**{f.name: getattr(self, f.name) for f in fields(BatchTileRecord)})


@dataclass(frozen=True)
class Progress:
    """Tile counts and the cost so far of one request."""

    total: int
    done: int
    failed: int
    cost: float

    @property
    def percentage(self) -> float:
        if self.total == 0:
            return 0.0
        return round(100.0 * (self.done + self.failed) / self.total, 2)


_request = RowMapper(RequestRecord, json=("body",))
_tile = RowMapper(TileRecord, json=("geometry",))


class BatchV2Store(TileQueue[RequestRecord, TileRecord]):
    """Batch v2 requests and tiles in one SQLite database."""

    schema = SCHEMA
    requests_table = "batch_v2_requests"
    tiles_table = "batch_v2_tiles"
    #: PENDING is where a stop leaves tiles (the job is started again by the user).
    interrupted = ("PROCESSING",)
    stamped = True

    request_rows = _request
    tile_rows = _tile

    # ------------------------------------------------------------------ requests

    def create_request(
        self, *, account_id: str, body: dict[str, Any], description: str | None
    ) -> RequestRecord:
        return self._new_request(account_id, body, description)

    def list_requests(
        self,
        account_id: str,
        *,
        count: int,
        after: int | None,
        descending: bool,
        by_status: bool,
        search: str | None,
    ) -> Page[RequestRecord]:
        """One page; the view token is the row's position in the chosen order."""
        where = "account_id = ?"
        args: list[Any] = [account_id]
        if search:
            where += " AND (instr(lower(coalesce(description, '')), ?) > 0 OR instr(id, ?) > 0)"
            args.extend([search.lower(), search.lower()])
        direction = "DESC" if descending else "ASC"
        order = f"status {direction}, seq {direction}" if by_status else f"seq {direction}"
        offset = after or 0
        rows = self.db.rows(
            f"SELECT * FROM batch_v2_requests WHERE {where} ORDER BY {order}"  # noqa: S608
            " LIMIT ? OFFSET ?",
            (*args, count + 1, offset),
        )
        return offset_page(rows, count, offset, _request)

    def update_description(self, request_id: str, description: str | None) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE batch_v2_requests SET description = ?, last_updated = ? WHERE id = ?",
                (description, now_timestamp(), request_id),
            )

    def stop(self, request_id: str, *, expected_status: str) -> bool:
        """``expected_status`` -> STOPPED (USER_ACTION); unfinished tiles go back to PENDING."""
        now = now_timestamp()
        return self._move(
            request_id,
            expected_status,
            {
                "status": "STOPPED",
                "user_action": "STOP",
                "user_action_updated": now,
                "stopped_reason": "USER_ACTION",
            },
            (("SCHEDULED", "PROCESSING"), {"status": "PENDING"}),
            now=now,
        )

    def finish_analysis(
        self,
        request_id: str,
        tiles: Iterable[tuple[GridTile, float]],
        collection_id: str | None = None,
        sizes: dict[int, tuple[int, int]] | None = None,
    ) -> bool:
        """Store the tiles; ANALYSING -> ANALYSIS_DONE, or PROCESSING (tiles SCHEDULED) when
        the user asked to start. False if it is no longer ANALYSING."""
        now = now_timestamp()

        def extra(tile: GridTile) -> dict[str, Any]:
            width_px, height_px = (sizes or {}).get(tile.id, (None, None))
            return {"updated": now, "width_px": width_px, "height_px": height_px}

        with self.db.transaction() as conn:
            stored = self._store_analysis(conn, request_id, tiles, extra)
            if stored is None:
                return False
            process, count = stored
            conn.execute(
                "UPDATE batch_v2_requests SET status = ?, tile_count = ?, error = NULL,"
                " last_updated = ?, collection_id = coalesce(?, collection_id) WHERE id = ?",
                (
                    "PROCESSING" if process else "ANALYSIS_DONE",
                    count,
                    now,
                    collection_id,
                    request_id,
                ),
            )
            return True

    def start_processing(self, request_id: str) -> bool:
        """ANALYSIS_DONE -> PROCESSING (userAction START); PENDING tiles become SCHEDULED."""
        now = now_timestamp()
        return self._move(
            request_id,
            "ANALYSIS_DONE",
            {"status": "PROCESSING", "user_action": "START", "user_action_updated": now},
            (("PENDING",), {"status": "SCHEDULED"}),
            now=now,
        )

    def feature_rows(self, request_id: str) -> list[tuple[Any, ...]]:
        """The status database's rows of a request's tiles, in order: ``(id, name, status,
        error, cost_pu (DONE only), attempts, updated)``, without decoding the geometries."""
        rows = self.db.rows(
            "SELECT id, name, status, error, CASE WHEN status = 'DONE' THEN cost END,"
            " attempts, updated FROM batch_v2_tiles WHERE request_id = ? ORDER BY seq",
            (request_id,),
        )
        return [tuple(row) for row in rows]

    def progress(self, request_id: str) -> Progress:
        rows = self.db.rows(
            "SELECT status, count(*) AS n, sum(CASE WHEN status = 'DONE' THEN cost END)"
            " AS cost FROM batch_v2_tiles WHERE request_id = ? GROUP BY status",
            (request_id,),
        )
        counts = {row["status"]: row["n"] for row in rows}
        cost = sum(row["cost"] or 0.0 for row in rows)
        return Progress(
            sum(counts.values()), counts.get("DONE", 0), counts.get("FAILED", 0), round(cost, 6)
        )

    def completion(self, request_id: str) -> tuple[str, str | None] | None:
        """``(status, error)`` a PROCESSING request ends with once no tile is left to do: DONE
        when a tile was written (``error`` counts the failed ones), FAILED when all failed."""
        counts = self._tile_counts(self.db.connection(), request_id)
        if counts is None:
            return None
        if any(counts.get(s, 0) for s in ("PENDING", "SCHEDULED", "PROCESSING")):
            return None
        done, failed = counts.get("DONE", 0), counts.get("FAILED", 0)
        if failed and not done:
            return "FAILED", f"All {failed} tiles failed."
        if failed:
            return "DONE", f"{failed} of {done + failed} tiles failed."
        return "DONE", None

    def finish(self, request_id: str, status: str, error: str | None) -> bool:
        """PROCESSING -> ``status``; False if it was no longer PROCESSING."""
        return self.set_status(request_id, expected="PROCESSING", status=status, error=error)


def to_wire(record: RequestRecord, progress: Progress) -> dict[str, Any]:
    """The request as the API answers it."""
    body = dict(record.body)
    if record.collection_id is not None:
        body["output"] = {**body["output"], "collectionId": record.collection_id}
    if record.description is not None:
        body["description"] = record.description
    wire: dict[str, Any] = {
        "id": record.id,
        "domainAccountId": record.account_id,
        "request": body,
        "status": record.status,
        "userAction": record.user_action,
        "userActionUpdated": wire_time(record.user_action_updated),
        "created": wire_time(record.created),
        "lastUpdated": wire_time(record.last_updated),
        "completionPercentage": progress.percentage,
        "costPU": progress.cost,
        "error": record.error,
    }
    if record.stopped_reason is not None:
        wire["stoppedStatusReason"] = record.stopped_reason
    return wire
