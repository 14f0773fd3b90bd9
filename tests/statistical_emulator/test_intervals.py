"""How the time range splits into intervals: durations and lastIntervalBehavior."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sentinelhub_emulator.statistical.intervals import (
    TooManyIntervalsError,
    parse_duration,
    split,
)

from .conftest import World, stats_body


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("behavior", "last"),
    [
        ("SKIP", None),
        ("SHORTEN", {"from": "2024-01-02T00:00:00Z", "to": "2024-01-02T12:00:00Z"}),
        ("EXTEND", {"from": "2024-01-02T00:00:00Z", "to": "2024-01-04T00:00:00Z"}),
    ],
)
def test_last_interval_behavior(world: World, behavior: str, last: dict[str, str] | None) -> None:
    # P2D from 2023-12-31: [12-31, 01-02) holds T1; the next, cut at 01-02 12:00, T2 and T3.
    body = stats_body(
        collection=world.main_id,
        time_from="2023-12-31T00:00:00Z",
        time_to="2024-01-02T12:00:00Z",
        of="P2D",
    )
    body["aggregation"]["aggregationInterval"]["lastIntervalBehavior"] = behavior
    with world.client() as client:
        response = client.post("/api/v1/statistics", json=body)
    assert response.status_code == 200, response.text
    intervals = [entry["interval"] for entry in response.json()["data"]]
    first = {"from": "2023-12-31T00:00:00Z", "to": "2024-01-02T00:00:00Z"}
    assert intervals == ([first] if last is None else [first, last])


def test_interval_ends_are_exclusive(world: World) -> None:
    # T2 and T3 are sensed at 10:00 and 11:00: PT1H intervals from 10:00 hold one each.
    body = stats_body(
        collection=world.main_id,
        time_from="2024-01-02T09:00:00Z",
        time_to="2024-01-02T12:00:00Z",
        of="PT1H",
    )
    with world.client() as client:
        data = client.post("/api/v1/statistics", json=body).json()["data"]
    assert [entry["interval"]["from"] for entry in data] == [
        "2024-01-02T10:00:00Z",
        "2024-01-02T11:00:00Z",
    ]
    t3, t2, _ = world.tiles
    counts = [e["outputs"]["data"]["bands"]["B0"]["stats"]["noDataCount"] for e in data]
    holes = [(t.bands["B1"] == 0).sum() for t in (t2, t3)]
    assert counts == [512 * 384 - (256 * 256 - holes[0]), 512 * 384 - (256 * 256 - holes[1])]


@pytest.mark.parametrize(
    ("of", "start", "end", "behavior", "expected"),
    [
        ("P1D", "2024-01-01", "2024-01-03", "SKIP", ["2024-01-01", "2024-01-02", "2024-01-03"]),
        (
            "P10D",
            "2024-01-01",
            "2024-01-31",
            "SKIP",
            ["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-31"],
        ),
        (
            "P10D",
            "2024-01-01",
            "2024-01-25",
            "SHORTEN",
            ["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-25"],
        ),
        (
            "P10D",
            "2024-01-01",
            "2024-01-25",
            "EXTEND",
            ["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-31"],
        ),
        (
            "P1M",
            "2024-01-31",
            "2024-05-01",
            "SKIP",
            ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"],
        ),
        ("P1Y", "2023-06-01", "2025-06-01", "SKIP", ["2023-06-01", "2024-06-01", "2025-06-01"]),
        (
            "PT12H",
            "2024-01-01",
            "2024-01-02",
            "SKIP",
            ["2024-01-01", "2024-01-01T12:00", "2024-01-02"],
        ),
        ("P1W", "2024-01-01", "2024-01-10", "SKIP", ["2024-01-01", "2024-01-08"]),
        ("P1D", "2024-01-01", "2024-01-01", "EXTEND", []),
    ],
)
def test_split(of: str, start: str, end: str, behavior: str, expected: list[str]) -> None:
    duration = parse_duration(of)
    assert duration is not None
    intervals = split(t(start), t(end), duration, behavior, 100)
    bounds = [lower for lower, _ in intervals] + ([intervals[-1][1]] if intervals else [])
    assert bounds == [t(text) for text in expected]


@pytest.mark.parametrize("text", ["1D", "P", "PT", "P0D", "P1.5D", "P1H", "-P1D", "PT0S", "P1DT"])
def test_bad_durations(text: str) -> None:
    assert parse_duration(text) is None


def test_too_many_intervals() -> None:
    duration = parse_duration("PT1M")
    assert duration is not None
    with pytest.raises(TooManyIntervalsError):
        split(t("2024-01-01"), t("2024-01-02"), duration, "SKIP", 1000)
