"""The dashboard without a browser: who may see it, what the request log keeps, the pages'
answers for unknown things, and ``--open`` (``shc emulator --open``)."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from sentinelhub_client.demo import BUCKET, SCENES
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.ui.access import denied
from sentinelhub_emulator.ui.preview import stretch
from sentinelhub_emulator.ui.requestlog import RequestLog, RequestLogMiddleware
from starlette.requests import Request

from tests.support.emulator import fetch_token

from .conftest import DemoWorld


class _App:
    state: Any


def _request(host: str, authorization: str | None, admin_token: str) -> Request:
    from sentinelhub_emulator.core.context import EmulatorSettings

    app = _App()
    app.state = type("S", (), {})()
    settings = EmulatorSettings(data_dir=Path("."), admin_token=admin_token)
    app.state.emulator = EmulatorContext(settings, None, None, None, None)  # type: ignore[arg-type]
    headers = [] if authorization is None else [(b"authorization", authorization.encode())]
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "headers": headers,
            "client": (host, 5000),
            "app": app,
        }
    )


def _basic(password: str) -> str:
    return "Basic " + base64.b64encode(f"anyone:{password}".encode()).decode()


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_loopback_sees_the_dashboard_without_a_password(host: str) -> None:
    assert denied(_request(host, None, "admin-secret")) is None


def test_other_addresses_need_the_admin_token_as_basic_password() -> None:
    refused = denied(_request("192.0.2.7", None, "admin-secret"))
    assert refused is not None
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Basic ")
    assert b"admin-secret" not in refused.body
    wrong = denied(_request("192.0.2.7", _basic("guess"), "admin-secret"))
    assert wrong is not None
    assert wrong.status_code == 401
    assert denied(_request("192.0.2.7", "Bearer admin-secret", "admin-secret")) is not None
    assert denied(_request("192.0.2.7", _basic("admin-secret"), "admin-secret")) is None


def test_the_request_log_is_bounded_and_newest_first() -> None:
    log = RequestLog(capacity=3)
    for number in range(5):
        log.add(
            started=time.time(),
            method="GET",
            path=f"/p{number}",
            status=200,
            duration_ms=1.0,
            processing_units=None,
            request_id=str(number),
        )
    assert [entry.path for entry in log.latest()] == ["/p4", "/p3", "/p2"]
    assert log.total == 5


@pytest.mark.anyio
async def test_the_middleware_keeps_no_header_no_query_no_body() -> None:
    log = RequestLog()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 201,
                "headers": [(b"x-processingunits-spent", b"0.25"), (b"set-cookie", b"s=1")],
            }
        )
        await send({"type": "http.response.body", "body": b"secret body"})

    async def receive() -> Any:
        return {"type": "http.request", "body": b"client_secret=abc", "more_body": False}

    async def send(message: Any) -> None:
        return None

    middleware = RequestLogMiddleware(app, log, "/_emulator/ui")
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/oauth/token",
        "query_string": b"token=abc",
        "headers": [(b"authorization", b"Bearer abc")],
        "state": {"request_id": "rid-1"},
    }
    await middleware(scope, receive, send)
    await middleware({**scope, "path": "/_emulator/ui/requests"}, receive, send)
    [entry] = log.latest()
    assert (entry.method, entry.path, entry.status) == ("POST", "/oauth/token", 201)
    assert entry.processing_units == 0.25
    assert entry.request_id == "rid-1"
    assert "abc" not in repr(entry)


def test_stretch_maps_the_percentiles_to_0_and_255() -> None:
    values = np.arange(100, dtype=np.float64).reshape(1, 10, 10)
    valid = np.ones((10, 10), dtype=bool)
    valid[0, 0] = False
    out = stretch(values, valid)
    assert out[0, 0, 0] == 0  # invalid
    assert out[0, 0, 1] == 0  # below the 2nd percentile
    assert out[0, -1, -1] == 255
    flat = stretch(np.full((1, 2, 2), 7.0), np.ones((2, 2), dtype=bool))
    assert (flat == 0).all()


def test_unknown_things_are_404_pages(world: DemoWorld) -> None:
    collection_id = world.collection.collection_id
    for path in (
        "/collections/00000000-0000-0000-0000-000000000000",
        f"/tiles/{collection_id}/00000000-0000-0000-0000-000000000000",
        f"/tiles/{collection_id}/00000000-0000-0000-0000-000000000000/preview.png",
        "/static/../ui/routes.py",
        "/static/nothing.js",
    ):
        assert httpx.get(world.ui + path).status_code == 404, path
    tile = world.tiles[0]
    answer = httpx.get(f"{world.ui}/tiles/{collection_id}/{tile.tile_id}/preview.png?band=B99")
    assert answer.status_code == 404
    # Without the slash: redirected to the collections page.
    answer = httpx.get(world.ui, follow_redirects=True)
    assert answer.status_code == 200
    assert "<h1>Collections</h1>" in answer.text
    assert "script-src 'self'" in answer.headers["content-security-policy"]


def test_shc_emulator_open_opens_the_dashboard(tmp_path: Path) -> None:
    """``--open`` hands the dashboard's URL to the user's browser ($BROWSER here), and that URL
    answers."""
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n')
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "BROWSER": f"{browser} %s"}
    command = [sys.executable, "-m", "sentinelhub_client", "emulator"]
    command += ["--data-dir", str(tmp_path / "emu"), "--port", "0", "--open"]
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    ) as process:
        try:
            deadline = time.monotonic() + 30
            while not opened.exists() or not opened.read_text().strip():
                assert process.poll() is None, "the emulator exited"
                assert time.monotonic() < deadline, "no browser was opened"
                time.sleep(0.05)
            url = opened.read_text().strip()
            assert url.startswith("http://127.0.0.1:")
            assert url.endswith("/_emulator/ui/")
            answer = httpx.get(url, timeout=10)
            assert answer.status_code == 200
            assert "Collections" in answer.text
        finally:
            process.terminate()
            process.wait(timeout=30)
        assert process.stdout is not None
        assert f"dashboard:     {url}" in process.stdout.read()


def test_async_process_jobs_are_listed_with_their_delivery(world: DemoWorld) -> None:
    token = fetch_token(world.emu)
    body = {
        "input": {
            "bounds": {
                "bbox": list(SCENES[0].bounds),
                "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
            },
            "data": [{"type": f"byoc-{world.collection.collection_id}"}],
        },
        "output": {
            "width": 32,
            "height": 32,
            "delivery": {"s3": {"url": f"s3://{BUCKET}/async-out"}},
        },
        "evalscript": "//VERSION=3\nfunction setup() { return {input: ['B02'], output: "
        "{bands: 1, sampleType: 'UINT16'}}; }\nfunction evaluatePixel(s) { return [s.B02]; }",
    }
    answer = httpx.post(
        world.emu.base_url + "/api/v1/async/process",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code in (200, 202), answer.text
    request_id = answer.json()["id"]
    page = httpx.get(world.ui + "/jobs").text
    assert f'id="job-{request_id}"' in page
    assert f"s3://{BUCKET}/async-out/&lt;REQUEST_ID&gt;" in page
    assert token not in page
