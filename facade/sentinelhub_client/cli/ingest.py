"""``shc ingest``: convert, upload, register and wait for a folder of GeoTIFFs in one run."""

from __future__ import annotations

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
    require_extras,
)

__all__ = ["command"]


@click.command("ingest")
@click.argument("folder", type=click.Path(exists=True, path_type=Path))
@click.option("--collection", required=True, help="The collection id.")
@click.option(
    "--bucket",
    "bucket",
    default=None,
    metavar="s3://BUCKET[/PREFIX]",
    help="Upload to this bucket (tile paths: PREFIX/relative path of each file).",
)
@click.option(
    "--bucket-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Instead of --bucket: copy into this local bucket folder (an emulator's bucket).",
)
@click.option("--s3-endpoint", default=None, metavar="URL", help="An S3-compatible endpoint.")
@click.option("--s3-profile", default=None, metavar="NAME", help="An AWS profile.")
@click.option(
    "--convert/--no-convert",
    default=True,
    help="Convert files that are not compliant COGs (--no-convert: refuse them).",
)
@click.option(
    "--sensing-pattern",
    default=None,
    metavar="REGEX",
    help="Sensing time from the relative path: group 'time' (or the first) holds ISO 8601 or "
    "YYYYMMDD[THHMMSS]. A sidecar FILE.json with 'sensingTime' wins.",
)
@click.option("--cover/--no-cover", default=True, help="Send each file's traced cover geometry.")
@click.option("--wait/--no-wait", default=True, help="Wait for ingestion to finish.")
@click.option("--timeout", type=float, default=1800.0, show_default=True, help="Seconds to wait.")
@click.option("--concurrency", type=click.IntRange(min=1), default=8, show_default=True)
@json_option
@pass_state
@needs_extras()  # geo, and s3 with --bucket: checked below, once the options are known
def command(
    state: State,
    folder: Path,
    collection: str,
    bucket: str | None,
    bucket_dir: Path | None,
    s3_endpoint: str | None,
    s3_profile: str | None,
    convert: bool,
    sensing_pattern: str | None,
    cover: bool,
    wait: bool,
    timeout: float,
    concurrency: int,
    as_json: bool,
) -> None:
    """Ingest every GeoTIFF under FOLDER into a collection, one tile per file: convert what is
    not a compliant COG, upload it (--bucket) or copy it (--bucket-dir), register it with its
    cover geometry and sensing time, wait, report.

    Safe to re-run: files already uploaded with the same bytes and tiles already registered are
    skipped. Exit code 1 when a file was refused, not registered, or FAILED.
    """
    if (bucket is None) == (bucket_dir is None):
        fail("give --bucket s3://BUCKET[/PREFIX] or --bucket-dir FOLDER (exactly one)")
    require_extras("geo", *(["s3"] if bucket is not None else []))
    from sentinelhub_client.cog.ingest import ingest_folder

    uploader = None
    if bucket is not None:
        from sentinelhub_client.s3 import S3Uploader

        uploader = S3Uploader(endpoint_url=s3_endpoint, profile=s3_profile)
    try:
        with state.byoc() as byoc:
            report = ingest_folder(
                byoc,
                folder,
                collection,
                bucket=bucket,
                bucket_dir=bucket_dir,
                uploader=uploader,
                convert=convert,
                cover=cover,
                sensing_pattern=sensing_pattern,
                wait=wait,
                timeout=timeout,
                concurrency=concurrency,
                progress=lambda line: click.echo(line, err=True),
            )
    finally:
        if uploader is not None:
            uploader.close()
    rows: list[dict[str, Any]] = [
        {
            "path": f.tile_path,
            "converted": "yes" if f.converted else "no",
            "upload": f.upload,
            "registration": f.registration,
            "status": f.status,
            "reason": f.reason,
        }
        for f in report.files
    ]
    emit_rows(
        rows,
        ("path", "converted", "upload", "registration", "status", "reason"),
        as_json=as_json,
    )
    click.echo(report.summary(), err=True)
    if not report.ok:
        fail(report.summary())
