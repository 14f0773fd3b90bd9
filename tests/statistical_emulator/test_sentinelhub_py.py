"""sentinelhub-py's SentinelHubStatistical runs unchanged against the emulator."""

from __future__ import annotations

import numpy as np
import pytest
from sentinelhub import (
    CRS,
    BBox,
    DataCollection,
    SentinelHubStatistical,
    SHConfig,
)

from .conftest import CANVAS, EVALSCRIPT, World, mosaic


def test_sentinelhub_py_statistical(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    emu = world.emulator
    config = SHConfig(
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        max_download_attempts=1,
    )
    request = SentinelHubStatistical(
        aggregation=SentinelHubStatistical.aggregation(
            evalscript=EVALSCRIPT,
            # Dates: 2024-01-01T00:00:00Z to 2024-01-03T23:59:59Z; P1D with SKIP drops the
            # third day, cut short by one second.
            time_interval=("2024-01-01", "2024-01-03"),
            aggregation_interval="P1D",
            size=(512, 384),
        ),
        input_data=[
            SentinelHubStatistical.input_data(
                DataCollection.define_byoc(world.main_id, name="statistical-main")
            )
        ],
        bbox=BBox(CANVAS, crs=CRS(32633)),
        calculations={
            "default": {
                "histograms": {"default": {"nBins": 5}},
                "statistics": {"default": {"percentiles": {"k": [25, 50, 75]}}},
            }
        },
        config=config,
    )
    [answer] = request.get_data()
    assert answer["status"] == "OK"
    t3, t2, t1 = world.tiles
    assert [entry["interval"]["from"] for entry in answer["data"]] == [
        "2024-01-01T00:00:00Z",
        "2024-01-02T00:00:00Z",
    ]
    for entry, tiles in zip(answer["data"], ([t1], [t3, t2]), strict=True):
        b1, _, mask = mosaic(tiles)
        values = b1[mask]
        band = entry["outputs"]["data"]["bands"]["B0"]
        assert band["stats"]["mean"] == pytest.approx(float(values.mean()), rel=1e-12)
        assert band["stats"]["stDev"] == pytest.approx(float(values.std(ddof=1)), rel=1e-12)
        assert band["stats"]["percentiles"] == {
            f"{k}.0": float(np.percentile(values, k, method="higher")) for k in (25, 50, 75)
        }
        counts, _ = np.histogram(values, bins=5)
        assert [b["count"] for b in band["histogram"]["bins"]] == counts.tolist()
