"""Ingestion on a pool of workers: several tiles at once, each by one worker, and a cut COG
ends FAILED with a cause that says what is wrong."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.__main__ import parse_args
from sentinelhub_emulator.byoc import worker as worker_module
from sentinelhub_emulator.samples import write_broken_file

from tests.support.emulator import fetch_token

from .conftest import byoc_client, new_collection
from .test_ingestion import add_tile, cog
from .test_restart import cli

IN_FLIGHT = ("QUEUED", "INGESTING")
DONE = ("INGESTED", "FAILED")


def _statuses(client: httpx.Client, collection: dict[str, Any]) -> list[str]:
    tiles = client.get(f"/collections/{collection['id']}/tiles").json()["data"]
    return [tile["status"] for tile in tiles]


def _watch(client: httpx.Client, collection: dict[str, Any], tiles: int) -> list[list[str]]:
    """Every distinct list of statuses seen until all tiles are done (30 s at most)."""
    seen: list[list[str]] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        statuses = _statuses(client, collection)
        if not seen or statuses != seen[-1]:
            seen.append(statuses)
        if len(statuses) == tiles and all(status in DONE for status in statuses):
            return seen
        time.sleep(0.02)
    raise AssertionError(f"ingestion did not finish: {seen[-1]}")


def _start_tiles(emu: Emulator, client: httpx.Client, count: int) -> dict[str, Any]:
    for n in range(count):
        cog(emu.data_dir / "buckets" / "pool" / f"t{n}" / "B1.tif")
    collection = new_collection(client, s3Bucket="pool")
    for n in range(count):
        add_tile(client, collection, path=f"t{n}/(BAND).tif")
    return collection


def test_tiles_are_ingested_side_by_side(tmp_path: Path) -> None:
    with (
        Emulator(tmp_path, ingestion_delay=0.4, ingestion_workers=3) as emu,
        byoc_client(emu, fetch_token(emu)) as client,
    ):
        collection = _start_tiles(emu, client, 3)
        seen = _watch(client, collection, 3)
    most_in_flight = max(sum(status in IN_FLIGHT for status in statuses) for statuses in seen)
    assert most_in_flight == 3
    assert seen[-1] == ["INGESTED"] * 3


def test_one_worker_takes_one_tile_at_a_time(tmp_path: Path) -> None:
    with (
        Emulator(tmp_path, ingestion_delay=0.3, ingestion_workers=1) as emu,
        byoc_client(emu, fetch_token(emu)) as client,
    ):
        collection = _start_tiles(emu, client, 3)
        seen = _watch(client, collection, 3)
    assert max(sum(status in IN_FLIGHT for status in statuses) for statuses in seen) == 1
    assert seen[-1] == ["INGESTED"] * 3


def test_many_tiles_each_ingested_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twenty tiles over four workers: all end INGESTED and each tile's files are read once."""
    reads: Counter[str] = Counter()
    lock = threading.Lock()
    real = worker_module.ingest_tile

    def counting(bucket: Path, tile_path: str, *args: Any, **kwargs: Any) -> Any:
        with lock:
            reads[tile_path] += 1
        return real(bucket, tile_path, *args, **kwargs)

    monkeypatch.setattr(worker_module, "ingest_tile", counting)
    with (
        Emulator(tmp_path, ingestion_workers=4) as emu,
        byoc_client(emu, fetch_token(emu)) as client,
    ):
        collection = _start_tiles(emu, client, 20)
        emu.wait_for_ingestion()
        tiles = client.get(f"/collections/{collection['id']}/tiles").json()["data"]
    assert [tile["status"] for tile in tiles] == ["INGESTED"] * 20
    assert reads == Counter({f"t{n}/(BAND).tif": 1 for n in range(20)})


def test_cut_cog_fails_through_the_api(tmp_path: Path) -> None:
    with (
        Emulator(tmp_path) as emu,
        byoc_client(emu, fetch_token(emu)) as client,
    ):
        write_broken_file(emu.data_dir / "buckets" / "cut" / "t" / "B1.tif", "truncated")
        collection = new_collection(client, s3Bucket="cut")
        tile = add_tile(client, collection, path="t/(BAND).tif")
        emu.wait_for_ingestion()
        failed = client.get(f"/collections/{collection['id']}/tiles/{tile['id']}").json()["data"]
    assert failed["status"] == "FAILED"
    cause = failed["additionalData"]["failedIngestionCause"]
    assert cause.startswith("File 't/B1.tif' is truncated: internal tile ")
    assert "upload the whole file again" in cause


@pytest.mark.parametrize("workers", [0, -1])
def test_pool_size_must_be_positive(tmp_path: Path, workers: int) -> None:
    with pytest.raises(ValueError, match="ingestion_workers must be at least 1"):
        Emulator(tmp_path, ingestion_workers=workers)


def test_pool_size_must_be_an_int(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="ingestion_workers: expected an int"):
        Emulator(tmp_path, ingestion_workers=2.5)  # type: ignore[arg-type]


def test_cli_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_args(["--data-dir", "x"]).ingestion_workers == 4
    assert parse_args(["--data-dir", "x", "--ingestion-workers", "8"]).ingestion_workers == 8
    with pytest.raises(SystemExit):
        parse_args(["--data-dir", "x", "--ingestion-workers", "0"])
    assert "--ingestion-workers: must be at least 1, got 0" in capsys.readouterr().err


def test_kill_9_with_several_tiles_in_flight(tmp_path: Path) -> None:
    """Tiles that several workers held when the process died are re-queued and ingested after
    a restart."""
    for n in range(4):
        cog(tmp_path / "buckets" / "pool" / f"t{n}" / "B1.tif")
    args = ("--ingestion-delay", "0.5", "--ingestion-workers", "4")
    with cli(tmp_path, *args) as (process, banner):
        token = httpx.post(
            banner["token URL"],
            data={
                "grant_type": "client_credentials",
                "client_id": "emulator-client",
                "client_secret": "emulator-secret",
            },
        ).json()["access_token"]
        with httpx.Client(
            base_url=banner["base_url"] + "/api/v1/byoc",
            headers={"Authorization": f"Bearer {token}"},
        ) as client:
            collection = new_collection(client, s3Bucket="pool")
            for n in range(4):
                add_tile(client, collection, path=f"t{n}/(BAND).tif")
            deadline = time.monotonic() + 10
            while _statuses(client, collection).count("INGESTING") < 2:
                assert time.monotonic() < deadline
                time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    with Emulator(tmp_path, ingestion_workers=4) as emu, byoc_client(emu, token) as client:
        emu.wait_for_ingestion()
        assert _statuses(client, collection) == ["INGESTED"] * 4
