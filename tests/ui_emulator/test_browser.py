"""The dashboard in a real browser (system Chromium through Playwright): the demo's tiles on the
map and in the table, a preview's pixels, a batch job's progress moving without a reload, the
request log, keyboard use and phone width. With SH_UPDATE_SCREENSHOTS=1 these tests also write
the documentation's screenshots."""

from __future__ import annotations

import io
import re
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import numpy.typing as npt
import pytest
import rasterio
from PIL import Image
from sentinelhub_client.demo import BUCKET, SCENES
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.process import engine
from sentinelhub_emulator.process.engine import RenderResult

from tests.batch_emulator.conftest import batch_client, create, request_body, wait_for
from tests.batch_emulator.renderers import CoordinateRenderer
from tests.support.emulator import fetch_token

from .conftest import COLOURS_BUCKET, DemoWorld, screenshot

BROKEN = next(scene for scene in SCENES if scene.broken_band)


def _secrets(world: DemoWorld, *tokens: str) -> list[str]:
    return [world.emu.client_secret, world.emu.admin_token, *tokens]


def _assert_no_secret(html: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in html
    assert "Bearer" not in html
    assert "client_secret" not in html


# ---------------------------------------------------------------------------------------------
# collections, map, tiles


def test_collections_page_lists_the_demo_collection(world: DemoWorld, page: Any) -> None:
    page.goto(world.ui + "/")
    row = page.locator(f"tr[data-collection='{world.collection.collection_id}']")
    assert row.locator("th a").inner_text() == "demo-scenes"
    text = row.inner_text()
    assert BUCKET in text
    for band in ("B02", "B03", "B04"):
        assert f"{band} UINT16" in text
    assert "4 tiles" in text
    assert "INGESTED 3" in " ".join(text.split())
    assert "FAILED 1" in " ".join(text.split())
    assert "2024-05-01 10:00:00 UTC" in text
    assert "2024-05-21 10:00:00 UTC" in text
    screenshot(page, "collections")


def test_collection_page_shows_four_tiles_and_four_footprints(world: DemoWorld, page: Any) -> None:
    collection_id = world.collection.collection_id
    page.goto(f"{world.ui}/collections/{collection_id}")
    rows = page.locator("#tile-table tbody tr")
    assert rows.count() == 4
    footprints = page.locator("svg#tile-map a.footprint")
    assert footprints.count() == 4
    assert page.locator("svg#tile-map .graticule path").count() >= 2
    assert page.locator("svg#tile-map path.extent").count() == 1
    # The FAILED tile: marked on the map (hatched, its own class) and in the table, with the
    # cause the API reports.
    broken = world.tile(BROKEN.path)
    cause = (broken.additional_data or {})["failedIngestionCause"]
    assert "scene_B03.tif" in cause
    failed = page.locator("svg#tile-map a.footprint[data-status='FAILED']")
    assert failed.count() == 1
    assert failed.get_attribute("data-path") == BROKEN.path
    assert failed.get_attribute("data-cause") == cause
    assert "s-failed" in (failed.get_attribute("class") or "")
    assert failed.locator("path").get_attribute("fill") == "url(#hatch)"
    assert cause in (failed.get_attribute("aria-label") or "")
    row = page.locator("#tile-table tbody tr[data-status='FAILED']")
    assert row.locator("td.cause").inner_text() == cause
    assert page.locator("#tile-table tbody tr[data-status='INGESTED']").count() == 3
    # The footprints lie where the tiles are: the WGS84 tile's box is in the map's description.
    numbers = re.findall(r"-?\d+\.\d+", page.locator("svg#tile-map desc").text_content() or "")
    west, east, south, north = (float(n) for n in numbers)
    assert west < 14.10 < 14.16 < 15.0 < east  # the WGS84 tile and the UTM ones at 15 E
    assert south < 45.10 < 45.16 < north
    # Hover shows the path; a click opens the tile.
    failed.hover()
    assert BROKEN.path in page.locator("#map-hover").inner_text()
    screenshot(page, "collection")
    failed.click()
    page.wait_for_url(f"**/tiles/{collection_id}/{broken.tile_id}")
    assert BROKEN.path in page.locator("h1").inner_text()
    assert cause in page.locator("#tile-meta").inner_text()


def test_the_status_filter_shows_only_that_status(world: DemoWorld, page: Any) -> None:
    page.goto(f"{world.ui}/collections/{world.collection.collection_id}")
    page.get_by_label("Show tiles").select_option("FAILED")  # submits on change
    page.wait_for_url("**status=FAILED")
    assert page.locator("#tile-table tbody tr").count() == 1
    assert page.locator("svg#tile-map a.footprint").count() == 1


def _stretched(bands: list[npt.NDArray[Any]], valid: npt.NDArray[np.bool_]) -> list[Any]:
    """The issue's rendering, written here again: linear between the 2nd and 98th percentile
    of the valid pixels, to 0..255 rounded half up (a flat band: shifted by its 2nd)."""
    planes = []
    for band in bands:
        values = band.astype(np.float64)
        low, high = np.percentile(values[valid], [2, 98])
        scaled = np.clip((values - low) / (high - low if high > low else 1.0), 0, 1) * 255
        planes.append(np.where(valid, np.floor(scaled + 0.5), 0).astype(np.uint8))
    return planes


def _read(bucket: Path, path: str, band: str) -> npt.NDArray[Any]:
    with rasterio.open(bucket / path.replace("(BAND)", band)) as source:
        return source.read(1)


def _png(page: Any, url: str) -> npt.NDArray[Any]:
    answer = page.request.get(url)
    assert answer.status == 200, answer.text()
    assert answer.headers["content-type"] == "image/png"
    return np.asarray(Image.open(io.BytesIO(answer.body())))


@pytest.mark.parametrize("which", ["demo", "colours"])
def test_the_preview_is_the_stretched_source_bands(world: DemoWorld, page: Any, which: str) -> None:
    if which == "demo":
        collection, tile, bucket = world.collection, world.tile(SCENES[0].path), BUCKET
    else:
        collection, tile, bucket = world.colours, world.colour_tile, COLOURS_BUCKET
    folder = world.emu.data_dir / "buckets" / bucket
    page.goto(f"{world.ui}/tiles/{collection.collection_id}/{tile.tile_id}")
    image = page.locator("img#preview")
    image.wait_for()
    assert page.evaluate("document.getElementById('preview').complete")
    assert page.evaluate("document.getElementById('preview').naturalWidth") == 512
    src = image.get_attribute("src")
    rgba = _png(page, world.emu.base_url + src)
    # True colour: B04, B03, B02 as red, green, blue; the tiles have 512 px, as the preview.
    sources = [_read(folder, tile.path, band) for band in ("B04", "B03", "B02")]
    if which == "demo":  # noData 0 in any band
        valid = np.all([band != 0 for band in sources], axis=0)
    else:  # no noData
        valid = np.ones(sources[0].shape, dtype=bool)
    expected = [*_stretched(sources, valid), np.where(valid, 255, 0).astype(np.uint8)]
    assert rgba.shape == (*sources[0].shape, 4)
    np.testing.assert_array_equal(np.moveaxis(rgba, -1, 0), np.stack(expected))
    if which == "colours":
        screenshot(page, "tile")
        # One band, chosen in the page: grey and alpha.
        page.get_by_label("Bands").select_option("B03")
        page.wait_for_url("**band=B03")
        grey = _png(page, world.emu.base_url + page.locator("img#preview").get_attribute("src"))
        assert grey.shape == (*sources[1].shape, 2)
        alone = np.ones(sources[1].shape, dtype=bool)
        [plane] = _stretched([sources[1]], alone)
        np.testing.assert_array_equal(grey[..., 0], plane)
        np.testing.assert_array_equal(grey[..., 1], np.where(alone, 255, 0))


def test_a_failed_tile_has_no_preview_but_its_files(world: DemoWorld, page: Any) -> None:
    broken = world.tile(BROKEN.path)
    page.goto(f"{world.ui}/tiles/{world.collection.collection_id}/{broken.tile_id}")
    assert page.locator("img#preview").count() == 0
    files = page.locator("table.files tbody tr")
    assert files.count() == 3
    assert "scene_B03.tif" in files.nth(1).inner_text() or "scene_B03.tif" in page.content()
    answer = page.request.get(
        f"{world.ui}/tiles/{world.collection.collection_id}/{broken.tile_id}/preview.png"
    )
    assert answer.status == 409


# ---------------------------------------------------------------------------------------------
# jobs: progress moves without a reload


class _Ticketed(CoordinateRenderer):
    """The coordinate renderer, each call waiting for a ticket (`release`)."""

    def __init__(self) -> None:
        super().__init__()
        self.tickets = threading.Semaphore(0)

    def __call__(
        self, ctx: EmulatorContext, account_id: str, request: Mapping[str, Any]
    ) -> RenderResult:
        assert self.tickets.acquire(timeout=30)
        return super().__call__(ctx, account_id, request)

    def release(self, count: int = 1) -> None:
        self.tickets.release(count)


def _done(page: Any, request_id: str) -> int:
    return int(page.locator(f"#job-{request_id} .count").get_attribute("data-done"))


def _wait_done(page: Any, request_id: str, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while _done(page, request_id) < count:
        assert time.monotonic() < deadline, f"the page still shows {_done(page, request_id)}"
        page.wait_for_timeout(100)


def test_a_running_batch_job_advances_on_the_page_without_a_reload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Any
) -> None:
    renderer = _Ticketed()
    monkeypatch.setattr(engine, "render", renderer)
    (tmp_path / "buckets" / "results").mkdir(parents=True)
    with (
        Emulator(tmp_path, batch_processes=0) as emu,
        batch_client(emu, fetch_token(emu)) as client,
    ):
        created = create(client, request_body())
        request_id = created["id"]
        renderer.release()  # the analysis renders one probe
        client.post(f"/process/{request_id}/analyse")
        wait_for(client, request_id, ("ANALYSIS_DONE",))
        client.post(f"/process/{request_id}/start")
        wait_for(client, request_id, ("PROCESSING",))

        page.goto(emu.base_url + "/_emulator/ui/jobs")
        row = page.locator(f"#job-{request_id}")
        assert row.get_attribute("data-status") == "PROCESSING"
        total = int(row.locator(".count").get_attribute("data-total"))
        assert total == 4
        assert _done(page, request_id) == 0
        assert page.locator("main").get_attribute("data-live") == "true"
        page.evaluate("window.__notReloaded = true")

        renderer.release()
        _wait_done(page, request_id, 1)
        assert page.locator(f"#job-{request_id} progress").get_attribute("value") == "1"
        renderer.release()
        _wait_done(page, request_id, 2)
        screenshot(page, "jobs")
        renderer.release(2)
        _wait_done(page, request_id, 4)
        deadline = time.monotonic() + 10
        while page.locator(f"#job-{request_id}").get_attribute("data-status") != "DONE":
            assert time.monotonic() < deadline
            page.wait_for_timeout(100)
        assert page.evaluate("window.__notReloaded") is True  # the same document all along
        assert "s3://results/out" in page.locator(f"#job-{request_id}").inner_text()
        _assert_no_secret(page.content(), [emu.client_secret, emu.admin_token])


# ---------------------------------------------------------------------------------------------
# requests


def test_the_request_log_shows_our_calls_and_never_a_token(world: DemoWorld, page: Any) -> None:
    token = fetch_token(world.emu)
    mine = [f"ui-test-{uuid.uuid4()}" for _ in range(3)]
    base = world.emu.base_url
    headers = {"Authorization": f"Bearer {token}"}
    collection_id = world.collection.collection_id
    httpx.get(f"{base}/api/v1/byoc/collections", headers={**headers, "SH-Request-Id": mine[0]})
    httpx.get(
        f"{base}/api/v1/byoc/collections/{collection_id}/tiles?count=2",
        headers={**headers, "SH-Request-Id": mine[1]},
    )
    missing = httpx.get(
        f"{base}/api/v1/byoc/collections/{uuid.uuid4()}",
        headers={**headers, "SH-Request-Id": mine[2]},
    )
    assert missing.status_code == 404

    page.goto(world.ui + "/requests")
    log = page.locator("#request-log tbody")
    for request_id, path, status in (
        (mine[0], "/api/v1/byoc/collections", "200"),
        (mine[1], f"/api/v1/byoc/collections/{collection_id}/tiles", "200"),
        (mine[2], "/api/v1/byoc/collections/", "404"),
    ):
        row = log.locator("tr", has_text=request_id)
        assert row.count() == 1
        cells = row.locator("td, th").all_inner_texts()
        assert cells[1] == "GET"
        assert cells[2].startswith(path)
        assert "?" not in cells[2]  # no query string
        assert cells[3] == status
        assert cells[4].endswith(" ms")
    assert log.locator("tr", has_text=urlsplit(world.emu.token_url).path).count() >= 1
    assert log.locator("tr", has_text="/favicon.ico").count() == 0  # the page has its icon
    # Newest first.
    numbers = [
        int(n) for n in log.locator("tr").evaluate_all("rs => rs.map(r => r.dataset.number)")
    ]
    assert numbers == sorted(numbers, reverse=True)
    html = page.content()
    _assert_no_secret(html, _secrets(world, token))
    # A request made while the page is open appears without a reload.
    page.evaluate("window.__notReloaded = true")
    later = f"ui-test-{uuid.uuid4()}"
    httpx.get(f"{base}/api/v1/byoc/collections", headers={**headers, "SH-Request-Id": later})
    log.locator("tr", has_text=later).wait_for()
    assert page.evaluate("window.__notReloaded") is True
    screenshot(page, "requests")
    for path in ("/", f"/collections/{collection_id}", "/jobs"):
        page.goto(world.ui + path)
        _assert_no_secret(page.content(), _secrets(world, token))


def test_process_requests_show_their_processing_units(world: DemoWorld, page: Any) -> None:
    token = fetch_token(world.emu)
    mine = f"ui-test-{uuid.uuid4()}"
    body = {
        "input": {
            "bounds": {
                "bbox": list(SCENES[0].bounds),
                "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
            },
            "data": [{"type": f"byoc-{world.collection.collection_id}"}],
        },
        "output": {"width": 64, "height": 64},
        "evalscript": "//VERSION=3\nfunction setup() { return {input: ['B02'], output: "
        "{bands: 1}}; }\nfunction evaluatePixel(s) { return [s.B02 / 1000]; }",
    }
    answer = httpx.post(
        world.emu.base_url + "/api/v1/process",
        json=body,
        headers={"Authorization": f"Bearer {token}", "SH-Request-Id": mine},
    )
    assert answer.status_code == 200, answer.text
    units = float(answer.headers["x-processingunits-spent"])
    page.goto(world.ui + "/requests")
    cells = page.locator("#request-log tbody tr", has_text=mine).locator("td, th").all_inner_texts()
    assert cells[2] == "/api/v1/process"
    assert float(cells[5]) == pytest.approx(units, abs=5e-4)


# ---------------------------------------------------------------------------------------------
# keyboard, screen readers, phone width


def test_the_map_works_from_the_keyboard(world: DemoWorld, page: Any) -> None:
    page.goto(f"{world.ui}/collections/{world.collection.collection_id}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('footprint')"):
            break
    else:
        pytest.fail("no footprint took the keyboard focus")
    focused = page.evaluate("document.activeElement.getAttribute('data-path')")
    assert focused in page.locator("#map-hover").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/tiles/**")
    assert focused in page.locator("h1").inner_text()


@pytest.mark.parametrize(
    "path", ["/", "/collections/{collection}", "/tiles/{collection}/{tile}", "/jobs", "/requests"]
)
def test_pages_are_labelled_and_fit_a_phone(world: DemoWorld, browser: Any, path: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(
            world.ui
            + path.format(
                collection=world.collection.collection_id, tile=world.tile(SCENES[0].path).tile_id
            )
        )
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("main").count() == 1
        assert page.locator("nav[aria-label]").count() == 1
        assert page.locator("h1").count() == 1
        # Every form control has a label; every table a caption and header cells.
        unlabelled = page.evaluate(
            "[...document.querySelectorAll('select, input')].filter(e => !e.labels.length).length"
        )
        assert unlabelled == 0
        for table in page.locator("table").all():
            assert table.locator("caption").count() == 1
            assert table.locator("thead th[scope='col']").count() >= 1
        for image in page.locator("img").all():
            assert image.get_attribute("alt")
        # Nothing wider than the phone but the scrolling table boxes.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
    finally:
        context.close()
