"""Write transactions of one process take turns on the database file's own lock."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sentinelhub_emulator.core.db import Database

SCHEMA = "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"


def test_concurrent_writers_of_two_handles_lose_no_update(tmp_path: Path) -> None:
    # Two Database objects on the same file (as a worker's copy and the emulator's) and eight
    # threads, each reading and writing back inside its transaction: every increment lands.
    path = tmp_path / "db.sqlite"
    first, second = Database(path, [SCHEMA]), Database(path, [SCHEMA])
    with first.transaction() as conn:
        conn.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
    errors: list[BaseException] = []

    def work(db: Database) -> None:
        try:
            for _ in range(50):
                with db.transaction() as conn:
                    n = conn.execute("SELECT n FROM counter WHERE id = 1").fetchone()["n"]
                    conn.execute("UPDATE counter SET n = ? WHERE id = 1", (n + 1,))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(db,)) for db in (first, second) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert first.row("SELECT n FROM counter WHERE id = 1")["n"] == 400
    first.close()
    second.close()


def test_a_failed_transaction_lets_the_next_writer_in(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite", [SCHEMA])

    def failing() -> None:
        with db.transaction() as conn:
            conn.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        failing()
    done = threading.Event()

    def write() -> None:
        with db.transaction() as conn:
            conn.execute("INSERT INTO counter (id, n) VALUES (2, 0)")
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(10)
    assert done.is_set()
    assert [row["id"] for row in db.rows("SELECT id FROM counter")] == [2]
    db.close()


def test_a_transaction_inside_another_fails_as_sqlite_says_instead_of_hanging(
    tmp_path: Path,
) -> None:
    db = Database(tmp_path / "db.sqlite", [SCHEMA])
    outcome: list[BaseException | None] = []

    def nested() -> None:
        try:
            with db.transaction(), db.transaction():
                pass
        except BaseException as exc:
            outcome.append(exc)
        else:  # pragma: no cover - reported below
            outcome.append(None)

    thread = threading.Thread(target=nested, daemon=True)
    thread.start()
    thread.join(10)
    assert len(outcome) == 1, "the nested transaction hung"
    assert isinstance(outcome[0], sqlite3.OperationalError)
    db.close()
