"""The BYOC clients (sync and async) against the emulator over HTTP: every operation and rule."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sentinelhub_client import (
    BadRequestError,
    ByocCollection,
    ByocCollectionBand,
    ByocTile,
    ConflictError,
    NotFoundError,
    TileStatus,
)
from sentinelhub_emulator import Emulator

from tests.integration.conftest import BANDS, BUCKET, write_scene
from tests.support.twin import Twin

pytestmark = [pytest.mark.anyio, pytest.mark.integration]


def _bands(bit_depth: int = 16) -> dict[str, ByocCollectionBand]:
    return {b: ByocCollectionBand(bit_depth=bit_depth, sample_format="UINT") for b in BANDS}


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_collection_lifecycle(byoc: Twin) -> None:
    name = _name("life")
    created = await byoc.call(
        "create_collection",
        ByocCollection(
            name=name,
            s3_bucket=BUCKET,
            additional_data={"bands": _bands()},  # type: ignore[arg-type]
        ),
    )
    assert uuid.UUID(created.collection_id)
    assert created.is_configured is True
    assert created["s3Bucket"] == BUCKET
    assert set(created.additional_data.bands) == set(BANDS)
    assert created.created is not None
    assert created.created.tzinfo is not None

    fetched = await byoc.call("get_collection", created.collection_id)
    assert fetched.name == name
    assert fetched.additional_data.bands["B02"].bit_depth == 16

    found = await byoc.collect(byoc.client.iter_collections(search=name))
    assert [c.collection_id for c in found] == [created.collection_id]
    either = await byoc.collect(byoc.client.iter_collections(search=f"{name}|no-such-word"))
    assert created.collection_id in {c.collection_id for c in either}
    both = await byoc.collect(byoc.client.iter_collections(search=f"{name}&no-such-word"))
    assert both == []

    fetched.name = name + "-renamed"
    fetched.no_data = 7
    assert await byoc.call("update_collection", fetched) is None
    renamed = await byoc.call("get_collection", fetched)
    assert (renamed.name, renamed.no_data) == (name + "-renamed", 7)

    # noData is dropped when an update leaves it out (the reference's rule).
    renamed.no_data = None
    await byoc.call("update_collection", renamed)
    assert (await byoc.call("get_collection", renamed)).no_data is None

    assert await byoc.call("delete_collection", renamed) is None
    with pytest.raises(NotFoundError) as caught:
        await byoc.call("get_collection", renamed.collection_id)
    assert caught.value.status == 404
    assert caught.value.code == "COMMON_NOT_FOUND"


async def test_tile_lifecycle_and_ingestion(byoc: Twin, emulator: Emulator) -> None:
    collection = await byoc.call(
        "create_collection",
        {"name": _name("tiles"), "s3Bucket": BUCKET, "additionalData": {"bands": _bands()}},
    )
    prefix = uuid.uuid4().hex[:8]
    path = f"{prefix}/a/scene_(BAND).tif"
    write_scene(emulator, path)
    sensing = dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)
    tile = await byoc.call("create_tile", collection, ByocTile(path=path, sensing_time=sensing))
    assert tile.status in (TileStatus.WAITING, TileStatus.QUEUED, TileStatus.INGESTING)
    assert tile.path == path

    [done] = await byoc.call("wait_for_tiles", collection, [tile], interval=0.05, timeout=30)
    assert done.status is TileStatus.INGESTED
    assert done.sensing_time == sensing
    assert done.tile_geometry["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32633"
    assert done["additionalData"]["minMetersPerPixel"] == pytest.approx(10.0)
    assert done.ingestion_start is not None
    assert done.cover_geometry["type"] in ("Polygon", "MultiPolygon")

    # Collection metadata follows the ingested tile.
    meta = (await byoc.call("get_collection", collection)).additional_data
    assert meta.has_sensing_times == "YES"
    assert meta.from_sensing_time == sensing
    assert meta.max_meters_per_pixel >= 500

    # Filters: by path (0 or 1 tile), by status, and sort.
    second_path = f"{prefix}/b/scene_(BAND).tif"
    write_scene(emulator, second_path)
    second = await byoc.call("create_tile", collection, {"path": second_path})
    by_path = await byoc.collect(byoc.client.iter_tiles(collection, path=path))
    assert [t.tile_id for t in by_path] == [tile.tile_id]
    assert await byoc.collect(byoc.client.iter_tiles(collection, path=f"{prefix}/none")) == []
    newest_first = await byoc.collect(byoc.client.iter_tiles(collection, sort="created:desc"))
    assert [t.path for t in newest_first] == [second_path, path]
    await byoc.call("wait_for_tiles", collection, [second], interval=0.05, timeout=30)
    ingested = await byoc.collect(byoc.client.iter_tiles(collection, status="INGESTED"))
    assert {t.path for t in ingested} == {path, second_path}
    assert await byoc.collect(byoc.client.iter_tiles(collection, status=TileStatus.FAILED)) == []

    # Update the sensing time and the cover geometry.
    later = dt.datetime(2024, 6, 1, 12, 30, tzinfo=dt.UTC)
    cover = {
        "type": "Polygon",
        "coordinates": [
            [
                [500_100.0, 5_000_100.0],
                [501_000.0, 5_000_100.0],
                [501_000.0, 5_001_000.0],
                [500_100.0, 5_000_100.0],
            ]
        ],
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
    }
    done.sensing_time = later
    done.cover_geometry = cover
    assert await byoc.call("update_tile", collection, done) is None
    # The emulator recomputes the tile's metadata after an update; wait for it to settle.
    [updated] = await byoc.call("wait_for_tiles", collection, [done], interval=0.05, timeout=30)
    assert updated.sensing_time == later
    xs = [p[0] for p in updated.cover_geometry["coordinates"][0]]
    assert min(xs) == pytest.approx(500_100.0, abs=0.01)
    assert max(xs) == pytest.approx(501_000.0, abs=0.01)

    # Reingest runs ingestion again.
    assert await byoc.call("reingest_tile", collection, updated) is None
    [again] = await byoc.call("wait_for_tiles", collection, [updated], interval=0.05, timeout=30)
    assert again.status is TileStatus.INGESTED

    # A second tile with the same path is a conflict.
    with pytest.raises(ConflictError):
        await byoc.call("create_tile", collection, {"path": path})

    assert await byoc.call("delete_tile", collection, again) is None
    with pytest.raises(NotFoundError):
        await byoc.call("get_tile", collection, again.tile_id)


async def test_copy_tiles_copies_only_ingested_new_paths(byoc: Twin, emulator: Emulator) -> None:
    source = await byoc.call(
        "create_collection",
        {"name": _name("src"), "s3Bucket": BUCKET, "additionalData": {"bands": _bands()}},
    )
    target = await byoc.call("create_collection", {"name": _name("dst"), "s3Bucket": BUCKET})
    prefix = uuid.uuid4().hex[:8]
    good, broken = f"{prefix}/good_(BAND).tif", f"{prefix}/missing_(BAND).tif"
    write_scene(emulator, good)
    tiles = [await byoc.call("create_tile", source, {"path": p}) for p in (good, broken)]
    final = await byoc.call("wait_for_tiles", source, tiles, interval=0.05, timeout=30)
    assert [t.status for t in final] == [TileStatus.INGESTED, TileStatus.FAILED]

    assert await byoc.call("copy_tiles", source, target) is None
    copied = await byoc.collect(byoc.client.iter_tiles(target))
    assert [t.path for t in copied] == [good]
    # The target had no bands: it takes the source's.
    assert set((await byoc.call("get_collection", target)).additional_data.bands) == set(BANDS)
    # Copying again adds nothing: the path is already there.
    await byoc.call("copy_tiles", source, target)
    assert len(await byoc.collect(byoc.client.iter_tiles(target))) == 1

    different = await byoc.call(
        "create_collection",
        {
            "name": _name("other"),
            "s3Bucket": BUCKET,
            "additionalData": {"bands": {"X": {"bitDepth": 8, "sampleFormat": "UINT"}}},
        },
    )
    with pytest.raises(BadRequestError):
        await byoc.call("copy_tiles", source, different)


async def _with_tile(byoc: Twin, emulator: Emulator) -> ByocCollection:
    collection = await byoc.call(
        "create_collection",
        {"name": _name("rules"), "s3Bucket": BUCKET, "additionalData": {"bands": _bands()}},
    )
    path = f"{uuid.uuid4().hex[:8]}/scene_(BAND).tif"
    write_scene(emulator, path)
    tile = await byoc.call("create_tile", collection, {"path": path})
    await byoc.call("wait_for_tiles", collection, [tile], interval=0.05, timeout=30)
    return await byoc.call("get_collection", collection)


def _band_dicts(collection: ByocCollection) -> dict[str, dict[str, object]]:
    return {name: dict(band) for name, band in collection.additional_data.bands.items()}


@pytest.mark.parametrize(
    "rule",
    ["bucket", "add_band", "bit_depth", "band_index", "sample_format", "remove_all"],
)
async def test_update_rules_once_tiles_exist(byoc: Twin, emulator: Emulator, rule: str) -> None:
    collection = await _with_tile(byoc, emulator)
    body = {"name": collection.name, "s3Bucket": collection.s3_bucket}
    bands = _band_dicts(collection)
    if rule == "bucket":
        body["s3Bucket"] = "another-bucket"
    elif rule == "add_band":
        bands["B08"] = {"bitDepth": 16, "sampleFormat": "UINT"}
    elif rule == "bit_depth":
        bands["B02"]["bitDepth"] = 8
    elif rule == "band_index":
        bands["B02"]["bandIndex"] = 2
    elif rule == "sample_format":
        bands["B02"]["sampleFormat"] = "INT"
    elif rule == "remove_all":
        bands = {}
    body["additionalData"] = {"bands": bands}
    with pytest.raises((BadRequestError, ConflictError)) as caught:
        await byoc.call("update_collection", {**body, "id": collection.collection_id})
    assert caught.value.message
    # Nothing changed.
    after = await byoc.call("get_collection", collection)
    assert after.s3_bucket == BUCKET
    assert _band_dicts(after) == _band_dicts(collection)


async def test_allowed_updates_once_tiles_exist(byoc: Twin, emulator: Emulator) -> None:
    collection = await _with_tile(byoc, emulator)
    bands = _band_dicts(collection)
    bands["blue"] = bands.pop("B02")  # renaming is allowed
    bands["B03"]["noData"] = 0  # so is a per-band noData
    del bands["B04"]  # and removing a band
    await byoc.call(
        "update_collection",
        {
            "id": collection.collection_id,
            "name": collection.name,
            "s3Bucket": BUCKET,
            "additionalData": {"bands": bands},
        },
    )
    after = await byoc.call("get_collection", collection)
    assert set(after.additional_data.bands) == {"blue", "B03"}
    assert after.additional_data.bands["B03"].no_data == 0


async def test_empty_collection_may_change_bucket_and_drop_bands(byoc: Twin) -> None:
    collection = await byoc.call(
        "create_collection",
        {"name": _name("empty"), "s3Bucket": BUCKET, "additionalData": {"bands": _bands()}},
    )
    await byoc.call(
        "update_collection",
        {
            "id": collection.collection_id,
            "name": collection.name,
            "s3Bucket": "elsewhere",
            "additionalData": {"bands": {}},
        },
    )
    after = await byoc.call("get_collection", collection)
    assert after.s3_bucket == "elsewhere"
    assert not after.additional_data.bands
    assert after.is_configured is False


async def test_bad_input_is_refused_before_sending(byoc: Twin) -> None:
    with pytest.raises(ValueError, match="collection"):
        await byoc.call("get_collection", "not-a-uuid")
    with pytest.raises(ValueError, match="path"):
        await byoc.call("create_tile", str(uuid.uuid4()), {"path": "/leading/slash"})
    with pytest.raises(ValueError, match="count"):
        byoc.client.iter_tiles(str(uuid.uuid4()), count=101)


async def test_server_side_validation_names_the_parameter(byoc: Twin) -> None:
    with pytest.raises(BadRequestError) as caught:
        await byoc.call(
            "create_collection",
            {
                "name": _name("bad"),
                "s3Bucket": BUCKET,
                # Well typed (the client checks types before sending), refused by the service.
                "additionalData": {"bands": {"B1": {"bitDepth": 12}}},
            },
        )
    error = caught.value
    assert error.code == "COMMON_BAD_PAYLOAD"
    assert any("bitDepth" in (v.parameter or "") for v in error.errors)
    assert "bitDepth" in str(error)
