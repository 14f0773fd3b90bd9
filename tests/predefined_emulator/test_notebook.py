"""A Sentinel-2 L2A NDVI notebook for sentinelhub-py 3.12 runs against the emulator's synthetic
``sentinel-2-l2a`` scenes twice, as written and with only its import line pointing at
sentinelhub_client: both runs give the same pixels and statistics, and those equal what numpy
computes from the scenes' files (notebook_s2l2a.py.txt)."""

from __future__ import annotations

import gc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .conftest import SIZE, World

pytestmark = pytest.mark.integration

SCRIPT = (Path(__file__).parent / "notebook_s2l2a.py.txt").read_text(encoding="utf-8")
NAMES = (
    "BBox, CRS, DataCollection, MimeType, MosaickingOrder, SentinelHubRequest, "
    "SentinelHubStatistical, SHConfig, bbox_to_dimensions"
)


def run(world: World, package: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    emu = world.emulator
    for key, value in {
        "SH_CLIENT_ID": emu.client_id,
        "SH_CLIENT_SECRET": emu.client_secret,
        "SH_BASE_URL": emu.base_url,
        "SH_TOKEN_URL": emu.token_url,
        "OAUTHLIB_INSECURE_TRANSPORT": "1",
    }.items():
        monkeypatch.setenv(key, value)
    code = SCRIPT.replace("IMPORT_LINE", f"from {package} import {NAMES}")
    namespace: dict[str, Any] = {"__name__": f"notebook_{package}"}
    exec(compile(code, f"notebook_s2l2a[{package}]", "exec"), namespace)  # noqa: S102 - our script
    result: dict[str, Any] = namespace.pop("RESULT")
    with warnings.catch_warnings():
        if package == "sentinelhub":
            # sentinelhub-py's sessions leave their sockets to the garbage collector.
            warnings.simplefilter("ignore", ResourceWarning)
        namespace.clear()
        gc.collect()
    return result


@pytest.fixture(scope="module")
def runs(world: World) -> dict[str, dict[str, Any]]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return {
            package: run(world, package, monkeypatch)
            for package in ("sentinelhub", "sentinelhub_client")
        }


@pytest.mark.parametrize(
    "name", ["ndvi", "ndvi_oldest", "ndvi_clear", "ndvi_least_cc", "true_color", "scl"]
)
def test_both_clients_get_the_same_pixels(runs: dict[str, dict[str, Any]], name: str) -> None:
    theirs, ours = runs["sentinelhub"][name], runs["sentinelhub_client"][name]
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_ndvi_is_numpys_from_the_most_recent_scene(
    runs: dict[str, dict[str, Any]], world: World
) -> None:
    result = runs["sentinelhub_client"]
    assert result["size"] == runs["sentinelhub"]["size"] == (SIZE, SIZE)
    ndvi = result["ndvi"]
    assert ndvi.shape == (SIZE, SIZE, 2)
    assert ndvi.dtype == np.float32
    np.testing.assert_array_equal(ndvi[..., 0], world.ndvi(2))  # 2024-05-25
    assert (ndvi[..., 1] == 1).all()
    # Vegetation has a high NDVI, water a negative one.
    assert ndvi[100, 20, 0] > 0.7
    assert ndvi[150, 40, 0] < 0


def test_least_recent_reads_the_oldest_scene_and_its_no_data_strip(
    runs: dict[str, dict[str, Any]], world: World
) -> None:
    oldest = runs["sentinelhub_client"]["ndvi_oldest"]
    np.testing.assert_array_equal(oldest[..., 0], world.ndvi(0))  # NaN (0 / 0) on the strip
    mask = oldest[..., 1]
    assert (mask[:, :24] == 0).all()
    assert (mask[:, 24:] == 1).all()


def test_max_cloud_coverage_and_least_cc_read_the_scenes_metadata(
    runs: dict[str, dict[str, Any]], world: World
) -> None:
    assert [scene.cloud_coverage for scene in world.scenes] == [6.02, 1.89, 0.0]
    result = runs["sentinelhub_client"]
    # maxcc 0.05 (5 %) drops the oldest scene (6.02 %): leastRecent then takes 2024-05-15.
    np.testing.assert_array_equal(result["ndvi_clear"][..., 0], world.ndvi(1))
    np.testing.assert_array_equal(result["ndvi_least_cc"][..., 0], world.ndvi(2))


def test_true_color_is_reflectance_stretched(runs: dict[str, dict[str, Any]], world: World) -> None:
    image = runs["sentinelhub_client"]["true_color"]
    assert image.shape == (SIZE, SIZE, 3)
    assert image.dtype == np.uint8
    for channel, band in enumerate(("B04", "B03", "B02")):
        expected = np.clip(3.5 * world.band(2, band) / 10000 * 255, 0, 255)
        assert np.abs(image[..., channel] - expected).max() <= 0.5 + 1e-9


def test_scl_and_data_mask(runs: dict[str, dict[str, Any]], world: World) -> None:
    scl = runs["sentinelhub_client"]["scl"]
    assert scl.dtype == np.uint8
    expected = world.band(0, "SCL")
    np.testing.assert_array_equal(scl[..., 0], expected)
    np.testing.assert_array_equal(scl[..., 1], (expected != 0).astype(np.uint8))
    assert set(np.unique(expected)) == {0, 3, 4, 5, 6, 9}


def test_statistics_per_day_are_numpys(runs: dict[str, dict[str, Any]], world: World) -> None:
    theirs, ours = runs["sentinelhub"]["stats"], runs["sentinelhub_client"]["stats"]
    assert ours == theirs
    assert [entry[0] for entry in ours] == [
        "2024-05-05T00:00:00Z",
        "2024-05-15T00:00:00Z",
        "2024-05-25T00:00:00Z",
    ]
    for scene, (_, mean, samples, no_data) in enumerate(ours):
        red, nir = world.band(scene, "B04") / 10000, world.band(scene, "B08") / 10000
        scl = world.band(scene, "SCL")
        keep = np.isin(scl, [4, 5, 6]) & (world.band(scene, "B04") != 0)
        ndvi = (nir[keep] - red[keep]) / (nir[keep] + red[keep])
        assert samples == SIZE * SIZE
        assert no_data == int((~keep).sum())
        assert mean == pytest.approx(float(ndvi.mean()), rel=1e-6)
