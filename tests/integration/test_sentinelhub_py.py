"""sentinelhub-py's own BYOC client runs a whole workflow against the emulator, unchanged.

Users come from sentinelhub-py: its dataclasses send ``null`` for every unset field and send back
read-only fields (``id``, ``accountId``, ``created``, computed ``additionalData``), as the service
accepts. Its OAuth session (requests-oauthlib) refuses plain http unless
``OAUTHLIB_INSECURE_TRANSPORT=1``, which is set here as a user would against a local emulator.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from sentinelhub import (
    CRS,
    ByocCollection,
    ByocCollectionAdditionalData,
    ByocCollectionBand,
    ByocTile,
    Geometry,
    SentinelHubBYOC,
    SHConfig,
)
from sentinelhub.exceptions import DownloadFailedException
from sentinelhub_emulator import Emulator
from shapely.geometry import box

from .conftest import BANDS, BUCKET, write_scene

pytestmark = pytest.mark.integration


@pytest.fixture
def shpy(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> SentinelHubBYOC:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    config = SHConfig(
        sh_client_id=emulator.client_id,
        sh_client_secret=emulator.client_secret,
        sh_base_url=emulator.base_url,
        sh_token_url=emulator.token_url,
        max_download_attempts=1,
    )
    return SentinelHubBYOC(config=config)


def _bands() -> ByocCollectionAdditionalData:
    return ByocCollectionAdditionalData(
        bands={
            name: ByocCollectionBand(source=name, band_index=1, bit_depth=16, sample_format="UINT")
            for name in BANDS
        }
    )


def _status(shpy: SentinelHubBYOC, collection: Any, tile: Any) -> str:
    status = shpy.get_tile(collection, tile)["status"]
    assert isinstance(status, str)
    return status


def test_bare_collection_with_nulls(shpy: SentinelHubBYOC) -> None:
    """``ByocCollection(name, s3_bucket)`` sends ``additionalData``, ``id``, ``noData``... as
    null, and bands as ``{"source": null, "bandIndex": null, "noData": null, ...}``."""
    created = shpy.create_collection(ByocCollection(name="bare", s3_bucket=BUCKET))
    assert created["name"] == "bare"
    assert created["additionalData"]["bands"] == {}
    assert "noData" not in created
    with_null_band = ByocCollection(
        name="null band",
        s3_bucket=BUCKET,
        additional_data=ByocCollectionAdditionalData(bands={"B1": ByocCollectionBand()}),
    )
    assert with_null_band.to_dict()["additionalData"]["bands"]["B1"]["source"] is None
    stored = shpy.create_collection(with_null_band)
    assert stored["additionalData"]["bands"] == {
        "B1": {"source": "B1", "bandIndex": 1, "bitDepth": 8, "sampleFormat": "UINT"}
    }


def test_whole_workflow(shpy: SentinelHubBYOC, emulator: Emulator) -> None:
    for day in range(1, 6):
        write_scene(emulator, f"shpy/2024-05-0{day}/(BAND).tif")

    # Collections with bands; the search filter; reading one back into the dataclass.
    collection = ByocCollection.from_dict(
        shpy.create_collection(
            ByocCollection(name="sentinelhub-py fields", s3_bucket=BUCKET, additional_data=_bands())
        )
    )
    assert collection.collection_id is not None
    assert collection.additional_data is not None
    assert collection.additional_data.bands is not None
    assert set(collection.additional_data.bands) == set(BANDS)
    found = list(shpy.iter_collections(search="sentinelhub-py&fields"))
    assert [c["id"] for c in found] == [collection.collection_id]

    # Tiles with sensing times and a cover geometry; ingestion.
    tiles = []
    for day in range(1, 6):
        tile = ByocTile(
            path=f"shpy/2024-05-0{day}/(BAND).tif",
            sensing_time=datetime(2024, 5, day, 10, 30, tzinfo=UTC),
        )
        if day == 1:
            tile = dataclasses.replace(
                tile,
                cover_geometry=Geometry(
                    box(500_100.0, 5_000_100.0, 502_000.0, 5_002_000.0), CRS.UTM_33N
                ),
            )
        tiles.append(ByocTile.from_dict(shpy.create_tile(collection, tile)))
    emulator.wait_for_ingestion()
    assert {_status(shpy, collection, tile) for tile in tiles} == {"INGESTED"}
    first = ByocTile.from_dict(shpy.get_tile(collection, tiles[0]))
    assert first.sensing_time == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert first.cover_geometry is not None
    assert first.cover_geometry.crs == CRS.UTM_33N
    assert first.cover_geometry.geometry.bounds == pytest.approx(
        (500_100.0, 5_000_100.0, 502_000.0, 5_002_000.0)
    )

    # Paging (count=2 over five tiles), sorting and the path and status filters.
    listed = list(shpy.iter_tiles(collection, count=2))
    assert [t["id"] for t in listed] == [t.tile_id for t in tiles]
    newest_first = list(shpy.iter_tiles(collection, sort="created:desc", count=2))
    assert [t["id"] for t in newest_first] == [t.tile_id for t in reversed(tiles)]
    by_path = list(shpy.iter_tiles(collection, path=tiles[2].path))
    assert [t["id"] for t in by_path] == [tiles[2].tile_id]
    assert len(list(shpy.iter_tiles(collection, status="INGESTED"))) == 5
    assert list(shpy.iter_tiles(collection, status="FAILED")) == []

    # Updates: the whole dataclass goes back, read-only fields and computed data included.
    current = ByocCollection.from_dict(shpy.get_collection(collection))
    shpy.update_collection(dataclasses.replace(current, name="renamed"))
    renamed = shpy.get_collection(collection)
    assert renamed["name"] == "renamed"
    assert set(renamed["additionalData"]["bands"]) == set(BANDS)
    tile = ByocTile.from_dict(shpy.get_tile(collection, tiles[1]))
    later = datetime(2024, 6, 1, 0, 0, tzinfo=UTC)
    shpy.update_tile(collection, dataclasses.replace(tile, sensing_time=later))
    updated = ByocTile.from_dict(shpy.get_tile(collection, tiles[1]))
    assert updated.sensing_time == later
    assert updated.status == "INGESTED"

    # Copy into an empty collection.
    target = ByocCollection.from_dict(
        shpy.create_collection(ByocCollection(name="copy target", s3_bucket=BUCKET))
    )
    shpy.copy_tiles(collection, target)
    copied = list(shpy.iter_tiles(target))
    assert sorted(t["path"] for t in copied) == sorted(t.path for t in tiles)
    assert {t["status"] for t in copied} == {"INGESTED"}

    # Re-ingest, then delete a tile and both collections.
    shpy.reingest_tile(collection, tiles[3])
    emulator.wait_for_ingestion()
    assert _status(shpy, collection, tiles[3]) == "INGESTED"
    shpy.delete_tile(collection, tiles[4])
    assert [t["id"] for t in shpy.iter_tiles(collection)] == [t.tile_id for t in tiles[:4]]
    shpy.delete_collection(target)
    shpy.delete_collection(collection)
    with pytest.raises(DownloadFailedException, match="404"):
        shpy.get_collection(collection)


def test_refused_where_the_service_refuses(shpy: SentinelHubBYOC) -> None:
    """Still strict: a tile path with a leading '/' and a collection without a name are 400s."""
    collection = shpy.create_collection(ByocCollection(name="strict", s3_bucket=BUCKET))
    with pytest.raises(DownloadFailedException, match="400"):
        shpy.create_tile(collection, ByocTile(path="/absolute/(BAND).tif"))
    with pytest.raises(DownloadFailedException, match="400"):
        shpy.create_collection({"name": None, "s3Bucket": BUCKET})
