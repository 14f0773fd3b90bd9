"""Issue 24, item 1: a JSON answer is read within ``max_json_bytes`` (64 MiB by default) once
decompressed, refused while it is read; file downloads and Process images are not limited."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import respx
from sentinelhub_client import (
    APIResponseValidationError,
    AsyncSentinelHubBYOC,
    MimeType,
    SentinelHubBYOC,
    SentinelHubProcess,
    SHConfig,
)
from sentinelhub_client._core.bodies import BodyTooLarge, BoundedBody
from sentinelhub_client._core.config import DEFAULT_MAX_JSON_BYTES
from sentinelhub_client._core.errors import ResponseTooLargeError

from tests.support.twin import Twin
from tests.unit.conftest import BASE_URL, BYOC, CLIENT_ID, CLIENT_SECRET, COLLECTION_ID, TILE_ID

pytestmark = pytest.mark.anyio

COLLECTIONS = f"{BYOC}/collections"


def _gzip_bomb(inflated: int) -> bytes:
    """A gzip body of ``inflated`` zero bytes (1 MiB inflates from about 1 KiB)."""
    out = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * (1 << 20)
    parts = [out.compress(block) for _ in range(inflated // len(block))]
    parts.append(out.flush())
    return b"".join(parts)


class _Raw(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body served as it is, in 64 KiB chunks (httpx decodes it only when it is read)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self._body), 65536):
            yield self._body[start : start + 65536]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


def _raw(status: int, body: bytes, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect answering ``body`` unread, with ``headers``."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, stream=_Raw(body))

    return answer


def _config(**kwargs: object) -> SHConfig:
    from sentinelhub_client import RetryPolicy

    return SHConfig(
        sh_client_id=CLIENT_ID,
        sh_client_secret=CLIENT_SECRET,
        retry=RetryPolicy(backoff=0),
        use_defaults=True,
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_setting_has_a_documented_default_and_reads_the_environment() -> None:
    assert DEFAULT_MAX_JSON_BYTES == 64 * 2**20
    assert SHConfig(use_defaults=True).max_json_bytes == DEFAULT_MAX_JSON_BYTES
    assert SHConfig(environ={"SH_MAX_JSON_BYTES": "1000"}).max_json_bytes == 1000
    assert SHConfig(max_json_bytes=5, use_defaults=True).max_json_bytes == 5
    with pytest.raises(ValueError, match="max_json_bytes"):
        SHConfig(max_json_bytes=0, use_defaults=True)
    assert "max_json_bytes" in (SHConfig.__doc__ or "")


def test_bounded_body_decodes_in_pieces_and_stops_at_the_limit() -> None:
    data = json.dumps({"data": list(range(1000))}).encode()
    for encoding, raw in (
        (None, data),
        ("gzip", gzip.compress(data)),
        ("deflate", zlib.compress(data)),
        ("deflate", zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("gzip, gzip", gzip.compress(gzip.compress(data))),
    ):
        body = BoundedBody(encoding, 10**6)
        for start in range(0, len(raw), 7):
            body.feed(raw[start : start + 7])
        assert body.finish() == data, encoding
    bomb = _gzip_bomb(8 << 20)
    body = BoundedBody("gzip", 1 << 20)
    with pytest.raises(BodyTooLarge) as info:
        body.feed(bomb)
    assert info.value.size <= (1 << 20) + 64 * 1024  # stopped within one piece of the limit
    cut = BoundedBody("gzip", 100, truncate=True)
    cut.feed(bomb)
    assert cut.finish() == b"\0" * 100
    assert not cut.complete


async def test_a_gzip_bomb_is_refused_naming_the_limit_and_the_setting(
    api: respx.MockRouter,
) -> None:
    route = api.get(COLLECTIONS).mock(
        side_effect=_raw(200, _gzip_bomb(4 << 20), **{"Content-Encoding": "gzip"})
    )
    config = _config(max_json_bytes=1 << 20)
    for client in (SentinelHubBYOC(config), AsyncSentinelHubBYOC(config)):
        twin = Twin(client)
        with pytest.raises(ResponseTooLargeError) as info:
            await twin.collect(client.iter_collections())
        await twin.close()
        error = info.value
        assert isinstance(error, APIResponseValidationError)
        assert error.limit == 1 << 20
        assert error.size > error.limit
        text = str(error)
        assert "max_json_bytes = 1048576" in text
        assert "SH_MAX_JSON_BYTES" in text
        assert f"GET {BASE_URL}{COLLECTIONS}" in text
    assert route.call_count == 2  # refused at once: a retry would get the same answer


def test_an_answer_that_was_read_before_the_transport_is_held_to_the_limit(
    api: respx.MockRouter,
) -> None:
    api.get(COLLECTIONS).respond(200, json={"data": [{"id": "x" * 5000}]})
    with (
        SentinelHubBYOC(_config(max_json_bytes=1000)) as client,
        pytest.raises(ResponseTooLargeError),
    ):
        list(client.iter_collections())


async def test_an_answer_within_the_limit_is_read(api: respx.MockRouter) -> None:
    body = json.dumps({"data": {"id": COLLECTION_ID, "name": "x" * 5000, "s3Bucket": "b"}})
    api.get(f"{COLLECTIONS}/{COLLECTION_ID}").mock(
        side_effect=_raw(200, gzip.compress(body.encode()), **{"Content-Encoding": "gzip"})
    )
    with SentinelHubBYOC(_config(max_json_bytes=len(body))) as client:
        assert client.get_collection(COLLECTION_ID).name == "x" * 5000
    with (
        SentinelHubBYOC(_config(max_json_bytes=len(body) - 1)) as client,
        pytest.raises(ResponseTooLargeError),
    ):
        client.get_collection(COLLECTION_ID)


def test_an_error_answer_is_cut_at_the_limit_not_refused(api: respx.MockRouter) -> None:
    api.get(f"{COLLECTIONS}/{COLLECTION_ID}").mock(
        side_effect=_raw(404, _gzip_bomb(4 << 20), **{"Content-Encoding": "gzip"})
    )
    from sentinelhub_client import NotFoundError

    with (
        SentinelHubBYOC(_config(max_json_bytes=1 << 16)) as client,
        pytest.raises(NotFoundError) as info,
    ):
        client.get_collection(COLLECTION_ID)
    assert info.value.body is not None
    assert len(info.value.body) <= 1 << 16


def test_a_file_download_larger_than_the_limit_is_not_limited(
    api: respx.MockRouter, tmp_path: Path
) -> None:
    content = bytes(range(256)) * 1024  # 256 KiB, four times the limit
    files = f"{COLLECTIONS}/{COLLECTION_ID}/tiles/{TILE_ID}/files"
    api.get(files).respond(json={"data": ["B01.tif"]})
    api.head(f"{files}/B01.tif").respond(
        200, headers={"Content-Length": str(len(content)), "Accept-Ranges": "bytes"}
    )
    api.get(f"{files}/B01.tif").respond(
        200, content=content, headers={"Content-Length": str(len(content))}
    )
    with SentinelHubBYOC(_config(max_json_bytes=64 * 1024)) as client:
        assert client.read_tile_file(COLLECTION_ID, TILE_ID, "B01.tif") == content
        target = tmp_path / "B01.tif"
        client.download_tile_file(COLLECTION_ID, TILE_ID, "B01.tif", target)
    assert target.read_bytes() == content


def test_a_process_image_larger_than_the_limit_is_not_limited(api: respx.MockRouter) -> None:
    image = b"II*\0" + b"\1" * (512 * 1024)
    api.post("/api/v1/process").mock(
        side_effect=_raw(
            200, gzip.compress(image), **{"Content-Type": "image/tiff", "Content-Encoding": "gzip"}
        )
    )
    with SentinelHubProcess(_config(max_json_bytes=64 * 1024)) as client:
        payload = {
            "input": {"bounds": {"bbox": [0, 0, 1, 1]}, "data": [{"type": "sentinel-2-l2a"}]},
            "evalscript": "//VERSION=3",
        }
        response = client.process(
            {
                **payload,
                "output": {
                    "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}]
                },
            }
        )
    assert response.content == image
    assert response.mime_type is MimeType.TIFF


_BOMB_SCRIPT = """
import sys, threading, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

