"""``shc cog register`` killed with SIGKILL part way, then run again: exactly N tiles, also for
5,000 tiles under 20% 429, 10% 5xx and 5% dropped connections."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sentinelhub_client import SentinelHubBYOC
from sentinelhub_emulator import Emulator, FaultConfig

from tests.cog.conftest import BUCKET, config_for

pytestmark = pytest.mark.integration

TILES = 400


def _paths(byoc: SentinelHubBYOC, collection: object) -> list[str]:
    return [t.path for t in byoc.iter_tiles(collection)]  # type: ignore[arg-type]


def test_kill_9_then_rerun_creates_no_duplicates(tmp_path: Path, emulator: Emulator) -> None:
    _kill_and_rerun(tmp_path, emulator, TILES, concurrency=4)


@pytest.mark.slow
def test_5000_tiles_under_faults_killed_half_way_end_as_exactly_5000(
    tmp_path: Path, emulator: Emulator
) -> None:
    emulator.set_faults(
        FaultConfig(
            seed=5,
            rate_429=0.2,
            retry_after_ms=1,
            rate_5xx=0.1,
            drop_rate=0.05,
            path_prefix="/api/v1/byoc/collections/",
        )
    )
    try:
        _kill_and_rerun(tmp_path, emulator, 5000, concurrency=16, kill_at=2500)
        injected = emulator.faults_injected
    finally:
        emulator.clear_faults()
    assert injected >= 1000, "faults were injected into a fair share of the requests"


def _kill_and_rerun(
    tmp_path: Path, emulator: Emulator, tiles: int, *, concurrency: int, kill_at: int = 0
) -> None:
    """Register ``tiles`` with ``shc cog register``, SIGKILL it once ``kill_at`` (default a
    quarter) exist, run it again, and check that exactly ``tiles`` tiles exist."""
    kill_at = kill_at or tiles // 4
    lines = tmp_path / "tiles.txt"
    lines.write_text("".join(f"k/{i:04d}.tif\n" for i in range(tiles)))
    env = {
        **os.environ,
        "SH_CLIENT_ID": emulator.client_id,
        "SH_CLIENT_SECRET": emulator.client_secret,
        "SH_BASE_URL": emulator.base_url,
        "SH_TOKEN_URL": emulator.token_url,
        "SH_RETRY_ZERO_BACKOFF": "1",
    }
    with SentinelHubBYOC(config_for(emulator)) as byoc:
        collection = byoc.create_collection({"name": uuid.uuid4().hex, "s3Bucket": BUCKET})
        command = [
            sys.executable,
            "-m",
            "sentinelhub_client",
            "cog",
            "register",
            str(collection.collection_id),
            str(lines),
            "--concurrency",
            str(concurrency),
        ]
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while len(_paths(byoc, collection)) < kill_at and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        part = _paths(byoc, collection)
        assert kill_at <= len(part) < tiles
        rerun = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert rerun.returncode == 0, rerun.stderr
        summary = re.search(r"created (\d+), skipped (\d+), failed 0", rerun.stderr)
        assert summary is not None, rerun.stderr
        created, skipped = int(summary.group(1)), int(summary.group(2))
        # Creates in flight at the kill may land after `part` was listed: skipped >= part.
        assert created + skipped == tiles
        assert skipped >= len(part)
        final = _paths(byoc, collection)
    assert len(final) == tiles
    assert sorted(final) == [f"k/{i:04d}.tif" for i in range(tiles)]
