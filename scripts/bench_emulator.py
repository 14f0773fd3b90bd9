"""Benchmark the emulator and the BYOC client: paging, page cost by depth, ingestion throughput.

    .venv/bin/python scripts/bench_emulator.py [--tiles 20000] [--ingest 40] [--repeat 30]

Starts an emulator in a temporary folder and prints one table with:

* listing every tile of a collection of ``--tiles`` tiles, 100 per page: pages per second and
  tiles per second, for a bare httpx loop (the floor: nothing but HTTP and JSON), for
  ``SentinelHubBYOC.iter_tiles``, for ``AsyncSentinelHubBYOC.iter_tiles`` and for
  sentinelhub-py's ``SentinelHubBYOC.iter_tiles`` against the same emulator (from this
  interpreter when it has the ``sentinelhub`` package, else from ``.bench-env/``, which is made
  on first use); ratios are against the bare loop;
* the median time of page 1 and of page 200 (keyset pagination: they should cost the same);
* tiles ingested per second: ``--ingest`` real three-band COG tiles registered at once, from the
  first create call until the last tile is INGESTED.

The tiles are seeded with an in-process emulator; the measurements then run against an emulator
in a separate process (``python -m sentinelhub_emulator``), so that client and server do not share
one interpreter lock. A benchmark, not a test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from benchlib import peer_python, sentinelhub_py_listing
from sentinelhub_client import (
    AsyncSentinelHubBYOC,
    SentinelHubBYOC,
    SHConfig,
    TileStatus,
    clear_token_cache,
)
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_cog

BANDS = ("B02", "B03", "B04")


@dataclass(frozen=True)
class Endpoint:
    """Where an emulator answers, and its demo credentials."""

    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    data_dir: Path


@contextmanager
def emulator_process(data_dir: Path) -> Iterator[Endpoint]:
    """Run ``python -m sentinelhub_emulator`` on a free port until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "sentinelhub_emulator", "--data-dir", str(data_dir)]
    command += ["--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/_emulator/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the emulator process did not start")
            time.sleep(0.1)
        yield Endpoint(
            base,
            f"{base}/auth/realms/main/protocol/openid-connect/token",
            "emulator-client",
            "emulator-secret",
            data_dir,
        )
    finally:
        process.terminate()
        process.wait(timeout=30)


def token_for(emu: Endpoint) -> str:
    response = httpx.post(
        emu.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
        },
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    count = fn()
    return time.perf_counter() - started, count


def bare_listing(emu: Endpoint, collection_id: str) -> int:
    headers = {"Authorization": f"Bearer {token_for(emu)}"}
    url = f"/api/v1/byoc/collections/{collection_id}/tiles"
    total, token = 0, None
    with httpx.Client(base_url=emu.base_url, headers=headers) as client:
        while True:
            params: dict[str, Any] = {"count": 100}
            if token:
                params["viewtoken"] = token
            body = client.get(url, params=params).json()
            total += len(body["data"])
            token = body.get("links", {}).get("nextToken")
            if not token or not body["data"]:
                return total


def bare_async_listing(emu: Endpoint, collection_id: str) -> int:
    async def run() -> int:
        headers = {"Authorization": f"Bearer {token_for(emu)}"}
        url = f"/api/v1/byoc/collections/{collection_id}/tiles"
        total, token = 0, None
        async with httpx.AsyncClient(base_url=emu.base_url, headers=headers) as client:
            while True:
                params: dict[str, Any] = {"count": 100}
                if token:
                    params["viewtoken"] = token
                body = (await client.get(url, params=params)).json()
                total += len(body["data"])
                token = body.get("links", {}).get("nextToken")
                if not token or not body["data"]:
                    return total

    return asyncio.run(run())


def facade_config(emu: Endpoint | Emulator) -> SHConfig:
    return SHConfig(
        use_defaults=True,
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
    )


def facade_listing(emu: Endpoint, collection_id: str) -> int:
    with SentinelHubBYOC(facade_config(emu)) as byoc:
        return sum(1 for _ in byoc.iter_tiles(collection_id))


def async_facade_listing(emu: Endpoint, collection_id: str) -> int:
    async def run() -> int:
        async with AsyncSentinelHubBYOC(facade_config(emu)) as byoc:
            return len([t async for t in byoc.iter_tiles(collection_id)])

    return asyncio.run(run())


