"""``shc batch``: every command's request on the wire (respx), its output in table and JSON modes,
exit codes and one-line errors; ``wait`` with its progress bar only on a terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from tests.cli.conftest import MockedShc, column, error_response, only_call, table

BATCH = "/api/v1/batch"
REQUEST_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
OTHER_ID = "4fa85f64-5717-4562-b3fc-2c963f66afa7"
PROCESS_REQUEST: dict[str, Any] = {
    "input": {
        "bounds": {
            "bbox": [500000.0, 4600000.0, 520000.0, 4620000.0],
            "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
        },
        "data": [{"type": "byoc-0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"}],
    },
    "output": {"responses": [{"identifier": "default", "format": {"type": "image/tiff"}}]},
}
EVALSCRIPT = "//VERSION=3\nfunction setup() { return {input: ['B1'], output: {bands: 1}}; }\n"
TILING_GRID = {"id": 1, "resolution": 10.0}
OUTPUT = {"defaultTilePath": "s3://bucket/out/<tileName>/<outputId>.tif", "cogOutput": True}


def request_json(status: str = "CREATED", request_id: str = REQUEST_ID, **extra: Any) -> Any:
    return {
        "id": request_id,
        "processRequest": {**PROCESS_REQUEST, "evalscript": EVALSCRIPT},
        "tilingGrid": TILING_GRID,
        "output": OUTPUT,
        "tileCount": 4,
        "status": status,
        "created": "2026-01-02T03:04:05Z",
        "description": "ndvi",
        **extra,
    }


def page(items: list[Any], next_token: str | None = None) -> httpx.Response:
    links: dict[str, Any] = {"currentToken": "cur"}
    if next_token is not None:
        links["nextToken"] = next_token
    return httpx.Response(200, json={"data": items, "links": links})


@pytest.fixture
def request_file(tmp_path: Path) -> Path:
    path = tmp_path / "batch.json"
    path.write_text(
        json.dumps(
            {
                "processRequest": PROCESS_REQUEST,
                "tilingGrid": TILING_GRID,
                "output": OUTPUT,
                "description": "ndvi",
            }
        )
    )
    return path


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "script.js"
    path.write_text(EVALSCRIPT)
    return path


def test_create_sends_the_file_with_the_evalscript(
    mocked: MockedShc, api: respx.MockRouter, request_file: Path, script: Path
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    result = mocked("batch", "create", "--request", str(request_file), "--evalscript", str(script))
    assert json.loads(only_call(route).content) == {
        "processRequest": {**PROCESS_REQUEST, "evalscript": EVALSCRIPT},
        "tilingGrid": TILING_GRID,
        "output": OUTPUT,
        "description": "ndvi",
    }
    fields = dict(row for row in table(result.stdout) if len(row) == 2)
    assert fields["id"] == REQUEST_ID
    assert fields["status"] == "CREATED"
    assert fields["tileCount"] == "4"

    again = mocked("batch", "create", "--request", str(request_file), "--evalscript", str(script),
                   "--bucket", "other", "--description", "two", "--json")  # fmt: skip
    sent = json.loads(route.calls.last.request.content)
    assert sent["bucketName"] == "other"
    assert sent["description"] == "two"
    assert json.loads(again.stdout) == request_json()


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"tilingGrid": TILING_GRID, "output": OUTPUT}, "needs processRequest"),
        ({"processRequest": PROCESS_REQUEST, "output": OUTPUT}, "needs tilingGrid"),
        (
            {"processRequest": PROCESS_REQUEST, "tilingGrid": TILING_GRID},
            "error: output: say where",
        ),
    ],
)
def test_create_refuses_an_incomplete_file_before_sending(
    mocked: MockedShc,
    api: respx.MockRouter,
    tmp_path: Path,
    script: Path,
    document: dict[str, Any],
    expected: str,
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    result = mocked(
        "batch", "create", "--request", str(path), "--evalscript", str(script), ok=False
    )
    assert result.exit_code == 1
    assert expected in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not route.called


def test_list_streams_pages_in_table_and_json(mocked: MockedShc, api: respx.MockRouter) -> None:
    route = api.get(f"{BATCH}/process").mock(
        side_effect=lambda request: (
            page([request_json("DONE", OTHER_ID)])
            if request.url.params.get("viewtoken") == "p2"
            else page([request_json("PROCESSING")], next_token="p2")
        )
    )
    result = mocked("batch", "list", "--search", "ndvi", "--sort", "created:desc")
    assert column(result.stdout, "id") == [REQUEST_ID, OTHER_ID]
    assert column(result.stdout, "status") == ["PROCESSING", "DONE"]
    first = route.calls[0].request.url.params
    assert first["search"] == "ndvi"
    assert first["sort"] == "created:desc"
    assert route.calls[1].request.url.params["viewtoken"] == "p2"

    lines = mocked("batch", "list", "--json").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [REQUEST_ID, OTHER_ID]
    calls = route.call_count
    one = mocked("batch", "list", "--max-items", "1", "--json").stdout.splitlines()
    assert [json.loads(line)["status"] for line in one] == ["PROCESSING"]
    assert route.call_count == calls + 1  # the second page was never asked for


def test_get_and_a_bad_id(mocked: MockedShc, api: respx.MockRouter) -> None:
    api.get(f"{BATCH}/process/{REQUEST_ID}").respond(200, json=request_json("ANALYSIS_DONE"))
    got = json.loads(mocked("batch", "get", REQUEST_ID, "--json").stdout)
    assert got["status"] == "ANALYSIS_DONE"
    assert got["processRequest"]["evalscript"] == EVALSCRIPT
    api.get(f"{BATCH}/process/{OTHER_ID}").mock(
        return_value=error_response(404, "COMMON_NOT_FOUND", "Request not found", "req-404")
    )
    missing = mocked("batch", "get", OTHER_ID, ok=False)
    assert missing.exit_code == 1
    assert missing.stdout == ""
    assert missing.stderr == (
        "error: 404 COMMON_NOT_FOUND: Request not found [GET "
        f"https://services.sentinel-hub.com{BATCH}/process/{OTHER_ID}] (request id req-404)\n"
    )


@pytest.mark.parametrize(
    ("name", "method", "path", "message"),
    [
        ("analyse", "POST", "/analyse", "analysing"),
        ("start", "POST", "/start", "started"),
        ("cancel", "POST", "/cancel", "canceled"),
        ("restart", "POST", "/restartpartial", "restarted"),
        ("delete", "DELETE", "", "deleted"),
    ],
)
def test_actions_send_their_request(
    mocked: MockedShc, api: respx.MockRouter, name: str, method: str, path: str, message: str
) -> None:
    route = api.route(method=method, path=f"{BATCH}/process/{REQUEST_ID}{path}").respond(204)
    result = mocked("batch", name, REQUEST_ID)
    sent = only_call(route)
    assert sent.content == b""
    assert result.stdout == f"{message} {REQUEST_ID}\n"


def test_an_illegal_transition_is_one_line(mocked: MockedShc, api: respx.MockRouter) -> None:
    api.post(f"{BATCH}/process/{REQUEST_ID}/restartpartial").mock(
        return_value=error_response(400, "COMMON_BAD_PAYLOAD", "Request is not PARTIAL", "req-400")
    )
    result = mocked("batch", "restart", REQUEST_ID, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: 400 COMMON_BAD_PAYLOAD: Request is not PARTIAL [POST ")
    assert result.stderr.endswith("(request id req-400)\n")


def test_tiles_with_a_status_filter(mocked: MockedShc, api: respx.MockRouter) -> None:
    tiles = [
        {"id": 11, "name": "33TVM_0_0", "status": "FAILED", "cost": 1.5},
        {"id": 12, "name": "33TVM_0_1", "status": "FAILED", "cost": 2.0},
    ]
    route = api.get(f"{BATCH}/process/{REQUEST_ID}/tiles").respond(
        200, json={"data": tiles, "links": {}}
    )
    result = mocked("batch", "tiles", REQUEST_ID, "--status", "FAILED")
    assert only_call(route).url.params["status"] == "FAILED"
    assert column(result.stdout, "name") == ["33TVM_0_0", "33TVM_0_1"]
    assert column(result.stdout, "cost") == ["1.5", "2.0"]
    lines = mocked("batch", "tiles", REQUEST_ID, "--json").stdout.splitlines()
    assert [json.loads(line) for line in lines] == tiles
    bad = mocked("batch", "tiles", REQUEST_ID, "--status", "NOPE", ok=False)
    assert bad.exit_code == 1
    assert bad.stderr.startswith("error: status: ")


def _statuses(*statuses: str, **extra: Any) -> list[httpx.Response]:
    return [httpx.Response(200, json=request_json(s, **extra)) for s in statuses]


def test_wait_polls_until_done(mocked: MockedShc, api: respx.MockRouter) -> None:
    route = api.get(f"{BATCH}/process/{REQUEST_ID}").mock(
        side_effect=_statuses("ANALYSING", "PROCESSING", "DONE")
    )
    result = mocked("batch", "wait", REQUEST_ID, "--interval", "0", "--json")
    assert route.call_count == 3
    assert json.loads(result.stdout)["status"] == "DONE"
    assert result.stderr == ""  # standard error is not a terminal: no bar


def test_wait_for_the_analysis_only(mocked: MockedShc, api: respx.MockRouter) -> None:
    route = api.get(f"{BATCH}/process/{REQUEST_ID}").mock(
        side_effect=_statuses("ANALYSING", "ANALYSIS_DONE")
    )
    result = mocked("batch", "wait", REQUEST_ID, "--analysis", "--interval", "0")
    assert route.call_count == 2
    assert dict(row for row in table(result.stdout) if len(row) == 2)["status"] == "ANALYSIS_DONE"


@pytest.mark.parametrize(
    ("final", "expected"),
    [
        ("PARTIAL", f"error: batch request {REQUEST_ID} ended PARTIAL\n"),
        ("CANCELED", f"error: batch request {REQUEST_ID} ended CANCELED\n"),
    ],
)
def test_wait_exit_code_1_unless_done(
    mocked: MockedShc, api: respx.MockRouter, final: str, expected: str
) -> None:
    api.get(f"{BATCH}/process/{REQUEST_ID}").mock(side_effect=_statuses("PROCESSING", final))
    result = mocked("batch", "wait", REQUEST_ID, "--interval", "0", "--json", ok=False)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == final  # the request is still printed
    assert result.stderr == expected


def test_wait_on_failed_gives_the_services_error(mocked: MockedShc, api: respx.MockRouter) -> None:
    api.get(f"{BATCH}/process/{REQUEST_ID}").mock(
        side_effect=_statuses("PROCESSING", "FAILED", error="Evalscript is invalid")
    )
    result = mocked("batch", "wait", REQUEST_ID, "--interval", "0", ok=False)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "FAILED" in result.stderr
    assert "Evalscript is invalid" in result.stderr


def test_wait_timeout_is_one_line(mocked: MockedShc, api: respx.MockRouter) -> None:
    api.get(f"{BATCH}/process/{REQUEST_ID}").respond(200, json=request_json("PROCESSING"))
    result = mocked("batch", "wait", REQUEST_ID, "--interval", "0", "--timeout", "0", ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1


def test_wait_draws_a_tile_bar_on_a_terminal_only_on_stderr(
    mocked: MockedShc, api: respx.MockRouter, terminal_stderr: None
) -> None:
    api.get(f"{BATCH}/process/{REQUEST_ID}").mock(side_effect=_statuses("PROCESSING", "DONE"))

    def tiles(request: httpx.Request) -> httpx.Response:
        status = request.url.params.get("status")
        done = [{"id": i, "name": f"t{i}", "status": "PROCESSED"} for i in range(3)]
        failed = [{"id": 9, "name": "t9", "status": "FAILED"}]
        return page(done if status == "PROCESSED" else failed if status == "FAILED" else [])

    tile_route = api.get(f"{BATCH}/process/{REQUEST_ID}/tiles").mock(side_effect=tiles)
    result = mocked("batch", "wait", REQUEST_ID, "--interval", "0", "--json")
    assert json.loads(result.stdout)["status"] == "DONE"  # stdout holds the data only
    assert tile_route.called  # the bar counts tiles
    assert "batch 3fa85f64" in result.stderr
    assert "4/4" in result.stderr
    assert "tiles, 0 failed" in result.stderr  # DONE: every tile processed
    assert "\x1b[" not in result.stdout


def test_grids_list_and_one(mocked: MockedShc, api: respx.MockRouter) -> None:
    grids = [
        {"id": 0, "name": "UTM 20km grid", "properties": {"tileWidth": 20040, "unit": "m"}},
        {"id": 1, "name": "UTM 10km grid", "properties": {"tileWidth": 10000, "unit": "m"}},
    ]
    api.get(f"{BATCH}/tilinggrids").respond(200, json={"data": grids, "links": {}})
    result = mocked("batch", "grids")
    assert column(result.stdout, "id") == ["0", "1"]
    assert column(result.stdout, "name") == ["UTM 20km grid", "UTM 10km grid"]
    lines = mocked("batch", "grids", "--json").stdout.splitlines()
    assert [json.loads(line) for line in lines] == grids
    one = api.get(f"{BATCH}/tilinggrids/0").respond(200, json=grids[0])
    assert json.loads(mocked("batch", "grids", "0", "--json").stdout) == grids[0]
    assert one.call_count == 1
    bad = mocked("batch", "grids", "x", ok=False)
    assert bad.exit_code == 2
    assert "'x' is not a valid integer" in bad.stderr
