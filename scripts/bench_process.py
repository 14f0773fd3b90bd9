"""Benchmark the emulator's Process API: requests per second and milliseconds per megapixel.

    .venv/bin/python scripts/bench_process.py [--quick]

Starts an emulator in a temporary folder with two BYOC collections over the same 2560 x 2560
pixels of 10 m in UTM 33N (three uint16 bands): one made of a single tile, one of four
1280 x 1280 tiles. For each output size (256, 512, 1024 and 2500 px square), one and three bands,
one and four tiles, it sends aligned Process requests (UINT16 TIFF answers) over HTTP and reports
the median: requests per second and milliseconds per megapixel. The peer, measured in the same
run on the same files, is a plain rasterio job doing the bare minimum of the same work: warping
each band of each tile onto the output grid and writing a GeoTIFF in memory; the ratio says what
the evalscript, the masks and the HTTP round trip cost on top. ``--quick`` measures a subset.

A benchmark, not a test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import Resampling
from rasterio.io import MemoryFile
from rasterio.warp import reproject
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_cog

BANDS = ("B1", "B2", "B3")
EPSG = 32633
X0, Y0 = 500_000.0, 5_000_000.0
RES = 10.0
SIDE = 2560
SIZES = (256, 512, 1024, 2500)
SCRIPT = """//VERSION=3
function setup() {
  return {input: [%s], output: {bands: %d, sampleType: "UINT16"}};
}
function evaluatePixel(s) { return [%s]; }
"""


def _seed(emu: Emulator, root: Path, token: str) -> dict[int, tuple[str, list[Path]]]:
    """Two collections over the same pixels: {tile count: (collection id, tile folders)}."""
    bucket = root / "buckets" / "bench"
    layouts = {1: [(0, 0, SIDE)], 4: [(r, c, SIDE // 2) for r in (0, 1) for c in (0, 1)]}
    result: dict[int, tuple[str, list[Path]]] = {}
    with httpx.Client(
        base_url=emu.base_url + "/api/v1/byoc",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    ) as byoc:
        for count, layout in layouts.items():
            created = byoc.post("/collections", json={"name": f"{count}", "s3Bucket": "bench"})
            collection_id = created.json()["data"]["id"]
            folders = []
            for row, col, side in layout:
                left = X0 + col * side * RES
                top = Y0 + SIDE * RES - row * side * RES
                folder = bucket / f"c{count}" / f"t{row}{col}"
                for band in BANDS:
                    write_cog(
                        folder / f"{band}.tif",
                        crs_epsg=EPSG,
                        bounds=(left, top - side * RES, left + side * RES, top),
                        width=side,
                        height=side,
                        fill="noise",
                        blocksize=512,
                    )
                byoc.post(
                    f"/collections/{collection_id}/tiles",
                    json={"path": f"c{count}/t{row}{col}/(BAND).tif"},
                ).raise_for_status()
                folders.append(folder)
            result[count] = (collection_id, folders)
    emu.wait_for_ingestion(timeout=300)
    return result


def _body(collection_id: str, size: int, bands: int) -> dict[str, Any]:
    names = BANDS[:bands]
    top = Y0 + SIDE * RES
    return {
        "input": {
            "bounds": {
                "bbox": [X0, top - size * RES, X0 + size * RES, top],
                "properties": {"crs": f"http://www.opengis.net/def/crs/EPSG/0/{EPSG}"},
            },
            "data": [{"type": f"byoc-{collection_id}"}],
        },
        "output": {
            "width": size,
            "height": size,
            "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
        },
        "evalscript": SCRIPT
        % (", ".join(f'"{n}"' for n in names), bands, ", ".join(f"s.{n}" for n in names)),
    }


def _peer(folders: list[Path], size: int, bands: int) -> bytes:
    """Warp each band of each tile onto the output grid with rasterio, write a GeoTIFF."""
    top = Y0 + SIDE * RES
    transform = Affine(RES, 0.0, X0, 0.0, -RES, top)
    out = np.zeros((bands, size, size), dtype=np.uint16)
    with rasterio.Env():
        _warp_all(folders, out, transform, size, bands)
    return _geotiff(out, transform, size, bands)


def _warp_all(folders: list[Path], out: Any, transform: Affine, size: int, bands: int) -> None:
    top = transform.f
    for folder in folders:
        for index, band in enumerate(BANDS[:bands]):
            with rasterio.open(folder / f"{band}.tif") as src:
                left, _, _, top_ = src.bounds
                if left >= X0 + size * RES or top_ <= top - size * RES:
                    continue  # the tile is outside the output
                reproject(
                    rasterio.band(src, 1),
                    out[index],
                    dst_transform=transform,
                    dst_crs=f"EPSG:{EPSG}",
                    resampling=Resampling.nearest,
                    init_dest_nodata=False,
                )


def _geotiff(out: Any, transform: Affine, size: int, bands: int) -> bytes:
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": bands,
        "dtype": "uint16",
        "crs": f"EPSG:{EPSG}",
        "transform": transform,
        "compress": "deflate",
        "zlevel": 1,
        "tiled": True,
    }
    with MemoryFile() as memfile:
        with memfile.open(**profile) as dataset:
            dataset.write(out)
        return bytes(memfile.read())


def _median_seconds(run: Callable[[], object], repeat: int) -> float:
    run()  # warm up (file caches, first V8 context)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rows(quick: bool) -> list[tuple[str, str]]:
    """(measure, result) rows: one per size, band count and tile count."""
    sizes = (256, 1024) if quick else SIZES
    result: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp, Emulator(Path(tmp)) as emu:
        token = httpx.post(
            emu.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": emu.client_id,
                "client_secret": emu.client_secret,
            },
        ).json()["access_token"]
        collections = _seed(emu, Path(tmp), token)
        with httpx.Client(
            base_url=emu.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=300
        ) as client:
            for size in sizes:
                repeat = 3 if size >= 1024 else 10
                if quick:
                    repeat = 2
                megapixels = size * size / 1e6
                for bands in (1, 3):
                    for tiles, (collection_id, folders) in collections.items():
                        body = _body(collection_id, size, bands)

                        def request(body: dict[str, Any] = body) -> None:
                            response = client.post("/api/v1/process", json=body)
                            response.raise_for_status()

                        ours = _median_seconds(request, repeat)
                        peer = _median_seconds(
                            lambda f=folders, s=size, b=bands: _peer(f, s, b), repeat
                        )
                        result.append(
                            (
                                f"Process {size}x{size} px, {bands} band(s), {tiles} tile(s)",
                                f"{1 / ours:.1f} req/s, {ours * 1000 / megapixels:.0f} ms/MP "
                                f"({ours / peer:.1f}x a plain rasterio warp + GeoTIFF: "
                                f"{peer * 1000 / megapixels:.0f} ms/MP)",
                            )
                        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="measure a subset")
    args = parser.parse_args()
    print("| measure | result |")
    print("|---|---|")
    for measure, value in rows(args.quick):
        print(f"| {measure} | {value} |")


if __name__ == "__main__":
    main()
