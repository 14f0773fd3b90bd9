"""ingest_tile on files and inputs that break a rule: each gives an actionable cause."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from rasterio.errors import NotGeoreferencedWarning
from sentinelhub_emulator.byoc.ingest import (
    MAX_HEADER_BYTES,
    BandSpec,
    IngestionFailure,
    ingest_tile,
)
from sentinelhub_emulator.samples import write_broken_file, write_cog

from .conftest import UTM_BOUNDS, UTM_EPSG, MakeCog


def cause_of(bucket: Path, tile_path: str, bands: list[BandSpec], **kwargs: Any) -> str:
    with pytest.raises(IngestionFailure) as caught:
        ingest_tile(bucket, tile_path, bands, **kwargs)
    assert str(caught.value) == caught.value.cause
    return caught.value.cause


def test_missing_band_file_names_the_expected_file(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t/B01.tif")
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01"), BandSpec("B02")])
    assert "'t/B02.tif'" in cause
    assert "not found" in cause


def test_missing_source_file_uses_the_source(bucket: Path) -> None:
    cause = cause_of(bucket, "t/x_(BAND).tiff", [BandSpec("red", source="b4")])
    assert "'t/x_b4.tiff' was not found" in cause


def test_folder_instead_of_file(bucket: Path) -> None:
    (bucket / "t" / "B01").mkdir(parents=True)
    cause = cause_of(bucket, "t/(BAND)", [BandSpec("B01")])
    assert "'t/B01' is a folder" in cause


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("striped", "is not internally tiled"),
        ("small_blocks", "has 128x128 px internal tiles; they must be between 256x256 and"),
        ("uneven_blocks", "512x512 px internal tiles at full resolution but 256x256 px in its "
                          "overview 1"),
        ("bad_crs", "is in EPSG:2193, which BYOC does not accept"),
        ("not_tiff", "is not a TIFF file"),
        ("pole", "reaches or crosses a pole (latitudes -90 to -80)"),
        ("big_header", f"above the {MAX_HEADER_BYTES} byte (1 MB) limit"),
    ],
)  # fmt: skip
def test_broken_files(bucket: Path, kind: str, expected: str) -> None:
    write_broken_file(bucket / "t" / f"{kind}.tif", kind)
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec(kind)])
    assert f"File 't/{kind}.tif'" in cause
    assert expected in cause


def test_big_header_reports_its_size(bucket: Path) -> None:
    write_broken_file(bucket / "h.tif", "big_header")
    cause = cause_of(bucket, "h.tif", [BandSpec("B01")])
    size = int(cause.split(" byte header")[0].rsplit(" ", 1)[1])
    # The 1.12 MB metadata tag plus the image directories, and less than the whole file.
    assert 1_120_000 < size < (bucket / "h.tif").stat().st_size


def test_block_size_above_2048(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif", width=4096, height=4096, blocksize=4096, overviews=False, fill="zeros")
    cause = cause_of(bucket, "t.tif", [BandSpec("B01")])
    assert "has 4096x4096 px internal tiles" in cause


def test_truncated_tiff(bucket: Path) -> None:
    # A little-endian TIFF signature whose first directory lies beyond the end of the file.
    (bucket / "t.tif").write_bytes(b"II*\x00" + (10_000).to_bytes(4, "little") + b"\x00" * 8)
    cause = cause_of(bucket, "t.tif", [BandSpec("B01")])
    assert "File 't.tif' is not a readable TIFF" in cause


def test_pole_in_utm(bucket: Path, make_cog: MakeCog) -> None:
    # UTM 33N northings up to 10 000 km and beyond reach the North Pole.
    make_cog("t.tif", bounds=(400_000.0, 9_900_000.0, 600_000.0, 10_100_000.0))
    cause = cause_of(bucket, "t.tif", [BandSpec("B01")])
    assert "reaches or crosses a pole" in cause


def test_bit_depth_mismatch(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t/B01.tif")  # uint16
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01", bit_depth=8)])
    assert "Band 'B01' is declared with bitDepth 8 but file 't/B01.tif' holds 16-bit" in cause


def test_sample_format_mismatch(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t/B01.tif", dtype="int16")
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01", bit_depth=16, sample_format="UINT")])
    assert "declared with sampleFormat UINT but file 't/B01.tif' holds INT samples" in cause


def test_float_declared_for_integer_file(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif", dtype="uint32")
    cause = cause_of(bucket, "t.tif", [BandSpec("B01", bit_depth=32, sample_format="FLOAT")])
    assert "holds UINT samples" in cause


def test_unsupported_dtype(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif", dtype="float64")
    cause = cause_of(bucket, "t.tif", [BandSpec("B01")])
    assert "File 't.tif' stores band 1 as float64, which BYOC does not support" in cause


def test_band_index_out_of_range(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif", count=2)
    cause = cause_of(bucket, "t.tif", [BandSpec("a", band_index=1), BandSpec("c", band_index=3)])
    assert "Band 'c' reads band 3 of file 't.tif', which has only 2 band(s)" in cause


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        (BandSpec("B01", band_index=0), "bandIndex 0"),
        (BandSpec("B01", bit_depth=12), "bitDepth 12"),
        (BandSpec("B01", sample_format="COMPLEX"), "sampleFormat 'COMPLEX'"),
    ],
)
def test_invalid_band_definition(
    bucket: Path, make_cog: MakeCog, band: BandSpec, expected: str
) -> None:
    make_cog("t.tif")
    assert expected in cause_of(bucket, "t.tif", [band])


def test_no_bands(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t.tif")
    assert "has no bands" in cause_of(bucket, "t.tif", [])


def test_files_in_different_crs(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t/B01.tif")
    make_cog("t/B02.tif", crs_epsg=32634)
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01"), BandSpec("B02")])
    assert "File 't/B02.tif' is in EPSG:32634 but 't/B01.tif' is in EPSG:32633" in cause


def test_files_that_do_not_overlap(bucket: Path, make_cog: MakeCog) -> None:
    make_cog("t/B01.tif")
    make_cog("t/B02.tif", bounds=(600_000.0, 5_000_000.0, 605_120.0, 5_005_120.0))
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01"), BandSpec("B02")])
    assert "do not overlap" in cause
    # A given cover geometry settles it.
    cover = {
        "type": "Polygon",
        "coordinates": [[[15.0, 45.16], [15.1, 45.16], [15.1, 45.19], [15.0, 45.16]]],
    }
    result = ingest_tile(
        bucket, "t/(BAND).tif", [BandSpec("B01"), BandSpec("B02")], cover_geometry=cover
    )
    assert result.tile_geometry["coordinates"][0][2] == [605_120.0, 5_005_120.0]


# ---- paths that leave the bucket: refused before anything outside is opened


@pytest.fixture
def outside_cog(bucket: Path) -> Path:
    """A valid COG next to the bucket: ingesting it would succeed if it were ever read."""
    return write_cog(
        bucket.parent / "outside" / "B01.tif",
        crs_epsg=UTM_EPSG,
        bounds=UTM_BOUNDS,
        width=256,
        height=256,
    )


@pytest.mark.parametrize(
    ("tile_path", "expected"),
    [
        ("../outside/(BAND).tif", "contains '..'"),
        ("t/../../outside/(BAND).tif", "contains '..'"),
        ("/etc/(BAND)", "is absolute"),
        ("C:/outside/(BAND).tif", "is absolute"),
        ("t//(BAND).tif", "empty folder name"),
        ("t/(BAND).tif/", "empty folder name"),
        ("..\\outside\\(BAND).tif", "backslash"),
        ("", "is empty"),
    ],
)
def test_tile_path_escaping_the_bucket(
    bucket: Path, outside_cog: Path, tile_path: str, expected: str
) -> None:
    assert expected in cause_of(bucket, tile_path, [BandSpec("B01")])


def test_absolute_path_to_a_real_file(bucket: Path, outside_cog: Path) -> None:
    cause = cause_of(bucket, str(outside_cog), [BandSpec("B01")])
    assert "is absolute" in cause


def test_band_source_escaping_the_bucket(bucket: Path, outside_cog: Path) -> None:
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01", source="../../outside/B01")])
    assert "contains '..'" in cause


def test_symlinked_file_leading_outside(bucket: Path, outside_cog: Path) -> None:
    (bucket / "t").mkdir()
    (bucket / "t" / "B01.tif").symlink_to(outside_cog)
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01")])
    assert "File 't/B01.tif' is a symbolic link (or lies under one) that leads outside" in cause


def test_symlinked_folder_leading_outside(bucket: Path, outside_cog: Path) -> None:
    (bucket / "t").symlink_to(outside_cog.parent, target_is_directory=True)
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01")])
    assert "leads outside" in cause


# ---- cover geometries that cannot be used


@pytest.mark.parametrize(
    ("cover", "expected"),
    [
        ({"type": "Point", "coordinates": [15.0, 45.0]}, "not a GeoJSON Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[15.0, 45.0], [15.1]]]}, "malformed coordinates"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[15.0, 45.1], [15.1, 45.2], [15.1, 45.1], [15.0, 45.2],
                                 [15.0, 45.1]]],
            },
            "not a valid polygon (Self-intersection",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[15.0, 45.1], [15.1, 45.1], [15.1, 45.2], [15.0, 45.1]]],
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},
            },
            "unknown CRS 'urn:ogc:def:crs:EPSG::999999'",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[15.0, 45.1], [15.1, 45.1], [15.1, 45.2], [15.0, 45.1]]],
                "crs": "EPSG:4326",
            },
            "malformed crs member",
        ),
    ],
)  # fmt: skip
def test_unusable_cover_geometry(
    bucket: Path, make_cog: MakeCog, cover: dict[str, Any], expected: str
) -> None:
    make_cog("t.tif")
    cause = cause_of(bucket, "t.tif", [BandSpec("B01")], cover_geometry=cover)
    assert "coverGeometry" in cause
    assert expected in cause


def test_file_without_crs(bucket: Path) -> None:
    profile = {"driver": "GTiff", "width": 256, "height": 256, "count": 1, "dtype": "uint8"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(
            bucket / "t.tif", "w", tiled=True, blockxsize=256, blockysize=256, **profile
        ) as dst:
            dst.write(np.zeros((1, 256, 256), dtype="uint8"))
    cause = cause_of(bucket, "t.tif", [BandSpec("B01")])
    assert "File 't.tif' has no coordinate reference system" in cause


# ------------------------------------------------------------------ the data must be readable


def test_cog_cut_to_half_its_size(bucket: Path) -> None:
    """An interrupted upload: headers intact, data missing. The cause says which tile lies
    past the end of the file."""
    write_broken_file(bucket / "t" / "B01.tif", "truncated")
    size = (bucket / "t" / "B01.tif").stat().st_size
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01")])
    assert cause.startswith("File 't/B01.tif' is truncated: internal tile ")
    assert "of its full-resolution image occupies bytes" in cause
    assert f"but the file has only {size} bytes; upload the whole file again." in cause


def test_cog_one_byte_short(bucket: Path, make_cog: MakeCog) -> None:
    path = make_cog("t/B01.tif", fill="noise")
    data = path.read_bytes()
    with rasterio.open(path) as src:
        blocks = {
            (x, y): (
                int(src.get_tag_item(f"BLOCK_OFFSET_{x}_{y}", "TIFF", bidx=1)),
                int(src.get_tag_item(f"BLOCK_SIZE_{x}_{y}", "TIFF", bidx=1)),
            )
            for x in range(2)
            for y in range(2)
        }
    (x, y), (offset, size) = max(blocks.items(), key=lambda item: sum(item[1]))
    end = offset + size
    assert len(data) - 8 <= end <= len(data)  # GDAL may add a few trailer bytes
    path.write_bytes(data[: end - 1])  # one byte short of the last tile's end
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01")])
    assert (
        f"is truncated: internal tile {y * 2 + x} of its full-resolution image occupies bytes "
        f"{offset}-{end - 1} but the file has only {end - 1} bytes" in cause
    )


def test_damaged_internal_tile(bucket: Path) -> None:
    write_broken_file(bucket / "t" / "B01.tif", "damaged_tile")
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01")])
    assert cause.startswith(
        "File 't/B01.tif' has an internal tile that does not decode (the one at pixel column "
        "256, row 256 of its full-resolution image"
    )
    assert str(bucket) not in cause
    assert "upload it again" in cause


def test_damaged_overview_tile(bucket: Path, make_cog: MakeCog) -> None:
    path = make_cog("t/B01.tif", fill="noise")
    with rasterio.open(path, overview_level=0) as src:
        offset = int(src.get_tag_item("BLOCK_OFFSET_0_0", "TIFF", bidx=1))
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(bytes(64))
    cause = cause_of(bucket, "t/(BAND).tif", [BandSpec("B01")])
    assert "(the one at pixel column 0, row 0 of its overview 1" in cause


def test_damaged_tile_of_a_multiband_file(bucket: Path, make_cog: MakeCog) -> None:
    """Pixel-interleaved: the damaged tile holds every band, so reading band 1 finds it."""
    path = make_cog("t/all.tif", count=3, fill="noise")
    with rasterio.open(path) as src:
        offset = int(src.get_tag_item("BLOCK_OFFSET_1_0", "TIFF", bidx=1))
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(bytes(64))
    cause = cause_of(bucket, "t/all.tif", [BandSpec("B1", band_index=2)])
    assert "(the one at pixel column 256, row 0 of its full-resolution image" in cause
