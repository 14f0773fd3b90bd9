"""``shc cog`` through click's runner, against an in-process emulator."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sentinelhub_client import SentinelHubBYOC
from sentinelhub_emulator import Emulator

from tests.cli.conftest import Shc
from tests.cog.conftest import BUCKET, bucket_dir, config_for
from tests.cog.corpus import write_cog, write_gtiff

pytestmark = pytest.mark.integration


@pytest.fixture
def shc(emulator: Emulator) -> Shc:
    return Shc(emulator)


def test_validate_prints_each_finding_and_fails_on_a_bad_file(shc: Shc, tmp_path: Path) -> None:
    good = write_cog(tmp_path / "good.tif")
    bad = write_cog(tmp_path / "bad.tif", blocksize=128, epsg=2193)
    result = shc("cog", "validate", str(good), str(bad), ok=False)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["file", "severity", "rule", "message"]
    assert any(line.startswith(f"{good}") and " ok" in line for line in lines)
    assert sum(" block-size " in line for line in lines) == 1
    assert sum(" crs " in line for line in lines) == 1
    assert f"1 of 2 file(s) break BYOC rules: {bad}" in result.output
    ok = shc("cog", "validate", "--json", str(good))
    assert json.loads(ok.stdout) == {
        "path": str(good),
        "is_valid": True,
        "errors": [],
        "warnings": [],
    }


def test_validate_a_missing_file(shc: Shc, tmp_path: Path) -> None:
    result = shc("cog", "validate", str(tmp_path / "nope.tif"), ok=False)
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_convert_then_validate(shc: Shc, tmp_path: Path) -> None:
    src = write_gtiff(tmp_path / "striped.tif", tiled=False)
    result = shc("cog", "convert", str(src), str(tmp_path / "out.tif"), "--blocksize", "256")
    assert f"wrote {tmp_path / 'out.tif'}" in result.output
    shc("cog", "validate", str(tmp_path / "out.tif"))


def test_cover_prints_geojson_and_its_bound(shc: Shc, tmp_path: Path) -> None:
    path = write_cog(tmp_path / "c.tif", width=256, height=256)
    result = shc("cog", "cover", str(path), "--simplify", "0")
    geometry = json.loads(result.stdout)
    assert geometry["type"] == "Polygon"
    assert geometry["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32633"
    assert "within 0 px" in result.stderr


def test_bands_and_urn(shc: Shc, tmp_path: Path) -> None:
    write_cog(tmp_path / "t_B04.tif", dtype="uint8")
    write_cog(tmp_path / "t_B08.tif", dtype="uint8")
    result = shc("cog", "bands", str(tmp_path / "t_(BAND).tif"))
    assert json.loads(result.stdout) == {
        "B04": {"bitDepth": 8, "sampleFormat": "UINT", "bandIndex": 1, "source": "B04"},
        "B08": {"bitDepth": 8, "sampleFormat": "UINT", "bandIndex": 1, "source": "B08"},
    }
    assert shc("cog", "urn", str(tmp_path / "t_B04.tif")).stdout.strip() == (
        "urn:ogc:def:crs:EPSG::32633"
    )


def test_ingest_a_folder_refuses_bad_files_and_is_safe_to_rerun(
    shc: Shc, emulator: Emulator
) -> None:
    """The deprecated ``shc cog ingest`` (files already in the bucket) still works, warns."""
    folder = bucket_dir(emulator) / f"scenes-{uuid.uuid4().hex[:6]}"
    for i in range(3):
        write_cog(folder / f"s{i}.tif", count=2)
    write_cog(folder / "bad.tif", blocksize=128)
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        collection = byoc.create_collection({"name": "ingest", "s3Bucket": BUCKET})
    args = [
        "cog",
        "ingest",
        str(folder),
        "--collection",
        str(collection.collection_id),
        "--prefix",
        folder.name,
        "--timeout",
        "60",
        "--workers",
        "1",
    ]
    first = shc(*args, "--json", ok=False)
    assert first.exit_code == 1
    assert "'shc cog ingest' is deprecated" in first.stderr
    rows = [json.loads(line) for line in first.stdout.splitlines()]
    by_path = {row["path"]: row for row in rows}
    assert by_path[f"{folder.name}/bad.tif"]["status"] == "REFUSED"
    assert "128x128" in by_path[f"{folder.name}/bad.tif"]["reason"]
    for i in range(3):
        row = by_path[f"{folder.name}/s{i}.tif"]
        assert (row["status"], row["registration"], row["upload"]) == ("INGESTED", "created", "")
    assert "3 registered, 0 already registered" in first.stderr
    assert "1 refused" in first.stderr
    again = shc(*args, ok=False)
    assert "0 registered, 3 already registered" in again.stderr
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        tiles = list(byoc.iter_tiles(collection))
    assert sorted(t.path for t in tiles) == [f"{folder.name}/s{i}.tif" for i in range(3)]
    # The cover geometry sent is the traced one, in the files' CRS.
    assert all(t.cover_geometry is not None for t in tiles)


def test_register_from_stdin(shc: Shc, emulator: Emulator) -> None:
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        collection = byoc.create_collection({"name": "reg", "s3Bucket": BUCKET})
    lines = "a/1.tif\n\n" + json.dumps({"path": "a/2.tif", "sensingTime": "2024-01-02T03:04:05Z"})
    result = shc("cog", "register", str(collection.collection_id), "--json", input=lines)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted((r["path"], r["result"]) for r in rows) == [
        ("a/1.tif", "created"),
        ("a/2.tif", "created"),
    ]
    assert "created 2, skipped 0, failed 0" in result.stderr
    again = shc("cog", "register", str(collection.collection_id), input=lines)
    assert "created 0, skipped 2, failed 0" in again.stderr
