"""sentinelhub-py's names, importable from sentinelhub_client, give what sentinelhub-py 3.12
gives: collection ids, band names, CRS constants, pixel sizes of boxes, transforms."""

from __future__ import annotations

import uuid
import warnings

import pytest
import sentinelhub as sh
from sentinelhub_client import (
    CRS,
    BBox,
    DataCollection,
    SentinelHubRequest,
    SentinelHubValidationError,
    bbox_to_dimensions,
    bbox_to_resolution,
    get_utm_crs,
    to_utm_bbox,
    to_wgs84,
    transform_point,
    wgs84_to_utm,
)

PREDEFINED = [
    "SENTINEL2_L1C",
    "SENTINEL2_L2A",
    "SENTINEL1",
    "SENTINEL1_IW",
    "SENTINEL1_IW_ASC",
    "SENTINEL1_EW_SH_DES",
    "DEM",
    "DEM_COPERNICUS_30",
    "LANDSAT_OT_L1",
    "LANDSAT_OT_L2",
    "MODIS",
    "SENTINEL3_OLCI",
    "SENTINEL5P",
    "HARMONIZED_LANDSAT_SENTINEL",
]


def _text(value: object) -> object:
    return getattr(value, "value", value)


@pytest.mark.parametrize("name", PREDEFINED)
def test_predefined_collections_match_sentinelhub_py(name: str) -> None:
    ours, theirs = getattr(DataCollection, name), getattr(sh.DataCollection, name)
    assert ours.name == name
    assert ours.api_id == theirs.api_id
    assert ours.catalog_id == theirs.catalog_id
    assert ours.service_url == theirs.service_url
    assert ours.is_timeless == theirs.is_timeless
    for attribute in ("swath_mode", "polarization", "resolution", "orbit_direction"):
        assert ours.__getattribute__(attribute) == _text(getattr(theirs, attribute)), attribute
    assert ours.band_names == [band.name for band in theirs.value.bands or ()]


@pytest.mark.parametrize("name", ["SENTINEL2_L1C", "SENTINEL2_L2A", "LANDSAT_OT_L2", "DEM"])
def test_metabands_match_sentinelhub_py(name: str) -> None:
    ours, theirs = getattr(DataCollection, name), getattr(sh.DataCollection, name)
    assert {b.name for b in ours.metabands} == {b.name for b in theirs.metabands}


def test_define_byoc_is_reachable_by_name_and_sends_its_type() -> None:
    identifier = str(uuid.uuid4())
    name = f"MY_{identifier[:8]}"
    collection = DataCollection.define_byoc(identifier, name=name)
    assert getattr(DataCollection, name) is collection
    assert collection.api_id == collection.catalog_id == f"byoc-{identifier}"
    assert collection.is_byoc
    assert collection.collection_id == identifier
    assert DataCollection.define_byoc(identifier, name=name) is collection  # same: no error
    with pytest.raises(ValueError, match="already defined differently"):
        DataCollection.define_byoc(str(uuid.uuid4()), name=name)
    theirs = sh.DataCollection.define_byoc(identifier, name=f"PY_{identifier[:8]}")
    assert (collection.api_id, collection.catalog_id) == (theirs.api_id, theirs.catalog_id)
    assert SentinelHubRequest.input_data(collection)["type"] == f"byoc-{identifier}"


