"""One error tree for everything the package raises, and the one place that builds API errors.

::

    SentinelHubError
    ├── APIError                      the service answered with an error status
    │   ├── BadRequestError           400
    │   ├── AuthenticationError       401, and any failure of the OAuth token endpoint
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404
    │   ├── ConflictError             409
    │   ├── RateLimitError            429 (``retry_after`` in seconds)
    │   ├── ServerError               5xx
    │   └── APIResponseValidationError  a success whose body does not match the contract
    │       └── ResponseTooLargeError   ... or is larger than ``SHConfig.max_json_bytes``
    ├── APIConnectionError            no usable answer: connection refused, dropped, ...
    │   └── APITimeoutError           ... or too slow
    ├── SentinelHubValidationError    bad input, caught before anything is sent (also a ValueError)
    ├── DownloadError                 a file download failed
    ├── IngestionError                tiles ended in FAILED
    ├── WaitTimeoutError              a ``wait_for_*`` helper ran out of time (also a TimeoutError)
    └── S3Error                       an S3 store refused or failed (``sentinelhub_client.s3``)
        ├── S3CredentialsError        no credentials, or the store does not accept them
        ├── S3BucketNotFoundError     no such bucket at that endpoint
        ├── S3AccessDeniedError       valid credentials, missing permission (also a PermissionError)
        └── S3UploadError             some files of an upload failed (``failures``)

`error_from_response` turns any non-2xx answer into the right class. It copes with a missing
body, a body that is not JSON (an HTML page from a proxy), the service's ``{"error": {...}}``
envelope with ``errors`` as a list of violations or as an object, and the OAuth ``{"error": "...",
"error_description": "..."}`` shape of the token endpoint.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, Protocol

import httpx
from sentinelhub_api.models.error_body import ErrorBody
from sentinelhub_api.models.error_violation import ErrorViolation
from sentinelhub_api.types import Unset

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DownloadDiskError",
    "DownloadError",
    "DownloadExistsError",
    "IngestionError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "S3AccessDeniedError",
    "S3BucketNotFoundError",
    "S3CredentialsError",
    "S3Error",
    "S3UploadError",
    "SentinelHubError",
    "SentinelHubValidationError",
    "ServerError",
    "TileDownloadError",
    "Violation",
    "WaitTimeoutError",
    "connection_error",
    "error_from_response",
    "request_id_of",
]

#: Response headers that may carry the id of a request, in order of preference: the service's
#: own tracing header (``SH-Request-Id``, which the emulator sends on every answer) first, then
#: the generic names a proxy or gateway in front of it may add.
REQUEST_ID_HEADERS = ("sh-request-id", "x-request-id", "request-id", "x-amzn-requestid")

#: How much of a body that is not the error envelope is kept in the message.
_BODY_SNIPPET = 500


class SentinelHubError(Exception):
    """Base class of every error raised by ``sentinelhub_client``."""


@dataclass(frozen=True)
class Violation:
    """One input the service rejected: ``parameter`` (such as ``output->resx``) and why."""

    parameter: str | None
    violation: str | None

    def __str__(self) -> str:
        if self.parameter:
            return f"{self.parameter}: {self.violation or 'invalid'}"
        return self.violation or "invalid"


class APIError(SentinelHubError):
    """The service answered with an error status.

    Attributes:
        status: the HTTP status (``None`` only when no request could be sent, e.g. no credentials).
        code: the service's error code, such as ``COMMON_NOT_FOUND`` (or the OAuth ``error``).
        reason: the status phrase the service sent, such as ``Not Found``.
        message: the service's own message (the whole ``str(error)`` adds status, request and id).
        errors: per-parameter violations (empty when the service sent none).
        details: the raw ``errors`` member when it was an object rather than a list.
        request_id: the id the service gave the request, from the response headers.
        method, url: the request that failed.
        body: the response body as text, for what the fields above do not cover.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        reason: str | None = None,
        errors: Sequence[Violation] = (),
        details: Any = None,
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
        body: str | None = None,
        note: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.reason = reason
        self.message = message
        self.errors: list[Violation] = list(errors)
        self.details = details
        self.request_id = request_id
        self.method = method
        self.url = url
        self.body = body
        self.note = note
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"HTTP {self.status}" if self.status is not None else "Request failed"
        if self.reason:
            head += f" {self.reason}"
        if self.code:
            head += f" [{self.code}]"
        if self.method and self.url:
            head += f" for {self.method.upper()} {self.url}"
        text = f"{head}: {self.message}" if self.message else head
        for violation in self.errors:
            text += f"\n  - {violation}"
        if self.note:
            text += f"\n({self.note})"
        if self.request_id:
            text += f"\n(request id: {self.request_id})"
        return text


