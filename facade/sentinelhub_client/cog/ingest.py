"""Ingest a local folder of GeoTIFFs into a BYOC collection in one call: convert what is not a
compliant COG, upload to S3 (or copy into a local bucket folder), register each file as a tile
with its cover geometry and sensing time, wait for ingestion, report.

Safe to re-run: the upload skips objects already there with the same SHA-256 (conversion is
deterministic, so a converted file matches its earlier upload), and registration skips tile
paths the collection already has.

Sensing times come from a JSON sidecar next to a file (``scene.tif.json`` with
``{"sensingTime": "2024-05-01T10:00:00Z"}``), or else from ``sensing_pattern``: a regular
expression searched in the file's path relative to the folder whose group ``time`` (or first
group) holds an ISO 8601 time or a compact one (``20240501``, ``20240501T100000``).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import anyio.to_thread

from sentinelhub_client._core.errors import SentinelHubValidationError

if TYPE_CHECKING:
    from sentinelhub_client import AsyncSentinelHubBYOC, ByocTile, SentinelHubBYOC
    from sentinelhub_client.byoc.bulk import RegistrationReport
    from sentinelhub_client.s3 import S3Uploader

__all__ = [
    "IngestReport",
    "IngestedFile",
    "aingest_folder",
    "ingest_folder",
    "parse_sensing_time",
]

_TIFF_SUFFIXES = (".tif", ".tiff")
_COMPACT = ("%Y%m%dT%H%M%S", "%Y%m%dT%H%M", "%Y%m%d")

FileStatus = Literal["INGESTED", "FAILED", "REFUSED", "NOT REGISTERED", "REGISTERED"]


@dataclass
class IngestedFile:
    """What happened to one local file."""

    source: Path
    tile_path: str
    converted: bool = False
    upload: str = ""  # "uploaded", "resumed", "skipped", "copied" or "" (not sent)
    registration: str = ""  # "created", "existing" or ""
    status: str = ""
    reason: str = ""


@dataclass
class IngestReport:
    """What `ingest_folder` did, one `IngestedFile` per local file; ``ok`` when every file
    was ingested (or registered, without waiting); ``summary()`` counts in one line."""

    files: list[IngestedFile] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.status in ("INGESTED", "REGISTERED") for f in self.files)

    def count(self, **where: object) -> int:
        return sum(all(getattr(f, k) == v for k, v in where.items()) for f in self.files)

    def summary(self) -> str:
        return (
            f"{len(self.files)} files: {self.count(converted=True)} converted, "
            f"{self.count(upload='uploaded') + self.count(upload='resumed')} uploaded, "
            f"{self.count(upload='skipped')} already uploaded, "
            f"{self.count(registration='created')} registered, "
            f"{self.count(registration='existing')} already registered, "
            f"{self.count(status='INGESTED')} ingested, {self.count(status='FAILED')} failed, "
            f"{self.count(status='REFUSED')} refused"
        )


def parse_sensing_time(text: str) -> str:
    """An ISO 8601 UTC time (``...Z``) from ISO or compact text; ValueError if neither."""
    value = text.strip()
    for fmt in _COMPACT:
        try:
            parsed = datetime.strptime(value, fmt).replace(tzinfo=UTC)
            break
        except ValueError:
            continue
    else:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sensing_time(path: Path, rel: str, pattern: re.Pattern[str] | None) -> str | None:
    sidecar = path.with_name(path.name + ".json")
    if sidecar.is_file():
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            return parse_sensing_time(str(data["sensingTime"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise SentinelHubValidationError(
                f"{sidecar}: expected a JSON object with an ISO 8601 'sensingTime' ({exc})",
                field="sidecar",
            ) from None
    if pattern is None:
        return None
    found = pattern.search(rel)
    if found is None:
        return None
    text = found.group("time") if "time" in pattern.groupindex else found.group(1)
    try:
        return parse_sensing_time(text)
    except ValueError:
        raise SentinelHubValidationError(
            f"{rel}: the sensing time pattern matched {text!r}, which is no ISO 8601 or "
            "YYYYMMDD[THHMMSS] time; fix the pattern",
            field="sensing_pattern",
        ) from None


def _files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise SentinelHubValidationError(f"{folder}: no such file or folder", field="folder")
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in _TIFF_SUFFIXES)


def _place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _prepare_and_send(
    folder: str | os.PathLike[str],
    bucket: str | None,
    bucket_dir: str | os.PathLike[str] | None,
    uploader: S3Uploader | None,
    convert: bool,
    cover: bool,
    sensing_pattern: str | None,
    say: Callable[[str], Any],
) -> tuple[IngestReport, list[dict[str, Any]], dict[str, IngestedFile]]:
    """Validate, convert, trace and send every file (blocking: GDAL and uploads)."""
    from sentinelhub_client.cog.convert import to_cog
    from sentinelhub_client.cog.cover import cover_geometry
    from sentinelhub_client.cog.validate import validate_cog

    if (bucket is None) == (bucket_dir is None):
        raise SentinelHubValidationError(
            "give bucket='s3://BUCKET[/PREFIX]' or bucket_dir=FOLDER (exactly one)",
            field="bucket",
        )
    prefix = ""
    if bucket is not None:
        from sentinelhub_client.s3 import S3Location

        prefix = S3Location.parse(bucket).prefix.strip("/")
    pattern = re.compile(sensing_pattern) if sensing_pattern else None
    root = Path(folder)
    base = root if root.is_dir() else root.parent
    report = IngestReport()
    tiles: list[dict[str, Any]] = []
    by_path: dict[str, IngestedFile] = {}
    with tempfile.TemporaryDirectory(prefix="shc-ingest-") as tmp:
        staging = Path(tmp) / "stage"
        staging.mkdir()
        for path in _files(root):
            rel = path.relative_to(base).as_posix()
            item = IngestedFile(path, "/".join(p for p in (prefix, rel) if p))
            report.files.append(item)
            sensing = _sensing_time(path, rel, pattern)
            staged = staging / rel
            checked = validate_cog(path)
            if checked.is_valid:
                _place(path, staged)
            elif convert:
                staged.parent.mkdir(parents=True, exist_ok=True)
                result = to_cog(path, staged, overwrite=True)
                if not result.is_valid:
                    item.status, item.reason = "REFUSED", result.errors[0].message
                    continue
                item.converted = True
                say(f"converted {rel}")
            else:
                item.status, item.reason = "REFUSED", checked.errors[0].message
                continue
            tile: dict[str, Any] = {"path": item.tile_path}
            if cover:
                tile["coverGeometry"] = cover_geometry(staged)
            if sensing is not None:
                tile["sensingTime"] = sensing
            tiles.append(tile)
            by_path[item.tile_path] = item
        if not tiles:
            return report, tiles, by_path
        if bucket is not None:
            own = uploader is None
            if uploader is None:
                from sentinelhub_client.s3 import S3Uploader

                uploader = S3Uploader()
            try:
                sent = uploader.upload_tile(staging, bucket)
            finally:
                if own:
                    uploader.close()
            for obj in sent.objects:
                rel_key = obj.key[len(prefix) + 1 :] if prefix else obj.key
                target = by_path.get("/".join(p for p in (prefix, rel_key) if p))
                if target is not None:
                    target.upload = obj.status
        else:
            assert bucket_dir is not None
            destination = Path(bucket_dir)
            for tile in tiles:
                rel = tile["path"]
                source = staging / rel
                target_path = destination / rel
                if not (target_path.is_file() and target_path.read_bytes() == source.read_bytes()):
                    target_path.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target_path)
                    by_path[rel].upload = "copied"
                else:
                    by_path[rel].upload = "skipped"
    return report, tiles, by_path


def _record(
    by_path: dict[str, IngestedFile],
    registration: RegistrationReport,
    final: list[ByocTile],
    wait: bool,
) -> None:
    for created in registration.created:
        by_path[created.path].registration = "created"
    for skipped in registration.skipped:
        by_path[skipped.path].registration = "existing"
    for failure in registration.failed:
        item = by_path[failure.tile.path]
        item.status, item.reason = "NOT REGISTERED", failure.reason
    for state in final:
        item = by_path[state.path]
        item.status = str(state.status) if wait and state.status is not None else "REGISTERED"
        item.reason = state.failed_ingestion_cause or ""


def ingest_folder(
    byoc: SentinelHubBYOC,
    folder: str | os.PathLike[str],
    collection: str,
    *,
    bucket: str | None = None,
    bucket_dir: str | os.PathLike[str] | None = None,
    uploader: S3Uploader | None = None,
    convert: bool = True,
    cover: bool = True,
    sensing_pattern: str | None = None,
    wait: bool = True,
    timeout: float = 1800.0,
    interval: float = 2.0,
    concurrency: int = 8,
    progress: Callable[[str], Any] | None = None,
) -> IngestReport:
    """Convert, upload, register and (optionally) wait for every GeoTIFF under ``folder``.

    Each file becomes one tile whose path is ``<prefix>/<path relative to folder>``.

    Args:
        byoc: the BYOC client.
        folder: a folder of GeoTIFFs (sub-folders kept), or one file.
        collection: the collection id.
        bucket: ``s3://BUCKET[/PREFIX]``: upload there with ``uploader`` (default: an
            `S3Uploader` with the standard AWS credentials).
        bucket_dir: instead of ``bucket``, a local folder that is the bucket (e.g. an emulator's
            ``DATA_DIR/buckets/NAME``); files are copied there.
        convert: convert files that are not compliant COGs (False: refuse them).
        cover: send each file's traced cover geometry.
        sensing_pattern: regular expression for the sensing time in the relative path (a JSON
            sidecar ``<file>.json`` wins).
        wait, timeout, interval: wait for INGESTED / FAILED.
        concurrency: registrations at once.
        progress: called with a line of text per step.

    Returns:
        an `IngestReport` (``ok`` when every file was ingested, or registered without waiting).

    Raises:
        SentinelHubValidationError: a bad argument, sidecar or pattern.
        S3CredentialsError, S3BucketNotFoundError, S3AccessDeniedError: before any tile is
            registered.
    """
    say = progress or (lambda _line: None)
    report, tiles, by_path = _prepare_and_send(
        folder, bucket, bucket_dir, uploader, convert, cover, sensing_pattern, say
    )
    if not tiles:
        return report
    say(f"registering {len(tiles)} tiles")
    registration = byoc.register_tiles(collection, tiles, concurrency=concurrency)
    final = registration.tiles
    if wait and final:
        say(f"waiting for {len(final)} tiles")
        final = byoc.wait_for_tiles(collection, final, interval=interval, timeout=timeout)
    _record(by_path, registration, final, wait)
    return report


async def aingest_folder(
    byoc: AsyncSentinelHubBYOC,
    folder: str | os.PathLike[str],
    collection: str,
    *,
    bucket: str | None = None,
    bucket_dir: str | os.PathLike[str] | None = None,
    uploader: S3Uploader | None = None,
    convert: bool = True,
    cover: bool = True,
    sensing_pattern: str | None = None,
    wait: bool = True,
    timeout: float = 1800.0,  # noqa: ASYNC109 - the same signature as the sync twin
    interval: float = 2.0,
    concurrency: int = 8,
    progress: Callable[[str], Any] | None = None,
) -> IngestReport:
    """The async twin of `ingest_folder` (conversion and upload run in a worker thread)."""
    say = progress or (lambda _line: None)
    report, tiles, by_path = await anyio.to_thread.run_sync(
        functools.partial(
            _prepare_and_send,
            folder,
            bucket,
            bucket_dir,
            uploader,
            convert,
            cover,
            sensing_pattern,
            say,
        )
    )
    if not tiles:
        return report
    say(f"registering {len(tiles)} tiles")
    registration = await byoc.register_tiles(collection, tiles, concurrency=concurrency)
    final = registration.tiles
    if wait and final:
        say(f"waiting for {len(final)} tiles")
        final = await byoc.wait_for_tiles(collection, final, interval=interval, timeout=timeout)
    _record(by_path, registration, final, wait)
    return report
