"""``shc ingest`` end to end against the emulator: per-band folders of plain GeoTIFFs become one
tile per scene with ``(BAND)`` under the prefix, a scene of another sample type is refused before
upload, a re-run registers nothing, ``--dry-run`` changes nothing, ``--bucket-dir`` inside a
bucket is a prefix, ``shc ingest set-coverage`` updates cover geometries."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from affine import Affine
from sentinelhub_client import SentinelHubBYOC
from sentinelhub_client.cog import validate_cog
from sentinelhub_emulator import Emulator

from tests.cli.conftest import BUCKET, Shc
from tests.cog.conftest import config_for

BANDS = ("B02", "B03", "B04")


def _plain(path: Path, dtype: str, left: float = 500_000.0) -> None:
    """A striped GeoTIFF without overviews: not a compliant COG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (np.arange(256 * 256).reshape(1, 256, 256) % 200).astype(dtype)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=256,
        height=256,
        count=1,
        dtype=dtype,
        crs="EPSG:32633",
        transform=Affine(10, 0, left, 0, -10, 5_010_000.0),
    ) as dst:
        dst.write(data)


def _scenes(folder: Path) -> Path:
    for scene, dtype in (("s1", "uint16"), ("s2", "uint16"), ("s3", "float32")):
        for band in BANDS:
            _plain(folder / scene / f"{band}.tif", dtype)
    return folder


def _collection(emulator: Emulator) -> str:
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        created = byoc.create_collection({"name": "ingest-tool", "s3Bucket": BUCKET})
    return str(created.collection_id)


def _rows(text: str) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return {row["path"]: row for row in rows}


def test_per_band_folders_become_tiles_under_the_prefix(
    shc: Shc, emulator: Emulator, tmp_path: Path
) -> None:
    scenes = _scenes(tmp_path / "scenes")
    collection = _collection(emulator)
    prefix = f"p-{uuid.uuid4().hex[:6]}"
    args = ["ingest", str(scenes), "--collection", collection, "--bucket-dir"]
    args += [str(shc.bucket()), "--prefix", prefix, "--workers", "2", "--timeout", "60"]

    first = shc(*args, "--json", ok=False)
    assert first.exit_code == 1, first.output
    rows = _rows(first.stdout)
    assert set(rows) == {f"{prefix}/s{n}/(BAND).tif" for n in (1, 2, 3)}
    for n in (1, 2):
        row = rows[f"{prefix}/s{n}/(BAND).tif"]
        assert (row["status"], row["registration"], row["upload"]) == (
            "INGESTED",
            "created",
            "copied",
        )
        assert row["bands"] == "B02, B03, B04"
        for band in BANDS:  # converted into the bucket, under the prefix
            assert validate_cog(shc.bucket() / prefix / f"s{n}" / f"{band}.tif").is_valid
    refused = rows[f"{prefix}/s3/(BAND).tif"]
    assert refused["status"] == "REFUSED"
    assert "s3/B02.tif: band B02 holds float32 (FLOAT 32-bit)" in refused["reason"]
    assert "uint16 (UINT 16-bit); convert it (gdal_translate -ot UInt16" in refused["reason"]
    assert not (shc.bucket() / prefix / "s3").exists()  # refused before upload
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        bands = byoc.get_collection(collection).additional_data.bands  # type: ignore[union-attr]
    assert bands is not None
    found = {name: (b.bit_depth, b.sample_format) for name, b in bands.items()}
    assert found == dict.fromkeys(BANDS, (16, "UINT"))

    again = shc(*args, "--json", "--no-wait", ok=False)
    rows = _rows(again.stdout)
    assert {rows[f"{prefix}/s{n}/(BAND).tif"]["registration"] for n in (1, 2)} == {"existing"}
    assert {rows[f"{prefix}/s{n}/(BAND).tif"]["upload"] for n in (1, 2)} == {"skipped"}
    assert "0 registered, 2 already registered" in again.stderr
    assert "the collection declares band B02 as uint16" in rows[f"{prefix}/s3/(BAND).tif"]["reason"]


def test_dry_run_prints_the_plan_and_changes_nothing(
    shc: Shc, emulator: Emulator, tmp_path: Path
) -> None:
    scenes = _scenes(tmp_path / "scenes")
    collection = _collection(emulator)
    target = shc.bucket() / f"dry-{uuid.uuid4().hex[:6]}"
    args = ["ingest", str(scenes), "--collection", collection, "--bucket-dir", str(target)]
    result = shc(*args, "--dry-run", "--json", ok=False)
    assert result.exit_code == 1  # a tile would be refused
    rows = _rows(result.stdout)
    assert rows[f"{target.name}/s1/(BAND).tif"] == {
        "path": f"{target.name}/s1/(BAND).tif",
        "bands": "B02:uint16, B03:uint16, B04:uint16",
        "files": 3,
        "convert": 3,
        "upload": ", ".join(f"{target.name}/s1/{b}.tif" for b in BANDS),
        "registration": "new",
        "sensing_time": "",
        "reason": "",
    }
    assert rows[f"{target.name}/s3/(BAND).tif"]["reason"]
    assert "dry run, nothing changed" in result.stderr
    assert "3 tiles (1 refused), 6 files" in result.stderr
    assert not target.exists()
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        assert list(byoc.iter_tiles(collection)) == []


def test_bucket_dir_inside_the_bucket_registers_paths_with_it(
    shc: Shc, emulator: Emulator, tmp_path: Path
) -> None:
    for band in BANDS:
        _plain(tmp_path / "one" / "scene" / f"T33_{band}.tif", "uint16")
    collection = _collection(emulator)
    inside = shc.bucket() / f"ingested-{uuid.uuid4().hex[:6]}"
    result = shc(
        "ingest",
        str(tmp_path / "one"),
        "--collection",
        collection,
        "--bucket-dir",
        str(inside),
        "--workers",
        "1",
        "--json",
    )
    [row] = _rows(result.stdout).values()
    assert row["path"] == f"{inside.name}/scene/T33_(BAND).tif"
    assert row["status"] == "INGESTED", row

    covered = shc("ingest", "set-coverage", collection, "--bucket-dir", str(shc.bucket()), "--json")
    assert [json.loads(line)["result"] for line in covered.stdout.splitlines()] == ["updated"]
    assert "1 tiles: 1 updated, 0 failed" in covered.stderr


def test_help_lists_set_coverage_and_the_old_command_is_hidden(shc: Shc) -> None:
    text = shc("ingest", "--help").output
    assert "set-coverage" in text
    assert "--file-pattern" in shc("ingest", "folder", "--help").output
    assert "ingest" not in shc("cog", "--help").output.split("Commands:")[1]
