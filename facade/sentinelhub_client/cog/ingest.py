"""Ingest a local folder of rasters into a BYOC collection in one call (``shc ingest``): find
the tiles and their bands (`sentinelhub_client.cog.plan`), refuse what would not match before
anything is sent, convert what is not a compliant COG, upload to S3 (or copy into a local
bucket folder), register each tile with its cover geometry and sensing time, wait, report.

A pipeline with bounded memory and disk: tiles are validated, converted and traced in a pool
of ``workers`` processes (GDAL holds the interpreter lock for part of that work, so threads
would not scale), at most ``2 * workers`` tiles ahead of the uploads; each tile is uploaded as
soon as it is ready (its staged copy deleted then), and registered in batches as uploads
finish, while later tiles are still being converted. Then the run waits for ingestion.

Safe to re-run: the upload skips objects already there with the same SHA-256 (conversion is
deterministic, so a converted file matches its earlier upload), and registration skips tile
paths the collection already has.

Sensing times come from a JSON sidecar next to a file (``scene.tif.json`` with
``{"sensingTime": "2024-05-01T10:00:00Z"}``), or else from the ``time`` group of
``file_pattern``, or from ``sensing_pattern``: a regular expression searched in the file's
path relative to the folder whose group ``time`` (or first group) holds an ISO 8601 time or a
compact one (``20240501``, ``20240501T100000``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import types
from collections.abc import Callable, Mapping
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass, field
from multiprocessing.context import SpawnContext, SpawnProcess
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client.cog.plan import (
    BAND_PLACEHOLDER,
    IngestPlan,
    PlannedTile,
    bucket_root,
    declared_bands,
    parse_sensing_time,
    plan_ingestion,
)

if TYPE_CHECKING:
    from sentinelhub_client import AsyncSentinelHubBYOC, ByocTile, SentinelHubBYOC
    from sentinelhub_client.s3 import S3Uploader

__all__ = [
    "CoverageReport",
    "IngestReport",
    "IngestedFile",
    "IngestedTile",
    "aingest_folder",
    "ingest_folder",
    "parse_sensing_time",
    "plan_folder",
    "set_coverage",
]

Say = Callable[[str], Any]


@dataclass
class IngestedTile:
    """What happened to one tile (``status`` INGESTED, FAILED, REFUSED, NOT UPLOADED, NOT
    REGISTERED or, without waiting, REGISTERED)."""

    tile_path: str
    bands: str = ""
    files: int = 1
    converted: int = 0
    upload: str = ""  # "uploaded", "skipped" (the same bytes were there), "copied" or ""
    registration: str = ""  # "created", "existing" or ""
    status: str = ""
    reason: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "path": self.tile_path,
            "bands": self.bands,
            "converted": "yes" if self.converted else "no",
            "upload": self.upload,
            "registration": self.registration,
            "status": self.status,
            "reason": self.reason,
        }


#: The former name (one tile per file).
IngestedFile = IngestedTile


@dataclass
class IngestReport:
    """What `ingest_folder` did, one `IngestedTile` per tile; ``ok`` when every tile was
    ingested (or registered, without waiting); ``summary()`` counts in one line."""

    tiles: list[IngestedTile] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[IngestedTile]:
        """The tiles (the former name, from when every file was a tile)."""
        return self.tiles

    @property
    def ok(self) -> bool:
        return all(t.status in ("INGESTED", "REGISTERED") for t in self.tiles)

    def count(self, **where: object) -> int:
        return sum(all(getattr(t, k) == v for k, v in where.items()) for t in self.tiles)

    def summary(self) -> str:
        return (
            f"{len(self.tiles)} tiles: {sum(t.converted > 0 for t in self.tiles)} converted, "
            f"{self.count(upload='uploaded') + self.count(upload='copied')} uploaded, "
            f"{self.count(upload='skipped')} already uploaded, "
            f"{self.count(registration='created')} registered, "
            f"{self.count(registration='existing')} already registered, "
            f"{self.count(status='INGESTED')} ingested, {self.count(status='FAILED')} failed, "
            f"{self.count(status='REFUSED')} refused"
        )


# -- worker processes ----------------------------------------------------------------------------

_MAIN_LOCK = threading.Lock()


class _WorkerProcess(SpawnProcess):
    """A spawned worker that does not import the program's main script again."""

    @staticmethod
    def _Popen(process_obj: BaseProcess) -> Any:
        with _MAIN_LOCK:
            main = sys.modules["__main__"]
            sys.modules["__main__"] = types.ModuleType("__main__")
            try:
                return SpawnProcess._Popen(process_obj)
            finally:
                sys.modules["__main__"] = main


