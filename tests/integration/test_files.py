"""Planet tile files through the BYOC clients (sync and async) against the emulator."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sentinelhub_client import DownloadError, NotFoundError
from sentinelhub_emulator import Emulator

from tests.integration.conftest import BUCKET, PLANET_BUCKET, bucket_dir
from tests.support.twin import Twin

pytestmark = [pytest.mark.anyio, pytest.mark.integration]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_files_of_a_planet_tile(byoc: Twin, emulator: Emulator, tmp_path: Path) -> None:
    folder = f"orders/{os.urandom(4).hex()}"
    root = bucket_dir(emulator, PLANET_BUCKET) / folder
    (root / "sub dir").mkdir(parents=True)
    big = os.urandom(3 * 1024 * 1024 + 17)
    (root / "analytic.tif").write_bytes(big)
    (root / "sub dir" / "meta #1.json").write_bytes(b'{"a": 1}')
    collection = await byoc.call("create_collection", {"name": "planet", "s3Bucket": PLANET_BUCKET})
    tile = await byoc.call("create_tile", collection, {"path": folder})

    names = await byoc.call("list_tile_files", collection, tile)
    assert sorted(names) == ["analytic.tif", "sub dir/meta #1.json"]
    assert await byoc.call("get_tile_file_size", collection, tile, "analytic.tif") == len(big)
    assert await byoc.call("read_tile_file", collection, tile, "analytic.tif", 10, 19) == big[10:20]
    assert (
        await byoc.call("read_tile_file", collection, tile, "sub dir/meta #1.json") == b'{"a": 1}'
    )
    chunks = await byoc.collect(
        byoc.client.iter_tile_file(collection, tile, "analytic.tif", start=1000, chunk_size=65536)
    )
    assert b"".join(chunks) == big[1000:]

    target = tmp_path / "one" / "analytic.tif"
    seen: list[tuple[int, int]] = []
    path = await byoc.call(
        "download_tile_file",
        collection,
        tile,
        "analytic.tif",
        target,
        part_size=1024 * 1024,
        concurrency=3,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert path == target
    assert _sha(target) == _sha(root / "analytic.tif")
    assert seen[-1] == (len(big), len(big))
    assert not target.with_name("analytic.tif.part").exists()
    with pytest.raises(DownloadError):
        await byoc.call("download_tile_file", collection, tile, "analytic.tif", target)

    everything = await byoc.call("download_tile", collection, tile, tmp_path / "all")
    assert sorted(p.relative_to(tmp_path / "all").as_posix() for p in everything) == sorted(names)
    assert (tmp_path / "all" / "sub dir" / "meta #1.json").read_bytes() == b'{"a": 1}'


async def test_ordinary_collections_have_no_files(byoc: Twin) -> None:
    collection = await byoc.call("create_collection", {"name": "plain", "s3Bucket": BUCKET})
    tile = await byoc.call("create_tile", collection, {"path": "x/y"})
    with pytest.raises(NotFoundError):
        await byoc.call("list_tile_files", collection, tile)