def test_define_from_and_define_batch() -> None:
    ascending = DataCollection.define_from(
        DataCollection.SENTINEL1_IW, name="S1_IW_ASC_TEST", orbit_direction="ASCENDING"
    )
    assert ascending.api_id == "sentinel-1-grd"
    assert ascending.orbit_direction == "ASCENDING"
    data = SentinelHubRequest.input_data(ascending)
    assert data["dataFilter"]["orbitDirection"] == "ASCENDING"
    assert data["dataFilter"]["acquisitionMode"] == "IW"
    from_theirs = DataCollection.define_from(sh.DataCollection.SENTINEL2_L2A, name="S2_FROM_PY")
    assert from_theirs.api_id == "sentinel-2-l2a"
    local = DataCollection.SENTINEL2_L2A.define_from("S2_LOCAL", service_url="http://127.0.0.1:1")
    assert local is DataCollection.S2_LOCAL
    assert local.service_url == "http://127.0.0.1:1"
    assert local.api_id == "sentinel-2-l2a"
    batch = DataCollection.define_batch(uuid.uuid4())
    assert batch.is_batch
    assert batch.api_id is not None
    assert batch.api_id.startswith("batch-")
    with pytest.raises(SentinelHubValidationError, match="collection_id"):
        DataCollection.define_byoc("not-a-uuid")
    assert DataCollection.SENTINEL2_L2A in DataCollection.get_available_collections()


def test_crs_constants_match_sentinelhub_py() -> None:
    for zone in range(1, 61):
        for hemisphere in "NS":
            name = f"UTM_{zone}{hemisphere}"
            assert getattr(CRS, name).value == getattr(sh.CRS, name).value, name
    assert CRS.WGS84.value == sh.CRS.WGS84.value
    assert CRS.POP_WEB.value == sh.CRS.POP_WEB.value
    assert CRS.UTM_33N.ogc_string() == sh.CRS.UTM_33N.ogc_string()
    assert CRS.UTM_33N.is_utm()
    assert not CRS.WGS84.is_utm()
    with pytest.raises(AttributeError):
        _ = CRS.UTM_61N


@pytest.mark.parametrize(
    ("coords", "epsg", "resolution"),
    [
        ((46.16, -16.15, 46.51, -15.58), 4326, 60),
        ((13.35, 45.75, 13.45, 45.85), 4326, (10, 20)),
        ((500_000, 5_000_000, 510_240, 5_012_000), 32633, 10),
        ((1_400_000, 5_700_000, 1_420_000, 5_730_000), 3857, 30),
        ((-70.1, -33.5, -69.9, -33.3), 4326, 10),
    ],
)
@pytest.mark.filterwarnings("ignore:The 'shapely.ops.transform:DeprecationWarning")
def test_bbox_sizes_match_sentinelhub_py(
    coords: tuple[float, ...], epsg: int, resolution: float | tuple[float, float]
) -> None:
    ours, theirs = BBox(coords, crs=epsg), sh.BBox(coords, crs=sh.CRS(epsg))
    assert bbox_to_dimensions(ours, resolution) == sh.bbox_to_dimensions(theirs, resolution)
    assert bbox_to_resolution(ours, 512, 256) == pytest.approx(
        sh.bbox_to_resolution(theirs, 512, 256)
    )
    assert to_utm_bbox(ours).crs.value == sh.to_utm_bbox(theirs).crs.value
    assert list(to_utm_bbox(ours)) == pytest.approx(list(sh.to_utm_bbox(theirs)))
    assert list(ours.transform_bounds(CRS.POP_WEB)) == pytest.approx(
        list(theirs.transform_bounds(sh.CRS.POP_WEB)), rel=1e-6
    )


def test_point_helpers_and_deprecated_names() -> None:
    assert get_utm_crs(15.2, 45.1).value == sh.get_utm_crs(15.2, 45.1).value
    assert get_utm_crs(-70.0, -33.4).value == sh.get_utm_crs(-70.0, -33.4).value
    point = transform_point((15.2, 45.1), CRS.WGS84, CRS.UTM_33N)
    assert point == pytest.approx(sh.transform_point((15.2, 45.1), sh.CRS.WGS84, sh.CRS.UTM_33N))
    with pytest.warns(DeprecationWarning, match="transform_point"):
        assert wgs84_to_utm(15.2, 45.1) == pytest.approx(point)
    with pytest.warns(DeprecationWarning, match="transform_point"):
        assert to_wgs84(*point, CRS.UTM_33N) == pytest.approx((15.2, 45.1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        transform_point((15.2, 45.1), CRS.WGS84, CRS.UTM_33N)  # the replacement does not warn