class _WorkerContext(SpawnContext):
    Process = _WorkerProcess


@dataclass(frozen=True)
class _Task:
    index: int
    files: tuple[tuple[str, str], ...]  # (local file, staged copy)
    convert: bool
    cover: bool


@dataclass(frozen=True)
class _Prepared:
    index: int
    converted: int = 0
    cover: dict[str, Any] | None = None
    refused: str = ""
    converted_files: tuple[int, ...] = ()
    #: per file: (SHA-256 of the source, size and SHA-256 of what is sent for it)
    digests: tuple[tuple[str, int, str], ...] = ()


def _place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _prepare(task: _Task) -> _Prepared:
    """Validate (every block decoded), convert what is not compliant, trace the cover: what a
    worker process does for one tile."""
    from sentinelhub_client.cog.convert import to_cog
    from sentinelhub_client.cog.cover import cover_geometry
    from sentinelhub_client.cog.validate import validate_cog

    converted: list[int] = []
    for number, (source, staged) in enumerate(task.files):
        checked = validate_cog(source)
        target = Path(staged)
        if checked.is_valid:
            _place(Path(source), target)
            continue
        if not task.convert:
            return _Prepared(task.index, refused=checked.errors[0].message)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            to_cog(source, target, overwrite=True)
        except SentinelHubValidationError as exc:
            return _Prepared(task.index, refused=str(exc))
        converted.append(number)
    cover = cover_geometry(task.files[0][1]) if task.cover else None
    digests = tuple(
        (_sha256(Path(source)), Path(staged).stat().st_size, _sha256(Path(staged)))
        for source, staged in task.files
    )
    return _Prepared(
        task.index, len(converted), cover, converted_files=tuple(converted), digests=digests
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# -- what earlier runs sent ------------------------------------------------------------------------


class _Memo:
    """What earlier runs sent for a source file: its SHA-256 -> the size and SHA-256 of the
    object sent (the converted file, or the file itself), for this conversion recipe. A re-run
    compares a registered tile's objects with these and, when all match, neither converts nor
    sends it. Kept in the user cache folder (``$XDG_CACHE_HOME/sentinelhub-client/ingest``);
    losing it only costs a conversion."""

    #: Entries kept (the most recent ones).
    LIMIT = 100_000

    def __init__(self, path: Path, recipe: str) -> None:
        self.path, self.recipe = path, recipe
        self.added: dict[str, tuple[int, str]] = {}
        self.known = self._read()

    @classmethod
    def default(cls) -> _Memo:
        from rasterio import __gdal_version__

        from sentinelhub_client import __version__
        from sentinelhub_client._core.tokencache import user_cache_dir

        folder = user_cache_dir() / "ingest"
        return cls(folder / "sent.json", f"to_cog {__version__} gdal {__gdal_version__}")

    def _read(self) -> dict[str, tuple[int, str]]:
        try:
            loaded = json.loads(self.path.read_text())
            return {k: (int(v[0]), str(v[1])) for k, v in loaded.items()}
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return {}

    def _key(self, source_sha: str) -> str:
        return hashlib.sha256(f"{self.recipe}\0{source_sha}".encode()).hexdigest()

    def sent_for(self, source_sha: str) -> tuple[int, str] | None:
        key = self._key(source_sha)
        return self.added.get(key) or self.known.get(key)

    def add(self, digests: tuple[tuple[str, int, str], ...]) -> None:
        for source_sha, size, sha in digests:
            self.added[self._key(source_sha)] = (size, sha)

    def save(self) -> None:
        if not self.added:
            return
        merged = {**self._read(), **self.added}
        kept = dict(list(merged.items())[-self.LIMIT :])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.part")
            partial.write_text(json.dumps(kept))
            os.replace(partial, self.path)
        except OSError:
            pass  # a cache: the next run converts again


# -- the pipeline --------------------------------------------------------------------------------


@dataclass
class _Destination:
    """Where files go: a local bucket folder or an S3 bucket (through ``uploader``)."""

    folder: Path | None = None
    bucket: str | None = None
    uploader: S3Uploader | None = None

    def send(self, tile: PlannedTile, staging: Path) -> str:
        """Put a tile's staged files in place; "uploaded", "copied" or "skipped" ("" when the
        files are in the bucket already)."""
        if self.folder is None and self.uploader is None:
            return ""
        if self.folder is not None:
            copied = False
            for file in tile.files:
                source, target = staging / file.key, self.folder / file.key
                if target.is_file() and _same_bytes(source, target):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                copied = True
            return "copied" if copied else "skipped"
        assert self.uploader is not None
        assert self.bucket is not None
        by_folder: dict[str, list[Path]] = {}
        for file in tile.files:
            by_folder.setdefault(file.key.rpartition("/")[0], []).append(staging / file.key)
        sent = False
        for folder, files in by_folder.items():
            where = f"s3://{self.bucket}/{folder}".rstrip("/")
            report = self.uploader.upload_tile(files, where)
            sent = sent or any(o.status != "skipped" for o in report.objects)
        return "uploaded" if sent else "skipped"

    def holds(self, key: str, size: int, sha256: str) -> bool:
        """Whether the object ``key`` is there with this size and SHA-256 (False when that
        cannot be told)."""
        if self.folder is not None:
            target = self.folder / key
            return target.is_file() and target.stat().st_size == size and _sha256(target) == sha256
        if self.uploader is None or self.bucket is None:
            return False
        from sentinelhub_client.s3 import SHA256_METADATA_KEY

        try:
            head = self.uploader.client.head_object(Bucket=self.bucket, Key=key)
        except Exception:  # absent, or not readable: sent again as usual
            return False
        metadata = head.get("Metadata") or {}
        return bool(
            head.get("ContentLength") == size
            and str(metadata.get(SHA256_METADATA_KEY, "")).lower() == sha256
        )


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            left, right = fa.read(1 << 20), fb.read(1 << 20)
            if left != right:
                return False
            if not left:
                return True


Ready = queue.Queue[dict[str, Any] | None]  # tiles to register; None: no more


def _take(ready: Ready, first: dict[str, Any] | None) -> tuple[list[dict[str, Any]], bool]:
    """``first`` and every tile waiting behind it, and whether the end was among them."""
    batch = [first]
    while True:
        try:
            batch.append(ready.get_nowait())
        except queue.Empty:
            break
    return [t for t in batch if t is not None], None in batch


class _Registrar(threading.Thread):
    """Registers tiles in batches as they become ready, while others are still prepared."""

    def __init__(
        self,
        byoc: SentinelHubBYOC,
        collection: str,
        results: dict[str, IngestedTile],
        concurrency: int,
        say: Say,
    ) -> None:
        super().__init__(name="shc-ingest-register", daemon=True)
        self.byoc, self.collection, self.results = byoc, collection, results
        self.concurrency, self.say = concurrency, say
        self.ready: Ready = queue.Queue()
        self.registered: list[ByocTile] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        done = False
        while not done:
            tiles, done = _take(self.ready, self.ready.get())
            if not tiles or self.error is not None:
                continue
            try:
                self.say(f"registering {len(tiles)} tiles")
                report = self.byoc.register_tiles(
                    self.collection, tiles, concurrency=self.concurrency
                )
            except BaseException as exc:  # raised again by the caller
                self.error = exc
                continue
            _record_registration(self.results, report)
            self.registered.extend(report.tiles)


def _record_registration(results: dict[str, IngestedTile], report: Any) -> None:
    for created in report.created:
        results[created.path].registration = "created"
    for skipped in report.skipped:
        results[skipped.path].registration = "existing"
    for failure in report.failed:
        item = results[failure.tile.path]
        item.status, item.reason = "NOT REGISTERED", failure.reason


def _registration_body(tile: PlannedTile, prepared: _Prepared) -> dict[str, Any]:
    body: dict[str, Any] = {"path": tile.path}
    if prepared.cover is not None:
        body["coverGeometry"] = prepared.cover
    if tile.sensing_time is not None:
        body["sensingTime"] = tile.sensing_time
    return body


def _in_place_already(tile: PlannedTile, destination: _Destination, memo: _Memo) -> bool:
    """Whether a registered tile's objects are what this run would send (from what an earlier
    run sent for the same sources), so that it needs no conversion and no upload."""
    if not tile.exists:
        return False
    for file in tile.files:
        sent = memo.sent_for(_sha256(file.source))
        if sent is None or not destination.holds(file.key, *sent):
            return False
    return True


def _run_pipeline(
    plan: IngestPlan,
    destination: _Destination,
    results: dict[str, IngestedTile],
    *,
    convert: bool,
    cover: bool,
    workers: int,
    on_ready: Callable[[dict[str, Any]], None],
    say: Say,
) -> None:
    """Prepare (in processes), send (in threads) and hand each tile to ``on_ready``; a
    registered tile whose objects are what an earlier run sent goes to ``on_ready`` at once."""
    tiles = plan.accepted
    if not tiles:
        return
    memo = _Memo.default()
    senders = ThreadPoolExecutor(max_workers=4, thread_name_prefix="shc-ingest-send")
    try:
        settled = list(senders.map(lambda t: _in_place_already(t, destination, memo), tiles))
        for tile, done in zip(tiles, settled, strict=True):
            if done:
                results[tile.path].upload = "skipped"
                on_ready(_registration_body(tile, _Prepared(0)))
        if any(settled):
            say(f"{sum(settled)} registered tiles already in place: neither converted nor sent")
        if all(settled):
            return
        with tempfile.TemporaryDirectory(prefix="shc-ingest-") as tmp:
            _prepare_and_send(
                [
                    (i, t)
                    for i, (t, done) in enumerate(zip(tiles, settled, strict=True))
                    if not done
                ],
                destination,
                results,
                Path(tmp),
                senders,
                memo,
                convert=convert,
                cover=cover,
                workers=workers,
                on_ready=on_ready,
                say=say,
            )
    finally:
        senders.shutdown(wait=True, cancel_futures=True)
        memo.save()


def _prepare_and_send(
    tiles: list[tuple[int, PlannedTile]],
    destination: _Destination,
    results: dict[str, IngestedTile],
    staging: Path,
    senders: ThreadPoolExecutor,
    memo: _Memo,
    *,
    convert: bool,
    cover: bool,
    workers: int,
    on_ready: Callable[[dict[str, Any]], None],
    say: Say,
) -> None:
    by_index = dict(tiles)
    tasks = [
        _Task(
            index,
            tuple((str(f.source), str(staging / str(index) / f.key)) for f in tile.files),
            convert,
            cover,
        )
        for index, tile in tiles
    ]
    pool: ProcessPoolExecutor | ThreadPoolExecutor
    if workers > 1 and len(tasks) > 1:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)), mp_context=_WorkerContext()
        )
    else:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shc-ingest-prepare")
    window = 2 * max(1, workers)
    pending: set[Future[Any]] = set()
    sending: set[Future[Any]] = set()
    todo = list(reversed(tasks))

    def send(tile: PlannedTile, prepared: _Prepared) -> None:
        item = results[tile.path]
        folder = staging / str(prepared.index)
        try:
            item.upload = destination.send(tile, folder)
        except Exception as exc:  # one tile's failure, reported
            item.status, item.reason = "NOT UPLOADED", str(exc)
            return
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        memo.add(prepared.digests)
        on_ready(_registration_body(tile, prepared))

    try:
        while todo or pending:
            while todo and len(pending) < window:
                pending.add(pool.submit(_prepare, todo.pop()))
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                prepared: _Prepared = future.result()
                tile = by_index[prepared.index]
                item = results[tile.path]
                item.converted = prepared.converted
                if prepared.refused:
                    item.status, item.reason = "REFUSED", prepared.refused
                    shutil.rmtree(staging / str(prepared.index), ignore_errors=True)
                    continue
                for number in prepared.converted_files:
                    say(f"converted {tile.files[number].rel}")
                sending.add(senders.submit(send, tile, prepared))
        for future in sending:
            future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        wait(sending)  # before the staged files go


