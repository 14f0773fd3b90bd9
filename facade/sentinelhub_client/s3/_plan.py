"""Upload planning: everything that needs neither boto3 nor the network.

Where a tile's files go, how a file is cut into parts, whether an object already in the bucket
is the same file (and may be skipped), and whether an unfinished multipart upload may be resumed.
The sync shell (`sentinelhub_client.s3._sync`) sends the requests.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final, Literal

from sentinelhub_client._core.errors import SentinelHubValidationError

__all__ = [
    "CHECKSUM_FIELDS",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MULTIPART_THRESHOLD",
    "DEFAULT_PART_SIZE",
    "MAX_PARTS",
    "SHA256_METADATA_KEY",
    "LocalFile",
    "Part",
    "S3Location",
    "TransferConfig",
    "UploadReport",
    "UploadedObject",
    "collect_files",
    "digest_file",
    "is_same_object",
    "plan_parts",
    "resumable_parts",
]

#: Files larger than this go up in parts. 16 MiB: every request (a whole small file, or one
#: part) is held in memory while it is sent, so memory stays under ``max_concurrency`` x 16 MiB.
DEFAULT_MULTIPART_THRESHOLD: Final = 16 << 20
#: Bytes per part of a multipart upload. AWS S3 wants at least 5 MiB for every part but the last;
#: 16 MiB keeps a retried part cheap and covers files up to 156 GiB within the 10,000-part limit
#: (larger files get larger parts automatically).
DEFAULT_PART_SIZE: Final = 16 << 20
#: Requests in flight at once (files or parts). Eight saturates a typical uplink to S3.
DEFAULT_CONCURRENCY: Final = 8
#: S3's limit on the number of parts of one object.
MAX_PARTS: Final = 10_000
#: The user-metadata key (``x-amz-meta-sha256``) that holds the SHA-256 of the whole file, in hex.
SHA256_METADATA_KEY: Final = "sha256"
#: The per-part checksum fields S3 returns and expects back when a multipart upload completes.
CHECKSUM_FIELDS: Final = (
    "ChecksumCRC32",
    "ChecksumCRC32C",
    "ChecksumCRC64NVME",
    "ChecksumSHA1",
    "ChecksumSHA256",
)

ChecksumAlgorithm = Literal["CRC32", "CRC32C", "SHA1", "SHA256"]

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_READ_CHUNK = 1 << 20


def _positive_int(name: str, value: object, minimum: int = 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise SentinelHubValidationError(
            f"{name} must be an int >= {minimum}, got {value!r}", field=name
        )
    return value


@dataclass(frozen=True, slots=True)
class TransferConfig:
    """How files travel: when to use multipart, part size, how many requests at once.

    Attributes:
        multipart_threshold: files larger than this many bytes are uploaded in parts.
        part_size: bytes per part (AWS S3 requires at least 5 MiB for every part but the last;
            it grows automatically when a file would need more than 10,000 parts).
        max_concurrency: requests (whole files or parts) in flight at once.
        checksum_algorithm: the checksum S3 verifies for every request and part (``None``: only
            what botocore adds by default, for stores that do not know flexible checksums).
        max_attempts: attempts per request, retries included (botocore's standard retry mode).
    """

    multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD
    part_size: int = DEFAULT_PART_SIZE
    max_concurrency: int = DEFAULT_CONCURRENCY
    checksum_algorithm: ChecksumAlgorithm | None = "CRC32"
    max_attempts: int = 5

    def __post_init__(self) -> None:
        _positive_int("multipart_threshold", self.multipart_threshold, 0)
        _positive_int("part_size", self.part_size)
        _positive_int("max_concurrency", self.max_concurrency)
        _positive_int("max_attempts", self.max_attempts)
        if self.checksum_algorithm not in (None, "CRC32", "CRC32C", "SHA1", "SHA256"):
            raise SentinelHubValidationError(
                "checksum_algorithm must be one of 'CRC32', 'CRC32C', 'SHA1', 'SHA256' or None,"
                f" got {self.checksum_algorithm!r}",
                field="checksum_algorithm",
            )


@dataclass(frozen=True, slots=True)
class S3Location:
    """A bucket and a key prefix (no leading or trailing slash; empty for the bucket's root)."""

    bucket: str
    prefix: str = ""

    @classmethod
    def parse(cls, url: str | S3Location) -> S3Location:
        """``s3://bucket`` or ``s3://bucket/some/prefix/`` -> `S3Location`."""
        if isinstance(url, S3Location):
            return url
        if not isinstance(url, str) or not url.startswith("s3://"):
            raise SentinelHubValidationError(
                f"destination must be an s3://BUCKET/PREFIX URL, got {url!r}",
                field="destination",
            )
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not _BUCKET.match(bucket) or ".." in bucket:
            raise SentinelHubValidationError(
                f"destination names an invalid bucket {bucket!r}: 3 to 63 characters of"
                " lowercase letters, digits, dots and hyphens, starting and ending with a letter"
                " or digit",
                field="destination",
            )
        prefix = prefix.strip("/")
        parts = prefix.split("/") if prefix else []
        if any(part in ("", ".", "..") for part in parts) or "\x00" in prefix:
            raise SentinelHubValidationError(
                f"destination has an empty, '.' or '..' segment in its prefix: {url!r}",
                field="destination",
            )
        return cls(bucket, prefix)

    def key(self, relative: str) -> str:
        """The object key of a file at ``relative`` (a POSIX path) under the prefix."""
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file to upload: where it is, its name under the prefix, its size when listed."""

    path: Path
    relative: str
    size: int


def collect_files(
    source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[LocalFile]:
    """The files to upload, in a stable order.

    A folder gives every regular file under it (recursively; the key keeps the sub-folders); a
    file gives itself; a list of files gives each under its own name (names must differ).
    """
    if isinstance(source, str | os.PathLike):
        root = Path(source)
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if p.is_file())
            if not found:
                raise SentinelHubValidationError(
                    f"source folder {root} has no files", field="source"
                )
            return [
                LocalFile(p, PurePosixPath(*p.relative_to(root).parts).as_posix(), p.stat().st_size)
                for p in found
            ]
        paths = [root]
    else:
        paths = [Path(p) for p in source]
        if not paths:
            raise SentinelHubValidationError("source lists no files", field="source")
    files: list[LocalFile] = []
    seen: dict[str, Path] = {}
    for path in paths:
        if not path.is_file():
            raise SentinelHubValidationError(
                f"source {path} is not a file or a folder", field="source"
            )
        if path.name in seen:
            raise SentinelHubValidationError(
                f"source has two files named {path.name!r} ({seen[path.name]} and {path});"
                " they would land on the same key",
                field="source",
            )
        seen[path.name] = path
        files.append(LocalFile(path, path.name, path.stat().st_size))
    return files


@dataclass(frozen=True, slots=True)
class Part:
    """Bytes ``[offset, offset + size)`` of a file, sent as part ``number`` (from 1)."""

    number: int
    offset: int
    size: int


def plan_parts(size: int, part_size: int) -> list[Part]:
    """Cut ``size`` bytes into parts of ``part_size`` (grown when more than 10,000 are needed)."""
    if size > part_size * MAX_PARTS:
        part_size = math.ceil(size / MAX_PARTS / (1 << 20)) << 20
    count = max(1, math.ceil(size / part_size))
    return [Part(n + 1, n * part_size, min(part_size, size - n * part_size)) for n in range(count)]


def digest_file(path: Path, parts: Sequence[Part] = ()) -> tuple[str, list[str]]:
    """The SHA-256 of the whole file and the MD5 of each part (hex), in one read."""
    whole = hashlib.sha256()
    md5s: list[str] = []
    bounds = [(p.offset, p.offset + p.size) for p in parts]
    with path.open("rb") as stream:
        if not bounds:
            while chunk := stream.read(_READ_CHUNK):
                whole.update(chunk)
            return whole.hexdigest(), md5s
        for start, stop in bounds:
            part = hashlib.md5(usedforsecurity=False)
            position = start
            while position < stop:
                chunk = stream.read(min(_READ_CHUNK, stop - position))
                if not chunk:
                    break
                whole.update(chunk)
                part.update(chunk)
                position += len(chunk)
            md5s.append(part.hexdigest())
    return whole.hexdigest(), md5s


def is_same_object(head: Mapping[str, Any] | None, size: int, sha256: str) -> bool:
    """Whether an object (a ``HeadObject`` answer, ``None`` if absent) holds this very file.

    The rule: same size, and the object's ``sha256`` user metadata equals the file's SHA-256.
    An object without that metadata (written by another tool) is never taken as the same.
    """
    if head is None or head.get("ContentLength") != size:
        return False
    metadata = head.get("Metadata") or {}
    return str(metadata.get(SHA256_METADATA_KEY, "")).lower() == sha256


def resumable_parts(
    listed: Iterable[Mapping[str, Any]], parts: Sequence[Part], md5s: Sequence[str]
) -> dict[int, dict[str, Any]] | None:
    """The parts of an unfinished upload that hold the right bytes, or ``None`` if any does not.

    A listed part counts only if its number, size and ETag (the MD5 of its bytes) match the plan
    for this file; one mismatch (another part size, a changed file, an encrypted store whose
    ETags are not MD5s) condemns the whole upload, which is then aborted and started afresh.
    The result maps part numbers to the entries ``CompleteMultipartUpload`` needs.
    """
    done: dict[int, dict[str, Any]] = {}
    for entry in listed:
        number = entry.get("PartNumber")
        if not isinstance(number, int) or not 1 <= number <= len(parts):
            return None
        etag = str(entry.get("ETag", "")).strip('"').lower()
        if entry.get("Size") != parts[number - 1].size or etag != md5s[number - 1]:
            return None
        done[number] = completed_part(number, entry)
    return done


def completed_part(number: int, answer: Mapping[str, Any]) -> dict[str, Any]:
    """The ``CompleteMultipartUpload`` entry of a part, from its ``UploadPart`` or
    ``ListParts`` answer (ETag and any checksum)."""
    entry: dict[str, Any] = {"PartNumber": number, "ETag": answer["ETag"]}
    entry.update({name: answer[name] for name in CHECKSUM_FIELDS if answer.get(name)})
    return entry


@dataclass(frozen=True, slots=True)
class UploadedObject:
    """One file of an upload and what happened to it.

    ``status``: ``"uploaded"`` (sent now), ``"resumed"`` (an interrupted multipart upload was
    finished) or ``"skipped"`` (the same bytes were already there).
    """

    path: Path
    key: str
    size: int
    sha256: str
    status: Literal["uploaded", "resumed", "skipped"]


@dataclass(frozen=True, slots=True)
class UploadReport:
    """What an upload did. ``bytes_sent`` counts the payload bytes sent in this run."""

    location: S3Location
    objects: tuple[UploadedObject, ...] = field(default=())
    bytes_sent: int = 0

    @property
    def uploaded(self) -> list[UploadedObject]:
        """The files sent in this run (``uploaded`` or ``resumed``)."""
        return [o for o in self.objects if o.status != "skipped"]

    @property
    def skipped(self) -> list[UploadedObject]:
        """The files found already in place."""
        return [o for o in self.objects if o.status == "skipped"]

    def urls(self) -> list[str]:
        """``s3://bucket/key`` of every file, in the order of the source."""
        return [f"s3://{self.location.bucket}/{o.key}" for o in self.objects]
