"""``shc cog``: check, convert and describe COGs, and ingest a folder of them in bulk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from sentinelhub_client.cli.common import (
    State,
    emit_rows,
    fail,
    json_option,
    needs_extras,
    pass_state,
)

__all__ = ["command"]

_TIFF_SUFFIXES = (".tif", ".tiff")


@click.group("cog")
def command() -> None:
    """Check files against the BYOC rules, convert them, trace cover geometries, and register
    a folder of COGs as tiles (needs the geo extra)."""


def _finding_rows(reports: list[Any]) -> list[dict[str, str]]:
    rows = []
    for report in reports:
        findings = [*report.errors, *report.warnings]
        if not findings:
            rows.append({"file": report.path, "severity": "ok", "rule": "", "message": ""})
        for finding in findings:
            rows.append({"file": report.path, **finding.to_dict()})
    return rows


@command.command("validate")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--no-data-check",
    is_flag=True,
    help="Check the structure only; do not decode every tile (faster on large files).",
)
@json_option
@needs_extras("geo")
def validate(files: tuple[str, ...], no_data_check: bool, as_json: bool) -> None:
    """Check FILES (paths or http(s) URLs) against every BYOC rule; exit code 1 when any file
    breaks one. --json prints one report per file."""
    from sentinelhub_client.cog.validate import validate_cog

    reports = []
    for name in files:
        try:
            reports.append(validate_cog(name, read_data=not no_data_check))
        except FileNotFoundError as exc:
            fail(str(exc))
    if as_json:
        emit_rows((r.to_dict() for r in reports), (), as_json=True)
    else:
        emit_rows(_finding_rows(reports), ("file", "severity", "rule", "message"), as_json=False)
    bad = [r.path for r in reports if not r.is_valid]
    if bad:
        fail(f"{len(bad)} of {len(reports)} file(s) break BYOC rules: {', '.join(bad)}")


@command.command("convert")
@click.argument("src")
@click.argument("dst", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--blocksize", type=int, default=512, show_default=True, help="Tile size in px.")
@click.option("--compress", default="DEFLATE", show_default=True, help="GDAL compression.")
@click.option(
    "--resampling",
    default="nearest",
    show_default=True,
    help="Overview resampling (nearest, average, bilinear, cubic, mode, lanczos, rms).",
)
@click.option("--crs", help="Reproject to this CRS (e.g. EPSG:4326).")
@click.option("--overwrite", is_flag=True, help="Replace DST if it exists.")
@needs_extras("geo")
def convert(
    src: str,
    dst: Path,
    blocksize: int,
    compress: str,
    resampling: str,
    crs: str | None,
    overwrite: bool,
) -> None:
    """Rewrite SRC as a BYOC-compliant COG at DST (checked before it is put in place)."""
    from sentinelhub_client.cog.convert import to_cog

    report = to_cog(
        src,
        dst,
        blocksize=blocksize,
        compress=compress,
        resampling=resampling,
        crs=crs,
        overwrite=overwrite,
    )
    for warning in report.warnings:
        click.echo(f"warning [{warning.rule}]: {warning.message}", err=True)
    click.echo(f"wrote {report.path}")


@command.command("cover")
@click.argument("file")
@click.option(
    "--simplify",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Simplification tolerance in pixels (0: the exact pixel outline).",
)
@click.option("--crs", help="Reproject the outline to this CRS (default: the file's).")
@click.option(
    "--max-size",
    type=click.IntRange(min=16),
    default=2048,
    show_default=True,
    help="Trace on a mask at most this many px on a side (larger rasters are decimated).",
)
@needs_extras("geo")
def cover(file: str, simplify: float, crs: str | None, max_size: int) -> None:
    """Print the outline of FILE's valid pixels as GeoJSON (for a tile's coverGeometry); the
    error bound goes to stderr."""
    from sentinelhub_client.cog.cover import trace_cover

    result = trace_cover(file, simplify=simplify, crs=crs, max_size=max_size)
    click.echo(json.dumps(result.geometry))
    click.echo(
        f"traced at 1/{result.factor} resolution; within {result.error_bound_px:g} px "
        f"({result.error_bound:g} CRS units) of the exact outline",
        err=True,
    )


@command.command("bands")
@click.argument("files", nargs=-1, required=True)
@needs_extras("geo")
def bands(files: tuple[str, ...]) -> None:
    """Print a collection's band definitions (additionalData.bands) read from FILES: one
    multi-band file, a pattern with (BAND) such as 'scene/T33_(BAND).tif', or several files."""
    from sentinelhub_client.cog.bands import bands_from_files

    spec = bands_from_files(files[0] if len(files) == 1 else list(files))
    click.echo(json.dumps(spec, indent=2))


@command.command("urn")
@click.argument("crs_or_file")
@needs_extras("geo")
def urn(crs_or_file: str) -> None:
    """Print the CRS URN of an EPSG code or a GeoTIFF (urn:ogc:def:crs:EPSG::32633)."""
    from sentinelhub_client.cog.crs import crs_urn

    click.echo(crs_urn(crs_or_file))


def _tiff_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        fail(f"{folder}: no such file or folder")
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in _TIFF_SUFFIXES)


@command.command("ingest")
@click.argument("folder", type=click.Path(exists=True, path_type=Path))
@click.option("--collection", required=True, help="The collection id.")
@click.option(
    "--prefix",
    default="",
    help="Where FOLDER sits in the bucket (tile path = PREFIX/relative path of each file).",
)
@click.option("--concurrency", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--cover/--no-cover", default=True, help="Send each file's traced cover geometry.")
@click.option("--wait/--no-wait", default=True, help="Wait for ingestion to finish.")
@click.option("--timeout", type=float, default=1800.0, show_default=True, help="Seconds to wait.")
@json_option
@pass_state
@needs_extras("geo")
def ingest(
    state: State,
    folder: Path,
    collection: str,
    prefix: str,
    concurrency: int,
    cover: bool,
    wait: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Register every GeoTIFF under FOLDER (a local copy of the bucket folder) as one tile.

    Each file is validated first: files that break a rule are reported and not registered.
    Tiles already in the collection are skipped, so an interrupted run can simply be run again.
    Exit code 1 when a file was refused, a tile could not be registered, or one FAILED.
    """
    from sentinelhub_client.cog.cover import cover_geometry
    from sentinelhub_client.cog.validate import validate_cog

    base = folder if folder.is_dir() else folder.parent
    rows: list[dict[str, Any]] = []
    tiles: list[dict[str, Any]] = []
    refused = 0
    for path in _tiff_files(folder):
        tile_path = "/".join(p for p in (prefix.strip("/"), path.relative_to(base).as_posix()) if p)
        report = validate_cog(path)
        if not report.is_valid:
            refused += 1
            rows.append(
                {"path": tile_path, "status": "REFUSED", "reason": report.errors[0].message}
            )
            continue
        tile: dict[str, Any] = {"path": tile_path}
        if cover:
            tile["coverGeometry"] = cover_geometry(path)
        tiles.append(tile)
    with state.byoc() as byoc:
        registration = byoc.register_tiles(collection, tiles, concurrency=concurrency)
        for failure in registration.failed:
            rows.append(
                {"path": failure.tile.path, "status": "NOT REGISTERED", "reason": failure.reason}
            )
        final = registration.tiles
        if wait and final:
            final = byoc.wait_for_tiles(collection, final, interval=2.0, timeout=timeout)
    created = {t.path for t in registration.created}
    for t in final:
        status = str(t.status) if t.status is not None else ""
        rows.append(
            {
                "path": t.path,
                "status": status,
                "reason": t.failed_ingestion_cause or ("new" if t.path in created else "existing"),
            }
        )
    emit_rows(rows, ("path", "status", "reason"), as_json=as_json)
    failed = sum(r["status"] == "FAILED" for r in rows)
    summary = (
        f"{len(registration.created)} registered, {len(registration.skipped)} already there, "
        f"{refused} refused, {len(registration.failed)} not registered, {failed} failed"
    )
    click.echo(summary, err=True)
    if refused or registration.failed or failed:
        fail(summary)


