"""Request bodies: the static helpers, what sentinelhub-py builds for the same arguments, the
spec's schemas, and every check made before sending."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from uuid import UUID

import jsonschema
import pytest
import sentinelhub
from sentinelhub.api.byoc import ByocCollection as TheirByocCollection
from sentinelhub_client import ByocCollection, SentinelHubValidationError
from sentinelhub_client.process import (
    AsyncProcessRequest,
    BBox,
    Geometry,
    MimeType,
    MosaickingOrder,
    ResamplingType,
    SentinelHubRequest,
    s3_specification,
)

from tests.support.spec import json_schema

from .conftest import COLLECTION_ID, EVALSCRIPT

BYOC_TYPE = f"byoc-{COLLECTION_ID}"
AREA = BBox((12.44, 41.87, 12.52, 41.93))
TIFF = SentinelHubRequest.output_response("default", MimeType.TIFF)


def make(**changes: Any) -> SentinelHubRequest:
    arguments: dict[str, Any] = {
        "evalscript": EVALSCRIPT,
        "input_data": [SentinelHubRequest.input_data(COLLECTION_ID)],
        "responses": [TIFF],
        "bbox": AREA,
        "size": (64, 32),
        **changes,
    }
    return SentinelHubRequest(**arguments)


def make_async(**changes: Any) -> AsyncProcessRequest:
    arguments: dict[str, Any] = {
        "evalscript": EVALSCRIPT,
        "input_data": [SentinelHubRequest.input_data(COLLECTION_ID)],
        "responses": [TIFF],
        "delivery": s3_specification("s3://bucket/out", iam_role_arn="arn:aws:iam::1:role/r"),
        "bbox": AREA,
        "size": (4000, 3000),
        **changes,
    }
    return AsyncProcessRequest(**arguments)


# -- collections and input data -----------------------------------------------------------------


@pytest.mark.parametrize(
    "collection",
    [
        COLLECTION_ID,
        UUID(COLLECTION_ID),
        BYOC_TYPE,
        f"BYOC-{COLLECTION_ID}",
        ByocCollection(name="n", s3_bucket="b", collection_id=COLLECTION_ID),
        {"id": COLLECTION_ID, "name": "n", "s3Bucket": "b"},
        sentinelhub.DataCollection.define_byoc(COLLECTION_ID),
        TheirByocCollection(name="n", s3_bucket="b", collection_id=COLLECTION_ID),
    ],
    ids=lambda c: type(c).__name__,
)
def test_every_way_of_naming_a_byoc_collection_gives_its_type(collection: Any) -> None:
    assert SentinelHubRequest.input_data(collection) == {"type": BYOC_TYPE}


def test_other_collection_types_pass_through() -> None:
    assert SentinelHubRequest.input_data("sentinel-2-l2a")["type"] == "sentinel-2-l2a"
    assert SentinelHubRequest.input_data(sentinelhub.DataCollection.SENTINEL2_L2A)["type"] == (
        "sentinel-2-l2a"
    )
    s1 = SentinelHubRequest.input_data(sentinelhub.DataCollection.SENTINEL1_IW)
    assert s1["dataFilter"]["acquisitionMode"] == "IW"


@pytest.mark.parametrize(
    ("collection", "message"),
    [
        ("byoc-not-a-uuid", "not a UUID"),
        ("Not A Type!", "neither"),
        (ByocCollection(name="n", s3_bucket="b"), "create"),
        (3.5, "not a collection"),
    ],
)
def test_bad_collections_are_refused(collection: Any, message: str) -> None:
    with pytest.raises(SentinelHubValidationError, match=message):
        SentinelHubRequest.input_data(collection)


def test_input_data_with_every_option_matches_sentinelhub_py() -> None:
    options: dict[str, Any] = {
        "identifier": "fields",
        "time_interval": ("2024-05-01", dt.datetime(2024, 5, 31, 12, 30)),
        "maxcc": 0.35,
        "mosaicking_order": "leastRecent",
        "upsampling": "BICUBIC",
        "downsampling": "BILINEAR",
        "other_args": {"dataFilter": {"extra": 1}, "processing": {"harmonizeValues": False}},
    }
    ours = SentinelHubRequest.input_data(COLLECTION_ID, **options)
    theirs = sentinelhub.SentinelHubRequest.input_data(
        sentinelhub.DataCollection.define_byoc(COLLECTION_ID), **options
    )
    assert ours == dict(theirs)
    assert ours == {
        "type": BYOC_TYPE,
        "id": "fields",
        "dataFilter": {
            "timeRange": {"from": "2024-05-01T00:00:00Z", "to": "2024-05-31T12:30:00Z"},
            "maxCloudCoverage": 35,
            "mosaickingOrder": "leastRecent",
            "extra": 1,
        },
        "processing": {
            "upsampling": "BICUBIC",
            "downsampling": "BILINEAR",
            "harmonizeValues": False,
        },
    }
    # Their enums are accepted as well as ours and plain strings.
    enums = SentinelHubRequest.input_data(
        COLLECTION_ID,
        mosaicking_order=sentinelhub.MosaickingOrder.LEAST_CC,
        upsampling=ResamplingType.NEAREST,
        downsampling=sentinelhub.ResamplingType.BICUBIC,
    )
    assert enums["dataFilter"] == {"mosaickingOrder": MosaickingOrder.LEAST_CC.value}
    assert enums["processing"] == {"upsampling": "NEAREST", "downsampling": "BICUBIC"}


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("2024-05-03", ("2024-05-03T00:00:00Z", "2024-05-03T23:59:59Z")),
        (dt.date(2024, 5, 3), ("2024-05-03T00:00:00Z", "2024-05-03T23:59:59Z")),
        (
            ("2024-05-01T10:00:00+02:00", "2024-05-02T00:00:00.250Z"),
            ("2024-05-01T10:00:00+02:00", "2024-05-02T00:00:00.250000Z"),
        ),
        (
            (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2024, 2, 1)),
            ("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"),
        ),
    ],
)
def test_time_intervals_are_written_in_rfc3339_like_sentinelhub_py(
    interval: Any, expected: tuple[str, str]
) -> None:
    ours = SentinelHubRequest.input_data(COLLECTION_ID, time_interval=interval)
    assert ours["dataFilter"]["timeRange"] == {"from": expected[0], "to": expected[1]}
    if isinstance(interval, tuple) and isinstance(interval[0], dt.datetime):
        return  # sentinelhub-py cannot compare a naive and an aware end (TypeError); we can
    theirs = sentinelhub.SentinelHubRequest.input_data(
        sentinelhub.DataCollection.define_byoc(COLLECTION_ID), time_interval=interval
    )
    assert theirs["dataFilter"]["timeRange"] == ours["dataFilter"]["timeRange"]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"time_interval": ("2024-06-01", "2024-05-01")}, "time_interval"),
        ({"time_interval": ("2024-13-01", "2024-12-01")}, "time_interval[0]"),
        ({"time_interval": ("2024-05-01", None)}, "time_interval"),
        ({"time_interval": ("a", "b", "c")}, "time_interval"),
        ({"maxcc": 1.5}, "maxcc"),
        ({"maxcc": "half"}, "maxcc"),
        ({"mosaicking_order": "newest"}, "mosaicking_order"),
        ({"upsampling": "LANCZOS"}, "upsampling"),
        ({"downsampling": "MODE"}, "downsampling"),
    ],
)
def test_input_data_refuses_bad_options(options: dict[str, Any], field: str) -> None:
    with pytest.raises(SentinelHubValidationError) as info:
        SentinelHubRequest.input_data(COLLECTION_ID, **options)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


# -- responses, output, body --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "wire"),
    [
        (MimeType.TIFF, "image/tiff"),
        ("tiff", "image/tiff"),
        ("image/png", "image/png"),
        ("jpg", "image/jpeg"),
        (MimeType.JSON, "application/json"),
        (sentinelhub.MimeType.TIFF, "image/tiff"),
        (sentinelhub.MimeType.JPG, "image/jpeg"),
        (sentinelhub.MimeType.PNG, "image/png"),
    ],
)
def test_output_response_formats(fmt: Any, wire: str) -> None:
    assert SentinelHubRequest.output_response("default", fmt) == {
        "identifier": "default",
        "format": {"type": wire},
    }


def test_output_response_jpeg_quality_and_refusals() -> None:
    jpeg = SentinelHubRequest.output_response("rgb", "jpeg", other_args={"format": {"quality": 70}})
    assert jpeg == {"identifier": "rgb", "format": {"type": "image/jpeg", "quality": 70}}
    with pytest.raises(SentinelHubValidationError) as info:
        SentinelHubRequest.output_response("default", "gif")
    assert info.value.field == "response_format"
    with pytest.raises(SentinelHubValidationError, match="not a response format"):
        SentinelHubRequest.output_response("default", MimeType.TAR)
    with pytest.raises(SentinelHubValidationError) as info:
        SentinelHubRequest.output_response("", "tiff")
    assert info.value.field == "identifier"


def test_whole_body_matches_sentinelhub_py_and_the_spec() -> None:
    geometry = {
        "type": "Polygon",
        "coordinates": [[[12.45, 41.88], [12.5, 41.88], [12.5, 41.92], [12.45, 41.88]]],
    }
    ours = make(
        input_data=[
            SentinelHubRequest.input_data(
                COLLECTION_ID,
                time_interval=("2024-05-01", "2024-05-31"),
                mosaicking_order="mostRecent",
            )
        ],
        responses=[TIFF, SentinelHubRequest.output_response("userdata", "json")],
        geometry=geometry,
        size=None,
        resolution=(0.0005, 0.0005),
    )
    theirs = sentinelhub.SentinelHubRequest(
        evalscript=EVALSCRIPT,
        input_data=[
            sentinelhub.SentinelHubRequest.input_data(
                sentinelhub.DataCollection.define_byoc(COLLECTION_ID),
                time_interval=("2024-05-01", "2024-05-31"),
                mosaicking_order="mostRecent",
            )
        ],
        responses=[
            sentinelhub.SentinelHubRequest.output_response("default", sentinelhub.MimeType.TIFF),
            sentinelhub.SentinelHubRequest.output_response("userdata", sentinelhub.MimeType.JSON),
        ],
        bbox=sentinelhub.BBox((12.44, 41.87, 12.52, 41.93), crs=sentinelhub.CRS.WGS84),
        geometry=sentinelhub.Geometry(geometry, crs=sentinelhub.CRS.WGS84),
        resolution=(0.0005, 0.0005),
        config=sentinelhub.SHConfig(use_defaults=True),
    )
    wire = json.loads(json.dumps(theirs.payload))
    # Theirs writes EPSG:4326 for WGS84; ours defaults to CRS84. Everything else is identical.
    assert wire["input"]["bounds"]["properties"]["crs"].endswith("/EPSG/0/4326")
    assert ours.payload["input"]["bounds"]["properties"]["crs"].endswith("/OGC/1.3/CRS84")
    wire["input"]["bounds"]["properties"] = ours.payload["input"]["bounds"]["properties"]
    assert ours.payload == wire
    assert ours.mime_type is MimeType.TAR
    assert theirs.mime_type.get_string() == ours.mime_type.value
    jsonschema.validate(ours.payload, json_schema("ProcessRequest"))
    # With their objects in, our request body equals theirs exactly.
    mixed = make(
        input_data=[sentinelhub.DataCollection.define_byoc(COLLECTION_ID)],
        bbox=sentinelhub.BBox((12.44, 41.87, 12.52, 41.93), crs=sentinelhub.CRS.WGS84),
        geometry=sentinelhub.Geometry(geometry, crs=sentinelhub.CRS.WGS84),
        size=(64, 32),
    )
    assert mixed.payload["input"]["bounds"] == wire["input"]["bounds"] | {
        "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/4326"}
    }
    assert mixed.payload["input"]["data"] == [{"type": BYOC_TYPE}]


def test_storage_folder_has_sentinelhub_py_name(tmp_path: Any) -> None:
    ours = make(data_folder=tmp_path, bbox=BBox((12.44, 41.87, 12.52, 41.93), crs=4326))
    theirs = sentinelhub.SentinelHubRequest(
        evalscript=EVALSCRIPT,
        input_data=[
            sentinelhub.SentinelHubRequest.input_data(
                sentinelhub.DataCollection.define_byoc(COLLECTION_ID)
            )
        ],
        responses=[sentinelhub.SentinelHubRequest.output_response("default", "tiff")],
        bbox=sentinelhub.BBox((12.44, 41.87, 12.52, 41.93), crs=sentinelhub.CRS.WGS84),
        size=(64, 32),
        data_folder=str(tmp_path),
        config=sentinelhub.SHConfig(use_defaults=True),
    )
    folder = ours.storage_folder()
    assert folder is not None
    assert folder.name == theirs.download_list[0].get_hashed_name()
    assert ours.response_path() == folder / "response.tif"


def test_accept_is_the_single_format_or_tar() -> None:
    assert make().mime_type is MimeType.TIFF
    assert make(responses=[SentinelHubRequest.output_response("default", "png")]).mime_type is (
        MimeType.PNG
    )
    assert make(responses=[TIFF, SentinelHubRequest.output_response("mask", "png")]).mime_type is (
        MimeType.TAR
    )


def test_collections_may_stand_in_the_input_list() -> None:
    request = make(
        input_data=[
            COLLECTION_ID,
            ByocCollection(name="x", s3_bucket="b", collection_id=COLLECTION_ID),
        ]
    )
    assert request.payload["input"]["data"] == [{"type": BYOC_TYPE}, {"type": BYOC_TYPE}]


# -- checks before sending ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"evalscript": ""}, "evalscript", "non-empty"),
        ({"evalscript": None}, "evalscript", "non-empty"),
        ({"input_data": []}, "input_data", "at least one input"),
        ({"input_data": [{"dataFilter": {}}]}, "input_data[0]", "not a collection"),
        ({"input_data": [{"type": "byoc-nope"}]}, "input_data[0].type", "UUID"),
        (
            {
                "input_data": [
                    {
                        "type": BYOC_TYPE,
                        "dataFilter": {
                            "timeRange": {"from": "2024-05-01", "to": "2024-05-02T00:00:00Z"}
                        },
                    }
                ]
            },
            "input_data[0].dataFilter.timeRange.from",
            "RFC 3339",
        ),
        (
            {
                "input_data": [
                    {
                        "type": BYOC_TYPE,
                        "dataFilter": {
                            "timeRange": {
                                "from": "2024-05-01T00:00:00Z",
                                "to": "2024-05-02T00:00:00",
                            }
                        },
                    }
                ]
            },
            "input_data[0].dataFilter.timeRange.to",
            "RFC 3339",
        ),
        (
            {
                "input_data": [
                    {
                        "type": BYOC_TYPE,
                        "dataFilter": {
                            "timeRange": {
                                "from": "2024-06-01T00:00:00Z",
                                "to": "2024-05-02T00:00:00Z",
                            }
                        },
                    }
                ]
            },
            "input_data[0].dataFilter.timeRange",
            "after",
        ),
        (
            {"input_data": [{"type": BYOC_TYPE, "dataFilter": {"mosaickingOrder": "random"}}]},
            "input_data[0].dataFilter.mosaickingOrder",
            "not supported",
        ),
        (
            {"input_data": [{"type": BYOC_TYPE, "processing": {"upsampling": "CUBIC"}}]},
            "input_data[0].processing.upsampling",
            "not supported",
        ),
        (
            {"input_data": [{"type": BYOC_TYPE, "id": "a"}, {"type": BYOC_TYPE, "id": "a"}]},
            "input_data[1].id",
            "twice",
        ),
        ({"bbox": None}, "bbox", "bbox and/or a geometry"),
        ({"size": (0, 10)}, "size", "1..2500"),
        ({"size": (2501, 10)}, "size", "1..2500"),
        ({"size": (10, 10.5)}, "size", "1..2500"),
        ({"size": (10, 10, 10)}, "size", "pair"),
        ({"resolution": (0.001, 0.001)}, "resolution", "not both"),
        ({"size": None, "resolution": (0, 1)}, "resolution", "> 0"),
        ({"size": None, "resolution": (0.00001, 0.001)}, "resolution", "width 8000"),
        ({"responses": []}, "responses", "at least one response"),
        ({"responses": [TIFF, TIFF]}, "responses[1].identifier", "twice"),
        (
            {"responses": [{"identifier": "x", "format": {"type": "image/gif"}}]},
            "responses[0].format.type",
            "not a format",
        ),
        (
            {"responses": [{"identifier": "x", "format": {"type": "image/jpeg", "quality": 101}}]},
            "responses[0].format.quality",
            "0..100",
        ),
        (
            {"responses": [{"format": {"type": "image/png"}}]},
            "responses[0].identifier",
            "identifier",
        ),
    ],
)
def test_each_constraint_is_refused_before_sending(
    changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(SentinelHubValidationError, match=message) as info:
        make(**changes)
    assert info.value.field == field, info.value
    assert isinstance(info.value, ValueError)


def test_edges_that_are_accepted() -> None:
    assert make(size=(1, 2500)).payload["output"]["width"] == 1
    near = make(size=None, resolution=(0.08 / 2500, 0.06 / 2500))
    assert near.payload["output"]["resx"] == pytest.approx(0.08 / 2500)
    # neither size nor resolution: the service's default (256 x 256) applies
    assert "width" not in make(size=None).payload["output"]
    assert make(size=300).payload["output"] == {"responses": [TIFF], "width": 300, "height": 300}


# -- Async Process ------------------------------------------------------------------------------


def test_s3_specification_needs_a_role_or_a_key_pair_and_hides_the_secret() -> None:
    keys = s3_specification(
        "s3://bucket/out", access_key="AKIA1", secret_access_key="s3cr3t!", region="eu-central-1"
    )
    assert keys == {
        "s3": {
            "url": "s3://bucket/out",
            "accessKey": "AKIA1",
            "secretAccessKey": "s3cr3t!",
            "region": "eu-central-1",
        }
    }
    assert "s3cr3t!" not in repr(keys)
    assert "s3cr3t!" not in str(keys)
    role = AsyncProcessRequest.s3_specification(
        "s3://bucket/out", iam_role_arn="arn:aws:iam::1:role/r"
    )
    assert role == {"s3": {"url": "s3://bucket/out", "iamRoleARN": "arn:aws:iam::1:role/r"}}
    theirs = sentinelhub.AsyncProcessRequest.s3_specification(
        "s3://bucket/out", access_key="AKIA1", secret_access_key="s3cr3t!", region="eu-central-1"
    )
    assert keys == theirs


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({}, "iam_role_arn"),
        ({"access_key": "a"}, "secret_access_key"),
        ({"secret_access_key": "s"}, "access_key"),
        ({"access_key": "a", "secret_access_key": "s", "iam_role_arn": "r"}, "iam_role_arn"),
        ({"url": "https://bucket/out", "iam_role_arn": "r"}, "url"),
    ],
)
def test_s3_specification_refusals(arguments: dict[str, Any], field: str) -> None:
    url = arguments.pop("url", "s3://bucket/out")
    with pytest.raises(SentinelHubValidationError) as info:
        s3_specification(url, **arguments)
    assert info.value.field == field


def test_async_body_matches_sentinelhub_py_and_the_spec() -> None:
    delivery = s3_specification(
        "s3://bucket/<REQUEST_ID>/<OUTPUT>", access_key="AK", secret_access_key="SECRET"
    )
    ours = make_async(delivery=delivery)
    theirs = sentinelhub.AsyncProcessRequest(
        evalscript=EVALSCRIPT,
        input_data=[
            sentinelhub.SentinelHubRequest.input_data(
                sentinelhub.DataCollection.define_byoc(COLLECTION_ID)
            )
        ],
        responses=[
            sentinelhub.SentinelHubRequest.output_response("default", sentinelhub.MimeType.TIFF)
        ],
        delivery=sentinelhub.AsyncProcessRequest.s3_specification(
            "s3://bucket/<REQUEST_ID>/<OUTPUT>", access_key="AK", secret_access_key="SECRET"
        ),
        bbox=sentinelhub.BBox((12.44, 41.87, 12.52, 41.93), crs=sentinelhub.CRS.WGS84),
        size=(4000, 3000),
        config=sentinelhub.SHConfig(use_defaults=True),
    )
    wire = json.loads(json.dumps(theirs.payload))
    wire["input"]["bounds"]["properties"] = ours.payload["input"]["bounds"]["properties"]
    assert json.loads(json.dumps(ours.payload)) == wire
    jsonschema.validate(json.loads(json.dumps(ours.payload)), json_schema("AsyncProcessRequest"))
    assert "SECRET" not in repr(ours)
    assert "SECRET" not in repr(ours.payload)
    assert ours.mime_type is MimeType.JSON


def test_async_evalscript_reference() -> None:
    reference = s3_specification("s3://bucket/script.js", iam_role_arn="arn:aws:iam::1:role/r")
    request = make_async(evalscript=None, evalscript_reference=reference)
    assert request.payload["evalscriptReference"] == reference
    assert "evalscript" not in request.payload
    jsonschema.validate(json.loads(json.dumps(request.payload)), json_schema("AsyncProcessRequest"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"evalscript": None}, "evalscript"),
        ({"evalscript_reference": {"s3": {"url": "s3://b/s.js", "iamRoleARN": "r"}}}, "evalscript"),
        ({"evalscript": None, "evalscript_reference": {"s3": {}}}, "evalscript_reference.s3.url"),
        ({"delivery": {"s3": {"url": "/local/path"}}}, "delivery.s3.url"),
        ({"delivery": {"ftp": {"url": "ftp://x"}}}, "delivery"),
        ({"delivery": {"gs": {"url": "gs://b/p"}}}, "delivery.gs.credentials"),
        ({"size": (10001, 10)}, "size"),
        ({"input_data": []}, "input_data"),
    ],
)
def test_async_checks(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(SentinelHubValidationError) as info:
        make_async(**changes)
    assert info.value.field == field


def test_async_accepts_sizes_up_to_10000() -> None:
    assert make_async(size=(10000, 10000)).payload["output"]["width"] == 10000
    assert Geometry(make_async(geometry=AREA).payload["input"]["bounds"]["geometry"]).bbox == AREA


def test_sentinelhub_py_input_dicts_are_taken_as_they_are() -> None:
    theirs = sentinelhub.SentinelHubRequest.input_data(
        sentinelhub.DataCollection.define_byoc(COLLECTION_ID),
        identifier="a",
        time_interval=("2024-05-01", "2024-05-02"),
    )
    request = make(
        input_data=[theirs, SentinelHubRequest.input_data(COLLECTION_ID, identifier="b")]
    )
    assert request.payload["input"]["data"][0] == dict(theirs)
    assert type(request.payload["input"]["data"][0]) is dict
    assert request.payload["input"]["data"][1] == {"type": BYOC_TYPE, "id": "b"}


def test_numpy_numbers_are_sent_as_plain_json_numbers() -> None:
    import numpy as np

    request = make(
        bbox=BBox(np.array([12.44, 41.87, 12.52, 41.93])),
        size=np.array([64, 32], dtype=np.int64),
        input_data=[SentinelHubRequest.input_data(COLLECTION_ID, maxcc=np.float32(0.5))],
    )
    output = request.payload["output"]
    assert (output["width"], output["height"]) == (64, 32)
    assert type(output["width"]) is int
    assert request.payload["input"]["data"][0]["dataFilter"]["maxCloudCoverage"] == 50
    json.dumps(request.payload)  # nothing numpy left in the body
    resolution = make(size=None, resolution=(np.float32(0.001), np.float64(0.001)))
    assert type(resolution.payload["output"]["resx"]) is float
