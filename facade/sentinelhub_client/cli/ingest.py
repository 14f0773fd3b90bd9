"""``shc ingest``: find the tiles and bands of a folder of rasters, check them, convert, upload,
register and wait in one run; ``shc ingest set-coverage``: trace the cover geometries of
existing tiles again."""

from __future__ import annotations

import os
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

__all__ = ["command", "ingest_options", "run_ingest"]

DEFAULT_COMMAND = "folder"
_ROW_COLUMNS = ("path", "bands", "converted", "upload", "registration", "status", "reason")
_PLAN_COLUMNS = ("path", "bands", "files", "convert", "upload", "registration", "reason")


class IngestGroup(click.Group):
    """``shc ingest FOLDER ...`` runs ``shc ingest folder FOLDER ...`` (named ``shc ingest`` in
    its usage and messages); ``shc ingest set-coverage ...`` its own command."""

    #: The command that runs when the first argument names no command.
    default_command = DEFAULT_COMMAND

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands:  # shc ingest --help: the default's help
            ctx.meta["shc.ingest.default"] = True
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, found, rest = super().resolve_command(ctx, args)
        if ctx.meta.get("shc.ingest.default"):
            return None, found, rest
        return name, found, rest


class _Context(click.Context):
    """A context whose path has no trailing space when the command runs unnamed."""

    @property
    def command_path(self) -> str:
        return super().command_path.rstrip()


@click.group(
    "ingest",
    cls=IngestGroup,
    subcommand_metavar="FOLDER [OPTIONS] | set-coverage COLLECTION [OPTIONS]",
)
def command() -> None:
    """Ingest a folder of rasters into a BYOC collection (shc ingest FOLDER --collection ID
    --bucket s3://B/P | --bucket-dir DIR ...: see shc ingest folder --help), or trace the cover
    geometries of existing tiles again (shc ingest set-coverage)."""


class _IngestCommand(click.Command):
    context_class = _Context


def ingest_options(function: Any) -> Any:
    """The options of ``shc ingest folder`` (shared with the deprecated ``shc cog ingest``)."""
    options: list[Any] = [
        click.argument("folder", type=click.Path(exists=True, path_type=Path)),
        click.option("--collection", required=True, help="The collection id."),
        click.option(
            "--bucket",
            "bucket",
            default=None,
            metavar="s3://BUCKET[/PREFIX]",
            help="Upload to this bucket (tile paths: PREFIX/[--prefix/]path of each tile).",
        ),
        click.option(
            "--bucket-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Instead of --bucket: copy into this local bucket folder (an emulator's "
            "DATA_DIR/buckets/NAME; a folder inside it counts as that bucket with the folder "
            "as prefix).",
        ),
        click.option(
            "--prefix",
            default="",
            metavar="PATH",
            help="A folder inside the bucket for the tiles, with --bucket and --bucket-dir alike.",
        ),
        click.option(
            "--file-pattern",
            default=None,
            metavar="REGEX",
            help="Group files by a regular expression searched in each relative path, with "
            "named groups tile, band and time (all optional); files it does not match are "
            "left out. Default: files of one folder whose names differ only by a band name "
            "form one tile with (BAND) in its path.",
        ),
        click.option(
            "--band-map",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default=None,
            help='A file mapping file names (or globs) to band names: JSON {"red.tif": '
            '"B04"} or lines "red.tif B04"; the named files of a folder form one tile.',
        ),
        click.option(
            "--s3-endpoint", default=None, metavar="URL", help="An S3-compatible endpoint."
        ),
        click.option("--s3-profile", default=None, metavar="NAME", help="An AWS profile."),
        click.option(
            "--convert/--no-convert",
            default=True,
            help="Convert files that are not compliant COGs (--no-convert: refuse them).",
        ),
        click.option(
            "--sensing-pattern",
            default=None,
            metavar="REGEX",
            help="Sensing time from the relative path: group 'time' (or the first) holds ISO "
            "8601 or YYYYMMDD[THHMMSS]. A sidecar FILE.json with 'sensingTime' wins.",
        ),
        click.option("--cover/--no-cover", default=True, help="Send each tile's traced cover."),
        click.option("--wait/--no-wait", default=True, help="Wait for ingestion to finish."),
        click.option(
            "--timeout", type=float, default=1800.0, show_default=True, help="Seconds to wait."
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(min=1),
            default=8,
            show_default=True,
            help="Registrations at once.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=None,
            help="Processes that validate, convert and trace (default: the CPU count).",
        ),
        click.option(
            "--dry-run",
            is_flag=True,
            help="Print the plan (tiles, bands, conversions, uploads, registrations, refusals) "
            "and change nothing.",
        ),
        json_option,
        pass_state,
    ]
    for option in reversed(options):
        function = option(function)
    return function


