"""Reading ``s3://BUCKET/KEY`` files for the COG rules (the ``s3`` extra): the TIFF structure by
ranged ``GetObject`` calls (boto3, the standard AWS credential chain), the raster through GDAL's
``/vsis3/`` with the same credentials and endpoint.

The endpoint is ``endpoint_url`` when given, else ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``
(an S3-compatible store such as MinIO), else AWS itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client.cog.rangefile import RangeFile

__all__ = ["S3RangeFile", "gdal_s3_env", "is_s3_url", "s3_client", "split_s3_url", "vsis3_path"]


def is_s3_url(text: str) -> bool:
    return text.startswith("s3://")


def split_s3_url(url: str) -> tuple[str, str]:
    """``(bucket, key)`` of ``s3://bucket/key``."""
    bucket, _, key = url.removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise SentinelHubValidationError(
            f"{url}: an S3 file URL is s3://BUCKET/KEY", field="path_or_url"
        )
    return bucket, key


def vsis3_path(url: str) -> str:
    bucket, key = split_s3_url(url)
    return f"/vsis3/{bucket}/{key}"


def _endpoint(endpoint_url: str | None) -> str | None:
    return (
        endpoint_url
        or os.environ.get("AWS_ENDPOINT_URL_S3")
        or os.environ.get("AWS_ENDPOINT_URL")
        or None
    )


def s3_client(endpoint_url: str | None = None) -> tuple[Any, Any]:
    """``(boto3 session, S3 client)`` with the standard credential chain."""
    from sentinelhub_client._core.extras import require_extra

    require_extra("sentinelhub_client.cog.s3read", "s3")
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    endpoint = _endpoint(endpoint_url)
    client = session.client(
        "s3",
        endpoint_url=endpoint,
        region_name=session.region_name or "us-east-1",
        config=Config(s3={"addressing_style": "path"} if endpoint else None),
    )
    return session, client


@contextlib.contextmanager
def gdal_s3_env(session: Any, endpoint_url: str | None = None) -> Iterator[None]:
    """GDAL options (and credentials) for ``/vsis3/`` inside the block."""
    import rasterio
    from rasterio.session import AWSSession

    options: dict[str, Any] = {"GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR"}
    endpoint = _endpoint(endpoint_url)
    if endpoint:
        options["AWS_S3_ENDPOINT"] = endpoint.split("://", 1)[-1].rstrip("/")
        options["AWS_HTTPS"] = "YES" if endpoint.startswith("https://") else "NO"
        options["AWS_VIRTUAL_HOSTING"] = "FALSE"
    region = session.region_name or "us-east-1"
    options["AWS_REGION"] = region
    credentials = session.get_credentials()
    if credentials is None:
        with rasterio.Env(AWS_NO_SIGN_REQUEST="YES", **options):
            yield
        return
    frozen = credentials.get_frozen_credentials()
    aws = AWSSession(
        aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key,
        aws_session_token=frozen.token,
        region_name=region,
    )
    with rasterio.Env(session=aws, **options):
        yield


class S3RangeFile(RangeFile):
    """A read-only binary file over ranged ``GetObject`` calls (what the TIFF structure reader
    needs: seek and read)."""

    def __init__(self, client: Any, url: str) -> None:
        super().__init__()
        self.client = client
        self.bucket, self.key = split_s3_url(url)
        try:
            head = client.head_object(Bucket=self.bucket, Key=self.key)
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
            if str(code) in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(f"{url}: no such object") from None
            raise
        self.size = int(head["ContentLength"])

    def _fetch(self, start: int, end: int) -> bytes:
        answer = self.client.get_object(
            Bucket=self.bucket, Key=self.key, Range=f"bytes={start}-{end}"
        )
        data: bytes = answer["Body"].read()
        return data
