"""Benchmark one budget for a Dask cluster: 429s and wall time against the PU policy.

    .venv/bin/python scripts/bench_budget.py [--quick]

Starts an emulator with the service's rate-limit policies (``requests=600/min``,
``pu=300/min``: token buckets of 600 requests and 300 PU, refilled over a minute) and a Dask
``LocalCluster`` of 4 worker processes (2 threads each), and sends 400 Process requests of
1.5 PU each (627 x 627 px PNGs of three bands) with `sentinelhub_client.dask.process_many`:
once with the client-side budget (``RateLimit`` from the same policies, kept in the Dask
scheduler), once without it (the peer: the same SDK retrying every 429 after its
``Retry-After``). The PU policy allows ``(600 - 300) / 5 = 60 s`` for the 600 PU; each row gives
the wall time against that, the 429s the emulator sent and the tokens it issued
(``GET /_emulator/stats``). ``--quick``: 60 requests of 0.25 PU under ``pu=1/s`` (14 s allowed).

A benchmark, not a test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from distributed import Client, LocalCluster
from sentinelhub_client import RateLimit, RetryPolicy, SHConfig
from sentinelhub_client.dask import process_many
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_samples

WORKERS = 4
EVALSCRIPT = """//VERSION=3
function setup() { return {input: ["B02", "B03", "B04"], output: {bands: 3}}; }
function evaluatePixel(s) { return [s.B04 / 3000, s.B03 / 3000, s.B02 / 3000]; }
"""


@dataclass(frozen=True)
class Scale:
    requests: int
    side: int  # output pixels per side: (side / 512) ** 2 PU
    policies: tuple[str, ...]
    pu_capacity: float
    pu_per_second: float

    @property
    def units(self) -> float:
        return (self.side / 512) ** 2

    def allowed(self, spent: float) -> float:
        """Seconds the PU policy needs for ``spent`` PU: what is beyond a full bucket."""
        return max(0.0, spent - self.pu_capacity) / self.pu_per_second


FULL = Scale(400, 627, ("requests=600/min", "pu=300/min"), 300.0, 5.0)
QUICK = Scale(60, 256, ("requests=600/min", "pu=1/s"), 1.0, 1.0)


def _seed(emu: Emulator) -> str:
    write_samples(emu.data_dir / "buckets" / "samples")
    form = {
        "grant_type": "client_credentials",
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
    }
    token = httpx.post(emu.token_url, data=form).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=emu.base_url + "/api/v1/byoc", headers=headers) as byoc:
        created = byoc.post("/collections", json={"name": "bench", "s3Bucket": "samples"})
        collection_id = str(created.json()["data"]["id"])
        byoc.post(
            f"/collections/{collection_id}/tiles",
            json={"path": "2024/05/tile_(BAND).tif", "sensingTime": "2024-05-01T00:00:00Z"},
        ).raise_for_status()
    emu.wait_for_ingestion()
    emu.reset_stats()
    return collection_id


def _body(collection_id: str, side: int) -> dict[str, Any]:
    return {
        "input": {
            "bounds": {
                "bbox": [500_000, 5_000_000, 500_000 + side * 10, 5_000_000 + side * 10],
                "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
            },
            "data": [{"type": f"byoc-{collection_id}"}],
        },
        "output": {
            "width": side,
            "height": side,
            "responses": [{"identifier": "default", "format": {"type": "image/png"}}],
        },
        "evalscript": EVALSCRIPT,
    }


def _run(scale: Scale, limited: bool) -> dict[str, float]:
    """One run on a fresh emulator and cluster: wall time, PU, 429s, tokens."""
    with tempfile.TemporaryDirectory(prefix="bench-budget-") as folder:
        root = Path(folder)
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")  # the workers' shared token file
        with Emulator(root / "emu", rate_limits=scale.policies) as emu:
            collection_id = _seed(emu)
            config = SHConfig(
                use_defaults=True,
                sh_base_url=emu.base_url,
                sh_token_url=emu.token_url,
                sh_client_id=emu.client_id,
                sh_client_secret=emu.client_secret,
                rate_limit=RateLimit.parse(" ".join(scale.policies)) if limited else None,
                # the peer retries every 429 as long as it takes
                retry=RetryPolicy(max_attempts=1000, max_total_wait=3600),
            )
            requests = [_body(collection_id, scale.side) for _ in range(scale.requests)]
            with (
                LocalCluster(
                    n_workers=WORKERS, threads_per_worker=2, processes=True, dashboard_address=None
                ) as cluster,
                Client(cluster) as client,
            ):
                client.run(__import__, "sentinelhub_client.dask")
                started = time.monotonic()
                results = process_many(requests, client=client, config=config, progress=False)
                wall = time.monotonic() - started
            stats = emu.stats()
    spent = sum(r.processing_units or 0.0 for r in results)
    return {
        "wall": wall,
        "spent": spent,
        "throttled": stats["throttled"],
        "requests": stats["requests"],
        "tokens": stats["tokensIssued"],
    }


def rows(quick: bool) -> list[tuple[str, str]]:
    scale = QUICK if quick else FULL
    policies = " ".join(scale.policies)
    what = (
        f"{scale.requests} Process requests of {scale.units:.2f} PU, {WORKERS} Dask worker "
        f"processes, emulator {policies}"
    )
    out = []
    for limited in (True, False):
        run = _run(scale, limited)
        allowed = scale.allowed(run["spent"])
        share = 100.0 * run["throttled"] / scale.requests
        label = (
            "with RateLimit (budget in the scheduler)" if limited else "without a limiter (peer)"
        )
        out.append(
            (
                f"{what}, {label}",
                f"{run['wall']:.1f} s for {allowed:.1f} s the PU policy allows "
                f"({run['wall'] / allowed:.2f}x); {run['throttled']:.0f} answers 429 "
                f"({share:.1f}% of the requests, {run['requests']:.0f} sent in all); "
                f"{run['tokens']:.0f} token(s) issued",
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (about 40 s)")
    for measure, result in rows(parser.parse_args().quick):
        print(f"{measure}: {result}")


if __name__ == "__main__":
    main()
