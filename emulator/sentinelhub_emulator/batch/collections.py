"""Batch collections as the Process engine reads collections: BYOC records.

A batch collection's tiles are the PROCESSED tiles of the requests that write into it. Each
becomes a `TileRecord` whose ``path`` is the request's output key with ``(BAND)`` where the output
id goes (band = output identifier), whose ``tileGeometry`` is the tile's raster footprint in its
own CRS, and whose sensing time is unset. `byoc_view` is what an input of type
``batch-<collectionId>`` needs: the engine reads it exactly as it reads ``byoc-<id>``.
"""

from __future__ import annotations

from typing import Any

from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.core.context import EmulatorSettings
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.process.formats import is_geotiff

from .parsing import expand_key, parse_stored
from .store import BatchStore

__all__ = ["byoc_view"]

BAND_PLACEHOLDER = "(BAND)"


def byoc_view(
    store: BatchStore, settings: EmulatorSettings, collection_id: str
) -> tuple[CollectionRecord, list[TileRecord]] | None:
    """The batch collection and its processed tiles as BYOC records (None: no such collection)."""
    collection = store.get_collection(collection_id)
    if collection is None:
        return None
    record = CollectionRecord(
        seq=collection.seq,
        id=collection.id,
        account_id=collection.account_id,
        name=collection.name,
        s3_bucket=collection.s3_bucket,
        created=collection.created,
        no_data=collection.no_data,
        bands={name: {**band, "source": name} for name, band in collection.bands.items()},
        summary={},
        requires_metadata_update=False,
    )
    tiles: list[TileRecord] = []
    for request in store.requests_using(collection_id):
        try:
            parsed = parse_stored(request.body, settings)
        except ApiError:
            continue  # its bucket folder went away
        tiffs = [o for o in parsed.outputs if is_geotiff(o.mime_type)]
        if not tiffs or any(o.bucket != collection.s3_bucket for o in tiffs):
            continue
        template = tiffs[0].key_template
        for tile in store.all_tiles(request.id):
            if tile.status != "PROCESSED":
                continue
            try:
                path = expand_key(
                    template,
                    {
                        "requestId": request.id,
                        "tileName": tile.name,
                        "tileId": str(tile.id),
                        "outputId": BAND_PLACEHOLDER,
                        "format": "tif",
                    },
                )
            except ValueError:
                continue
            west, south, east, north = (
                tile.west - parsed.buffer_x * parsed.resolution,
                tile.north - tile.height - parsed.buffer_y * parsed.resolution,
                tile.west + tile.width + parsed.buffer_x * parsed.resolution,
                tile.north + parsed.buffer_y * parsed.resolution,
            )
            footprint: dict[str, Any] = {
                "type": "Polygon",
                "coordinates": [
                    [[west, south], [east, south], [east, north], [west, north], [west, south]]
                ],
                "crs": {
                    "type": "name",
                    "properties": {"name": f"urn:ogc:def:crs:EPSG::{tile.epsg}"},
                },
            }
            tiles.append(
                TileRecord(
                    seq=tile.seq,
                    id=f"{request.id}:{tile.id}",
                    collection_id=collection.id,
                    path=path,
                    status="INGESTED",
                    generation=0,
                    created=request.created,
                    ingestion_start=None,
                    sensing_time=None,
                    requested_cover=None,
                    cover_geometry=None,
                    tile_geometry=footprint,
                    crs_epsg=tile.epsg,
                    min_mpp=parsed.resolution,
                    max_mpp=parsed.resolution,
                    failed_cause=None,
                    warnings=None,
                )
            )
    return record, tiles
