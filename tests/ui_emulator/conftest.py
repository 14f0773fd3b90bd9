"""Fixtures of the dashboard's tests: the demo's data in an emulator, and a real Chromium.

The browser is the system's Chromium (Debian's ``chromium`` package, which ``.ci/run``
installs), driven by Playwright for Python; Playwright's own browser download is never used. Without
a Chromium binary (``SH_CHROMIUM``, else ``chromium`` / ``chromium-browser`` on the PATH) or
without the ``playwright`` package the browser tests skip, saying so.

``SH_UPDATE_SCREENSHOTS=1`` makes the browser tests write the documentation's screenshots
(``docs/images/dashboard-*.png``); read when this module is imported, because every test runs
with the ``SH_*`` variables removed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_client import (
    ByocCollection,
    ByocCollectionBand,
    ByocTile,
    SentinelHubBYOC,
    SHConfig,
)
from sentinelhub_client.demo import BANDS, BUCKET, SCENES, write_scenes
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_cog

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "images"
UPDATE_SCREENSHOTS = os.environ.get("SH_UPDATE_SCREENSHOTS", "") not in ("", "0")
CHROMIUM = os.environ.get("SH_CHROMIUM") or next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A collection whose three bands differ, so a preview shows whether the bands are in order.
COLOURS_BUCKET = "colours"
COLOUR_FILLS = {"B04": "gradient", "B03": "checkerboard", "B02": "zeros"}


@dataclass(frozen=True)
class DemoWorld:
    emu: Emulator
    config: SHConfig
    collection: ByocCollection
    tiles: list[ByocTile]
    colours: ByocCollection
    colour_tile: ByocTile

    @property
    def ui(self) -> str:
        return self.emu.base_url + "/_emulator/ui"

    def tile(self, path: str) -> ByocTile:
        [found] = [tile for tile in self.tiles if tile.path == path]
        return found


def config_for(emu: Emulator) -> SHConfig:
    return SHConfig(
        use_defaults=True,
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWorld]:
    """The demo's data (4 tiles, one FAILED) loaded as the demo loads it, through the SDK; and a
    one-tile collection with three different bands."""
    root = tmp_path_factory.mktemp("ui")
    with Emulator(root, batch_processes=0) as emu:
        write_scenes(emu.data_dir / "buckets" / BUCKET)
        colours = emu.data_dir / "buckets" / COLOURS_BUCKET
        for band, fill in COLOUR_FILLS.items():
            write_cog(
                colours / f"scene_{band}.tif",
                crs_epsg=32633,
                bounds=(500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0),
                width=512,
                height=512,
                dtype="uint16",
                blocksize=256,
                fill=fill,
            )
        config = config_for(emu)
        bands = {
            name: ByocCollectionBand(bit_depth=16, sample_format="UINT", no_data=0)
            for name in BANDS
        }
        with SentinelHubBYOC(config) as byoc:
            collection = byoc.create_collection(
                {"name": "demo-scenes", "s3Bucket": BUCKET, "additionalData": {"bands": bands}}
            )
            tiles = [
                byoc.create_tile(
                    collection, ByocTile(path=scene.path, sensing_time=scene.sensing_time)
                )
                for scene in SCENES
            ]
            plain = {name: ByocCollectionBand(bit_depth=16, sample_format="UINT") for name in BANDS}
            colour_collection = byoc.create_collection(
                {
                    "name": "three-colours",
                    "s3Bucket": COLOURS_BUCKET,
                    "additionalData": {"bands": plain},
                }
            )
            colour_tile = byoc.create_tile(colour_collection, ByocTile(path="scene_(BAND).tif"))
            emu.wait_for_ingestion()
            tiles = [byoc.get_tile(collection, tile) for tile in tiles]
            colour_tile = byoc.get_tile(colour_collection, colour_tile)
        yield DemoWorld(emu, config, collection, tiles, colour_collection, colour_tile)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless system Chromium, or a skip that says what is missing."""
    if CHROMIUM is None:
        pytest.skip(
            "no Chromium binary: install Debian's chromium (apt-get install chromium; "
            ".ci/run does) or point SH_CHROMIUM at one"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (it comes with the dev extra)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context: no cookies or cache shared between tests)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def screenshot(page: Any, name: str) -> None:
    """Write ``docs/images/dashboard-<name>.png`` when SH_UPDATE_SCREENSHOTS is set."""
    if UPDATE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}.png"), full_page=True)
