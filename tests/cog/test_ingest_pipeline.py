"""`ingest_folder` / `aingest_folder` as pipelines against the emulator: the async twin registers
a tile while later ones are still converted; a re-run whose registered tiles' objects are what
an earlier run sent converts nothing, sends nothing and registers nothing; a changed source is
converted and sent again."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from affine import Affine
from sentinelhub_client import AsyncSentinelHubBYOC, SentinelHubBYOC
from sentinelhub_client.cog import aingest_folder, ingest_folder
from sentinelhub_client.cog import ingest as ingest_module
from sentinelhub_emulator import Emulator

from tests.cog.conftest import BUCKET, bucket_dir, config_for

pytestmark = pytest.mark.integration

BANDS = ("B02", "B03", "B04")


def _plain(path: Path, value: int = 0) -> None:
    """A striped GeoTIFF without overviews: not a compliant COG, so it is converted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = ((np.arange(256 * 256).reshape(1, 256, 256) + value) % 200).astype("uint16")
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=256,
        height=256,
        count=1,
        dtype="uint16",
        crs="EPSG:32633",
        transform=Affine(10, 0, 500_000.0, 0, -10, 5_010_000.0),
    ) as dst:
        dst.write(data)


def _scenes(folder: Path, count: int) -> Path:
    for n in range(count):
        for band in BANDS:
            _plain(folder / f"s{n}" / f"{band}.tif")
    return folder


def _collection(emulator: Emulator) -> str:
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        created = byoc.create_collection({"name": uuid.uuid4().hex, "s3Bucket": BUCKET})
    return str(created.collection_id)


@pytest.mark.anyio
async def test_the_async_twin_registers_a_tile_before_the_last_is_converted(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenes = _scenes(tmp_path / "scenes", 3)
    collection = _collection(emulator)
    prefix = f"async-{uuid.uuid4().hex[:6]}"
    real = ingest_module._prepare
    seen: dict[str, list[str]] = {}

    def last_waits_for_a_registration(task: Any) -> Any:
        """The last tile's conversion starts once the service lists a registered tile (or
        after 30 s): what was registered by then is what the pipeline registered early."""
        if task.index == 2:
            deadline = time.monotonic() + 30
            with SentinelHubBYOC(config_for(emulator)) as byoc:
                while True:
                    paths = [t.path for t in byoc.iter_tiles(collection)]
                    if paths or time.monotonic() > deadline:
                        break
                    time.sleep(0.05)
            seen["before the last conversion"] = paths
        return real(task)

    monkeypatch.setattr(ingest_module, "_prepare", last_waits_for_a_registration)
    async with AsyncSentinelHubBYOC(config_for(emulator)) as byoc:
        report = await aingest_folder(
            byoc,
            scenes,
            collection,
            bucket_dir=bucket_dir(emulator),
            prefix=prefix,
            workers=1,
            interval=0.05,
            timeout=60,
        )
    assert report.ok, report.tiles
    assert [t.status for t in report.tiles] == ["INGESTED"] * 3
    assert seen["before the last conversion"]
    assert f"{prefix}/s2/(BAND).tif" not in seen["before the last conversion"]


def test_a_rerun_converts_nothing_sends_nothing_and_registers_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    scenes = _scenes(tmp_path / "scenes", 2)
    collection = _collection(emulator)
    prefix = f"rerun-{uuid.uuid4().hex[:6]}"
    target = bucket_dir(emulator) / prefix

    def run() -> tuple[Any, list[str]]:
        lines: list[str] = []
        with SentinelHubBYOC(config_for(emulator)) as byoc:
            report = ingest_folder(
                byoc,
                scenes,
                collection,
                bucket_dir=bucket_dir(emulator),
                prefix=prefix,
                workers=1,
                interval=0.05,
                timeout=60,
                progress=lines.append,
            )
        return report, lines

    first, lines = run()
    assert first.ok, first.tiles
    assert [(t.converted, t.upload, t.registration) for t in first.tiles] == [
        (3, "copied", "created")
    ] * 2
    assert sum(line.startswith("converted ") for line in lines) == 6
    sent = {path: path.stat().st_mtime_ns for path in target.rglob("*.tif")}
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        tiles = {t.path: t.tile_id for t in byoc.iter_tiles(collection)}

    again, lines = run()
    assert again.ok, again.tiles
    assert [(t.converted, t.upload, t.registration, t.status) for t in again.tiles] == [
        (0, "skipped", "existing", "INGESTED")
    ] * 2
    assert not [line for line in lines if line.startswith("converted ")]
    assert "2 registered tiles already in place: neither converted nor sent" in lines
    assert "0 registered, 2 already registered" in again.summary()
    assert {path: path.stat().st_mtime_ns for path in target.rglob("*.tif")} == sent
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        assert {t.path: t.tile_id for t in byoc.iter_tiles(collection)} == tiles

    # A source that changed is converted and sent again (its tile stays registered).
    _plain(scenes / "s1" / "B03.tif", value=7)
    changed, lines = run()
    rows = {t.tile_path: (t.converted, t.upload, t.registration) for t in changed.tiles}
    assert rows == {
        f"{prefix}/s0/(BAND).tif": (0, "skipped", "existing"),
        f"{prefix}/s1/(BAND).tif": (3, "copied", "existing"),
    }
    assert (target / "s1" / "B03.tif").stat().st_mtime_ns != sent[target / "s1" / "B03.tif"]
    assert (target / "s1" / "B02.tif").stat().st_mtime_ns == sent[target / "s1" / "B02.tif"]


def test_an_s3_object_is_taken_as_sent_only_with_the_same_size_and_sha256(tmp_path: Path) -> None:
    """What a re-run checks before it skips a registered tile on S3: the object's size and the
    SHA-256 metadata the uploader writes."""
    pytest.importorskip("boto3")
    from sentinelhub_client.s3 import S3Uploader

    from tests.support.s3 import running_s3_server

    source = tmp_path / "t" / "B02.tif"
    _plain(source)
    size = source.stat().st_size
    sha = ingest_module._sha256(source)
    with running_s3_server(tmp_path) as server:
        bucket = server.new_bucket()
        uploader = S3Uploader(client=server.client())
        try:
            uploader.upload_tile([source], f"s3://{bucket}/t")
            destination = ingest_module._Destination(bucket=bucket, uploader=uploader)
            assert destination.holds("t/B02.tif", size, sha)
            assert not destination.holds("t/B02.tif", size, "0" * 64)
            assert not destination.holds("t/B02.tif", size + 1, sha)
            assert not destination.holds("t/B03.tif", size, sha)
        finally:
            uploader.close()
