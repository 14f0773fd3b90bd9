"""The first ingested tile defines an undefined collection's bands, atomically: of three tiles of
three sample types registered at once into a fresh collection, exactly one ends INGESTED and the
others FAILED with a cause naming the band and both types, whatever the number of workers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_cog

from tests.support.emulator import fetch_token

from .conftest import UTM_BOUNDS, UTM_EPSG

DTYPES = {"uint16": ("UINT", 16), "float32": ("FLOAT", 32), "uint8": ("UINT", 8)}
ROUNDS = 20


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    folder = tmp_path_factory.mktemp("race")
    bucket = folder / "buckets" / "race"
    for dtype in DTYPES:  # small files: the race is about the bookkeeping, not the pixels
        write_cog(
            bucket / dtype / "B1.tif",
            crs_epsg=UTM_EPSG,
            bounds=UTM_BOUNDS,
            width=256,
            height=256,
            dtype=dtype,
            overviews=False,
        )
    with Emulator(folder, ingestion_workers=4) as emu:
        yield emu


@pytest.fixture(scope="module")
def api(emulator: Emulator) -> Iterator[httpx.Client]:
    token = fetch_token(emulator)
    with httpx.Client(
        base_url=emulator.base_url + "/api/v1/byoc",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ) as client:
        yield client


def _register(api: httpx.Client, collection: str, path: str) -> None:
    response = api.post(f"/collections/{collection}/tiles", json={"path": path})
    assert response.status_code == 201, response.text


def _settled(api: httpx.Client, collection: str, count: int = len(DTYPES)) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30
    while True:
        tiles: list[dict[str, Any]] = api.get(f"/collections/{collection}/tiles").json()["data"]
        if len(tiles) == count and all(t["status"] in ("INGESTED", "FAILED") for t in tiles):
            return tiles
        assert time.monotonic() < deadline, tiles
        time.sleep(0.02)


def test_one_tile_defines_the_bands_the_others_fail_with_the_reason(api: httpx.Client) -> None:
    winners: set[str] = set()
    with ThreadPoolExecutor(len(DTYPES)) as pool:
        for _ in range(ROUNDS):
            response = api.post("/collections", json={"name": "race", "s3Bucket": "race"})
            assert response.status_code == 201, response.text
            collection = response.json()["data"]["id"]
            paths = [f"{dtype}/(BAND).tif" for dtype in DTYPES]
            list(pool.map(_register, [api] * len(paths), [collection] * len(paths), paths))
            tiles = _settled(api, collection)
            ingested = [t for t in tiles if t["status"] == "INGESTED"]
            assert len(ingested) == 1, [(t["path"], t["status"]) for t in tiles]
            winner = ingested[0]["path"].split("/")[0]
            winners.add(winner)
            sample_format, bit_depth = DTYPES[winner]
            bands = api.get(f"/collections/{collection}").json()["data"]["additionalData"]["bands"]
            assert bands["B1"]["sampleFormat"] == sample_format
            assert bands["B1"]["bitDepth"] == bit_depth
            for tile in tiles:
                if tile is ingested[0]:
                    continue
                assert tile["status"] == "FAILED"
                cause = tile["additionalData"]["failedIngestionCause"]
                own_format, own_depth = DTYPES[tile["path"].split("/")[0]]
                assert "Band 'B1'" in cause
                assert f"the collection's band is {sample_format} {bit_depth}-bit" in cause
                assert f"the file's {own_format} {own_depth}-bit" in cause
                assert "convert the file" in cause
    assert winners  # which one wins is a race; that exactly one does is the point


def test_a_reingest_of_a_loser_fails_again_and_the_winner_stays(api: httpx.Client) -> None:
    response = api.post("/collections", json={"name": "again", "s3Bucket": "race"})
    collection = response.json()["data"]["id"]
    _register(api, collection, "uint16/(BAND).tif")
    first = _settled_one(api, collection)
    assert first["status"] == "INGESTED"
    _register(api, collection, "float32/(BAND).tif")
    tiles = _settled(api, collection, count=2)
    failed = [t for t in tiles if t["status"] == "FAILED"]
    assert [t["path"] for t in failed] == ["float32/(BAND).tif"]
    api.post(f"/collections/{collection}/tiles/{failed[0]['id']}/reingest").raise_for_status()
    tiles = _settled(api, collection, count=2)
    assert sorted(t["status"] for t in tiles) == ["FAILED", "INGESTED"]


def _settled_one(api: httpx.Client, collection: str) -> dict[str, Any]:
    [tile] = _settled(api, collection, count=1)
    return tile