class BadRequestError(APIError):
    """400: the service rejected the request's content; see ``errors`` for the parameters."""


class AuthenticationError(APIError):
    """401, or the OAuth token endpoint refused to issue a token.

    ``oauth_error`` and ``error_description`` carry the token endpoint's own explanation, such as
    ``invalid_client``.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        oauth_error: str | None = None,
        error_description: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.oauth_error = oauth_error
        self.error_description = error_description
        super().__init__(message, **kwargs)


class PermissionDeniedError(APIError):
    """403: the credentials are valid but may not do this (or the monthly quota is used up)."""


class NotFoundError(APIError):
    """404: no such collection, tile or file (or not visible to these credentials)."""


class ConflictError(APIError):
    """409: the request clashes with the current state, e.g. a tile with this path exists."""


class RateLimitError(APIError):
    """429: too many requests. ``retry_after`` is the server's requested wait, in seconds."""

    def __init__(self, message: str | None = None, *, retry_after: float | None = None, **kw: Any):
        self.retry_after = retry_after
        super().__init__(message, **kw)


class ServerError(APIError):
    """5xx: the service failed; usually temporary (already retried per the retry policy)."""


class APIResponseValidationError(APIError):
    """The service answered with success, but the body does not match the contract.

    The message names the operation (``method`` and ``url``) and what was wrong; ``body`` holds
    the start of the answer when it was text.
    """


class ResponseTooLargeError(APIResponseValidationError):
    """A JSON answer is larger, once decompressed, than the configured limit; it was refused
    while it was read, before it could fill memory.

    Raise the limit with ``SHConfig(max_json_bytes=...)`` (or ``SH_MAX_JSON_BYTES``) if such an
    answer is expected. File downloads and Process images are streamed and not limited.

    Attributes:
        limit: the limit in bytes (``max_json_bytes``).
        size: how many decoded bytes had arrived when the answer was refused (more than
            ``limit``; the rest was not read).
    """

    def __init__(self, message: str | None = None, *, limit: int, size: int, **kwargs: Any):
        self.limit = limit
        self.size = size
        super().__init__(message, **kwargs)


class APIConnectionError(SentinelHubError):
    """No usable answer: the connection failed, was dropped, or the body was cut short.

    ``ambiguous`` tells whether the request may have reached the service (and been acted upon).
    """

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        ambiguous: bool = False,
    ) -> None:
        self.method = method
        self.url = url
        self.ambiguous = ambiguous
        where = f" ({method.upper()} {url})" if method and url else ""
        super().__init__(f"{message}{where}")


class APITimeoutError(APIConnectionError):
    """The service did not answer (or accept the connection) in time."""


class SentinelHubValidationError(SentinelHubError, ValueError):
    """Input that cannot be right, found before anything was sent. ``field`` names the culprit."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


def invalid_argument(field: str, problem: str) -> SentinelHubValidationError:
    """The error for a bad argument: ``"<field>: <problem>"``, with ``field`` set."""
    return SentinelHubValidationError(f"{field}: {problem}", field=field)


class DownloadError(SentinelHubError):
    """A file download failed or its content does not match what the service announced."""


class IngestionError(SentinelHubError):
    """Tiles ended in ``FAILED``; ``tiles`` holds them, each with its ``failed_ingestion_cause``;
    ``results`` holds every watched tile as last seen (the partial results of a wait). Both hold
    ``ByocTile`` models (typed ``Any`` here: ``_core`` imports no service package)."""

    def __init__(
        self, message: str, *, tiles: Sequence[Any] = (), results: Sequence[Any] = ()
    ) -> None:
        self.tiles = list(tiles)
        self.results = list(results)
        super().__init__(message)


class WaitTimeoutError(SentinelHubError, TimeoutError):
    """A ``wait_for_*`` helper gave up. ``pending`` holds what had not finished, as last seen."""

    def __init__(self, message: str, *, timeout: float, pending: Sequence[Any] = ()) -> None:
        self.timeout = timeout
        self.pending = list(pending)
        super().__init__(message)


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def _class_for(status: int) -> type[APIError]:
    if status >= 500:
        return ServerError
    return _STATUS_CLASSES.get(status, APIError)


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The request id the service put in a response's headers, if any."""
    lowered = {key.lower(): value for key, value in headers.items()}
    for name in REQUEST_ID_HEADERS:
        if lowered.get(name):
            return lowered[name]
    return None


