"""The README's "Using it" steps, as written: the emulator CLI with ``--samples my-bucket``, the
SH_* variables it names, and the snippet itself, which must end with the tile INGESTED."""

from __future__ import annotations

import contextlib
import io
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import SAMPLE_BANDS, write_samples

from tests.support.emulator import fetch_token

from .conftest import byoc_client, new_collection

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def usage_section() -> str:
    return README.split("## Using it", 1)[1].split("\n## ", 1)[0]


def snippet() -> str:
    match = re.search(r"```python\n(.*?)```", usage_section(), re.DOTALL)
    assert match is not None
    return match.group(1)


def step(pattern: str) -> str:
    match = re.search(pattern, usage_section())
    assert match is not None, pattern
    return match.group(1)


@contextlib.contextmanager
def cli(tmp_path: Path, command: str) -> Iterator[tuple[str, str]]:
    """The README's emulator command (on a free port), until the block ends; (URL, output)."""
    args = [*command.split()[1:], "--port", "0"]
    assert args[:2] == ["--data-dir", "./emu"], args
    process = subprocess.Popen(  # noqa: S603 - our own CLI with the README's arguments
        [sys.executable, "-m", "sentinelhub_emulator", *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "client secret" in line:
                break
        output = "".join(lines)
        url = re.search(r"Sentinel Hub emulator at (http://\S+)", output)
        assert url is not None, output
        yield url.group(1), output
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        process.stdout.close()


def test_the_readme_steps_end_ingested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command = step(r"(?m)^\s*(\.venv/bin/sentinelhub-emulator [^\n]*--samples my-bucket)\s*$")
    exports = " ".join(re.findall(r"(?m)^\s*export (.+)$", usage_section()))
    assert "SH_TOKEN_URL=" in exports, exports
    with cli(tmp_path, command) as (base_url, output):
        assert "Sample tiles in bucket 'my-bucket'" in output
        assert "2024/05/tile_(BAND).tif" in output
        for assignment in exports.split():
            name, _, value = assignment.partition("=")
            # The README's port is 8000; this run took a free one.
            monkeypatch.setenv(name, value.replace("http://127.0.0.1:8000", base_url))
        # The snippet waits `interval` seconds between polls; time.sleep is shortened only here.
        real_sleep = time.sleep
        monkeypatch.setattr(time, "sleep", lambda seconds: real_sleep(min(seconds, 0.05)))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(snippet(), "README.md", "exec"), {})  # noqa: S102 - the README's code
    assert printed.getvalue().splitlines() == [
        "INGESTED {'minMetersPerPixel': 10.0, 'maxMetersPerPixel': 20.0}"
    ]
    assert (tmp_path / "emu" / "buckets" / "my-bucket" / "2024" / "05" / "tile_B02.tif").is_file()


def test_samples_ingest_as_announced(tmp_path: Path) -> None:
    """Every sample tile ends as write_samples says; the broken one fails for its stripes."""
    with Emulator(tmp_path) as emu, byoc_client(emu, fetch_token(emu)) as client:
        tiles = write_samples(emu.data_dir / "buckets" / "samples")
        collection = new_collection(client, s3Bucket="samples")
        created = []
        for tile in tiles:
            response = client.post(
                f"/collections/{collection['id']}/tiles", json={"path": tile.path}
            )
            assert response.status_code == 201, response.text
            created.append(response.json()["data"]["id"])
        emu.wait_for_ingestion()
        final = [
            client.get(f"/collections/{collection['id']}/tiles/{tile_id}").json()["data"]
            for tile_id in created
        ]
        bands = client.get(f"/collections/{collection['id']}").json()["data"]["additionalData"]
    assert [tile.expect.split()[0] for tile in tiles] == [t["status"] for t in final]
    assert [t["status"] for t in final] == ["INGESTED", "INGESTED", "INGESTED", "FAILED"]
    assert "not internally tiled" in final[-1]["additionalData"]["failedIngestionCause"]
    assert sorted(bands["bands"]) == sorted(SAMPLE_BANDS)
