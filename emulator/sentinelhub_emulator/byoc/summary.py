"""A collection's derived metadata (``additionalData`` minus the bands), from its ingested tiles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sentinelhub_emulator.byoc.ingest import collection_max_meters_per_pixel
from sentinelhub_emulator.core.times import format_timestamp, parse_timestamp

__all__ = ["TileAggregates", "collection_summary"]


@dataclass(frozen=True)
class TileAggregates:
    """What the database knows about a collection's INGESTED tiles, in one row."""

    tiles: int
    sensed_tiles: int
    first_sensing: str | None
    last_sensing: str | None
    west: float | None
    south: float | None
    east: float | None
    north: float | None


def _bbox_polygon(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def collection_summary(
    aggregates: TileAggregates, per_tile_max_mpp: Sequence[float]
) -> dict[str, Any]:
    """``maxMetersPerPixel``, ``extent``, ``hasSensingTimes`` and the sensing-time range.

    ``per_tile_max_mpp`` is the tiles' ``max_mpp`` values, or any sequence with the same median,
    smallest and largest value (the store passes the smallest, the middle one or two, and the
    largest, read by SQL). Empty when no tile is ingested: the service reports no metadata for
    such a collection.
    """
    if aggregates.tiles == 0:
        return {}
    summary: dict[str, Any] = {}
    if per_tile_max_mpp:
        summary["maxMetersPerPixel"] = collection_max_meters_per_pixel(per_tile_max_mpp)
    west, south, east, north = aggregates.west, aggregates.south, aggregates.east, aggregates.north
    if west is not None and south is not None and east is not None and north is not None:
        summary["extent"] = _bbox_polygon(west, south, east, north)
    if aggregates.sensed_tiles == 0:
        summary["hasSensingTimes"] = "NO"
    elif aggregates.sensed_tiles == aggregates.tiles:
        summary["hasSensingTimes"] = "YES"
    else:
        summary["hasSensingTimes"] = "PARTIALLY"
    if aggregates.first_sensing is not None and aggregates.last_sensing is not None:
        summary["fromSensingTime"] = format_timestamp(parse_timestamp(aggregates.first_sensing))
        summary["toSensingTime"] = format_timestamp(parse_timestamp(aggregates.last_sensing))
    return summary
