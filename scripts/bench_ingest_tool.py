"""Benchmark ``shc ingest`` end to end against byoc-tool's documented flow run one tile at a time.

    .venv/bin/python scripts/bench_ingest_tool.py [--quick]

Writes N scenes of plain GeoTIFFs (striped, no overviews: every file needs conversion), three
512 x 512 uint16 bands each in a folder per scene, then against one emulator process (``python
-m sentinelhub_emulator``, 4 ingestion workers) times, into fresh collections and bucket
folders:

- ``shc ingest SCENES --bucket-dir ... --prefix ...`` (a subprocess, as a user runs it:
  grouping, checks, conversion in a process pool, copies and registrations overlapping
  conversion, then the wait until every tile is INGESTED);
- the peer, byoc-tool's sequential flow emulated in this process: for each scene convert its
  three files (`to_cog`), copy them into the bucket, register the tile (with its traced cover
  geometry), next scene; then the same wait.

Both are timed from start until every tile is INGESTED, on the same files, so the ratio
compares like with like. `rows(quick)` returns ``(measure, result)`` pairs; a benchmark, not a
test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from bench_ingest import BANDS, BUCKET, Setting, emulator_process

__all__ = ["rows"]


def write_scenes(folder: Path, scenes: int) -> None:
    rng = np.random.default_rng(7)
    for n in range(scenes):
        for band in BANDS:
            path = folder / f"scene{n:04d}" / f"{band}.tif"
            path.parent.mkdir(parents=True, exist_ok=True)
            with rasterio.open(
                path,
                "w",
                driver="GTiff",
                width=512,
                height=512,
                count=1,
                dtype="uint16",
                crs="EPSG:32633",
                transform=Affine(10, 0, 500_000.0 + 5120 * (n % 20), 0, -10, 5_010_000.0),
            ) as dst:
                dst.write(rng.integers(0, 4000, size=(1, 512, 512), dtype=np.uint16))


def _env(base: str) -> dict[str, str]:
    return {
        **os.environ,
        "SH_BASE_URL": base,
        "SH_TOKEN_URL": f"{base}/oauth/token",
        "SH_CLIENT_ID": "emulator-client",
        "SH_CLIENT_SECRET": "emulator-secret",
    }


def _config(base: str) -> object:
    from sentinelhub_client import SHConfig

    return SHConfig(
        use_defaults=True,
        sh_base_url=base,
        sh_token_url=f"{base}/oauth/token",
        sh_client_id="emulator-client",
        sh_client_secret="emulator-secret",  # noqa: S106 - the emulator's documented demo secret
    )


def _new_collection(base: str, name: str) -> str:
    from sentinelhub_client import SentinelHubBYOC

    with SentinelHubBYOC(_config(base)) as byoc:  # type: ignore[arg-type]
        return str(byoc.create_collection({"name": name, "s3Bucket": BUCKET}).collection_id)


def run_shc(base: str, scenes: Path, bucket: Path, prefix: str) -> tuple[float, int]:
    collection = _new_collection(base, prefix)
    command = [sys.executable, "-m", "sentinelhub_client", "ingest", str(scenes)]
    command += ["--collection", collection, "--bucket-dir", str(bucket), "--prefix", prefix]
    command += ["--json"]
    started = time.perf_counter()
    done = subprocess.run(command, env=_env(base), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"shc ingest failed: {done.stderr[-2000:]}")
    ingested = done.stdout.count('"status":"INGESTED"')
    return seconds, ingested


def run_sequential(base: str, scenes: Path, bucket: Path, prefix: str) -> tuple[float, int]:
    from sentinelhub_client import ByocTile, SentinelHubBYOC
    from sentinelhub_client.cog import cover_geometry, to_cog

    collection = _new_collection(base, prefix)
    started = time.perf_counter()
    created: list[ByocTile] = []
    with (
        SentinelHubBYOC(_config(base)) as byoc,  # type: ignore[arg-type]
        tempfile.TemporaryDirectory() as tmp,
    ):
        for scene in sorted(p for p in scenes.iterdir() if p.is_dir()):
            for band in BANDS:  # convert
                to_cog(scene / f"{band}.tif", Path(tmp) / f"{band}.tif", overwrite=True)
            target = bucket / prefix / scene.name
            target.mkdir(parents=True, exist_ok=True)
            for band in BANDS:  # "upload"
                shutil.copyfile(Path(tmp) / f"{band}.tif", target / f"{band}.tif")
            tile = {
                "path": f"{prefix}/{scene.name}/(BAND).tif",
                "coverGeometry": cover_geometry(target / f"{BANDS[0]}.tif"),
            }
            created.append(byoc.create_tile(collection, tile))  # register
        final = byoc.wait_for_tiles(collection, created, interval=2.0, timeout=1800)
    seconds = time.perf_counter() - started
    return seconds, sum(t.status == "INGESTED" for t in final)


def rows(quick: bool) -> list[tuple[str, str]]:
    scenes_count = 40 if quick else 200
    results: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-tool-") as tmp:
        work = Path(tmp)
        scenes = work / "scenes"
        write_scenes(scenes, scenes_count)
        bucket = work / "bucket"
        bucket.mkdir()
        data_dir = work / "emu"
        with emulator_process(data_dir, bucket, Setting(4, 0.0, scenes_count)) as base:
            peer_s, peer_n = run_sequential(base, scenes, bucket, "sequential")
            shc_s, shc_n = run_shc(base, scenes, bucket, "shc")
    label = f"{scenes_count} plain GeoTIFF scenes x {len(BANDS)} bands, to INGESTED"
    peer_rate = peer_n / peer_s
    shc_rate = shc_n / shc_s
    results.append(
        (
            f"shc ingest, {label} ({os.cpu_count()} conversion processes)",
            f"{shc_rate:.2f} tiles/s ({shc_n} INGESTED, {shc_s:.1f} s; "
            f"{shc_rate / peer_rate:.1f}x byoc-tool's sequential flow)",
        )
    )
    results.append(
        (
            f"byoc-tool's flow emulated one tile at a time (convert, upload, register), {label}",
            f"{peer_rate:.2f} tiles/s ({peer_n} INGESTED, {peer_s:.1f} s)",
        )
    )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 scenes, for a smoke run")
    args = parser.parse_args(argv)
    print("| measure | result |")
    print("|---|---|")
    for name, result in rows(args.quick):
        print(f"| {name} | {result} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
