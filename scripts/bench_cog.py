"""Benchmark the COG toolkit: bulk registration under faults, waiting by listing, cover geometry.

    .venv/bin/python scripts/bench_cog.py [--quick]

Each row compares with a peer measured in the same run:

- registration: ``register_tiles`` at concurrency 1, 8 and 32 on an in-process emulator that
  injects 20% 429, 10% 503 and 5% dropped connections, against a plain ``create_tile`` loop on
  the same faults (what users wrote before), and sentinelhub-py's own ``create_tile`` loop (at
  most 300 tiles: it is slow under 429s): tiles per second, and how many tiles each run left
  uncreated or duplicated (our loop gives up on a tile after the retry policy's 5 attempts).
- waiting: ``wait_for_tiles`` over N tiles (one paged listing per poll) against polling each
  tile with ``get_tile`` (what ``wait_for_tiles`` did before): requests per poll and seconds.
- cover geometry of a 10980 x 10980 band (5490 with --quick): ``cover_geometry`` (traced on a
  decimated mask, with its error bound) against ``rasterio.features.shapes`` on the full
  resolution mask (what gdal_trace_outline does), with the area difference between the two.

`rows(quick)` returns ``(measure, result)`` pairs for ``scripts/bench``; running the script
prints them as a markdown table. A benchmark, not a test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from affine import Affine

__all__ = ["rows"]

BUCKET = "bench"
FAULTS = {"rate_429": 0.2, "rate_5xx": 0.1, "drop_rate": 0.05, "retry_after_ms": 5}


def _config(emu: Any, **retry: Any) -> Any:
    from sentinelhub_client import RetryPolicy, SHConfig

    return SHConfig(
        use_defaults=True,
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        retry=RetryPolicy(backoff=0.01, backoff_max=0.2, **retry),
    )


def _count(byoc: Any, collection: Any) -> tuple[int, int]:
    """(tiles, distinct paths) in the collection."""
    paths = [t.path for t in byoc.iter_tiles(collection)]
    return len(paths), len(set(paths))


def registration_rows(tiles: int) -> list[tuple[str, str]]:
    from sentinelhub_client import SentinelHubBYOC
    from sentinelhub_emulator import Emulator, FaultConfig

    results: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-cog-") as tmp, Emulator(Path(tmp)) as emu:
        paths = [{"path": f"t/{i:05d}.tif"} for i in range(tiles)]
        with SentinelHubBYOC(_config(emu)) as byoc:
            # The peer: a create_tile loop, each tile given up after the policy's attempts.
            collection = byoc.create_collection({"name": "loop", "s3Bucket": BUCKET})
            emu.set_faults(FaultConfig(seed=1, path_prefix="/api/v1/byoc", **FAULTS))
            started = time.perf_counter()
            gave_up = 0
            for tile in paths:
                try:
                    byoc.create_tile(collection, tile)
                except Exception:
                    gave_up += 1
            loop_seconds = time.perf_counter() - started
            emu.clear_faults()
            count, distinct = _count(byoc, collection)
            loop_rate = tiles / loop_seconds
            results.append(
                (
                    f"create_tile loop, {tiles} tiles, 20% 429 / 10% 5xx / 5% drops (peer)",
                    f"{loop_rate:.0f} tiles/s; {tiles - distinct} not created, "
                    f"{count - distinct} duplicates",
                )
            )
            peer_row, peer_rate = _sentinelhub_py_row(emu, min(tiles, 300))
            results.append(peer_row)
            for concurrency in (1, 8, 32):
                collection = byoc.create_collection(
                    {"name": f"bulk{concurrency}", "s3Bucket": BUCKET}
                )
                emu.set_faults(FaultConfig(seed=concurrency, path_prefix="/api/v1/byoc", **FAULTS))
                started = time.perf_counter()
                report = byoc.register_tiles(collection, paths, concurrency=concurrency)
                seconds = time.perf_counter() - started
                emu.clear_faults()
                count, distinct = _count(byoc, collection)
                rate = tiles / seconds
                results.append(
                    (
                        f"register_tiles, {tiles} tiles, same faults, concurrency {concurrency}",
                        f"{rate:.0f} tiles/s ({rate / loop_rate:.1f}x the loop"
                        + (f", {rate / peer_rate:.1f}x sentinelhub-py's" if peer_rate else "")
                        + "); exactly "
                        f"{count} tiles ({tiles - distinct} missing, {count - distinct} "
                        f"duplicates), {len(report.failed)} failed, {report.rounds} round(s)",
                    )
                )
    return results


def _sentinelhub_py_row(emu: Any, tiles: int) -> tuple[tuple[str, str], float]:
    """sentinelhub-py's own create_tile loop on the same emulator and faults (its retries: 429
    forever, other failures ``max_download_attempts`` times, ``download_sleep_time`` apart)."""
    import os

    try:
        import sentinelhub
    except ImportError:
        return (
            "sentinelhub-py create_tile loop (peer)",
            "not installed: pip install sentinelhub",
        ), 0.0
    from sentinelhub_emulator import FaultConfig

    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator speaks plain HTTP
    config = sentinelhub.SHConfig(
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        download_sleep_time=0.01,
        max_download_attempts=5,
        use_defaults=True,
    )
    byoc = sentinelhub.SentinelHubBYOC(config=config)
    collection = byoc.create_collection(sentinelhub.ByocCollection(name="shpy", s3_bucket=BUCKET))
    emu.set_faults(FaultConfig(seed=2, path_prefix="/api/v1/byoc", **FAULTS))
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its rate-limit warning on every 429
        for i in range(tiles):
            try:
                byoc.create_tile(collection, sentinelhub.ByocTile(path=f"p/{i:05d}.tif"))
            except Exception:  # noqa: S112 - counted below from the collection's contents
                continue
    seconds = time.perf_counter() - started
    emu.clear_faults()
    paths = [tile["path"] for tile in byoc.iter_tiles(collection)]
    row = (
        f"sentinelhub-py create_tile loop, {tiles} tiles, same faults (peer)",
        f"{tiles / seconds:.0f} tiles/s; {tiles - len(set(paths))} not created, "
        f"{len(paths) - len(set(paths))} duplicates",
    )
    return row, tiles / seconds


class _Counting:
    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()

    def hook(self, request: httpx.Request) -> None:
        kind = "list" if request.url.path.endswith("/tiles") else "get"
        self.requests[kind] += 1


def waiting_rows(tiles: int) -> list[tuple[str, str]]:
    from sentinelhub_client import SentinelHubBYOC
    from sentinelhub_emulator import Emulator

    with tempfile.TemporaryDirectory(prefix="bench-cog-") as tmp, Emulator(Path(tmp)) as emu:
        counting = _Counting()
        http = httpx.Client(event_hooks={"request": [counting.hook]})
        with SentinelHubBYOC(_config(emu), http_client=http) as byoc:
            collection = byoc.create_collection({"name": "wait", "s3Bucket": BUCKET})
            # Other tiles first, then the N to wait for (newest): a realistic collection.
            emu.store.create_tiles(
                str(collection.collection_id),
                [(f"old/{i:05d}", None, None) for i in range(tiles)],
                status="INGESTED",
            )
            records = emu.store.create_tiles(
                str(collection.collection_id),
                [(f"new/{i:05d}", None, None) for i in range(tiles)],
                status="INGESTED",
            )
            ids = [str(r.id) for r in records]
            counting.requests.clear()
            started = time.perf_counter()
            final = byoc.wait_for_tiles(collection, ids, interval=0)
            ours = time.perf_counter() - started
            ours_requests = sum(counting.requests.values())
            assert len(final) == tiles
            counting.requests.clear()
            started = time.perf_counter()
            polled = [byoc.get_tile(collection, tile_id) for tile_id in ids]
            peer = time.perf_counter() - started
            peer_requests = sum(counting.requests.values())
            assert len(polled) == tiles
        http.close()
    return [
        (
            f"wait for {tiles} tiles (collection of {2 * tiles}), requests per poll",
            f"{ours_requests} listing pages vs {peer_requests} GETs per tile polled "
            f"({peer_requests / ours_requests:.0f}x fewer)",
        ),
        (
            f"wait for {tiles} tiles, seconds per poll",
            f"{ours:.2f} s vs {peer:.2f} s polling each tile ({peer / ours:.1f}x faster)",
        ),
    ]


def collection_rows(tiles: int) -> list[tuple[str, str]]:
    """Waiting for a whole collection: status-filtered polls against a full listing per poll."""
    from sentinelhub_client import SentinelHubBYOC
    from sentinelhub_emulator import Emulator

    with tempfile.TemporaryDirectory(prefix="bench-cog-") as tmp, Emulator(Path(tmp)) as emu:
        counting = _Counting()
        http = httpx.Client(event_hooks={"request": [counting.hook]})
        with SentinelHubBYOC(_config(emu), http_client=http) as byoc:
            collection = byoc.create_collection({"name": "all", "s3Bucket": BUCKET})
            cid = str(collection.collection_id)
            emu.store.create_tiles(
                cid, [(f"done/{i:05d}", None, None) for i in range(tiles)], status="INGESTED"
            )
            # A few pending tiles: the emulator's worker fails them (no bucket) within polls.
            emu.store.create_tiles(cid, [(f"new/{i:03d}", None, None) for i in range(20)])
            counting.requests.clear()
            polls: list[int] = []
            started = time.perf_counter()
            final = byoc.wait_for_tiles(
                collection, None, interval=0.2, timeout=600, callback=lambda t: polls.append(1)
            )
            ours = time.perf_counter() - started
            ours_requests = sum(counting.requests.values())
            assert len(final) == tiles + 20
            counting.requests.clear()
            started = time.perf_counter()
            listed = sum(1 for _ in byoc.iter_tiles(collection))
            one_full = time.perf_counter() - started
            full_pages = sum(counting.requests.values())
            assert listed == tiles + 20
        http.close()
    peer_requests = full_pages * len(polls)
    return [
        (
            f"wait for a whole collection of {tiles + 20} tiles (20 pending), {len(polls)} polls",
            f"{ours_requests} requests ({(ours_requests - full_pages) / len(polls):.0f} per "
            f"poll + one final listing) vs {peer_requests} listing every tile each poll "
            f"({peer_requests / ours_requests:.1f}x fewer); {ours:.1f} s vs about "
            f"{one_full * len(polls):.1f} s of full listings",
        )
    ]


def _annulus_cog(path: Path, size: int) -> None:
    from rasterio.io import MemoryFile
    from rasterio.shutil import copy as gdal_copy

    rows_, cols = np.ogrid[0:size, 0:size]
    radius = np.hypot(rows_ - size / 2, cols - size / 2)
    valid = (radius < size * 0.45) & (radius > size * 0.2)
    valid &= ~((rows_ // 700 + cols // 700) % 5 == 0)  # more holes and parts
    data = np.where(valid, 7, 0).astype("uint8")[None]
    meta = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "uint8",
        "crs": "EPSG:32633",
        "transform": Affine(10.0, 0.0, 500_000.0, 0.0, -10.0, 5_200_000.0),
        "nodata": 0,
    }
    with MemoryFile() as memory, memory.open(**meta) as mem:
        mem.write(data)
        gdal_copy(mem, str(path), driver="COG", BLOCKSIZE=512, COMPRESS="DEFLATE")


def cover_rows(size: int) -> list[tuple[str, str]]:
    import rasterio
    import shapely
    from rasterio.features import shapes
    from sentinelhub_client.cog import trace_cover
    from shapely.geometry import shape

    with tempfile.TemporaryDirectory(prefix="bench-cog-") as tmp:
        path = Path(tmp) / "band.tif"
        _annulus_cog(path, size)
        started = time.perf_counter()
        result = trace_cover(path, simplify=1.0)
        ours = time.perf_counter() - started
        started = time.perf_counter()
        with rasterio.open(path) as src:
            mask = src.dataset_mask()
            exact = shapely.union_all(
                [shape(g) for g, _ in shapes(mask, mask=mask > 0, transform=src.transform)]
            )
        peer = time.perf_counter() - started
    got = shape(result.geometry)
    difference = got.symmetric_difference(exact).area / exact.area
    return [
        (
            f"cover geometry of a {size} x {size} band",
            f"{ours:.2f} s (traced at 1/{result.factor}, bound {result.error_bound_px:g} px) vs "
            f"{peer:.2f} s for rasterio.features.shapes at full resolution "
            f"({peer / ours:.1f}x faster); area differs by {difference:.3%}",
        )
    ]


def rows(quick: bool) -> list[tuple[str, str]]:
    """The benchmark's table rows: (measure, result)."""
    return [
        *registration_rows(300 if quick else 2000),
        *waiting_rows(200 if quick else 1000),
        *collection_rows(2000 if quick else 20000),
        *cover_rows(5490 if quick else 10980),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke run")
    args = parser.parse_args(argv)
    print("| measure | result |")
    print("|---|---|")
    for name, result in rows(args.quick):
        print(f"| {name} | {result} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
