"""Batch tiles rendered in worker processes (``batch_processes``, `sentinelhub_emulator.batch.pool`)
with the real Process engine, v1 and v2: the same pixels as on the emulator's own threads, a stop
that cancels the tiles not started, a worker killed mid-tile, evalscript limits in the workers.

Slow tiles come from an evalscript that spins once it reaches its 1000th pixel: the analysis
probe (16 x 16 px) never gets there, a 500 x 500 px tile does."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import rasterio
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.batch import pool

from tests.support.emulator import fetch_token

from .conftest import admin, all_tiles, batch_client, create, wait_for
from .test_engine_pixels import EVALSCRIPT, SRC_SHAPE, _write_source

DATA, OUT = "data", "out"
UTM = "http://www.opengis.net/def/crs/EPSG/0/32633"
#: Four 10 km cells of grid 1 (x 450-470 km, y 5140-5160 km), over the source.
FOUR_CELLS = [455_000.0, 5_145_000.0, 465_000.0, 5_155_000.0]
#: Nine cells (x 440-470 km, y 5130-5160 km).
NINE_CELLS = [441_000.0, 5_131_000.0, 469_000.0, 5_159_000.0]
#: One cell (x 450-460 km, y 5140-5150 km).
ONE_CELL = [452_000.0, 5_142_000.0, 458_000.0, 5_148_000.0]


def spinning(seconds: float) -> str:
    """An evalscript whose 1000th pixel takes ``seconds``."""
    return f"""//VERSION=3
