"""Where a bucket's objects live: a local folder (the default) or a bucket, optionally under a
prefix, on an S3-compatible endpoint.

Services reach objects through the few operations of `Bucket`, with bucket-relative POSIX keys
(``2024/05/tile_B01.tif``). A key that is absolute, has empty, ``.`` or ``..`` parts or a
backslash is refused with `BucketPathError` by both kinds, so no request can reach outside its
bucket (or, on S3, outside the configured prefix). GDAL reads go through `Bucket.gdal_path`
inside `Bucket.gdal_env`: a local path, or ``/vsis3/BUCKET/KEY`` with the endpoint's options set
for that block only.

S3 credentials come from the standard AWS sources (environment variables, the shared files,
``--s3-profile``); they are never logged and never part of a repr.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from sentinelhub_emulator.core import logredact

__all__ = [
    "Bucket",
    "BucketPathError",
    "BucketUnavailableError",
    "FolderBucket",
    "ObjectInfo",
    "S3Bucket",
    "S3Location",
    "check_key",
    "open_bucket",
    "parse_s3_location",
]


class BucketPathError(ValueError):
    """A key that could leave its bucket (or its prefix)."""


class BucketUnavailableError(OSError):
    """The S3 endpoint could not be reached or refused the request (what and where, never a
    credential)."""


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    etag: str
    mtime: float


def check_key(key: str) -> str:
    """``key`` if it is a relative ``/``-separated path that stays inside its bucket."""
    if not key or key.startswith("/") or "\\" in key or "\x00" in key:
        raise BucketPathError(f"the key {key!r} must be a relative path inside the bucket")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise BucketPathError(f"the key {key!r} has an empty, '.' or '..' part")
    return key


class Bucket(Protocol):
    """The operations the services need from a bucket."""

    def describe(self) -> str: ...

    def available(self) -> bool: ...

    def gdal_path(self, key: str) -> str: ...

    def gdal_env(self) -> contextlib.AbstractContextManager[Any]: ...

    def stat(self, key: str) -> ObjectInfo | None: ...

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes: ...

    def open_reader(self, key: str) -> tuple[BinaryIO, int]: ...

    def list(self, prefix: str = "") -> list[str]: ...

    def write(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...


# ---------------------------------------------------------------------------------------------
# Folders


@dataclass(frozen=True)
class FolderBucket:
    """A bucket kept as a local folder; symbolic links that lead out of it are refused."""

    root: Path

    def describe(self) -> str:
        return str(self.root)

    def available(self) -> bool:
        return self.root.is_dir()

    def path(self, key: str) -> Path:
        """The real location of ``key``, never outside the folder."""
        check_key(key)
        root = self.root.resolve()
        target = (root / key).resolve()
        if not target.is_relative_to(root) or target == root:
            raise BucketPathError(f"the key {key!r} leads outside the bucket")
        return target

    def gdal_path(self, key: str) -> str:
        return str(self.path(key))

    def gdal_env(self) -> contextlib.AbstractContextManager[Any]:
        return contextlib.nullcontext()

    def stat(self, key: str) -> ObjectInfo | None:
        try:
            target = self.path(key)
            if not target.is_file():
                return None
            st = target.stat()
        except OSError:
            return None
        tag = hashlib.md5(
            f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}".encode(), usedforsecurity=False
        ).hexdigest()
        return ObjectInfo(st.st_size, tag, st.st_mtime)

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        with self.path(key).open("rb") as fh:
            fh.seek(start)
            return fh.read() if end is None else fh.read(max(0, end - start))

    def open_reader(self, key: str) -> tuple[BinaryIO, int]:
        target = self.path(key)
        return target.open("rb"), target.stat().st_size

    def list(self, prefix: str = "") -> list[str]:
        root = self.root.resolve()
        base = self.path(prefix.strip("/")) if prefix.strip("/") else root
        if not base.is_dir():
            return []
        found = []
        for folder, _dirs, names in os.walk(base):
            for name in names:
                candidate = Path(folder) / name
                try:
                    real = candidate.resolve()
                except OSError:
                    continue
                if real.is_relative_to(root) and real.is_file():
                    found.append(candidate.relative_to(root).as_posix())
        return sorted(found)

    def write(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{uuid.uuid4().hex[:8]}.part")
        partial.write_bytes(data)
        os.replace(partial, target)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# S3


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str = ""


def parse_s3_location(text: str) -> S3Location:
    """``s3://BUCKET[/PREFIX]``; ValueError naming what is wrong."""
    if not text.startswith("s3://"):
        raise ValueError(f"expected s3://BUCKET[/PREFIX], got {text!r}")
    bucket, _, prefix = text[len("s3://") :].partition("/")
    if not bucket:
        raise ValueError(f"{text!r} names no bucket; expected s3://BUCKET[/PREFIX]")
    prefix = prefix.strip("/")
    if prefix:
        check_key(prefix)
    return S3Location(bucket, prefix)


class _RangeReader(io.RawIOBase):
    """A seekable, read-only file over an S3 object, read by ranges."""

    def __init__(self, bucket: S3Bucket, key: str, size: int) -> None:
        self._bucket, self._key, self._size, self._pos = bucket, key, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._pos >= self._size or not len(view):
            return 0
        end = min(self._size, self._pos + len(view))
        data = self._bucket.read(self._key, self._pos, end)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)


