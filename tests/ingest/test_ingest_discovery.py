"""discover_bands and collection_max_meters_per_pixel."""

from __future__ import annotations

from pathlib import Path

import pytest
from sentinelhub_emulator.byoc.ingest import (
    BandSpec,
    IngestionFailure,
    collection_max_meters_per_pixel,
    discover_bands,
    ingest_tile,
)
from sentinelhub_emulator.samples import write_cog

from .conftest import UTM_BOUNDS, UTM_EPSG, MakeCog


def small(make_cog: MakeCog, rel: str, **options: object) -> Path:
    return make_cog(rel, width=256, height=256, overviews=False, **options)


def test_single_band_files_sorted_naturally(bucket: Path, make_cog: MakeCog) -> None:
    for band in ("B10", "B02", "B8A", "B01"):
        small(make_cog, f"t/S2_{band}.tif")
    small(make_cog, "t/other.tif")  # does not match the pattern
    small(make_cog, "elsewhere/S2_B03.tif")  # another folder

    bands = discover_bands(bucket, "t/S2_(BAND).tif")

    assert bands == tuple(
        BandSpec(name, source=name, band_index=1, bit_depth=16, sample_format="UINT")
        for name in ("B01", "B02", "B8A", "B10")
    )


def test_discovered_bands_ingest(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "t/B01.tif", dtype="int16")
    small(make_cog, "t/B02.tif", dtype="float32")
    bands = discover_bands(bucket, "t/(BAND).tif")
    assert [(b.name, b.bit_depth, b.sample_format) for b in bands] == [
        ("B01", 16, "INT"),
        ("B02", 32, "FLOAT"),
    ]
    result = ingest_tile(bucket, "t/(BAND).tif", bands)
    assert result.files == ("t/B01.tif", "t/B02.tif")


def test_names_become_javascript_identifiers(bucket: Path, make_cog: MakeCog) -> None:
    for source in ("band-1", "band_1", "2019", "class", "nir.v2", "$ok"):
        small(make_cog, f"t/{source}.tif")
    bands = discover_bands(bucket, "t/(BAND).tif")
    # Natural order puts leading digits first; "band-1" sorts before "band_1" ("-" < "_").
    assert [(b.source, b.name) for b in bands] == [
        ("2019", "B2019"),
        ("$ok", "$ok"),
        ("band-1", "band_1_2"),  # sanitised into a clash: the file really named band_1 wins
        ("band_1", "band_1"),
        ("class", "class_"),  # reserved word
        ("nir.v2", "nir_v2"),
    ]
    result = ingest_tile(bucket, "t/(BAND).tif", bands)
    assert "t/band-1.tif" in result.files


def test_multi_band_file_with_placeholder(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "t/img_rgb.tif", count=3, dtype="uint8")
    small(make_cog, "t/img_dem.tif", dtype="float32")
    bands = discover_bands(bucket, "t/img_(BAND).tif")
    assert bands == (
        BandSpec("dem", source="dem", band_index=1, bit_depth=32, sample_format="FLOAT"),
        BandSpec("rgb_1", source="rgb", band_index=1, bit_depth=8, sample_format="UINT"),
        BandSpec("rgb_2", source="rgb", band_index=2, bit_depth=8, sample_format="UINT"),
        BandSpec("rgb_3", source="rgb", band_index=3, bit_depth=8, sample_format="UINT"),
    )
    result = ingest_tile(bucket, "t/img_(BAND).tif", bands)
    assert result.files == ("t/img_dem.tif", "t/img_rgb.tif")
    assert [b.band_index for b in result.detected_bands] == [1, 1, 2, 3]


def test_path_without_placeholder(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "scene.tif", count=4, dtype="uint16")
    bands = discover_bands(bucket, "scene.tif")
    assert bands == tuple(
        BandSpec(f"B{i}", source=None, band_index=i, bit_depth=16, sample_format="UINT")
        for i in range(1, 5)
    )
    result = ingest_tile(bucket, "scene.tif", bands)
    assert result.files == ("scene.tif",)
    assert len(result.detected_bands) == 4


