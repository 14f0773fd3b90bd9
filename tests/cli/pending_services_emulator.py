"""``shc process`` and ``shc batch`` end to end on the emulator: a BYOC collection made with
``shc``, an aligned Process request whose output equals the source pixels, Async Process into a
bucket, and a batch request's whole life (create, analyse, tiles, start, wait, outputs, cancel,
refused actions, grids).

PENDING: named so that pytest does not collect it until main has the emulator's Process and Batch
services (branches emu-process / emu-batch); then rename it to ``test_services_emulator.py``. It
passes against emu-batch's emulator:
``PYTHONPATH=../emu-batch/emulator pytest tests/cli/pending_services_emulator.py``.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from affine import Affine

from tests.cli.conftest import Shc, column, table

pytestmark = pytest.mark.integration

DATA_BUCKET = "bucket"
OUT_BUCKET = "out"
RES = 10.0
X0, Y0 = 500_100.0, 5_000_100.0  # inside one cell of the 10 km batch grid (33T..._5_...)
SIZE = 64
BOUNDS = (X0, Y0, X0 + SIZE * RES, Y0 + SIZE * RES)
UTM = "http://www.opengis.net/def/crs/EPSG/0/32633"
EVALSCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: {bands: 1, sampleType: "UINT16"}};
}
function evaluatePixel(s) { return [s.B1]; }
"""


