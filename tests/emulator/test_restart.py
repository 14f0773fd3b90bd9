"""Durability: data survives a restart and a kill -9; interrupted ingestions are re-queued."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.core.db import DATABASE_FILENAME
from sentinelhub_emulator.samples import write_cog

from tests.support.emulator import fetch_token

from .conftest import byoc_client, new_collection

UTM_BOUNDS = (500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0)


def _cog(path: Path) -> None:
    write_cog(path, crs_epsg=32633, bounds=UTM_BOUNDS, width=512, height=512)


def test_data_and_tokens_survive_a_restart(tmp_path: Path) -> None:
    with Emulator(tmp_path) as emu:
        token = fetch_token(emu)
        with byoc_client(emu, token) as client:
            collection = new_collection(client, name="durable")
            tile = client.post(
                f"/collections/{collection['id']}/tiles", json={"path": "p/(BAND).tif"}
            ).json()["data"]
            emu.wait_for_ingestion()
    with Emulator(tmp_path) as emu, byoc_client(emu, token) as client:
        assert client.get(f"/collections/{collection['id']}").json()["data"]["name"] == "durable"
        stored = client.get(f"/collections/{collection['id']}/tiles/{tile['id']}").json()["data"]
        assert stored["status"] == "FAILED"  # its bucket does not exist


def test_a_tile_left_ingesting_is_requeued_and_ingested(tmp_path: Path) -> None:
    _cog(tmp_path / "buckets/b/t/B1.tif")
    with (
        Emulator(tmp_path, ingestion_delay=30) as emu,
        byoc_client(emu, fetch_token(emu)) as client,
    ):
        collection = new_collection(client, s3Bucket="b")
        tile = client.post(
            f"/collections/{collection['id']}/tiles", json={"path": "t/(BAND).tif"}
        ).json()["data"]
    # What a crash in the middle of an ingestion leaves behind.
    with sqlite3.connect(tmp_path / DATABASE_FILENAME) as conn:
        conn.execute("UPDATE tiles SET status = 'INGESTING' WHERE id = ?", (tile["id"],))
    with Emulator(tmp_path) as emu, byoc_client(emu, fetch_token(emu)) as client:
        emu.wait_for_ingestion()
        stored = client.get(f"/collections/{collection['id']}/tiles/{tile['id']}").json()["data"]
        assert stored["status"] == "INGESTED"


@contextmanager
def cli(data_dir: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    """Run ``sentinelhub-emulator`` and read its banner; killed at the end if still running."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "sentinelhub_emulator",
            "--data-dir",
            str(data_dir),
            "--port",
            "0",
            "--log-level",
            "warning",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner: dict[str, str] = {}
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Sentinel Hub emulator at "):
                banner["base_url"] = line.split(" at ", 1)[1].strip()
            elif ":" in line and line.startswith("  "):
                key, value = line.strip().split(":", 1)
                banner[key] = value.strip()
            if "data" in banner:
                break
        assert "base_url" in banner, process.stderr.read() if process.stderr else ""
        yield process, banner
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie has ended: it only waits for its parent to read it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_cli_prints_its_addresses_and_survives_kill_9(tmp_path: Path) -> None:
    _cog(tmp_path / "buckets/b/t/B1.tif")
    with cli(tmp_path, "--ingestion-delay", "0.3", "--client-secret", "cli-secret") as (
        process,
        banner,
    ):
        base_url = banner["base_url"]
        assert banner["token URL"] == base_url + "/auth/realms/main/protocol/openid-connect/token"
        assert banner["client id"] == "emulator-client"
        assert banner["client secret"] == "cli-secret"
        assert banner["admin token"]
        token = httpx.post(
            banner["token URL"],
            data={
                "grant_type": "client_credentials",
                "client_id": "emulator-client",
                "client_secret": "cli-secret",
            },
        ).json()["access_token"]
        with httpx.Client(
            base_url=base_url + "/api/v1/byoc", headers={"Authorization": f"Bearer {token}"}
        ) as client:
            collection = new_collection(client, s3Bucket="b", name="before the crash")
            tile = client.post(
                f"/collections/{collection['id']}/tiles", json={"path": "t/(BAND).tif"}
            ).json()["data"]
            url = f"/collections/{collection['id']}/tiles/{tile['id']}"
            deadline = time.monotonic() + 10
            while client.get(url).json()["data"]["status"] != "INGESTING":
                assert time.monotonic() < deadline
                time.sleep(0.02)
        workers = _children(process.pid)
        assert workers, "the ingestion worker processes were not started"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        # Its worker processes see their parent gone and end too, instead of waiting for
        # tasks forever.
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, f"workers {workers} outlived the emulator"
            time.sleep(0.1)

    with Emulator(tmp_path, client_secret="cli-secret") as emu, byoc_client(emu, token) as client:
        assert client.get(f"/collections/{collection['id']}").json()["data"]["name"] == (
            "before the crash"
        )
        emu.wait_for_ingestion()
        assert client.get(url).json()["data"]["status"] == "INGESTED"


def test_cli_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with cli(tmp_path) as (process, banner):
        assert httpx.get(banner["base_url"] + "/_emulator/health").json() == {"status": "ok"}
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0


def test_cli_rejects_bad_fault_flags(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "sentinelhub_emulator",
            "--data-dir",
            str(tmp_path),
            "--fault-rate-429",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "rate_429" in result.stderr


def test_a_taken_port_raises_instead_of_exiting(tmp_path: Path) -> None:
    with Emulator(tmp_path / "one") as first:
        second = Emulator(tmp_path / "two", port=first.port or 0)
        with pytest.raises(OSError):
            second.start()
