"""Tile file functions against the real emulator over a socket: ranges at every boundary, faults
(429, 5xx, dropped connections, truncated bodies), a download killed with SIGKILL and resumed,
a file rewritten mid-download, and disk errors. Sync and async."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest
from sentinelhub_client._core.errors import APIError, NotFoundError
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client.byoc.files.sync import (
    DownloadExistsError,
    adownload_tile_file,
    aread_tile_file,
)
from sentinelhub_emulator import Emulator, FaultConfig

from tests.downloads.conftest import PlanetTile, random_bytes, sha256

pytestmark = pytest.mark.integration

MiB = 1 << 20
#: Retries for fault runs: no backoff, but Retry-After honoured (backoff 0 would skip it).
PATIENT = RetryPolicy(backoff=0.001, backoff_max=0.01, max_attempts=12)


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# ---------------------------------------------------------------------------------- small calls


def test_list_and_sizes(planet_tile: PlanetTile, kind: str) -> None:
    planet_tile.put("scene_metadata.json", b'{"id": "x"}')
    planet_tile.put("analytic/scene.tif", random_bytes(12345))
    planet_tile.put("odd names/a #1?&=.tif", b"odd")
    api = planet_tile.api(kind)
    cid, tid = planet_tile.collection_id, planet_tile.tile_id
    files = api("list_tile_files", cid, tid)
    assert files == ["analytic/scene.tif", "odd names/a #1?&=.tif", "scene_metadata.json"]
    assert [api("get_tile_file_size", cid, tid, f) for f in files] == [12345, 3, 11]
    assert api("read_tile_file", cid, tid, "odd names/a #1?&=.tif") == b"odd"


def test_non_planet_collection_is_not_found(
    planet_tile: PlanetTile, emulator: Emulator, emulator_token: str, kind: str
) -> None:
    headers = {"Authorization": f"Bearer {emulator_token}"}
    with httpx.Client(base_url=emulator.base_url + "/api/v1/byoc", headers=headers) as client:
        response = client.post("/collections", json={"name": "own", "s3Bucket": "mine"})
        collection_id = response.json()["data"]["id"]
    [tile] = emulator.store.create_tiles(collection_id, [("x/y", None, None)], status="INGESTED")
    api = planet_tile.api(kind)
    with pytest.raises(NotFoundError) as caught:
        api("list_tile_files", collection_id, str(tile.id))
    assert caught.value.status == 404
    assert "Planet" in str(caught.value)
    with pytest.raises(NotFoundError):
        api("get_tile_file_size", collection_id, str(tile.id), "a.tif")


def test_missing_file(planet_tile: PlanetTile, kind: str, tmp_path: Path) -> None:
    api = planet_tile.api(kind)
    with pytest.raises(NotFoundError, match=r"no file 'nope\.tif'"):
        api(
            "download_tile_file",
            planet_tile.collection_id,
            planet_tile.tile_id,
            "nope.tif",
            tmp_path / "x",
        )
    assert list(tmp_path.iterdir()) == []


SIZE = 1_000_003


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, slice(None)),
        (0, 0, slice(0, 1)),
        (0, SIZE - 1, slice(None)),
        (SIZE - 1, None, slice(SIZE - 1, None)),
        (SIZE - 1, SIZE - 1, slice(SIZE - 1, None)),
        (SIZE - 2, SIZE + 100, slice(SIZE - 2, None)),
        (12_345, 999_999, slice(12_345, 1_000_000)),
        (None, 65_535, slice(0, 65_536)),
    ],
)
def test_ranges_at_every_boundary(
    planet_tile: PlanetTile,
    kind: str,
    start: int | None,
    end: int | None,
    expected: slice,
) -> None:
    data = random_bytes(SIZE)
    planet_tile.put("f.bin", data)
    got = planet_tile.api(kind)(
        "read_tile_file", planet_tile.collection_id, planet_tile.tile_id, "f.bin", start, end
    )
    assert got == data[expected]


@pytest.mark.parametrize(("start", "end"), [(SIZE, None), (SIZE, SIZE + 10), (SIZE + 7, None)])
def test_ranges_beyond_the_end_are_416(
    planet_tile: PlanetTile, kind: str, start: int, end: int | None
) -> None:
    planet_tile.put("f.bin", random_bytes(SIZE))
    with pytest.raises(APIError) as caught:
        planet_tile.api(kind)(
            "read_tile_file", planet_tile.collection_id, planet_tile.tile_id, "f.bin", start, end
        )
    assert caught.value.status == 416


def test_empty_file(planet_tile: PlanetTile, kind: str, tmp_path: Path) -> None:
    planet_tile.put("empty.dat", b"")
    api = planet_tile.api(kind)
    cid, tid = planet_tile.collection_id, planet_tile.tile_id
    assert api("read_tile_file", cid, tid, "empty.dat") == b""
    assert api("download_tile_file", cid, tid, "empty.dat", tmp_path / "e").read_bytes() == b""


# ------------------------------------------------------------------------------------ downloads


def test_download_in_parallel_ranges(planet_tile: PlanetTile, kind: str, tmp_path: Path) -> None:
    data = random_bytes(6 * MiB + 11)
    planet_tile.put("analytic/scene.tif", data)
    calls: list[tuple[int, int]] = []
    out = planet_tile.api(kind)(
        "download_tile_file",
        planet_tile.collection_id,
        planet_tile.tile_id,
        "analytic/scene.tif",
        tmp_path / "scene.tif",
        part_size=MiB,
        concurrency=4,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert sha256(out) == sha256(data)
    assert calls[-1] == (len(data), len(data))
    assert sorted(os.listdir(tmp_path)) == ["scene.tif"]


def test_download_through_faults(
    planet_tile: PlanetTile, emulator: Emulator, kind: str, tmp_path: Path
) -> None:
    data = random_bytes(4 * MiB + 5)
    planet_tile.put("f.bin", data)
    emulator.set_faults(
        FaultConfig(
            seed=7,
            rate_429=0.15,
            retry_after_ms=20,
            rate_5xx=0.1,
            status_5xx=502,
            drop_rate=0.15,
            truncate_rate=0.4,
            path_prefix="/api/v1/byoc/collections",
            max_faults=25,
        )
    )
    out = planet_tile.api(kind)(
        "download_tile_file",
        planet_tile.collection_id,
        planet_tile.tile_id,
        "f.bin",
        tmp_path / "f.bin",
        part_size=256 * 1024,
        concurrency=4,
        retry=PATIENT,
    )
    assert emulator.faults_injected == 25
    assert sha256(out) == sha256(data)


def test_read_through_truncations(planet_tile: PlanetTile, emulator: Emulator, kind: str) -> None:
    data = random_bytes(3 * MiB)
    planet_tile.put("f.bin", data)
    emulator.set_faults(FaultConfig(seed=3, truncate_rate=1.0, max_faults=4))
    got = planet_tile.api(kind)(
        "read_tile_file", planet_tile.collection_id, planet_tile.tile_id, "f.bin", retry=PATIENT
    )
    assert emulator.faults_injected == 4
    assert sha256(got) == sha256(data)


def test_file_rewritten_mid_download(
    planet_tile: PlanetTile, kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old, new = random_bytes(4 * MiB, seed=1), random_bytes(4 * MiB + 999, seed=2)
    planet_tile.put("f.bin", old)
    rewritten = []

    def progress(done: int, total: int) -> None:
        if done >= MiB and not rewritten:
            planet_tile.rewrite("f.bin", new)
            rewritten.append(done)

    out = planet_tile.api(kind)(
        "download_tile_file",
        planet_tile.collection_id,
        planet_tile.tile_id,
        "f.bin",
        tmp_path / "f.bin",
        part_size=512 * 1024,
        chunk_size=256 * 1024,
        concurrency=1,
        progress=progress,
    )
    assert rewritten
    assert "over from zero" in caplog.text
    assert "changed on the server" in caplog.text
    assert sha256(out) == sha256(new)


def test_existing_destination(planet_tile: PlanetTile, kind: str, tmp_path: Path) -> None:
    planet_tile.put("f.bin", b"server")
    (tmp_path / "f.bin").write_bytes(b"local")
    api = planet_tile.api(kind)
    args = (planet_tile.collection_id, planet_tile.tile_id, "f.bin", tmp_path / "f.bin")
    with pytest.raises(DownloadExistsError, match="overwrite=True"):
        api("download_tile_file", *args)
    assert (tmp_path / "f.bin").read_bytes() == b"local"
    assert api("download_tile_file", *args, overwrite=True).read_bytes() == b"server"


def test_download_tile(planet_tile: PlanetTile, kind: str, tmp_path: Path) -> None:
    files = {
        "scene_metadata.json": b'{"id": "scene"}',
        "analytic/scene_4b.tif": random_bytes(3 * MiB, seed=4),
        "analytic/udm/scene_udm2.tif": random_bytes(MiB // 3, seed=5),
    }
    for rel, data in files.items():
        planet_tile.put(rel, data)
    calls: list[tuple[int, int]] = []
    api = planet_tile.api(kind)
    out = api(
        "download_tile",
        planet_tile.collection_id,
        planet_tile.tile_id,
        tmp_path / "t",
        part_size=MiB,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert out == [tmp_path / "t" / rel for rel in sorted(files)]
    for rel, data in files.items():
        assert (tmp_path / "t" / rel).read_bytes() == data
    total = sum(map(len, files.values()))
    assert calls[-1] == (total, total)
    # A second run finds everything complete.
    again: list[tuple[int, int]] = []
    api(
        "download_tile",
        planet_tile.collection_id,
        planet_tile.tile_id,
        tmp_path / "t",
        progress=lambda d, t: again.append((d, t)),
    )
    assert again == [(total, total)]


# ----------------------------------------------------------------------------------- kill -9


CHILD = textwrap.dedent(
    """
    import sys
    import httpx
    from sentinelhub_client.byoc.files.sync import download_tile_file
    base_url, token, cid, tid, path, destination = sys.argv[1:7]
    with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer " + token}) as client:
        download_tile_file(client, cid, tid, path, destination, part_size=128 * 1024,
                           chunk_size=64 * 1024, concurrency=2)
    """
)


def done_bytes(sidecar: Path) -> int:
    try:
        document = json.loads(sidecar.read_text())
    except (OSError, ValueError):
        return 0
    return sum(b - a for a, b in document["done"])


@pytest.mark.parametrize("seed", [1, 2])
def test_resume_after_kill_9(
    planet_tile: PlanetTile, emulator: Emulator, kind: str, tmp_path: Path, seed: int
) -> None:
    data = random_bytes(6 * MiB + 321, seed=seed)
    planet_tile.put("scene.tif", data)
    destination = tmp_path / "scene.tif"
    sidecar = tmp_path / "scene.tif.part.json"
    # Slow the server down so that the child is still downloading when it is killed.
    emulator.set_faults(FaultConfig(latency_ms=80))  # ~2 s for the child's 50 requests
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-c",
            CHILD,
            emulator.base_url,
            planet_tile.token,
            planet_tile.collection_id,
            planet_tile.tile_id,
            "scene.tif",
            str(destination),
        ],
    )
    try:
        # The first sidecar is written a second into the transfer; kill a random moment later.
        deadline = time.monotonic() + 20
        while done_bytes(sidecar) == 0 and child.poll() is None:
            assert time.monotonic() < deadline, "the child made no progress"
            time.sleep(0.01)
        time.sleep(random.Random(seed).uniform(0.0, 0.3))
        assert child.poll() is None, "the child finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    kept = done_bytes(sidecar)
    assert 0 < kept < len(data)
    assert not destination.exists()

    emulator.clear_faults()
    calls: list[tuple[int, int]] = []
    out = planet_tile.api(kind)(
        "download_tile_file",
        planet_tile.collection_id,
        planet_tile.tile_id,
        "scene.tif",
        destination,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[0][0] >= kept  # resumed: the bytes on disk were kept
    assert sha256(out) == sha256(data)
    assert sorted(os.listdir(tmp_path)) == ["scene.tif"]


# --------------------------------------------------------------------------------- disk errors


DISK_CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    import httpx
    from sentinelhub_client import DownloadDiskError
    from sentinelhub_client.byoc.files.sync import download_tile_file
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
    base_url, token, cid, tid, path, destination = sys.argv[1:7]
    with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer " + token}) as client:
        try:
            download_tile_file(client, cid, tid, path, destination)
        except DownloadDiskError as exc:
            print(exc.errno, exc.path, "|", exc, sep="\\t")
            sys.exit(3)
    """
)


