"""Tile file downloads: the state of one file's download, shared by its connections, and the
checks of every answer before a byte of it is written (no I/O).

Every answer is checked before a byte of it is written (`FileJob.check_response`): a ``200`` to
a range request, a ``Content-Range`` other than the one asked for, a size or an ETag other than
the planned one are *anomalies*. An anomaly stops the transfer; the download then starts over
from zero once (without ranges if the server ignores them, see `start_over`) and raises
`DownloadError` if it happens again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import httpx

from sentinelhub_client._core.errors import DownloadError
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client.byoc.files.calls import (
    RemoteFile,
    content_length,
    parse_content_range,
    strong_etag,
    unsatisfied_size,
)
from sentinelhub_client.byoc.files.paths import Source, part_path, sidecar_path
from sentinelhub_client.byoc.files.progress import ProgressAggregator
from sentinelhub_client.byoc.files.ranges import ByteRanges, Segment, plan_segments
from sentinelhub_client.byoc.files.state import (
    CHECKPOINT_INTERVAL,
    DURABLE_INTERVAL,
    UNKNOWN_BOOT_DURABLE_INTERVAL,
    Checkpoint,
    ResumePoint,
    sidecar_payload,
)

__all__ = ["Anomaly", "AnomalyKind", "FileJob", "SegmentBody", "anomaly_error", "start_over"]

AnomalyKind = Literal["changed", "no-ranges", "bad-range"]


class Anomaly(Exception):
    """An answer that cannot be trusted: the download starts over (once, see `start_over`) or
    raises `DownloadError`."""

    def __init__(self, kind: AnomalyKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


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


def start_over(job: FileJob, first: Anomaly | None, anomaly: Anomaly) -> bool:
    """Whether the attempt from zero after ``anomaly`` may use ranges (not when the server ignores
    them); `DownloadError` when the download already started over once, because of ``first``."""
    if first is not None:
        raise anomaly_error(job, first, anomaly) from anomaly
    return job.ranged and anomaly.kind != "no-ranges"


class SegmentBody:
    """The body of one answer for a segment, checked and gathered into writes of at least
    ``chunk_size`` bytes (the shells read it and write what `take` gives)."""

    def __init__(self, job: FileJob, segment: Segment, chunk_size: int) -> None:
        self.job = job
        self.segment = segment
        self.chunk_size = chunk_size
        self._chunks: list[bytes] = []
        self._size = 0
        # The chunks of the last write stay referenced until the next one: freeing each write's
        # megabyte at once lets malloc hand its pages back to the system and fault fresh ones
        # in for the next (a 4-range download in scripts/bench_download.py ran ~20% slower).
        self._written: list[bytes] = []

    def begin(self, response: httpx.Response) -> None:
        """Check the answer before its body is read (`FileJob.check_response`)."""
        sent_range = "Range" in response.request.headers
        self.job.check_response(self.segment, response.status_code, response.headers, sent_range)

    def feed(self, data: bytes) -> bool:
        """Keep ``data``; whether a write is due. Raises `Anomaly`, dropping what it kept, when the
        answer brings more bytes than the segment."""
        if not data:
            return False
        try:
            self.job.check_overrun(self.segment, self._size + len(data))
        except Anomaly:
            self.take()
            raise
        self._chunks.append(data)
        self._size += len(data)
        return self._size >= self.chunk_size

    def take(self) -> list[bytes]:
        """What was kept (to write now at ``segment.pos``), and forget it."""
        chunks, self._chunks, self._size = self._chunks, [], 0
        self._written = chunks
        return chunks