def peer_listing(emu: Endpoint, collection_id: str) -> tuple[int, float]:
    """sentinelhub-py's listing, in this interpreter when it has sentinelhub-py, else in the
    benchmark environment's (timed inside that process, start-up excluded)."""
    python = peer_python()
    endpoint = (emu.base_url, emu.token_url, emu.client_id, emu.client_secret, collection_id)
    if python == sys.executable:
        started = time.perf_counter()
        count = sentinelhub_py_listing(*endpoint)
        return count, time.perf_counter() - started
    code = (
        "import json, sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from benchlib import sentinelhub_py_listing\n"
        "started = time.perf_counter()\n"
        f"count = sentinelhub_py_listing(*{endpoint!r})\n"
        "print(json.dumps([count, time.perf_counter() - started]))\n"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    count, seconds = json.loads(out.stdout.splitlines()[-1])
    return int(count), float(seconds)


def page_costs(emu: Endpoint, collection_id: str, depth: int, repeat: int) -> tuple[float, float]:
    """Median seconds of page 1 and of page ``depth`` (100 tiles each)."""
    headers = {"Authorization": f"Bearer {token_for(emu)}"}
    url = f"/api/v1/byoc/collections/{collection_id}/tiles"
    with httpx.Client(base_url=emu.base_url, headers=headers) as client:
        token = None
        for _ in range(depth - 1):
            params: dict[str, Any] = {"count": 100}
            if token:
                params["viewtoken"] = token
            token = client.get(url, params=params).json()["links"]["nextToken"]

        def once(params: dict[str, Any]) -> float:
            started = time.perf_counter()
            response = client.get(url, params=params)
            response.raise_for_status()
            assert len(response.json()["data"]) == 100
            return time.perf_counter() - started

        # Alternate the two pages so that drift (warm-up, other load) hits both alike.
        first, deep = [], []
        for _ in range(repeat):
            first.append(once({"count": 100}))
            deep.append(once({"count": 100, "viewtoken": token}))
        return statistics.median(first), statistics.median(deep)


def ingestion_rate(emu: Endpoint, tiles: int) -> tuple[float, int]:
    bucket = emu.data_dir / "buckets" / "bench"
    paths = [f"scenes/{i:04d}/scene_(BAND).tif" for i in range(tiles)]
    for path in paths:
        for band in BANDS:
            write_cog(
                bucket / path.replace("(BAND)", band),
                crs_epsg=32633,
                bounds=(500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0),
                width=512,
                height=512,
            )
    with SentinelHubBYOC(facade_config(emu)) as byoc:
        bands = {b: {"bitDepth": 16, "sampleFormat": "UINT"} for b in BANDS}
        collection = byoc.create_collection(
            {"name": "ingest-bench", "s3Bucket": "bench", "additionalData": {"bands": bands}}
        )
        started = time.perf_counter()
        created = [byoc.create_tile(collection, {"path": p}) for p in paths]
        final = byoc.wait_for_tiles(collection, created, interval=0.05, timeout=600)
        seconds = time.perf_counter() - started
    ingested = sum(1 for t in final if t.status is TileStatus.INGESTED)
    return seconds, ingested


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=20_000, help="tiles in the listed collection")
    parser.add_argument("--ingest", type=int, default=40, help="tiles to ingest (3 COGs each)")
    parser.add_argument("--repeat", type=int, default=30, help="samples per page-cost median")
    parser.add_argument("--depth", type=int, default=200, help="the deep page to time")
    return parser


def main() -> None:
    print_table(run(_parser().parse_args()))


def rows(quick: bool) -> list[tuple[str, str]]:
    """The ``scripts/bench`` protocol: (measure, result) pairs, sentinelhub-py as the peer."""
    argv = ["--tiles", "5000", "--ingest", "10", "--repeat", "10", "--depth", "50"] if quick else []
    return [
        (name, "; ".join(c for c in cells if c)) for name, *cells in run(_parser().parse_args(argv))
    ]


def run(args: argparse.Namespace) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory(prefix="bench-emu-") as tmp:
        data = Path(tmp)
        with Emulator(data) as seeder:
            with SentinelHubBYOC(facade_config(seeder)) as byoc:
                created = byoc.create_collection({"name": "listing", "s3Bucket": "bench"})
            collection_id = str(created.collection_id)
            seeder.store.create_tiles(
                collection_id,
                [(f"seeded/{i:06d}", None, None) for i in range(args.tiles)],
                status="INGESTED",
            )
        rows += measure(data, collection_id, args)
    return rows


def measure(data: Path, collection_id: str, args: argparse.Namespace) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    with emulator_process(data) as emu:
        pages = -(-args.tiles // 100)
        runs: list[tuple[str, Callable[[], int | tuple[int, float]]]] = [
            ("bare httpx loop", lambda: bare_listing(emu, collection_id)),
            ("bare httpx async loop", lambda: bare_async_listing(emu, collection_id)),
            ("SentinelHubBYOC.iter_tiles", lambda: facade_listing(emu, collection_id)),
            ("AsyncSentinelHubBYOC.iter_tiles", lambda: async_facade_listing(emu, collection_id)),
            ("sentinelhub-py iter_tiles", lambda: peer_listing(emu, collection_id)),
        ]
        timings: dict[str, float] = {}
        for label, listing in runs:
            clear_token_cache()
            started = time.perf_counter()
            result = listing()
            count, seconds = result if isinstance(result, tuple) else (result, 0.0)
            timings[label] = seconds or time.perf_counter() - started
            assert count == args.tiles, (label, count)
        floor = timings["bare httpx loop"]
        peer = timings["sentinelhub-py iter_tiles"]
        for label, seconds in timings.items():
            name = f"list {args.tiles} tiles: {label}"
            ratio = f"{floor / seconds:.2f}x of bare" if floor else ""
            if peer and label != "sentinelhub-py iter_tiles":
                ratio += f", {peer / seconds:.1f}x sentinelhub-py's speed"
            rows.append(
                (
                    name,
                    f"{pages / seconds:,.0f} pages/s",
                    f"{args.tiles / seconds:,.0f} tiles/s",
                    ratio,
                )
            )
        first, deep = page_costs(emu, collection_id, args.depth, args.repeat)
        rows.append(("page 1, median", f"{first * 1000:.2f} ms", "", ""))
        rows.append(
            (
                f"page {args.depth}, median",
                f"{deep * 1000:.2f} ms",
                "",
                f"{deep / first:.2f}x of page 1",
            )
        )
        seconds, ingested = ingestion_rate(emu, args.ingest)
        rows.append(
            (
                f"ingest {args.ingest} tiles x {len(BANDS)} COGs",
                f"{seconds:.2f} s",
                f"{ingested / seconds:.1f} tiles/s",
                f"{ingested}/{args.ingest} INGESTED",
            )
        )

    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = ("measure", "time / rate", "throughput", "ratio")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
