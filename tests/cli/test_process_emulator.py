"""``shc process`` end to end on the emulator: a BYOC collection made with ``shc``, an aligned
Process request whose output equals the source pixels, a broken evalscript's one-line error, and
Async Process delivered into a bucket."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio

from tests.cli.conftest import Shc, column
from tests.cli.world import EVALSCRIPT, OUT_BUCKET, process_body

pytestmark = pytest.mark.integration


def _read(path: Path) -> np.ndarray[Any, Any]:
    with rasterio.open(path) as dataset:
        return dataset.read(1)


def test_process_run_renders_the_source_pixels(
    shc: Shc, world: dict[str, Any], tmp_path: Path
) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(process_body(world)))
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
    request.write_text(json.dumps(process_body(world, evalscript=True)))
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
