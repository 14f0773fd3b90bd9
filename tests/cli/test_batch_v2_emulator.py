"""``shc batch-v2`` end to end on the emulator: create from a Process request file with a grid,
describe, analyse, start, watch, the outputs, the status database with ``features``; stop."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Shc, column, table
from tests.cli.world import OUT_BUCKET, process_body

pytestmark = pytest.mark.integration

ROLE = "arn:aws:iam::000000000000:role/emulator"


def _process_file(world: dict[str, Any], tmp_path: Path) -> Path:
    body = process_body(world, evalscript=True)
    body["output"] = {"responses": [{"identifier": "default", "format": {"type": "image/tiff"}}]}
    path = tmp_path / "process.json"
    path.write_text(json.dumps(body))
    return path


def test_a_request_from_create_to_its_status_database(
    shc: Shc, world: dict[str, Any], tmp_path: Path
) -> None:
    folder = f"v2-{uuid.uuid4().hex[:8]}"
    created = shc(
        "batch-v2", "create", "--request", str(_process_file(world, tmp_path)), "--grid", "1",
        "--resolution", "20", "--output", f"s3://{OUT_BUCKET}/{folder}", "--iam-role", ROLE,
        "--description", "cli v2",
    )  # fmt: skip
    fields = dict(row for row in table(created.stdout) if len(row) == 2)
    request_id = fields["id"]
    assert fields["status"] == "CREATED"
    assert fields["description"] == "cli v2"

    assert shc("batch-v2", "describe", request_id, "renamed").stdout == f"updated {request_id}\n"
    assert shc("batch-v2", "analyse", request_id).stdout == f"analysing {request_id}\n"
    analysed = shc("batch-v2", "watch", request_id, "--analysis", "--interval", "0.05",
                   "--timeout", "60", "--json")  # fmt: skip
    assert json.loads(analysed.stdout)["status"] == "ANALYSIS_DONE"
    assert json.loads(analysed.stdout)["description"] == "renamed"

    assert shc("batch-v2", "start", request_id).stdout == f"started {request_id}\n"
    done = shc("batch-v2", "watch", request_id, "--interval", "0.05", "--timeout", "120", "--json")
    assert json.loads(done.stdout)["status"] == "DONE"
    assert request_id in column(shc("batch-v2", "list").stdout, "id")

    job = shc.bucket(OUT_BUCKET) / folder / request_id
    outputs = sorted(job.rglob("default.tif"))
    assert len(outputs) == 1
    counts = shc("batch-v2", "features", str(job / "execution.sqlite"), "--counts", "--json")
    assert json.loads(counts.stdout) == {"DONE": 1}
    names = column(shc("batch-v2", "features", str(job / "execution.sqlite")).stdout, "name")
    assert names == [outputs[0].parent.name]


def test_stop_before_start_is_refused_in_one_line(
    shc: Shc, world: dict[str, Any], tmp_path: Path
) -> None:
    created = shc(
        "batch-v2", "create", "--request", str(_process_file(world, tmp_path)), "--grid", "1",
        "--resolution", "20", "--output", f"s3://{OUT_BUCKET}/stop", "--iam-role", ROLE, "--json",
    )  # fmt: skip
    request_id = json.loads(created.stdout)["id"]
    refused = shc("batch-v2", "stop", request_id, ok=False)
    assert refused.exit_code == 1
    assert len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith("error: 409 ")
    assert "this one is CREATED" in refused.stderr
