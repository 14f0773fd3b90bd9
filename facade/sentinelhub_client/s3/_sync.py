"""The S3 uploader: boto3 requests from a pool of threads, planned by `._plan`."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sentinelhub_client._core.errors import S3Error, S3UploadError, SentinelHubValidationError
from sentinelhub_client._core.extras import translate_missing
from sentinelhub_client._core.lifecycle import ClosesOnExit
from sentinelhub_client.byoc.files.core import ProgressAggregator, ProgressCallback
from sentinelhub_client.s3 import _redact
from sentinelhub_client.s3._errors import s3_error
from sentinelhub_client.s3._plan import (
    SHA256_METADATA_KEY,
    LocalFile,
    Part,
    S3Location,
    TransferConfig,
    UploadedObject,
    UploadReport,
    collect_files,
    completed_part,
    digest_file,
    is_same_object,
    plan_parts,
    resumable_parts,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["S3Uploader"]

logger = logging.getLogger("sentinelhub_client.s3")

Source = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
Status = Literal["uploaded", "resumed", "skipped"]


class _Cancelled(Exception):
    """The run was cancelled (the async twin's task was); nothing more is started."""


def _import_boto3() -> Any:
    with translate_missing("sentinelhub_client.s3", "s3"):
        import boto3
    return boto3


@dataclass
class _FileJob:
    """One file on its way: the plan, then the parts still to send."""

    local: LocalFile
    key: str
    sha256: str = ""
    parts: list[Part] = field(default_factory=list)
    md5s: list[str] = field(default_factory=list)
    status: Status = "uploaded"
    upload_id: str | None = None
    done: dict[int, dict[str, Any]] = field(default_factory=dict)
    remaining: int = 0
    error: BaseException | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def multipart(self) -> bool:
        return bool(self.parts)


class S3Uploader(ClosesOnExit):
    """Uploads a tile's files to ``s3://bucket/prefix/`` (AWS S3 or any S3-compatible store).

    Credentials come from botocore's standard chain: explicit keys if given, else the
    environment (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``), the
    profile (``profile`` or ``AWS_PROFILE``, from ``~/.aws/credentials`` and ``~/.aws/config``,
    SSO included), then a role (web identity, ECS, EC2 instance metadata). Keys given here are
    held by the boto3 session only: not in this object's attributes, ``repr`` or logs.

    Args:
        endpoint_url: an S3-compatible store (MinIO, Ceph, a local test server, ...); default
            AWS S3. Path-style addressing is used with an endpoint.
        region: the bucket's region (default: ``AWS_REGION`` / the profile's / ``us-east-1``).
        profile: a named profile from the AWS config files.
        access_key_id, secret_access_key, session_token: explicit credentials (both keys or
            neither).
        config: multipart threshold, part size, concurrency, checksum, attempts.
        client: a boto3 S3 client to use instead of building one (the other connection options
            must then be left out).
    """

    def __init__(
        self,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        profile: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        config: TransferConfig | None = None,
        client: S3Client | None = None,
    ) -> None:
        _redact.install()
        self.config = config if config is not None else TransferConfig()
        if not isinstance(self.config, TransferConfig):
            raise SentinelHubValidationError(
                f"config must be a TransferConfig, got {config!r}", field="config"
            )
        self.profile = profile
        self._explicit = access_key_id is not None
        if (access_key_id is None) != (secret_access_key is None):
            raise SentinelHubValidationError(
                "pass both access_key_id and secret_access_key, or neither (to use the"
                " environment, a profile or a role)",
                field="access_key_id" if access_key_id is None else "secret_access_key",
            )
        if client is not None:
            if any(v is not None for v in (endpoint_url, region, profile, access_key_id)):
                raise SentinelHubValidationError(
                    "client= comes with its own endpoint, region and credentials; leave"
                    " endpoint_url, region, profile and the keys out",
                    field="client",
                )
            self._client = client
        else:
            self._client = self._build_client(
                endpoint_url, region, profile, access_key_id, secret_access_key, session_token
            )
        self.endpoint_url: str = self._client.meta.endpoint_url
        self.region: str = self._client.meta.region_name

    def _build_client(
        self,
        endpoint_url: str | None,
        region: str | None,
        profile: str | None,
        access_key_id: str | None,
        secret_access_key: str | None,
        session_token: str | None,
    ) -> S3Client:
        boto3 = _import_boto3()
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        try:
            session = boto3.session.Session(
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                aws_session_token=session_token,
                profile_name=profile,
                region_name=region,
            )
            botocore_config = Config(
                retries={"mode": "standard", "max_attempts": self.config.max_attempts},
                max_pool_connections=self.config.max_concurrency + 2,
                s3={"addressing_style": "path"} if endpoint_url else None,
            )
            client: S3Client = session.client(
                "s3",
                endpoint_url=endpoint_url,
                region_name=region or session.region_name or "us-east-1",
                config=botocore_config,
            )
        except BotoCoreError as exc:
            raise s3_error(exc, bucket=None, endpoint=endpoint_url) from exc
        return client

    def __repr__(self) -> str:
        if self._explicit:
            credentials = "explicit"
        elif self.profile:
            credentials = f"profile {self.profile!r}"
        else:
            credentials = "default chain"
        return (
            f"{type(self).__name__}(endpoint_url={self.endpoint_url!r}, region={self.region!r},"
            f" credentials={credentials}, config={self.config!r})"
        )

    @property
    def client(self) -> S3Client:
        """The boto3 S3 client in use."""
        return self._client

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    # ------------------------------------------------------------------------------- checks

    def check(self, destination: str | S3Location) -> None:
        """Make sure ``destination`` can be reached before anything is uploaded or registered.

        One ``ListObjectsV2`` on the prefix. Raises `S3CredentialsError` (no credentials, or
        refused ones), `S3BucketNotFoundError`, `S3AccessDeniedError`, or `S3Error`; each
        message says what to do.
        """
        self._check(S3Location.parse(destination))

    def _check(self, location: S3Location) -> None:
        try:
            self._client.list_objects_v2(Bucket=location.bucket, Prefix=location.prefix, MaxKeys=1)
        except Exception as exc:
            raise s3_error(exc, bucket=location.bucket, endpoint=self.endpoint_url) from exc

    # ------------------------------------------------------------------------------ uploads

    def upload_tile(
        self,
        source: Source,
        destination: str | S3Location,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadReport:
        """Upload a tile's files under ``destination`` (``s3://bucket/prefix``).

        ``source`` is a folder (every file under it, sub-folders kept in the keys), one file,
        or a list of files (each under its own name). The bucket is checked first (`check`), so
        missing credentials, a missing bucket or a refused access raise before a byte is sent.

        Files are sent concurrently (``config.max_concurrency`` requests at once); those larger
        than ``config.multipart_threshold`` go up in parts of ``config.part_size``.

        Safe to re-run:

        - An object that already has the file's size and whose ``sha256`` metadata equals the
          file's SHA-256 is skipped; every object written here carries that metadata.
        - An interrupted multipart upload is resumed: its parts whose size and MD5 (their
          ETag) match the file are kept, the others sent; an unfinished upload that does not
          match is aborted and the file sent afresh. Until the last part is in, no object is
          visible under the key. Set a lifecycle rule (``AbortIncompleteMultipartUpload``) on
          the bucket for uploads never re-run.

        ``progress`` gets ``(done_bytes, total_bytes)`` over all files (skipped ones and parts
        already in the bucket count as done); it may be called from several threads.

        Returns:
            an `UploadReport`: each file's key and whether it was uploaded, resumed or skipped.

        Raises:
            S3CredentialsError, S3BucketNotFoundError, S3AccessDeniedError: before any upload.
            S3UploadError: some files failed (``failures``); the others are in place and a
                re-run sends only what is missing.
            SentinelHubValidationError: a bad ``source`` or ``destination``.
        """
        return self._upload(source, destination, progress, None)

    def _upload(
        self,
        source: Source,
        destination: str | S3Location,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> UploadReport:
        location = S3Location.parse(destination)
        files = collect_files(source)
        self._check(location)
        jobs = [_FileJob(local, location.key(local.relative)) for local in files]
        aggregator = ProgressAggregator(progress, total=sum(f.size for f in files))
        aggregator.report()
        sent = _Counter()
        cancel = cancel or threading.Event()
        with ThreadPoolExecutor(
            max_workers=self.config.max_concurrency, thread_name_prefix="shc-s3"
        ) as pool:
            try:
                self._run(pool, jobs, location, aggregator, sent, cancel)
            except BaseException:
                cancel.set()  # e.g. Ctrl-C: start nothing more, let requests in flight end
                raise
        if cancel.is_set():
            raise _Cancelled
        failures = {job.key: job.error for job in jobs if job.error is not None}
        completed = [job.key for job in jobs if job.error is None]
        if failures:
            first = next(iter(failures.values()))
            raise S3UploadError(
                f"{len(failures)} of {len(jobs)} files failed to upload to {location}"
                f" (first: {first}); the others are in place, run the upload again to send"
                " the rest",
                bucket=location.bucket,
                failures=failures,
                completed=completed,
            ) from first
        report = UploadReport(
            location,
            tuple(
                UploadedObject(j.local.path, j.key, j.local.size, j.sha256, j.status) for j in jobs
            ),
            sent.value,
        )
        logger.info(
            "Uploaded %d files to %s (%d skipped, %d bytes sent)",
            len(report.uploaded),
            location,
            len(report.skipped),
            report.bytes_sent,
        )
        return report

    def _run(
        self,
        pool: ThreadPoolExecutor,
        jobs: list[_FileJob],
        location: S3Location,
        aggregator: ProgressAggregator,
        sent: _Counter,
        cancel: threading.Event,
    ) -> None:
        """Plan every file (concurrently), then send the small files and the missing parts."""
        planned = [
            pool.submit(self._guarded, job, cancel, self._plan, job, location, aggregator)
            for job in jobs
        ]
        for future in planned:
            future.result()
        transfers: list[Future[None]] = []
        for job in jobs:
            if job.error is not None or job.status == "skipped":
                continue
            if not job.multipart:
                transfers.append(
                    pool.submit(
                        self._guarded, job, cancel, self._put, job, location, aggregator, sent
                    )
                )
                continue
            missing = [p for p in job.parts if p.number not in job.done]
            job.remaining = len(missing)
            if not missing:
                transfers.append(
                    pool.submit(self._guarded, job, cancel, self._complete, job, location, sent)
                )
            for part in missing:
                transfers.append(
                    pool.submit(
                        self._guarded,
                        job,
                        cancel,
                        self._send_part,
                        job,
                        part,
                        location,
                        aggregator,
                        sent,
                    )
                )
        for transfer in transfers:
            transfer.result()

    def _guarded(
        self, job: _FileJob, cancel: threading.Event, step: Callable[..., None], *args: Any
    ) -> None:
        """Run one step of a file's upload; a failure marks the file, never the whole run."""
        if job.error is not None or cancel.is_set():
            return
        try:
            step(*args)
        except Exception as exc:
            if isinstance(exc, S3Error):
                error = exc
            else:
                error = s3_error(
                    exc, bucket=_bucket_of(args), key=job.key, endpoint=self.endpoint_url
                )
                error.__cause__ = exc
            with job.lock:
                if job.error is None:
                    job.error = error
            logger.warning("Upload of %s failed: %s", job.key, error)

    def _plan(self, job: _FileJob, location: S3Location, aggregator: ProgressAggregator) -> None:
        """Hash the file, skip it if the bucket has it, find an unfinished upload to resume."""
        size = job.local.path.stat().st_size
        if size != job.local.size:
            raise S3Error(f"{job.local.path} changed size while the upload was being planned")
        multipart = size > self.config.multipart_threshold
        parts = plan_parts(size, self.config.part_size) if multipart else []
        job.sha256, job.md5s = digest_file(job.local.path, parts)
        job.parts = parts
        if is_same_object(self._head(location.bucket, job.key), size, job.sha256):
            job.status = "skipped"
            aggregator.advance(size)
            logger.debug("Skipping %s: already in the bucket", job.key)
            return
        if not multipart:
            return
        resumed = self._find_resumable(job, location.bucket)
        if resumed:
            job.status = "resumed"
            aggregator.advance(sum(job.parts[n - 1].size for n in job.done))
            logger.info(
                "Resuming %s: %d of %d parts already sent", job.key, len(job.done), len(parts)
            )
            return
        self._create(job, location)

    def _checksum(self) -> dict[str, Any]:
        """The ``ChecksumAlgorithm`` argument of uploads (none when the config says so)."""
        algorithm = self.config.checksum_algorithm
        return {"ChecksumAlgorithm": algorithm} if algorithm else {}

    def _create(self, job: _FileJob, location: S3Location) -> None:
        """Start a multipart upload of the file; the object's metadata is given now."""
        answer = self._client.create_multipart_upload(
            Bucket=location.bucket,
            Key=job.key,
            Metadata={SHA256_METADATA_KEY: job.sha256},
            **self._checksum(),
        )
        job.upload_id = answer["UploadId"]

    def _head(self, bucket: str, key: str) -> Mapping[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            return self._client.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404 or exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                return None
            raise

    def _find_resumable(self, job: _FileJob, bucket: str) -> bool:
        """Adopt the newest unfinished upload of this key that holds only right parts; abort
        every other unfinished upload of the key."""
        uploads = [
            upload
            for page in self._client.get_paginator("list_multipart_uploads").paginate(
                Bucket=bucket, Prefix=job.key
            )
            for upload in page.get("Uploads", [])
            if upload.get("Key") == job.key
        ]
        uploads.sort(key=lambda u: str(u.get("Initiated", "")), reverse=True)
        for upload in uploads:
            upload_id = upload["UploadId"]
            done = None
            if job.upload_id is None and upload.get("ChecksumAlgorithm") == (
                self.config.checksum_algorithm
            ):
                listed = [
                    part
                    for page in self._client.get_paginator("list_parts").paginate(
                        Bucket=bucket, Key=job.key, UploadId=upload_id
                    )
                    for part in page.get("Parts", [])
                ]
                done = resumable_parts(listed, job.parts, job.md5s)
            if done is not None:
                job.upload_id, job.done = upload_id, done
                continue
            logger.info("Aborting an unfinished upload of %s that does not match the file", job.key)
            self._client.abort_multipart_upload(Bucket=bucket, Key=job.key, UploadId=upload_id)
        return job.upload_id is not None

    def _read(self, job: _FileJob, offset: int, size: int) -> bytes:
        with job.local.path.open("rb") as stream:
            stream.seek(offset)
            data = stream.read(size)
        if len(data) != size:
            raise S3Error(
                f"{job.local.path} changed while it was being uploaded (it is shorter now);"
                " run the upload again",
                key=job.key,
            )
        return data

    def _put(
        self,
        job: _FileJob,
        location: S3Location,
        aggregator: ProgressAggregator,
        sent: _Counter,
    ) -> None:
        import hashlib

        data = self._read(job, 0, job.local.size)
        if hashlib.sha256(data).hexdigest() != job.sha256:
            raise S3Error(
                f"{job.local.path} changed while it was being uploaded; run the upload again",
                key=job.key,
            )
        kwargs = self._checksum()
        self._client.put_object(
            Bucket=location.bucket,
            Key=job.key,
            Body=data,
            Metadata={SHA256_METADATA_KEY: job.sha256},
            **kwargs,
        )
        sent.add(len(data))
        aggregator.advance(len(data))

    def _send_part(
        self,
        job: _FileJob,
        part: Part,
        location: S3Location,
        aggregator: ProgressAggregator,
        sent: _Counter,
    ) -> None:
        import hashlib

        assert job.upload_id is not None
        data = self._read(job, part.offset, part.size)
        if hashlib.md5(data, usedforsecurity=False).hexdigest() != job.md5s[part.number - 1]:
            raise S3Error(
                f"{job.local.path} changed while it was being uploaded; run the upload again",
                key=job.key,
            )
        kwargs = self._checksum()
        answer = self._client.upload_part(
            Bucket=location.bucket,
            Key=job.key,
            UploadId=job.upload_id,
            PartNumber=part.number,
            Body=data,
            **kwargs,
        )
        sent.add(part.size)
        aggregator.advance(part.size)
        with job.lock:
            job.done[part.number] = completed_part(part.number, answer)
            job.remaining -= 1
            last = job.remaining == 0 and job.error is None
        if last:
            self._complete(job, location, sent)

    def _complete(self, job: _FileJob, location: S3Location, sent: _Counter) -> None:
        """Assemble the parts into the object (it becomes visible only now)."""
        assert job.upload_id is not None
        self._client.complete_multipart_upload(
            Bucket=location.bucket,
            Key=job.key,
            UploadId=job.upload_id,
            MultipartUpload={"Parts": [job.done[n] for n in sorted(job.done)]},  # type: ignore[misc]
        )
        if job.status == "resumed":
            head = self._head(location.bucket, job.key)
            if not is_same_object(head, job.local.size, job.sha256):
                # The bytes are right (every part was checked), but the upload was started for
                # an earlier version of the file, so its sha256 metadata is stale: send afresh.
                logger.info("Re-sending %s: the resumed upload carried stale metadata", job.key)
                job.done, job.status = {}, "uploaded"
                self._create(job, location)
                job.remaining = len(job.parts)
                for part in job.parts:
                    self._send_part(job, part, location, ProgressAggregator(None), sent)


def _bucket_of(args: tuple[Any, ...]) -> str | None:
    for arg in args:
        if isinstance(arg, S3Location):
            return arg.bucket
    return None


class _Counter:
    """A thread-safe running total."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self, count: int) -> None:
        with self._lock:
            self.value += count
