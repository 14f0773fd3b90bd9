"""register_tiles and wait_for_tiles on the emulator over a socket: exactly N tiles under
injected faults, re-runs that create no duplicates, per-tile errors, requests counted on the
wire."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_client import AsyncSentinelHubBYOC, SentinelHubBYOC, TileStatus
from sentinelhub_client.byoc.bulk import Registration
from sentinelhub_emulator import Emulator, FaultConfig

from tests.cog.conftest import BUCKET, config_for
from tests.support.twin import Twin

pytestmark = [pytest.mark.anyio, pytest.mark.integration]


class Wire:
    """An httpx client (sync or async) that counts the BYOC requests it sends."""

    def __init__(self, kind: str) -> None:
        self.seen: Counter[str] = Counter()
        self.http: httpx.Client | httpx.AsyncClient
        if kind == "sync":
            self.http = httpx.Client(event_hooks={"request": [self.record]})
        else:
            self.http = httpx.AsyncClient(event_hooks={"request": [self.arecord]})

    def record(self, request: httpx.Request) -> None:
        path = request.url.path
        if "/api/v1/byoc/collections/" not in path or "/tiles" not in path:
            return
        kind = "list" if path.endswith("/tiles") else "one"
        self.seen[f"{request.method} {kind}"] += 1

    async def arecord(self, request: httpx.Request) -> None:
        self.record(request)

    def client(self, emu: Emulator, **config: Any) -> Twin:
        settings = config_for(emu, **config)
        if isinstance(self.http, httpx.Client):
            return Twin(SentinelHubBYOC(settings, http_client=self.http))
        return Twin(AsyncSentinelHubBYOC(settings, http_client=self.http))

    async def close(self) -> None:
        if isinstance(self.http, httpx.AsyncClient):
            await self.http.aclose()
        else:
            self.http.close()


@pytest.fixture(params=["sync", "async"])
async def wire(request: pytest.FixtureRequest) -> Any:
    counted = Wire(request.param)
    yield counted
    await counted.close()


async def _collection(byoc: Twin) -> Any:
    return await byoc.call("create_collection", {"name": uuid.uuid4().hex, "s3Bucket": BUCKET})


async def _all_paths(byoc: Twin, collection: Any) -> list[str]:
    return [t.path for t in await byoc.collect(byoc.client.iter_tiles(collection))]


async def test_300_tiles_under_faults_end_as_exactly_300(tmp_path: Path, wire: Wire) -> None:
    with Emulator(tmp_path / "emu") as emu:
        # Two attempts per call: many creates exhaust their own budget and need later rounds.
        byoc = wire.client(emu, max_attempts=2)
        collection = await _collection(byoc)
        emu.set_faults(
            FaultConfig(
                seed=11,
                rate_429=0.2,
                retry_after_ms=1,
                rate_5xx=0.1,
                drop_rate=0.05,
                path_prefix="/api/v1/byoc",
            )
        )
        tiles = [{"path": f"bulk/{i:04d}/t_(BAND).tif"} for i in range(300)]
        progress: list[tuple[int, int]] = []
        report = await byoc.call(
            "register_tiles",
            collection,
            tiles,
            concurrency=8,
            progress=lambda done, total: progress.append((done, total)),
        )
        injected = emu.faults_injected
        emu.clear_faults()
        paths = await _all_paths(byoc, collection)
        await byoc.close()
    assert injected >= 50, "faults were injected"
    assert report.failed == []
    assert report.rounds >= 2, "some creates ran out of their own retries and came back"
    assert len(report.created) + len(report.skipped) == 300
    assert sorted(paths) == sorted(t["path"] for t in tiles)
    assert len(paths) == len(set(paths)) == 300
    assert progress[-1] == (300, 300)
    assert {t.path for t in report.tiles} == set(paths)


async def test_an_interrupted_run_then_a_rerun_makes_exactly_n(
    emulator: Emulator, wire: Wire
) -> None:
    byoc = wire.client(emulator)
    collection = await _collection(byoc)
    tiles = [{"path": f"again/{i:03d}.tif"} for i in range(120)]

    class Interrupted(Exception):
        pass

    def stop_half_way(done: int, total: int) -> None:
        if done == 50:
            raise Interrupted

    with pytest.raises(Interrupted):
        await byoc.call("register_tiles", collection, tiles, concurrency=4, progress=stop_half_way)
    part = await _all_paths(byoc, collection)
    assert 50 <= len(part) < 120
    wire.seen.clear()
    report = await byoc.call("register_tiles", collection, tiles, concurrency=4)
    sent = dict(wire.seen)
    assert len(report.skipped) == len(part)
    assert len(report.created) == 120 - len(part)
    paths = await _all_paths(byoc, collection)
    assert sorted(paths) == sorted(t["path"] for t in tiles)
    # The re-run found the existing paths with one listing (1 page of <= 100), not one request
    # per tile, and created only the missing ones.
    assert sent == {"GET list": 1, "POST list": 120 - len(part)}
    await byoc.close()


async def test_cover_geometry_and_sensing_time_are_sent(emulator: Emulator, wire: Wire) -> None:
    byoc = wire.client(emulator)
    collection = await _collection(byoc)
    cover = {
        "type": "Polygon",
        "coordinates": [[[15.0, 45.0], [15.1, 45.0], [15.1, 45.1], [15.0, 45.1], [15.0, 45.0]]],
    }
    report = await byoc.call(
        "register_tiles",
        collection,
        [{"path": "c/1.tif", "coverGeometry": cover, "sensingTime": "2024-05-01T10:00:00Z"}],
    )
    [tile] = report.created
    assert tile.sensing_time is not None
    assert tile.sensing_time.year == 2024
    assert tile.cover_geometry is not None
    await byoc.close()


async def test_waiting_for_many_tiles_lists_instead_of_getting_each(
    emulator: Emulator, wire: Wire
) -> None:
    byoc = wire.client(emulator)
    collection = await _collection(byoc)
    # 250 tiles in a bucket that does not exist: the emulator's worker fails each quickly.
    report = await byoc.call(
        "register_tiles", collection, [{"path": f"w/{i:03d}.tif"} for i in range(250)]
    )
    wire.seen.clear()
    polls: list[int] = []
    final = await byoc.call(
        "wait_for_tiles",
        collection,
        report.created,
        interval=0.05,
        timeout=120,
        callback=lambda tiles: polls.append(len(tiles)),
    )
    assert len(final) == 250
    assert {t.status for t in final} == {TileStatus.FAILED}
    assert all("bucket" in (t.failed_ingestion_cause or "") for t in final)
    # One paged listing per poll (at most 3 pages of 100), never one GET per tile.
    assert wire.seen["GET one"] == 0
    assert len(polls) <= wire.seen["GET list"] <= 3 * len(polls)
    await byoc.close()


async def test_bad_arguments_are_refused_before_sending(emulator: Emulator, wire: Wire) -> None:
    byoc = wire.client(emulator)
    collection = await _collection(byoc)
    wire.seen.clear()
    with pytest.raises(ValueError, match="given twice"):
        await byoc.call("register_tiles", collection, [{"path": "a"}, {"path": "a"}])
    with pytest.raises(ValueError, match="concurrency"):
        await byoc.call("register_tiles", collection, [{"path": "a"}], concurrency=0)
    with pytest.raises(ValueError, match=r"tiles\[1\]\.path"):
        await byoc.call("register_tiles", collection, [{"path": "a"}, {"path": "/abs"}])
    with pytest.raises(ValueError, match="list of tiles"):
        await byoc.call("register_tiles", collection, {"path": "a"})
    assert sum(wire.seen.values()) == 0
    await byoc.close()


def test_rounds_are_bounded_and_report_the_last_error() -> None:
    """The decisions alone: a tile that keeps failing is reported after max_rounds."""
    from sentinelhub_client import ServerError

    job = Registration(uuid.uuid4(), [{"path": "x"}], concurrency=1, max_rounds=3, progress=None)
    job.existing([])
    rounds = 0
    while True:
        rounds += 1
        [tile] = job.to_create()
        job.refused(tile.path, ServerError("HTTP 503", status=503))
        job.settle([])
        if not job.next_round():
            break
    report = job.report()
    assert rounds == 3
    [failure] = report.failed
    assert "after 3 round(s)" in failure.reason
    assert "503" in failure.reason
    assert job.pause(True) == 4.0