def bomb(inflated):
    out = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\\0" * (1 << 20)
    return b"".join([out.compress(block) for _ in range(inflated // len(block))] + [out.flush()])

BODY = bomb(256 << 20)  # about 256 KiB on the wire, 256 MiB inflated
assert len(BODY) < 300 * 1024, len(BODY)

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._send(b'{"access_token": "t", "expires_in": 3600}', None)
    def do_GET(self):
        self._send(BODY, "gzip")
    def _send(self, body, encoding):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}"

from sentinelhub_client import RetryPolicy, SentinelHubBYOC, SHConfig
from sentinelhub_client._core.errors import ResponseTooLargeError

config = SHConfig(sh_client_id="c", sh_client_secret="s", sh_base_url=url,
                  sh_token_url=url + "/token", retry=RetryPolicy(backoff=0), use_defaults=True)
assert config.max_json_bytes == 64 << 20  # the default limit
def hwm():
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM")).split()[1])

before = hwm()
with SentinelHubBYOC(config) as client:
    try:
        list(client.iter_collections())
    except ResponseTooLargeError as exc:
        print("refused", exc.limit, file=sys.stderr)
    else:
        raise SystemExit("the bomb was not refused")
print(before, hwm())
"""


def test_a_256_kib_gzip_bomb_keeps_peak_rss_under_100_mb(tmp_path: Path) -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc (Linux)")
    script = tmp_path / "bomb.py"
    script.write_text(textwrap.dedent(_BOMB_SCRIPT))
    done = subprocess.run(  # noqa: S603 - the running interpreter on our own script
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "refused 67108864" in done.stderr
    # VmHWM is this process's own peak; ru_maxrss may carry the parent's over the exec.
    before_kib, hwm_kib = (int(v) for v in done.stdout.split())
    assert hwm_kib < 100 * 1024, (before_kib, hwm_kib)


def test_a_body_that_does_not_decompress_is_a_connection_error_as_before(
    api: respx.MockRouter,
) -> None:
    from sentinelhub_client import APIConnectionError

    api.get(f"{COLLECTIONS}/{COLLECTION_ID}").mock(
        side_effect=_raw(200, b"not gzip at all", **{"Content-Encoding": "gzip"})
    )
    with SentinelHubBYOC(_config()) as client, pytest.raises(APIConnectionError) as info:
        client.get_collection(COLLECTION_ID)
    assert "DecodingError" in str(info.value)
