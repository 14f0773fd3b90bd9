"""The batch models: parsing (unknown members and unknown enum values kept), writing back, reading
by wire key, the properties of a request, and each model's table checked against the spec."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import respx
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.batch import (
    BatchCollection,
    BatchCollectionAdditionalData,
    BatchCollectionBatchData,
    BatchFailedError,
    BatchRequest,
    BatchRequestStatus,
    BatchTile,
    BatchTileStatus,
    BatchUserAction,
    TilingGrid,
)

from tests.support.spec import spec

from .conftest import PROCESS, PROCESS_PAYLOAD, REQUEST_ID, Twin, request_json

FULL_REQUEST: dict[str, Any] = {
    "id": REQUEST_ID,
    "userId": "5a9c4a5e-0000-4000-8000-000000000001",
    "accountId": "5a9c4a5e-0000-4000-8000-000000000002",
    "created": "2019-08-24T14:15:22Z",
    "processRequest": PROCESS_PAYLOAD,
    "tilingGrid": {"id": 1, "resolution": 10.0, "bufferX": 3, "bufferY": 7},
    "tilingGridId": 1,
    "resolution": 10.0,
    "output": {"defaultTilePath": "s3://b/f", "overwrite": False, "collectionId": None},
    "description": "fields",
    "valueEstimate": 12.5,
    "tileCount": 42,
    "tileWidthPx": 1000,
    "tileHeightPx": 1000,
    "userAction": "START",
    "userActionUpdated": "2019-08-24T14:20:00.5+02:00",
    "status": "PROCESSING",
    "error": "",
    "futureMember": {"nested": [1, 2]},
}


def test_a_request_parses_every_member_once() -> None:
    request = BatchRequest.from_dict(FULL_REQUEST)
    assert request.request_id == REQUEST_ID
    assert request.process_request is FULL_REQUEST["processRequest"]  # kept, not copied
    assert request.tile_count == 42
    assert request.status is BatchRequestStatus.PROCESSING
    assert request.user_action is BatchUserAction.START
    assert request.created == dt.datetime(2019, 8, 24, 14, 15, 22, tzinfo=dt.UTC)
    assert request.user_action_updated is not None
    assert request.user_action_updated.utcoffset() == dt.timedelta(hours=2)
    assert request.tiling_grid == {"id": 1, "resolution": 10.0, "bufferX": 3, "bufferY": 7}
    assert request.value_estimate == 12.5
    assert request.tile_width_px == request.tile_height_px == 1000
    assert request.account_id == FULL_REQUEST["accountId"]
    assert request.error == ""
    # Unknown members and the deprecated top-level ones are kept as they came.
    assert request.other_data == {
        "tilingGridId": 1,
        "resolution": 10.0,
        "futureMember": {"nested": [1, 2]},
    }


def test_a_request_writes_back_what_it_read() -> None:
    request = BatchRequest.from_dict(FULL_REQUEST)
    written = request.to_dict()
    expected = dict(FULL_REQUEST, userActionUpdated="2019-08-24T14:20:00.500000+02:00")
    assert written == expected
    assert BatchRequest.from_dict(written) == request
    assert BatchRequest.from_json(request.to_json()) == request


def test_a_request_reads_as_its_wire_json() -> None:
    request = BatchRequest.from_dict(FULL_REQUEST)
    assert request["tileCount"] == 42
    assert request["status"] == "PROCESSING"
    assert request["created"] == "2019-08-24T14:15:22Z"
    assert request["futureMember"] == {"nested": [1, 2]}
    assert "bucketName" not in request
    assert request.get("bucketName") is None
    with pytest.raises(KeyError):
        request["bucketName"]
    assert set(request) == set(FULL_REQUEST)
    assert len(request) == len(FULL_REQUEST)
    assert dict(request) == request.to_dict()


def test_nulls_count_as_absent() -> None:
    request = BatchRequest.from_dict(request_json(bucketName=None, error=None, valueEstimate=None))
    assert request.bucket_name is None
    assert "bucketName" not in request.to_dict()


def test_unknown_enum_values_are_kept_not_refused() -> None:
    request = BatchRequest.from_dict(request_json("STOPPED", userAction="STOP"))
    assert request.status == "STOPPED"
    assert isinstance(request.status, BatchRequestStatus)
    assert request.status.is_known is False
    assert request.status is BatchRequestStatus("STOPPED")
    assert request.user_action is not None
    assert request.user_action.is_known is False
    assert request.to_dict()["status"] == "STOPPED"
    assert "STOPPED" not in [s.value for s in BatchRequestStatus]
    tile = BatchTile.from_dict({"id": 1, "status": "RETRYING"})
    assert tile.status == "RETRYING"
    assert tile.status is not None
    assert not tile.status.is_known
    assert BatchTileStatus.PROCESSED.is_known
    assert BatchTileStatus.PROCESSED.is_final


def test_the_final_request_statuses() -> None:
    final = {s.value for s in BatchRequestStatus if s.is_final}
    assert final == {"DONE", "PARTIAL", "FAILED", "CANCELED"}
    assert not BatchRequestStatus("SOMETHING_NEW").is_final


def test_evalscript_bbox_geometry_and_crs() -> None:
    request = BatchRequest.from_dict(request_json())
    assert request.evalscript == PROCESS_PAYLOAD["evalscript"]
    assert request.bbox == [500000.0, 4600000.0, 520000.0, 4620000.0]
    assert request.geometry is None
    assert request.crs == "http://www.opengis.net/def/crs/EPSG/0/32633"
    polygon = {"type": "Polygon", "coordinates": [[[14, 45], [15, 45], [15, 46], [14, 45]]]}
    with_geometry = copy.deepcopy(PROCESS_PAYLOAD)
    with_geometry["input"]["bounds"] = {"geometry": polygon}
    other = BatchRequest(REQUEST_ID, with_geometry)
    assert other.geometry == polygon
    assert other.bbox is None
    assert other.crs is None


@pytest.mark.parametrize(
    "process_request",
    [{}, {"input": None}, {"input": {"data": []}}, {"input": {"bounds": "weird"}}],
)
def test_the_properties_are_none_when_absent(process_request: dict[str, Any]) -> None:
    request = BatchRequest(REQUEST_ID, process_request)
    assert (request.evalscript, request.bbox, request.geometry, request.crs) == (None,) * 4


def test_raise_for_status() -> None:
    failed = BatchRequest.from_dict(request_json("FAILED", error="evalscript: syntax error"))
    with pytest.raises(BatchFailedError, match="syntax error") as caught:
        failed.raise_for_status()
    assert isinstance(caught.value, RuntimeError)
    assert caught.value.error == "evalscript: syntax error"
    failed.raise_for_status(("DONE", BatchRequestStatus.CANCELED))  # not one of those


def test_models_made_by_hand_are_checked_and_converted() -> None:
    request = BatchRequest(
        REQUEST_ID, {}, status="DONE", created=dt.datetime(2024, 1, 1), user_action="NONE"
    )
    assert request.status is BatchRequestStatus.DONE
    assert request.user_action is BatchUserAction.NONE
    assert request.created == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(SentinelHubValidationError, match=r"BatchRequest.tile_count") as caught:
        BatchRequest(REQUEST_ID, {}, tile_count="many")  # type: ignore[arg-type]
    assert caught.value.field == "tile_count"
    with pytest.raises(SentinelHubValidationError, match=r"BatchTile\.status"):
        BatchTile(status=3)  # type: ignore[arg-type]


def test_wrong_wire_values_name_the_member() -> None:
    with pytest.raises(SentinelHubValidationError, match=r"required member.*'processRequest'"):
        BatchRequest.from_dict({"id": REQUEST_ID})
    with pytest.raises(SentinelHubValidationError, match=r"BatchRequest\.created"):
        BatchRequest.from_dict(request_json(created="yesterday"))
    with pytest.raises(SentinelHubValidationError, match="expected a dict"):
        BatchRequest.from_dict([1, 2])  # type: ignore[arg-type]


def test_a_collection_with_its_nested_parts() -> None:
    data = {
        "id": "6f0b1e7a-2c4d-4e8f-9a1b-3c5d7e9f1a2b",
        "name": "fields",
        "s3Bucket": "b",
        "created": "2024-05-01T00:00:00Z",
        "noData": 0,
        "batchData": {"tilingGridId": 0, "newThing": True},
        "additionalData": {"bands": {"B04": {"bitDepth": 16}}, "extent": {"type": "Polygon"}},
        "isConfigured": True,
    }
    collection = BatchCollection.from_dict(data)
    assert collection.batch_data == BatchCollectionBatchData(0, {"newThing": True})
    assert collection.additional_data == BatchCollectionAdditionalData(
        {"B04": {"bitDepth": 16}}, {"extent": {"type": "Polygon"}}
    )
    assert collection.other_data == {"isConfigured": True}
    assert collection.to_dict() == data
    assert collection["batchData"] == {"tilingGridId": 0, "newThing": True}
    made = BatchCollection("n", "b", {"bands": {}}, batch_data={"tilingGridId": 3})
    assert made.additional_data == BatchCollectionAdditionalData(bands={})
    assert made.batch_data is not None
    assert made.batch_data.tiling_grid_id == 3
    with pytest.raises(SentinelHubValidationError, match="'s3Bucket'"):
        BatchCollection.from_dict({"name": "n"})


def test_a_tile_and_a_grid() -> None:
    tile = BatchTile.from_dict(
        {
            "id": 2108082,
            "name": "28PBB_2_6",
            "status": "PROCESSED",
            "cost": 1.2,
            "origin": {"type": "Point", "coordinates": [220000.0, 1640000.0]},
            "requestId": REQUEST_ID,
        }
    )
    assert (tile.tile_id, tile.name, tile.status, tile.request_id) == (
        2108082,
        "28PBB_2_6",
        BatchTileStatus.PROCESSED,
        REQUEST_ID,
    )
    assert tile["origin"]["coordinates"] == [220000.0, 1640000.0]
    grid = TilingGrid.from_dict({"id": 0, "name": "20km grid", "properties": {"unit": "METRE"}})
    assert grid.grid_id == 0
    assert grid["id"] == 0


# -- the tables against the spec ------------------------------------------------------------------

#: Model -> (spec schema, spec members deliberately left to other_data, members the spec lacks).
TABLES = {
    BatchRequest: ("BatchRequest", {"tilingGridId", "resolution"}, set()),
    # requestId is in the service's BatchTile (batch-v1.md section 4), not in our spec.
    BatchTile: ("BatchTile", set(), {"requestId"}),
    TilingGrid: ("TilingGrid", set(), set()),
    BatchCollection: ("BatchCollection", set(), set()),
    BatchCollectionBatchData: ("BatchCollectionBatchData", set(), set()),
    BatchCollectionAdditionalData: ("BatchCollectionAdditionalData", set(), set()),
}


@pytest.mark.parametrize("model", list(TABLES), ids=lambda m: m.__name__)
def test_each_table_matches_the_spec(model: Any) -> None:
    schema_name, left_out, extra = TABLES[model]
    schema = spec()["components"]["schemas"][schema_name]
    table = {field.wire for field in model._FIELDS}
    assert set(schema["properties"]) - table == left_out
    assert table - set(schema["properties"]) == extra
    assert len(table) == len(model._FIELDS)  # each wire key once


@pytest.mark.parametrize(
    ("enum", "schema_name"),
    [
        (BatchRequestStatus, "BatchRequestStatus"),
        (BatchTileStatus, "BatchTileStatus"),
        (BatchUserAction, "BatchUserAction"),
    ],
)
def test_the_enums_match_the_spec(enum: Any, schema_name: str) -> None:
    assert [m.value for m in enum] == spec()["components"]["schemas"][schema_name]["enum"]


# -- through the client ---------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_client_keeps_unknown_members_and_values(
    batch: Twin, api: respx.MockRouter
) -> None:
    api.get(PROCESS).respond(
        json=request_json("PAUSED", userAction="PAUSE", priority={"level": 3}, tileCount=9.0)
    )
    request = await batch.call("get_request", REQUEST_ID)
    assert request.status == "PAUSED"
    assert not request.status.is_known
    assert request.user_action == "PAUSE"
    assert request.other_data == {"priority": {"level": 3}}
    assert request.tile_count == 9
