"""What the dashboard shows, read from the services' tables (never written).

BYOC collections and tiles come through BYOC's `Store` where it has a reader; the counts the
pages need across accounts (tiles by status, sensing-time range) and the job lists of Batch v1,
Batch v2 and Async Process are read with ``SELECT`` statements on the emulator's one SQLite file.
A table that is absent (an emulator built without that service) reads as empty.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sentinelhub_emulator.byoc.records import TILE_STATUSES, CollectionRecord, TileRecord
from sentinelhub_emulator.byoc.state import byoc_state
from sentinelhub_emulator.core.context import EmulatorContext

__all__ = [
    "TILE_STATUSES",
    "BandView",
    "CollectionView",
    "JobView",
    "band_type",
    "collection_view",
    "collection_views",
    "jobs",
    "tiles_of",
]

#: The most tiles a collection page lists.
MAX_TILES: Final = 2000
#: The most jobs of each kind the jobs page lists (newest first).
MAX_JOBS: Final = 100
#: Job statuses that are still moving (the page refreshes itself while one is shown).
ACTIVE_JOB_STATUSES: Final = frozenset({"ANALYSING", "PROCESSING", "QUEUED", "RUNNING"})
#: Tile statuses that are still moving.
ACTIVE_TILE_STATUSES: Final = frozenset({"WAITING", "QUEUED", "INGESTING"})


@dataclass(frozen=True)
class BandView:
    name: str
    type: str  # UINT16, FLOAT32, ... or "not yet known"
    source: str
    band_index: int
    no_data: Any


@dataclass(frozen=True)
class CollectionView:
    record: CollectionRecord
    bands: list[BandView]
    counts: dict[str, int]
    first_sensing: str | None
    last_sensing: str | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def active(self) -> bool:
        return any(self.counts.get(status, 0) for status in ACTIVE_TILE_STATUSES)


@dataclass(frozen=True)
class JobView:
    """One Batch v1, Batch v2 or Async Process request, as the jobs page lists it."""

    kind: str  # "Batch v1", "Batch v2", "Async Process"
    id: str
    account_id: str
    created: str
    description: str | None
    status: str
    error: str | None
    output: str
    total: int = 0
    done: int = 0
    failed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def finished(self) -> int:
        return self.done + self.failed

    @property
    def percent(self) -> float:
        return 0.0 if self.total == 0 else round(100.0 * self.finished / self.total, 1)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_JOB_STATUSES


def band_type(band: Mapping[str, Any]) -> str:
    """``UINT16``, ``FLOAT32``... from a band's ``sampleFormat`` and ``bitDepth``."""
    depth, fmt = band.get("bitDepth"), band.get("sampleFormat")
    if depth is None and fmt is None:
        return "not yet known"
    return f"{fmt or 'UINT'}{depth or ''}"


def _bands(record: CollectionRecord) -> list[BandView]:
    return [
        BandView(
            name,
            band_type(band),
            str(band.get("source") or name),
            int(band.get("bandIndex", 1)),
            band.get("noData", record.no_data),
        )
        for name, band in record.bands.items()
    ]


