"""to_cog: files that break rules come out compliant, pass validate_cog, and the emulator
ingests them over a socket; what conversion cannot fix is refused with the findings."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import rasterio
from sentinelhub_client import SentinelHubBYOC, TileStatus
from sentinelhub_client.cog import bands_from_files, crs_from_urn, crs_urn, to_cog, validate_cog
from sentinelhub_emulator import Emulator

from tests.cog.conftest import BUCKET, bucket_dir, config_for
from tests.cog.corpus import write_cog, write_gtiff

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("case", "rule"),
    [("striped", "tiled"), ("uneven", "block-size-equal"), ("small_blocks", "block-size")],
)
def test_broken_layouts_come_out_compliant(tmp_path: Path, case: str, rule: str) -> None:
    src = tmp_path / "in.tif"
    if case == "striped":
        write_gtiff(src, width=1500, height=900, tiled=False)
    elif case == "uneven":
        write_gtiff(
            src, width=1024, height=1024, blocksize=512, overview_blocksize=256, overviews=(2, 4)
        )
    else:
        write_cog(src, blocksize=128)
    assert [f.rule for f in validate_cog(src).errors] == [rule]
    report = to_cog(src, tmp_path / "out.tif", blocksize=256)
    assert report.is_valid
    again = validate_cog(tmp_path / "out.tif")
    assert again.is_valid
    assert again.facts is not None
    assert again.facts.block == (256, 256)
    with rasterio.open(src) as a, rasterio.open(tmp_path / "out.tif") as b:
        assert (a.read() == b.read()).all()
        assert a.transform == b.transform
        assert b.overviews(1)  # overviews added
    assert not (tmp_path / "out.tif.part").exists()


def test_a_forbidden_crs_is_reprojected_when_asked(tmp_path: Path) -> None:
    src = write_cog(tmp_path / "nz.tif", epsg=2193)
    with pytest.raises(ValueError, match=r"\[crs\]"):
        to_cog(src, tmp_path / "out.tif")
    assert not (tmp_path / "out.tif").exists()
    report = to_cog(src, tmp_path / "out.tif", crs=4326)
    assert report.is_valid
    assert crs_urn(tmp_path / "out.tif") == "urn:ogc:def:crs:EPSG::4326"


def test_an_unsupported_data_type_is_refused_with_the_finding(tmp_path: Path) -> None:
    src = write_cog(tmp_path / "f64.tif", dtype="float64")
    with pytest.raises(ValueError, match=r"\[data-type\].*float64"):
        to_cog(src, tmp_path / "out.tif")
    assert not (tmp_path / "out.tif").exists()
    assert not (tmp_path / "out.tif.part").exists()


@pytest.mark.parametrize(
    ("options", "word"),
    [({"blocksize": 100}, "blocksize"), ({"resampling": "magic"}, "resampling")],
)
def test_bad_options(tmp_path: Path, options: dict[str, object], word: str) -> None:
    src = write_cog(tmp_path / "a.tif")
    with pytest.raises(ValueError, match=word):
        to_cog(src, tmp_path / "b.tif", **options)  # type: ignore[arg-type]


def test_an_existing_destination_is_kept_unless_overwrite(tmp_path: Path) -> None:
    src = write_cog(tmp_path / "a.tif")
    (tmp_path / "b.tif").write_bytes(b"keep")
    with pytest.raises(ValueError, match="overwrite"):
        to_cog(src, tmp_path / "b.tif")
    assert (tmp_path / "b.tif").read_bytes() == b"keep"
    assert to_cog(src, tmp_path / "b.tif", overwrite=True).is_valid


def test_converted_files_are_ingested_by_the_emulator(tmp_path: Path) -> None:
    with Emulator(tmp_path / "emu") as emu:
        folder = bucket_dir(emu) / "conv"
        folder.mkdir(parents=True)
        for band in ("B02", "B03"):
            raw = write_gtiff(tmp_path / f"raw_{band}.tif", width=700, height=600, tiled=False)
            to_cog(raw, folder / f"{band}.tif")
        spec = bands_from_files(str(folder / "(BAND).tif"))
        assert spec == {
            "B02": {"bitDepth": 16, "sampleFormat": "UINT", "bandIndex": 1, "source": "B02"},
            "B03": {"bitDepth": 16, "sampleFormat": "UINT", "bandIndex": 1, "source": "B03"},
        }
        with SentinelHubBYOC(config_for(emu)) as byoc:
            collection = byoc.create_collection(
                {"name": uuid.uuid4().hex, "s3Bucket": BUCKET, "additionalData": {"bands": spec}}
            )
            report = byoc.register_tiles(collection, [{"path": "conv/(BAND).tif"}])
            [tile] = byoc.wait_for_tiles(collection, report.created, interval=0.05, timeout=60)
    assert tile.status is TileStatus.INGESTED, tile.failed_ingestion_cause


@pytest.mark.parametrize(
    ("given", "urn"),
    [
        (32633, "urn:ogc:def:crs:EPSG::32633"),
        ("EPSG:4326", "urn:ogc:def:crs:EPSG::4326"),
        ("urn:ogc:def:crs:EPSG::3035", "urn:ogc:def:crs:EPSG::3035"),
        ("http://www.opengis.net/def/crs/EPSG/0/3857", "urn:ogc:def:crs:EPSG::3857"),
        (rasterio.crs.CRS.from_epsg(32733), "urn:ogc:def:crs:EPSG::32733"),
    ],
)
def test_crs_urn_and_back(given: object, urn: str) -> None:
    assert crs_urn(given) == urn
    assert crs_from_urn(urn) == int(urn.rsplit(":", 1)[1])


def test_crs84_reads_as_4326_and_junk_is_refused() -> None:
    assert crs_from_urn("urn:ogc:def:crs:OGC:1.3:CRS84") == 4326
    with pytest.raises(ValueError, match="urn"):
        crs_from_urn("EPSG 4326")
    with pytest.raises(ValueError, match="crs"):
        crs_urn("nowhere")


def test_bands_of_a_multiband_file_with_nodata(tmp_path: Path) -> None:
    path = write_cog(tmp_path / "m.tif", count=3, dtype="int16", nodata=-1)
    assert bands_from_files(path) == {
        f"B{i}": {"bitDepth": 16, "sampleFormat": "INT", "bandIndex": i, "noData": -1.0}
        for i in (1, 2, 3)
    }


def test_bands_names_are_made_identifiers(tmp_path: Path) -> None:
    for name in ("1-red", "class"):
        write_cog(tmp_path / f"s_{name}.tif")
    spec = bands_from_files(str(tmp_path / "s_(BAND).tif"))
    assert sorted(spec) == ["B1_red", "class_"]
    assert spec["class_"]["source"] == "class"
    with pytest.raises(ValueError, match="no file matches"):
        bands_from_files(str(tmp_path / "none_(BAND).tif"))
