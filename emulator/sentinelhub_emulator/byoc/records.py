"""BYOC's records (collections, tiles) and their wire form.

Records are frozen dataclasses built by `store` from database rows; ``to_wire`` gives the JSON
object the service answers with, so the HTTP layer never touches rows and the database never
sees wire names.
"""

from __future__ import annotations

from dataclasses import dataclass

from sentinelhub_emulator.core.pagination import JsonObject, Page, WireRecord
from sentinelhub_emulator.core.times import wire_time

__all__ = [
    "TILE_STATUSES",
    "CollectionRecord",
    "IngestionOutcome",
    "JsonObject",
    "Page",
    "TileRecord",
    "WireRecord",
]

TILE_STATUSES = ("WAITING", "QUEUED", "INGESTING", "INGESTED", "FAILED")


@dataclass(frozen=True)
class CollectionRecord:
    """A BYOC collection as stored."""

    seq: int
    id: str
    account_id: str
    name: str
    s3_bucket: str
    created: str
    no_data: int | float | None
    bands: dict[str, JsonObject]
    summary: JsonObject
    requires_metadata_update: bool

    def to_wire(self) -> JsonObject:
        data: JsonObject = {
            "id": self.id,
            "accountId": self.account_id,
            "name": self.name,
            "s3Bucket": self.s3_bucket,
            "isConfigured": bool(self.bands),
            "created": wire_time(self.created),
            "requiresMetadataUpdate": self.requires_metadata_update,
            "additionalData": {"bands": self.bands, **self.summary},
        }
        if self.no_data is not None:
            data["noData"] = self.no_data
        return data


@dataclass(frozen=True)
class TileRecord:
    """A BYOC tile as stored."""

    seq: int
    id: str
    collection_id: str
    path: str
    status: str
    generation: int
    created: str
    ingestion_start: str | None
    sensing_time: str | None
    requested_cover: JsonObject | None
    cover_geometry: JsonObject | None
    tile_geometry: JsonObject | None
    crs_epsg: int | None
    min_mpp: float | None
    max_mpp: float | None
    failed_cause: str | None
    warnings: str | None

    def to_wire(self) -> JsonObject:
        additional: JsonObject = {}
        if self.failed_cause is not None:
            additional["failedIngestionCause"] = self.failed_cause
        if self.warnings is not None:
            additional["warnings"] = self.warnings
        if self.min_mpp is not None:
            additional["minMetersPerPixel"] = self.min_mpp
        if self.max_mpp is not None:
            additional["maxMetersPerPixel"] = self.max_mpp
        data: JsonObject = {
            "id": self.id,
            "path": self.path,
            "status": self.status,
            "created": wire_time(self.created),
            "sensingTime": wire_time(self.sensing_time),
            "additionalData": additional,
        }
        if self.ingestion_start is not None:
            data["ingestionStart"] = wire_time(self.ingestion_start)
        cover = self.cover_geometry if self.cover_geometry is not None else self.requested_cover
        if cover is not None:
            data["coverGeometry"] = cover
        if self.tile_geometry is not None:
            data["tileGeometry"] = self.tile_geometry
        return data


@dataclass(frozen=True)
class IngestionOutcome:
    """What a successful ingestion stores on its tile."""

    tile_geometry: JsonObject
    cover_geometry: JsonObject
    crs_epsg: int
    wgs84_bbox: tuple[float, float, float, float]
    min_mpp: float
    max_mpp: float
    warnings: str | None = None
