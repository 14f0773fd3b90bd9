"""A collection's summary, kept by SQL aggregates as tiles finish, equals the summary computed
from every ingested tile's values (`collection_summary` over the full list)."""

from __future__ import annotations

import random
from pathlib import Path

from sentinelhub_emulator.byoc.records import IngestionOutcome
from sentinelhub_emulator.byoc.store import SCHEMA, Store
from sentinelhub_emulator.byoc.summary import TileAggregates, collection_summary
from sentinelhub_emulator.core.db import Database

_GEOMETRY = {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]}


def _expected(values: list[tuple[float, float, float, float, float, str | None]]) -> dict:
    sensed = [v[5] for v in values if v[5] is not None]
    aggregates = TileAggregates(
        tiles=len(values),
        sensed_tiles=len(sensed),
        first_sensing=min(sensed, default=None),
        last_sensing=max(sensed, default=None),
        west=min((v[0] for v in values), default=None),
        south=min((v[1] for v in values), default=None),
        east=max((v[2] for v in values), default=None),
        north=max((v[3] for v in values), default=None),
    )
    return collection_summary(aggregates, [v[4] for v in values])


def test_summary_matches_a_full_recount_after_each_change(tmp_path: Path) -> None:
    rng = random.Random(7)
    store = Store(Database(tmp_path / "db.sqlite", [SCHEMA]))
    collection = store.create_collection(
        account_id="a", name="c", s3_bucket="b", no_data=None, bands={}
    )
    specs = []
    for i in range(40):
        sensing = None if i % 5 == 0 else f"2024-{i % 12 + 1:02d}-{i % 27 + 1:02d}T00:00:00Z"
        specs.append((f"t{i}/(BAND).tif", None, sensing))
    tiles = store.create_tiles(collection.id, specs)
    ingested: dict[str, tuple[float, float, float, float, float, str | None]] = {}
    for tile in tiles:
        assert store.advance_tile(tile, "INGESTING")
        current = store.get_tile(collection.id, tile.id)
        assert current is not None
        west, south = rng.uniform(-10, 10), rng.uniform(-10, 10)
        values = (west, south, west + 1, south + 1, rng.choice([80.0, 120.5, 200.0, 333.3]))
        outcome = IngestionOutcome(_GEOMETRY, _GEOMETRY, 4326, values[:4], values[4] / 2, values[4])
        assert store.finish_ingested(current, outcome)
        ingested[tile.id] = (*values, tile.sensing_time)
        record = store.get_collection(collection.id)
        assert record is not None
        assert record.summary == _expected(list(ingested.values()))  # odd and even counts
    for tile in tiles[::3]:
        assert store.delete_tile(collection.id, tile.id)
        del ingested[tile.id]
        record = store.get_collection(collection.id)
        assert record is not None
        assert record.summary == _expected(list(ingested.values()))
    for tile in tiles[1::3]:
        current = store.get_tile(collection.id, tile.id)
        assert current is not None
        store.reingest_tile(current)
        del ingested[tile.id]
    record = store.get_collection(collection.id)
    assert record is not None
    assert record.summary == _expected(list(ingested.values()))
    for tile in tiles[2::3]:
        assert store.delete_tile(collection.id, tile.id)
    record = store.get_collection(collection.id)
    assert record is not None
    assert record.summary == {}
