"""``shc stats`` on the emulator: flags or a request file, a table or the answer as JSON, and
values equal numpy's over the tile's pixels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.cli.conftest import Shc, column
from tests.cli.world import BOUNDS, SIZE, UTM

pytestmark = pytest.mark.integration

STATS_SCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: [{id: "b1", bands: 1}, {id: "dataMask", bands: 1}]};
}
function evaluatePixel(s) { return {b1: [s.B1], dataMask: [s.dataMask]}; }
"""


def test_stats_from_flags_equal_numpy(shc: Shc, world: dict[str, Any], tmp_path: Path) -> None:
    script = tmp_path / "stats.js"
    script.write_text(STATS_SCRIPT)
    bbox = ",".join(str(v) for v in BOUNDS)
    result = shc("stats", "--collection", world["collection"], "--bbox", bbox, "--crs", "32633",
                 "--time", "2024-05-01/2024-05-02", "--interval", "P1D", "--size",
                 f"{SIZE}x{SIZE}", "--evalscript", str(script), "--percentiles", "50",
                 "--bins", "3", "--json")  # fmt: skip
    answer = json.loads(result.stdout)
    [interval] = answer["data"]  # 2024-05-02 has no tile: left out
    assert interval["interval"]["from"].startswith("2024-05-01")
    band = interval["outputs"]["b1"]["bands"]["B0"]
    values = world["b1"].astype(np.float64).ravel()
    assert band["stats"]["sampleCount"] == SIZE * SIZE
    assert band["stats"]["noDataCount"] == 0
    assert band["stats"]["mean"] == pytest.approx(values.mean())
    assert band["stats"]["percentiles"]["50.0"] == np.percentile(values, 50, method="higher")
    counts, _ = np.histogram(values, bins=3)
    assert [b["count"] for b in band["histogram"]["bins"]] == counts.tolist()


def test_stats_from_a_request_file_prints_a_table(
    shc: Shc, world: dict[str, Any], tmp_path: Path
) -> None:
    request = tmp_path / "request.json"
    request.write_text(
        json.dumps(
            {
                "input": {
                    "bounds": {"bbox": list(BOUNDS), "properties": {"crs": UTM}},
                    "data": [{"type": f"byoc-{world['collection']}"}],
                },
                "aggregation": {
                    "timeRange": {"from": "2024-05-01T00:00:00Z", "to": "2024-05-02T00:00:00Z"},
                    "aggregationInterval": {"of": "P1D"},
                    "width": SIZE,
                    "height": SIZE,
                },
            }
        )
    )
    script = tmp_path / "stats.js"
    script.write_text(STATS_SCRIPT)
    result = shc("stats", "--request", str(request), "--evalscript", str(script))
    assert list(column(result.stdout, "band")) == ["B0"]
    assert list(column(result.stdout, "output")) == ["b1"]
    assert float(column(result.stdout, "max")[0]) == float(world["b1"].max())
    assert "processing units: " in result.stderr


def test_stats_without_enough_flags_says_what_is_missing(shc: Shc, tmp_path: Path) -> None:
    failed = shc("stats", "--collection", "byoc-00000000-0000-0000-0000-000000000000", ok=False)
    assert failed.exit_code == 1
    assert "--time" in failed.stderr
    assert "--evalscript" in failed.stderr
    assert "--bbox or --geometry" in failed.stderr