@command.command("register")
@click.argument("collection")
@click.argument("source", type=click.File("r"), default="-")
@click.option("--concurrency", type=click.IntRange(min=1), default=8, show_default=True)
@json_option
@pass_state
def register(state: State, collection: str, source: Any, concurrency: int, as_json: bool) -> None:
    """Register many tiles from SOURCE (a file, or - for stdin): one tile path per line, or one
    JSON object per line ({"path": ..., "coverGeometry": ..., "sensingTime": ...}). Paths
    already in the collection are skipped; exit code 1 when any tile could not be registered."""
    tiles: list[Any] = []
    for number, line in enumerate(source, start=1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("{"):
            try:
                tiles.append(json.loads(text))
            except ValueError as exc:
                fail(f"line {number}: not a JSON object: {exc}")
        else:
            tiles.append({"path": text})
    with state.byoc() as byoc:
        report = byoc.register_tiles(collection, tiles, concurrency=concurrency)
    rows: list[dict[str, Any]] = [
        *({"path": t.path, "result": "created", "id": t.tile_id} for t in report.created),
        *({"path": t.path, "result": "skipped", "id": t.tile_id} for t in report.skipped),
        *({"path": f.tile.path, "result": f"failed: {f.reason}", "id": ""} for f in report.failed),
    ]
    emit_rows(rows, ("path", "result", "id"), as_json=as_json)
    click.echo(report.summary(), err=True)
    if report.failed:
        fail(report.summary())
