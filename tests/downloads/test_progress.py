"""The ready progress bar of `sentinelhub_client.progress`, and stopping a download midway."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import anyio
import httpx
import pytest
from rich.console import Console
from sentinelhub_client.byoc.files.sync import adownload_tile_file
from sentinelhub_client.progress import ProgressBar, progress_bar
from sentinelhub_emulator import Emulator, FaultConfig

from tests.downloads.conftest import Api, PlanetTile, random_bytes, sha256
from tests.downloads.fake_server import COLLECTION_ID, TILE_ID, FakeServer

MiB = 1 << 20


def test_progress_bar_draws_bytes_and_total() -> None:
    output = io.StringIO()
    console = Console(file=output, force_terminal=True, width=100)
    with progress_bar("Tile 42", console=console) as bar:
        assert isinstance(bar, ProgressBar)
        bar(512 * 1024, 2 * MiB)
        bar(2 * MiB, 2 * MiB)
    text = output.getvalue()
    assert "Tile 42" in text
    assert "2.0/2.0 MiB" in text
    assert (bar.done, bar.total) == (2 * MiB, 2 * MiB)


def test_progress_bar_from_many_threads() -> None:
    console = Console(file=io.StringIO(), force_terminal=True)
    with progress_bar(console=console, transient=True) as bar:
        threads = [
            threading.Thread(target=lambda i=i: [bar(i * 100 + k, 10_000) for k in range(100)])
            for i in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert bar.total == 10_000


def test_progress_bar_disabled_still_records(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("a.tif", random_bytes(300_000))
    with progress_bar(disable=True) as bar:
        api(
            "download_tile_file",
            COLLECTION_ID,
            TILE_ID,
            "a.tif",
            tmp_path / "a.tif",
            progress=bar,
            part_size=100_000,
        )
    assert (bar.done, bar.total) == (300_000, 300_000)


def test_interrupt_in_the_middle_keeps_what_was_written(fake: FakeServer, tmp_path: Path) -> None:
    """Ctrl-C (KeyboardInterrupt) mid-download: the sidecar is written on the way out."""
    data = random_bytes(400_000)
    fake.add("a.tif", data)
    api = Api("sync")

    def interrupt(done: int, total: int) -> None:
        if done >= 200_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        api(
            "download_tile_file",
            COLLECTION_ID,
            TILE_ID,
            "a.tif",
            tmp_path / "a.tif",
            progress=interrupt,
            part_size=100_000,
            chunk_size=50_000,
            concurrency=1,
        )
    assert (tmp_path / "a.tif.part.json").exists()
    calls: list[tuple[int, int]] = []
    out = api(
        "download_tile_file",
        COLLECTION_ID,
        TILE_ID,
        "a.tif",
        tmp_path / "a.tif",
        progress=lambda d, t: calls.append((d, t)),
        part_size=100_000,
    )
    assert calls[0][0] >= 200_000
    assert out.read_bytes() == data


@pytest.mark.anyio
async def test_async_cancellation_keeps_what_was_written(
    planet_tile: PlanetTile, emulator: Emulator, tmp_path: Path
) -> None:
    data = random_bytes(4 * MiB)
    planet_tile.put("f.bin", data)
    emulator.set_faults(FaultConfig(latency_ms=150))  # 8 rounds of 2 parts: 1.2 s at least
    headers = {"Authorization": f"Bearer {planet_tile.token}"}
    destination = tmp_path / "f.bin"
    args = (planet_tile.collection_id, planet_tile.tile_id, "f.bin", destination)
    seen: list[int] = []
    async with httpx.AsyncClient(base_url=planet_tile.emu.base_url, headers=headers) as client:
        with anyio.move_on_after(0.5) as scope:
            await adownload_tile_file(
                client,
                *args,
                part_size=256 * 1024,
                concurrency=2,
                progress=lambda d, t: seen.append(d),
            )
        assert scope.cancelled_caught
        assert not destination.exists()
        assert (tmp_path / "f.bin.part.json").exists()
        emulator.clear_faults()
        calls: list[int] = []
        out = await adownload_tile_file(client, *args, progress=lambda d, t: calls.append(d))
    assert seen
    assert max(seen) > 0
    assert calls[0] > 0  # resumed
    assert sha256(out) == sha256(data)
