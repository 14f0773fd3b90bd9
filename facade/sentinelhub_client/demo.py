"""The end-to-end demo: a whole BYOC workflow against the embedded emulator.

``shc demo`` (or ``python -m sentinelhub_client demo``) starts a local emulator in a temporary
folder, writes a handful of real Cloud-Optimized GeoTIFFs with rasterio (three bands, two CRSs and
one deliberately broken file), creates a collection with bands, registers the tiles with sensing
times, waits for ingestion with a progress display, lists and filters the tiles, shows why the
broken tile failed, renders the collection with an evalscript through the Process API (and checks
the pixels against the source files), downloads the files of a Planet tile, and prints a summary.

It needs the ``emulator`` extra (``pip install "sentinelhub-client[emulator]"``, ``pip install -e
".[emulator]"`` in a clone); without it, importing this module raises an `ImportError` saying so.
Nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.extras import require_extra
from sentinelhub_client.byoc.client import SentinelHubBYOC
from sentinelhub_client.byoc.models import ByocCollection, ByocCollectionBand, ByocTile, TileStatus

if TYPE_CHECKING:
    from sentinelhub_emulator import Emulator

__all__ = ["DemoResult", "run_demo"]

require_extra(__name__, "emulator")

BUCKET = "demo-bucket"
PLANET_BUCKET = "planet-demo"
BANDS = ("B02", "B03", "B04")


@dataclass(frozen=True)
class Scene:
    """One tile of the demo: where its files go and how they look."""

    path: str
    crs_epsg: int
    bounds: tuple[float, float, float, float]
    sensing_time: dt.datetime
    broken_band: str | None = None


def _utm33_scene(day: int, west: float, broken_band: str | None = None) -> Scene:
    """A 512 x 512 px tile at 10 m in UTM zone 33N starting at ``west``, sensed at 10:00 UTC on
    ``day`` May 2024."""
    return Scene(
        f"utm33/2024-05-{day:02d}/scene_(BAND).tif",
        32633,
        (west, 5_000_000.0, west + 5_120.0, 5_005_120.0),
        dt.datetime(2024, 5, day, 10, 0, tzinfo=dt.UTC),
        broken_band,
    )


SCENES = (
    _utm33_scene(1, 500_000.0),
    _utm33_scene(11, 502_560.0),
    Scene(
        "wgs84/2024-05-06/scene_(BAND).tif",
        4326,
        (14.10, 45.10, 14.16, 45.16),
        dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.UTC),
    ),
    _utm33_scene(21, 500_000.0, broken_band="B03"),
)


@dataclass(frozen=True)
class DemoResult:
    """What the demo saw, for the summary and for tests."""

    tiles: list[ByocTile]
    collection: ByocCollection
    downloaded: list[Path]
    seconds: float
    rendered_matches: bool = False

    @property
    def statuses(self) -> Counter[str]:
        return Counter(str(t.status) for t in self.tiles)

    @property
    def ok(self) -> bool:
        """True when exactly the broken tile failed and the others were ingested."""
        broken = {s.path for s in SCENES if s.broken_band}
        for tile in self.tiles:
            expected = TileStatus.FAILED if tile.path in broken else TileStatus.INGESTED
            if tile.status != expected:
                return False
        return len(self.tiles) == len(SCENES) and self.rendered_matches


def write_scenes(bucket: Path) -> None:
    """Write the demo's COGs (and the one broken file) into the bucket folder."""
    from sentinelhub_emulator.samples import write_broken_file, write_cog

    for scene in SCENES:
        for band in BANDS:
            target = bucket / scene.path.replace("(BAND)", band)
            if band == scene.broken_band:
                write_broken_file(target, "striped")
            else:
                write_cog(
                    target,
                    crs_epsg=scene.crs_epsg,
                    bounds=scene.bounds,
                    width=512,
                    height=512,
                    dtype="uint16",
                    blocksize=256,
                )


def write_planet_tile(bucket: Path, folder: str) -> None:
    """A Planet-style tile: an analytic COG, a mask and a metadata file, in one folder."""
    from sentinelhub_emulator.samples import write_cog

    root = bucket / folder
    # The analytic image and its mask cover the same 1024 x 1024 px at 2.5 m.
    write = functools.partial(
        write_cog,
        crs_epsg=32633,
        bounds=(500_000.0, 5_000_000.0, 502_560.0, 5_002_560.0),
        width=1024,
        height=1024,
    )
    write(root / "20240501_100706_56_24fd_ortho_analytic_4b_sr.tif", count=4, dtype="uint16")
    write(root / "20240501_100706_56_24fd_ortho_udm2.tif", dtype="uint8")
    (root / "20240501_100706_56_24fd_metadata.json").write_text(
        '{"id": "20240501_100706_56_24fd", "instrument": "PSB.SD"}\n'
    )


