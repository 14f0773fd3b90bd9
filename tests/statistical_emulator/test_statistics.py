"""Statistics, percentiles and histograms equal numpy's on the same source pixels."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from sentinelhub_emulator.core.spec import validate_body
from shapely import contains_xy
from shapely.geometry import Polygon

from .conftest import CANVAS, World, mosaic, stats_body

STATISTICS = "/api/v1/statistics"


def post(world: World, body: dict[str, Any], path: str = STATISTICS) -> dict[str, Any]:
    with world.client() as client:
        response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    validate_body("StatisticalResponse", answer)
    answer["_units"] = float(response.headers["x-processingunits-spent"])
    return answer


def expected_stats(values: npt.NDArray[np.float64], sample_count: int) -> dict[str, Any]:
    return {
        "min": float(values.min()),
        "max": float(values.max()),
        "mean": float(np.mean(values)),
        "stDev": float(np.std(values, ddof=1)),
        "sampleCount": sample_count,
        "noDataCount": sample_count - values.size,
    }


def assert_stats(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert actual.keys() >= expected.keys()
    for key, value in expected.items():
        assert actual[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key


def days(world: World) -> dict[str, list[Any]]:
    t3, t2, t1 = world.tiles  # newest first
    return {"2024-01-01": [t1], "2024-01-02": [t3, t2]}


def test_basic_statistics_per_day_and_a_day_without_tiles_is_omitted(world: World) -> None:
    answer = post(world, stats_body(collection=world.main_id))
    assert answer["status"] == "OK"
    assert answer["geometryPixelCount"] == 512 * 384
    intervals = [entry["interval"] for entry in answer["data"]]
    assert intervals == [
        {"from": "2024-01-01T00:00:00Z", "to": "2024-01-02T00:00:00Z"},
        {"from": "2024-01-02T00:00:00Z", "to": "2024-01-03T00:00:00Z"},
    ]  # 2024-01-03 has no tile
    for entry, tiles in zip(answer["data"], days(world).values(), strict=True):
        b1, b2, mask = mosaic(tiles)
        bands = entry["outputs"]["data"]["bands"]
        assert set(entry["outputs"]) == {"data"}  # dataMask is not reported
        assert set(bands) == {"B0", "B1"}
        assert_stats(bands["B0"]["stats"], expected_stats(b1[mask], 512 * 384))
        assert_stats(bands["B1"]["stats"], expected_stats(b2[mask], 512 * 384))
        assert "percentiles" not in bands["B0"]["stats"]
        assert "histogram" not in bands["B0"]
    # Area 512 x 384 / 512^2 x 2 input bands / 3, per interval with data.
    assert answer["_units"] == pytest.approx(2 * 0.75 * 2 / 3)


def test_histograms_and_percentiles(world: World) -> None:
    calculations = {
        "data": {
            "histograms": {
                "B0": {"nBins": 7},
                "B1": {"bins": [500, 1000, 2500, 5000]},
            },
            "statistics": {
                "default": {"percentiles": {"k": [0, 2.5, 33, 50, 75, 90, 100]}},
                "B1": {"percentiles": {"k": [10, 50], "interpolation": "linear"}},
            },
        }
    }
    answer = post(world, stats_body(collection=world.main_id, calculations=calculations))
    for entry, tiles in zip(answer["data"], days(world).values(), strict=True):
        b1, b2, mask = mosaic(tiles)
        bands = entry["outputs"]["data"]["bands"]
        v1, v2 = b1[mask], b2[mask]

        ks = [0, 2.5, 33, 50, 75, 90, 100]
        found = np.percentile(v1, ks, method="higher")
        assert bands["B0"]["stats"]["percentiles"] == {
            str(float(k)): float(v) for k, v in zip(ks, found, strict=True)
        }
        found = np.percentile(v2, [10, 50], method="linear")
        assert bands["B1"]["stats"]["percentiles"] == pytest.approx(
            {"10.0": found[0], "50.0": found[1]}, rel=1e-12
        )

        counts, edges = np.histogram(v1, bins=7)
        histogram = bands["B0"]["histogram"]
        assert [b["count"] for b in histogram["bins"]] == counts.tolist()
        assert [b["lowEdge"] for b in histogram["bins"]] == pytest.approx(edges[:-1].tolist())
        assert histogram["bins"][-1]["highEdge"] == pytest.approx(float(v1.max()))
        assert histogram["underflow"] == histogram["overflow"] == 0

        edges = np.array([500, 1000, 2500, 5000], dtype=np.float64)
        counts, _ = np.histogram(v2, bins=edges)
        histogram = bands["B1"]["histogram"]
        assert [b["count"] for b in histogram["bins"]] == counts.tolist()
        assert [(b["lowEdge"], b["highEdge"]) for b in histogram["bins"]] == [
            (500, 1000),
            (1000, 2500),
            (2500, 5000),
        ]
        assert histogram["underflow"] == int(np.count_nonzero(v2 < 500))
        assert histogram["overflow"] == int(np.count_nonzero(v2 > 5000))


def test_bin_width_histogram_with_edges(world: World) -> None:
    calculations = {
        "default": {"histograms": {"B0": {"binWidth": 150, "lowEdge": 100, "highEdge": 800}}}
    }
    answer = post(world, stats_body(collection=world.main_id, calculations=calculations))
    b1, _, mask = mosaic(days(world)["2024-01-01"])
    values = b1[mask]
    edges = 100 + 150 * np.arange(6, dtype=np.float64)  # 100 .. 850: covers highEdge
    counts, _ = np.histogram(values, bins=edges)
    histogram = answer["data"][0]["outputs"]["data"]["bands"]["B0"]["histogram"]
    assert [b["count"] for b in histogram["bins"]] == counts.tolist()
    assert histogram["bins"][-1]["highEdge"] == 850
    assert histogram["underflow"] == int(np.count_nonzero(values < 100))
    assert histogram["overflow"] == int(np.count_nonzero(values > 850))
    assert "histogram" not in answer["data"][0]["outputs"]["data"]["bands"]["B1"]


def test_geometry_masks_pixels_outside_it(world: World) -> None:
    # A polygon cutting through the tiles (vertices off pixel centres), in UTM metres.
    x0, y0, _, y1 = CANVAS
    polygon = Polygon(
        [
            (x0 + 403.3, y0 + 97.7),
            (x0 + 4601.1, y0 + 503.3),
            (x0 + 3307.7, y1 - 211.1),
            (x0 + 997.3, y1 - 1509.9),
            (x0 + 403.3, y0 + 97.7),
        ]
    )
    geometry = {"type": "Polygon", "coordinates": [list(polygon.exterior.coords)]}
    calculations = {"default": {"statistics": {"default": {"percentiles": {"k": [50]}}}}}
    answer = post(
        world, stats_body(collection=world.main_id, geometry=geometry, calculations=calculations)
    )
    cols, rows = np.meshgrid(np.arange(512), np.arange(384))
    inside = contains_xy(polygon, x0 + (cols + 0.5) * 10, y1 - (rows + 0.5) * 10)
    assert 1000 < inside.sum() < 512 * 384 // 2
    assert answer["geometryPixelCount"] == int(inside.sum())
    assert len(answer["data"]) == 2
    for entry, tiles in zip(answer["data"], days(world).values(), strict=True):
        b1, b2, mask = mosaic(tiles)
        bands = entry["outputs"]["data"]["bands"]
        for name, plane in (("B0", b1), ("B1", b2)):
            values = plane[mask & inside]
            stats = bands[name]["stats"]
            assert_stats(stats, expected_stats(values, int(inside.sum())))
            assert stats["percentiles"] == {
                "50.0": float(np.percentile(values, 50, method="higher"))
            }


def test_a_longer_interval_mosaics_most_recent_first(world: World) -> None:
    answer = post(world, stats_body(collection=world.main_id, of="P2D"))
    # [01-01, 01-03) holds every tile; [01-03, 01-05) is cut by the range's end: skipped.
    [entry] = answer["data"]
    assert entry["interval"] == {"from": "2024-01-01T00:00:00Z", "to": "2024-01-03T00:00:00Z"}
    t3, t2, t1 = world.tiles
    b1, _, mask = mosaic([t3, t2, t1])
    assert_stats(
        entry["outputs"]["data"]["bands"]["B0"]["stats"], expected_stats(b1[mask], 512 * 384)
    )

    body = stats_body(collection=world.main_id, of="P2D")
    body["input"]["data"][0]["dataFilter"] = {"mosaickingOrder": "leastRecent"}
    [entry] = post(world, body)["data"]
    b1, _, mask = mosaic([t1, t2, t3])
    assert_stats(
        entry["outputs"]["data"]["bands"]["B0"]["stats"], expected_stats(b1[mask], 512 * 384)
    )


NAMED = """//VERSION=3
function setup() {
  return {
    input: ["B1", "B2", "dataMask"],
    output: [
      {id: "low", bands: ["b1"]},
      {id: "high", bands: ["b2", "b2half"]},
      {id: "dataMask", bands: 2}
    ]
  };
}
function evaluatePixel(s) {
  return {low: [s.B1], high: [s.B2, s.B2 / 2], dataMask: [s.dataMask, s.dataMask && s.B1 > 500]};
}
"""


def test_band_names_and_one_mask_per_output(world: World) -> None:
    calculations = {"high": {"statistics": {"b2half": {"percentiles": {"k": [50]}}}}}
    answer = post(
        world,
        stats_body(collection=world.main_id, evalscript=NAMED, calculations=calculations, of="P1D"),
    )
    entry = answer["data"][0]
    b1, b2, mask = mosaic(days(world)["2024-01-01"])
    b2 = b2 * 10
    assert set(entry["outputs"]) == {"low", "high"}
    assert set(entry["outputs"]["high"]["bands"]) == {"b2", "b2half"}
    assert_stats(
        entry["outputs"]["low"]["bands"]["b1"]["stats"], expected_stats(b1[mask], 512 * 384)
    )
    high_mask = mask & (b1 > 500)
    assert_stats(
        entry["outputs"]["high"]["bands"]["b2"]["stats"], expected_stats(b2[high_mask], 512 * 384)
    )
    half = entry["outputs"]["high"]["bands"]["b2half"]["stats"]
    assert half["percentiles"] == {
        "50.0": float(np.percentile(b2[high_mask] / 2, 50, method="higher"))
    }


NAN_SCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: [{id: "ratio", bands: 1}, {id: "dataMask", bands: 1}]};
}
function evaluatePixel(s) {
  return {ratio: [s.B1 > 900 ? NaN : s.B1 / 1000], dataMask: [s.dataMask]};
}
"""