def test_placeholder_in_a_folder_name(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "t/red/data.tif")
    small(make_cog, "t/nir/data.tif")
    small(make_cog, "t/nir/other.tif")
    bands = discover_bands(bucket, "t/(BAND)/data.tif")
    assert [(b.name, b.source) for b in bands] == [("nir", "nir"), ("red", "red")]


def test_repeated_placeholder_must_match_the_same_text(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "t/a/a.tif")
    small(make_cog, "t/b/c.tif")
    bands = discover_bands(bucket, "t/(BAND)/(BAND).tif")
    assert [b.name for b in bands] == ["a"]


def test_glob_characters_in_the_path_are_literal(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "t[1]/B01.tif")
    small(make_cog, "t1/B02.tif")
    assert [b.name for b in discover_bands(bucket, "t[1]/(BAND).tif")] == ["B01"]


def test_nothing_matches(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "t/B01.tiff")
    with pytest.raises(IngestionFailure, match=r"No file in the bucket matches the tile path"):
        discover_bands(bucket, "t/(BAND).tif")
    with pytest.raises(IngestionFailure, match=r"No file"):
        discover_bands(bucket, "missing/(BAND).tif")


def test_missing_single_file(bucket: Path) -> None:
    with pytest.raises(IngestionFailure, match=r"File 'scene.tif' was not found"):
        discover_bands(bucket, "scene.tif")


def test_unreadable_match(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "t/B01.tif")
    (bucket / "t" / "notes.tif").write_text("not a raster")
    with pytest.raises(IngestionFailure, match=r"File 't/notes.tif' could not be read"):
        discover_bands(bucket, "t/(BAND).tif")


def test_unsupported_dtype(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "t/B01.tif", dtype="float64")
    with pytest.raises(IngestionFailure, match=r"stores band 1 as float64"):
        discover_bands(bucket, "t/(BAND).tif")


def test_escaping_paths_are_refused(bucket: Path) -> None:
    outside = bucket.parent / "outside"
    write_cog(outside / "B01.tif", crs_epsg=UTM_EPSG, bounds=UTM_BOUNDS, width=256, height=256)
    with pytest.raises(IngestionFailure, match=r"contains '\.\.'"):
        discover_bands(bucket, "../outside/(BAND).tif")
    (bucket / "t").mkdir()
    (bucket / "t" / "B01.tif").symlink_to(outside / "B01.tif")
    with pytest.raises(IngestionFailure, match=r"leads outside the bucket"):
        discover_bands(bucket, "t/(BAND).tif")


def test_more_than_100_bands(bucket: Path, make_cog: MakeCog) -> None:
    small(make_cog, "scene.tif", count=101, dtype="uint8", fill="zeros")
    with pytest.raises(IngestionFailure, match=r"hold 101 bands, more than the 100"):
        discover_bands(bucket, "scene.tif")


@pytest.mark.parametrize(
    ("per_tile", "expected"),
    [
        ([10.0, 20.0, 40.0], 500.0),  # 5 x 20 = 100, raised to 500
        ([150.0, 250.0], 1000.0),  # median of an even count is the mean of the middle two
        ([200.0, 300.0, 1000.0], 1500.0),
        ([100.0], 500.0),  # exactly at the floor
        ([160.0, 160.0, 10_000.0, 20.0], 800.0),
        ([], 500.0),
    ],
)
def test_collection_max_meters_per_pixel(per_tile: list[float], expected: float) -> None:
    assert collection_max_meters_per_pixel(per_tile) == expected


@pytest.mark.parametrize("bad", [[0.0], [-5.0], [float("nan")], [float("inf")]])
def test_collection_max_meters_per_pixel_rejects_nonsense(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="positive finite"):
        collection_max_meters_per_pixel(bad)