def _text(content: bytes) -> str:
    return content.decode("utf-8", errors="replace")


def _violations(raw: Any) -> tuple[list[Violation], Any]:
    """Violations out of an ``errors`` member that is a list, an object, or something else."""
    if isinstance(raw, list):
        found = []
        for item in raw:
            if isinstance(item, Mapping):
                parameter, violation = item.get("parameter"), item.get("violation")
                found.append(
                    Violation(
                        None if parameter is None else str(parameter),
                        None if violation is None else str(violation),
                    )
                )
            else:
                found.append(Violation(None, str(item)))
        return found, None
    if isinstance(raw, Mapping):
        if "parameter" in raw or "violation" in raw:
            return _violations([raw])[0], dict(raw)
        return [Violation(str(key), str(value)) for key, value in raw.items()], dict(raw)
    if raw is None:
        return [], None
    return [Violation(None, str(raw))], raw


def _str_or_none(value: object) -> str | None:
    if value is None or isinstance(value, Unset):
        return None
    return str(value)


def _envelope_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """Fields of the service's error envelope, read through the generated model when it fits."""
    error = body["error"]
    try:
        parsed = ErrorBody.from_dict(error)
    except (KeyError, TypeError, ValueError, AttributeError):
        parsed = None
    if parsed is not None:
        raw_errors: Any
        if isinstance(parsed.errors, Unset):
            raw_errors = None
        elif isinstance(parsed.errors, list):
            raw_errors = [v.to_dict() for v in parsed.errors if isinstance(v, ErrorViolation)]
        else:
            raw_errors = parsed.errors.to_dict()
        violations, details = _violations(raw_errors)
        return {
            "message": _str_or_none(parsed.message),
            "code": _str_or_none(parsed.code),
            "reason": _str_or_none(parsed.reason),
            "errors": violations,
            "details": details,
        }
    violations, details = _violations(error.get("errors"))
    return {
        "message": _str_or_none(error.get("message")),
        "code": _str_or_none(error.get("code")),
        "reason": _str_or_none(error.get("reason")),
        "errors": violations,
        "details": details,
    }


def _parse_error_body(content: bytes) -> dict[str, Any]:
    """Whatever can be learnt from an error body; never raises."""
    text = _text(content).strip()
    if not text:
        return {}
    try:
        body = json.loads(text)
    except ValueError:
        snippet = text if len(text) <= _BODY_SNIPPET else text[:_BODY_SNIPPET] + "..."
        return {"message": snippet}
    if not isinstance(body, Mapping):
        return {"message": text[:_BODY_SNIPPET]}
    error = body.get("error")
    if isinstance(error, Mapping):
        return _envelope_fields(body)
    if isinstance(error, str):
        # The OAuth shape: {"error": "invalid_client", "error_description": "..."}.
        description = _str_or_none(body.get("error_description"))
        return {
            "message": description or error,
            "code": error,
            "oauth_error": error,
            "error_description": description,
        }
    message = body.get("message") or body.get("detail")
    if message is not None:
        violations, details = _violations(body.get("errors"))
        return {"message": str(message), "errors": violations, "details": details}
    return {"message": text[:_BODY_SNIPPET]}


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    content: bytes,
    *,
    method: str | None = None,
    url: str | None = None,
    note: str | None = None,
    retry_after: float | None = None,
    error_class: type[APIError] | None = None,
) -> APIError:
    """Build the typed error for a non-2xx answer (the one unwrap step of the package).

    ``error_class`` forces a class (the token endpoint's failures are all `AuthenticationError`).
    ``retry_after`` (seconds) is kept on a `RateLimitError`.
    """
    fields = _parse_error_body(content)
    oauth_error = fields.pop("oauth_error", None)
    error_description = fields.pop("error_description", None)
    reason = fields.pop("reason", None)
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = None
    cls = error_class or _class_for(status)
    common: dict[str, Any] = {
        "status": status,
        "reason": reason,
        "request_id": request_id_of(headers),
        "method": method,
        "url": url,
        "body": _text(content) if content else None,
        "note": note,
        **fields,
    }
    if issubclass(cls, AuthenticationError):
        return cls(oauth_error=oauth_error, error_description=error_description, **common)
    if issubclass(cls, RateLimitError):
        return cls(retry_after=retry_after, **common)
    return cls(**common)


def connection_error(
    exc: httpx.HTTPError,
    *,
    method: str | None,
    url: str | None,
    ambiguous: bool,
    note: str | None = None,
) -> APIConnectionError:
    """The typed error for an httpx failure that produced no usable response."""
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    kind = "timed out" if cls is APITimeoutError else "failed"
    detail = str(exc) or type(exc).__name__
    message = f"The request {kind}: {type(exc).__name__}: {detail}"
    if note:
        message += f" ({note})"
    return cls(message, method=method, url=url, ambiguous=ambiguous)