def _results(plan: IngestPlan, say: Say) -> dict[str, IngestedTile]:
    results = {}
    for tile in plan.tiles:
        results[tile.path] = IngestedTile(
            tile.path,
            bands=", ".join(tile.bands),
            files=len(tile.files),
            status="REFUSED" if tile.refused else "",
            reason=tile.refused,
        )
        if tile.refused:
            say(f"refused {tile.path}: {tile.refused}")
    return results


@dataclass(frozen=True)
class _Sending:
    """Where and how a run sends its tiles (the arguments of `ingest_folder`)."""

    bucket: str | None
    bucket_dir: str | os.PathLike[str] | None
    prefix: str
    uploader: S3Uploader | None
    convert: bool
    cover: bool
    workers: int
    in_place: bool


def _pipeline(
    plan: IngestPlan,
    results: dict[str, IngestedTile],
    on_ready: Callable[[dict[str, Any]], None],
    say: Say,
    sending: _Sending,
) -> None:
    """`_run_pipeline` to the run's destination: the bucket checked before anything is sent,
    with an `S3Uploader` of its own (closed at the end) for a bucket given without one."""
    uploader = own = None
    if sending.bucket is not None and sending.uploader is None:
        from sentinelhub_client.s3 import S3Uploader

        uploader = own = S3Uploader()
    try:
        destination, _, _ = _destination(
            sending.bucket,
            sending.bucket_dir,
            sending.prefix,
            uploader or sending.uploader,
            sending.in_place,
        )
        if destination.uploader is not None and plan.accepted:
            destination.uploader.check(f"s3://{destination.bucket}")
        _run_pipeline(
            plan,
            destination,
            results,
            convert=sending.convert and not sending.in_place,
            cover=sending.cover,
            workers=sending.workers,
            on_ready=on_ready,
            say=say,
        )
    finally:
        if own is not None:
            own.close()


