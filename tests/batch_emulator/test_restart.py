"""Durability: a request that a stop or crash caught ANALYSING or PROCESSING resumes after a
restart, and only the tiles that were not finished are rendered again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sentinelhub_emulator import Emulator
from sentinelhub_emulator.core.db import DATABASE_FILENAME

from tests.support.emulator import fetch_token

from .conftest import BUCKET, all_tiles, batch_client, create, request_body, wait_for
from .renderers import CoordinateRenderer

FINAL = ("DONE", "PARTIAL", "FAILED", "CANCELED")


def test_a_request_caught_processing_resumes(tmp_path: Path, renderer: CoordinateRenderer) -> None:
    root = tmp_path / "emu"
    (root / "buckets" / BUCKET).mkdir(parents=True)
    with Emulator(root) as emu:
        token = fetch_token(emu)
        with batch_client(emu, token) as client:
            created = create(client, request_body())
            client.post(f"/process/{created['id']}/analyse")
            wait_for(client, created["id"], ("ANALYSIS_DONE",))
            names = sorted(t["name"] for t in all_tiles(client, created["id"]))
    # What a crash in the middle of processing leaves: one tile done (its file written), one
    # being rendered, one taken by a worker, one waiting.
    states = dict(zip(names, ["PROCESSED", "PROCESSING", "QUEUED", "SCHEDULED"], strict=True))
    done_file = root / "buckets" / BUCKET / "out" / created["id"] / names[0] / "default.tif"
    done_file.parent.mkdir(parents=True)
    done_file.write_bytes(b"written before the crash")
    with sqlite3.connect(root / DATABASE_FILENAME) as conn:
        conn.execute(
            "UPDATE batch_requests SET status = 'PROCESSING', user_action = 'START' WHERE id = ?",
            (created["id"],),
        )
        for name, status in states.items():
            conn.execute("UPDATE batch_tiles SET status = ? WHERE name = ?", (status, name))
    renders_before = len(renderer.calls)
    with Emulator(root) as emu, batch_client(emu, token) as client:
        done = wait_for(client, created["id"], FINAL)
        assert done["status"] == "DONE"
        assert {t["status"] for t in all_tiles(client, created["id"])} == {"PROCESSED"}
    assert len(renderer.calls) - renders_before == 3
    assert done_file.read_bytes() == b"written before the crash"
    for name in names[1:]:
        assert (done_file.parent.parent / name / "default.tif").stat().st_size > 1000


def test_a_request_caught_analysing_is_analysed_again(
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
            "UPDATE batch_requests SET status = 'ANALYSING', user_action = 'START' WHERE id = ?",
            (created["id"],),
        )
    with Emulator(root) as emu, batch_client(emu, token) as client:
        done = wait_for(client, created["id"], FINAL)
        assert done["status"] == "DONE"
        assert done["tileCount"] == 4
        assert len(all_tiles(client, created["id"], status="PROCESSED")) == 4
