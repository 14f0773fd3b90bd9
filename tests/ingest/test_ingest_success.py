"""ingest_tile on files that follow every rule: geometries, resolutions and detected bands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
import rasterio.shutil
from pyproj import Geod, Transformer
from sentinelhub_emulator.byoc.ingest import BandSpec, DetectedBand, ingest_tile
from shapely.geometry import shape

from .conftest import UTM_BOUNDS, UTM_EPSG, MakeCog

UTM_CRS_MEMBER = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}


def ring_of(bounds: tuple[float, float, float, float]) -> list[list[float]]:
    left, bottom, right, top = bounds
    return [[left, bottom], [right, bottom], [right, top], [left, top], [left, bottom]]


def test_single_band_files_in_utm(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("tiles/t1/B01.tif")
    make_cog("tiles/t1/B02.tif", dtype="uint8")

    result = ingest_tile(
        bucket,
        "tiles/t1/(BAND).tif",
        [BandSpec("B01", bit_depth=16, sample_format="UINT"), BandSpec("B02")],
    )

    assert result.crs_epsg == UTM_EPSG
    assert result.files == ("tiles/t1/B01.tif", "tiles/t1/B02.tif")
    assert result.tile_geometry == {
        "type": "Polygon",
        "coordinates": [ring_of(UTM_BOUNDS)],
        "crs": UTM_CRS_MEMBER,
    }
    # Without a given cover, the cover is the common footprint of the files: here the same box.
    assert result.cover_geometry == result.tile_geometry
    assert result.detected_bands == (
        DetectedBand("B01", bit_depth=16, sample_format="UINT", band_index=1, source="B01"),
        DetectedBand("B02", bit_depth=8, sample_format="UINT", band_index=1, source="B02"),
    )
    # 10 m pixels; the 512 px file has one 256 px overview (20 m), which counts.
    assert result.min_meters_per_pixel == 10.0
    assert result.max_meters_per_pixel == 20.0


def test_wgs84_cover_matches_utm_corners(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif")
    result = ingest_tile(bucket, "t.tif", [BandSpec("B01")])

    to_wgs84 = Transformer.from_crs(UTM_EPSG, 4326, always_xy=True)
    expected = [list(to_wgs84.transform(x, y)) for x, y in ring_of(UTM_BOUNDS)]
    assert result.cover_geometry_wgs84["type"] == "Polygon"
    assert "crs" not in result.cover_geometry_wgs84
    got = result.cover_geometry_wgs84["coordinates"][0]
    assert got == [pytest.approx(point, abs=1e-9) for point in expected]
    # Near the central meridian of zone 33 (15 E) at 45 N.
    assert got[0] == pytest.approx([15.0, 45.1535], abs=1e-4)


def test_source_differs_from_band_name(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t/prefix_red.tif")
    result = ingest_tile(bucket, "t/prefix_(BAND).tif", [BandSpec("R", source="red")])
    assert result.files == ("t/prefix_red.tif",)
    assert result.detected_bands[0].source == "red"
    assert result.detected_bands[0].name == "R"


def test_multi_band_file_in_wgs84(bucket: Path, make_cog: MakeCog) -> None:
    # 1024 x 1024 px over one degree: overviews of 512 and 256 px, both at least 256 px.
    make_cog(
        "maps/scene.tif",
        crs_epsg=4326,
        bounds=(10.0, 45.0, 11.0, 46.0),
        width=1024,
        height=1024,
        count=3,
        dtype="int16",
    )
    result = ingest_tile(
        bucket,
        "maps/scene.tif",
        [
            BandSpec("red", band_index=1, bit_depth=16, sample_format="INT"),
            BandSpec("nir", band_index=3),
        ],
    )

    assert result.crs_epsg == 4326
    assert result.files == ("maps/scene.tif",)
    assert result.tile_geometry["coordinates"] == [ring_of((10.0, 45.0, 11.0, 46.0))]
    assert result.tile_geometry["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4326"
    assert result.cover_geometry_wgs84["coordinates"] == [ring_of((10.0, 45.0, 11.0, 46.0))]
    assert [
        (b.name, b.band_index, b.bit_depth, b.sample_format) for b in result.detected_bands
    ] == [
        ("red", 1, 16, "INT"),
        ("nir", 3, 16, "INT"),
    ]

    # Degrees become metres at the centre latitude (45.5 N): compare with geodesic distances.
    geod = Geod(ellps="WGS84")
    step = 1.0 / 1024
    _, _, east = geod.inv(10.5, 45.5, 10.5 + step, 45.5)
    _, _, north = geod.inv(10.5, 45.5 - step / 2, 10.5, 45.5 + step / 2)
    full_res = (east * north) ** 0.5
    assert full_res == pytest.approx(91.02, abs=0.01)
    assert result.min_meters_per_pixel == pytest.approx(full_res, rel=1e-5)
    assert result.max_meters_per_pixel == pytest.approx(4 * full_res, rel=1e-5)


@pytest.mark.parametrize(
    ("epsg", "bounds"),
    [
        (3857, (1_113_194.0, 5_621_521.0, 1_118_314.0, 5_626_641.0)),
        (3035, (4_500_000.0, 2_800_000.0, 4_505_120.0, 2_805_120.0)),
        (32701, (500_000.0, 4_000_000.0, 505_120.0, 4_005_120.0)),
        (32760, (500_000.0, 4_000_000.0, 505_120.0, 4_005_120.0)),
    ],
)
def test_other_accepted_crs(
    bucket: Path, make_cog: MakeCog, epsg: int, bounds: tuple[float, float, float, float]
) -> None:
    make_cog("t.tif", crs_epsg=epsg, bounds=bounds)
    result = ingest_tile(bucket, "t.tif", [BandSpec("B01")])
    assert result.crs_epsg == epsg
    assert result.tile_geometry["crs"]["properties"]["name"] == f"urn:ogc:def:crs:EPSG::{epsg}"
    assert result.min_meters_per_pixel == 10.0


def test_files_with_different_extents_and_resolutions(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t/B01.tif")  # 10 m, x 500000..505120, y 5000000..5005120
    make_cog(  # 20 m, shifted east and north, 512 px with a 256 px (40 m) overview
        "t/B02.tif", bounds=(502_560.0, 5_002_560.0, 512_800.0, 5_012_800.0)
    )
    result = ingest_tile(bucket, "t/(BAND).tif", [BandSpec("B01"), BandSpec("B02")])

    # The tile geometry is the union of the boxes, the cover their intersection.
    assert result.tile_geometry["coordinates"] == [
        ring_of((500_000.0, 5_000_000.0, 512_800.0, 5_012_800.0))
    ]
    assert result.cover_geometry["type"] == "Polygon"
    cover = shape(result.cover_geometry)
    assert cover.bounds == (502_560.0, 5_002_560.0, 505_120.0, 5_005_120.0)
    assert cover.area == pytest.approx(2_560.0 * 2_560.0)
    assert result.min_meters_per_pixel == 10.0
    assert result.max_meters_per_pixel == 40.0


def test_overviews_below_256_px_do_not_count(bucket: Path, make_cog: MakeCog) -> None:
    # 2048 px with 256 px blocks: overviews of 1024, 512, 256 and 128 px; the last one is ignored.
    make_cog(
        "big.tif", bounds=(500_000.0, 5_000_000.0, 520_480.0, 5_020_480.0), width=2048, height=2048
    )
    result = ingest_tile(bucket, "big.tif", [BandSpec("B01")])
    assert result.min_meters_per_pixel == 10.0
    assert result.max_meters_per_pixel == 80.0


def test_small_file_without_overviews_uses_full_resolution(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif", overviews=False)
    result = ingest_tile(bucket, "t.tif", [BandSpec("B01")])
    assert result.min_meters_per_pixel == result.max_meters_per_pixel == 10.0


def test_cover_given_in_crs84_is_reprojected(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif")
    ring = [[15.01, 45.16], [15.05, 45.16], [15.05, 45.19], [15.01, 45.19], [15.01, 45.16]]
    cover = {
        "type": "Polygon",
        "coordinates": [ring],
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    }
    result = ingest_tile(bucket, "t.tif", [BandSpec("B01")], cover_geometry=cover)

    to_utm = Transformer.from_crs(4326, UTM_EPSG, always_xy=True)
    expected = [list(to_utm.transform(lon, lat)) for lon, lat in ring]
    assert result.cover_geometry["crs"] == UTM_CRS_MEMBER
    assert result.cover_geometry["coordinates"][0] == [
        pytest.approx(point, abs=1e-6) for point in expected
    ]
    assert expected[0] == pytest.approx([500_786.0, 5_000_724.7], abs=0.5)
    # The WGS84 copy is the given geometry itself, not a round trip through UTM.
    assert result.cover_geometry_wgs84 == {"type": "Polygon", "coordinates": [ring]}
    # The tile geometry stays the files' box.
    assert result.tile_geometry["coordinates"] == [ring_of(UTM_BOUNDS)]


def test_cover_without_crs_member_is_crs84(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif")
    ring = [[15.01, 45.16], [15.05, 45.16], [15.05, 45.19], [15.01, 45.16]]
    with_member = ingest_tile(
        bucket,
        "t.tif",
        [BandSpec("B01")],
        cover_geometry={
            "type": "Polygon",
            "coordinates": [ring],
            "crs": {"type": "name", "properties": {"name": "EPSG:4326"}},
        },
    )
    without = ingest_tile(
        bucket,
        "t.tif",
        [BandSpec("B01")],
        cover_geometry={"type": "Polygon", "coordinates": [ring]},
    )
    assert without.cover_geometry == with_member.cover_geometry


def test_cover_multipolygon_in_tile_crs(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif")
    squares = [
        [[[500_000.0, 5_000_000.0], [501_000.0, 5_000_000.0], [501_000.0, 5_001_000.0],
          [500_000.0, 5_001_000.0], [500_000.0, 5_000_000.0]]],
        [[[503_000.0, 5_003_000.0], [504_000.0, 5_003_000.0], [504_000.0, 5_004_000.0],
          [503_000.0, 5_004_000.0], [503_000.0, 5_003_000.0]]],
    ]  # fmt: skip
    cover = {
        "type": "MultiPolygon",
        "coordinates": squares,
        "crs": {
            "type": "name",
            "properties": {"name": "http://www.opengis.net/def/crs/EPSG/0/32633"},
        },
    }
    result = ingest_tile(bucket, "t.tif", [BandSpec("B01")], cover_geometry=cover)
    assert result.cover_geometry == {**cover, "crs": UTM_CRS_MEMBER}
    assert result.cover_geometry_wgs84["type"] == "MultiPolygon"
    assert shape(result.cover_geometry_wgs84).bounds == pytest.approx(
        (15.0, 45.1535, 15.0509, 45.1895), abs=1e-4
    )


def test_clockwise_cover_is_returned_counter_clockwise(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif")
    clockwise = [[500_000.0, 5_000_000.0], [500_000.0, 5_001_000.0], [501_000.0, 5_001_000.0],
                 [501_000.0, 5_000_000.0], [500_000.0, 5_000_000.0]]  # fmt: skip
    cover = {"type": "Polygon", "coordinates": [clockwise], "crs": UTM_CRS_MEMBER}
    result = ingest_tile(bucket, "t.tif", [BandSpec("B01")], cover_geometry=cover)
    assert result.cover_geometry["coordinates"] == [clockwise[::-1]]


def test_symlink_inside_the_bucket_is_followed(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("real/B01.tif")
    (bucket / "alias").symlink_to(bucket / "real")
    result = ingest_tile(bucket, "alias/(BAND).tif", [BandSpec("B01")])
    assert result.files == ("alias/B01.tif",)


@pytest.mark.parametrize(
    "variant", ["bigtiff", "planar", "pixel_interleaved", "big_endian_with_mask"]
)
def test_tiff_layout_variants(bucket: Path, make_cog: MakeCog, variant: str) -> None:
    source = make_cog("source.tif", count=2)
    target = bucket / "t.tif"
    with rasterio.open(source) as src:
        if variant == "big_endian_with_mask":
            # A plain tiled GTiff (IFDs after the data), big-endian, with an internal mask.
            profile = {**src.profile, "ENDIANNESS": "BIG", "blockxsize": 256, "blockysize": 256}
            with (
                rasterio.Env(GDAL_TIFF_INTERNAL_MASK=True),
                rasterio.open(target, "w", **profile) as dst,
            ):
                dst.write(src.read())
                dst.write_mask(np.full((512, 512), 255, dtype="uint8"))
                dst.build_overviews([2])
        else:
            options = {
                "bigtiff": {"BIGTIFF": "YES"},
                "planar": {"INTERLEAVE": "BAND"},
                "pixel_interleaved": {"INTERLEAVE": "PIXEL"},
            }[variant]
            rasterio.shutil.copy(src, str(target), driver="COG", BLOCKSIZE=256, **options)

    result = ingest_tile(
        bucket, "t.tif", [BandSpec("a", band_index=1), BandSpec("b", band_index=2)]
    )
    assert result.tile_geometry["coordinates"] == [ring_of(UTM_BOUNDS)]
    assert (result.min_meters_per_pixel, result.max_meters_per_pixel) == (10.0, 20.0)
    assert [b.band_index for b in result.detected_bands] == [1, 2]
