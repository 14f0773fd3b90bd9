"""The files a Batch v2 job writes beside its outputs: the status database and the manifest.

Both are SQLite files in the bucket of ``output.delivery.s3.url``, under
``<root>/<requestId>/``, where ``<root>`` is the URL's path before its first part with a
placeholder (the URL itself when it is a folder). See docs/emulator.md, "Batch v2".

- ``execution.sqlite``: table ``features`` (``id`` INTEGER, ``name`` TEXT, ``status`` TEXT,
  ``error`` TEXT, ``cost_pu`` REAL, ``attempts`` INTEGER, ``updated`` TEXT) and table ``job``
  (one row: ``request_id``, ``status``, ``completion_percentage``, ``cost_pu``, ``written``).
  Written when processing starts, at most every `STATUS_INTERVAL` seconds while tiles finish,
  and when the job ends (DONE, FAILED or STOPPED).
- ``manifest.sqlite``: table ``features`` (``id``, ``name``, ``epsg``, ``west``, ``south``,
  ``east``, ``north``, ``width_px``, ``height_px``, ``geometry`` as GeoJSON text), one row per
  tile, written when the analysis ends (before the request leaves ANALYSING).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sentinelhub_emulator.batch.grids import GridTile
from sentinelhub_emulator.batch.processing import OutputFile, _atomic_write
from sentinelhub_emulator.core.context import EmulatorSettings
from sentinelhub_emulator.core.db import dump_json
from sentinelhub_emulator.core.times import now_timestamp

from .store import Progress, RequestRecord

__all__ = [
    "MANIFEST_NAME",
    "STATUS_INTERVAL",
    "STATUS_NAME",
    "job_key",
    "write_manifest",
    "write_status",
]

STATUS_NAME = "execution.sqlite"
MANIFEST_NAME = "manifest.sqlite"
#: Least seconds between two writes of the status database while tiles finish.
STATUS_INTERVAL = 1.0


def job_key(root: str, request_id: str, name: str) -> str:
    """The key of one of the job's files in its bucket."""
    return f"{root}/{request_id}/{name}" if root else f"{request_id}/{name}"


def _write(
    settings: EmulatorSettings,
    bucket: str,
    key: str,
    fill: Callable[[sqlite3.Connection], None],
) -> None:
    store = settings.bucket(bucket)
    if store is None or not store.available():
        return

    def write(target: Path) -> None:
        target.unlink(missing_ok=True)
        connection = sqlite3.connect(target)
        try:
            # A scratch file, renamed into place once complete: no journal, no fsync.
            connection.execute("PRAGMA journal_mode=OFF")
            connection.execute("PRAGMA synchronous=OFF")
            with connection:
                fill(connection)
        finally:
            connection.close()

    _atomic_write(OutputFile(store, key), write)


def write_status(
    settings: EmulatorSettings,
    bucket: str,
    root: str,
    request: RequestRecord,
    features: Sequence[tuple[Any, ...]],
    progress: Progress,
) -> None:
    """(Re)write the job's status database; ``features`` are the rows of its ``features``
    table (`BatchV2Store.feature_rows`)."""

    def fill(connection: sqlite3.Connection) -> None:
        connection.execute(
            "CREATE TABLE features (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " status TEXT NOT NULL, error TEXT, cost_pu REAL, attempts INTEGER NOT NULL,"
            " updated TEXT)"
        )
        connection.executemany("INSERT INTO features VALUES (?, ?, ?, ?, ?, ?, ?)", features)
        connection.execute(
            "CREATE TABLE job (request_id TEXT NOT NULL, status TEXT NOT NULL,"
            " completion_percentage REAL NOT NULL, cost_pu REAL NOT NULL,"
            " written TEXT NOT NULL)"
        )
        connection.execute(
            "INSERT INTO job VALUES (?, ?, ?, ?, ?)",
            (request.id, request.status, progress.percentage, progress.cost, now_timestamp()),
        )

    _write(settings, bucket, job_key(root, request.id, STATUS_NAME), fill)


def write_manifest(
    settings: EmulatorSettings,
    bucket: str,
    root: str,
    request_id: str,
    tiles: Sequence[GridTile],
    size_px: Callable[[GridTile], tuple[int, int]],
) -> None:
    """Write the feature manifest of an analysed job."""

    def fill(connection: sqlite3.Connection) -> None:
        connection.execute(
            "CREATE TABLE features (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " epsg INTEGER NOT NULL, west REAL NOT NULL, south REAL NOT NULL,"
            " east REAL NOT NULL, north REAL NOT NULL, width_px INTEGER NOT NULL,"
            " height_px INTEGER NOT NULL, geometry TEXT NOT NULL)"
        )
        connection.executemany(
            "INSERT INTO features VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    t.id,
                    t.name,
                    t.epsg,
                    t.west,
                    t.north - t.height,
                    t.west + t.width,
                    t.north,
                    *size_px(t),
                    dump_json(t.geometry),
                )
                for t in tiles
            ],
        )

    _write(settings, bucket, job_key(root, request_id, MANIFEST_NAME), fill)
