"""Files of tiles in Planet collections (operations 13-15 of the reference).

A collection counts as made by a Planet subscription or order when its ``s3Bucket`` is one of the
server's Planet buckets (``--planet-bucket NAME``); for any other collection these routes answer
404, as the service does. A tile's files are everything under the tile's path, taken as a folder
of the bucket.

A Planet bucket on S3 (``--bucket NAME=s3://...``) is served the same way, by ranged GETs, with
the object's own ETag; folder buckets follow the rest of this paragraph.

Downloads stream from disk in 1 MiB chunks and support one byte range per request (``bytes=a-b``,
``bytes=a-``, ``bytes=-n``), with ``If-Range`` against a strong ETag built from the file's size,
modification time and inode. A path from a request never leaves the tile's folder: ``..``,
absolute paths, symbolic links that lead outside, and names no file system can hold (a name above
255 bytes, a path above 4,096 bytes) all answer 404.

These routes answer only 401, 403 and 404 (and 416 for a range outside the file), as the reference
and the spec list for them: a collection or tile id that is not a UUID names nothing, so it is a 404
here rather than the 400 of the other BYOC routes.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Mapping
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Literal

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from sentinelhub_emulator.byoc.ingest import (
    MAX_NAME_BYTES,
    IngestionFailure,
    check_relative_path,
)
from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.byoc.routes import owned_tile
from sentinelhub_emulator.core.auth import authenticated
from sentinelhub_emulator.core.buckets import (
    BucketPathError,
    BucketUnavailableError,
    S3Bucket,
    check_key,
)
from sentinelhub_emulator.core.context import EmulatorContext, context_of
from sentinelhub_emulator.core.errors import (
    BAD_PAYLOAD,
    NOT_FOUND,
    ApiError,
    error_response,
    not_found,
)
from sentinelhub_emulator.core.tokens import Principal

__all__ = ["CHUNK_SIZE", "TileFileResponse", "list_tile_files", "parse_range", "routes"]

CHUNK_SIZE = 1 << 20

#: Longest file path inside a tile folder, in UTF-8 bytes (Linux's PATH_MAX); a longer one, or
#: a name above `MAX_NAME_BYTES`, names no file: 404.
MAX_FILE_PATH_BYTES = 4096

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)

Unsatisfiable = Literal["unsatisfiable"]


def parse_range(header: str, size: int) -> tuple[int, int] | Unsatisfiable | None:
    """The inclusive byte range a ``Range`` header asks of a ``size``-byte file.

    None means "ignore the header and send the whole file": RFC 9110 lets a server do that for
    headers it cannot parse or several ranges, which this server does not serve.
    """
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - suffix), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return "unsatisfiable"
    end = min(int(last), size - 1) if last else size - 1
    return start, end


def _etag(stat: os.stat_result) -> str:
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}-{stat.st_ino:x}"'


def _if_range_holds(if_range: str | None, etag: str, mtime: float) -> bool:
    """Whether a Range may be honoured given ``If-Range`` (absent: yes)."""
    if if_range is None:
        return True
    value = if_range.strip()
    if value.startswith(('"', "W/")):
        return value == etag  # a weak tag never matches: If-Range needs a strong comparison
    try:
        return int(parsedate_to_datetime(value).timestamp()) == int(mtime)
    except (TypeError, ValueError):
        return False


class _RangedResponse(Response):
    """A file served whole, as one byte range, or (for HEAD) as headers only; subclasses find
    the bytes (`_begin` answers the head), the range rules are here."""

    def __init__(self, *, range_header: str | None, if_range: str | None, head: bool) -> None:
        super().__init__(status_code=200, media_type="application/octet-stream")
        self.range_header = range_header
        self.if_range = if_range
        self.head = head

    async def _begin(
        self, send: Send, scope: Scope, receive: Receive, size: int, etag: str, mtime: float
    ) -> tuple[int, int] | None:
        """Send the status and headers for a file of ``size`` bytes (or a 416); the
        ``(start, length)`` of the body still to send, None when there is none."""
        headers = {
            "Accept-Ranges": "bytes",
            "ETag": etag,
            "Last-Modified": formatdate(mtime, usegmt=True),
            "Content-Type": "application/octet-stream",
        }
        status, start, length = 200, 0, size
        if self.range_header and not self.head and _if_range_holds(self.if_range, etag, mtime):
            wanted = parse_range(self.range_header, size)
            if wanted == "unsatisfiable":
                await error_response(
                    416,
                    f"The requested range is outside the file of {size} bytes.",
                    BAD_PAYLOAD,
                    headers={**headers, "Content-Range": f"bytes */{size}"},
                )(scope, receive, send)
                return None
            if wanted is not None:
                start, end = wanted
                status, length = 206, end - start + 1
                headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        headers["Content-Length"] = str(length)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            }
        )
        if self.head or length == 0:
            await send({"type": "http.response.body", "body": b""})
            return None
        return start, length


class TileFileResponse(_RangedResponse):
    """Serves one file of a bucket folder.

    All file I/O happens when the response is sent, on the file it opened, so that the headers
    (size, ETag) describe exactly the bytes that follow.
    """

    def __init__(
        self,
        path: Path,
        *,
        range_header: str | None,
        if_range: str | None,
        head: bool,
    ) -> None:
        super().__init__(range_header=range_header, if_range=if_range, head=head)
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            handle = await anyio.open_file(self.path, "rb")
        except OSError:
            await error_response(404, "File not found.", NOT_FOUND)(scope, receive, send)
            return
        async with handle:
            stat = os.fstat(handle.wrapped.fileno())
            body = await self._begin(send, scope, receive, stat.st_size, _etag(stat), stat.st_mtime)
            if body is None:
                return
            start, remaining = body
            await handle.seek(start)
            while remaining > 0:
                chunk = await handle.read(min(CHUNK_SIZE, remaining))
                if not chunk:  # the file shrank after its size was announced
                    return  # the server closes the connection on the short body
                remaining -= len(chunk)
                await send(
                    {"type": "http.response.body", "body": chunk, "more_body": remaining > 0}
                )


class S3FileResponse(_RangedResponse):
    """Serves one object of an S3-backed Planet bucket like `TileFileResponse` serves a file
    (ranges read by range from S3); the ETag is the object's."""

    def __init__(
        self,
        store: S3Bucket,
        key: str,
        *,
        range_header: str | None,
        if_range: str | None,
        head: bool,
    ) -> None:
        super().__init__(range_header=range_header, if_range=if_range, head=head)
        self.store, self.key = store, key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            info = await anyio.to_thread.run_sync(self.store.stat, self.key)
        except BucketUnavailableError:
            info = None  # these routes answer 404 for a file they cannot serve
        if info is None:
            await error_response(404, "File not found.", NOT_FOUND)(scope, receive, send)
            return
        body = await self._begin(send, scope, receive, info.size, f'"{info.etag}"', info.mtime)
        if body is None:
            return
        position, stop = body[0], body[0] + body[1]
        while position < stop:
            upto = min(stop, position + CHUNK_SIZE)
            try:
                chunk = await anyio.to_thread.run_sync(self.store.read, self.key, position, upto)
            except BucketUnavailableError:
                return  # the server closes the connection on the short body
            if not chunk:  # the object shrank after its size was announced
                return
            position += len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": position < stop})