def test_file_size_limit_is_a_clear_disk_error(
    planet_tile: PlanetTile, emulator: Emulator, tmp_path: Path
) -> None:
    planet_tile.put("big.tif", random_bytes(3 * MiB))
    destination = tmp_path / "big.tif"
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-c",
            DISK_CHILD,
            emulator.base_url,
            planet_tile.token,
            planet_tile.collection_id,
            planet_tile.tile_id,
            "big.tif",
            str(destination),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    code, path, _, message = result.stdout.strip().split("\t")
    assert int(code) == errno.EFBIG
    assert path == str(tmp_path / "big.tif.part")
    assert "big.tif.part" in message
    assert "resume" in message


# ---------------------------------------------------------------------------- async, directly


@pytest.mark.anyio
async def test_async_download_and_read(planet_tile: PlanetTile, tmp_path: Path) -> None:
    data = random_bytes(3 * MiB + 1)
    planet_tile.put("f.bin", data)
    headers = {"Authorization": f"Bearer {planet_tile.token}"}
    async with httpx.AsyncClient(base_url=planet_tile.emu.base_url, headers=headers) as client:
        out = await adownload_tile_file(
            client,
            planet_tile.collection_id,
            planet_tile.tile_id,
            "f.bin",
            tmp_path / "f.bin",
            part_size=MiB,
        )
        tail = await aread_tile_file(
            client, planet_tile.collection_id, planet_tile.tile_id, "f.bin", len(data) - 10
        )
    assert sha256(out) == sha256(data)
    assert tail == data[-10:]