def _write_band(path: Path, data: np.ndarray[Any, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    transform = Affine(RES, 0.0, BOUNDS[0], 0.0, -RES, BOUNDS[3])
    profile = {
        "driver": "GTiff", "width": SIZE, "height": SIZE, "count": 1, "dtype": "uint16",
        "crs": "EPSG:32633", "transform": transform, "tiled": True, "blockxsize": 256,
        "blockysize": 256,
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(data[None])


@pytest.fixture(scope="module")
def world(emulator: Any) -> dict[str, Any]:
    """A collection with one ingested tile of known B1 pixels, made with ``shc``."""
    shc = Shc(emulator)
    (shc.bucket(OUT_BUCKET)).mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    b1 = rng.integers(1, 60_000, size=(SIZE, SIZE), dtype=np.uint16)
    folder = f"svc/{uuid.uuid4().hex[:8]}"
    _write_band(shc.bucket(DATA_BUCKET) / folder / "B1.tif", b1)
    created = shc("collections", "create", "--name", "svc", "--bucket", DATA_BUCKET, "--json")
    collection_id = json.loads(created.stdout)["id"]
    shc("tiles", "create", collection_id, "--path", f"{folder}/(BAND).tif",
        "--sensing-time", "2024-05-01T10:00:00Z")  # fmt: skip
    shc("tiles", "wait", collection_id, "--interval", "0.05", "--timeout", "60")
    return {"collection": collection_id, "b1": b1}


def _process_body(world: dict[str, Any], *, evalscript: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "input": {
            "bounds": {"bbox": list(BOUNDS), "properties": {"crs": UTM}},
            "data": [{"type": f"byoc-{world['collection']}"}],
        },
        "output": {
            "width": SIZE,
            "height": SIZE,
            "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
        },
    }
    if evalscript:
        body["evalscript"] = EVALSCRIPT
    return body


def _read(path: Path) -> np.ndarray[Any, Any]:
    with rasterio.open(path) as dataset:
        return dataset.read(1)


def test_process_run_renders_the_source_pixels(
    shc: Shc, world: dict[str, Any], tmp_path: Path
) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(_process_body(world)))
    script = tmp_path / "script.js"
    script.write_text(EVALSCRIPT)
    out = tmp_path / "out"
    result = shc("process", "run", "--request", str(request), "--evalscript", str(script),
                 "--output-dir", str(out), "--json")  # fmt: skip
    written = json.loads(result.stdout)
    assert [o["path"] for o in written["outputs"]] == [str(out / "default.tif")]
    assert written["processingUnits"] > 0
    np.testing.assert_array_equal(_read(out / "default.tif"), world["b1"])

    broken = tmp_path / "broken.js"
    broken.write_text("//VERSION=3\nfunction setup() { return {input: ['B1'], output: {bands: 1}};")
    failed = shc("process", "run", "--request", str(request), "--evalscript", str(broken),
                 "--output-dir", str(tmp_path / "none"), ok=False)  # fmt: skip
    assert failed.exit_code == 1
    assert failed.stderr.startswith("error: 400 RENDERER_EXCEPTION: ")
    assert len(failed.stderr.splitlines()) == 1
    assert not (tmp_path / "none").exists()


def test_async_process_delivers_into_the_bucket(
    shc: Shc, world: dict[str, Any], tmp_path: Path
) -> None:
    request = tmp_path / "async.json"
    request.write_text(json.dumps(_process_body(world, evalscript=True)))
    prefix = f"s3://{OUT_BUCKET}/async-{uuid.uuid4().hex[:8]}"
    submitted = shc("process", "async", "submit", "--request", str(request), "--delivery",
                    prefix, "--json")  # fmt: skip
    request_id = json.loads(submitted.stdout)["id"]
    waited = shc("process", "async", "wait", request_id, "--interval", "0.05", "--timeout", "60")
    assert column(waited.stdout, "status") == ["FINISHED"]
    status = shc("process", "async", "status", request_id, "--json")
    assert json.loads(status.stdout) == {"id": request_id, "status": "FINISHED", "running": False}
    folder = shc.bucket(OUT_BUCKET) / prefix.split("/", 3)[3] / request_id
    np.testing.assert_array_equal(_read(folder / "default.tif"), world["b1"])


def _batch_file(world: dict[str, Any], tmp_path: Path, path: str) -> Path:
    body = {
        "processRequest": _process_body(world),
        "tilingGrid": {"id": 1, "resolution": 20.0},
        "output": {"defaultTilePath": f"s3://{OUT_BUCKET}/{path}"},
        "description": "cli test",
    }
    body["processRequest"].pop("output")
    body["processRequest"]["output"] = {
        "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}]
    }
    request = tmp_path / f"{path}.json"
    request.write_text(json.dumps(body))
    return request


def test_a_batch_request_from_create_to_outputs(
    shc: Shc, world: dict[str, Any], tmp_path: Path
) -> None:
    script = tmp_path / "script.js"
    script.write_text(EVALSCRIPT)
    request = _batch_file(world, tmp_path, f"batch-{uuid.uuid4().hex[:8]}")
    created = shc("batch", "create", "--request", str(request), "--evalscript", str(script))
    fields = dict(row for row in table(created.stdout) if len(row) == 2)
    request_id = fields["id"]
    assert fields["status"] == "CREATED"
    assert fields["description"] == "cli test"

    assert shc("batch", "analyse", request_id).stdout == f"analysing {request_id}\n"
    analysed = shc("batch", "wait", request_id, "--analysis", "--interval", "0.05",
                   "--timeout", "60", "--json")  # fmt: skip
    assert json.loads(analysed.stdout)["status"] == "ANALYSIS_DONE"
    tiles = [
        json.loads(line) for line in shc("batch", "tiles", request_id, "--json").stdout.splitlines()
    ]
    assert len(tiles) == 1
    assert tiles[0]["status"] == "PENDING"

    assert shc("batch", "start", request_id).stdout == f"started {request_id}\n"
    done = shc("batch", "wait", request_id, "--interval", "0.05", "--timeout", "120", "--json")
    assert json.loads(done.stdout)["status"] == "DONE"
    assert done.stderr == ""
    processed = shc("batch", "tiles", request_id, "--status", "PROCESSED")
    assert column(processed.stdout, "name") == [tiles[0]["name"]]
    listed = shc("batch", "list", "--json").stdout.splitlines()
    assert request_id in [json.loads(line)["id"] for line in listed]
    output = next(shc.bucket(OUT_BUCKET).glob(f"{request.stem}/**/default.tif"))
    with rasterio.open(output) as dataset:
        assert dataset.crs.to_epsg() == 32633
        assert dataset.res == (20.0, 20.0)

    refused = shc("batch", "restart", request_id, ok=False)
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: 400 COMMON_BAD_PAYLOAD: ")
    assert len(refused.stderr.splitlines()) == 1


def test_a_batch_request_canceled_and_a_bad_id(
    shc: Shc, world: dict[str, Any], tmp_path: Path
) -> None:
    script = tmp_path / "script.js"
    script.write_text(EVALSCRIPT)
    request = _batch_file(world, tmp_path, f"cancel-{uuid.uuid4().hex[:8]}")
    created = shc("batch", "create", "--request", str(request), "--evalscript", str(script),
                  "--json")  # fmt: skip
    request_id = json.loads(created.stdout)["id"]
    assert shc("batch", "cancel", request_id).stdout == f"canceled {request_id}\n"
    got = json.loads(shc("batch", "get", request_id, "--json").stdout)
    assert got["status"] == "CANCELED"
    waited = shc("batch", "wait", request_id, "--interval", "0.05", "--timeout", "30", ok=False)
    assert waited.exit_code == 1
    assert waited.stderr == f"error: batch request {request_id} ended CANCELED\n"
    assert shc("batch", "delete", request_id).stdout == f"deleted {request_id}\n"
    missing = shc("batch", "get", request_id, ok=False)
    assert missing.exit_code == 1
    assert missing.stdout == ""
    assert missing.stderr.startswith("error: 404 ")
    assert request_id in missing.stderr


def test_batch_grids(shc: Shc) -> None:
    listed = shc("batch", "grids")
    assert column(listed.stdout, "id")[:4] == ["0", "1", "2", "3"]
    one = json.loads(shc("batch", "grids", "1", "--json").stdout)
    assert one["id"] == 1
    assert 20.0 in one["properties"]["resolutions"]