def _destination(
    bucket: str | None,
    bucket_dir: str | os.PathLike[str] | None,
    prefix: str,
    uploader: S3Uploader | None,
    in_place: bool = False,
) -> tuple[_Destination, str, str]:
    """The destination, the full prefix of tile paths in the bucket, and its description."""
    if in_place:
        if bucket is not None or bucket_dir is not None:
            raise SentinelHubValidationError(
                "in_place: the files are in the bucket already; give no bucket or bucket_dir",
                field="in_place",
            )
        return _Destination(), prefix.strip("/"), "the bucket (in place)"
    if (bucket is None) == (bucket_dir is None):
        raise SentinelHubValidationError(
            "give bucket='s3://BUCKET[/PREFIX]' or bucket_dir=FOLDER (exactly one)",
            field="bucket",
        )
    if bucket is not None:
        name, _, url_prefix = bucket.removeprefix("s3://").partition("/")
        if not bucket.startswith("s3://") or not name:
            raise SentinelHubValidationError(
                f"bucket must be s3://BUCKET[/PREFIX], got {bucket!r}", field="bucket"
            )
        full = "/".join(p.strip("/") for p in (url_prefix, prefix) if p.strip("/"))
        return _Destination(bucket=name, uploader=uploader), full, f"s3://{name}/{full}".rstrip("/")
    assert bucket_dir is not None
    root, implied = bucket_root(bucket_dir)
    full = "/".join(p.strip("/") for p in (implied, prefix) if p.strip("/"))
    return _Destination(folder=root), full, str(root / full) if full else str(root)


