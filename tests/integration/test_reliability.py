"""Paging over thousands of tiles, ingestion failures, restarts, token expiry and injected faults,
all through the facade against the emulator over a real socket."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from sentinelhub_client import (
    AsyncSentinelHubBYOC,
    ByocCollectionBand,
    SentinelHubBYOC,
    TileStatus,
)
from sentinelhub_emulator import Emulator, FaultConfig
from sentinelhub_emulator.samples import write_broken_file

from tests.integration.conftest import BANDS, BUCKET, bucket_dir, config_for, write_scene
from tests.support.twin import Twin, make_twin

pytestmark = [pytest.mark.anyio, pytest.mark.integration]


def _bands(bit_depth: int = 16, sample_format: str = "UINT") -> dict[str, ByocCollectionBand]:
    return {b: ByocCollectionBand(bit_depth=bit_depth, sample_format=sample_format) for b in BANDS}


async def test_paging_over_thousands_of_tiles(byoc: Twin, emulator: Emulator) -> None:
    collection = await byoc.call("create_collection", {"name": "many", "s3Bucket": BUCKET})
    paths = [f"seeded/{i:05d}" for i in range(2500)]
    emulator.store.create_tiles(
        collection.collection_id, [(p, None, None) for p in paths], status="INGESTED"
    )
    everything = await byoc.collect(byoc.client.iter_tiles(collection))
    assert len(everything) == 2500
    assert sorted(t.path for t in everything) == paths
    assert len({t.tile_id for t in everything}) == 2500

    # max_items apart from the page size, and resuming from the token where it stopped.
    paginator = byoc.client.iter_tiles(collection, count=7, max_items=20)
    first = await byoc.collect(paginator)
    assert len(first) == 20
    assert paginator.next_token is not None
    rest = await byoc.collect(byoc.client.iter_tiles(collection, viewtoken=paginator.next_token))
    # The resumed listing carries on exactly after the last tile handed out: no gap, no repeat.
    assert [t.path for t in first + rest] == paths

    # Pages as pages.
    pages = []
    if byoc.is_async:
        async for page in byoc.client.iter_tiles(collection, count=100).pages():
            pages.append(page)
    else:
        pages = list(byoc.client.iter_tiles(collection, count=100).pages())
    assert [len(p.items) for p in pages] == [100] * 25
    assert pages[-1].next_token is None


@pytest.mark.parametrize(
    ("case", "cause_words"),
    [
        ("missing", ["B03"]),
        ("striped", ["tiled"]),
        ("small_blocks", ["256"]),
        ("bad_crs", ["EPSG:2193", "reproject"]),
        ("pole", ["pole"]),
        ("not_tiff", ["B03"]),
        ("bit_depth", ["bit"]),
        ("sample_format", ["format"]),
    ],
)
async def test_each_ingestion_failure_has_a_cause(
    byoc: Twin, emulator: Emulator, case: str, cause_words: list[str]
) -> None:
    collection = await byoc.call(
        "create_collection",
        {"name": f"fail-{case}", "s3Bucket": BUCKET, "additionalData": {"bands": _bands()}},
    )
    path = f"{uuid.uuid4().hex[:8]}/scene_(BAND).tif"
    bucket = bucket_dir(emulator)
    write_scene(emulator, path, bands=("B02", "B04"))
    b03 = bucket / path.replace("(BAND)", "B03")
    if case in ("striped", "small_blocks", "bad_crs", "pole", "not_tiff"):
        write_broken_file(b03, case)
    else:  # a valid COG of the wrong data type: uint8 (bit depth) or int16 (sample format)
        write_scene(
            emulator, path, bands=("B03",), dtype="uint8" if case == "bit_depth" else "int16"
        )
    tile = await byoc.call("create_tile", collection, {"path": path})
    [final] = await byoc.call("wait_for_tiles", collection, [tile], interval=0.05, timeout=30)
    assert final.status is TileStatus.FAILED
    cause = final.additional_data["failedIngestionCause"]
    for word in cause_words:
        assert word.lower() in cause.lower(), cause

    # Fix the file and re-ingest: the tile recovers.
    if b03.exists():
        b03.unlink()
    write_scene(emulator, path, bands=("B03",))
    await byoc.call("reingest_tile", collection, final)
    [fixed] = await byoc.call("wait_for_tiles", collection, [final], interval=0.05, timeout=30)
    assert fixed.status is TileStatus.INGESTED


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_data_and_clients_survive_a_restart(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "emu"
    with Emulator(data) as first:
        config = config_for(first)
        write_scene(first, "r/scene_(BAND).tif")
        byoc = make_twin(kind, config)
        collection = await byoc.call(
            "create_collection",
            {"name": "kept", "s3Bucket": BUCKET, "additionalData": {"bands": _bands()}},
        )
        tile = await byoc.call("create_tile", collection, {"path": "r/scene_(BAND).tif"})
        await byoc.call("wait_for_tiles", collection, [tile], interval=0.05, timeout=30)
        port, first_url = first.port, first.base_url
        await byoc.close()
    # Same port, so the same configuration reaches the restarted service, with the same token
    # (the emulator signs tokens with a key kept in its database).
    with Emulator(data, port=port) as second:
        byoc = make_twin(kind, config)
        try:
            again = await byoc.call("get_collection", collection.collection_id)
            assert again.name == "kept"
            [kept] = await byoc.collect(byoc.client.iter_tiles(collection))
            assert (kept.tile_id, kept.status) == (tile.tile_id, TileStatus.INGESTED)
            assert second.base_url == first_url
        finally:
            await byoc.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_token_expiry_during_a_long_listing(tmp_path: Path, kind: str) -> None:
    with Emulator(tmp_path / "emu", token_ttl=1.0) as emu:
        seen_tokens: set[str] = set()

        def record(request: httpx.Request) -> None:
            if "/api/v1/byoc/" in request.url.path:
                seen_tokens.add(request.headers["Authorization"])

        async def arecord(request: httpx.Request) -> None:
            record(request)

        http: httpx.Client | httpx.AsyncClient
        if kind == "sync":
            http = httpx.Client(event_hooks={"request": [record]})
            client: SentinelHubBYOC | AsyncSentinelHubBYOC = SentinelHubBYOC(
                config_for(emu), http_client=http
            )
        else:
            http = httpx.AsyncClient(event_hooks={"request": [arecord]})
            client = AsyncSentinelHubBYOC(config_for(emu), http_client=http)
        byoc = Twin(client)
        collection = await byoc.call("create_collection", {"name": "long", "s3Bucket": BUCKET})
        emu.store.create_tiles(
            collection.collection_id,
            [(f"t/{i:04d}", None, None) for i in range(300)],
            status="INGESTED",
        )
        emu.set_faults(FaultConfig(latency_ms=60, path_prefix="/api/v1/byoc"))
        tiles = await byoc.collect(byoc.client.iter_tiles(collection, count=10))
        emu.clear_faults()
        assert len({t.path for t in tiles}) == 300
        # 30 pages x 60 ms outlive a 1 s token: more than one token was used, none failed.
        assert len(seen_tokens) >= 2
        await byoc.close()
        if isinstance(http, httpx.AsyncClient):
            await http.aclose()
        else:
            http.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_faults_are_survived_without_duplicate_tiles(tmp_path: Path, kind: str) -> None:
    with Emulator(tmp_path / "emu") as emu:
        config = config_for(emu, max_attempts=12)
        byoc = make_twin(kind, config)
        collection = await byoc.call("create_collection", {"name": "faulty", "s3Bucket": BUCKET})
        emu.set_faults(
            FaultConfig(
                seed=7,
                rate_429=0.2,
                retry_after_ms=5,
                rate_5xx=0.15,
                drop_rate=0.15,
                path_prefix="/api/v1/byoc",
            )
        )
        created = [
            await byoc.call("create_tile", collection, {"path": f"f/{i:03d}"}) for i in range(60)
        ]
        listed = await byoc.collect(byoc.client.iter_tiles(collection, count=9))
        injected = emu.faults_injected
        emu.clear_faults()
        assert injected >= 20, "the faults were really injected"
        final = await byoc.collect(byoc.client.iter_tiles(collection))
        assert sorted(t.path for t in final) == [f"f/{i:03d}" for i in range(60)]
        assert {t.tile_id for t in created} == {t.tile_id for t in final}
        assert len(listed) == 60
        await byoc.close()