@command.command(
    DEFAULT_COMMAND,
    cls=_IngestCommand,
    epilog="shc ingest set-coverage COLLECTION: trace the cover geometries of existing tiles "
    "again (see shc ingest set-coverage --help).",
)
@ingest_options
@needs_extras()  # geo, and s3 with --bucket: checked below, once the options are known
def folder_command(state: State, **options: Any) -> None:
    """Ingest the rasters under FOLDER into a collection: group them into tiles and bands,
    refuse tiles whose bands do not share a grid and CRS or whose sample types do not match the
    collection's bands (before anything is sent), convert what is not a compliant COG (in
    --workers processes), upload (--bucket) or copy (--bucket-dir) each tile as soon as it is
    ready, register it with its cover geometry and sensing time, wait, report.

    Safe to re-run: files already uploaded with the same bytes and tiles already registered are
    skipped. Exit code 1 when a tile was refused, not registered, or FAILED.
    """
    run_ingest(state, **options)


def run_ingest(
    state: State,
    *,
    folder: Path,
    collection: str,
    bucket: str | None,
    bucket_dir: Path | None,
    prefix: str,
    file_pattern: str | None,
    band_map: Path | None,
    s3_endpoint: str | None,
    s3_profile: str | None,
    convert: bool,
    sensing_pattern: str | None,
    cover: bool,
    wait: bool,
    timeout: float,
    concurrency: int,
    workers: int | None,
    dry_run: bool,
    as_json: bool,
    in_place_ok: bool = False,
) -> None:
    """The body of ``shc ingest`` (and of the deprecated ``shc cog ingest``, which allows
    neither --bucket nor --bucket-dir: FOLDER is then a local copy of the bucket folder at
    --prefix, whose files are registered where they are, not converted nor sent)."""
    in_place = in_place_ok and bucket is None and bucket_dir is None
    if (bucket is None) == (bucket_dir is None) and not in_place:
        fail("give --bucket s3://BUCKET[/PREFIX] or --bucket-dir FOLDER (exactly one)")
    require_extras("geo", *(["s3"] if bucket is not None and not dry_run else []))
    from sentinelhub_client.cog.ingest import ingest_folder, plan_folder
    from sentinelhub_client.cog.plan import load_band_map

    # What the dry run plans and the run does alike: the tiles, their bands and where they go.
    found: dict[str, Any] = {
        "bucket": bucket,
        "bucket_dir": bucket_dir,
        "prefix": prefix,
        "file_pattern": file_pattern,
        "band_map": load_band_map(band_map) if band_map is not None else None,
        "sensing_pattern": sensing_pattern,
        "in_place": in_place,
    }
    if dry_run:
        with state.byoc() as byoc:
            plan = plan_folder(byoc, folder, collection, **found)
        emit_rows(plan.rows(), _PLAN_COLUMNS, as_json=as_json)
        for rel in plan.skipped:
            click.echo(f"left out (not matched): {rel}", err=True)
        click.echo(f"dry run, nothing changed; {plan.summary()}", err=True)
        if plan.refused:
            fail(f"{len(plan.refused)} tile(s) would be refused")
        return
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
                **found,
                uploader=uploader,
                convert=convert and not in_place,
                cover=cover,
                wait=wait,
                timeout=timeout,
                concurrency=concurrency,
                workers=workers or os.cpu_count() or 1,
                progress=lambda line: click.echo(line, err=True),
            )
    finally:
        if uploader is not None:
            uploader.close()
    emit_rows((t.row() for t in report.tiles), _ROW_COLUMNS, as_json=as_json)
    for rel in report.left_out:
        click.echo(f"left out (not matched): {rel}", err=True)
    click.echo(report.summary(), err=True)
    if not report.ok:
        fail(report.summary())


@command.command("set-coverage")
@click.argument("collection")
@click.option(
    "--bucket-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Read the tiles' files from this local bucket folder (default: from "
    "s3://<the collection's bucket>/, with the s3 extra).",
)
@click.option("--s3-endpoint", default=None, metavar="URL", help="An S3-compatible endpoint.")
@click.option(
    "--status",
    default="INGESTED",
    show_default=True,
    help="Only tiles in this state ('all' for every tile).",
)
@click.option("--concurrency", type=click.IntRange(min=1), default=8, show_default=True)
@json_option
@pass_state
@needs_extras()
def set_coverage_command(
    state: State,
    collection: str,
    bucket_dir: Path | None,
    s3_endpoint: str | None,
    status: str,
    concurrency: int,
    as_json: bool,
) -> None:
    """Trace the cover geometry of every tile of COLLECTION again from its files and update the
    tiles (byoc-tool's set-coverage). Exit code 1 when a tile could not be updated."""
    require_extras("geo", *(["s3"] if bucket_dir is None else []))
    from sentinelhub_client.cog.ingest import set_coverage

    with state.byoc() as byoc:
        report = set_coverage(
            byoc,
            collection,
            bucket_dir=bucket_dir,
            s3_endpoint=s3_endpoint,
            status=None if status.lower() == "all" else status.upper(),
            concurrency=concurrency,
        )
    emit_rows(
        ({"path": p, "result": r, "reason": why} for p, r, why in report.rows),
        ("path", "result", "reason"),
        as_json=as_json,
    )
    click.echo(report.summary(), err=True)
    if not report.ok:
        fail(report.summary())
