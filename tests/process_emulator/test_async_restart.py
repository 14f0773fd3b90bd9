"""Durable Async Process: requests in flight when the emulator is killed (kill -9) are kept in
its database; after a restart on the same data folder each request id runs again and ends with
its outputs, or ends failed with ``error.json`` in its delivery folder. None is a silent 404."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.core.db import DATABASE_FILENAME

from tests.emulator.test_restart import cli
from tests.process_emulator.conftest import build_world, process_body

ASYNC = "/api/v1/async/process"
SCRIPT = """//VERSION=3
function setup() { return {input: ["B1", "dataMask"], output: {bands: 1, sampleType: "UINT16"}}; }
function evaluatePixel(s) { return [s.B1]; }
"""
FAILING = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1}}; }
function evaluatePixel(s) { throw new Error("broken on purpose"); }
"""


def _statuses(root: Path) -> dict[str, tuple[str, int]]:
    uri = f"{(root / DATABASE_FILENAME).as_uri()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        rows = conn.execute("SELECT id, status, attempts FROM async_process_requests").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def _wait(condition: Any, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _in_flight(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], str, Path]:
    """Four requests (the third with a failing evalscript) accepted by an emulator subprocess
    that holds each one 60 s before rendering, killed with SIGKILL once two are RUNNING and two
    QUEUED; their ids, a token, and the delivery folder."""
    with Emulator(root) as emu:
        world = build_world(emu, root)
    monkeypatch.setenv("SH_EMULATOR_ASYNC_DELAY", "60")
    monkeypatch.setenv("SH_EMULATOR_ASYNC_WORKERS", "2")
    ids = []
    with cli(root) as (process, banner):
        with httpx.Client(
            base_url=banner["base_url"],
            headers={"Authorization": f"Bearer {world.token}"},
            timeout=30,
        ) as client:
            for number in range(4):
                body = process_body(FAILING if number == 2 else SCRIPT, collection=world.main_id)
                body["output"]["delivery"] = {"s3": {"url": "s3://out/held"}}
                response = client.post(ASYNC, json=body)
                assert response.status_code == 200, response.text
                ids.append(response.json()["id"])
            _wait(
                lambda: (
                    sorted(s for s, _ in _statuses(root).values())
                    == ["QUEUED"] * 2 + ["RUNNING"] * 2
                ),
                "two requests RUNNING and two QUEUED",
            )
            for request_id in ids:
                assert client.get(f"{ASYNC}/{request_id}").json()["status"] == "RUNNING"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    monkeypatch.delenv("SH_EMULATOR_ASYNC_DELAY")
    return ids, world.token, world.out_dir / "held"


def _outcomes(
    root: Path, ids: list[str], token: str, folder: Path
) -> dict[str, tuple[list[str], dict[str, Any]]]:
    """Restart (a subprocess again) and follow every id to its end: its delivered files and
    the 404 body that ends it. Each id answers 200 RUNNING until then."""
    outcomes: dict[str, tuple[list[str], dict[str, Any]]] = {}
    with (
        cli(root) as (_, banner),
        httpx.Client(
            base_url=banner["base_url"], headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as client,
    ):
        deadline = time.monotonic() + 60
        for request_id in ids:
            while True:
                response = client.get(f"{ASYNC}/{request_id}")
                if response.status_code == 404:
                    break
                assert response.status_code == 200, response.text
                assert response.json() == {"id": request_id, "status": "RUNNING"}
                assert time.monotonic() < deadline, f"{request_id} did not end in 60 s"
                time.sleep(0.05)
            delivered = folder / request_id
            files = sorted(p.name for p in delivered.iterdir()) if delivered.is_dir() else []
            outcomes[request_id] = (files, response.json())
    return outcomes


def test_requests_in_flight_at_a_kill_resume_after_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, token, folder = _in_flight(tmp_path, monkeypatch)
    outcomes = _outcomes(tmp_path, ids, token, folder)
    for number, request_id in enumerate(ids):
        files, ended = outcomes[request_id]
        if number == 2:
            assert files == ["error.json"]
            error = json.loads((folder / request_id / "error.json").read_text())
            assert "broken on purpose" in error["error"]["message"]
            assert "failed" in ended["error"]["message"]
        else:
            assert files == ["default.tif"], request_id
            assert (folder / request_id / "default.tif").stat().st_size > 1000
            assert "finished" in ended["error"]["message"]
        assert ended["error"]["code"] == "COMMON_NOT_FOUND"
    statuses = _statuses(tmp_path)
    assert {request_id: statuses[request_id][0] for request_id in ids} == {
        ids[0]: "DONE",
        ids[1]: "DONE",
        ids[2]: "FAILED",
        ids[3]: "DONE",
    }


def test_requests_started_too_often_end_failed_with_error_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, token, folder = _in_flight(tmp_path, monkeypatch)
    was_running = {i for i, (status, _) in _statuses(tmp_path).items() if status == "RUNNING"}
    monkeypatch.setenv("SH_EMULATOR_ASYNC_MAX_ATTEMPTS", "1")
    outcomes = _outcomes(tmp_path, ids, token, folder)
    for request_id in ids:
        files, ended = outcomes[request_id]
        assert files, f"{request_id} ended with nothing in its delivery folder"
        if request_id in was_running:
            assert files == ["error.json"]
            error = json.loads((folder / request_id / "error.json").read_text())
            assert error["error"]["code"] == "COMMON_EXCEPTION"
            assert "stopped 1 time(s) while rendering" in error["error"]["message"]
            assert "failed" in ended["error"]["message"]
        else:
            assert files in (["default.tif"], ["error.json"])  # the third fails on purpose
