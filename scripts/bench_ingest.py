"""Benchmark the emulator's ingestion: tiles per second on a pool of 1, 2 and 4 workers.

    .venv/bin/python scripts/bench_ingest.py [--quick] [--rounds N]

Writes real three-band COG tiles (three 512 x 512 uint16 files each) into one bucket folder, then
for each setting starts ``python -m sentinelhub_emulator`` in its own process with a fresh
database (``--ingestion-workers N``, with and without ``--ingestion-delay``). Every tile is
registered through the HTTP API first, in an emulator held from ingesting (one worker waiting an
hour before its first step, then stopped gracefully: the tiles stay WAITING), so that what is
timed is ingestion, not the client's create calls; then the emulator is started again on the same
database with the setting, and the time runs from the first tile's ``ingestionStart`` until no
tile is pending. All settings run in the same invocation, on the same files, so their ratios
compare like with like; ``--rounds N`` runs them N times in turns and reports medians, for a
machine whose load comes and goes. The emulator with two or more workers starts ingesting once
its worker processes have imported GDAL, so the time is the ingestion's, not the imports'.

``--ingestion-delay D`` makes each of a tile's three state changes wait D seconds, as a slow
service would: there the pool's effect is plain (N workers wait side by side). Without it the
rate is what reading, checking and decoding the files costs on this machine.

`rows(quick)` returns ``(measure, result)`` pairs for a combined benchmark table; running the
script prints them as a markdown table. A benchmark, not a test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sentinelhub_emulator.samples import write_cog

__all__ = ["rows"]

BANDS = ("B02", "B03", "B04")
BUCKET = "bench"


@dataclass(frozen=True)
class Setting:
    workers: int
    delay: float
    tiles: int

    @property
    def label(self) -> str:
        delay = f", --ingestion-delay {self.delay:g}" if self.delay else ""
        return f"ingestion, {self.tiles} tiles x {len(BANDS)} COGs, {self.workers} worker(s){delay}"


def write_tiles(bucket: Path, tiles: int) -> list[str]:
    """The bucket-relative tile paths of ``tiles`` tiles, their files written."""
    paths = [f"scenes/{i:04d}/scene_(BAND).tif" for i in range(tiles)]
    for path in paths:
        for band in BANDS:
            write_cog(
                bucket / path.replace("(BAND)", band),
                crs_epsg=32633,
                bounds=(500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0),
                width=512,
                height=512,
                fill="noise",
            )
    return paths


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def emulator_process(data_dir: Path, bucket: Path, setting: Setting) -> Iterator[str]:
    """``python -m sentinelhub_emulator`` with ``setting`` until the block ends; its base URL."""
    port = _free_port()
    command = [sys.executable, "-m", "sentinelhub_emulator", "--data-dir", str(data_dir)]
    command += ["--port", str(port), "--log-level", "warning", "--bucket", f"{BUCKET}={bucket}"]
    command += ["--ingestion-workers", str(setting.workers)]
    command += ["--ingestion-delay", str(setting.delay)]
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
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


def _client(base: str) -> httpx.Client:
    response = httpx.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "emulator-client",
            "client_secret": "emulator-secret",
        },
    )
    response.raise_for_status()
    token = response.json()["access_token"]
    return httpx.Client(
        base_url=f"{base}/api/v1/byoc", headers={"Authorization": f"Bearer {token}"}, timeout=60
    )


def _register_held(data_dir: Path, bucket: Path, paths: list[str]) -> str:
    """Register every tile while no worker can take it (one worker, held by a one-hour delay
    before its first step; a graceful stop leaves every tile WAITING); the collection id."""
    held = Setting(1, 3600.0, len(paths))
    with emulator_process(data_dir, bucket, held) as base, _client(base) as client:
        bands = {band: {"bitDepth": 16, "sampleFormat": "UINT"} for band in BANDS}
        response = client.post(
            "/collections",
            json={"name": "bench", "s3Bucket": BUCKET, "additionalData": {"bands": bands}},
        )
        response.raise_for_status()
        collection = str(response.json()["data"]["id"])
        with ThreadPoolExecutor(8) as pool:
            for answer in pool.map(
                lambda path: client.post(f"/collections/{collection}/tiles", json={"path": path}),
                paths,
            ):
                answer.raise_for_status()
    return collection


def measure(work: Path, bucket: Path, paths: list[str], setting: Setting) -> tuple[float, int]:
    """(seconds from the first tile's ingestion start until nothing is pending, tiles
    INGESTED): the tiles are registered first, in an emulator that does not ingest them, so
    that the registration's HTTP calls are not what is measured."""
    data_dir = Path(tempfile.mkdtemp(dir=work, prefix=f"run-{setting.workers}-"))
    collection = _register_held(data_dir, bucket, paths[: setting.tiles])
    with emulator_process(data_dir, bucket, setting) as base, _client(base) as client:
        # A look every 25 ms: the emulator answers on the same two cores as its workers.
        while client.get(f"/collections/{collection}").json()["data"]["requiresMetadataUpdate"]:
            time.sleep(0.025)
        finished = datetime.now(UTC)
        ingested = 0
        starts: list[datetime] = []
        params: dict[str, object] = {"count": 100}
        while True:
            page = client.get(f"/collections/{collection}/tiles", params=params).json()
            for tile in page["data"]:
                ingested += tile["status"] == "INGESTED"
                if tile.get("ingestionStart"):
                    starts.append(
                        datetime.fromisoformat(tile["ingestionStart"].replace("Z", "+00:00"))
                    )
            token = page.get("links", {}).get("nextToken")
            if not token:
                break
            params["viewtoken"] = token
    return (finished - min(starts)).total_seconds(), ingested


