"""What the emulator's stores and services share in `core`: `Database` row reads, `insert_row`,
`RowMapper` queries with keyset pages, and per-thread coordinate transformers."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from sentinelhub_emulator.core.db import Database, RowMapper, insert_row
from sentinelhub_emulator.core.projections import transformer

_SCHEMA = "CREATE TABLE IF NOT EXISTS items (seq INTEGER PRIMARY KEY, name TEXT, doc TEXT);"


@dataclass(frozen=True)
class _Item:
    seq: int
    name: str
    doc: dict[str, int]


_items = RowMapper(_Item, json=("doc",))


def _database(tmp_path: Path) -> Database:
    db = Database(tmp_path / "db.sqlite3", [_SCHEMA])
    with db.transaction() as conn:
        for number in range(5):
            insert_row(conn, "items", {"name": f"item-{number}", "doc": f'{{"n": {number}}}'})
    return db


def test_one_all_and_rows_read_through_the_table(tmp_path: Path) -> None:
    db = _database(tmp_path)
    try:
        first = _items.one(db, "SELECT * FROM items WHERE name = ?", ("item-0",))
        assert first == _Item(1, "item-0", {"n": 0})
        assert _items.one(db, "SELECT * FROM items WHERE name = ?", ("none",)) is None
        assert [i.name for i in _items.all(db, "SELECT * FROM items ORDER BY seq DESC")][:2] == [
            "item-4",
            "item-3",
        ]
        assert db.row("SELECT count(*) AS n FROM items")["n"] == 5
        assert len(db.rows("SELECT * FROM items WHERE seq > ?", (3,))) == 2
    finally:
        db.close()


def test_seq_page_walks_forward_and_backward(tmp_path: Path) -> None:
    db = _database(tmp_path)
    try:
        seen: list[str] = []
        after = None
        while True:
            page = _items.seq_page(
                db, "SELECT * FROM items", ["name != ?"], ["item-2"], after=after, count=2
            )
            seen += [item.name for item in page.items]
            if page.next_after is None:
                break
            after = page.next_after
        assert seen == ["item-0", "item-1", "item-3", "item-4"]
        newest = _items.seq_page(
            db, "SELECT * FROM items", ["1 = 1"], [], after=None, count=2, descending=True
        )
        assert [item.name for item in newest.items] == ["item-4", "item-3"]
        assert newest.next_after == 4  # the seq of item-3, the last one shown
        older = _items.seq_page(
            db, "SELECT * FROM items", ["1 = 1"], [], after=4, count=2, descending=True
        )
        assert [item.name for item in older.items] == ["item-2", "item-1"]
    finally:
        db.close()


def test_a_transformer_is_built_once_per_pair_and_thread() -> None:
    here = transformer(32633, 4326)
    assert transformer(32633, 4326) is here
    assert transformer("EPSG:32633", 4326) is not here  # another key, the same projection
    lon, lat = here.transform(500_000.0, 5_000_000.0)
    assert abs(lon - 15.0) < 1e-6
    assert 45.0 < lat < 45.2

    elsewhere: list[object] = []
    thread = threading.Thread(target=lambda: elsewhere.append(transformer(32633, 4326)))
    thread.start()
    thread.join()
    assert elsewhere
    assert elsewhere[0] is not here
