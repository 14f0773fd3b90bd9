"""Benchmark the Catalog: items per second of a search, against listing the same tiles.

    .venv/bin/python scripts/bench_catalog.py [--tiles 5000] [--quick]

Seeds a BYOC collection of ``--tiles`` INGESTED tiles (each a 1 km square in CRS84 with its own
sensing time) in an emulator, then, against that emulator run as a separate process (client and
server do not share one interpreter lock), reads every tile three ways, 100 a page:

- the peer: ``SentinelHubBYOC.iter_tiles`` (BYOC listing: what a user did before the Catalog);
- ours: ``SentinelHubCatalog.search(collection)`` over the same tiles (STAC items with WGS84
  geometry, bbox and datetime, built from the tile table on every page);
- pystac-client's ``Client.search(...).items_as_dicts()`` on the same Catalog.

Each row: items per second, the median of three runs (one with ``--quick``), and its ratio to the
listing. The Catalog answers carry more per item (a GeoJSON Feature with links) and the emulator
transforms each footprint to WGS84, so a ratio below 1 is the cost of the richer answer.

A benchmark, not a test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_emulator import Endpoint, emulator_process, facade_config
from sentinelhub_client import SentinelHubBYOC, SentinelHubCatalog
from sentinelhub_emulator import Emulator


def _seed(data: Path, tiles: int) -> str:
    with Emulator(data) as seeder:
        with SentinelHubBYOC(facade_config(seeder)) as byoc:
            created = byoc.create_collection({"name": "catalog", "s3Bucket": "bench"})
        collection_id = str(created.collection_id)
        rows = []
        for index in range(tiles):
            west, south = 10.0 + (index % 100) * 0.02, 40.0 + (index // 100) * 0.02
            square = [[west, south], [west + 0.01, south], [west + 0.01, south + 0.01],
                      [west, south + 0.01], [west, south]]  # fmt: skip
            cover = {"type": "Polygon", "coordinates": [square]}
            day = 1 + index % 28
            rows.append((f"seeded/{index:06d}", cover, f"2024-05-{day:02d}T10:00:00Z"))
        seeder.store.create_tiles(collection_id, rows, status="INGESTED")
    return collection_id


def _listing(emu: Endpoint, collection_id: str) -> int:
    with SentinelHubBYOC(facade_config(emu)) as byoc:
        return sum(1 for _ in byoc.iter_tiles(collection_id))


def _catalog(emu: Endpoint, collection_id: str) -> int:
    with SentinelHubCatalog(facade_config(emu)) as catalog:
        return sum(1 for _ in catalog.search(collection_id, limit=100))


def _pystac(emu: Endpoint, collection_id: str) -> int:
    import httpx
    from pystac_client import Client

    token = httpx.post(
        emu.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
        },
    ).json()["access_token"]
    client = Client.open(
        emu.base_url + "/api/v1/catalog/1.0.0/", headers={"Authorization": f"Bearer {token}"}
    )
    search = client.search(collections=[f"byoc-{collection_id}"], limit=100)
    return sum(1 for _ in search.items_as_dicts())


def run(tiles: int, runs: int) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as folder:
        data = Path(folder)
        collection_id = _seed(data, tiles)
        with emulator_process(data) as emu:
            ways: list[tuple[str, Callable[[], int]]] = [
                ("BYOC iter_tiles (the peer)", lambda: _listing(emu, collection_id)),
                ("SentinelHubCatalog.search", lambda: _catalog(emu, collection_id)),
                ("pystac-client search", lambda: _pystac(emu, collection_id)),
            ]
            seconds: dict[str, list[float]] = {label: [] for label, _ in ways}
            for _ in range(runs):
                for label, way in ways:
                    started = time.perf_counter()
                    count = way()
                    seconds[label].append(time.perf_counter() - started)
                    assert count == tiles, f"{label}: {count} of {tiles}"
    median = {label: statistics.median(values) for label, values in seconds.items()}
    base = median["BYOC iter_tiles (the peer)"]
    return [
        (f"{label}, {tiles} tiles", f"{tiles / value:,.0f} items/s, {base / value:.2f}x listing")
        for label, value in median.items()
    ]


def rows(quick: bool) -> list[tuple[str, str]]:
    """The ``scripts/bench`` protocol."""
    return run(2000 if quick else 5000, 1 if quick else 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=5000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for measure, result in run(args.tiles, 1 if args.quick else 3):
        print(f"{measure}: {result}")


if __name__ == "__main__":
    main()