def plan_folder(
    byoc: SentinelHubBYOC | None,
    folder: str | os.PathLike[str],
    collection: str | None,
    *,
    bucket: str | None = None,
    bucket_dir: str | os.PathLike[str] | None = None,
    prefix: str = "",
    file_pattern: str | None = None,
    band_map: Mapping[str, str] | None = None,
    sensing_pattern: str | None = None,
    check_compliance: bool = True,
    in_place: bool = False,
) -> IngestPlan:
    """The plan of `ingest_folder` (tiles, bands, conversions, uploads, registrations), with the
    checks made; reads the collection's bands and tile paths (with ``byoc``), changes nothing."""
    _, full_prefix, where = _destination(bucket, bucket_dir, prefix, None, in_place)
    declared: list[Any] = []
    existing: list[str] = []
    if byoc is not None and collection is not None:
        found = byoc.get_collection(collection)
        extra = found.additional_data
        declared = declared_bands(extra.bands if extra is not None else None)
        existing = [t.path for t in byoc.iter_tiles(collection)]
    return plan_ingestion(
        folder,
        prefix=full_prefix,
        destination=where,
        file_pattern=file_pattern,
        band_map=band_map,
        sensing_pattern=sensing_pattern,
        declared=declared,
        existing=existing,
        check_compliance=check_compliance,
    )


