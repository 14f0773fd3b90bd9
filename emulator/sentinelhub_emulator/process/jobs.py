"""Async Process: a bounded set of running requests, rendered by worker threads, delivered into
bucket folders.

`AsyncJobs.submit` checks the request (400 at once for anything wrong with it), refuses with 429
when ``max_running`` requests already run, and queues it; a worker renders it with the same
engine as Process and writes each response to the delivery location, or ``error.json`` there if
rendering fails. A request counts as running from its acceptance until its files are written.

Requests are kept in the emulator's database (table ``async_process_requests``): ``QUEUED``
(accepted), ``RUNNING`` (a worker renders it; ``attempts`` counts the starts), then ``DONE`` or
``FAILED`` (its body is dropped then). A stop leaves the queued requests QUEUED; after a restart
(or a ``kill -9``) every QUEUED or RUNNING request is queued again and rendered from the start,
unless it was already started ``max_attempts`` times: then it ends FAILED with an ``error.json``
saying so. A request whose delivery bucket is gone at restart ends FAILED too (and no
``error.json`` can be written). The status answer follows the service: 200 ``RUNNING`` while
QUEUED or RUNNING, 404 once finished, done or failed (the message then says which).

Delivery URLs: ``s3://<bucket>/<key>``. ``<REQUEST_ID>`` in the key becomes the request id and
``<OUTPUT>`` the response's file name (``<identifier>.<ext>``, e.g. ``default.tif``); a key with
neither gets ``/<REQUEST_ID>/<OUTPUT>`` appended. The bucket is the emulator's bucket folder of
that name; keys never leave it.
"""

from __future__ import annotations

import json
import logging
import queue
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
from sentinelhub_emulator.core.db import dump_json, load_json
from sentinelhub_emulator.core.errors import (
    EXCEPTION,
    NOT_FOUND,
    RATE_LIMIT_EXCEEDED,
    ApiError,
    bad_payload,
    error_body,
)
from sentinelhub_emulator.core.lifecycle import Workers
from sentinelhub_emulator.core.ratelimit import limiter_of
from sentinelhub_emulator.core.spec import validate_body
from sentinelhub_emulator.core.times import now_timestamp
from sentinelhub_emulator.process import engine
from sentinelhub_emulator.process.formats import extension
from sentinelhub_emulator.process.request import MAX_ASYNC_SIZE, parse_request, unsupported

__all__ = [
    "SCHEMA",
    "AsyncJobs",
    "AsyncSettings",
    "Delivery",
    "parse_delivery",
    "resolve_evalscript",
]

logger = logging.getLogger(__name__)

REQUEST_ID = "<REQUEST_ID>"
OUTPUT = "<OUTPUT>"
RETRY_AFTER_MS = 1000
_MAX_SCRIPT_BYTES = 1024 * 1024

#: The async requests of the emulator (see the module docstring for the life of a row).
SCHEMA = """
CREATE TABLE IF NOT EXISTS async_process_requests (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT,
    bucket TEXT NOT NULL,
    template TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS async_process_requests_status ON async_process_requests (status);
"""
_TABLE = "async_process_requests"
#: Statuses of a request that has not finished (the service answers RUNNING for both).
_UNFINISHED = ("QUEUED", "RUNNING")


@dataclass(frozen=True)
class AsyncSettings:
    """``max_running`` requests may run at once (beyond: 429); ``workers`` render in parallel;
    a request is started at most ``max_attempts`` times (restarts in the middle of rendering
    count); ``delay`` seconds pass between taking a request and rendering it (tests use it to
    hold requests in flight)."""

    max_running: int = 10
    workers: int = 2
    max_attempts: int = 3
    delay: float = 0.0


@dataclass(frozen=True)
class Delivery:
    bucket: FolderBucket | S3Bucket
    template: str
    #: The bucket's name in the request's URL (what the database keeps).
    bucket_name: str = ""

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
) -> tuple[str, FolderBucket | S3Bucket, str]:
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
    return bucket, store, key.strip("/")


def parse_delivery(ctx: EmulatorContext, output: Any) -> Delivery:
    """The delivery location of an async request; 400 naming the field when it is unusable."""
    parameter = "output->delivery"
    if not isinstance(output, Mapping) or output.get("delivery") is None:
        raise bad_payload(parameter, "is required")
    name, store, key = _s3_location(ctx, output["delivery"], parameter)
    if REQUEST_ID not in key and OUTPUT not in key:
        key = f"{key}/{REQUEST_ID}" if key else REQUEST_ID
    delivery = Delivery(store, key, name)
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
    _, store, key = _s3_location(ctx, reference, "evalscriptReference")
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


