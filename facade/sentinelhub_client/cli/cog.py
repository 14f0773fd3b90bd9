"""``shc cog``: check, convert and describe COGs, and ingest a folder of them in bulk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state
from sentinelhub_client.cli.ingest import ingest_options, run_ingest

__all__ = ["command"]


command = common.group(
    "cog",
    "Check files against the BYOC rules, convert them, trace cover geometries and read band "
    "definitions (needs the geo extra); shc ingest ingests a folder.",
)


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
@common.needs_extras("geo")
def validate(files: tuple[str, ...], no_data_check: bool, as_json: bool) -> None:
    """Check FILES (paths or http(s) URLs) against every BYOC rule; exit code 1 when any file
    breaks one. --json prints one report per file."""
    from sentinelhub_client.cog.validate import validate_cog

    reports = []
    for name in files:
        try:
            reports.append(validate_cog(name, read_data=not no_data_check))
        except FileNotFoundError as exc:
            common.fail(str(exc))
    if as_json:
        common.emit_rows((r.to_dict() for r in reports), (), as_json=True)
    else:
        common.emit_rows(
            _finding_rows(reports), ("file", "severity", "rule", "message"), as_json=False
        )
    bad = [r.path for r in reports if not r.is_valid]
    if bad:
        common.fail(f"{len(bad)} of {len(reports)} file(s) break BYOC rules: {', '.join(bad)}")


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
@common.needs_extras("geo")
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
@common.needs_extras("geo")
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
@common.needs_extras("geo")
def bands(files: tuple[str, ...]) -> None:
    """Print a collection's band definitions (additionalData.bands) read from FILES: one
    multi-band file, a pattern with (BAND) such as 'scene/T33_(BAND).tif', or several files."""
    from sentinelhub_client.cog.bands import bands_from_files

    spec = bands_from_files(files[0] if len(files) == 1 else list(files))
    click.echo(json.dumps(spec, indent=2))


@command.command("urn")
@click.argument("crs_or_file")
@common.needs_extras("geo")
def urn(crs_or_file: str) -> None:
    """Print the CRS URN of an EPSG code or a GeoTIFF (urn:ogc:def:crs:EPSG::32633)."""
    from sentinelhub_client.cog.crs import crs_urn

    click.echo(crs_urn(crs_or_file))


@command.command("ingest", hidden=True)
@ingest_options
@common.needs_extras("geo")
def ingest(state: State, **options: Any) -> None:
    """Deprecated: the same as shc ingest (removed in the next release)."""
    click.echo(
        "warning: 'shc cog ingest' is deprecated and will be removed in the next release; "
        "use 'shc ingest' (the same options)",
        err=True,
    )
    run_ingest(state, in_place_ok=True, **options)


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
                common.fail(f"line {number}: not a JSON object: {exc}")
        else:
            tiles.append({"path": text})
    with state.byoc() as byoc:
        report = byoc.register_tiles(collection, tiles, concurrency=concurrency)
    rows: list[dict[str, Any]] = [
        *({"path": t.path, "result": "created", "id": t.tile_id} for t in report.created),
        *({"path": t.path, "result": "skipped", "id": t.tile_id} for t in report.skipped),
        *({"path": f.tile.path, "result": f"failed: {f.reason}", "id": ""} for f in report.failed),
    ]
    common.emit_rows(rows, ("path", "result", "id"), as_json=as_json)
    click.echo(report.summary(), err=True)
    if report.failed:
        common.fail(report.summary())
