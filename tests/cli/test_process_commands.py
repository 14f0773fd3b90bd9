"""``shc process``: a Process request from a JSON file and an evalscript file, its outputs saved
whole; Async Process submit / status / wait. The requests on the wire are checked with respx."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client.cli import main

from tests.cli.conftest import (
    MOCK_SECRET,
    MockedShc,
    column,
    error_response,
    only_call,
    table,
)

PROCESS = "/api/v1/process"
ASYNC = "/api/v1/async/process"
EVALSCRIPT = "//VERSION=3\nfunction setup() { return {input: ['B1'], output: {bands: 1}}; }\n"
EVALSCRIPT += "function evaluatePixel(s) { return [s.B1]; }\n"
COLLECTION = "byoc-0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"
ASYNC_ID = "a1b2c3d4-0000-4000-8000-000000000001"
OTHER_ID = "a1b2c3d4-0000-4000-8000-000000000002"


def _body(*responses: dict[str, Any]) -> dict[str, Any]:
    return {
        "input": {
            "bounds": {
                "bbox": [12.44, 41.87, 12.46, 41.89],
                "properties": {"crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
            },
            "data": [{"type": COLLECTION, "dataFilter": {"timeRange": {
                "from": "2024-05-01T00:00:00Z", "to": "2024-05-02T00:00:00Z"}}}],
        },
        "output": {"width": 8, "height": 8, "responses": list(responses)},
    }  # fmt: skip


TIFF = {"identifier": "default", "format": {"type": "image/tiff"}}
USERDATA = {"identifier": "userdata", "format": {"type": "application/json"}}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(_body(TIFF)))
    script = tmp_path / "script.js"
    script.write_text(EVALSCRIPT)
    return request, script


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_run_sends_the_json_with_the_evalscript_and_saves_the_output(
    mocked: MockedShc, api: respx.MockRouter, files: tuple[Path, Path], tmp_path: Path
) -> None:
    request, script = files
    image = b"II*\x00" + bytes(range(200))
    route = api.post(PROCESS).respond(
        200,
        content=image,
        headers={"content-type": "image/tiff", "x-processingunits-spent": "0.25"},
    )
    out = tmp_path / "out"
    result = mocked(
        "process", "run", "--request", str(request), "--evalscript", str(script),
        "--output-dir", str(out),
    )  # fmt: skip
    sent = only_call(route)
    assert sent.headers["accept"] == "image/tiff"
    assert sent.headers["authorization"] == "Bearer token-0123456789"
    assert json.loads(sent.content) == {**_body(TIFF), "evalscript": EVALSCRIPT}
    assert (out / "default.tif").read_bytes() == image
    assert table(result.stdout) == [["path", "bytes"], [str(out / "default.tif"), str(len(image))]]
    assert result.stderr == "processing units: 0.25\ntotal processing units: 0.25 (1 request(s))\n"
    assert sorted(p.name for p in out.iterdir()) == ["default.tif"]


def test_run_json_mode_and_several_responses_as_tar(
    mocked: MockedShc, api: respx.MockRouter, tmp_path: Path
) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps({**_body(TIFF, USERDATA), "evalscript": EVALSCRIPT}))
    members = {"default.tif": b"II*\x00tiff", "userdata.json": b'{"norm": [1, 2]}'}
    route = api.post(PROCESS).respond(
        200, content=_tar(members), headers={"content-type": "application/x-tar"}
    )
    mocked("process", "run", "--request", str(request), "--output-dir", str(tmp_path))
    assert only_call(route).headers["accept"] == "application/x-tar"
    assert json.loads(only_call(route).content)["evalscript"] == EVALSCRIPT  # from the JSON
    for name, data in members.items():
        assert (tmp_path / name).read_bytes() == data
    again = mocked(
        "process", "run", "--request", str(request), "--output-dir", str(tmp_path / "j"), "--json"
    )
    assert json.loads(again.stdout) == {
        "outputs": [
            {"path": str(tmp_path / "j" / "default.tif"), "bytes": 8},
            {"path": str(tmp_path / "j" / "userdata.json"), "bytes": 16},
        ],
        "processingUnits": None,
        "totalProcessingUnits": 0.0,
    }
    assert again.stderr == ""


def test_run_accepts_a_saved_sentinelhub_py_request(
    mocked: MockedShc, api: respx.MockRouter, tmp_path: Path
) -> None:
    saved = tmp_path / "request.json"
    saved.write_text(json.dumps({"url": "x", "payload": {**_body(TIFF), "evalscript": "a"}}))
    script = tmp_path / "s.js"
    script.write_text(EVALSCRIPT)
    route = api.post(PROCESS).respond(
        200, content=b"II*\x00", headers={"content-type": "image/tiff"}
    )
    mocked("process", "run", "--request", str(saved), "--evalscript", str(script),
           "--output-dir", str(tmp_path / "o"))  # fmt: skip
    assert json.loads(only_call(route).content) == {**_body(TIFF), "evalscript": EVALSCRIPT}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (_body(TIFF), "error: --evalscript: "),
        ([1, 2], "must hold a JSON object, not list"),
        ("{not json", "is not valid JSON"),
        ({**_body(TIFF), "evalscript": EVALSCRIPT,
          "output": {"width": 9000, "height": 8, "responses": [TIFF]}},
         "error: size: width must be an int in 1..2500, got 9000"),
    ],
)  # fmt: skip
def test_run_refuses_bad_input_before_sending(
    mocked: MockedShc, api: respx.MockRouter, tmp_path: Path, document: Any, expected: str
) -> None:
    request = tmp_path / "request.json"
    request.write_text(document if isinstance(document, str) else json.dumps(document))
    route = api.post(PROCESS).respond(200, content=b"x")
    result = mocked("process", "run", "--request", str(request), ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert expected in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    assert not route.called


def test_run_keeps_existing_files_unless_overwrite(
    mocked: MockedShc, api: respx.MockRouter, files: tuple[Path, Path], tmp_path: Path
) -> None:
    request, script = files
    (tmp_path / "default.tif").write_bytes(b"mine")
    route = api.post(PROCESS).respond(200, content=b"new", headers={"content-type": "image/tiff"})
    args = ["process", "run", "--request", str(request), "--evalscript", str(script)]
    args += ["--output-dir", str(tmp_path)]
    refused = mocked(*args, ok=False)
    assert refused.exit_code == 1
    assert "default.tif exists; pass --overwrite" in refused.stderr
    assert not route.called
    assert (tmp_path / "default.tif").read_bytes() == b"mine"
    mocked(*args, "--overwrite")
    assert (tmp_path / "default.tif").read_bytes() == b"new"


def test_run_a_service_error_is_one_line_with_status_code_and_request_id(
    mocked: MockedShc, api: respx.MockRouter, files: tuple[Path, Path], tmp_path: Path
) -> None:
    request, script = files
    api.post(PROCESS).mock(
        return_value=error_response(
            400, "RENDERER_EXCEPTION", "Failed to evaluate script! line 2", "req-9"
        )
    )
    result = mocked("process", "run", "--request", str(request), "--evalscript", str(script),
                    "--output-dir", str(tmp_path / "o"), ok=False)  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "error: 400 RENDERER_EXCEPTION: Failed to evaluate script! line 2 "
        "[POST https://services.sentinel-hub.com/api/v1/process] (request id req-9)\n"
    )
    assert not (tmp_path / "o").exists()


def test_run_interrupted_leaves_no_half_written_file(
    api: respx.MockRouter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps({**_body(TIFF, USERDATA), "evalscript": EVALSCRIPT}))
    big = bytes(range(256)) * 4096
    members = {"default.tif": big, "userdata.json": b"{}"}
    api.post(PROCESS).respond(
        200, content=_tar(members), headers={"content-type": "application/x-tar"}
    )
    real_fsync = __import__("os").fsync
    calls: list[int] = []

    def interrupt_second(fd: int) -> None:  # Ctrl-C while the second file is being written
        calls.append(fd)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr("sentinelhub_client.cli.common.os.fsync", interrupt_second)
    monkeypatch.setenv("SH_CLIENT_ID", "client-id")
    monkeypatch.setenv("SH_CLIENT_SECRET", MOCK_SECRET)
    out = tmp_path / "out"
    code = main(["process", "run", "--request", str(request), "--output-dir", str(out)])
    assert code == 130
    assert sorted(p.name for p in out.iterdir()) == ["default.tif"]  # whole, and nothing else
    assert (out / "default.tif").read_bytes() == big


# -- Async Process --------------------------------------------------------------------------------


def test_async_submit_sets_the_delivery_and_prints_the_id(
    mocked: MockedShc, api: respx.MockRouter, tmp_path: Path
) -> None:
    body = _body(TIFF)
    body["output"]["delivery"] = {"s3": {"url": "s3://old/x", "region": "eu-central-1"}}
    request = tmp_path / "async.json"
    request.write_text(json.dumps(body))
    script = tmp_path / "s.js"
    script.write_text(EVALSCRIPT)
    route = api.post(ASYNC).respond(200, json={"id": ASYNC_ID, "status": "RUNNING"})
    result = mocked("process", "async", "submit", "--request", str(request), "--evalscript",
                    str(script), "--delivery", "s3://bucket/out", "--json")  # fmt: skip
    sent = json.loads(only_call(route).content)
    assert sent["evalscript"] == EVALSCRIPT
    assert sent["output"]["delivery"] == {
        "s3": {"url": "s3://bucket/out", "region": "eu-central-1"}
    }
    assert json.loads(result.stdout) == {"id": ASYNC_ID, "status": "RUNNING"}
    table = mocked("process", "async", "submit", "--request", str(request), "--evalscript",
                   str(script))  # fmt: skip
    assert table.stdout.splitlines()[0].split() == ["id", ASYNC_ID]


def test_async_submit_without_a_delivery_is_refused(
    mocked: MockedShc, api: respx.MockRouter, files: tuple[Path, Path]
) -> None:
    request, script = files
    route = api.post(ASYNC).respond(200, json={"id": ASYNC_ID, "status": "RUNNING"})
    result = mocked("process", "async", "submit", "--request", str(request), "--evalscript",
                    str(script), ok=False)  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith("error: delivery: ")
    assert not route.called


def test_async_status_of_several_ids(mocked: MockedShc, api: respx.MockRouter) -> None:
    running = api.get(f"{ASYNC}/{ASYNC_ID}").respond(
        200, json={"id": ASYNC_ID, "status": "RUNNING"}
    )
    finished = api.get(f"{ASYNC}/{OTHER_ID}").respond(404, json={"error": {"status": 404}})
    result = mocked("process", "async", "status", ASYNC_ID, OTHER_ID)
    assert column(result.stdout, "id") == [ASYNC_ID, OTHER_ID]
    assert column(result.stdout, "status") == ["RUNNING", "FINISHED"]
    assert running.call_count == finished.call_count == 1
    lines = mocked("process", "async", "status", ASYNC_ID, "--json").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"id": ASYNC_ID, "status": "RUNNING", "running": True}
    ]


def test_async_status_other_errors_are_one_line(mocked: MockedShc, api: respx.MockRouter) -> None:
    api.get(f"{ASYNC}/{ASYNC_ID}").mock(
        return_value=error_response(403, "COMMON_FORBIDDEN", "Not yours", "req-7")
    )
    result = mocked("process", "async", "status", ASYNC_ID, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: 403 COMMON_FORBIDDEN: Not yours [GET ")
    assert result.stderr.endswith("(request id req-7)\n")


def test_async_wait_polls_until_finished(mocked: MockedShc, api: respx.MockRouter) -> None:
    route = api.get(f"{ASYNC}/{ASYNC_ID}").mock(
        side_effect=[
            httpx.Response(200, json={"id": ASYNC_ID, "status": "RUNNING"}),
            httpx.Response(200, json={"id": ASYNC_ID, "status": "RUNNING"}),
            httpx.Response(404, json={"error": {"status": 404}}),
        ]
    )
    result = mocked("process", "async", "wait", ASYNC_ID, "--interval", "0", "--json")
    assert route.call_count == 3
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"id": ASYNC_ID, "status": "FINISHED", "running": False}
    ]
    assert result.stderr == ""  # no progress bar: stderr is not a terminal


def test_async_wait_timeout_is_one_line(mocked: MockedShc, api: respx.MockRouter) -> None:
    api.get(f"{ASYNC}/{ASYNC_ID}").respond(200, json={"id": ASYNC_ID, "status": "RUNNING"})
    result = mocked(
        "process", "async", "wait", ASYNC_ID, "--interval", "0", "--timeout", "0", ok=False
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1
    assert "Async Process" in result.stderr


def test_async_wait_draws_a_bar_on_a_terminal_only_on_stderr(
    mocked: MockedShc, api: respx.MockRouter, terminal_stderr: None
) -> None:
    api.get(f"{ASYNC}/{ASYNC_ID}").mock(
        side_effect=[
            httpx.Response(200, json={"id": ASYNC_ID, "status": "RUNNING"}),
            httpx.Response(404, json={"error": {"status": 404}}),
        ]
    )
    api.get(f"{ASYNC}/{OTHER_ID}").respond(404, json={"error": {"status": 404}})
    result = mocked("process", "async", "wait", ASYNC_ID, OTHER_ID, "--interval", "0", "--json")
    assert [json.loads(line)["status"] for line in result.stdout.splitlines()] == [
        "FINISHED",
        "FINISHED",
    ]
    assert "async requests" in result.stderr
    assert "2/2" in result.stderr
    assert "\x1b[" not in result.stdout
