"""Durability: a v2 job a crash caught ANALYSING or PROCESSING resumes at the next start; only
the tiles not finished are rendered again, and the status database ends complete."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sentinelhub_emulator import Emulator
from sentinelhub_emulator.core.db import DATABASE_FILENAME

from tests.batch_emulator.renderers import CoordinateRenderer
from tests.support.emulator import fetch_token

from .conftest import (
    BUCKET,
    FINAL,
    analysed_offline,
    batch_client,
    crash_mid_processing,
    create,
    job_folder,
    request_body,
    wait_for,
)


def test_a_job_caught_processing_resumes(tmp_path: Path, renderer: CoordinateRenderer) -> None:
    root = tmp_path / "emu"
    bucket = root / "buckets" / BUCKET
    bucket.mkdir(parents=True)
    body = request_body()
    created, token = analysed_offline(root, body)
    folder = job_folder(bucket, body, created["id"])
    # What a kill -9 in the middle of processing leaves: one tile done (its file written),
    # one being rendered, two waiting.
    names = crash_mid_processing(root, created["id"])
    done_file = folder / names[0] / "default.tif"
    done_file.parent.mkdir(parents=True)
    done_file.write_bytes(b"written before the crash")
    renders_before = len(renderer.calls)
    with Emulator(root) as emu, batch_client(emu, token) as client:
        done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE"
    assert done["completionPercentage"] == 100
    assert len(renderer.calls) - renders_before == 3
    assert done_file.read_bytes() == b"written before the crash"
    for name in names[1:]:
        assert (folder / name / "default.tif").stat().st_size > 1000
    connection = sqlite3.connect(f"{(folder / 'execution.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        statuses = connection.execute("SELECT status FROM features").fetchall()
    finally:
        connection.close()
    assert sorted(s for (s,) in statuses) == ["DONE"] * 4


def test_a_job_caught_analysing_is_analysed_again(
    tmp_path: Path, renderer: CoordinateRenderer
) -> None:
    root = tmp_path / "emu"
    (root / "buckets" / BUCKET).mkdir(parents=True)
    with Emulator(root) as emu:
        token = fetch_token(emu)
        with batch_client(emu, token) as client:
            created = create(client, request_body())
    with sqlite3.connect(root / DATABASE_FILENAME) as conn:
        conn.execute(
            "UPDATE batch_v2_requests SET status = 'ANALYSING', user_action = 'START' WHERE id = ?",
            (created["id"],),
        )
    with Emulator(root) as emu, batch_client(emu, token) as client:
        done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE"
    assert done["completionPercentage"] == 100
