"""Benchmark the emulator's Process API: requests per second and milliseconds per megapixel.

    .venv/bin/python scripts/bench_process.py [--quick] [--sizes 256,1024] [--bands 3] ...

Starts an emulator in a temporary folder with two BYOC collections over the same 2560 x 2560
pixels of 10 m in UTM 33N (three uint16 bands): one made of a single tile, one of four
1280 x 1280 tiles. For each output size (256, 512, 1024 and 2500 px square), one and three bands,
one and four tiles, it sends aligned Process requests (UINT16 TIFF answers) over HTTP and reports
the median: requests per second and milliseconds per megapixel. The peer, measured in the same
run on the same files, is a plain rasterio job doing the bare minimum of the same work: a windowed
read of each band of each tile into the output array and a GeoTIFF written in memory; the ratio
says what the evalscript, the masks, the cover geometries and the HTTP round trip cost on top.
Ours and the peer run alternately, request by request. ``--quick`` measures a subset;
``--sizes``, ``--bands``, ``--tiles``, ``--repeat`` and ``--no-reprojected`` choose the rows,
``--profile TOP`` also profiles the emulator's rendering of each row (``--help``).

A benchmark, not a test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import io
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import Resampling
from rasterio.io import MemoryFile
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import Window
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.process import engine
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
    """Read each band of each tile into the output with rasterio, write a GeoTIFF."""
    top = Y0 + SIDE * RES
    transform = Affine(RES, 0.0, X0, 0.0, -RES, top)
    out = np.zeros((bands, size, size), dtype=np.uint16)
    with rasterio.Env():
        _read_all(folders, out, transform, size, bands)
    return _geotiff(out, transform, size, bands)


def _read_all(folders: list[Path], out: Any, transform: Affine, size: int, bands: int) -> None:
    """Copy the part of each tile's bands that falls in the output, with windowed reads."""
    for folder in folders:
        for index, band in enumerate(BANDS[:bands]):
            with rasterio.open(folder / f"{band}.tif") as src:
                col = round((src.transform.c - transform.c) / RES)
                row = round((transform.f - src.transform.f) / RES)
                rows = (max(row, 0), min(row + src.height, size))
                cols = (max(col, 0), min(col + src.width, size))
                if rows[0] >= rows[1] or cols[0] >= cols[1]:
                    continue  # the tile is outside the output
                window = Window(cols[0] - col, rows[0] - row, cols[1] - cols[0], rows[1] - rows[0])
                out[index, rows[0] : rows[1], cols[0] : cols[1]] = src.read(1, window=window)


def _geotiff(
    out: Any, transform: Affine, size: int, bands: int, crs: str = f"EPSG:{EPSG}"
) -> bytes:
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": bands,
        "dtype": "uint16",
        "crs": crs,
        "transform": transform,
        "compress": "deflate",
        "zlevel": 1,
        "tiled": True,
    }
    with MemoryFile() as memfile:
        with memfile.open(**profile) as dataset:
            dataset.write(out)
        return bytes(memfile.read())


