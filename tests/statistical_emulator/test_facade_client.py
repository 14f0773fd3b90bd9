"""Our Statistical clients against the emulator: the request in sentinelhub-py's shape, typed
results and DataFrames, many requests at once (sync threads and async tasks) on one pool."""

from __future__ import annotations

import anyio
import numpy as np
import pytest
from sentinelhub_client import (
    AsyncSentinelHubStatisticalClient,
    BBox,
    RetryPolicy,
    SentinelHub,
    SentinelHubStatistical,
    SentinelHubStatisticalClient,
    SentinelHubValidationError,
    SHConfig,
    StatisticalResult,
)

from .conftest import CANVAS, EVALSCRIPT, World, mosaic

CALCULATIONS = {
    "default": {
        "histograms": {"default": {"nBins": 4}},
        "statistics": {"default": {"percentiles": {"k": [10, 50, 90]}}},
    }
}


@pytest.fixture
def config(world: World) -> SHConfig:
    emu = world.emulator
    return SHConfig(
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        retry=RetryPolicy(backoff=0),
    )


def request(
    world: World,
    config: SHConfig,
    *,
    days: tuple[str, str] = ("2024-01-01", "2024-01-03"),
    columns: int = 512,
) -> SentinelHubStatistical:
    """The canvas' first ``columns`` columns (10 m pixels), daily statistics of B1 and B2/10."""
    x0, y0, _, y1 = CANVAS
    return SentinelHubStatistical(
        aggregation=SentinelHubStatistical.aggregation(
            evalscript=EVALSCRIPT,
            time_interval=days,
            aggregation_interval="P1D",
            size=(columns, 384),
            last_interval_behavior="SHORTEN",
        ),
        input_data=[SentinelHubStatistical.input_data(world.main_id)],
        bbox=BBox((x0, y0, x0 + columns * 10.0, y1), crs=32633),
        calculations=CALCULATIONS,
        config=config,
    )


def check_day(result: StatisticalResult, world: World, columns: int = 512) -> None:
    """Each interval's B0 statistics equal numpy's over that day's mosaic."""
    t3, t2, t1 = world.tiles
    by_day = {"2024-01-01": [t1], "2024-01-02": [t3, t2]}
    assert result.intervals, "no interval came back"
    for interval in result.intervals:
        assert interval.start is not None
        tiles = by_day[interval.start.date().isoformat()]
        b1, b2, mask = mosaic(tiles)
        for band, source in (("B0", b1), ("B1", b2)):
            values = source[:, :columns][mask[:, :columns]]
            got = interval.outputs["data"].bands[band]
            assert got.histogram is not None
            assert got.stats.sample_count == mask[:, :columns].size
            assert got.stats.no_data_count == mask[:, :columns].size - values.size
            assert got.stats.mean == pytest.approx(float(values.mean()), rel=1e-9)
            assert got.stats.st_dev == pytest.approx(float(values.std(ddof=1)), rel=1e-9)
            assert got.stats.min == pytest.approx(float(values.min()))
            assert got.stats.max == pytest.approx(float(values.max()))
            assert got.stats.percentiles == {
                f"{k}.0": pytest.approx(float(np.percentile(values, k, method="higher")))
                for k in (10, 50, 90)
            }
            counts, _ = np.histogram(values, bins=4)
            assert got.histogram.counts == counts.tolist()


def test_get_data_gives_typed_results_equal_to_numpy(world: World, config: SHConfig) -> None:
    [result] = request(world, config).get_data()
    assert isinstance(result, StatisticalResult)
    assert result.status == "OK"
    # Day 3 has no tile: left out. Read like sentinelhub-py's dicts too.
    assert [entry["interval"]["from"][:10] for entry in result["data"]] == [
        "2024-01-01",
        "2024-01-02",
    ]
    assert result.processing_units is not None
    assert result.processing_units > 0
    check_day(result, world)


def test_to_dataframe_has_a_row_per_interval_output_and_band(
    world: World, config: SHConfig
) -> None:
    [result] = request(world, config).get_data()
    frame = result.to_dataframe()
    assert len(frame) == 2 * 2  # two days with data, two bands
    assert list(frame["band"]) == ["B0", "B1", "B0", "B1"]
    first = result.intervals[0].outputs["data"].bands["B0"].stats
    assert first is not None
    assert frame.iloc[0]["mean"] == first.mean
    assert frame.iloc[0]["percentile_50.0"] == first.percentiles["50.0"]


def test_compute_many_keeps_the_order_of_the_requests(world: World, config: SHConfig) -> None:
    widths = [512, 128, 256, 384, 64]
    requests = [request(world, config, columns=width) for width in widths]
    with SentinelHubStatisticalClient(config) as client:
        results = client.compute_many(requests, max_concurrency=3)
    assert len(results) == len(widths)
    for result, width in zip(results, widths, strict=True):
        check_day(result, world, columns=width)


def test_async_compute_many_matches_the_sync_answers(world: World, config: SHConfig) -> None:
    widths = [256, 512, 128]
    requests = [request(world, config, columns=width) for width in widths]

    async def main() -> list[StatisticalResult]:
        async with AsyncSentinelHubStatisticalClient(config) as client:
            return await client.compute_many(requests, max_concurrency=2)

    results = anyio.run(main)
    for result, width in zip(results, widths, strict=True):
        check_day(result, world, columns=width)


def test_the_hub_serves_statistics_from_a_body(world: World, config: SHConfig) -> None:
    body = request(world, config).payload
    with SentinelHub(config) as sh:
        result = sh.statistical.compute(body)
    check_day(result, world)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"evalscript": "//VERSION=3\nfunction setup() {}"}, "evalscript"),
        ({"aggregation_interval": "1 day"}, "aggregation_interval"),
        ({"size": (3000, 10)}, "size"),
        ({"size": (10, 10), "resolution": (10, 10)}, "resolution"),
        ({"last_interval_behavior": "DROP"}, "last_interval_behavior"),
    ],
)
def test_bad_aggregations_are_refused_before_sending(
    changes: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "evalscript": EVALSCRIPT,
        "time_interval": ("2024-01-01", "2024-01-03"),
        "aggregation_interval": "P1D",
        "size": (10, 10),
        **changes,
    }
    with pytest.raises(SentinelHubValidationError) as caught:
        SentinelHubStatistical.aggregation(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_histogram_with_two_definitions_is_refused(world: World, config: SHConfig) -> None:
    with pytest.raises(SentinelHubValidationError, match="exactly one of nBins"):
        SentinelHubStatistical(
            aggregation=request(world, config).payload["aggregation"],
            input_data=[SentinelHubStatistical.input_data(world.main_id)],
            bbox=BBox(CANVAS, crs=32633),
            calculations={"data": {"histograms": {"B0": {"nBins": 4, "binWidth": 2}}}},
            config=config,
        )