def _rows(ctx: EmulatorContext, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    try:
        return list(ctx.db.connection().execute(sql, args).fetchall())
    except sqlite3.OperationalError as exc:  # an emulator without that service's tables
        if "no such table" in str(exc):
            return []
        raise


def _view(
    record: CollectionRecord, counts: dict[str, int], sensing: tuple[str | None, str | None]
) -> CollectionView:
    return CollectionView(record, _bands(record), counts, sensing[0], sensing[1])


def collection_views(ctx: EmulatorContext) -> list[CollectionView]:
    """Every BYOC collection of every account, oldest first."""
    store = byoc_state(ctx).store
    counts: dict[str, dict[str, int]] = {}
    for row in _rows(
        ctx, "SELECT collection_id, status, count(*) AS n FROM tiles GROUP BY collection_id, status"
    ):
        counts.setdefault(row["collection_id"], {})[row["status"]] = int(row["n"])
    sensing = {
        row["collection_id"]: (row["first"], row["last"])
        for row in _rows(
            ctx,
            "SELECT collection_id, min(sensing_time) AS first, max(sensing_time) AS last "
            "FROM tiles GROUP BY collection_id",
        )
    }
    views = []
    for row in _rows(ctx, "SELECT id FROM collections ORDER BY seq"):
        record = store.get_collection(row["id"])
        if record is not None:
            views.append(
                _view(record, counts.get(record.id, {}), sensing.get(record.id, (None, None)))
            )
    return views


def collection_view(ctx: EmulatorContext, collection_id: str) -> CollectionView | None:
    record = byoc_state(ctx).store.get_collection(collection_id)
    if record is None:
        return None
    counts = {
        row["status"]: int(row["n"])
        for row in _rows(
            ctx,
            "SELECT status, count(*) AS n FROM tiles WHERE collection_id = ? GROUP BY status",
            (collection_id,),
        )
    }
    spans = _rows(
        ctx,
        "SELECT min(sensing_time) AS first, max(sensing_time) AS last FROM tiles "
        "WHERE collection_id = ?",
        (collection_id,),
    )
    first, last = (spans[0]["first"], spans[0]["last"]) if spans else (None, None)
    return _view(record, counts, (first, last))


def tiles_of(
    ctx: EmulatorContext, collection_id: str, status: str | None = None, limit: int = MAX_TILES
) -> Iterator[TileRecord]:
    """The collection's tiles in registration order (only ``status`` ones if given)."""
    store = byoc_state(ctx).store
    after = None
    left = limit
    while left > 0:
        page = store.list_tiles(collection_id, after=after, count=min(left, 500), status=status)
        yield from page.items
        left -= len(page.items)
        if page.next_after is None:
            return
        after = page.next_after


def _tile_counts(ctx: EmulatorContext, table: str) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for row in _rows(
        ctx,
        f"SELECT request_id, status, count(*) AS n FROM {table} GROUP BY request_id, status",  # noqa: S608
    ):
        counts.setdefault(row["request_id"], {})[row["status"]] = int(row["n"])
    return counts


def _body(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _v1_output(body: Mapping[str, Any]) -> str:
    output = body.get("output") or {}
    if isinstance(output, Mapping) and output.get("defaultTilePath"):
        return str(output["defaultTilePath"])
    if body.get("bucketName"):
        return f"s3://{body['bucketName']}/<requestId>/<tileName>/<outputId>.tif"
    return "-"


def _v2_output(body: Mapping[str, Any]) -> str:
    output = body.get("output") or {}
    delivery = output.get("delivery") if isinstance(output, Mapping) else None
    s3 = delivery.get("s3") if isinstance(delivery, Mapping) else None
    if isinstance(s3, Mapping) and s3.get("url"):
        return str(s3["url"])
    return "-"


def _job(
    kind: str,
    row: sqlite3.Row,
    output: str,
    counts: Mapping[str, int],
    done_status: str,
) -> JobView:
    total = sum(counts.values()) or int(row["tile_count"] or 0)
    return JobView(
        kind=kind,
        id=row["id"],
        account_id=row["account_id"],
        created=row["created"],
        description=row["description"],
        status=row["status"],
        error=row["error"],
        output=output,
        total=total,
        done=counts.get(done_status, 0),
        failed=counts.get("FAILED", 0),
        counts=dict(counts),
    )


def jobs(ctx: EmulatorContext) -> dict[str, list[JobView]]:
    """The newest `MAX_JOBS` jobs of each kind: ``{"Batch v1": [...], ...}``."""
    v1_counts = _tile_counts(ctx, "batch_tiles")
    v2_counts = _tile_counts(ctx, "batch_v2_tiles")
    v1 = [
        _job(
            "Batch v1",
            row,
            _v1_output(_body(row["body"])),
            v1_counts.get(row["id"], {}),
            "PROCESSED",
        )
        for row in _rows(
            ctx,
            "SELECT id, account_id, created, description, status, error, tile_count, body "
            "FROM batch_requests ORDER BY seq DESC LIMIT ?",
            (MAX_JOBS,),
        )
    ]
    v2 = [
        _job("Batch v2", row, _v2_output(_body(row["body"])), v2_counts.get(row["id"], {}), "DONE")
        for row in _rows(
            ctx,
            "SELECT id, account_id, created, description, status, error, tile_count, body "
            "FROM batch_v2_requests ORDER BY seq DESC LIMIT ?",
            (MAX_JOBS,),
        )
    ]
    asynchronous = [
        JobView(
            kind="Async Process",
            id=row["id"],
            account_id=row["account_id"],
            created=row["created"],
            description=None,
            status=row["status"],
            error=row["error"],
            output=f"s3://{row['bucket']}/{row['template']}",
        )
        for row in _rows(
            ctx,
            "SELECT id, account_id, created, status, error, bucket, template "
            "FROM async_process_requests ORDER BY created DESC LIMIT ?",
            (MAX_JOBS,),
        )
    ]
    return {"Batch v1": v1, "Batch v2": v2, "Async Process": asynchronous}
