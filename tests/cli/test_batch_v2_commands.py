"""``shc batch-v2``: every command's request on the wire (respx), its output, exit codes and
one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from tests.cli.conftest import MockedShc, column, only_call, table

BATCH = "/api/v2/batch"
REQUEST_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
PROCESS = f"{BATCH}/process/{REQUEST_ID}"
PROCESS_REQUEST: dict[str, Any] = {
    "input": {
        "bounds": {"bbox": [12.4, 41.8, 12.6, 42.0]},
        "data": [{"type": "byoc-0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"}],
    },
    "output": {"responses": [{"identifier": "default", "format": {"type": "image/tiff"}}]},
    "evalscript": "//VERSION=3\n",
}


def request_json(status: str = "CREATED", **extra: Any) -> dict[str, Any]:
    return {
        "id": REQUEST_ID,
        "request": {"processRequest": PROCESS_REQUEST, "description": "ndvi"},
        "status": status,
        "created": "2026-01-02T03:04:05Z",
        "completionPercentage": 0,
        **extra,
    }


@pytest.fixture
def request_file(tmp_path: Path) -> Path:
    path = tmp_path / "process.json"
    path.write_text(json.dumps(PROCESS_REQUEST))
    return path


def test_create_with_a_grid_and_cogs(
    mocked: MockedShc, api: respx.MockRouter, request_file: Path
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    result = mocked(
        "batch-v2", "create", "--request", str(request_file), "--grid", "1", "--resolution",
        "10", "--buffer-x", "2", "--output", "s3://bucket/out", "--iam-role", "arn:r", "--cog",
        "--description", "ndvi",
    )  # fmt: skip
    assert json.loads(only_call(route).content) == {
        "processRequest": PROCESS_REQUEST,
        "input": {"type": "tiling-grid", "id": 1, "resolution": 10.0, "bufferX": 2},
        "output": {
            "type": "raster",
            "delivery": {"s3": {"url": "s3://bucket/out", "iamRoleARN": "arn:r"}},
            "cogOutput": True,
        },
        "instanceType": "normal",
        "description": "ndvi",
    }
    fields = dict(row for row in table(result.stdout) if len(row) == 2)
    assert fields["id"] == REQUEST_ID
    assert fields["status"] == "CREATED"
    assert fields["description"] == "ndvi"


def test_create_with_a_geopackage_and_zarr_keeps_the_secret_out_of_the_output(
    mocked: MockedShc, api: respx.MockRouter, request_file: Path, tmp_path: Path
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    zarr = tmp_path / "zarr.json"
    zarr.write_text(
        json.dumps({"arrayParameters": {"dtype": "<f4", "chunks": [1, 8, 8], "fill_value": 0}})
    )
    mocked.env["SHC_S3_SECRET_ACCESS_KEY"] = "top-secret"
    result = mocked(
        "batch-v2", "create", "--request", str(request_file), "--geopackage",
        "s3://bucket/aoi.gpkg", "--output", "s3://bucket/zarr", "--zarr", str(zarr),
        "--access-key", "AKIA", "--json",
    )  # fmt: skip
    sent = json.loads(only_call(route).content)
    assert sent["input"] == {
        "type": "geopackage",
        "features": {
            "s3": {
                "url": "s3://bucket/aoi.gpkg",
                "accessKey": "AKIA",
                "secretAccessKey": "top-secret",
            }
        },
    }
    assert sent["output"]["type"] == "zarr"
    assert sent["output"]["arrayParameters"]["dtype"] == "<f4"
    assert "top-secret" not in result.stdout
    assert "top-secret" not in result.stderr
    assert json.loads(result.stdout)["id"] == REQUEST_ID


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ([], "give either --grid"),
        (["--grid", "1"], "--grid needs --resolution"),
        (["--grid", "1", "--resolution", "10", "--geopackage", "s3://b/a.gpkg"], "give either"),
        (["--grid", "1", "--resolution", "10", "--access-key", "A"], "secret_access_key"),
        (["--grid", "1", "--resolution", "-1", "--iam-role", "r"], "resolution"),
    ],
)
def test_create_refuses_bad_options_before_sending(
    mocked: MockedShc,
    api: respx.MockRouter,
    request_file: Path,
    extra: list[str],
    expected: str,
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    result = mocked(
        "batch-v2", "create", "--request", str(request_file), "--output", "s3://b/o", *extra,
        ok=False,
    )  # fmt: skip
    assert result.exit_code == 1
    assert expected in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not route.called


def test_list_and_status(mocked: MockedShc, api: respx.MockRouter) -> None:
    api.get(f"{BATCH}/process").mock(
        return_value=httpx.Response(
            200, json={"data": [request_json("DONE", completionPercentage=100)], "links": {}}
        )
    )
    listed = mocked("batch-v2", "list", "--sort", "created:desc")
    assert column(listed.stdout, "status") == ["DONE"]
    assert api.calls.last.request.url.params["sort"] == "created:desc"
    api.get(PROCESS).respond(json=request_json("PROCESSING", completionPercentage=30))
    shown = mocked("batch-v2", "status", REQUEST_ID, "--json")
    assert json.loads(shown.stdout)["completionPercentage"] == 30


@pytest.mark.parametrize(
    ("command", "segment", "said"),
    [
        ("analyse", "analyse", "analysing"),
        ("start", "start", "started"),
        ("stop", "stop", "stopped"),
    ],
)
def test_actions(
    mocked: MockedShc, api: respx.MockRouter, command: str, segment: str, said: str
) -> None:
    route = api.post(f"{PROCESS}/{segment}").respond(204)
    result = mocked("batch-v2", command, REQUEST_ID)
    assert only_call(route).url.path == f"{PROCESS}/{segment}"
    assert result.stdout.strip() == f"{said} {REQUEST_ID}"


def test_describe_sends_the_description(mocked: MockedShc, api: respx.MockRouter) -> None:
    route = api.put(PROCESS).respond(200, json={"description": "new"})
    mocked("batch-v2", "describe", REQUEST_ID, "new")
    assert json.loads(only_call(route).content) == {"description": "new"}


def test_watch_exits_1_when_stopped(mocked: MockedShc, api: respx.MockRouter) -> None:
    api.get(PROCESS).respond(
        json=request_json("STOPPED", userAction="STOP", stoppedStatusReason="OUT_OF_PU")
    )
    result = mocked("batch-v2", "watch", REQUEST_ID, "--interval", "0", ok=False)
    assert result.exit_code == 1
    assert "STOPPED (OUT_OF_PU)" in result.stderr


def test_watch_prints_the_done_request(mocked: MockedShc, api: respx.MockRouter) -> None:
    api.get(PROCESS).mock(
        side_effect=[
            httpx.Response(200, json=request_json("PROCESSING", userAction="START")),
            httpx.Response(200, json=request_json("DONE", userAction="START", costPU=4.5)),
        ]
    )
    result = mocked("batch-v2", "watch", REQUEST_ID, "--interval", "0", "--json")
    assert json.loads(result.stdout)["costPU"] == 4.5


def test_grids(mocked: MockedShc, api: respx.MockRouter) -> None:
    grid = {"id": 3, "name": "LAEA 100km", "properties": {"resolutions": [100]}}
    api.get(f"{BATCH}/tilinggrids").mock(
        return_value=httpx.Response(200, json={"data": [grid], "links": {}})
    )
    api.get(f"{BATCH}/tilinggrids/3").respond(json=grid)
    assert column(mocked("batch-v2", "grids").stdout, "name") == ["LAEA 100km"]
    assert json.loads(mocked("batch-v2", "grids", "3", "--json").stdout) == grid


def test_status_masks_an_echoed_secret(mocked: MockedShc, api: respx.MockRouter) -> None:
    echoed = request_json()
    echoed["request"]["output"] = {
        "type": "raster",
        "delivery": {"s3": {"url": "s3://b/o", "accessKey": "AK", "secretAccessKey": "echoed-key"}},
    }
    api.get(PROCESS).respond(json=echoed)
    for extra in ([], ["--json"]):
        shown = mocked("batch-v2", "status", REQUEST_ID, *extra)
        assert "echoed-key" not in shown.stdout
        assert "AK" in shown.stdout


def test_features_reads_a_status_database(mocked: MockedShc, tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "status.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE features (id INTEGER, name TEXT, status TEXT, error TEXT)")
        connection.executemany(
            "INSERT INTO features VALUES (?, ?, ?, ?)",
            [(1, "a", "DONE", None), (2, "b", "FAILED", "no data"), (3, "c", "DONE", None)],
        )
    connection.close()
    assert json.loads(mocked("batch-v2", "features", str(path), "--counts", "--json").stdout) == {
        "DONE": 2,
        "FAILED": 1,
    }
    failed = mocked("batch-v2", "features", str(path), "--status", "failed")
    assert column(failed.stdout, "name") == ["b"]
    assert column(failed.stdout, "error") == ["no data"]
    lines = mocked("batch-v2", "features", str(path), "--json", "--max-items", "2").stdout
    assert [json.loads(line)["name"] for line in lines.splitlines()] == ["a", "b"]
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"x" * 200)
    result = mocked("batch-v2", "features", str(bad), ok=False)
    assert result.exit_code == 1
    assert "not a SQLite database" in result.stderr
