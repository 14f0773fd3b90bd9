"""Tile file downloads: the requests (as `Call` values for the transport) and the reading of
their answers' headers and bodies (no I/O)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import httpx

from sentinelhub_client._core.errors import APIResponseValidationError, request_id_of
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import Call, as_response
from sentinelhub_client.byoc.files.paths import Source, file_url, files_url, listing_note

if TYPE_CHECKING:
    from sentinelhub_client.byoc.files.job import FileJob
    from sentinelhub_client.byoc.files.ranges import Segment
    from sentinelhub_client.byoc.files.reads import RangeRead

__all__ = [
    "IDENTITY",
    "RemoteFile",
    "content_length",
    "head_call",
    "listing_call",
    "parse_content_range",
    "parse_listing",
    "parse_listing_response",
    "range_call",
    "remote_file_from_head",
    "remote_file_of",
    "segment_call",
    "strong_etag",
    "unsatisfied_size",
]

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)\s*-\s*(\d+)\s*/\s*(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED_RANGE = re.compile(r"^\s*bytes\s+\*\s*/\s*(\d+)\s*$", re.IGNORECASE)


def strong_etag(value: str | None) -> str | None:
    """The ETag if it is a strong one (``"..."``), else None: only strong tags guard ranges."""
    if value is None:
        return None
    value = value.strip()
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value
    return None


def parse_content_range(value: str | None) -> tuple[int, int, int | None] | None:
    """``(first, last, size)`` of ``Content-Range: bytes first-last/size`` (size None for ``*``)."""
    if value is None:
        return None
    match = _CONTENT_RANGE.match(value)
    if match is None:
        return None
    first, last, size = match.groups()
    if int(last) < int(first):
        return None
    return int(first), int(last), None if size == "*" else int(size)


def unsatisfied_size(value: str | None) -> int | None:
    """The size in ``Content-Range: bytes */size`` (the form a 416 answer carries)."""
    if value is None:
        return None
    match = _UNSATISFIED_RANGE.match(value)
    return None if match is None else int(match.group(1))


def content_length(headers: Mapping[str, str]) -> int | None:
    """``Content-Length`` as an int, or None when absent or not a number."""
    value = headers.get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


@dataclass(frozen=True)
class RemoteFile:
    """What a ``HEAD`` says about a tile file."""

    path: str
    size: int
    etag: str | None = None
    accept_ranges: bool = True


def remote_file_from_head(path: str, headers: Mapping[str, str]) -> RemoteFile | None:
    """`RemoteFile` from the headers of a ``HEAD``, or None when the size is missing."""
    size = content_length(headers)
    if size is None:
        return None
    accept = headers.get("accept-ranges", "").strip().lower()
    return RemoteFile(
        path=path, size=size, etag=strong_etag(headers.get("etag")), accept_ranges=accept != "none"
    )


def parse_listing(body: Any) -> list[str]:
    """The file listing's body (a JSON array of strings), checked."""
    if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
        raise TypeError(f"expected a JSON array of file paths, got {type(body).__name__}")
    return list(body)


#: Every file request asks for the bytes as stored: sizes and ranges are those of the file.
IDENTITY: Final = {"Accept-Encoding": "identity"}


def listing_call(
    base_path: str, collection_id: object, tile_id: object, policy: RetryPolicy
) -> Call[list[str]]:
    """The request listing a tile's files; its result: their paths (`parse_listing_response`)."""
    return Call(
        request={
            "method": "GET",
            "url": files_url(base_path, collection_id, tile_id),
            "headers": IDENTITY,
        },
        parse=lambda _api, response: parse_listing_response(response),
        retry=policy,
        follow_redirects=True,
        note=lambda status: listing_note(status, collection_id, tile_id),
    )


def head_call(base_path: str, source: Source, policy: RetryPolicy) -> Call[RemoteFile]:
    """The ``HEAD`` of one file; its result: what the answer says of it (`remote_file_of`)."""
    return Call(
        request={
            "method": "HEAD",
            "url": file_url(base_path, source.collection_id, source.tile_id, source.path),
            "headers": IDENTITY,
        },
        parse=lambda _api, response: remote_file_of(source.path, response),
        retry=policy,
        follow_redirects=True,
        note=source.note,
    )


def range_call(url: str, plan: RangeRead, source: Source, policy: RetryPolicy) -> Call[Any]:
    """The streamed ``GET`` of a range read: each attempt asks for what is left of the range
    (``Range``/``If-Range`` from ``plan``), and bytes that arrived renew the retry budget."""
    return Call(
        request={"method": "GET", "url": url},
        parse=as_response,
        stream=True,
        retry=policy,
        headers=plan.request_headers,
        progress=lambda: plan.pos,
        follow_redirects=True,
        note=source.note,
    )


def segment_call(url: str, job: FileJob, segment: Segment) -> Call[Any]:
    """The streamed ``GET`` of one segment of a download: each attempt asks for what is left of
    it, a 416 is checked by the reader (the file shrank), and bytes written renew the budget."""
    return Call(
        request={"method": "GET", "url": url},
        parse=as_response,
        stream=True,
        retry=job.policy,
        headers=lambda: job.request_headers(segment),
        accept=frozenset({416}),
        progress=lambda: segment.pos,
        follow_redirects=True,
        note=job.source.note,
    )


def parse_listing_response(response: httpx.Response) -> list[str]:
    """The paths of a listing's answer, or `APIResponseValidationError`."""
    try:
        return parse_listing(response.json())
    except (ValueError, TypeError, RecursionError) as exc:
        raise APIResponseValidationError(
            f"the file listing is not a JSON array of paths ({exc})",
            status=response.status_code,
            method="GET",
            url=str(response.request.url),
            body=response.text[:2000],
            request_id=request_id_of(response.headers),
        ) from exc


def remote_file_of(path: str, response: httpx.Response) -> RemoteFile:
    """What a ``HEAD`` answer says about a file, or `APIResponseValidationError`."""
    remote = remote_file_from_head(path, response.headers)
    if remote is None:
        raise APIResponseValidationError(
            f"HEAD of {path!r} gave no usable Content-Length",
            status=response.status_code,
            method="HEAD",
            url=str(response.request.url),
            request_id=request_id_of(response.headers),
        )
    return remote
