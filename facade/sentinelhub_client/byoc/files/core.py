"""Tile file downloads: everything that needs no I/O, shared by the sync and the async shells.

The shells (`sentinelhub_client.byoc.files.sync` and `sentinelhub_client.byoc.files.aio`) send the
requests and touch the disk; this module decides what to send, whether an answer can be trusted,
which bytes are still missing, what the resume sidecar says, and what the user sees as progress.

How a download is planned:

- A ``HEAD`` gives the size and, usually, the strong ``ETag`` of the file.
- Bytes already on disk are known from the sidecar ``<destination>.part.json`` (its ETag, size and
  the byte ranges that were written). They are trusted only when the source, the size and the ETag
  still match and the ``.part`` file has the right size; otherwise the download starts over.
- The missing bytes are cut into segments of at most ``part_size`` bytes; a file that fits in one
  segment is fetched as one stream. Each ranged request carries ``If-Range: <etag>``.
- Every answer is checked before a byte of it is written (`check_segment_response`): a ``200`` to
  a range request, a ``Content-Range`` other than the one asked for, a size or an ETag other than
  the planned one are *anomalies*. An anomaly stops the transfer; the shells then start over from
  zero once (without ranges if the server ignores them) and raise `DownloadError` if it happens
  again.
"""

from __future__ import annotations

import json
import logging
import math
import ntpath
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final, Literal
from urllib.parse import quote

import httpx

from sentinelhub_client._core.errors import (
    APIResponseValidationError,
    DownloadError,
    SentinelHubValidationError,
    TileDownloadError,
    request_id_of,
)
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import Call, as_response

__all__ = [
    "DEFAULT_BYOC_BASE_PATH",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_PART_SIZE",
    "Anomaly",
    "ByteRanges",
    "FileJob",
    "ProgressAggregator",
    "ProgressCallback",
    "RemoteFile",
    "Segment",
    "file_url",
    "files_url",
    "local_target",
    "validate_remote_path",
]

logger = logging.getLogger(__name__)

#: Where the BYOC API lives on the service host (the legacy path style every client uses).
DEFAULT_BYOC_BASE_PATH: Final = "/api/v1/byoc"
#: Bytes buffered per connection before they are written to disk (and progress is reported).
#: 1 MiB: large enough that a write (or, in async code, a hop to a worker thread) per chunk costs
#: nothing next to the transfer, small enough that memory stays flat with many connections.
DEFAULT_CHUNK_SIZE: Final = 1 << 20
#: Largest byte range fetched by one request. 32 MiB keeps a retry of a failed range cheap while
#: making per-request overhead (a round trip, a new TCP slow start) negligible.
DEFAULT_PART_SIZE: Final = 32 << 20
#: Parallel range requests per file (and connections in all for `download_tile`). Four saturates
#: one link in practice without tripping per-client rate limits.
DEFAULT_CONCURRENCY: Final = 4
#: Least seconds between two writes of the resume sidecar during a transfer. A sidecar write is
#: cheap (a small file replaced atomically, no fsync): it only has to survive the *process*. Each
#: checkpoint also starts the kernel's writeback of the ``.part``, so the shorter the interval,
#: the less the final fsync waits for: at 1 s a 1 GiB download at ~900 MB/s left up to a second
#: of dirty data for it (0.72x curl's raw speed in scripts/bench_download.py); at 0.1 s it runs
#: at 0.90-0.98x, fsync included.
CHECKPOINT_INTERVAL: Final = 0.1
#: Least seconds between two ``fdatasync`` of the ``.part`` file during a transfer, when the
#: sidecar can tell a crash of the process from a reboot (see `resume_point`). The flush is what
#: makes bytes survive a power cut; the kernel writes dirty pages back within about 30 s anyway,
#: and flushing more often stalls the transfer for nothing. Where the boot cannot be told
#: (not Linux), only flushed bytes count on resume, so the flush comes every
#: `UNKNOWN_BOOT_DURABLE_INTERVAL` seconds instead.
DURABLE_INTERVAL: Final = 30.0
#: `DURABLE_INTERVAL` where the boot of the machine cannot be told: a crash then keeps at most
#: the last second of a transfer to fetch again, without a flush at every checkpoint.
UNKNOWN_BOOT_DURABLE_INTERVAL: Final = 1.0
#: Identifies the sidecar format; a sidecar with another value is ignored.
SIDECAR_FORMAT: Final = "sentinelhub-client/tile-file-download/1"
#: Suffixes of the partial file and of its sidecar, appended to the destination's name.
PART_SUFFIX: Final = ".part"
SIDECAR_SUFFIX: Final = ".part.json"

