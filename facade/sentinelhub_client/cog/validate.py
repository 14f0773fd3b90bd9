"""`validate_cog`: every BYOC rule on one file, local or remote, before it is uploaded.

The rules themselves live in `sentinelhub_client.cog.rules` (shared with the emulator's
ingestion); this module only finds the file and reports.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client.cog.rangefile import RangeFile
from sentinelhub_client.cog.rules import (
    FileCheck,
    FileFacts,
    Finding,
    band_name_findings,
    check_file,
)

__all__ = ["CogReport", "gdal_path", "validate_band_names", "validate_cog"]

_REMOTE = ("http://", "https://")


@dataclass(frozen=True)
class CogReport:
    """The verdict of `validate_cog` on one file.

    Attributes:
        path: the file as given.
        errors: the broken rules (BYOC would refuse the file), in rule order.
        warnings: what would be ingested but is worth fixing (a large file without overviews).
        facts: CRS, bounds, size, overviews, data types, nodata, block size (None when the
            file could not be opened).
    """

    path: str
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    facts: FileFacts | None = field(default=None, repr=False)

    @property
    def is_valid(self) -> bool:
        """True when no rule is broken (warnings allowed)."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``path``, ``is_valid``, ``errors`` and ``warnings``."""
        return {
            "path": self.path,
            "is_valid": self.is_valid,
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
        }


class _RangeFile(RangeFile):
    """A read-only binary file over HTTP range requests (only the bytes the TIFF header reader
    asks for are fetched)."""

    def __init__(self, url: str, client: Any) -> None:
        super().__init__()
        self.url = url
        self.client = client
        head = client.head(url, follow_redirects=True)
        head.raise_for_status()
        self.size = int(head.headers.get("content-length", "0"))

    def _fetch(self, start: int, end: int) -> bytes:
        response = self.client.get(
            self.url, headers={"Range": f"bytes={start}-{end}"}, follow_redirects=True
        )
        response.raise_for_status()
        data: bytes = response.content
        if response.status_code == 200:  # the server ignored the range
            data = data[start : end + 1]
        return data


def gdal_path(path_or_url: str | os.PathLike[str]) -> str:
    """The path GDAL opens: ``/vsicurl/`` before an http(s) URL, ``/vsis3/BUCKET/KEY`` for
    ``s3://BUCKET/KEY``, local paths unchanged."""
    text = os.fspath(path_or_url)
    if text.startswith("s3://"):
        return "/vsis3/" + text.removeprefix("s3://")
    return f"/vsicurl/{text}" if text.startswith(_REMOTE) else text


def validate_cog(
    path_or_url: str | os.PathLike[str],
    *,
    read_data: bool = True,
    name: str | None = None,
    s3_endpoint: str | None = None,
) -> CogReport:
    """Check one file against every BYOC rule and say what to fix.

    Args:
        path_or_url: a local GeoTIFF, an ``http(s)://`` URL (read by range requests: the
            header, then the tiles when ``read_data``), or an ``s3://BUCKET/KEY`` URL (the
            ``s3`` extra; ranged reads with the standard AWS credentials, GDAL's ``/vsis3/``).
        read_data: also decode every internal tile of every level (rule ``data-readable``;
            catches truncated and damaged files; reads the whole file, one block at a time).
        name: how messages name the file (default: the path as given).
        s3_endpoint: for ``s3://`` URLs, an S3-compatible endpoint (default
            ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``, else AWS).

    Returns a `CogReport`: ``is_valid``, ``errors`` and ``warnings``, each a `Finding` with a
    ``rule`` id (``tiled``, ``block-size``, ``block-size-equal``, ``header-size``, ``crs``,
    ``pole``, ``data-type``, ``data-readable``, ``tiff``, ``geotiff``; warning ``overviews``)
    and a message naming the fix. The emulator's ingestion runs the same rule functions, so a
    file valid here is ingested there. A missing local file raises `FileNotFoundError`.
    """
    text = os.fspath(path_or_url)
    label = name or text
    if text.startswith(_REMOTE):
        import httpx

        with httpx.Client(timeout=30.0) as client:

            def opener() -> tuple[IO[bytes], int]:
                remote = _RangeFile(text, client)
                return remote, remote.size  # type: ignore[return-value]

            check = check_file(gdal_path(text), label, opener=opener, read_data=read_data)
    elif text.startswith("s3://"):
        from sentinelhub_client.cog.s3read import S3RangeFile, gdal_s3_env, s3_client

        session, client = s3_client(s3_endpoint)
        remote = S3RangeFile(client, text)  # FileNotFoundError for a missing object

        def s3_opener() -> tuple[IO[bytes], int]:
            return remote, remote.size  # type: ignore[return-value]

        with gdal_s3_env(session, s3_endpoint):
            check = check_file(gdal_path(text), label, opener=s3_opener, read_data=read_data)
    else:
        local = Path(text)
        if not local.is_file():
            raise FileNotFoundError(f"{text}: no such file (give the path of a GeoTIFF)")
        check = check_file(local, label, read_data=read_data)
    return _report(text, check)


def _report(path: str, check: FileCheck) -> CogReport:
    return CogReport(
        path=path,
        errors=tuple(check.errors),
        warnings=tuple(check.warnings),
        facts=check.facts,
    )


def validate_band_names(names: Iterable[str]) -> list[Finding]:
    """Check band names for a collection: JavaScript identifiers (evalscripts use them), no
    duplicates, at most 100. Returns the findings (rule ``band-name``), empty when all is well.

    A single string is refused (`SentinelHubValidationError`): pass a list of names.
    """
    if isinstance(names, str):
        raise SentinelHubValidationError(
            "names must be a list of band names, not one string", field="names"
        )
    return band_name_findings(names)
