"""Tile file reads (`read_tile_file`, `iter_tile_file`): the plan of one byte range, and the
checks of the answers that bring it (no I/O)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from sentinelhub_client._core.errors import DownloadError
from sentinelhub_client.byoc.files.calls import (
    content_length,
    parse_content_range,
    strong_etag,
)

__all__ = ["RangeRead"]

logger = logging.getLogger(__name__)


@dataclass
class RangeRead:
    """Plan of `read_tile_file` / `iter_tile_file`: bytes ``start..end`` (inclusive), and how far
    it got (``pos``), so that a dropped connection resumes where it stopped."""

    start: int
    end: int | None
    pos: int = field(init=False)
    etag: str | None = None
    size: int | None = None
    _skip: int = field(init=False, default=0, repr=False)
    _limit: int | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.pos = self.start

    @property
    def finished(self) -> bool:
        """Whether every byte was yielded."""
        if self.end is not None and self.pos > self.end:
            return True
        return self.size is not None and self.pos >= self.size

    def request_headers(self) -> dict[str, str]:
        """Headers for the next request: a ``Range`` unless the whole file is wanted."""
        headers = {"Accept-Encoding": "identity"}
        if self.pos > 0 or self.end is not None:
            last = "" if self.end is None else str(self.end)
            headers["Range"] = f"bytes={self.pos}-{last}"
            if self.etag is not None and self.pos > self.start:
                headers["If-Range"] = self.etag
        return headers

    def accept(self, status: int, headers: Mapping[str, str], path: str) -> tuple[int, int | None]:
        """Check an answer; ``(skip, limit)``: bytes to drop from its body, bytes to keep.

        A ``200`` to a range request is accepted (the server ignores ranges): its first ``pos``
        bytes are skipped. Raises `DownloadError` when the file changed since the first answer or
        when the ``Content-Range`` is not the one asked for.
        """
        etag = strong_etag(headers.get("etag"))
        if self.etag is not None and etag is not None and etag != self.etag:
            raise DownloadError(
                f"{path} changed on the server while it was being read "
                f"(ETag {self.etag} -> {etag}); read it again"
            )
        if self.etag is None:
            self.etag = etag
        limit = None if self.end is None else self.end - self.pos + 1
        if status == 200:
            length = content_length(headers)
            if length is not None:
                self._learn_size(length, path)
            if self.pos > 0:
                logger.debug(
                    "the server ignored the Range of %s; skipping %d bytes", path, self.pos
                )
            return self.pos, limit
        if status != 206:
            raise DownloadError(f"unexpected HTTP {status} when reading {path}")
        parsed = parse_content_range(headers.get("content-range"))
        if parsed is None:
            raise DownloadError(
                f"reading {path}: 206 with an unreadable Content-Range "
                f"{headers.get('content-range')!r}"
            )
        first, last, size = parsed
        if size is not None:
            self._learn_size(size, path)
        expected_last = self.end if self.end is not None else None
        if size is not None:
            expected_last = size - 1 if expected_last is None else min(expected_last, size - 1)
        if first != self.pos or (expected_last is not None and last != expected_last):
            wanted = f"bytes={self.pos}-{'' if self.end is None else self.end}"
            raise DownloadError(
                f"reading {path}: asked for {wanted}, the server sent Content-Range "
                f"{headers.get('content-range')!r}"
            )
        return 0, last - first + 1

    def begin(self, status: int, headers: Mapping[str, str], path: str) -> None:
        """Check an answer before its body is read (see `accept`) and plan what to keep of it."""
        self._skip, self._limit = self.accept(status, headers, path)

    def take(self, data: bytes) -> bytes:
        """What to hand on of a chunk of the body (a skipped head and bytes past ``end`` are
        dropped); ``pos`` moves past it."""
        if self._skip:
            cut = min(self._skip, len(data))
            data, self._skip = data[cut:], self._skip - cut
        if self._limit is not None:
            data = data[: self._limit]
            self._limit -= len(data)
        self.pos += len(data)
        return data

    @property
    def body_done(self) -> bool:
        """Whether the answer brought every byte asked for (the rest of its body is not needed)."""
        return self._limit == 0

    def end_body(self) -> None:
        """The body ended: the file's end when the read goes to it, else a short answer
        (``httpx.RemoteProtocolError``, so that the transport retries from ``pos``)."""
        if self._limit is None:
            self.size = self.pos
        elif self._limit > 0:
            raise httpx.RemoteProtocolError("the body ended early")

    def _learn_size(self, size: int, path: str) -> None:
        if self.size is not None and size != self.size:
            raise DownloadError(
                f"{path} changed on the server while it was being read "
                f"(size {self.size} -> {size}); read it again"
            )
        self.size = size