def _tile_dir(context: EmulatorContext, collection: CollectionRecord, tile: TileRecord) -> Path:
    """The real folder of a Planet tile's files; 404 for anything that is not one."""
    if not context.settings.is_planet_bucket(collection.s3_bucket):
        raise ApiError(
            404,
            "Tile files exist only in collections created by a Planet subscription or order.",
            NOT_FOUND,
        )
    bucket = context.settings.bucket_dir(collection.s3_bucket)
    if bucket is None:
        raise not_found("Bucket")
    try:
        check_relative_path(tile.path, "tile path")
        root = bucket.resolve()
        folder = (root / tile.path).resolve()
    except (IngestionFailure, OSError):
        # A folder name no file system can hold (over 255 bytes, say) names no folder.
        raise not_found("Tile folder") from None
    if not folder.is_relative_to(root):
        raise not_found("Tile folder")
    return folder


def _s3_tile(
    context: EmulatorContext, collection: CollectionRecord, tile: TileRecord
) -> tuple[S3Bucket, str] | None:
    """The S3 bucket and key prefix of a Planet tile's files when its bucket is on S3."""
    store = context.settings.bucket(collection.s3_bucket)
    if not isinstance(store, S3Bucket) or not context.settings.is_planet_bucket(
        collection.s3_bucket
    ):
        return None  # `_tile_dir` answers (404 for a collection that is not Planet's)
    try:
        check_relative_path(tile.path, "tile path")
        check_key(tile.path)
    except (IngestionFailure, BucketPathError):
        raise not_found("Tile folder") from None
    return store, tile.path.strip("/")


