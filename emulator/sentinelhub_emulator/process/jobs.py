"""Async Process: a bounded set of running requests, rendered by worker threads, delivered into
bucket folders.

`AsyncJobs.submit` checks the request (400 at once for anything wrong with it), refuses with 429
when ``max_running`` requests already run, and queues it; a worker renders it with the same
engine as Process and writes each response to the delivery location, or ``error.json`` there if
rendering fails. A request counts as running from its acceptance until its files are written.
Jobs live in memory: after a restart every earlier request reads as finished (404).

Delivery URLs: ``s3://<bucket>/<key>``. ``<REQUEST_ID>`` in the key becomes the request id and
``<OUTPUT>`` the response's file name (``<identifier>.<ext>``, e.g. ``default.tif``); a key with
neither gets ``/<REQUEST_ID>/<OUTPUT>`` appended. The bucket is the emulator's bucket folder of
that name; keys never leave it.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sentinelhub_emulator.core.buckets import (
    BucketPathError,
    BucketUnavailableError,
    FolderBucket,
    S3Bucket,
)
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import (
    EXCEPTION,
    RATE_LIMIT_EXCEEDED,
    ApiError,
    bad_payload,
    error_body,
)
from sentinelhub_emulator.core.lifecycle import Workers
from sentinelhub_emulator.core.spec import validate_body
from sentinelhub_emulator.process import engine
from sentinelhub_emulator.process.formats import extension
from sentinelhub_emulator.process.request import MAX_ASYNC_SIZE, parse_request, unsupported

__all__ = ["AsyncJobs", "AsyncSettings", "Delivery", "parse_delivery", "resolve_evalscript"]

logger = logging.getLogger(__name__)

REQUEST_ID = "<REQUEST_ID>"
OUTPUT = "<OUTPUT>"
RETRY_AFTER_MS = 1000
_MAX_SCRIPT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class AsyncSettings:
    """``max_running`` requests may run at once (beyond: 429); ``workers`` render in parallel."""

    max_running: int = 10
    workers: int = 2


@dataclass(frozen=True)
class Delivery:
    bucket: FolderBucket | S3Bucket
    template: str

    def path(self, request_id: str, file_name: str) -> str:
        """The key of one delivered file (checked to stay inside the bucket)."""
        key = self.template.replace(REQUEST_ID, request_id)
        key = key.replace(OUTPUT, file_name) if OUTPUT in self.template else f"{key}/{file_name}"
        return _inside(self.bucket, key, "output->delivery->s3->url")

    def write(self, request_id: str, file_name: str, data: bytes) -> None:
        self.bucket.write(self.path(request_id, file_name), data)


def _inside(bucket: FolderBucket | S3Bucket, key: str, parameter: str) -> str:
    parts = key.split("/")
    if key.startswith("/") or "\\" in key or any(part in ("", ".", "..") for part in parts):
        raise bad_payload(
            parameter, "the key must be a relative path without empty, '.' or '..' parts"
        )
    if isinstance(bucket, FolderBucket):
        try:
            bucket.path(key)
        except BucketPathError:
            raise bad_payload(parameter, "the key leads outside the bucket") from None
    return key


def _s3_location(
    ctx: EmulatorContext, raw: Any, parameter: str
) -> tuple[FolderBucket | S3Bucket, str]:
    if not isinstance(raw, Mapping):
        raise bad_payload(parameter, "must be an object")
    if raw.get("gs") is not None:
        raise unsupported(f"{parameter}->gs", "Google Cloud Storage")
    s3 = raw.get("s3")
    if not isinstance(s3, Mapping):
        raise bad_payload(f"{parameter}->s3", "is required")
    url = s3.get("url")
    if not isinstance(url, str) or not url.startswith("s3://"):
        raise bad_payload(f"{parameter}->s3->url", "must be s3://<bucket>/<key>")
    bucket, _, key = url[len("s3://") :].partition("/")
    store = ctx.settings.bucket(bucket)
    if store is None or not store.available():
        raise bad_payload(
            f"{parameter}->s3->url",
            f"bucket {bucket!r} is not accessible to the emulator (create its folder, or map "
            "it with --bucket NAME=PATH or NAME=s3://BUCKET)",
        )
    return store, key.strip("/")


def parse_delivery(ctx: EmulatorContext, output: Any) -> Delivery:
    """The delivery location of an async request; 400 naming the field when it is unusable."""
    parameter = "output->delivery"
    if not isinstance(output, Mapping) or output.get("delivery") is None:
        raise bad_payload(parameter, "is required")
    store, key = _s3_location(ctx, output["delivery"], parameter)
    if REQUEST_ID not in key and OUTPUT not in key:
        key = f"{key}/{REQUEST_ID}" if key else REQUEST_ID
    delivery = Delivery(store, key)
    delivery.path(str(uuid.uuid4()), "default.tif")  # checks the key early
    return delivery


def resolve_evalscript(ctx: EmulatorContext, body: Mapping[str, Any]) -> str:
    """The inline evalscript, or the one ``evalscriptReference`` points to in a bucket."""
    inline = body.get("evalscript")
    reference = body.get("evalscriptReference")
    if inline is not None and reference is not None:
        raise bad_payload("evalscriptReference", "give evalscript or evalscriptReference, not both")
    if inline is not None:
        if not isinstance(inline, str):
            raise bad_payload("evalscript", "must be a string")
        return inline
    if reference is None:
        raise bad_payload("evalscript", "give evalscript or evalscriptReference")
    store, key = _s3_location(ctx, reference, "evalscriptReference")
    key = _inside(store, key, "evalscriptReference->s3->url")
    try:
        info = store.stat(key)
        text = store.read(key) if info is not None and info.size <= _MAX_SCRIPT_BYTES else None
    except BucketUnavailableError as exc:
        raise bad_payload("evalscriptReference->s3->url", str(exc)) from None
    if info is None or text is None:
        raise bad_payload(
            "evalscriptReference->s3->url", "no evalscript file (of at most 1 MB) at that key"
        )
    try:
        return text.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        raise bad_payload("evalscriptReference->s3->url", "the file is not UTF-8 text") from None


@dataclass(frozen=True)
class _Job:
    id: str
    account_id: str
    body: dict[str, Any]
    delivery: Delivery


class AsyncJobs:
    """The async requests of one emulator and the threads that render them."""

    def __init__(self, ctx: EmulatorContext, settings: AsyncSettings) -> None:
        self._ctx = ctx
        self.settings = settings
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._running: dict[str, str] = {}  # request id -> account id
        self._lock = threading.Lock()
        self._workers = Workers("sentinelhub-emulator-async", "an async process worker", log=logger)

    def start(self) -> None:
        self._workers.start(self._work, count=self.settings.workers)

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the requests being rendered, drop the queued ones, stop the threads."""
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                self._finish(job.id)
        for _ in range(self._workers.size):
            self._queue.put(None)
        self._workers.stop(timeout)

    def submit(self, account_id: str, body: Mapping[str, Any]) -> str:
        """Check and queue a request; its id. 400 when it is wrong, 429 when too many run."""
        validate_body("AsyncProcessRequest", body)
        script = resolve_evalscript(self._ctx, body)
        request = {k: v for k, v in body.items() if k != "evalscriptReference"}
        request["evalscript"] = script
        parse_request(request, max_size=MAX_ASYNC_SIZE, schema=None)
        delivery = parse_delivery(self._ctx, body.get("output"))
        with self._lock:
            if len(self._running) >= self.settings.max_running:
                raise ApiError(
                    429,
                    f"You have reached the maximum of {self.settings.max_running} concurrent "
                    "async process requests; wait for one to finish.",
                    RATE_LIMIT_EXCEEDED,
                    headers={"Retry-After": str(RETRY_AFTER_MS)},
                )
            request_id = str(uuid.uuid4())
            self._running[request_id] = account_id
        self._queue.put(_Job(request_id, account_id, request, delivery))
        return request_id

    def is_running(self, request_id: str, account_id: str) -> bool:
        with self._lock:
            return self._running.get(request_id) == account_id

    @property
    def running_count(self) -> int:
        with self._lock:
            return len(self._running)

    def _finish(self, request_id: str) -> None:
        with self._lock:
            self._running.pop(request_id, None)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._process(job)
            except Exception:
                logger.exception("async process request %s failed unexpectedly", job.id)
            finally:
                self._finish(job.id)

    def _process(self, job: _Job) -> None:
        try:
            result = engine.render(
                self._ctx, job.account_id, job.body, max_size=MAX_ASYNC_SIZE, schema=None
            )
        except ApiError as error:
            body = error_body(error.status, error.message, error.code, error.violations)
            job.delivery.write(job.id, "error.json", _json(body))
            return
        except Exception:
            logger.exception("rendering async process request %s failed", job.id)
            body = error_body(500, "The emulator failed to render the request.", EXCEPTION)
            job.delivery.write(job.id, "error.json", _json(body))
            return
        for output in result.outputs:
            name = f"{output.identifier}.{extension(output.mime_type)}"
            job.delivery.write(job.id, name, output.data)


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2).encode("utf-8")