def _median_seconds(
    ours: Callable[[], object], peer: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """The median seconds of ``ours`` and of ``peer``, run alternately (so that a change in the
    machine's load weighs on both alike)."""
    ours()  # warm up (file caches, first V8 context)
    peer()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, spent in ((ours, times[0]), (peer, times[1])):
            start = time.perf_counter()
            run()
            spent.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


@contextlib.contextmanager
def _profiled(profiler: cProfile.Profile | None) -> Iterator[None]:
    """With a profiler: every ``engine.render`` the emulator runs meanwhile is profiled in the
    server's thread that runs it (the HTTP round trip around it is not)."""
    if profiler is None:
        yield
        return
    real = engine.render

    def render(*args: Any, **kwargs: Any) -> Any:
        profiler.enable()
        try:
            return real(*args, **kwargs)
        finally:
            profiler.disable()

    engine.render = render  # the routes call engine.render
    try:
        yield
    finally:
        engine.render = real


def _profile_text(profiler: cProfile.Profile, top: int) -> str:
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    for order in ("tottime", "cumulative"):
        stats.sort_stats(order).print_stats(top)
    return text.getvalue()


def rows(
    quick: bool,
    *,
    sizes: tuple[int, ...] | None = None,
    bands: tuple[int, ...] = (1, 3),
    tiles: tuple[int, ...] = (1, 4),
    repeat: int | None = None,
    reprojected: bool = True,
    profile: int = 0,
) -> list[tuple[str, str]]:
    """(measure, result) rows: one per size, band count and tile count (by default every one
    of them; ``--quick``: 256 and 1024 px, 2 repeats), then the reprojected request.

    With ``profile`` > 0, each row's requests are also profiled inside the emulator
    (``engine.render``) and that many top entries, by own and by cumulative time, are printed.
    """
    if sizes is None:
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
                times = repeat or (2 if quick else 3 if size >= 1024 else 10)
                megapixels = size * size / 1e6
                for count in bands:
                    for tile_count in tiles:
                        collection_id, folders = collections[tile_count]
                        body = _body(collection_id, size, count)

                        def request(body: dict[str, Any] = body) -> None:
                            response = client.post("/api/v1/process", json=body)
                            response.raise_for_status()

                        profiler = None
                        if profile > 0:
                            request()  # the first request of a process loads V8, the schemas
                            profiler = cProfile.Profile()
                        with _profiled(profiler):
                            ours, peer = _median_seconds(
                                request, functools.partial(_peer, folders, size, count), times
                            )
                        if profiler is not None:
                            print(
                                f"## engine.render, {size} px, {count} band(s), {tile_count}"
                                f" tile(s), {times + 1} requests"
                            )
                            print(_profile_text(profiler, profile))
                        result.append(
                            (
                                f"Process {size}x{size} px, {count} band(s), {tile_count} tile(s)",
                                f"{1 / ours:.1f} req/s, {ours * 1000 / megapixels:.0f} ms/MP "
                                f"({ours / peer:.1f}x a plain rasterio read + GeoTIFF: "
                                f"{peer * 1000 / megapixels:.0f} ms/MP)",
                            )
                        )
            if not reprojected:
                return result
            # Reprojected: the same area in CRS84 with BILINEAR, against rasterio's warp.
            size, count, (collection_id, folders) = 1024, 3, collections[4]
            body = _reprojected_body(collection_id, size, count)

            def warped() -> None:
                client.post("/api/v1/process", json=body).raise_for_status()

            ours, peer = _median_seconds(
                warped,
                lambda: _warp_peer(folders, body, size, count),
                repeat or (2 if quick else 3),
            )
            megapixels = size * size / 1e6
            result.append(
                (
                    f"Process {size}x{size} px in CRS84, BILINEAR, {count} bands, 4 tiles",
                    f"{1 / ours:.1f} req/s, {ours * 1000 / megapixels:.0f} ms/MP "
                    f"({ours / peer:.1f}x a plain rasterio warp + GeoTIFF: "
                    f"{peer * 1000 / megapixels:.0f} ms/MP)",
                )
            )
    return result


def _reprojected_body(collection_id: str, size: int, bands: int) -> dict[str, Any]:
    body = _body(collection_id, size, bands)
    x0, y0, x1, y1 = body["input"]["bounds"]["bbox"]
    lon0, lat0, lon1, lat1 = transform_bounds(f"EPSG:{EPSG}", "EPSG:4326", x0, y0, x1, y1)
    body["input"]["bounds"] = {
        "bbox": [lon0, lat0, lon1, lat1],
        "properties": {"crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
    }
    body["input"]["data"][0]["processing"] = {"upsampling": "BILINEAR", "downsampling": "BILINEAR"}
    return body


def _warp_peer(folders: list[Path], body: dict[str, Any], size: int, bands: int) -> bytes:
    """Warp each band of each tile onto the CRS84 grid with rasterio, write a GeoTIFF."""
    lon0, lat0, lon1, lat1 = body["input"]["bounds"]["bbox"]
    transform = Affine((lon1 - lon0) / size, 0.0, lon0, 0.0, -(lat1 - lat0) / size, lat1)
    out = np.zeros((bands, size, size), dtype=np.float32)
    with rasterio.Env():
        for folder in folders:
            for index, band in enumerate(BANDS[:bands]):
                with rasterio.open(folder / f"{band}.tif") as src:
                    reproject(
                        rasterio.band(src, 1),
                        out[index],
                        dst_transform=transform,
                        dst_crs="EPSG:4326",
                        resampling=Resampling.bilinear,
                        init_dest_nodata=False,
                    )
    return _geotiff(out.astype(np.uint16), transform, size, bands, crs="EPSG:4326")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="measure a subset")
    parser.add_argument(
        "--sizes", type=_numbers, help="output sizes in px, e.g. 256,1024 (default: all)"
    )
    parser.add_argument("--bands", type=_numbers, default=(1, 3), help="band counts: 1,3")
    parser.add_argument("--tiles", type=_numbers, default=(1, 4), help="tile counts: 1,4")
    parser.add_argument("--repeat", type=int, help="requests per measure (median)")
    parser.add_argument(
        "--no-reprojected", action="store_true", help="skip the reprojected CRS84 request"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="TOP",
        help="also profile engine.render in the emulator and print the TOP entries per row",
    )
    args = parser.parse_args()
    print("| measure | result |")
    print("|---|---|")
    measured = rows(
        args.quick,
        sizes=args.sizes,
        bands=args.bands,
        tiles=args.tiles,
        repeat=args.repeat,
        reprojected=not args.no_reprojected,
        profile=args.profile,
    )
    for measure, value in measured:
        print(f"| {measure} | {value} |")


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(","))


if __name__ == "__main__":
    main()