let seen = 0;
function setup() {{ return {{input: ["B1"], output: {{bands: 1, sampleType: "UINT16"}}}}; }}
function evaluatePixel(s) {{
  seen += 1;
  if (seen === 1000) {{
    const until = Date.now() + {seconds * 1000:.0f};
    while (Date.now() < until) {{}}
  }}
  return [s.B1];
}}
"""


@dataclass(frozen=True)
class World:
    emulator: Emulator
    v1: httpx.Client
    v2: httpx.Client
    collection_id: str

    @property
    def out(self) -> Path:
        return self.emulator.data_dir / "buckets" / OUT


@contextmanager
def world(root: Path, processes: int) -> Iterator[World]:
    """An emulator rendering batch tiles in ``processes`` worker processes (0: its threads),
    with a BYOC collection over one uint16 COG."""
    source = np.random.default_rng(11).integers(1, 60_000, size=SRC_SHAPE, dtype=np.uint16)
    _write_source(root / "buckets" / DATA / "scene" / "B1.tif", source)
    (root / "buckets" / OUT).mkdir(parents=True)
    with Emulator(root, batch_processes=processes) as emu:
        token = fetch_token(emu)
        auth = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=emu.base_url + "/api/v1/byoc", headers=auth) as byoc:
            made = byoc.post("/collections", json={"name": "src", "s3Bucket": DATA})
            collection_id = made.json()["data"]["id"]
            tile = byoc.post(
                f"/collections/{collection_id}/tiles",
                json={"path": "scene/(BAND).tif", "sensingTime": "2024-05-01T10:00:00Z"},
            )
            assert tile.status_code == 201, tile.text
            emu.wait_for_ingestion()
        with (
            batch_client(emu, token) as v1,
            httpx.Client(base_url=emu.base_url + "/api/v2/batch", headers=auth, timeout=30) as v2,
        ):
            yield World(emu, v1, v2, collection_id)


def _process_request(
    collection_id: str, bbox: list[float], evalscript: str, outputs: tuple[str, ...]
) -> dict[str, Any]:
    return {
        "input": {
            "bounds": {"bbox": bbox, "properties": {"crs": UTM}},
            "data": [{"type": f"byoc-{collection_id}"}],
        },
        "output": {
            "responses": [{"identifier": o, "format": {"type": "image/tiff"}} for o in outputs]
        },
        "evalscript": evalscript,
    }


def run_v1(
    w: World,
    folder: str,
    bbox: list[float],
    evalscript: str = EVALSCRIPT,
    outputs: tuple[str, ...] = ("value", "double"),
    final: tuple[str, ...] = ("DONE",),
    cog: bool = False,
) -> tuple[str, dict[str, Any]]:
    body = {
        "processRequest": _process_request(w.collection_id, bbox, evalscript, outputs),
        "tilingGrid": {"id": 1, "resolution": 20.0},
        "output": {"defaultTilePath": f"s3://{OUT}/{folder}", "cogOutput": cog},
    }
    created = create(w.v1, body)
    assert w.v1.post(f"/process/{created['id']}/start").status_code == 204
    done = wait_for(w.v1, created["id"], ("DONE", "PARTIAL", "FAILED"), timeout=60)
    assert done["status"] in final, (done["error"], all_tiles(w.v1, created["id"]))
    return created["id"], done


def v2_status(w: World, request_id: str) -> dict[str, Any]:
    response = w.v2.get(f"/process/{request_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def start_v2(
    w: World, folder: str, bbox: list[float], evalscript: str = EVALSCRIPT, output: str = "value"
) -> str:
    body = {
        "processRequest": _process_request(w.collection_id, bbox, evalscript, (output,)),
        "input": {"type": "tiling-grid", "id": 1, "resolution": 20.0},
        "output": {"type": "raster", "delivery": {"s3": {"url": f"s3://{OUT}/{folder}"}}},
    }
    created = w.v2.post("/process", json=body)
    assert created.status_code == 201, created.text
    request_id = str(created.json()["id"])
    assert w.v2.post(f"/process/{request_id}/start").status_code in (200, 204)
    return request_id


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {timeout} s"
        time.sleep(0.02)


def _rasters(folder: Path) -> dict[str, Any]:
    """Every TIFF under ``folder`` by its path in it: its pixels."""
    rasters = {}
    for path in sorted(folder.rglob("*.tif")):
        with rasterio.open(path) as dataset:
            rasters[str(path.relative_to(folder))] = dataset.read()
    return rasters


def _outputs(processes: int, root: Path) -> tuple[dict[str, Any], dict[str, Any], int]:
    """The rasters of a v1 job (COG: arrays encoded again) and a v2 job (GeoTIFF: the engine's
    files as they are) over four cells, and how many tiles went to worker processes meanwhile."""
    with world(root, processes) as w:
        submitted = pool.tasks_submitted()
        v1_id, _ = run_v1(w, "v1", FOUR_CELLS, cog=True)
        v2_id = start_v2(w, "v2", FOUR_CELLS)
        wait_until(lambda: v2_status(w, v2_id)["status"] in ("DONE", "FAILED"), "v2 job ends")
        assert v2_status(w, v2_id)["status"] == "DONE"
        used = pool.tasks_submitted() - submitted
        return _rasters(w.out / "v1" / v1_id), _rasters(w.out / "v2" / v2_id), used


def test_worker_processes_write_the_pixels_the_threads_write(tmp_path: Path) -> None:
    pooled_v1, pooled_v2, used = _outputs(2, tmp_path / "pooled")
    assert used == 8  # four tiles of each job, all in worker processes
    threads_v1, threads_v2, unused = _outputs(0, tmp_path / "threads")
    assert unused == 0
    assert len(pooled_v1) == 8  # two outputs a tile
    assert len(pooled_v2) == 4
    assert pooled_v1.keys() == threads_v1.keys()
    assert pooled_v2.keys() == threads_v2.keys()
    for pooled, threads in ((pooled_v1, threads_v1), (pooled_v2, threads_v2)):
        for name, pixels in pooled.items():
            assert pixels.shape == threads[name].shape, name
            np.testing.assert_array_equal(pixels, threads[name], err_msg=name)
    assert any(np.count_nonzero(pixels) for pixels in pooled_v2.values())


def _statuses(status_db: Path) -> list[str]:
    connection = sqlite3.connect(f"{status_db.as_uri()}?mode=ro", uri=True)
    try:
        return [str(row[0]) for row in connection.execute("SELECT status FROM features")]
    finally:
        connection.close()


def test_a_stop_cancels_the_tiles_no_worker_started(tmp_path: Path) -> None:
    with world(tmp_path, 2) as w:
        submitted = pool.tasks_submitted()
        request_id = start_v2(w, "stop", NINE_CELLS, spinning(2.0), "default")
        wait_until(
            lambda: pool.tasks_in_flight() >= 2 or v2_status(w, request_id)["status"] == "FAILED",
            "two tiles with the workers",
        )
        assert pool.tasks_in_flight() >= 2, v2_status(w, request_id)
        stopped = w.v2.post(f"/process/{request_id}/stop")
        assert stopped.status_code in (200, 204), stopped.text
        assert v2_status(w, request_id)["status"] == "STOPPED"
        # The tiles waiting for a worker are canceled; the ones being rendered end without
        # writing their files.
        wait_until(lambda: pool.tasks_in_flight() == 0, "the workers are done")
        assert pool.tasks_submitted() - submitted <= 4  # of 9 tiles
        folder = w.out / "stop" / request_id
        assert not list(folder.rglob("*.tif"))
        assert v2_status(w, request_id)["status"] == "STOPPED"
        statuses = _statuses(folder / "execution.sqlite")
        assert len(statuses) == 9
        assert "DONE" not in statuses


def test_a_killed_worker_fails_its_tile_and_the_next_job_runs(tmp_path: Path) -> None:
    with world(tmp_path, 2) as w:
        body = {
            "processRequest": _process_request(
                w.collection_id, ONE_CELL, spinning(20.0), ("default",)
            ),
            "tilingGrid": {"id": 1, "resolution": 20.0},
            "output": {"defaultTilePath": f"s3://{OUT}/killed"},
        }
        created = create(w.v1, body)
        assert w.v1.post(f"/process/{created['id']}/start").status_code == 204
        wait_until(lambda: pool.tasks_in_flight() >= 1, "the tile with a worker")
        pids = pool.worker_pids()
        assert pids
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        failed = wait_for(w.v1, created["id"], ("DONE", "PARTIAL", "FAILED"), timeout=30)
        assert failed["status"] == "FAILED"
        (tile,) = all_tiles(w.v1, created["id"])
        assert tile["status"] == "FAILED"
        assert tile["error"] == pool.WORKER_DIED
        assert not list((w.out / "killed").rglob("*.tif"))
        # A new pool takes the next job.
        run_v1(w, "after", ONE_CELL)
        assert not set(pool.worker_pids()) & set(pids)


def test_evalscript_time_limit_holds_in_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SH_EMULATOR_SCRIPT_TIMEOUT", "1")
    with world(tmp_path, 2) as w:
        submitted = pool.tasks_submitted()
        request_id, _ = run_v1(w, "slow", ONE_CELL, spinning(20.0), ("default",), final=("FAILED",))
        assert pool.tasks_submitted() - submitted == 1
        (tile,) = all_tiles(w.v1, request_id)
        assert tile["error"] == "The evalscript ran longer than the emulator allows (1 s)."


def test_the_setting_and_its_checks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sentinelhub_emulator.__main__ import parse_args

    monkeypatch.setenv("SH_EMULATOR_BATCH_PROCESSES", "3")
    assert Emulator(tmp_path).settings.batch_processes == 3
    assert Emulator(tmp_path, batch_processes=0).settings.batch_processes == 0
    monkeypatch.delenv("SH_EMULATOR_BATCH_PROCESSES")
    assert Emulator(tmp_path).settings.batch_processes == (os.cpu_count() or 1)
    with pytest.raises(ValueError, match="batch_processes must be 0 or more"):
        Emulator(tmp_path, batch_processes=-1)
    monkeypatch.setenv("SH_EMULATOR_BATCH_PROCESSES", "many")
    with pytest.raises(ValueError, match="SH_EMULATOR_BATCH_PROCESSES must be a whole number"):
        Emulator(tmp_path)
    assert parse_args(["--data-dir", "x", "--batch-processes", "4"]).batch_processes == 4
    assert parse_args(["--data-dir", "x"]).batch_processes is None
    with pytest.raises(SystemExit):
        parse_args(["--data-dir", "x", "--batch-processes", "-1"])


def test_workers_follow_the_working_folder_of_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers outlive the emulator that started them: each tile runs in the emulator's working
    folder of the moment (here for a relative ``data_dir``), as in its environment (AWS
    credentials: tests/s3_emulator's batch test, after a pool started without them)."""
    written = {}
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        with world(Path("emu"), 2) as w:
            submitted = pool.tasks_submitted()
            request_id, _ = run_v1(w, "relative", ONE_CELL, outputs=("value", "double"))
            assert pool.tasks_submitted() - submitted == 1
        written[name] = sorted((tmp_path / name / "emu" / "buckets" / OUT).rglob("*.tif"))
        assert [p.name for p in written[name]] == ["double.tif", "value.tif"]
        assert request_id in str(written[name][0])


