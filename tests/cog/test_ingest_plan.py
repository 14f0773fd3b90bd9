"""How `shc ingest` groups files into tiles and bands (pure), where an emulator's bucket folder
is, and the checks made on metadata before anything is sent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sentinelhub_client.cog.plan import (
    DeclaredBand,
    bucket_root,
    group_files,
    load_band_map,
    plan_ingestion,
)
from sentinelhub_emulator.samples import write_cog

UTM_BOUNDS = (500_000.0, 5_000_000.0, 502_560.0, 5_002_560.0)


def _layout(rels: list[str], **options: object) -> dict[str, list[tuple[str, str | None]]]:
    groups, _ = group_files(rels, **options)  # type: ignore[arg-type]
    return {g.template: [(m.target, m.band) for m in g.members] for g in groups}


def test_per_band_folders_form_one_tile_per_folder() -> None:
    rels = [f"{scene}/{band}.tif" for scene in ("s1", "s2") for band in ("B02", "B03", "B04")]
    assert _layout(rels) == {
        f"{scene}/(BAND).tif": [(f"{scene}/{b}.tif", b) for b in ("B02", "B03", "B04")]
        for scene in ("s1", "s2")
    }


def test_band_in_the_name_groups_by_the_part_that_differs() -> None:
    rels = [
        f"T33TWM_{day}_{band}.tif" for day in ("20240501", "20240601") for band in ("B02", "B8A")
    ]
    assert _layout(rels) == {
        f"T33TWM_{day}_(BAND).tif": [
            (f"T33TWM_{day}_B02.tif", "B02"),
            (f"T33TWM_{day}_B8A.tif", "B8A"),
        ]
        for day in ("20240501", "20240601")
    }


def test_dates_and_multi_band_files_stay_tiles_of_their_own() -> None:
    rels = ["scene_20240501.tif", "scene_20240502.tif", "a.tif", "b.tif"]
    layout = _layout(rels, single_band=lambda rel: rel.startswith("scene"))
    assert layout == {rel: [(rel, None)] for rel in rels}


def test_file_pattern_names_tile_band_and_time() -> None:
    rels = [
        "raw/S2_T33_20240501T101010_proc1_B02.jp2",
        "raw/S2_T33_20240501T101010_proc2_B03.jp2",
        "raw/notes.txt",
    ]
    groups, skipped = group_files(
        rels,
        file_pattern=r"S2_(?P<tile>T\d+_(?P<time>\d{8}T\d{6}))_proc\d_(?P<band>B\d+)\.jp2",
    )
    assert skipped == ["raw/notes.txt"]
    [group] = groups
    # The names differ in more than the band: stored as <tile>/<band>.tif
    assert group.template == "raw/T33_20240501T101010/(BAND).tif"
    assert [(m.target, m.band) for m in group.members] == [
        ("raw/T33_20240501T101010/B02.tif", "B02"),
        ("raw/T33_20240501T101010/B03.tif", "B03"),
    ]
    assert group.time == "20240501T101010"


def test_band_map_names_bands_of_a_folder(tmp_path: Path) -> None:
    mapping_file = tmp_path / "bands.txt"
    mapping_file.write_text("red.tif B04  # the red band\ngreen.tif=B03\n*_nir.tif,B08\n")
    mapping = load_band_map(mapping_file)
    assert mapping == {"red.tif": "B04", "green.tif": "B03", "*_nir.tif": "B08"}
    groups, skipped = group_files(
        ["x/red.tif", "x/green.tif", "x/scene_nir.tif", "x/readme.tif"], band_map=mapping
    )
    assert skipped == ["x/readme.tif"]
    assert [(g.template, [(m.target, m.band) for m in g.members]) for g in groups] == [
        ("x/(BAND).tif", [("x/B03.tif", "B03"), ("x/B04.tif", "B04"), ("x/B08.tif", "B08")])
    ]
    (tmp_path / "bands.json").write_text('{"red.tif": "B04"}')
    assert load_band_map(tmp_path / "bands.json") == {"red.tif": "B04"}


def test_a_folder_inside_an_emulator_bucket_is_a_prefix(tmp_path: Path) -> None:
    data = tmp_path / "emu"
    (data / "buckets" / "b" / "in" / "side").mkdir(parents=True)
    (data / "emulator.sqlite3").write_bytes(b"")
    assert bucket_root(data / "buckets" / "b" / "in" / "side") == (
        (data / "buckets" / "b").absolute(),
        "in/side",
    )
    assert bucket_root(data / "buckets" / "b") == ((data / "buckets" / "b").absolute(), "")
    plain = tmp_path / "plain" / "folder"
    assert bucket_root(plain) == (plain.absolute(), "")


def _scene(folder: Path, dtype: str = "uint16", bounds: tuple[float, ...] = UTM_BOUNDS) -> None:
    for band in ("B02", "B03"):
        write_cog(
            folder / f"{band}.tif",
            crs_epsg=32633,
            bounds=bounds,  # type: ignore[arg-type]
            width=256,
            height=256,
            dtype=dtype,
            overviews=False,
        )


def test_checks_refuse_before_upload_naming_file_band_types_and_fix(tmp_path: Path) -> None:
    _scene(tmp_path / "a")
    _scene(tmp_path / "b", dtype="float32")
    _scene(tmp_path / "c")
    write_cog(  # one band of scene d elsewhere: not the same grid
        tmp_path / "c2" / "B02.tif",
        crs_epsg=32633,
        bounds=(600_000.0, 5_000_000.0, 602_560.0, 5_002_560.0),
        width=256,
        height=256,
        overviews=False,
    )
    write_cog(
        tmp_path / "c2" / "B03.tif",
        crs_epsg=32633,
        bounds=UTM_BOUNDS,
        width=256,
        height=256,
        overviews=False,
    )
    plan = plan_ingestion(tmp_path, prefix="p", destination="here")
    refused = {t.path: t.refused for t in plan.tiles if t.refused}
    assert set(refused) == {"p/b/(BAND).tif", "p/c2/(BAND).tif"}
    assert re.search(
        r"b/B02.tif: band B02 holds float32 \(FLOAT 32-bit\) but the first tile of this run "
        r".*uint16 \(UINT 16-bit\); convert it \(gdal_translate -ot UInt16",
        refused["p/b/(BAND).tif"],
    )
    assert "share one grid" in refused["p/c2/(BAND).tif"]
    assert [t.path for t in plan.accepted] == ["p/a/(BAND).tif", "p/c/(BAND).tif"]
    assert plan.accepted[0].bands == {"B02": "uint16", "B03": "uint16"}

    declared = [DeclaredBand("B02", "B02", 1, "float32"), DeclaredBand("B03", "B03", 1, "float32")]
    against = plan_ingestion(tmp_path, declared=declared, existing=["b/(BAND).tif"])
    assert [t.path for t in against.accepted] == ["b/(BAND).tif"]
    assert against.accepted[0].exists
    assert "the collection declares band B02 as float32" in against.tiles[0].refused


@pytest.mark.parametrize("bad", ['["list"]', "one two three"])
def test_a_malformed_band_map_is_refused(tmp_path: Path, bad: str) -> None:
    (tmp_path / "m").write_text(bad)
    with pytest.raises(ValueError, match=r"band map|expected 'FILE BAND'"):
        load_band_map(tmp_path / "m")
