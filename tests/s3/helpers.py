"""Shared bits of the S3 upload tests: a tile folder, small transfer settings, a request log,
and a way to run the sync or the async uploader from the same async test."""

from __future__ import annotations

import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from sentinelhub_client.s3 import AsyncS3Uploader, S3Uploader, TransferConfig, UploadReport

from tests.support.s3 import S3Server

#: Small sizes so that the tests move around a megabyte, not hundreds.
THRESHOLD = 256 * 1024
PART = 96 * 1024
CONFIG = TransferConfig(multipart_threshold=THRESHOLD, part_size=PART, max_concurrency=4)

#: File sizes around the multipart threshold (and an empty file, and one in a sub-folder).
SIZES = {
    "empty.bin": 0,
    "small.tif": 1_000,
    "below.tif": THRESHOLD - 1,
    "at.tif": THRESHOLD,
    "above.tif": THRESHOLD + 1,
    "large.tif": 4 * PART + 17,
    "masks/cloud.tif": 3 * PART,
}
MULTIPART = {"above.tif", "large.tif", "masks/cloud.tif"}


def parts_of(size: int) -> int:
    return -(-size // PART)


def make_tile(root: Path, seed: int = 0) -> Path:
    """A tile folder with `SIZES` files of pseudo-random bytes."""
    import random

    rng = random.Random(seed)
    for name, size in SIZES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(size))
    return root


class RequestLog:
    """The S3 operations a boto3 client sends (names like ``PutObject``), counted."""

    def __init__(self, client: Any) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        client.meta.events.register("before-call.s3.*", self._record)

    def _record(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls[model.name] += 1

    def writes(self) -> int:
        names = ("PutObject", "UploadPart", "CreateMultipartUpload", "CompleteMultipartUpload")
        return sum(self.calls[name] for name in names)


def make_uploader(server: S3Server, flavour: str, **options: Any) -> S3Uploader | AsyncS3Uploader:
    options.setdefault("config", CONFIG)
    cls = AsyncS3Uploader if flavour == "async" else S3Uploader
    return cls(endpoint_url=server.endpoint_url, **options)


async def upload(uploader: S3Uploader | AsyncS3Uploader, *args: Any, **kwargs: Any) -> UploadReport:
    if isinstance(uploader, AsyncS3Uploader):
        return await uploader.upload_tile(*args, **kwargs)
    return uploader.upload_tile(*args, **kwargs)


async def check(uploader: S3Uploader | AsyncS3Uploader, destination: str) -> None:
    if isinstance(uploader, AsyncS3Uploader):
        await uploader.check(destination)
    else:
        uploader.check(destination)


def remote_files(server: S3Server, bucket: str, prefix: str) -> dict[str, bytes]:
    """Every object under ``prefix/`` and its bytes, keyed by the path below the prefix."""
    client = server.client()
    found: dict[str, bytes] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            found[key.removeprefix(prefix + "/")] = server.read(bucket, key)
    return found


def local_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def same_size_change(path: Path) -> None:
    """Change a file's bytes, keeping its size (so only the checksum tells)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path)
