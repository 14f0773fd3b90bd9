"""Tile file downloads: the resume state, that is what the sidecar ``<destination>.part.json``
says of the ``.part`` file, whether a new attempt may trust it, and when it is written (no I/O)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Final

from sentinelhub_client.byoc.files.calls import RemoteFile, strong_etag
from sentinelhub_client.byoc.files.paths import Source
from sentinelhub_client.byoc.files.ranges import ByteRanges

__all__ = [
    "CHECKPOINT_INTERVAL",
    "DURABLE_INTERVAL",
    "SIDECAR_FORMAT",
    "UNKNOWN_BOOT_DURABLE_INTERVAL",
    "Checkpoint",
    "ResumePoint",
    "resume_point",
    "sidecar_payload",
]

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


@dataclass(frozen=True)
class Checkpoint:
    """A sidecar write: ``durable`` ones flush the ``.part`` file first; ``written`` is what
    was written when it began (what such a flush covers)."""

    durable: bool
    written: ByteRanges