class _DescribedTile(Protocol):
    """What `describe_tiles` reads of a tile (a BYOC tile; ``_core`` imports no service)."""

    @property
    def path(self) -> str: ...

    @property
    def failed_ingestion_cause(self) -> str | None: ...


def describe_tiles(tiles: Iterable[_DescribedTile]) -> str:
    """``path (cause)`` for each tile, for messages about failed ingestion."""
    parts = []
    for tile in tiles:
        cause = tile.failed_ingestion_cause
        parts.append(f"{tile.path} ({cause})" if cause else tile.path)
    return ", ".join(parts)


class DownloadExistsError(DownloadError, FileExistsError):
    """The destination exists and ``overwrite`` is False; nothing was downloaded."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; pass overwrite=True to replace it")
        self.path = path
        self.errno = errno.EEXIST
        self.strerror = "File exists"
        self.filename = str(path)

    def __str__(self) -> str:
        return str(self.args[0])


class DownloadDiskError(DownloadError, OSError):
    """Writing a download to disk failed (no space, no permission, ...).

    ``path`` is the file that could not be written, ``errno`` / ``strerror`` come from the
    operating system. The ``.part`` file and its sidecar are kept: run the download again once
    the problem is fixed and it resumes.
    """

    def __init__(self, exc: OSError, *, path: Path, destination: Path) -> None:
        reason = exc.strerror or str(exc)
        message = f"Cannot write {path} while downloading {destination.name}: {reason}"
        if exc.errno is not None:
            message += f" [errno {exc.errno}]"
        message += "; what was downloaded is kept, run the download again to resume"
        super().__init__(message)
        self.errno = exc.errno
        self.strerror = exc.strerror
        self.filename = str(path)
        self.path = path
        self.destination = destination

    def __str__(self) -> str:
        return str(self.args[0])


class TileDownloadError(DownloadError):
    """Some files of a tile failed to download (the others are in place).

    Attributes:
        failures: the remote path of each failed file and its error.
        completed: the local paths that were downloaded (or were already complete).
    """

    def __init__(
        self, message: str, *, failures: Mapping[str, BaseException], completed: Sequence[Path]
    ) -> None:
        super().__init__(message)
        self.failures = dict(failures)
        self.completed = list(completed)


class BatchFailedError(SentinelHubError, RuntimeError):
    """A batch processing request ended ``FAILED`` (also a `RuntimeError`, what sentinelhub-py
    raised).

    Attributes:
        request: the request as last seen (a ``BatchRequest``).
        request_id: its id.
        error: the service's explanation (the request's ``error``), if it gave one.
    """

    def __init__(self, message: str, *, request: Any, request_id: str | None, error: str | None):
        self.request = request
        self.request_id = request_id
        self.error = error
        super().__init__(message)


# ------------------------------------------------------------------------------ S3 (the s3 extra)


class S3Error(SentinelHubError):
    """Something went wrong with an S3 (or S3-compatible) object store.

    Attributes:
        bucket: the bucket concerned, if one.
        key: the object key concerned, if one.
        code: the store's error code (``NoSuchBucket``, ``AccessDenied``, ...), if it gave one.
    """

    def __init__(
        self,
        message: str,
        *,
        bucket: str | None = None,
        key: str | None = None,
        code: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.key = key
        self.code = code
        super().__init__(message)


class S3CredentialsError(S3Error):
    """No AWS credentials were found, or the store does not accept them (unknown access key,
    wrong secret, expired session token). Nothing was uploaded."""


class S3BucketNotFoundError(S3Error):
    """The bucket does not exist at this endpoint (or in this region). Nothing was uploaded."""


class S3AccessDeniedError(S3Error, PermissionError):
    """The credentials are valid but lack a permission on the bucket (also a `PermissionError`)."""


class S3UploadError(S3Error):
    """Some files failed to upload; the others are in place, and a re-run uploads only the rest.

    Attributes:
        failures: the object key of each failed file and its error (an `S3Error` where the
            cause is known).
        completed: the keys that are in place (uploaded now or found already there).
    """

    def __init__(
        self,
        message: str,
        *,
        bucket: str,
        failures: Mapping[str, BaseException],
        completed: Sequence[str],
    ) -> None:
        super().__init__(message, bucket=bucket)
        self.failures = dict(failures)
        self.completed = list(completed)