def _finished_message(request_id: str, status: str, error: str | None) -> str:
    if status == "DONE":
        return (
            f"Async process request {request_id} is not running: it finished, and its outputs "
            "are in its delivery folder."
        )
    return (
        f"Async process request {request_id} is not running: it failed ({error or 'see below'}); "
        "error.json in its delivery folder says why."
    )


class AsyncJobs:
    """The async requests of one emulator (rows of its database) and the threads that render
    them."""

    def __init__(self, ctx: EmulatorContext, settings: AsyncSettings) -> None:
        self._ctx = ctx
        self._db = ctx.db
        self.settings = settings
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._workers = Workers("sentinelhub-emulator-async", "an async process worker", log=logger)

    def start(self) -> None:
        """Queue again what an earlier run left unfinished, then start the threads."""
        self._workers.start(
            self._work,
            count=self.settings.workers,
            requeue=self._requeue,
            requeued="re-queued %d async process request(s) an earlier run left unfinished",
        )

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the requests being rendered, stop the threads; queued requests stay QUEUED in
        the database and resume at the next start."""
        self._workers.signal_stop()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        for _ in range(self._workers.size):
            self._queue.put(None)
        self._workers.join(timeout)

    def submit(self, account_id: str, body: Mapping[str, Any]) -> str:
        """Check and queue a request; its id. 400 when it is wrong, 429 when too many run."""
        validate_body("AsyncProcessRequest", body)
        script = resolve_evalscript(self._ctx, body)
        request = {k: v for k, v in body.items() if k != "evalscriptReference"}
        request["evalscript"] = script
        parse_request(request, max_size=MAX_ASYNC_SIZE, schema=None)
        delivery = parse_delivery(self._ctx, body.get("output"))
        request_id = str(uuid.uuid4())
        now = now_timestamp()
        with self._db.transaction() as conn:
            (running,) = conn.execute(
                f"SELECT COUNT(*) FROM {_TABLE} WHERE status IN (?, ?)",  # noqa: S608
                _UNFINISHED,
            ).fetchone()
            if running >= self.settings.max_running:
                raise ApiError(
                    429,
                    f"You have reached the maximum of {self.settings.max_running} concurrent "
                    "async process requests; wait for one to finish.",
                    RATE_LIMIT_EXCEEDED,
                    headers={"Retry-After": str(RETRY_AFTER_MS)},
                )
            conn.execute(
                f"INSERT INTO {_TABLE} (id, account_id, status, body, bucket, template, "  # noqa: S608
                "attempts, error, created, updated) "
                "VALUES (?, ?, 'QUEUED', ?, ?, ?, 0, NULL, ?, ?)",
                (
                    request_id,
                    account_id,
                    dump_json(request),
                    delivery.bucket_name,
                    delivery.template,
                    now,
                    now,
                ),
            )
        self._queue.put(request_id)
        return request_id

    def status(self, request_id: str, account_id: str) -> tuple[str, str | None] | None:
        """The status of one of the account's requests and why it failed; None if unknown."""
        row = (
            self._db.connection()
            .execute(
                f"SELECT status, error FROM {_TABLE} WHERE id = ? AND account_id = ?",  # noqa: S608
                (request_id, account_id),
            )
            .fetchone()
        )
        return None if row is None else (str(row["status"]), row["error"])

    def is_running(self, request_id: str, account_id: str) -> bool:
        found = self.status(request_id, account_id)
        return found is not None and found[0] in _UNFINISHED

    def check_running(self, request_id: str, account_id: str) -> None:
        """Nothing while the request runs; else the service's 404 (saying how it ended)."""
        found = self.status(request_id, account_id)
        if found is None:
            raise ApiError(404, f"Async process request {request_id} not found.", NOT_FOUND)
        status, error = found
        if status not in _UNFINISHED:
            raise ApiError(404, _finished_message(request_id, status, error), NOT_FOUND)

    @property
    def running_count(self) -> int:
        row = (
            self._db.connection()
            .execute(
                f"SELECT COUNT(*) FROM {_TABLE} WHERE status IN (?, ?)",  # noqa: S608
                _UNFINISHED,
            )
            .fetchone()
        )
        return int(row[0])

    # ------------------------------------------------------------------ the life of a request

    def _delivery(self, bucket: str, template: str) -> Delivery | None:
        store = self._ctx.settings.bucket(bucket)
        return None if store is None else Delivery(store, template, bucket)

    def _requeue(self) -> int:
        """Queue the requests an earlier run (or a stop) left unfinished; fail those started
        ``max_attempts`` times already. How many were queued again."""
        with self._db.transaction() as conn:
            rows = conn.execute(
                f"SELECT id, status, attempts, bucket, template FROM {_TABLE} "  # noqa: S608
                "WHERE status IN (?, ?) ORDER BY rowid",
                _UNFINISHED,
            ).fetchall()
            exhausted = [
                row
                for row in rows
                if row["status"] == "RUNNING" and row["attempts"] >= self.settings.max_attempts
            ]
            failing = {str(row["id"]) for row in exhausted}
            conn.execute(
                f"UPDATE {_TABLE} SET status = 'QUEUED', updated = ? "  # noqa: S608
                "WHERE status = 'RUNNING' AND attempts < ?",
                (now_timestamp(), self.settings.max_attempts),
            )
        for row in exhausted:
            message = (
                f"The emulator stopped {row['attempts']} time(s) while rendering this request "
                "(a crash, kill or restart); it is not started again."
            )
            self._fail(str(row["id"]), self._delivery(row["bucket"], row["template"]), message)
        queued = [str(row["id"]) for row in rows if str(row["id"]) not in failing]
        for request_id in queued:
            self._queue.put(request_id)
        return len(queued)

    def _take(self, request_id: str) -> _Job | None:
        """Mark a queued request RUNNING (one more attempt); None if it is not QUEUED."""
        with self._db.transaction() as conn:
            row = conn.execute(
                f"UPDATE {_TABLE} SET status = 'RUNNING', attempts = attempts + 1, "  # noqa: S608
                "updated = ? WHERE id = ? AND status = 'QUEUED' "
                "RETURNING account_id, body, bucket, template",
                (now_timestamp(), request_id),
            ).fetchone()
        if row is None:
            return None
        delivery = self._delivery(row["bucket"], row["template"])
        if delivery is None:
            self._fail(request_id, None, f"the delivery bucket {row['bucket']!r} is gone")
            return None
        return _Job(request_id, str(row["account_id"]), load_json(row["body"]), delivery)

    def _release(self, request_id: str) -> None:
        """Put a request taken but not started back (the emulator is stopping)."""
        with self._db.transaction() as conn:
            conn.execute(
                f"UPDATE {_TABLE} SET status = 'QUEUED', attempts = attempts - 1, "  # noqa: S608
                "updated = ? WHERE id = ? AND status = 'RUNNING'",
                (now_timestamp(), request_id),
            )

    def _end(self, request_id: str, status: str, error: str | None = None) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                f"UPDATE {_TABLE} SET status = ?, error = ?, body = NULL, "  # noqa: S608
                "updated = ? WHERE id = ?",
                (status, error, now_timestamp(), request_id),
            )

    def _fail(self, request_id: str, delivery: Delivery | None, message: str) -> None:
        """End a request FAILED, with ``error.json`` (a 500 saying ``message``) if possible."""
        if delivery is not None:
            body = error_body(500, message, EXCEPTION)
            try:
                delivery.write(request_id, "error.json", _json(body))
            except (ApiError, BucketUnavailableError, OSError) as exc:
                logger.warning(
                    "async process request %s: error.json could not be written (%s)",
                    request_id,
                    exc,
                )
        else:
            logger.warning("async process request %s failed: %s", request_id, message)
        self._end(request_id, "FAILED", message)

    def _work(self) -> None:
        while True:
            request_id = self._queue.get()
            if request_id is None or self._workers.stopping:
                return
            job = None
            try:
                job = self._take(request_id)
                if job is None:
                    continue
                if not self._workers.pause(self.settings.delay):
                    self._release(job.id)
                    return
                self._process(job)
            except Exception:
                logger.exception("async process request %s failed unexpectedly", request_id)
                if job is not None:
                    self._fail(job.id, job.delivery, "The emulator failed to render the request.")

    def _process(self, job: _Job) -> None:
        try:
            result = engine.render(
                self._ctx, job.account_id, job.body, max_size=MAX_ASYNC_SIZE, schema=None
            )
        except ApiError as error:
            body = error_body(error.status, error.message, error.code, error.violations)
            job.delivery.write(job.id, "error.json", _json(body))
            self._end(job.id, "FAILED", error.message)
            return
        except Exception:
            logger.exception("rendering async process request %s failed", job.id)
            self._fail(job.id, job.delivery, "The emulator failed to render the request.")
            return
        limiter_of(self._ctx).charge(job.account_id, float(result.processing_units))
        for output in result.outputs:
            name = f"{output.identifier}.{extension(output.mime_type)}"
            job.delivery.write(job.id, name, output.data)
        self._end(job.id, "DONE")


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2).encode("utf-8")
