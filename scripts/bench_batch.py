"""Benchmark the emulator's Batch Processing v1 service: tiles processed per second.

    .venv/bin/python scripts/bench_batch.py [--quick]

Starts an emulator in a temporary folder with a BYOC collection of one uint16 band over 20 x 20 km
of 10 m pixels in UTM 33N (2000 x 2000 px), then runs a batch request on the 10 km grid (id 1)
at 10 m whose area covers exactly four cells: 1000 x 1000 px tiles rendered by the Process engine
and written as GeoTIFF into a bucket folder. It reports tiles per second from ``start`` to
``DONE`` (analysis excluded; polling every 20 ms), the median of several runs. The peer,
measured in the same run on the same data, is the same four tiles requested one after the other
as synchronous Process API calls (TIFF answers, kept in memory), its runs alternating with the
batch runs; the ratio says what the batch machinery (states, worker processes, files) costs or
saves on top of the rendering. ``--quick`` runs once, otherwise three times. Tiles render in the
emulator's batch worker processes (by default one per core), which start with the first batch
job after the emulator starts: one untimed job runs first, as in a long-running emulator.
On this project's 2-core machine with nothing else running (2026-12-06): 1.61x the peer (median
of 3; ``--quick`` 1.66x); on threads, before the worker processes, 0.60x.

A benchmark, not a test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_cog

EPSG = 32633
CRS = f"http://www.opengis.net/def/crs/EPSG/0/{EPSG}"
# Four 10 km cells of MGRS square 33TVM: x 450-470 km, y 5140-5160 km.
WEST, SOUTH, EAST, NORTH = 450_000.0, 5_140_000.0, 470_000.0, 5_160_000.0
SCRIPT = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1, sampleType: "UINT16"}}; }
function evaluatePixel(s) { return [s.B1]; }
"""


def _seed(emu: Emulator, root: Path, token: str) -> str:
    write_cog(
        root / "buckets" / "data" / "scene" / "B1.tif",
        crs_epsg=EPSG,
        bounds=(WEST, SOUTH, EAST, NORTH),
        width=2000,
        height=2000,
        fill="noise",
        blocksize=512,
    )
    (root / "buckets" / "out").mkdir(parents=True, exist_ok=True)
    with httpx.Client(
        base_url=emu.base_url + "/api/v1/byoc",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    ) as byoc:
        created = byoc.post("/collections", json={"name": "bench", "s3Bucket": "data"})
        collection_id = str(created.json()["data"]["id"])
        byoc.post(
            f"/collections/{collection_id}/tiles",
            json={"path": "scene/(BAND).tif", "sensingTime": "2024-05-01T10:00:00Z"},
        ).raise_for_status()
    emu.wait_for_ingestion()
    return collection_id


def _inputs(collection_id: str, bbox: list[float]) -> dict[str, Any]:
    return {
        "bounds": {"bbox": bbox, "properties": {"crs": CRS}},
        "data": [{"type": f"byoc-{collection_id}"}],
    }


def _batch_run(client: httpx.Client, collection_id: str, run: int) -> float:
    """Seconds from start to DONE for the four tiles."""
    body = {
        "processRequest": {
            "input": _inputs(collection_id, [WEST + 2000, SOUTH + 2000, EAST - 2000, NORTH - 2000]),
            "evalscript": SCRIPT,
        },
        "tilingGrid": {"id": 1, "resolution": 10.0},
        "output": {"defaultTilePath": f"s3://out/run{run}"},
    }
    created = client.post("/api/v1/batch/process", json=body)
    created.raise_for_status()
    request_id = created.json()["id"]
    assert created.json()["tileCount"] == 4
    client.post(f"/api/v1/batch/process/{request_id}/analyse").raise_for_status()
    while client.get(f"/api/v1/batch/process/{request_id}").json()["status"] == "ANALYSING":
        time.sleep(0.02)
    began = time.perf_counter()
    client.post(f"/api/v1/batch/process/{request_id}/start").raise_for_status()
    while True:
        status = client.get(f"/api/v1/batch/process/{request_id}").json()["status"]
        if status in ("DONE", "PARTIAL", "FAILED", "CANCELED"):
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - began
    if status != "DONE":
        raise RuntimeError(f"the batch request ended {status}")
    return elapsed


def _process_run(client: httpx.Client, collection_id: str) -> float:
    """Seconds for the same four tiles as synchronous Process requests."""
    began = time.perf_counter()
    for x in (WEST, WEST + 10_000):
        for y in (SOUTH, SOUTH + 10_000):
            response = client.post(
                "/api/v1/process",
                json={
                    "input": _inputs(collection_id, [x, y, x + 10_000, y + 10_000]),
                    "output": {
                        "width": 1000,
                        "height": 1000,
                        "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
                    },
                    "evalscript": SCRIPT,
                },
            )
            response.raise_for_status()
    return time.perf_counter() - began


def rows(quick: bool) -> list[tuple[str, str]]:
    """The measured rows: (what, result)."""
    runs = 1 if quick else 3
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with Emulator(root) as emu:
            token = httpx.post(
                emu.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": emu.client_id,
                    "client_secret": emu.client_secret,
                },
            ).json()["access_token"]
            collection_id = _seed(emu, root, token)
            with httpx.Client(
                base_url=emu.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120
            ) as client:
                _batch_run(client, collection_id, -1)  # starts the worker processes
                # Batch and peer runs alternate, so that a change of the machine's load weighs
                # on both.
                batches, processes = [], []
                for i in range(runs):
                    batches.append(_batch_run(client, collection_id, i))
                    processes.append(_process_run(client, collection_id))
                batch, process = statistics.median(batches), statistics.median(processes)
    return [
        (
            "batch, 10 km grid at 10 m, 4 tiles of 1000 x 1000 px (start to DONE)",
            f"{4 / batch:.2f} tiles/s ({batch:.2f} s)",
        ),
        (
            "peer: the same 4 tiles as sequential Process API calls",
            f"{4 / process:.2f} tiles/s ({process:.2f} s); batch is {process / batch:.2f}x",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run instead of three")
    args = parser.parse_args()
    table = rows(args.quick)
    width = max(len(label) for label, _ in table)
    print(f"| {'measure':<{width}} | result |")
    print(f"|{'-' * (width + 2)}|--------|")
    for label, value in table:
        print(f"| {label:<{width}} | {value} |")


if __name__ == "__main__":
    main()