def rows(quick: bool, rounds: int = 1) -> list[tuple[str, str]]:
    """The benchmark's table rows: (measure, result). With ``rounds`` > 1 every setting runs
    that many times, the settings taking turns (1, 2, 4 workers, 1, 2, 4...), so that a load
    that comes and goes on the machine falls on all of them; each row gives the median rate,
    the range and the ratio of the medians."""
    tiles = 40 if quick else 200
    delayed = 16 if quick else 60
    delay = 0.05
    settings = [
        Setting(1, 0.0, tiles),
        Setting(2, 0.0, tiles),
        Setting(4, 0.0, tiles),
        Setting(1, delay, delayed),
        Setting(4, delay, delayed),
    ]
    measured: dict[Setting, list[tuple[float, int]]] = {setting: [] for setting in settings}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        bucket = work / "bucket"
        paths = write_tiles(bucket, tiles)
        for _ in range(max(1, rounds)):
            for setting in settings:
                seconds, ingested = measure(work, bucket, paths, setting)
                measured[setting].append((ingested / seconds, ingested))
    results: list[tuple[str, str]] = []
    medians = {
        (s.workers, s.delay): statistics.median(rate for rate, _ in runs)
        for s, runs in measured.items()
    }
    for setting, runs in measured.items():
        rate = medians[(setting.workers, setting.delay)]
        base = medians[(1, setting.delay)]
        ratio = f", {rate / base:.1f}x 1 worker" if setting.workers != 1 else ""
        ingested = min(count for _, count in runs)
        failed = "" if ingested == setting.tiles else f" ({setting.tiles - ingested} not)"
        spread = ""
        if len(runs) > 1:
            low, high = min(r for r, _ in runs), max(r for r, _ in runs)
            spread = f", median of {len(runs)}: {low:.1f}-{high:.1f}"
        results.append(
            (setting.label, f"{rate:.1f} tiles/s ({ingested} INGESTED{failed}{ratio}{spread})")
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer tiles, for a smoke run")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run every setting this many times, in turns"
    )
    args = parser.parse_args(argv)
    print("| measure | result |")
    print("|---|---|")
    for name, result in rows(args.quick, args.rounds):
        print(f"| {name} | {result} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
