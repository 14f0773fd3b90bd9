"""An S3-compatible server on loopback for tests: moto's server mode in a subprocess.

A subprocess (not moto's in-process ``ThreadedMotoServer``) so that its settings (the minimum
part size, authentication) and its global state stay out of the test process, and so that
anything that speaks S3 over a socket can use it: boto3, GDAL's ``/vsis3/``, the emulator.

Usage (see ``tests/s3/conftest.py`` for the fixtures)::

    with running_s3_server(tmp_dir) as server:
        bucket = server.new_bucket()
        client = server.client()
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import httpx
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["ACCESS_KEY_ID", "REGION", "SECRET_ACCESS_KEY", "S3Server", "running_s3_server"]

#: Credentials the server accepts while authentication is off (any would do then).
ACCESS_KEY_ID = "AKIATESTUPLOADER000"
SECRET_ACCESS_KEY = "test-secret-key-never-printed-0123456789"
REGION = "us-east-1"
#: Smallest part the server accepts (AWS: 5 MiB); small, so that tests stay fast.
TEST_MIN_PART_SIZE = 64 * 1024

_counter = itertools.count()
#: One botocore session for the helpers' clients: it loads the service models once.
_SESSION = boto3.session.Session()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class S3Server:
    """A running moto server: its endpoint and helpers to set up buckets and users."""

    endpoint_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    region: str = REGION
    access_key_id: str = ACCESS_KEY_ID
    secret_access_key: str = SECRET_ACCESS_KEY
    _clients: dict[tuple[str, str], S3Client] = field(default_factory=dict)

    def client(self, **credentials: str) -> S3Client:
        """A boto3 S3 client for the server (the test credentials unless others are given);
        made once per pair of keys (making one costs a few hundred milliseconds)."""
        pair = (
            credentials.get("access_key_id", self.access_key_id),
            credentials.get("secret_access_key", self.secret_access_key),
        )
        if pair not in self._clients:
            self._clients[pair] = self._new_client(*pair)
        return self._clients[pair]

    def _new_client(self, access_key_id: str, secret_access_key: str) -> S3Client:
        s3: S3Client = _SESSION.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )
        return s3

    def iam(self) -> Any:
        iam: Any = _SESSION.client(
            "iam",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
        )
        return iam

    def new_bucket(self, stem: str = "tiles") -> str:
        """Create a bucket with a name no other test uses; return its name."""
        name = f"{stem}-{next(_counter)}-{uuid.uuid4().hex[:8]}"
        self.client().create_bucket(Bucket=name)
        return name

    def unused_bucket_name(self) -> str:
        """A valid bucket name that does not exist on the server."""
        return f"missing-{uuid.uuid4().hex[:12]}"

    def user(self, policy: dict[str, Any] | None) -> tuple[str, str]:
        """An IAM user with ``policy`` inline (None: no permission at all); its keys.

        Only meaningful with `authentication` on; create users before turning it on.
        """
        iam = self.iam()
        name = f"user-{uuid.uuid4().hex[:8]}"
        iam.create_user(UserName=name)
        if policy is not None:
            iam.put_user_policy(
                UserName=name, PolicyName="inline", PolicyDocument=json.dumps(policy)
            )
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    @contextlib.contextmanager
    def authentication(self) -> Iterator[None]:
        """Check every request's signature and IAM permissions inside the block (moto's
        ``INITIAL_NO_AUTH_ACTION_COUNT`` set to 0 through its admin API)."""
        answer = httpx.post(f"{self.endpoint_url}/moto-api/reset-auth", content=b"0")
        answer.raise_for_status()
        previous = answer.json()["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]
        try:
            yield
        finally:
            httpx.post(
                f"{self.endpoint_url}/moto-api/reset-auth", content=previous.encode()
            ).raise_for_status()

    def gdal_options(self) -> dict[str, str]:
        """GDAL configuration options that make ``/vsis3/BUCKET/KEY`` read from this server
        (``rasterio.Env(**server.gdal_options())``). The keys come from the environment
        (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``, see the ``aws_env`` fixture):
        rasterio refuses them as options."""
        return {
            "AWS_S3_ENDPOINT": self.endpoint_url.removeprefix("http://"),
            "AWS_HTTPS": "NO",
            "AWS_VIRTUAL_HOSTING": "FALSE",
            "AWS_REGION": self.region,
            "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
        }

    def multipart_uploads(self, bucket: str) -> list[dict[str, Any]]:
        """The unfinished multipart uploads in ``bucket``."""
        return list(self.client().list_multipart_uploads(Bucket=bucket).get("Uploads", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - moto exits on SIGTERM
            self.process.kill()
            self.process.wait()


def _start(log_path: Path, min_part_size: int) -> S3Server | None:
    port = _free_port()
    env = {
        **os.environ,
        "S3_UPLOAD_PART_MIN_SIZE": str(min_part_size),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None  # the port was taken meanwhile: try another
        try:
            if httpx.get(f"{endpoint}/moto-api/data.json", timeout=2).status_code == 200:
                return S3Server(endpoint, process, log_path)
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"moto server did not start within 60 s; see {log_path}")


@contextlib.contextmanager
def running_s3_server(
    log_dir: Path, *, min_part_size: int = TEST_MIN_PART_SIZE
) -> Iterator[S3Server]:
    """Start moto's S3-compatible server on 127.0.0.1 and a free port; stop it afterwards.

    ``min_part_size`` is the smallest multipart part (but the last) it accepts.
    """
    log_path = log_dir / "moto-server.log"
    for _ in range(5):
        server = _start(log_path, min_part_size)
        if server is not None:
            break
    else:
        raise RuntimeError(f"moto server would not start; see {log_path}")
    try:
        yield server
    finally:
        server.stop()