def ingest_folder(
    byoc: SentinelHubBYOC,
    folder: str | os.PathLike[str],
    collection: str,
    *,
    bucket: str | None = None,
    bucket_dir: str | os.PathLike[str] | None = None,
    prefix: str = "",
    uploader: S3Uploader | None = None,
    file_pattern: str | None = None,
    band_map: Mapping[str, str] | None = None,
    convert: bool = True,
    cover: bool = True,
    sensing_pattern: str | None = None,
    wait: bool = True,
    timeout: float = 1800.0,
    interval: float = 2.0,
    concurrency: int = 8,
    workers: int = 1,
    in_place: bool = False,
    progress: Callable[[str], Any] | None = None,
) -> IngestReport:
    """Find, check, convert, upload, register and (optionally) wait for the tiles under
    ``folder``.

    Args:
        byoc: the BYOC client.
        folder: a folder of rasters (sub-folders kept), or one file.
        collection: the collection id.
        bucket: ``s3://BUCKET[/PREFIX]``: upload there with ``uploader`` (default: an
            `S3Uploader` with the standard AWS credentials).
        bucket_dir: instead of ``bucket``, a local folder that is the bucket (e.g. an emulator's
            ``DATA_DIR/buckets/NAME``; a folder inside an emulator's bucket counts as that
            bucket with the folder as a prefix); files are copied there.
        prefix: a folder inside the bucket for the tiles (after the URL's own prefix).
        file_pattern, band_map: how files form tiles and bands (see
            `sentinelhub_client.cog.plan`); by default files of one folder whose names differ
            only by a band name form one tile with ``(BAND)`` in its path.
        convert: convert files that are not compliant COGs (False: refuse them).
        cover: send each tile's traced cover geometry.
        sensing_pattern: regular expression for the sensing time in the relative path (a JSON
            sidecar ``<file>.json`` wins).
        wait, timeout, interval: wait for INGESTED / FAILED.
        concurrency: registrations (and uploads) at once.
        workers: processes that validate, convert and trace (1: in this process).
        in_place: ``folder`` is a local copy of the bucket folder at ``prefix``: its files are
            registered where they are (checked, not converted, nothing sent).
        progress: called with a line of text per step.

    Returns:
        an `IngestReport` (``ok`` when every tile was ingested, or registered without waiting).
        Tiles refused before upload (different grids or CRSs within a tile, a sample type that
        does not match the collection's bands or the run's first tile) are ``REFUSED`` with
        the file, the band, both types and the fix; the others go on.

    Raises:
        SentinelHubValidationError: a bad argument, sidecar or pattern.
        S3CredentialsError, S3BucketNotFoundError, S3AccessDeniedError: before any upload.
    """
    say = progress or (lambda _line: None)
    plan = plan_folder(
        byoc,
        folder,
        collection,
        bucket=bucket,
        bucket_dir=bucket_dir,
        prefix=prefix,
        file_pattern=file_pattern,
        band_map=band_map,
        sensing_pattern=sensing_pattern,
        check_compliance=False,
        in_place=in_place,
    )
    sending = _Sending(bucket, bucket_dir, prefix, uploader, convert, cover, workers, in_place)
    results = _results(plan, say)
    registrar = _Registrar(byoc, collection, results, concurrency, say)
    registrar.start()
    try:
        _pipeline(plan, results, registrar.ready.put, say, sending)
    finally:
        registrar.ready.put(None)
        registrar.join()
    if registrar.error is not None:
        raise registrar.error
    final = registrar.registered
    if wait and final:
        say(f"waiting for {len(final)} tiles")
        final = byoc.wait_for_tiles(collection, final, interval=interval, timeout=timeout)
    _record_final(results, final, wait)
    return IngestReport(list(results.values()), plan.skipped)


