"""Models edited the way sentinelhub-py users do, nulls read as absent, snake_case keys refused,
and reads by wire key served from the stored wire data."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from typing import Any

import pytest
from sentinelhub_client import (
    ByocCollection,
    ByocCollectionAdditionalData,
    ByocCollectionBand,
    ByocTile,
    SentinelHubValidationError,
    TileStatus,
)

from .conftest import COLLECTION_ID, TILE_ID, load

POLYGON = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}


def test_item_assignment_by_wire_key_converts_through_the_table() -> None:
    tile = ByocTile.from_dict(load("tile.json"))
    tile["sensingTime"] = "2024-05-01T10:00:00+02:00"
    assert tile.sensing_time == dt.datetime(2024, 5, 1, 8, tzinfo=dt.UTC)
    assert tile["sensingTime"] == "2024-05-01T10:00:00+02:00"
    tile["sensingTime"] = dt.datetime(2024, 5, 2)  # naive: UTC
    assert tile.to_dict()["sensingTime"] == "2024-05-02T00:00:00+00:00"
    tile["status"] = "FAILED"
    assert tile.status is TileStatus.FAILED
    tile["coverGeometry"] = POLYGON
    assert tile.cover_geometry == POLYGON


def test_attribute_assignment_shows_in_the_wire_json() -> None:
    collection = ByocCollection.from_dict(load("collection.json"))
    collection.name = "renamed"
    collection.no_data = 255
    collection.created = None
    wire = collection.to_dict()
    assert (wire["name"], wire["noData"]) == ("renamed", 255)
    assert "created" not in wire
    assert collection["name"] == "renamed"


def test_a_bad_assignment_is_refused_naming_the_field() -> None:
    tile = ByocTile("a/b.tif")
    with pytest.raises(SentinelHubValidationError, match="sensing_time"):
        tile["sensingTime"] = "yesterday"
    with pytest.raises(SentinelHubValidationError, match="tile_id"):
        tile.tile_id = "not-a-uuid"
    with pytest.raises(SentinelHubValidationError, match="no_data"):
        ByocCollection("n", "b").no_data = math.nan
    with pytest.raises(AttributeError, match="did you mean 'sensing_time'"):
        tile.sensingTime = dt.datetime(2024, 1, 1)  # type: ignore[attr-defined]
    assert tile.to_dict() == {"path": "a/b.tif"}


@pytest.mark.parametrize(
    ("model", "wire", "snake", "suggestion"),
    [
        (
            ByocTile,
            {"path": "a", "sensing_time": "2024-01-01T00:00:00Z"},
            "sensing_time",
            "sensingTime",
        ),
        (ByocCollection, {"name": "n", "s3Bucket": "b", "s3_bucket": "b"}, "s3_bucket", "s3Bucket"),
        (ByocCollection, {"name": "n", "s3Bucket": "b", "no_data": 0}, "no_data", "noData"),
        (ByocCollectionBand, {"band_index": 2}, "band_index", "bandIndex"),
        (ByocTile, {"path": "a", "tile_id": TILE_ID}, "tile_id", "id"),
    ],
)
def test_snake_case_keys_are_refused_with_the_wire_key(
    model: type[Any], wire: dict[str, Any], snake: str, suggestion: str
) -> None:
    with pytest.raises(SentinelHubValidationError, match=f"did you mean '{suggestion}'") as caught:
        model.from_dict(wire)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == snake
    instance = model.from_dict({k: v for k, v in wire.items() if k != snake})
    with pytest.raises(SentinelHubValidationError, match=f"did you mean '{suggestion}'"):
        instance[snake] = wire[snake]


def test_nested_snake_case_keys_are_refused_too() -> None:
    with pytest.raises(SentinelHubValidationError, match="did you mean 'bitDepth'"):
        ByocCollection.from_dict(
            {"name": "n", "s3Bucket": "b", "additionalData": {"bands": {"B1": {"bit_depth": 8}}}}
        )


def test_nulls_from_sentinelhub_py_to_dict_mean_absent() -> None:
    # What sentinelhub-py's ByocTile("a").to_dict() and ByocCollection("n", "b").to_dict() give.
    tile = ByocTile.from_dict(
        {
            "path": "a",
            "status": None,
            "id": None,
            "tileGeometry": None,
            "coverGeometry": None,
            "created": None,
            "sensingTime": None,
            "ingestionStart": None,
            "additionalData": None,
        }
    )
    assert (tile.tile_id, tile.status, tile.sensing_time, tile.additional_data) == (None,) * 4
    assert tile.validate() is tile
    collection = ByocCollection.from_dict(
        {
            "name": "n",
            "s3Bucket": "b",
            "additionalData": None,
            "id": None,
            "userId": None,
            "created": None,
            "noData": None,
        }
    )
    assert collection.collection_id is None
    assert collection.additional_data is None
    with pytest.raises(SentinelHubValidationError, match="'path' is missing"):
        ByocTile.from_dict({"path": None})


def test_reading_by_wire_key_does_not_convert_the_other_fields() -> None:
    wire = {"path": "p", "sensingTime": "not a time", "coverGeometry": POLYGON, "status": "NEW"}
    tile = ByocTile.from_dict(wire)
    assert tile["path"] == "p"
    assert tile["sensingTime"] == "not a time"  # read as stored: nothing was parsed
    assert tile["coverGeometry"] is tile.cover_geometry
    with pytest.raises(SentinelHubValidationError, match="sensing_time"):
        _ = tile.sensing_time  # converted on first use, and only then checked


def test_geometries_from_the_wire_are_the_parsed_dicts_not_copies() -> None:
    body = json.loads(json.dumps(load("tile.json")))
    tile = ByocTile._from_wire(body)
    assert tile.tile_geometry is body["tileGeometry"]
    assert tile.cover_geometry is body["coverGeometry"]
    assert tile.additional_data is body["additionalData"]


def test_from_dict_does_not_share_the_callers_dicts() -> None:
    wire = load("tile.json")
    tile = ByocTile.from_dict(wire)
    assert tile.cover_geometry is not None
    tile.cover_geometry["type"] = "Polygon"
    assert wire["coverGeometry"]["type"] == "MultiPolygon"
    out = tile.to_dict()
    out["additionalData"]["x"] = 1
    assert tile.additional_data is not None
    assert "x" not in tile.additional_data


def test_nested_models_edit_in_place() -> None:
    collection = ByocCollection.from_dict(load("collection.json"))
    data = collection.additional_data
    assert data is not None
    assert data.bands is not None
    data.bands["B03"] = ByocCollectionBand(source="B03", bit_depth=16)
    data.bands["B02"].no_data = 0
    wire = collection.to_dict()
    assert wire["additionalData"]["bands"]["B03"]["bitDepth"] == 16
    assert wire["additionalData"]["bands"]["B02"]["noData"] == 0
    assert collection["additionalData"]["bands"]["B03"]["source"] == "B03"


def test_unknown_members_are_editable_both_ways() -> None:
    tile = ByocTile.from_dict({"path": "p", "checksum": "a"})
    tile["checksum"] = "b"
    assert tile.other_data == {"checksum": "b"}
    tile.other_data["note"] = 1
    assert tile.to_dict() == {"path": "p", "checksum": "b", "note": 1}
    assert tile["note"] == 1
    del tile["checksum"]
    assert dict(tile) == {"path": "p", "note": 1}


def test_constructor_keeps_sentinelhub_py_positional_order_and_defaults() -> None:
    tile = ByocTile("p", "WAITING", TILE_ID)  # type: ignore[arg-type]
    assert (tile.path, tile.status, tile.tile_id) == ("p", TileStatus.WAITING, TILE_ID)
    collection = ByocCollection("n", "b", None, COLLECTION_ID)
    assert collection.collection_id == COLLECTION_ID
    assert ByocCollectionAdditionalData().to_dict() == {}
    with pytest.raises(TypeError, match="sensing_time"):
        ByocTile("p", sensingTime="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="missing required argument 's3_bucket'"):
        ByocCollection("n")  # type: ignore[call-arg]


def test_copies_are_independent_and_equal() -> None:
    tile = ByocTile.from_dict(load("tile.json"))
    for twin in (copy.copy(tile), copy.deepcopy(tile)):
        assert twin == tile
        twin.path = "other"
        assert tile.path == "maps/si_(BAND).tiff"


def test_repr_shows_the_set_fields() -> None:
    assert repr(ByocTile("p", status=TileStatus.WAITING)) == (
        "ByocTile(path='p', status=<TileStatus.WAITING: 'WAITING'>)"
    )


def test_dicts_holding_models_are_converted() -> None:
    band = ByocCollectionBand(source="B02", bit_depth=16)
    collection = ByocCollection("n", "b", additional_data={"bands": {"B02": band}})  # type: ignore[arg-type]
    assert collection.to_dict()["additionalData"] == {
        "bands": {"B02": {"source": "B02", "bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"}}
    }
    assert collection.additional_data is not None
    assert collection.additional_data.bands == {"B02": band}
