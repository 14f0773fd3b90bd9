"""A user's own script, outside the repository, type-checks with ``mypy --strict`` against the
installed package (after the README's editable install the packages are plain folders on the
path, which type checkers follow)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

USER_SCRIPT = """\
import asyncio

from sentinelhub_client import (
    AsyncSentinelHubBYOC,
    ByocCollection,
    ByocTile,
    NotFoundError,
    RetryPolicy,
    SentinelHubBYOC,
    SHConfig,
    TileStatus,
)


def paths(collection_id: str) -> list[str]:
    config = SHConfig(sh_token="t", retry=RetryPolicy(max_attempts=2))
    config.download_timeout_seconds = 30
    try:
        with SentinelHubBYOC(config) as byoc:
            return [t.path for t in byoc.iter_tiles(collection_id, status=TileStatus.FAILED)]
    except NotFoundError as exc:
        return [str(exc.status)]


async def names() -> list[str]:
    async with AsyncSentinelHubBYOC(SHConfig()) as byoc:
        return [c.name async for c in byoc.iter_collections()]


collection = ByocCollection(name="fields", s3_bucket="bucket")
tile: ByocTile = ByocTile(path="a/(BAND).tif")
print(paths("c"), asyncio.run(names()), collection.name, tile.path)
"""

BROKEN_SCRIPT = """\
from sentinelhub_client import SHConfig

config = SHConfig(timeout="soon")
"""


def _mypy(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "user_script.py"
    script.write_text(text)
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", script.name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_user_script_passes_mypy_strict(tmp_path: Path) -> None:
    result = _mypy(tmp_path, USER_SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 1 source file" in result.stdout


def test_mypy_sees_the_real_signatures(tmp_path: Path) -> None:
    """The package is really analysed, not silently treated as Any."""
    result = _mypy(tmp_path, BROKEN_SCRIPT)
    assert result.returncode == 1
    assert 'Argument "timeout" to "SHConfig" has incompatible type "str"' in result.stdout