def _record_final(results: dict[str, IngestedTile], final: list[ByocTile], wait: bool) -> None:
    for state in final:
        item = results.get(state.path)
        if item is None:
            continue
        item.status = str(state.status) if wait and state.status is not None else "REGISTERED"
        item.reason = state.failed_ingestion_cause or ""


async def aingest_folder(
    byoc: AsyncSentinelHubBYOC,
    folder: str | os.PathLike[str],
    collection: str,
    *,
    bucket: str | None = None,
    bucket_dir: str | os.PathLike[str] | None = None,
    prefix: str = "",
    uploader: S3Uploader | None = None,
    file_pattern: str | None = None,
    band_map: Mapping[str, str] | None = None,
    convert: bool = True,
    cover: bool = True,
    sensing_pattern: str | None = None,
    wait: bool = True,
    timeout: float = 1800.0,  # noqa: ASYNC109 - the same signature as the sync twin
    interval: float = 2.0,
    concurrency: int = 8,
    workers: int = 1,
    in_place: bool = False,
    progress: Callable[[str], Any] | None = None,
) -> IngestReport:
    """The async twin of `ingest_folder` (planning, conversion and upload run in a worker
    thread, with conversions in ``workers`` processes; each tile is registered as soon as it is
    in place, while later ones are still converted)."""
    say = progress or (lambda _line: None)
    found = await byoc.get_collection(collection)
    extra = found.additional_data
    existing = [t.path async for t in byoc.iter_tiles(collection)]
    _, full_prefix, where = _destination(bucket, bucket_dir, prefix, None, in_place)
    plan = await anyio.to_thread.run_sync(
        functools.partial(
            plan_ingestion,
            folder,
            prefix=full_prefix,
            destination=where,
            file_pattern=file_pattern,
            band_map=band_map,
            sensing_pattern=sensing_pattern,
            declared=declared_bands(extra.bands if extra is not None else None),
            existing=existing,
        )
    )
    sending = _Sending(bucket, bucket_dir, prefix, uploader, convert, cover, workers, in_place)
    results = _results(plan, say)
    ready: Ready = queue.Queue()
    registered: list[ByocTile] = []
    errors: list[Exception] = []

    async def register_as_ready() -> None:
        done = False
        while not done:
            tiles, done = _take(ready, await anyio.to_thread.run_sync(ready.get))
            if not tiles or errors:
                continue
            say(f"registering {len(tiles)} tiles")
            try:
                report = await byoc.register_tiles(collection, tiles, concurrency=concurrency)
            except Exception as exc:  # raised again once the pipeline has stopped
                errors.append(exc)
                continue
            _record_registration(results, report)
            registered.extend(report.tiles)

    async with anyio.create_task_group() as group:
        group.start_soon(register_as_ready)
        try:
            await anyio.to_thread.run_sync(_pipeline, plan, results, ready.put, say, sending)
        finally:
            ready.put(None)
    if errors:
        raise errors[0]
    final = registered
    if wait and final:
        say(f"waiting for {len(final)} tiles")
        final = await byoc.wait_for_tiles(collection, final, interval=interval, timeout=timeout)
    _record_final(results, final, wait)
    return IngestReport(list(results.values()), plan.skipped)


