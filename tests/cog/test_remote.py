"""validate_cog and cover_geometry on http(s) URLs, served from a loopback server that answers
range requests (as object stores do)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sentinelhub_client.cog import cover_geometry, validate_cog

from tests.cog.corpus import write_cog


class _Ranges(BaseHTTPRequestHandler):
    folder: Path
    ranges: list[str]

    def log_message(self, *args: object) -> None:  # quiet
        return

    def _body(self) -> bytes | None:
        path = self.folder / self.path.lstrip("/")
        if not path.is_file():
            self.send_error(404)
            return None
        return path.read_bytes()

    def do_HEAD(self) -> None:
        data = self._body()
        if data is None:
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()

    def do_GET(self) -> None:
        data = self._body()
        if data is None:
            return
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if match is None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        start = int(match.group(1))
        end = min(int(match.group(2) or len(data) - 1), len(data) - 1)
        self.ranges.append(f"{start}-{end}")
        self.send_response(206)
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.wfile.write(data[start : end + 1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    ranges: list[str] = []
    handler = type("Handler", (_Ranges,), {"folder": tmp_path, "ranges": ranges})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", ranges
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_remote_cog_is_validated_by_range_requests(
    tmp_path: Path, served: tuple[str, list[str]]
) -> None:
    base, ranges = served
    write_cog(tmp_path / "ok.tif", width=1024, height=1024)
    write_cog(tmp_path / "bad.tif", blocksize=128)
    good = validate_cog(f"{base}/ok.tif")
    assert good.is_valid, good.errors
    assert ranges, "the header was read by ranges"
    bad = validate_cog(f"{base}/bad.tif", read_data=False)
    assert [f.rule for f in bad.errors] == ["block-size"]
    assert f"'{base}/bad.tif'" in bad.errors[0].message


def test_cover_geometry_of_a_remote_cog(tmp_path: Path, served: tuple[str, list[str]]) -> None:
    base, _ = served
    write_cog(tmp_path / "c.tif", width=256, height=256)
    cover = cover_geometry(f"{base}/c.tif", simplify=0)
    assert cover["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32633"
    assert cover["coordinates"][0][0] == [500_000.0, 5_002_560.0]
