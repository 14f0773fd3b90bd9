"""The README's main job: the demo runs end to end against the embedded emulator."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from sentinelhub_client import TileStatus
from sentinelhub_client.demo import SCENES, run_demo

pytestmark = pytest.mark.integration


def test_demo_ends_as_intended(tmp_path: Path) -> None:
    out = io.StringIO()
    result = run_demo(tmp_path, console=Console(file=out, width=200))
    assert result.ok
    by_path = {t.path: t for t in result.tiles}
    assert set(by_path) == {s.path for s in SCENES}
    broken = next(s.path for s in SCENES if s.broken_band)
    assert by_path[broken].status is TileStatus.FAILED
    cause = by_path[broken].additional_data["failedIngestionCause"]
    assert "scene_B03.tif" in cause
    assert "tiled" in cause
    text = out.getvalue()
    assert cause.split(":")[0] in text
    assert "3 ingested, 1 failed" in text
    # Two CRSs among the ingested tiles.
    crs = {t.tile_geometry["crs"]["properties"]["name"] for t in result.tiles if t.tile_geometry}
    assert crs == {"urn:ogc:def:crs:EPSG::32633", "urn:ogc:def:crs:EPSG::4326"}
    # The Planet files were downloaded (and compared with their sources by the demo).
    assert sorted(p.name for p in result.downloaded) == [
        "20240501_100706_56_24fd_metadata.json",
        "20240501_100706_56_24fd_ortho_analytic_4b_sr.tif",
        "20240501_100706_56_24fd_ortho_udm2.tif",
    ]
    assert all(p.stat().st_size > 0 for p in result.downloaded)


def test_the_readme_command_runs_the_demo(tmp_path: Path) -> None:
    """``python -m sentinelhub_client demo`` (what ``shc demo`` runs) exits 0."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "sentinelhub_client", "demo", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "summary" in completed.stdout


def test_the_emulator_extra_installs_what_the_demo_imports() -> None:
    """README command 1 installs only the ``emulator`` extra; the demo decodes a Process answer
    (the ``process`` extra) and writes COGs (the ``geo`` extra)."""
    import tomllib

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    emulator = project["project"]["optional-dependencies"]["emulator"]
    [own] = [r for r in emulator if r.startswith("sentinelhub-client[")]
    assert {"geo", "process"} <= set(own.partition("[")[2].rstrip("]").split(","))