# -- set-coverage --------------------------------------------------------------------------------


@dataclass
class CoverageReport:
    """What `set_coverage` did: ``(tile path, result, reason)`` per tile; result ``updated``
    or ``failed``."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(result == "updated" for _, result, _ in self.rows)

    def summary(self) -> str:
        updated = sum(result == "updated" for _, result, _ in self.rows)
        return f"{len(self.rows)} tiles: {updated} updated, {len(self.rows) - updated} failed"


def set_coverage(
    byoc: SentinelHubBYOC,
    collection: str,
    *,
    bucket_dir: str | os.PathLike[str] | None = None,
    s3_endpoint: str | None = None,
    status: str | None = "INGESTED",
    concurrency: int = 8,
    progress: Callable[[str], Any] | None = None,
) -> CoverageReport:
    """Trace the cover geometry of each existing tile again from its files and update the tile
    (byoc-tool's ``set-coverage``).

    A tile's files are read from ``bucket_dir`` (a local copy of the bucket, or an emulator's
    bucket folder) or else from ``s3://<the collection's bucket>/<path>`` (the ``s3`` extra;
    ``s3_endpoint`` for an S3-compatible store). With ``(BAND)`` in a tile's path, the first band
    of the collection (its ``source``) is traced. ``status`` limits the tiles (None: all).
    """
    from sentinelhub_client.cog.cover import cover_geometry

    say = progress or (lambda _line: None)
    found = byoc.get_collection(collection)
    extra = found.additional_data
    bands = declared_bands(extra.bands if extra is not None else None)
    tiles = list(
        byoc.iter_tiles(collection, status=status) if status else byoc.iter_tiles(collection)
    )
    report = CoverageReport()

    def one(tile: ByocTile) -> tuple[str, str, str]:
        rel = tile.path
        if BAND_PLACEHOLDER in rel:
            if not bands:
                return rel, "failed", "the collection has no bands yet; ingest a tile first"
            rel = rel.replace(BAND_PLACEHOLDER, bands[0].source)
        try:
            if bucket_dir is not None:
                location = str(Path(bucket_dir) / rel)
                geometry = cover_geometry(location)
            else:
                from sentinelhub_client.cog.s3read import gdal_s3_env, s3_client

                session, _ = s3_client(s3_endpoint)
                with gdal_s3_env(session, s3_endpoint):
                    geometry = cover_geometry(f"s3://{found.s3_bucket}/{rel}")
            byoc.update_tile(
                collection, {"id": tile.tile_id, "path": tile.path, "coverGeometry": geometry}
            )
        except Exception as exc:  # one tile's failure, reported
            return tile.path, "failed", str(exc)
        say(f"updated {tile.path}")
        return tile.path, "updated", ""

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        report.rows.extend(pool.map(one, tiles))
    return report
