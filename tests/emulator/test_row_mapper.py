"""`core.db.RowMapper`: one table maps query rows to records for every store (BYOC, Batch)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import pytest
from sentinelhub_emulator.core.db import RowMapper, dump_json, load_json


@dataclass(frozen=True)
class _Record:
    seq: int
    name: str
    geometry: Any
    pending: bool


def _rows(sql: str, *args: Any) -> list[sqlite3.Row]:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    conn.execute("CREATE TABLE t (seq INTEGER, label TEXT, geometry TEXT, flag INTEGER)")
    conn.execute("INSERT INTO t VALUES (?, ?, ?, ?)", args)
    return list(conn.execute(sql))


def test_columns_json_and_flags_are_decoded_by_the_table() -> None:
    geometry = {"type": "Point", "coordinates": [14.5, 46.0]}
    mapper = RowMapper(
        _Record,
        json=("geometry",),
        flags=("pending",),
        columns={"name": "label", "pending": "flag"},
    )
    (row,) = _rows("SELECT * FROM t", 7, "tile-a", dump_json(geometry), 1)
    assert mapper(row) == _Record(seq=7, name="tile-a", geometry=geometry, pending=True)
    (row,) = _rows("SELECT * FROM t", 8, "tile-b", None, 0)
    assert mapper(row) == _Record(seq=8, name="tile-b", geometry=None, pending=False)


def test_json_helpers_keep_null_and_write_compact_text() -> None:
    assert dump_json(None) is None
    assert load_json(None) is None
    assert dump_json({"a": [1, 2]}) == '{"a":[1,2]}'
    assert load_json('{"a":[1,2]}') == {"a": [1, 2]}


def test_a_query_without_a_mapped_column_names_it() -> None:
    mapper = RowMapper(_Record, columns={"name": "label", "pending": "flag"})
    (row,) = _rows("SELECT seq, label, flag FROM t", 1, "x", None, 0)
    with pytest.raises(IndexError, match=r"no column 'geometry' for _Record\.geometry"):
        mapper(row)


def test_a_table_naming_an_unknown_field_is_refused_when_declared() -> None:
    with pytest.raises(TypeError, match=r"_Record has no field\(s\) \['nmae'\]"):
        RowMapper(_Record, json=("nmae",))