def test_an_injected_failure_is_not_handed_to_a_worker_early(tmp_path: Path) -> None:
    # A job's first tiles go to the workers before their threads run them; a tile the faults
    # fail must not be among them: it ends FAILED with no files, as on threads.
    with world(tmp_path, 2) as w:
        with admin(w.emulator) as faults:
            body = {
                "processRequest": _process_request(
                    w.collection_id, NINE_CELLS, EVALSCRIPT, ("value", "double")
                ),
                "tilingGrid": {"id": 1, "resolution": 20.0},
                "output": {"defaultTilePath": f"s3://{OUT}/faults"},
            }
            created = create(w.v1, body)
            assert w.v1.post(f"/process/{created['id']}/analyse").status_code == 204
            wait_for(w.v1, created["id"], ("ANALYSIS_DONE",), timeout=60)
            tiles = all_tiles(w.v1, created["id"])
            first = tiles[0]["name"]  # the first tile the dispatcher hands out
            assert faults.post("/faults", json={"failTiles": [first]}).status_code == 200
            assert w.v1.post(f"/process/{created['id']}/start").status_code == 204
            done = wait_for(w.v1, created["id"], ("DONE", "PARTIAL", "FAILED"), timeout=60)
            faults.delete("/faults")
        assert done["status"] == "PARTIAL"
        failed = all_tiles(w.v1, created["id"], status="FAILED")
        assert [t["name"] for t in failed] == [first]
        written = {p.parent.name for p in (w.out / "faults").rglob("*.tif")}
        assert first not in written
        assert len(written) == len(tiles) - 1


