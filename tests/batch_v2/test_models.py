"""The Batch v2 model against the spec: every declared field is in the spec's `BatchV2Request`,
instances drawn from that schema round-trip (unknown members included), and the helpers' outputs
validate against the create body's schemas."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.batch_v2 import (
    BatchProcessRequest,
    BatchV2Status,
    BatchV2UserAction,
    StoppedStatusReason,
    geopackage_input,
    raster_output,
    s3_specification,
    tiling_grid_input,
    zarr_output,
)

from tests.property.test_roundtrip import bounded, normalise
from tests.support.spec import json_schema, spec

from .conftest import conforms, request_json


def test_every_field_is_in_the_spec() -> None:
    properties = spec()["components"]["schemas"]["BatchV2Request"]["properties"]
    declared = {row.wire for row in BatchProcessRequest._FIELDS}
    assert declared <= set(properties)
    # What the spec adds beyond sentinelhub-py's fields is kept in other_data.
    assert set(properties) - declared == {"projectId", "workspaceId"}


@pytest.mark.parametrize(
    ("enum", "schema"),
    [
        (BatchV2Status, "BatchV2RequestStatus"),
        (BatchV2UserAction, "BatchV2UserAction"),
        (StoppedStatusReason, "BatchV2StoppedStatusReason"),
    ],
)
def test_enums_match_the_spec(enum: Any, schema: str) -> None:
    assert [m.value for m in enum] == spec()["components"]["schemas"][schema]["enum"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    from_schema(
        bounded(json_schema("BatchV2Request")), custom_formats={"uuid": st.uuids().map(str)}
    )
)
def test_instances_of_the_schema_round_trip(instance: dict[str, Any]) -> None:
    model = BatchProcessRequest.from_dict(instance)
    declared = {row.wire for row in BatchProcessRequest._FIELDS}
    # A declared member sent as null counts as absent; unknown members are kept as they are.
    expected = {k: v for k, v in instance.items() if v is not None or k not in declared}
    assert normalise(model.to_dict()) == normalise(expected)
    assert model.request_id == instance["id"]
    status = instance["status"]
    assert model.status == status
    assert model.status is not None
    assert model.status.is_known == (status in BatchV2Status.__members__)


def test_a_missing_id_is_refused() -> None:
    wire = request_json()
    del wire["id"]
    with pytest.raises(SentinelHubValidationError) as caught:
        BatchProcessRequest.from_dict(wire)
    assert caught.value.field == "id"


def test_a_malformed_member_names_itself() -> None:
    with pytest.raises(SentinelHubValidationError, match="completion"):
        BatchProcessRequest.from_dict(request_json(completionPercentage="half"))


def test_repr_shows_the_essentials() -> None:
    text = repr(BatchProcessRequest.from_dict(request_json("DONE", costPU=2)))
    assert text.startswith("BatchProcessRequest(request_id=")
    assert "DONE" in text
    assert "cost_PU=2" in text


# -- the helpers ----------------------------------------------------------------------------------


def test_helpers_build_what_the_schemas_accept() -> None:
    s3 = s3_specification("s3://b/f/<requestId>/<tileName>-<outputId>.<format>", "a", "s")
    conforms(tiling_grid_input(0, 60.0, buffer_x=2), "BatchV2TilingGridInput")
    conforms(
        geopackage_input(s3_specification("s3://b/a.gpkg", iam_role_arn="r")),
        "BatchV2GeopackageInput",
    )
    conforms(
        raster_output(
            s3,
            overwrite=True,
            cog_output=True,
            cog_parameters={"overviewLevels": [2, 4], "resamplingAlgorithm": "nearest"},
            create_collection=True,
        ),
        "BatchV2RasterOutput",
    )
    conforms(
        zarr_output(
            s3_specification("s3://b/z", iam_role_arn="r"),
            group={"zarr_format": 2},
            array_parameters={"dtype": "<f4", "chunks": [1, 10, 10], "fill_value": 0},
            array_overrides={"ndvi": {"fill_value": -1}},
        ),
        "BatchV2ZarrOutput",
    )


def test_s3_specification_wants_a_role_or_a_key_pair() -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        s3_specification("s3://b/x", "a", "s", iam_role_arn="r")
    assert caught.value.field == "iam_role_arn"
    assert "not both" in str(caught.value)
    with pytest.raises(SentinelHubValidationError):
        s3_specification("s3://b/x")
    with pytest.raises(SentinelHubValidationError) as caught:
        s3_specification("http://b/x", iam_role_arn="r")
    assert caught.value.field == "url"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"grid_id": -1, "resolution": 10}, "grid_id"),
        ({"grid_id": 1, "resolution": 0}, "resolution"),
        ({"grid_id": 1, "resolution": True}, "resolution"),
        ({"grid_id": 1, "resolution": 10, "buffer_x": -2}, "buffer_x"),
        ({"grid_id": 1, "resolution": 10, "buffer_y": 1.5}, "buffer_y"),
    ],
)
def test_tiling_grid_input_refuses(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        tiling_grid_input(**kwargs)
    assert caught.value.field == field


def test_zarr_output_takes_either_spelling_and_sends_one() -> None:
    s3 = s3_specification("s3://b/z", iam_role_arn="r")
    params = {"dtype": "|u1", "chunks": [1, 8, 8], "fill_value": 0}
    assert zarr_output(s3, array_parameters=params)["arrayParameters"] == params
    legacy = zarr_output(s3, arrayParameter=params)
    assert legacy["arrayParameters"] == params
    assert "arrayParameter" not in legacy
    with pytest.raises(SentinelHubValidationError, match="given twice"):
        zarr_output(s3, array_parameters=params, arrayParameter=params)


def test_raster_output_refuses_collections_without_cogs() -> None:
    s3 = s3_specification("s3://b/o", iam_role_arn="r")
    with pytest.raises(SentinelHubValidationError) as caught:
        raster_output(s3, cog_output=False, create_collection=True)
    assert caught.value.field == "cog_output"
    with pytest.raises(SentinelHubValidationError) as caught:
        raster_output(s3, overwrite="yes")  # type: ignore[arg-type]
    assert caught.value.field == "overwrite"


def test_repr_never_shows_an_echoed_secret() -> None:
    wire = request_json()
    wire["request"]["output"] = {
        "type": "raster",
        "delivery": {"s3": {"url": "s3://b/o", "accessKey": "AK", "secretAccessKey": "echoed"}},
    }
    model = BatchProcessRequest.from_dict(wire)
    assert "echoed" not in repr(model)
    assert "echoed" not in str(model)


_FLAG = st.none() | st.booleans()


@settings(max_examples=60, deadline=None)
@given(
    grid=st.integers(min_value=0, max_value=2**40),
    resolution=st.floats(min_value=1e-6, max_value=1e6),
    buffers=st.tuples(st.none() | st.integers(0, 500), st.none() | st.integers(0, 500)),
    flags=st.tuples(_FLAG, _FLAG, _FLAG),
    levels=st.none() | st.lists(st.integers(2, 64), max_size=4),
)
def test_any_valid_arguments_build_bodies_the_spec_accepts(
    grid: int,
    resolution: float,
    buffers: tuple[int | None, int | None],
    flags: tuple[bool | None, bool | None, bool | None],
    levels: list[int] | None,
) -> None:
    grid_input = tiling_grid_input(grid, resolution, *buffers)
    conforms(grid_input, "BatchV2TilingGridInput")
    assert grid_input["id"] == grid
    assert ("bufferX" in grid_input) == (buffers[0] is not None)
    overwrite, skip, cog = flags
    output = raster_output(
        s3_specification("s3://b/<requestId>/<tileName>.<format>", iam_role_arn="r"),
        overwrite=overwrite,
        skip_existing=skip,
        cog_output=cog,
        cog_parameters=None if levels is None else {"overviewLevels": levels},
    )
    conforms(output, "BatchV2RasterOutput")
    assert output.get("cogOutput") == cog