#: ``progress(done_bytes, total_bytes)``: called as bytes are written (see `ProgressAggregator`).
ProgressCallback = Callable[[int, int], None]

AnomalyKind = Literal["changed", "no-ranges", "bad-range"]

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)\s*-\s*(\d+)\s*/\s*(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED_RANGE = re.compile(r"^\s*bytes\s+\*\s*/\s*(\d+)\s*$", re.IGNORECASE)


# --------------------------------------------------------------------------------------- errors


class Anomaly(Exception):
    """An answer that cannot be trusted: the shells start over (once) or raise `DownloadError`."""

    def __init__(self, kind: AnomalyKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


# ------------------------------------------------------------------------------------ validation


def _positive_int(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SentinelHubValidationError(
            f"{name} must be an int >= {minimum}, got {value!r}", field=name
        )
    return value


def validate_options(
    *, concurrency: int, chunk_size: int, part_size: int, max_attempts: int | None
) -> None:
    """Raise `SentinelHubValidationError` for options that cannot work."""
    _positive_int("concurrency", concurrency)
    _positive_int("chunk_size", chunk_size)
    _positive_int("part_size", part_size)
    if max_attempts is not None:
        _positive_int("max_attempts", max_attempts)


def retry_policy(retry: RetryPolicy | None, max_attempts: int | None) -> RetryPolicy:
    """The policy of each request: ``retry`` (default `RetryPolicy()`), ``max_attempts`` on top."""
    policy = retry if retry is not None else RetryPolicy()
    if max_attempts is not None:
        policy = policy.replace(max_attempts=_positive_int("max_attempts", max_attempts))
    return policy


def _id_segment(name: str, value: object) -> str:
    text = str(value) if value is not None else ""
    if not text.strip():
        raise SentinelHubValidationError(f"{name} must not be empty", field=name)
    return quote(text, safe="")


def validate_remote_path(path: object) -> str:
    """``path`` if it can name a file of a tile in a URL, else `SentinelHubValidationError`.

    Paths are relative and ``/``-separated, as the listing gives them. Empty, ``.`` and ``..``
    segments are refused: HTTP clients and servers collapse them, so the request would name
    another file than the one meant.
    """
    if not isinstance(path, str) or not path:
        raise SentinelHubValidationError(
            f"path must be a non-empty string, got {path!r}", field="path"
        )
    if "\x00" in path:
        raise SentinelHubValidationError(f"path contains a NUL character: {path!r}", field="path")
    if path.startswith("/"):
        raise SentinelHubValidationError(
            f"path must be relative to the tile (as the file listing gives it), got {path!r}",
            field="path",
        )
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise SentinelHubValidationError(
            f"path must not contain empty, '.' or '..' segments, got {path!r}", field="path"
        )
    return path


def files_url(base_path: str, collection_id: object, tile_id: object) -> str:
    """The URL (relative to the host) listing a tile's files."""
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    return (
        f"{base}/collections/{_id_segment('collection_id', collection_id)}"
        f"/tiles/{_id_segment('tile_id', tile_id)}/files"
    )


def file_url(base_path: str, collection_id: object, tile_id: object, path: str) -> str:
    """The URL of one file: ``/`` kept as ``/``, every other reserved character percent-encoded."""
    return (
        files_url(base_path, collection_id, tile_id)
        + "/"
        + quote(validate_remote_path(path), safe="/")
    )


def validate_byte_range(start: object, end: object) -> tuple[int, int | None]:
    """``(start, end)`` of a read, with defaults: ``start`` 0, ``end`` None (to the end).

    Both are byte offsets, ``end`` inclusive like HTTP's ``Range: bytes=start-end``.
    """
    if start is None:
        start = 0
    if isinstance(start, bool) or not isinstance(start, int):
        raise SentinelHubValidationError(f"start must be an int, got {start!r}", field="start")
    if start < 0:
        raise SentinelHubValidationError(
            f"start must be >= 0, got {start} (to read the last bytes, get the size first)",
            field="start",
        )
    if end is None:
        return start, None
    if isinstance(end, bool) or not isinstance(end, int):
        raise SentinelHubValidationError(f"end must be an int or None, got {end!r}", field="end")
    if end < start:
        raise SentinelHubValidationError(
            f"end must be >= start (it is inclusive), got start={start}, end={end}", field="end"
        )
    return start, end


def local_target(directory: Path, remote_path: str) -> Path:
    """Where the tile file ``remote_path`` goes under ``directory``; never outside it.

    Absolute paths, drive letters, backslashes and ``.``/``..`` segments are refused with
    `DownloadError`: a path the server sends must not choose where on disk the file lands.
    """
    problem = None
    if not isinstance(remote_path, str) or not remote_path:
        problem = "it is empty"
    elif "\x00" in remote_path or "\\" in remote_path:
        problem = "it contains a backslash or a NUL character"
    elif remote_path.startswith("/") or ntpath.splitdrive(remote_path)[0]:
        problem = "it is absolute"
    elif any(part in ("", ".", "..") for part in remote_path.split("/")):
        problem = "it has empty, '.' or '..' segments"
    if problem is not None:
        raise DownloadError(
            f"refusing to download {remote_path!r}: {problem}, so it could land outside {directory}"
        )
    parts = PurePosixPath(remote_path).parts
    target = directory.joinpath(*parts)
    if not target.is_relative_to(directory):  # pragma: no cover - excluded by the checks above
        raise DownloadError(f"refusing to download {remote_path!r}: it leaves {directory}")
    return target


def part_path(destination: Path) -> Path:
    """``<destination>.part``: where the bytes go until the download is complete."""
    return destination.with_name(destination.name + PART_SUFFIX)


def sidecar_path(destination: Path) -> Path:
    """``<destination>.part.json``: what of the ``.part`` file is valid, for a resume."""
    return destination.with_name(destination.name + SIDECAR_SUFFIX)


# ------------------------------------------------------------------------------ response headers


def strong_etag(value: str | None) -> str | None:
    """The ETag if it is a strong one (``"..."``), else None: only strong tags guard ranges."""
    if value is None:
        return None
    value = value.strip()
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value
    return None


def parse_content_range(value: str | None) -> tuple[int, int, int | None] | None:
    """``(first, last, size)`` of ``Content-Range: bytes first-last/size`` (size None for ``*``)."""
    if value is None:
        return None
    match = _CONTENT_RANGE.match(value)
    if match is None:
        return None
    first, last, size = match.groups()
    if int(last) < int(first):
        return None
    return int(first), int(last), None if size == "*" else int(size)


def unsatisfied_size(value: str | None) -> int | None:
    """The size in ``Content-Range: bytes */size`` (the form a 416 answer carries)."""
    if value is None:
        return None
    match = _UNSATISFIED_RANGE.match(value)
    return None if match is None else int(match.group(1))


def content_length(headers: Mapping[str, str]) -> int | None:
    """``Content-Length`` as an int, or None when absent or not a number."""
    value = headers.get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


@dataclass(frozen=True)
class RemoteFile:
    """What a ``HEAD`` says about a tile file."""

    path: str
    size: int
    etag: str | None = None
    accept_ranges: bool = True


def remote_file_from_head(path: str, headers: Mapping[str, str]) -> RemoteFile | None:
    """`RemoteFile` from the headers of a ``HEAD``, or None when the size is missing."""
    size = content_length(headers)
    if size is None:
        return None
    accept = headers.get("accept-ranges", "").strip().lower()
    return RemoteFile(
        path=path, size=size, etag=strong_etag(headers.get("etag")), accept_ranges=accept != "none"
    )


# ----------------------------------------------------------------------------------- byte ranges


class ByteRanges:
    """A set of bytes as sorted, merged, half-open intervals ``[start, stop)``."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._ranges: list[tuple[int, int]] = []
        for start, stop in ranges:
            self.add(start, stop)

    def add(self, start: int, stop: int) -> None:
        """Add ``[start, stop)``, merging with what it touches."""
        if stop <= start:
            return
        merged: list[tuple[int, int]] = []
        placed = False
        for a, b in self._ranges:
            if b < start:
                merged.append((a, b))
            elif stop < a:
                if not placed:
                    merged.append((start, stop))
                    placed = True
                merged.append((a, b))
            else:
                start, stop = min(a, start), max(b, stop)
        if not placed:
            merged.append((start, stop))
        merged.sort()
        self._ranges = merged

    @property
    def ranges(self) -> list[tuple[int, int]]:
        """The intervals, sorted."""
        return list(self._ranges)

    def total(self) -> int:
        """How many bytes the set holds."""
        return sum(b - a for a, b in self._ranges)

    def missing(self, size: int) -> list[tuple[int, int]]:
        """The intervals of ``[0, size)`` not in the set."""
        gaps: list[tuple[int, int]] = []
        position = 0
        for a, b in self._ranges:
            if a >= size:
                break
            if a > position:
                gaps.append((position, a))
            position = max(position, b)
        if position < size:
            gaps.append((position, size))
        return gaps

    def covers(self, size: int) -> bool:
        """Whether every byte of ``[0, size)`` is in the set."""
        return not self.missing(size)

    def clear(self) -> None:
        """Forget every byte."""
        self._ranges = []

    def __repr__(self) -> str:
        return f"ByteRanges({self._ranges!r})"


# ---------------------------------------------------------------------------------------- progress


class ProgressAggregator:
    """Adds up bytes from many connections (threads or tasks) into one ``progress`` callback.

    The callback gets ``(done_bytes, total_bytes)``. It is called under a lock, so calls never
    overlap and ``done`` is reported in order; keep it quick. ``done`` goes down only when a
    download has to start over.
    """

    def __init__(self, callback: ProgressCallback | None, total: int = 0, done: int = 0) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self.total = total
        self.done = done

    def add_total(self, size: int) -> None:
        """Announce ``size`` more bytes to come (a file whose size became known)."""
        with self._lock:
            self.total += size

    def advance(self, count: int) -> None:
        """``count`` bytes more are done (negative: taken back by a restart)."""
        if count == 0:
            return
        with self._lock:
            self.done += count
            self._emit()

    def report(self) -> None:
        """Call the callback with the current figures (e.g. the bytes found on disk)."""
        with self._lock:
            self._emit()

    def _emit(self) -> None:
        if self._callback is not None:
            self._callback(self.done, self.total)


# ------------------------------------------------------------------------------------- segments


@dataclass
class Segment:
    """Bytes ``[start, stop)`` fetched by one request (and its retries); ``pos`` is the next byte
    to write."""

    start: int
    stop: int
    pos: int = field(init=False)

    def __post_init__(self) -> None:
        self.pos = self.start

    @property
    def finished(self) -> bool:
        """Whether every byte of the segment was written."""
        return self.pos >= self.stop


def plan_segments(missing: Sequence[tuple[int, int]], part_size: int) -> list[Segment]:
    """The missing intervals, each cut into segments of at most ``part_size`` bytes."""
    segments = []
    for start, stop in missing:
        count = max(1, math.ceil((stop - start) / part_size))
        step = math.ceil((stop - start) / count)  # equal parts rather than a small last one
        for first in range(start, stop, step):
            segments.append(Segment(first, min(stop, first + step)))
    return segments


# -------------------------------------------------------------------------------------- sidecar


@dataclass(frozen=True)
class Source:
    """Which remote file a download is of (recorded in the sidecar)."""

    collection_id: str
    tile_id: str
    path: str

    def note(self, status: int | None) -> str | None:
        """The hint added to an error about this file (see `file_note`)."""
        return file_note(status, self.path, *self.ids)

    @property
    def ids(self) -> tuple[str, str]:
        """``(collection_id, tile_id)``."""
        return self.collection_id, self.tile_id

    def to_json(self) -> dict[str, str]:
        """The JSON form."""
        return {"collection_id": self.collection_id, "tile_id": self.tile_id, "path": self.path}


def sidecar_payload(
    source: Source,
    size: int,
    etag: str | None,
    done: ByteRanges,
    *,
    synced: ByteRanges,
    boot_id: str | None,
) -> bytes:
    """The sidecar's content: what the ``.part`` file holds and of which version of the file.

    ``done``: bytes written (in the page cache at least); ``synced``: bytes flushed to the disk;
    ``boot_id``: the machine's boot, which tells which of the two a later run may trust.
    """
    document = {
        "format": SIDECAR_FORMAT,
        "source": source.to_json(),
        "size": size,
        "etag": etag,
        "done": [[a, b] for a, b in done.ranges],
        "synced": [[a, b] for a, b in synced.ranges],
        "boot_id": boot_id,
        "updated": time.time(),
    }
    return json.dumps(document, separators=(",", ":")).encode()


@dataclass(frozen=True)
class ResumePoint:
    """What may be kept from an earlier attempt: the bytes, those of them known to be on the
    disk, and the ETag they belong to."""

    done: ByteRanges
    etag: str | None
    reason: str
    synced: ByteRanges = field(default_factory=ByteRanges)


def resume_point(
    *,
    sidecar: bytes | None,
    part_size_on_disk: int | None,
    source: Source,
    remote: RemoteFile,
    boot_id: str | None,
) -> ResumePoint:
    """Whether the bytes of an earlier attempt can be kept, and which.

    They are kept only when the sidecar parses, names the same source, the same size and the
    same strong ETag as the server now gives (or the server gave none on ``HEAD``: the first
    ranged request then checks it with ``If-Range``), and the ``.part`` file has the full size.

    Within the same boot of the machine (``boot_id`` equal to the sidecar's), every byte the
    sidecar lists as written is kept: a crashed or killed process loses nothing the kernel
    accepted. After a reboot (or when the boot is unknown) only the bytes listed as flushed
    with ``fdatasync`` are kept; the others may not have reached the disk before a power cut.
    """

    def fresh(reason: str) -> ResumePoint:
        return ResumePoint(ByteRanges(), remote.etag, reason)

    if sidecar is None:
        return fresh("no earlier attempt")
    if part_size_on_disk is None:
        return fresh("the .part file is gone")
    try:
        document: Any = json.loads(sidecar)
        if not isinstance(document, dict) or document.get("format") != SIDECAR_FORMAT:
            return fresh("the sidecar is of another format")
        recorded_source = document["source"]
        size = document["size"]
        etag = document["etag"]
        done = ByteRanges((int(a), int(b)) for a, b in document["done"])
        synced = ByteRanges((int(a), int(b)) for a, b in document.get("synced", []))
        recorded_boot = document.get("boot_id")
    except (ValueError, KeyError, TypeError):
        return fresh("the sidecar is unreadable")
    if recorded_source != source.to_json():
        return fresh("the sidecar is of another file")
    if size != remote.size:
        return fresh(f"the file's size changed from {size} to {remote.size} bytes")
    if strong_etag(etag) is None:
        return fresh("the earlier attempt had no ETag to check the file against")
    if remote.etag is not None and etag != remote.etag:
        return fresh(f"the file changed on the server (ETag {etag} -> {remote.etag})")
    if not remote.accept_ranges:
        return fresh("the server does not serve byte ranges")
    if part_size_on_disk != remote.size:
        return fresh("the .part file does not have the file's size")
    if any(b > remote.size for _, b in done.ranges):
        return fresh("the sidecar lists bytes beyond the end of the file")
    same_boot = boot_id is not None and recorded_boot == boot_id
    kept = done if same_boot else synced
    if not kept.ranges:
        return fresh("the machine restarted since, and no bytes had been flushed to disk")
    why = "" if same_boot else " (flushed before the machine restarted)"
    reason = f"{kept.total()} of {remote.size} bytes already on disk{why}"
    return ResumePoint(kept, etag, reason, synced=synced)


# -------------------------------------------------------------------------------------- the job


@dataclass(frozen=True)
class Checkpoint:
    """A sidecar write: ``durable`` ones flush the ``.part`` file first; ``written`` is what
    was written when it began (what such a flush covers)."""

    durable: bool
    written: ByteRanges


class FileJob:
    """The state of one file's download, shared by its connections (thread-safe).

    It knows the planned size and ETag, which bytes are written, and when a sidecar is due; it
    checks each answer before its body is used. The shells do the I/O.
    """

    def __init__(
        self,
        *,
        source: Source,
        destination: Path,
        remote: RemoteFile,
        progress: ProgressAggregator,
        policy: RetryPolicy,
        url: str,
        ranged: bool = True,
        boot_id: str | None = None,
    ) -> None:
        self.source = source
        self.boot_id = boot_id
        self.destination = destination
        self.part = part_path(destination)
        self.sidecar = sidecar_path(destination)
        self.url = url
        self.policy = policy
        self.progress = progress
        self.size = remote.size
        self.etag = remote.etag
        self.ranged = ranged and remote.accept_ranges
        self.done = ByteRanges()
        self.synced = ByteRanges()
        self._lock = threading.Lock()
        self._checkpointing = False
        self._last_checkpoint = self._last_durable = time.monotonic()
        self._dirty = False

    # -- planning

    def resume_from(self, point: ResumePoint) -> None:
        """Take over the bytes an earlier attempt wrote (see `resume_point`)."""
        with self._lock:
            self.done = ByteRanges(point.done.ranges)
            self.synced = ByteRanges(point.synced.ranges)
            self.etag = point.etag if point.etag is not None else self.etag
        self.progress.advance(self.done.total())

    def segments(self, part_size: int) -> list[Segment]:
        """What is left to fetch, as segments (one stream when ranges are not used)."""
        if not self.ranged:
            return [Segment(0, self.size)] if self.size else []
        return plan_segments(self.done.missing(self.size), part_size)

    def request_headers(self, segment: Segment) -> dict[str, str]:
        """Headers of the request for what is left of ``segment``."""
        headers = {"Accept-Encoding": "identity"}
        if self.ranged and not (segment.pos == 0 and segment.stop == self.size):
            headers["Range"] = f"bytes={segment.pos}-{segment.stop - 1}"
            if self.etag is not None:
                headers["If-Range"] = self.etag
        return headers

    # -- checking answers

    def check_response(
        self, segment: Segment, status: int, headers: Mapping[str, str], sent_range: bool
    ) -> None:
        """Raise `Anomaly` unless the answer holds exactly the bytes asked for, of this file."""
        etag = strong_etag(headers.get("etag"))
        if status == 416:
            size = unsatisfied_size(headers.get("content-range"))
            raise Anomaly(
                "changed",
                f"the server refused bytes {segment.pos}-{segment.stop - 1} as out of range"
                + (
                    f" (the file now has {size} bytes, not {self.size})" if size is not None else ""
                ),
            )
        self._check_etag(etag)
        if status == 200:
            if sent_range:
                raise Anomaly(
                    "no-ranges",
                    f"the server answered 200 (the whole file) to a request for bytes "
                    f"{segment.pos}-{segment.stop - 1}",
                )
            length = content_length(headers)
            if length is not None and length != self.size:
                raise Anomaly(
                    "changed", f"the file's size changed from {self.size} to {length} bytes"
                )
            return
        if status != 206:
            raise Anomaly("bad-range", f"unexpected HTTP {status} to a file download")
        parsed = parse_content_range(headers.get("content-range"))
        wanted = f"bytes {segment.pos}-{segment.stop - 1}/{self.size}"
        if parsed is None:
            raise Anomaly(
                "bad-range",
                f"206 with an unreadable Content-Range {headers.get('content-range')!r}; "
                f"expected {wanted!r}",
            )
        first, last, size = parsed
        if size is not None and size != self.size:
            raise Anomaly("changed", f"the file's size changed from {self.size} to {size} bytes")
        if first != segment.pos or last != segment.stop - 1:
            raise Anomaly(
                "bad-range",
                f"asked for bytes {segment.pos}-{segment.stop - 1}, the server sent "
                f"Content-Range {headers.get('content-range')!r}; expected {wanted!r}",
            )

    def _check_etag(self, etag: str | None) -> None:
        if etag is None:
            return
        with self._lock:
            if self.etag is None:
                self.etag = etag
                return
            if etag != self.etag:
                raise Anomaly(
                    "changed", f"the file changed on the server (ETag {self.etag} -> {etag})"
                )

    def check_finished(self, segment: Segment) -> None:
        """After an answer's body: a segment still missing bytes is a short answer
        (``httpx.RemoteProtocolError``, so that the transport retries from ``segment.pos``)."""
        if not segment.finished:
            raise httpx.RemoteProtocolError("the body ended before the range did")

    def check_overrun(self, segment: Segment, received: int) -> None:
        """Raise `Anomaly` when an answer brings more bytes than its segment."""
        if segment.pos + received > segment.stop:
            raise Anomaly(
                "bad-range",
                f"the server sent more than the {segment.stop - segment.start} bytes asked for "
                f"(bytes {segment.start}-{segment.stop - 1})",
            )

    # -- bookkeeping

    def record(self, segment: Segment, count: int) -> None:
        """``count`` bytes at ``segment.pos`` are written to the ``.part`` file."""
        with self._lock:
            self.done.add(segment.pos, segment.pos + count)
            self._dirty = True
        segment.pos += count
        self.progress.advance(count)

    def forget(self) -> None:
        """Start over: nothing on disk counts any more (the shells empty the ``.part`` file)."""
        with self._lock:
            lost = self.done.total()
            self.done.clear()
            self.synced.clear()
            self._dirty = True
        self.progress.advance(-lost)

    def replan(self, remote: RemoteFile, *, ranged: bool) -> None:
        """Start over against what a new ``HEAD`` says (after `forget`)."""
        if remote.size != self.size:
            self.progress.add_total(remote.size - self.size)
        with self._lock:
            self.size = remote.size
            self.etag = remote.etag
            self.ranged = ranged and remote.accept_ranges

    def begin_checkpoint(self, *, force: bool = False) -> Checkpoint | None:
        """A sidecar write to do now, or None when none is due (or one is under way).

        One is due every `CHECKPOINT_INTERVAL` seconds while bytes come in, or when ``force``
        is set and something changed. It is *durable* (the shell flushes the ``.part`` file
        before writing the sidecar) every `DURABLE_INTERVAL` seconds (every
        `UNKNOWN_BOOT_DURABLE_INTERVAL` seconds, and at a forced checkpoint, when the boot of
        the machine is unknown).
        Call `checkpoint_payload`, then `end_checkpoint`.
        """
        now = time.monotonic()
        with self._lock:
            if self._checkpointing or not self._dirty or not self.ranged:
                return None
            if not force and now - self._last_checkpoint < CHECKPOINT_INTERVAL:
                return None
            self._checkpointing = True
            self._dirty = False
            if self.boot_id is None:  # only flushed bytes will count: flush the last one too
                durable = force or now - self._last_durable >= UNKNOWN_BOOT_DURABLE_INTERVAL
            else:
                durable = now - self._last_durable >= DURABLE_INTERVAL
            return Checkpoint(durable=durable, written=ByteRanges(self.done.ranges))

    def checkpoint_payload(self, checkpoint: Checkpoint, *, flushed: bool) -> bytes:
        """The sidecar of ``checkpoint``; ``flushed``: the ``.part`` file was flushed after it
        began, so the bytes written by then are on the disk."""
        with self._lock:
            if flushed:
                for start, stop in checkpoint.written.ranges:
                    self.synced.add(start, stop)
                self._last_durable = time.monotonic()
            return sidecar_payload(
                self.source,
                self.size,
                self.etag,
                self.done,
                synced=self.synced,
                boot_id=self.boot_id,
            )

    def end_checkpoint(self, *, written: bool) -> None:
        """The sidecar from `begin_checkpoint` was written (or failed to be)."""
        with self._lock:
            self._checkpointing = False
            self._last_checkpoint = time.monotonic()
            if not written:
                self._dirty = True

    def verify_complete(self, size_on_disk: int) -> None:
        """Raise `DownloadError` unless every byte is written and the ``.part`` has the size."""
        with self._lock:
            missing = self.done.missing(self.size)
        if missing:
            raise DownloadError(
                f"download of {self.source.path} to {self.destination} is incomplete: "
                f"bytes {missing[:3]}{'...' if len(missing) > 3 else ''} are missing"
            )
        if size_on_disk != self.size:
            raise DownloadError(
                f"download of {self.source.path} to {self.destination}: the file has "
                f"{size_on_disk} bytes, the server announced {self.size}"
            )


def anomaly_error(job: FileJob, first: Anomaly, second: Anomaly) -> DownloadError:
    """The error after an anomaly survived the one restart from zero."""
    return DownloadError(
        f"downloading {job.source.path} to {job.destination} failed: {second.message} "
        f"(after starting over once because {first.message}); "
        "the file may be changing on the server, try again later"
    )


# ----------------------------------------------------------------------------- range reads


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


def file_note(status: int | None, path: str, collection_id: object, tile_id: object) -> str | None:
    """A hint appended to errors about a tile file (404 has several causes)."""
    if status == 404:
        return (
            f"no file {path!r} in tile {tile_id} of collection {collection_id}, no such tile or "
            "collection, or the collection was not made by a Planet subscription or order "
            "(only those have files)"
        )
    if status == 416:
        return "the range starts beyond the end of the file; get its size first"
    return None


def listing_note(status: int | None, collection_id: object, tile_id: object) -> str | None:
    """A hint for errors of the file listing."""
    if status == 404:
        return (
            f"no tile {tile_id} in collection {collection_id}, or the collection was not made "
            "by a Planet subscription or order (only those have files)"
        )
    return None


def parse_listing(body: Any) -> list[str]:
    """The file listing's body (a JSON array of strings), checked."""
    if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
        raise TypeError(f"expected a JSON array of file paths, got {type(body).__name__}")
    return list(body)


# ------------------------------------------------------------------------------------- whole tiles


def tile_failure(
    failures: Mapping[str, BaseException], targets: Sequence[tuple[str, Path]]
) -> TileDownloadError:
    """The error of a tile download where some files failed."""
    details = "; ".join(f"{path}: {error}" for path, error in list(failures.items())[:5])
    more = f"; and {len(failures) - 5} more" if len(failures) > 5 else ""
    completed = [target for path, target in targets if path not in failures]
    return TileDownloadError(
        f"{len(failures)} of {len(targets)} files failed to download: {details}{more}. "
        "Run the download again to resume them",
        failures=failures,
        completed=completed,
    )


def tile_targets(directory: Path, files: Iterable[str]) -> list[tuple[str, Path]]:
    """Each remote path with its local path under ``directory`` (checked), without repeats."""
    if isinstance(files, str):
        raise SentinelHubValidationError("files must be a list of paths, not one string")
    seen: dict[str, Path] = {}
    for path in files:
        if not isinstance(path, str):
            raise SentinelHubValidationError(f"files must hold path strings, got {path!r}")
        if path not in seen:
            seen[path] = local_target(directory, path)
    return list(seen.items())


# ------------------------------------------------------------------------------------- the calls
#: Every file request asks for the bytes as stored: sizes and ranges are those of the file.
IDENTITY: Final = {"Accept-Encoding": "identity"}


def listing_call(
    base_path: str, collection_id: object, tile_id: object, policy: RetryPolicy
) -> Call[httpx.Response]:
    """The request listing a tile's files (read the answer with `parse_listing_response`)."""
    return Call(
        request={
            "method": "GET",
            "url": files_url(base_path, collection_id, tile_id),
            "headers": IDENTITY,
        },
        parse=as_response,
        retry=policy,
        follow_redirects=True,
        note=lambda status: listing_note(status, collection_id, tile_id),
    )


def head_call(base_path: str, source: Source, policy: RetryPolicy) -> Call[httpx.Response]:
    """The ``HEAD`` of one file (read the answer with `remote_file_of`)."""
    return Call(
        request={
            "method": "HEAD",
            "url": file_url(base_path, source.collection_id, source.tile_id, source.path),
            "headers": IDENTITY,
        },
        parse=as_response,
        retry=policy,
        follow_redirects=True,
        note=source.note,
    )


def range_call(url: str, plan: RangeRead, source: Source, policy: RetryPolicy) -> Call[Any]:
    """The streamed ``GET`` of a range read: each attempt asks for what is left of the range
    (``Range``/``If-Range`` from ``plan``), and bytes that arrived renew the retry budget."""
    return Call(
        request={"method": "GET", "url": url},
        parse=as_response,
        stream=True,
        retry=policy,
        headers=plan.request_headers,
        progress=lambda: plan.pos,
        follow_redirects=True,
        note=source.note,
    )


def segment_call(url: str, job: FileJob, segment: Segment) -> Call[Any]:
    """The streamed ``GET`` of one segment of a download: each attempt asks for what is left of
    it, a 416 is checked by the reader (the file shrank), and bytes written renew the budget."""
    return Call(
        request={"method": "GET", "url": url},
        parse=as_response,
        stream=True,
        retry=job.policy,
        headers=lambda: job.request_headers(segment),
        accept=frozenset({416}),
        progress=lambda: segment.pos,
        follow_redirects=True,
        note=job.source.note,
    )


def parse_listing_response(response: httpx.Response) -> list[str]:
    """The paths of a listing's answer, or `APIResponseValidationError`."""
    try:
        return parse_listing(response.json())
    except (ValueError, TypeError) as exc:
        raise APIResponseValidationError(
            f"the file listing is not a JSON array of paths ({exc})",
            status=response.status_code,
            method="GET",
            url=str(response.request.url),
            body=response.text[:2000],
            request_id=request_id_of(response.headers),
        ) from exc


def remote_file_of(path: str, response: httpx.Response) -> RemoteFile:
    """What a ``HEAD`` answer says about a file, or `APIResponseValidationError`."""
    remote = remote_file_from_head(path, response.headers)
    if remote is None:
        raise APIResponseValidationError(
            f"HEAD of {path!r} gave no usable Content-Length",
            status=response.status_code,
            method="HEAD",
            url=str(response.request.url),
            request_id=request_id_of(response.headers),
        )
    return remote