@contextmanager
def running_emulator(workdir: Path) -> Iterator[Emulator]:
    from sentinelhub_emulator import Emulator

    with Emulator(workdir / "emulator", planet_buckets=[PLANET_BUCKET]) as emulator:
        yield emulator


def _band_table(collection: ByocCollection) -> str:
    bands = (collection.additional_data.bands if collection.additional_data else None) or {}
    return ", ".join(f"{name} ({b.bit_depth}-bit {b.sample_format})" for name, b in bands.items())


def _tile_table(tiles: list[ByocTile]) -> Table:
    table = Table(title="Tiles", show_lines=False)
    table.add_column("path", overflow="fold")
    for column in ("status", "sensed (UTC)", "CRS", "m/px"):
        table.add_column(column, no_wrap=True)
    for tile in sorted(tiles, key=lambda t: t.path):
        # The service names the CRS as urn:ogc:def:crs:EPSG::<code> in the geometry.
        urn = str((tile.tile_geometry or {}).get("crs", {}).get("properties", {}).get("name", ""))
        crs = f"EPSG:{urn.rsplit(':', 1)[-1]}" if urn else "-"
        extra: dict[str, Any] = dict(tile.additional_data or {})
        resolution = ""
        if "minMetersPerPixel" in extra:
            resolution = f"{extra['minMetersPerPixel']:.1f}-{extra['maxMetersPerPixel']:.1f}"
        colour = {"INGESTED": "green", "FAILED": "red"}.get(str(tile.status), "yellow")
        table.add_row(
            tile.path,
            f"[{colour}]{tile.status}[/{colour}]",
            tile.sensing_time.strftime("%Y-%m-%d %H:%M") if tile.sensing_time else "-",
            crs,
            resolution,
        )
    return table


