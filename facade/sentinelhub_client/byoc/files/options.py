"""Tile file downloads: the options, their defaults and their checks (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client._core.retry import RetryPolicy

__all__ = [
    "DEFAULT_BYOC_BASE_PATH",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_PART_SIZE",
    "Settings",
    "request_policy",
    "retry_policy",
    "validate_byte_range",
    "validate_options",
]

#: Where the BYOC API lives on the service host (the legacy path style every client uses).
DEFAULT_BYOC_BASE_PATH: Final = "/api/v1/byoc"
#: Bytes buffered per connection before they are written to disk (and progress is reported).
#: 1 MiB: large enough that a write (or, in async code, a hop to a worker thread) per chunk costs
#: nothing next to the transfer, small enough that memory stays flat with many connections.
DEFAULT_CHUNK_SIZE: Final = 1 << 20
#: Largest byte range fetched by one request. 32 MiB keeps a retry of a failed range cheap while
#: making per-request overhead (a round trip, a new TCP slow start) negligible.
DEFAULT_PART_SIZE: Final = 32 << 20
#: Parallel range requests per file (and connections in all for `download_tile`). Four saturates
#: one link in practice without tripping per-client rate limits.
DEFAULT_CONCURRENCY: Final = 4


def _positive_int(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SentinelHubValidationError(
            f"{name} must be an int >= {minimum}, got {value!r}", field=name
        )
    return value


def validate_options(
    *, concurrency: int, chunk_size: int, part_size: int, max_attempts: int | None
) -> None:
    """Raise `SentinelHubValidationError` for options that cannot work."""
    _positive_int("concurrency", concurrency)
    _positive_int("chunk_size", chunk_size)
    _positive_int("part_size", part_size)
    if max_attempts is not None:
        _positive_int("max_attempts", max_attempts)


def retry_policy(retry: RetryPolicy | None, max_attempts: int | None) -> RetryPolicy:
    """The policy of each request: ``retry`` (default `RetryPolicy()`), ``max_attempts`` on top."""
    policy = retry if retry is not None else RetryPolicy()
    if max_attempts is not None:
        policy = policy.replace(max_attempts=_positive_int("max_attempts", max_attempts))
    return policy


def request_policy(
    default: RetryPolicy, retry: RetryPolicy | None, max_attempts: int | None = None
) -> RetryPolicy:
    """`retry_policy` of ``retry``, or of the transport's policy ``default`` when it is None."""
    return retry_policy(retry if retry is not None else default, max_attempts)


def validate_byte_range(start: object, end: object) -> tuple[int, int | None]:
    """``(start, end)`` of a read, with defaults: ``start`` 0, ``end`` None (to the end).

    Both are byte offsets, ``end`` inclusive like HTTP's ``Range: bytes=start-end``.
    """
    if start is None:
        start = 0
    if isinstance(start, bool) or not isinstance(start, int):
        raise SentinelHubValidationError(f"start must be an int, got {start!r}", field="start")
    if start < 0:
        raise SentinelHubValidationError(
            f"start must be >= 0, got {start} (to read the last bytes, get the size first)",
            field="start",
        )
    if end is None:
        return start, None
    if isinstance(end, bool) or not isinstance(end, int):
        raise SentinelHubValidationError(f"end must be an int or None, got {end!r}", field="end")
    if end < start:
        raise SentinelHubValidationError(
            f"end must be >= start (it is inclusive), got start={start}, end={end}", field="end"
        )
    return start, end


@dataclass(frozen=True)
class Settings:
    """The options of one download (a file, or the files of a tile), checked."""

    overwrite: bool
    resume: bool
    concurrency: int
    chunk_size: int
    part_size: int
    #: The retry policy of every request (`retry_policy`).
    policy: RetryPolicy
    byoc_base_path: str

    @classmethod
    def checked(
        cls,
        default_retry: RetryPolicy,
        overwrite: bool,
        resume: bool,
        concurrency: int,
        chunk_size: int,
        part_size: int,
        retry: RetryPolicy | None,
        max_attempts: int | None,
        byoc_base_path: str,
    ) -> Settings:
        """The settings of a download function's arguments (`SentinelHubValidationError` for
        options that cannot work); ``default_retry``: the transport's policy. The options may be
        given by position, in the order of the download functions' signatures."""
        validate_options(
            concurrency=concurrency,
            chunk_size=chunk_size,
            part_size=part_size,
            max_attempts=max_attempts,
        )
        policy = request_policy(default_retry, retry, max_attempts)
        return cls(overwrite, resume, concurrency, chunk_size, part_size, policy, byoc_base_path)
