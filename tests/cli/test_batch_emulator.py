"""``shc batch`` end to end on the emulator: a batch request's whole life (create, analyse, tiles,
start, wait, outputs, cancel, refused actions, delete, grids)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import rasterio

from tests.cli.conftest import Shc, column, table
from tests.cli.world import EVALSCRIPT, OUT_BUCKET, process_body

pytestmark = pytest.mark.integration


def _batch_file(world: dict[str, Any], tmp_path: Path, path: str) -> Path:
    body = {
        "processRequest": process_body(world),
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
