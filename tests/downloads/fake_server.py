"""A scripted file server for respx: Range / If-Range / ETag as the contract says, and the ways a
real server (or a proxy) misbehaves, switched on per test."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

import httpx

BASE_URL = "https://sh.test"
COLLECTION_ID = "c0ffee00-0000-4000-8000-000000000001"
TILE_ID = "7ee00000-0000-4000-8000-000000000002"
PREFIX = f"/api/v1/byoc/collections/{COLLECTION_ID}/tiles/{TILE_ID}/files"
TOKEN = "secret-token"

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class CutStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that sends ``keep`` bytes, then fails like a dropped connection."""

    def __init__(self, body: bytes, keep: int, chunk: int = 4096) -> None:
        self.body = body[:keep]
        self.chunk = chunk

    def __iter__(self) -> Iterator[bytes]:
        for i in range(0, len(self.body), self.chunk):
            yield self.body[i : i + self.chunk]
        raise httpx.ReadError("connection dropped (injected)")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for i in range(0, len(self.body), self.chunk):
            yield self.body[i : i + self.chunk]
        raise httpx.ReadError("connection dropped (injected)")


class ChunkedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body sent in small pieces (as a socket would)."""

    def __init__(self, body: bytes, chunk: int = 65536) -> None:
        self.body = body
        self.chunk = chunk

    def __iter__(self) -> Iterator[bytes]:
        for i in range(0, len(self.body), self.chunk):
            yield self.body[i : i + self.chunk]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for i in range(0, len(self.body), self.chunk):
            yield self.body[i : i + self.chunk]


@dataclass
class FakeFile:
    data: bytes
    etag: str = '"v1"'

    def replace(self, data: bytes) -> None:
        """A new version of the file (new content, new ETag)."""
        self.data = data
        number = int(self.etag.strip('"v')) + 1
        self.etag = f'"v{number}"'


@dataclass
class FakeServer:
    """A respx side effect serving ``files`` under `PREFIX`.

    Switches: ``ignore_ranges`` (answer 200 with the whole file), ``bad_ranges`` (that many
    ranged answers carry a Content-Range shifted by one byte), ``cuts`` (the n-th GET of a file,
    counted from 0, drops after that many bytes), ``forced`` (answers sent first, in order, to
    GETs of files), ``hook`` (called before each file GET with the GET's index), ``weak_etag``.
    """

    files: dict[str, FakeFile]
    ignore_ranges: bool = False
    bad_ranges: int = 0
    cuts: dict[int, int] = field(default_factory=dict)
    forced: list[httpx.Response] = field(default_factory=list)
    hook: Callable[[FakeServer, int], None] | None = None
    send_etag: bool = True
    requests: list[httpx.Request] = field(default_factory=list)
    gets: int = 0

    @classmethod
    def of(cls, **files: bytes) -> FakeServer:
        return cls({name.replace("__", "/"): FakeFile(data) for name, data in files.items()})

    def add(self, path: str, data: bytes) -> FakeFile:
        self.files[path] = FakeFile(data)
        return self.files[path]

    @property
    def file_gets(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "GET" and r.url.raw_path != PREFIX.encode()]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raw = request.url.raw_path.decode()
        if raw == PREFIX:
            return httpx.Response(200, json=sorted(self.files))
        if not raw.startswith(PREFIX + "/"):
            return _error(404, "Collection not found.")
        name = unquote(raw[len(PREFIX) + 1 :])
        if request.method == "GET":
            index = self.gets
            self.gets += 1
            if self.hook is not None:
                self.hook(self, index)
            if self.forced:
                return self.forced.pop(0)
        else:
            index = -1
        file = self.files.get(name)
        if file is None:
            return _error(404, "File not found.")
        size = len(file.data)
        headers = {"Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
        if self.send_etag:
            headers["ETag"] = file.etag
        if request.method == "HEAD":
            return httpx.Response(200, headers={**headers, "Content-Length": str(size)})
        start, end, status = 0, size - 1, 200
        wanted = request.headers.get("range")
        if_range = request.headers.get("if-range")
        if wanted and not self.ignore_ranges and (if_range is None or if_range == file.etag):
            match = _RANGE.match(wanted)
            assert match, wanted
            first, last = match.groups()
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
            if start >= size:
                return httpx.Response(
                    416, headers={**headers, "Content-Range": f"bytes */{size}"}, json={}
                )
            status = 206
            shift = 0
            if self.bad_ranges:
                self.bad_ranges -= 1
                shift = 1
            headers["Content-Range"] = f"bytes {start + shift}-{end}/{size}"
        body = file.data[start : end + 1]
        headers["Content-Length"] = str(len(body))
        stream: httpx.SyncByteStream = ChunkedStream(body)
        if index in self.cuts:
            stream = CutStream(body, self.cuts[index])
        return httpx.Response(status, headers=headers, stream=stream)


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(
        status,
        json={
            "error": {
                "status": status,
                "reason": "Not Found",
                "message": message,
                "code": "COMMON_NOT_FOUND",
            }
        },
    )