#: Counts its calls three ways: a declared variable, a global it creates by assignment, and a
#: helper of the service it replaces. A tile that saw an earlier tile's state would not start at 1.
COUNTING = """//VERSION=3
let calls = 0;
function setup() {
  return {input: ["B1"], output: {id: "value", bands: 3, sampleType: "FLOAT32"}};
}
function evaluatePixel(s) {
  calls += 1;
  if (typeof created === "undefined") created = 0;
  created += 1;
  const before = inverse(2);
  inverse = function (x) { return x * 1000; };
  return [calls, created, before];
}
"""


def test_every_tile_starts_the_evalscript_afresh_in_the_workers(tmp_path: Path) -> None:
    # The workers run a job's tiles one after the other in one V8 context each, reset between
    # tiles: nine tiles on two workers, each tile counting from 1 as in a context of its own.
    with world(tmp_path, 2) as w:
        submitted = pool.tasks_submitted()
        request_id, _ = run_v1(w, "counting", NINE_CELLS, evalscript=COUNTING, outputs=("value",))
        assert pool.tasks_submitted() - submitted == 9
        rasters = _rasters(w.out / "counting" / request_id)
    assert len(rasters) == 9
    for name, pixels in rasters.items():
        count = pixels.shape[1] * pixels.shape[2]
        calls, created, before = pixels.reshape(3, -1)
        expected = np.arange(1, count + 1, dtype=np.float32)
        np.testing.assert_array_equal(np.sort(calls), expected, err_msg=name)
        np.testing.assert_array_equal(created, calls, err_msg=name)
        # inverse(2) is the service's 0.5 at the tile's first pixel, the replacement's after.
        first = int(np.argmin(calls))
        assert before[first] == 0.5, name
        assert np.all(np.delete(before, first) == 2000.0), name