def _valid_rel(rel: str) -> bool:
    if not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel:
        return False
    return not any(part in ("", ".", "..") for part in rel.split("/")) and _name_fits(rel)


def _name_fits(rel: str) -> bool:
    """Whether every name of ``rel`` and the whole of it fit what a file system can hold."""
    if len(rel.encode("utf-8", "surrogatepass")) > MAX_FILE_PATH_BYTES:
        return False
    return all(
        len(part.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES for part in rel.split("/")
    )


def _resolve_file(folder: Path, rel: str) -> Path | None:
    """The real file ``rel`` names inside ``folder``, or None if it is not a file in there."""
    if not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel:
        return None
    if any(part in ("", ".", "..") for part in rel.split("/")) or not _name_fits(rel):
        return None
    try:
        target = (folder / rel).resolve()
        if not target.is_relative_to(folder) or not target.is_file():
            return None
    except (OSError, ValueError):  # a name the file system refuses names no file
        return None
    return target


def list_tile_files(folder: Path) -> list[str] | None:
    """Every file under ``folder`` that `_resolve_file` would serve, ``/``-separated, sorted;
    None when the folder cannot exist (its path is too long for the file system)."""
    try:
        if not folder.is_dir():
            return []
    except OSError:
        return None
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            rel = (Path(root) / name).relative_to(folder).as_posix()
            if _resolve_file(folder, rel) is not None:
                found.append(rel)
    return sorted(found)


def _planet_tile(request: Request, principal: Principal) -> tuple[CollectionRecord, TileRecord]:
    """The collection and tile of a file route; an id that is not a UUID is a 404, not a 400."""
    for name, what in (("collectionId", "Collection"), ("tileId", "Tile")):
        value = str(request.path_params[name])
        try:
            uuid.UUID(value)
        except ValueError:
            raise not_found(f"{what} {value!r}") from None
    return owned_tile(request, principal)


@authenticated
async def list_files(request: Request, principal: Principal) -> Response:
    collection, tile = _planet_tile(request, principal)
    on_s3 = _s3_tile(context_of(request), collection, tile)
    if on_s3 is not None:
        store, prefix = on_s3
        try:
            keys = await anyio.to_thread.run_sync(store.list, prefix)
        except BucketUnavailableError:
            raise not_found("Tile folder") from None
        return JSONResponse(sorted(key[len(prefix) + 1 :] for key in keys))
    folder = _tile_dir(context_of(request), collection, tile)
    files = await anyio.to_thread.run_sync(list_tile_files, folder)
    if files is None:
        raise not_found("Tile folder")
    return JSONResponse(files)


@authenticated
async def get_file(request: Request, principal: Principal) -> Response:
    collection, tile = _planet_tile(request, principal)
    headers: Mapping[str, str] = request.headers
    on_s3 = _s3_tile(context_of(request), collection, tile)
    if on_s3 is not None:
        store, prefix = on_s3
        rel = str(request.path_params["path"])
        if not _valid_rel(rel):
            raise not_found("File")
        return S3FileResponse(
            store,
            f"{prefix}/{rel}",
            range_header=headers.get("range"),
            if_range=headers.get("if-range"),
            head=request.method == "HEAD",
        )
    folder = _tile_dir(context_of(request), collection, tile)
    target = _resolve_file(folder, str(request.path_params["path"]))
    if target is None:
        raise not_found("File")
    return TileFileResponse(
        target,
        range_header=headers.get("range"),
        if_range=headers.get("if-range"),
        head=request.method == "HEAD",
    )


def routes() -> list[BaseRoute]:
    """The file routes, relative to the BYOC base path."""
    tile = "/collections/{collectionId}/tiles/{tileId}"
    return [
        Route(tile + "/files", list_files, methods=["GET"]),
        Route(tile + "/files/{path:path}", get_file, methods=["GET", "HEAD"]),
    ]
