"""Reading a Batch v2 status database from a file or from bytes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.batch_v2 import FeatureStatus, StatusDatabase


def make_db(path: Path, table: str = "features", error_column: str = "error") -> Path:
    with sqlite3.connect(path) as connection:
        # A summary table with its own status column, as the emulator writes: not the features.
        connection.execute("CREATE TABLE job (request_id TEXT, status TEXT, cost_pu REAL)")
        connection.execute("INSERT INTO job VALUES ('r-1', 'PROCESSING', 1.5)")
        connection.execute(
            f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT, status TEXT, "
            f"{error_column} TEXT, cost REAL)"
        )
        connection.executemany(
            f"INSERT INTO {table} (name, status, {error_column}, cost) VALUES (?, ?, ?, ?)",  # noqa: S608
            [
                ("33UVP_0_0", "DONE", None, 0.5),
                ("33UVP_0_1", "DONE", "", 0.5),
                ("33UVP_1_0", "failed", "no data", 0.0),
                ("33UVP_1_1", "PROCESSING", None, None),
            ],
        )
    connection.close()
    return path


def test_counts_features_and_failures_from_a_file(tmp_path: Path) -> None:
    with StatusDatabase.open(make_db(tmp_path / "status.sqlite")) as db:
        assert db.table == "features"
        assert db.total == 4
        assert db.counts() == {"DONE": 2, "FAILED": 1, "PROCESSING": 1}
        failed = list(db.features(status="FAILED"))
        assert failed == [
            FeatureStatus(
                id=3, name="33UVP_1_0", status="FAILED", error="no data", other={"cost": 0.0}
            )
        ]
        every = list(db.features())
        assert [f.name for f in every] == ["33UVP_0_0", "33UVP_0_1", "33UVP_1_0", "33UVP_1_1"]
        assert every[1].error is None  # an empty error is no error
        assert db.job() == {"request_id": "r-1", "status": "PROCESSING", "cost_pu": 1.5}


def test_reads_bytes_and_other_layouts(tmp_path: Path) -> None:
    data = make_db(tmp_path / "t.db", table="tiles", error_column="error_message").read_bytes()
    with StatusDatabase.open(data) as db:
        assert db.table == "tiles"
        assert [f.error for f in db.features("failed")] == ["no data"]
        assert "bytes" in repr(db)


def test_refuses_what_is_not_a_status_database(tmp_path: Path) -> None:
    with pytest.raises(SentinelHubValidationError, match="no such file") as caught:
        StatusDatabase.open(tmp_path / "missing.sqlite")
    assert caught.value.field == "source"
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SentinelHubValidationError, match="not a SQLite database"):
        StatusDatabase.open(junk)
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    with pytest.raises(SentinelHubValidationError, match="'status' column"):
        StatusDatabase.open(empty)


def test_a_blank_status_filter_is_refused(tmp_path: Path) -> None:
    with StatusDatabase.open(make_db(tmp_path / "s.sqlite")) as db:
        with pytest.raises(SentinelHubValidationError) as caught:
            list(db.features(status=" "))
        assert caught.value.field == "status"