def test_nan_values_are_no_data(world: World) -> None:
    answer = post(world, stats_body(collection=world.main_id, evalscript=NAN_SCRIPT))
    b1, _, mask = mosaic(days(world)["2024-01-01"])
    keep = mask & (b1 <= 900)
    stats = answer["data"][0]["outputs"]["ratio"]["bands"]["B0"]["stats"]
    assert_stats(stats, expected_stats(b1[keep] / 1000, 512 * 384))


TILE_SCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: [{id: "v", bands: 1}, {id: "dataMask", bands: 1}],
          mosaicking: "TILE"};
}
function evaluatePixel(samples) {
  if (samples.length > 1) throw new Error("two tiles");
  return {v: [samples[0].B1], dataMask: [samples[0].dataMask]};
}
"""


def test_an_evalscript_error_marks_its_interval(world: World) -> None:
    answer = post(world, stats_body(collection=world.main_id, evalscript=TILE_SCRIPT))
    assert answer["status"] == "PARTIAL"
    first, second = answer["data"]
    b1, _, mask = mosaic(days(world)["2024-01-01"])
    assert_stats(first["outputs"]["v"]["bands"]["B0"]["stats"], expected_stats(b1[mask], 512 * 384))
    assert second["interval"]["from"] == "2024-01-02T00:00:00Z"
    assert second["error"]["type"] == "EXECUTION_ERROR"
    assert "two tiles" in second["error"]["message"]
    assert "outputs" not in second


def test_only_masked_pixels_omit_the_interval_and_the_minimum_charge(world: World) -> None:
    script = EVALSCRIPT_NO_DATA
    answer = post(world, stats_body(collection=world.main_id, evalscript=script))
    assert answer["data"] == []
    assert answer["status"] == "OK"
    assert answer["_units"] == 0.01


EVALSCRIPT_NO_DATA = """//VERSION=3
function setup() {
  return {input: ["B1"], output: [{id: "v", bands: 1}, {id: "dataMask", bands: 1}]};
}
function evaluatePixel(s) { return {v: [s.B1], dataMask: [0]}; }
"""


def test_new_style_path_and_sample_type_conversion(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"],
          output: [{id: "v", bands: 1, sampleType: "UINT8"}, {id: "dataMask", bands: 1}]};
}
function evaluatePixel(s) { return {v: [s.B1 / 3], dataMask: [s.dataMask]}; }
"""
    answer = post(world, stats_body(collection=world.main_id, evalscript=script), "/statistics/v1")
    b1, _, mask = mosaic(days(world)["2024-01-01"])
    values = np.clip(np.floor(b1[mask] / 3 + 0.5), 0, 255)
    assert_stats(
        answer["data"][0]["outputs"]["v"]["bands"]["B0"]["stats"], expected_stats(values, 512 * 384)
    )