@dataclass(frozen=True)
class S3Bucket:
    """A bucket (under an optional prefix) on an S3-compatible endpoint."""

    location: S3Location
    endpoint_url: str | None = None
    profile: str | None = None
    region: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def describe(self) -> str:
        where = f"s3://{self.location.bucket}/{self.location.prefix}".rstrip("/")
        return where if self.endpoint_url is None else f"{where} at {self.endpoint_url}"

    def _session(self) -> Any:
        import boto3

        return boto3.session.Session(profile_name=self.profile, region_name=self.region)

    def client(self) -> Any:
        """The boto3 client (made once; boto3 clients are thread-safe)."""
        with self._lock:
            if "s3" not in self._clients:
                from botocore.config import Config

                logredact.install()
                session = self._session()
                credentials = session.get_credentials()
                if credentials is not None:
                    frozen = credentials.get_frozen_credentials()
                    logredact.install([frozen.secret_key, frozen.token])
                self._clients["session"] = session
                self._clients["s3"] = session.client(
                    "s3",
                    endpoint_url=self.endpoint_url,
                    config=Config(
                        s3={"addressing_style": "path"},
                        retries={"max_attempts": 3},
                        connect_timeout=10,
                        read_timeout=60,
                    ),
                )
            return self._clients["s3"]

    @contextlib.contextmanager
    def _calling(self, what: str, key: str = "") -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "?")
            raise BucketUnavailableError(
                f"{what} {key!r} in {self.describe()} failed: {code}"
            ) from None
        except BotoCoreError as exc:
            raise BucketUnavailableError(
                f"{what} {key!r} in {self.describe()} failed: {type(exc).__name__}"
            ) from None

    def object_key(self, key: str) -> str:
        check_key(key)
        return f"{self.location.prefix}/{key}" if self.location.prefix else key

    def available(self) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client().head_bucket(Bucket=self.location.bucket)
        except (BotoCoreError, ClientError):
            return False
        return True

    def gdal_path(self, key: str) -> str:
        return f"/vsis3/{self.location.bucket}/{self.object_key(key)}"

    def gdal_env(self) -> contextlib.AbstractContextManager[Any]:
        import rasterio

        self.client()
        credentials = self._clients["session"].get_credentials()
        options: dict[str, Any] = {
            "AWS_VIRTUAL_HOSTING": "FALSE",
            "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
            # objects may be rewritten: never answer from GDAL's cache of an older version
            "CPL_VSIL_CURL_NON_CACHED": f"/vsis3/{self.location.bucket}/",
        }
        region = self._clients["session"].region_name or self.region
        if region:
            options["AWS_REGION"] = region
        if self.endpoint_url is not None:
            https = self.endpoint_url.startswith("https://")
            options["AWS_S3_ENDPOINT"] = self.endpoint_url.split("://", 1)[-1].rstrip("/")
            options["AWS_HTTPS"] = "YES" if https else "NO"
        if credentials is None:
            options["AWS_NO_SIGN_REQUEST"] = "YES"
            unsigned: contextlib.AbstractContextManager[Any] = rasterio.Env(**options)
            return unsigned
        from rasterio.session import AWSSession

        frozen = credentials.get_frozen_credentials()
        session = AWSSession(
            aws_access_key_id=frozen.access_key,
            aws_secret_access_key=frozen.secret_key,
            aws_session_token=frozen.token,
            region_name=region,
        )
        signed: contextlib.AbstractContextManager[Any] = rasterio.Env(session=session, **options)
        return signed

    def stat(self, key: str) -> ObjectInfo | None:
        from botocore.exceptions import ClientError

        name = self.object_key(key)
        with self._calling("HEAD", key):
            try:
                head = self.client().head_object(Bucket=self.location.bucket, Key=name)
            except ClientError as exc:
                if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                    return None
                raise
        return ObjectInfo(
            int(head["ContentLength"]),
            str(head.get("ETag", "")).strip('"'),
            head["LastModified"].timestamp(),
        )

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        extra = {}
        if start or end is not None:
            if end is not None and end <= start:
                return b""
            extra["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        name = self.object_key(key)
        with self._calling("GET", key):
            answer = self.client().get_object(Bucket=self.location.bucket, Key=name, **extra)
            data: bytes = answer["Body"].read()
        return data

    def open_reader(self, key: str) -> tuple[BinaryIO, int]:
        info = self.stat(key)
        if info is None:
            raise FileNotFoundError(key)
        raw = _RangeReader(self, key, info.size)
        return io.BufferedReader(raw, buffer_size=64 * 1024), info.size

    def list(self, prefix: str = "") -> list[str]:
        root = f"{self.location.prefix}/" if self.location.prefix else ""
        prefix = prefix.strip("/")
        full = root + (f"{check_key(prefix)}/" if prefix else "")
        found = []
        pages = self.client().get_paginator("list_objects_v2")
        with self._calling("LIST", prefix):
            for page in pages.paginate(Bucket=self.location.bucket, Prefix=full):
                for item in page.get("Contents", []):
                    rel = str(item["Key"])[len(root) :]
                    try:
                        check_key(rel)
                    except BucketPathError:
                        continue  # a key no relative path could name
                    found.append(rel)
        return sorted(found)

    def write(self, key: str, data: bytes) -> None:
        # One PUT: S3 makes the object visible whole or not at all.
        name = self.object_key(key)
        with self._calling("PUT", key):
            self.client().put_object(Bucket=self.location.bucket, Key=name, Body=data)

    def delete(self, key: str) -> None:
        name = self.object_key(key)
        with self._calling("DELETE", key):
            self.client().delete_object(Bucket=self.location.bucket, Key=name)


def open_bucket(
    spec: Path | str, *, endpoint_url: str | None = None, profile: str | None = None
) -> FolderBucket | S3Bucket:
    """A folder for a path, an `S3Bucket` for ``s3://BUCKET[/PREFIX]``."""
    if isinstance(spec, str) and spec.startswith("s3://"):
        return S3Bucket(parse_s3_location(spec), endpoint_url=endpoint_url, profile=profile)
    return FolderBucket(Path(spec))
