"""The async twin of `S3Uploader`.

boto3 has no native async API, so each call runs the sync uploader in a worker thread
(`anyio.to_thread.run_sync`); its own thread pool sends the requests, so the event loop is never
blocked. The progress callback is brought back to the event loop's thread. Cancelling the task
stops the upload at the next file or part boundary (requests in flight finish in the
background); a re-run resumes it.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread

from sentinelhub_client._core.lifecycle import AsyncClosesOnExit
from sentinelhub_client.byoc.files.core import ProgressCallback
from sentinelhub_client.s3._plan import S3Location, TransferConfig, UploadReport
from sentinelhub_client.s3._sync import S3Uploader, Source

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["AsyncS3Uploader"]


class AsyncS3Uploader(AsyncClosesOnExit):
    """Async twin of `S3Uploader`: the same options and methods, awaited."""

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
        self._sync = S3Uploader(
            endpoint_url=endpoint_url,
            region=region,
            profile=profile,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            session_token=session_token,
            config=config,
            client=client,
        )
        self.config = self._sync.config
        self.endpoint_url = self._sync.endpoint_url
        self.region = self._sync.region

    def __repr__(self) -> str:
        return repr(self._sync).replace("S3Uploader(", f"{type(self).__name__}(", 1)

    @property
    def client(self) -> S3Client:
        """The boto3 S3 client in use (a sync client; call it from a worker thread)."""
        return self._sync.client

    async def close(self) -> None:
        await anyio.to_thread.run_sync(self._sync.close)

    async def check(self, destination: str | S3Location) -> None:
        await anyio.to_thread.run_sync(self._sync.check, destination)

    async def upload_tile(
        self,
        source: Source,
        destination: str | S3Location,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadReport:
        cancel = threading.Event()
        relay: ProgressCallback | None = None
        if progress is not None:
            token = anyio.lowlevel.current_token()
            callback = progress

            def relay(done: int, total: int) -> None:
                if not cancel.is_set():
                    anyio.from_thread.run_sync(callback, done, total, token=token)

        run = partial(self._sync._upload, source, destination, relay, cancel)
        try:
            return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
        finally:
            cancel.set()


def _share_docstrings() -> None:
    """Each async method carries its sync twin's docstring (written once, on `S3Uploader`)."""
    for name, member in vars(AsyncS3Uploader).items():
        twin = getattr(S3Uploader, name, None)
        if callable(member) and not member.__doc__ and twin is not None and twin.__doc__:
            member.__doc__ = twin.__doc__


_share_docstrings()
