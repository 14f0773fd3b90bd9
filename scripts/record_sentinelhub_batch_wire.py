"""Record what sentinelhub-py 3.11.1's ``SentinelHubBatch`` sends, for the wire comparison test.

sentinelhub-py 3.11.2 removed its Batch v1 client, so 3.11.1 is the reference our
``sentinelhub_client.batch.SentinelHubBatch`` is compared with. This script drives it once, call by
call, against a small recording HTTP server on 127.0.0.1 that answers each request with a canned
response, and writes what it saw (the calls, the requests' method, path, query and JSON body, and
the responses given) to a JSON file that ``tests/batch/test_wire_sentinelhub_py.py`` replays
against our client.

It runs in a separate environment (the two packages do not share one)::

    python3 -m venv /tmp/shpy311 && /tmp/shpy311/bin/pip install "sentinelhub==3.11.1"
    /tmp/shpy311/bin/python scripts/record_sentinelhub_batch_wire.py \
        tests/batch/fixtures/sentinelhub_py_3_11_1_wire.json

No request leaves the machine: the server binds 127.0.0.1 and the token comes from it too.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

REQUEST_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
COLLECTION_ID = "6f0b1e7a-2c4d-4e8f-9a1b-3c5d7e9f1a2b"
TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a secret

PROCESS_PAYLOAD = {
    "input": {
        "bounds": {
            "bbox": [500000.0, 4600000.0, 520000.0, 4620000.0],
            "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
        },
        "data": [{"type": "sentinel-2-l2a", "dataFilter": {"maxCloudCoverage": 20}}],
    },
    "output": {"responses": [{"identifier": "default", "format": {"type": "image/tiff"}}]},
    "evalscript": "//VERSION=3\nfunction setup() { return {input: ['B04'], output: {bands: 1}}; }"
    "\nfunction evaluatePixel(s) { return [s.B04]; }",
}


def batch_request_json(status: str = "CREATED", **extra: Any) -> dict[str, Any]:
    return {
        "id": REQUEST_ID,
        "processRequest": PROCESS_PAYLOAD,
        "tileCount": 4,
        "status": status,
        "userAction": "NONE",
        **extra,
    }


def collection_json(**extra: Any) -> dict[str, Any]:
    return {"id": COLLECTION_ID, "name": "fields", "s3Bucket": "my-bucket", **extra}


def ok(body: Any, status: int = 200) -> dict[str, Any]:
    return {"status": status, "json": body}


NO_CONTENT = {"status": 204, "json": None}


def page(items: list[Any], next_token: str | None = None) -> dict[str, Any]:
    links: dict[str, Any] = {"currentToken": "t0"}
    if next_token:
        links["nextToken"] = next_token
    return ok({"data": items, "links": links})


TILE = {"id": 2108082, "name": "33TVM_2_6", "status": "PROCESSED", "cost": 1.2}
GRID = {
    "id": 1,
    "name": "10km grid",
    "properties": {"tileWidth": 10000.0, "tileHeight": 10000.0, "resolutions": [10.0, 20.0]},
}

# Each scenario: the method called, its arguments (JSON; {"$sentinelhub_request": payload} stands
# for a SentinelHubRequest whose payload that is), whether the result is an iterator to consume,
# and the responses the server gives, in order.
SCENARIOS: list[dict[str, Any]] = [
    {
        "name": "create_with_output",
        "method": "create",
        "args": [PROCESS_PAYLOAD],
        "kwargs": {
            "tiling_grid": {"id": 1, "resolution": 10.0, "bufferX": 5, "bufferY": 7},
            "output": {
                "defaultTilePath": "s3://my-bucket/out/<tileName>/<outputId>.tif",
                "cogOutput": True,
                "overwrite": True,
            },
            "description": "fields 2024",
        },
        "responses": [ok(batch_request_json(), 201)],
    },
    {
        "name": "create_with_bucket_and_extra_members",
        "method": "create",
        "args": [PROCESS_PAYLOAD, {"id": 0, "resolution": 60.0}],
        "kwargs": {"bucket_name": "my-bucket", "zarrOutput": None, "customMember": 3},
        "responses": [ok(batch_request_json(), 201)],
    },
    {
        "name": "create_from_sentinelhub_request",
        "method": "create",
        "args": [{"$sentinelhub_request": None}, {"id": 2, "resolution": 120.0}],
        "kwargs": {"bucket_name": "my-bucket"},
        "responses": [ok(batch_request_json(), 201)],
    },
    {
        "name": "iter_tiling_grids",
        "method": "iter_tiling_grids",
        "args": [],
        "kwargs": {"count": 100},
        "iterate": True,
        "responses": [page([GRID], "next-grids"), page([{**GRID, "id": 2}])],
    },
    {
        "name": "get_tiling_grid_zero",
        "method": "get_tiling_grid",
        "args": [0],
        "kwargs": {},
        "responses": [ok({**GRID, "id": 0, "name": "20km grid"})],
    },
    {
        "name": "iter_requests",
        "method": "iter_requests",
        "args": [],
        "kwargs": {"user_id": "u-1", "search": "fields", "sort": "created:desc", "count": 100},
        "iterate": True,
        "responses": [page([batch_request_json()], "next-requests"), page([])],
    },
    {
        "name": "get_latest_request",
        "method": "get_latest_request",
        "args": [],
        "kwargs": {},
        "responses": [page([batch_request_json()], "more")],
    },
    {
        "name": "get_request_by_id",
        "method": "get_request",
        "args": [REQUEST_ID],
        "kwargs": {},
        "responses": [ok(batch_request_json("PROCESSING"))],
    },
    {
        "name": "get_request_by_dict",
        "method": "get_request",
        "args": [{"id": REQUEST_ID, "status": "CREATED"}],
        "kwargs": {},
        "responses": [ok(batch_request_json("DONE"))],
    },
    {
        "name": "update_request",
        "method": "update_request",
        "args": [REQUEST_ID],
        "kwargs": {"output": {"collectionId": COLLECTION_ID}, "description": "renamed"},
        "responses": [NO_CONTENT],
    },
    {
        "name": "delete_request",
        "method": "delete_request",
        "args": [REQUEST_ID],
        "kwargs": {},
        "responses": [NO_CONTENT],
    },
    *(
        {
            "name": name,
            "method": name,
            "args": [REQUEST_ID],
            "kwargs": {},
            "responses": [NO_CONTENT],
        }
        for name in ("start_analysis", "start_job", "cancel_job", "restart_job")
    ),
    {
        "name": "iter_tiles",
        "method": "iter_tiles",
        "args": [REQUEST_ID],
        "kwargs": {"count": 100},
        "iterate": True,
        "responses": [page([TILE], "next-tiles"), page([{**TILE, "id": 2108083}])],
    },
    {
        "name": "iter_tiles_by_status",
        "method": "iter_tiles",
        "args": [REQUEST_ID, "FAILED"],
        "kwargs": {"count": 10},
        "iterate": True,
        "responses": [page([{**TILE, "status": "FAILED"}])],
    },
    {
        "name": "get_tile",
        "method": "get_tile",
        "args": [REQUEST_ID, 2108082],
        "kwargs": {},
        "responses": [ok(TILE)],
    },
    {
        "name": "iter_collections",
        "method": "iter_collections",
        "args": [],
        "kwargs": {"search": "fields", "count": 100},
        "iterate": True,
        "responses": [page([collection_json()])],
    },
    {
        "name": "get_collection",
        "method": "get_collection",
        "args": [COLLECTION_ID],
        "kwargs": {},
        "responses": [ok({"data": collection_json(batchData={"tilingGridId": 1})})],
    },
    {
        "name": "create_collection",
        "method": "create_collection",
        "args": [{"name": "fields", "s3Bucket": "my-bucket"}],
        "kwargs": {},
        "responses": [ok({"data": collection_json()}, 201)],
    },
    {
        "name": "update_collection",
        "method": "update_collection",
        "args": [{"id": COLLECTION_ID, "name": "fields v2", "s3Bucket": "my-bucket"}],
        "kwargs": {},
        "responses": [NO_CONTENT],
    },
    {
        "name": "delete_collection",
        "method": "delete_collection",
        "args": [COLLECTION_ID],
        "kwargs": {},
        "responses": [NO_CONTENT],
    },
]

HELPERS: list[dict[str, Any]] = [
    {"method": "tiling_grid", "args": [1, 10.0], "kwargs": {}},
    {"method": "tiling_grid", "args": [0, 20.0], "kwargs": {"buffer": [3, 7]}},
    {"method": "tiling_grid", "args": [3, 0.0001], "kwargs": {"buffer": [0, 0], "extra": 1}},
    {"method": "output", "args": [], "kwargs": {}},
    {
        "method": "output",
        "args": [],
        "kwargs": {
            "default_tile_path": "s3://b/<requestId>/<tileName>/<outputId>.<format>",
            "overwrite": False,
            "skip_existing": True,
            "cog_output": True,
            "cog_parameters": {"blockxsize": 512, "blockysize": 512},
            "create_collection": False,
            "collection_id": COLLECTION_ID,
            "responses": [{"identifier": "default", "tilePath": "s3://b/<tileName>.tif"}],
            "customMember": "kept",
        },
    },
]


class Recorder(BaseHTTPRequestHandler):
    """Answers the token endpoint, and everything else with the next canned response."""

    server: RecordingServer

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        if parts.path == TOKEN_PATH:
            self._send(200, {"access_token": "recording-token", "expires_in": 3600})
            return
        body: Any = None
        if raw:
            body = json.loads(raw)
        self.server.seen.append(
            {
                "method": self.command,
                "path": parts.path,
                "query": parse_qs(parts.query, keep_blank_values=True),
                "json": body,
            }
        )
        response = self.server.responses.pop(0)
        self._send(response["status"], response["json"])

    def _send(self, status: int, body: Any) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        return


class RecordingServer(ThreadingHTTPServer):
    seen: list[dict[str, Any]]
    responses: list[dict[str, Any]]


def main(out: Path) -> None:
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # the token comes from 127.0.0.1 over http
    import sentinelhub
    from sentinelhub import BBox, DataCollection, MimeType, SentinelHubRequest, SHConfig
    from sentinelhub.api.batch import SentinelHubBatch

    server = RecordingServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    config = SHConfig(
        sh_client_id="recording-client",
        sh_client_secret="recording-secret",  # noqa: S106 - a local server's dummy
        sh_base_url=base,
        sh_token_url=base + TOKEN_PATH,
        max_download_attempts=1,
    )
    batch = SentinelHubBatch(config=config)

    sh_request = SentinelHubRequest(
        evalscript=PROCESS_PAYLOAD["evalscript"],
        input_data=[SentinelHubRequest.input_data(DataCollection.SENTINEL2_L2A, maxcc=0.2)],
        responses=[SentinelHubRequest.output_response("default", MimeType.TIFF)],
        bbox=BBox((500000.0, 4600000.0, 520000.0, 4620000.0), crs="EPSG:32633"),
        resolution=(10, 10),
        config=config,
    )
    sh_payload = sh_request.download_list[0].post_values

    recorded = []
    for scenario in SCENARIOS:
        args = [
            sh_request if isinstance(arg, dict) and "$sentinelhub_request" in arg else arg
            for arg in scenario["args"]
        ]
        stored_args = [
            {"$sentinelhub_request": sh_payload}
            if isinstance(arg, dict) and "$sentinelhub_request" in arg
            else arg
            for arg in scenario["args"]
        ]
        server.seen, server.responses = [], list(scenario["responses"])
        result = getattr(batch, scenario["method"])(*args, **scenario["kwargs"])
        if scenario.get("iterate"):
            list(result)
        if server.responses:
            raise RuntimeError(f"{scenario['name']}: responses left over: {server.responses}")
        recorded.append(
            {
                **{k: v for k, v in scenario.items() if k != "args"},
                "args": stored_args,
                "requests": server.seen,
            }
        )
    server.shutdown()

    helpers = [
        {
            **helper,
            "result": getattr(SentinelHubBatch, helper["method"])(
                *helper["args"],
                **{
                    key: tuple(value) if key == "buffer" else value
                    for key, value in helper["kwargs"].items()
                },
            ),
        }
        for helper in HELPERS
    ]
    document = {
        "recorded_with": f"sentinelhub {sentinelhub.__version__}",
        "how": "scripts/record_sentinelhub_batch_wire.py",
        "request_id": REQUEST_ID,
        "collection_id": COLLECTION_ID,
        "scenarios": recorded,
        "helpers": helpers,
    }
    out.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"{len(recorded)} scenarios and {len(helpers)} helper results written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "sentinelhub_py_3_11_1_wire.json"))
