"""Models: round trips through the generated models, unknown fields and enum values kept,
timezone-aware datetimes, the mapping view of the wire JSON, and bad input."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sentinelhub_client import (
    ByocCollection,
    ByocCollectionAdditionalData,
    ByocCollectionBand,
    ByocTile,
    SentinelHubValidationError,
    TileStatus,
)

from .conftest import COLLECTION_ID, TILE_ID, load


def normalised(data: Any) -> Any:
    """JSON with every ISO date-time replaced by the instant it names (``Z`` == ``+00:00``)."""
    if isinstance(data, dict):
        return {key: normalised(value) for key, value in data.items()}
    if isinstance(data, list):
        return [normalised(value) for value in data]
    if isinstance(data, str) and len(data) >= 20 and data[4] == "-" and "T" in data:
        return dt.datetime.fromisoformat(data)
    return data


@pytest.mark.parametrize(
    ("model", "fixture"), [(ByocTile, "tile.json"), (ByocCollection, "collection.json")]
)
def test_round_trip_keeps_everything(model: type[Any], fixture: str) -> None:
    wire = load(fixture)
    parsed = model.from_dict(wire)
    assert normalised(parsed.to_dict()) == normalised(wire)
    assert model.from_json(parsed.to_json()) == parsed


def test_unknown_fields_are_kept_flat_at_every_level() -> None:
    collection = ByocCollection.from_dict(load("collection.json"))
    assert collection.other_data == {"location": {"id": "aws-eu-central-1"}}
    assert collection.additional_data is not None
    assert collection.additional_data.other_data == {"storageClass": "STANDARD"}
    assert collection.additional_data.bands is not None
    assert collection.additional_data.bands["B02"].other_data == {"futureBandFlag": True}
    wire = collection.to_dict()
    assert wire["location"] == {"id": "aws-eu-central-1"}
    assert "otherData" not in wire
    assert wire["additionalData"]["bands"]["B02"]["futureBandFlag"] is True


def test_a_band_without_sample_format_stays_without_it() -> None:
    band = ByocCollection.from_dict(load("collection.json")).additional_data.bands["lulc"]  # type: ignore[union-attr,index]
    assert band.sample_format is None
    assert band.to_dict() == {"bitDepth": 8, "source": "lulc_reference", "bandIndex": 1}


def test_band_defaults_match_sentinelhub_py() -> None:
    band = ByocCollectionBand()
    assert (band.band_index, band.bit_depth, band.sample_format) == (1, 8, "UINT")
    assert band.to_dict() == {"bandIndex": 1, "bitDepth": 8, "sampleFormat": "UINT"}


def test_unknown_tile_status_survives() -> None:
    tile = ByocTile.from_dict({"path": "p", "status": "PAUSED"})
    assert tile.status == "PAUSED"
    assert isinstance(tile.status, TileStatus)
    assert tile.status is not None
    assert not tile.status.is_known
    assert not tile.status.is_final
    assert tile.to_dict()["status"] == "PAUSED"
    assert TileStatus("PAUSED") is TileStatus("PAUSED")
    assert "PAUSED" not in [s.value for s in TileStatus]
    assert TileStatus("INGESTED").is_final
    assert TileStatus.FAILED.is_known


def test_unknown_enum_values_of_collections_survive() -> None:
    wire = {
        "name": "n",
        "s3Bucket": "b",
        "additionalData": {
            "hasSensingTimes": "SOMETIMES",
            "bands": {"x": {"sampleFormat": "COMPLEX", "bitDepth": 64}},
        },
    }
    assert ByocCollection.from_dict(wire).to_dict() == wire


def test_datetimes_are_timezone_aware() -> None:
    tile = ByocTile.from_dict(load("tile.json"))
    assert tile.created == dt.datetime(2020, 6, 22, 12, 33, 36, 81000, tzinfo=dt.UTC)
    assert tile.ingestion_start is not None
    assert tile.ingestion_start.tzinfo is not None
    naive = ByocTile("p", sensing_time=dt.datetime(2020, 1, 1, 12))
    assert naive.sensing_time == dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)
    offset = ByocTile("p", sensing_time="2020-01-01T12:00:00+02:00")  # type: ignore[arg-type]
    assert offset.sensing_time == dt.datetime(2020, 1, 1, 10, tzinfo=dt.UTC)
    assert offset.to_dict()["sensingTime"] == "2020-01-01T12:00:00+02:00"


def test_models_read_as_the_wire_json() -> None:
    tile = ByocTile.from_dict(load("tile.json"))
    assert tile["path"] == "maps/si_(BAND).tiff"
    assert tile["id"] == TILE_ID
    assert tile["status"] == "INGESTED"
    assert tile["additionalData"]["maxMetersPerPixel"] == 160.0
    assert "status" in tile
    assert "tile_id" not in tile
    assert tile.get("nope", 1) == 1
    assert dict(tile) == tile.to_dict()
    with pytest.raises(KeyError):
        tile["nope"]
    collection = ByocCollection.from_dict(load("collection.json"))
    assert collection["additionalData"]["bands"]["lulc"]["source"] == "lulc_reference"
    assert collection["id"] == COLLECTION_ID


def test_from_dict_accepts_a_model() -> None:
    tile = ByocTile.from_dict(load("tile.json"))
    copy = ByocTile.from_dict(tile)
    assert copy == tile
    assert copy is not tile


def test_nested_dicts_are_converted() -> None:
    collection = ByocCollection(
        "n",
        "b",
        additional_data={"bands": {"B1": {"bitDepth": 16}}},  # type: ignore[arg-type]
    )
    assert isinstance(collection.additional_data, ByocCollectionAdditionalData)
    assert collection.additional_data.bands is not None
    assert collection.additional_data.bands["B1"].bit_depth == 16


def test_geo_interface_objects_are_accepted() -> None:
    class Shape:
        __geo_interface__ = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1], [0, 0]]]}

    tile = ByocTile("p", cover_geometry=Shape())  # type: ignore[arg-type]
    assert tile.to_dict()["coverGeometry"]["type"] == "Polygon"


def test_the_failure_cause_is_at_hand() -> None:
    tile = ByocTile.from_dict(
        {"path": "p", "status": "FAILED", "additionalData": {"failedIngestionCause": "bad COG"}}
    )
    assert tile.failed_ingestion_cause == "bad COG"
    assert ByocTile("p").failed_ingestion_cause is None


def test_data_type_names_the_collection_for_processing() -> None:
    assert (
        ByocCollection("n", "b", collection_id=COLLECTION_ID).data_type == f"byoc-{COLLECTION_ID}"
    )
    with pytest.raises(SentinelHubValidationError, match="collection_id"):
        _ = ByocCollection("n", "b").data_type


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: ByocTile.from_dict({"status": "WAITING"}), "path"),
        (lambda: ByocCollection.from_dict({"name": "n"}), "s3Bucket"),
        (lambda: ByocTile("p", sensing_time="yesterday"), "sensing_time"),  # type: ignore[arg-type]
        (
            lambda: ByocTile("p", cover_geometry={"type": "Point", "coordinates": [0, 0]}),
            "cover_geometry",
        ),
        (lambda: ByocTile("p", tile_id=5), "tile_id"),  # type: ignore[arg-type]
        (lambda: ByocCollection("n", "b", collection_id="x").to_dict(), "collection_id"),
        (lambda: ByocTile.from_json("{not json"), None),
    ],
)
def test_bad_input_is_a_validation_error_naming_the_field(call: Any, field: str | None) -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    if field is not None:
        assert field in str(caught.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**31), 2**31) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
known_tile_keys = {
    "id",
    "path",
    "status",
    "tileGeometry",
    "coverGeometry",
    "sensingTime",
    "created",
    "ingestionStart",
    "additionalData",
}


@given(
    extra=st.dictionaries(
        st.text(min_size=1, max_size=10).filter(
            lambda k: k not in known_tile_keys and k not in ByocTile._snake_keys
        ),
        json_values,
        max_size=4,
    ),
    status=st.text(min_size=1, max_size=12),
    path=st.text(max_size=20),
)
def test_any_extra_members_and_status_round_trip(
    extra: dict[str, Any], status: str, path: str
) -> None:
    wire = {"path": path, "status": status, **extra}
    tile = ByocTile.from_dict(wire)
    assert tile.to_dict() == wire
    assert json.loads(tile.to_json()) == wire
