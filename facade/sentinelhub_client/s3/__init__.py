"""Upload a tile's files to S3 (or an S3-compatible store) before registering it in BYOC.

Install the extra: ``pip install "sentinelhub-client[s3]"``; without it, importing this package
raises an `ImportError` (``MissingExtraError``) naming the extra and the pip command.
``import sentinelhub_client`` never imports this package, and this package imports boto3 only
when an uploader is made::

    from sentinelhub_client.s3 import S3Uploader

    with S3Uploader() as uploader:  # credentials: environment, profile or role
        report = uploader.upload_tile("tiles/2024-06-01/", "s3://my-bucket/tiles/2024-06-01")
    print(len(report.uploaded), "sent,", len(report.skipped), "already there")

Why boto3: it is AWS's own SDK, maintained in step with S3; botocore resolves credentials the
way every AWS tool does (explicit keys, environment, profiles with SSO and assume-role, web
identity, ECS and EC2 roles) and retries with backoff; its multipart, checksum and listing calls
are the complete S3 API, which S3-compatible stores follow; type stubs exist for mypy; and the
test server (moto) speaks the same API. obstore is fast and async-native, but it exposes
neither ``ListParts`` nor a way to continue a multipart upload by its id, so an interrupted
upload could not be resumed part by part. boto3 has no
native async API: `AsyncS3Uploader` runs the sync uploader in a worker thread
(`anyio.to_thread`).

The rules an upload follows (details in `S3Uploader.upload_tile`):

- **Keys**: ``<prefix>/<path of the file relative to the source folder>``.
- **Skip**: an object with the file's size whose ``x-amz-meta-sha256`` equals the SHA-256 of the
  file is left alone; every object written here carries that metadata.
- **Multipart**: files larger than ``TransferConfig.multipart_threshold`` go up in parts of
  ``part_size``, ``max_concurrency`` requests at once over all files.
- **Resume**: an unfinished multipart upload whose parts match the file (size and MD5) is
  finished; one that does not is aborted and the file sent afresh. No object is visible under a
  key until its upload completes.
- **Errors**: missing credentials, a missing bucket or denied access raise `S3CredentialsError`,
  `S3BucketNotFoundError` or `S3AccessDeniedError` before a byte is sent; failed files raise
  `S3UploadError` after the others are in place.
"""

from __future__ import annotations

from sentinelhub_client._core.errors import (
    S3AccessDeniedError,
    S3BucketNotFoundError,
    S3CredentialsError,
    S3Error,
    S3UploadError,
)
from sentinelhub_client._core.extras import require_extra
from sentinelhub_client.s3._aio import AsyncS3Uploader
from sentinelhub_client.s3._errors import REQUIRED_PERMISSIONS
from sentinelhub_client.s3._plan import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MULTIPART_THRESHOLD,
    DEFAULT_PART_SIZE,
    SHA256_METADATA_KEY,
    S3Location,
    TransferConfig,
    UploadedObject,
    UploadReport,
)
from sentinelhub_client.s3._sync import S3Uploader

# Looks boto3 up without importing it (the modules above import it only when it is used).
require_extra(__name__, "s3")

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MULTIPART_THRESHOLD",
    "DEFAULT_PART_SIZE",
    "REQUIRED_PERMISSIONS",
    "SHA256_METADATA_KEY",
    "AsyncS3Uploader",
    "S3AccessDeniedError",
    "S3BucketNotFoundError",
    "S3CredentialsError",
    "S3Error",
    "S3Location",
    "S3UploadError",
    "S3Uploader",
    "TransferConfig",
    "UploadReport",
    "UploadedObject",
]