def _wait_with_progress(
    byoc: SentinelHubBYOC, collection: ByocCollection, tiles: list[ByocTile], console: Console
) -> list[ByocTile]:
    columns = (
        TextColumn("[bold]ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[states]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("ingest", total=len(tiles), states="")

        def show(current: list[ByocTile]) -> None:
            counts = Counter(str(t.status) for t in current)
            done = counts["INGESTED"] + counts["FAILED"]
            states = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
            progress.update(task, completed=done, states=states)

        return byoc.wait_for_tiles(collection, tiles, interval=0.2, timeout=120, callback=show)


def run_demo(workdir: Path | None = None, *, console: Console | None = None) -> DemoResult:
    """Run the whole demo; returns what it saw. ``workdir`` defaults to a temporary folder."""
    console = console or Console()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="shc-demo-") as tmp:
        root = Path(workdir) if workdir is not None else Path(tmp)
        with running_emulator(root) as emulator:
            console.rule("[bold]sentinelhub-client demo")
            console.print(f"Emulator at [cyan]{emulator.base_url}[/] (data in {root})")
            console.print(
                f"Dashboard at [cyan]{emulator.base_url}/_emulator/ui/[/] "
                "(collections, tiles on a map, jobs, requests; open while the demo runs)"
            )
            bucket = emulator.data_dir / "buckets" / BUCKET
            write_scenes(bucket)
            files = sorted(p.relative_to(bucket).as_posix() for p in bucket.rglob("*.tif"))
            console.print(f"Wrote {len(files)} GeoTIFFs into bucket [cyan]{BUCKET}[/]")

            config = SHConfig(
                use_defaults=True,
                sh_client_id=emulator.client_id,
                sh_client_secret=emulator.client_secret,
                sh_base_url=emulator.base_url,
                sh_token_url=emulator.token_url,
            )
            with SentinelHubBYOC(config) as byoc:
                bands = {
                    name: ByocCollectionBand(bit_depth=16, sample_format="UINT", no_data=0)
                    for name in BANDS
                }
                collection = byoc.create_collection(
                    {"name": "demo-scenes", "s3Bucket": BUCKET, "additionalData": {"bands": bands}}
                )
                console.print(
                    f"Created collection [bold]{collection.name}[/] "
                    f"{collection.collection_id} with bands {_band_table(collection)}"
                )
                tiles = [
                    byoc.create_tile(
                        collection, ByocTile(path=scene.path, sensing_time=scene.sensing_time)
                    )
                    for scene in SCENES
                ]
                console.print(f"Registered {len(tiles)} tiles; waiting for ingestion")
                final = _wait_with_progress(byoc, collection, tiles, console)
                console.print(_tile_table(final))

                failed = list(byoc.iter_tiles(collection, status=TileStatus.FAILED))
                for tile in failed:
                    cause = (tile.additional_data or {}).get("failedIngestionCause")
                    console.print(f"[red]FAILED[/] {tile.path}\n  cause: {cause}")
                newest = next(iter(byoc.iter_tiles(collection, sort="created:desc", max_items=1)))
                console.print(f"Newest registered tile (sort=created:desc): {newest.path}")
                [one] = list(byoc.iter_tiles(collection, path=SCENES[0].path))
                console.print(f"Lookup by path finds tile {one.tile_id} ({one.status})")

                collection = byoc.get_collection(collection)
                extra = collection.additional_data
                if extra is not None:
                    console.print(
                        "Collection metadata: "
                        f"hasSensingTimes={extra.get('hasSensingTimes')}, "
                        f"from {extra.get('fromSensingTime')} to {extra.get('toSensingTime')}, "
                        f"maxMetersPerPixel={extra.get('maxMetersPerPixel')}"
                    )

                rendered = _process_part(config, collection, bucket, console)
                downloaded = _planet_part(byoc, emulator, root, console)

            result = DemoResult(final, collection, downloaded, time.monotonic() - started, rendered)
            counts = result.statuses
            console.rule("[bold]summary")
            console.print(
                f"{len(final)} tiles: {counts['INGESTED']} ingested, {counts['FAILED']} failed "
                f"(as intended: the striped B03 file); an evalscript rendered them "
                f"({'pixels match the source' if rendered else 'PIXELS DIFFER'}); "
                f"{len(downloaded)} Planet files downloaded and verified; {result.seconds:.1f} s"
            )
            return result


#: Three bands as stored, mosaicked most recent first (the engine runs it in V8).
TRUE_COLOR = """//VERSION=3
function setup() {
  return {input: ["B04", "B03", "B02"], output: {bands: 3, sampleType: "UINT16"}};
}
function evaluatePixel(s) { return [s.B04, s.B03, s.B02]; }
"""


def _process_part(
    config: SHConfig, collection: ByocCollection, bucket: Path, console: Console
) -> bool:
    """Render the two UTM scenes with an evalscript through the Process API, on their own 10 m
    grid, and check every pixel against the source files (the newer scene on top)."""
    import numpy as np
    import rasterio

    from sentinelhub_client.process import BBox, MimeType, SentinelHubRequest

    first, second = SCENES[0], SCENES[1]  # 2024-05-01 and 2024-05-11; 05-21 failed ingestion
    west, south = first.bounds[0], first.bounds[1]
    east, north = second.bounds[2], second.bounds[3]
    request = SentinelHubRequest(
        evalscript=TRUE_COLOR,
        input_data=[
            SentinelHubRequest.input_data(
                collection, time_interval=("2024-05-01T00:00:00Z", "2024-05-31T00:00:00Z")
            )
        ],
        responses=[SentinelHubRequest.output_response("default", MimeType.TIFF)],
        bbox=BBox((west, south, east, north), crs=first.crs_epsg),
        resolution=(10, 10),
        config=config,
    )
    [image] = request.get_data()
    expected = np.zeros_like(image)
    offset = round((second.bounds[0] - west) / 10)
    for position, band in enumerate(("B04", "B03", "B02")):
        for scene, column in ((first, 0), (second, offset)):  # the newer one last, on top
            with rasterio.open(bucket / scene.path.replace("(BAND)", band)) as source:
                data = source.read(1)
            expected[:, column : column + data.shape[1], position] = data
    matches = bool(image.shape == expected.shape and np.array_equal(image, expected))
    console.print(
        f"Process API: an evalscript rendered {image.shape[1]} x {image.shape[0]} px x "
        f"{image.shape[2]} bands from 2 tiles (most recent on top) for "
        f"{request.processing_units} PU; pixels equal to the source files: "
        + ("[green]yes[/]" if matches else "[red]no[/]")
    )
    return matches


def _planet_part(
    byoc: SentinelHubBYOC, emulator: Emulator, root: Path, console: Console
) -> list[Path]:
    """Download the files of a tile of a Planet collection, with a progress bar."""
    from sentinelhub_client.progress import progress_bar

    bucket = emulator.data_dir / "buckets" / PLANET_BUCKET
    folder = "PSScene/20240501_100706_56_24fd"
    write_planet_tile(bucket, folder)
    planet = byoc.create_collection(ByocCollection(name="planet-order", s3_bucket=PLANET_BUCKET))
    tile = byoc.create_tile(planet, ByocTile(path=folder))
    names = byoc.list_tile_files(planet, tile)
    console.print(f"Planet tile {folder} has files: {', '.join(names)}")
    target = root / "downloads"
    with progress_bar("downloading", console=console) as progress:
        paths = byoc.download_tile(planet, tile, target, progress=progress)
    for path in paths:
        relative = path.relative_to(target).as_posix()
        source = bucket / folder / relative
        if _sha256(path) != _sha256(source):
            raise RuntimeError(f"downloaded {relative} differs from the source file")
    return paths


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
