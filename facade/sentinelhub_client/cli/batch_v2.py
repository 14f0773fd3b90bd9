"""``shc batch-v2``: Batch Processing API v2 requests and the tiling grids."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sentinelhub_client.cli import _batch as shared
from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

if TYPE_CHECKING:
    from sentinelhub_client.batch_v2.client import BatchProcessClient
    from sentinelhub_client.batch_v2.models import BatchProcessRequest

__all__ = ["command"]

REQUEST_COLUMNS = ("id", "status", "completionPercentage", "created", "costPU")


def _client(state: State) -> BatchProcessClient:
    from sentinelhub_client.batch_v2.client import BatchProcessClient

    return BatchProcessClient(state.credentials())


def _description(request: dict[str, Any]) -> dict[str, Any]:
    """The request for display: its description lifted to the top, and the S3 secret keys the
    service may echo in ``request`` masked."""
    from sentinelhub_client.process.builders import _masked

    shown: dict[str, Any] = _masked(request)
    inner = shown.get("request")
    if isinstance(inner, dict) and "description" in inner:
        return {**shown, "description": inner["description"]}
    return shown


command = common.group("batch-v2")


@command.command("create", short_help="Create a Batch v2 request.")
@common.request_options(
    "The Process API request (JSON) that every feature or tile runs.",
    "An evalscript file (replaces the request's evalscript).",
)
@click.option("--grid", "grid_id", type=int, help="Tiling grid id (with --resolution).")
@click.option("--resolution", type=float, help="Resolution in the grid's unit.")
@click.option("--buffer-x", type=int, help="Pixels added left and right of every tile.")
@click.option("--buffer-y", type=int, help="Pixels added above and below every tile.")
@click.option("--geopackage", help="s3:// URL of a GeoPackage of features (instead of --grid).")
@click.option(
    "--output", "output_url", required=True, help="s3:// folder or template of the results."
)
@click.option("--cog", is_flag=True, help="Write cloud-optimised GeoTIFFs.")
@click.option(
    "--zarr",
    "zarr_file",
    type=common.FILE,
    help="Write one Zarr: a JSON file with arrayParameters (and group, arrayOverrides).",
)
@click.option("--iam-role", help="IAM role ARN giving the service access to the bucket(s).")
@click.option("--access-key", help="S3 access key (with SHC_S3_SECRET_ACCESS_KEY).")
@click.option(
    "--secret-access-key",
    envvar="SHC_S3_SECRET_ACCESS_KEY",
    show_envvar=True,
    help="S3 secret key; better given in the environment than on the command line.",
)
@click.option("--description", help="Free text.")
@json_option
@pass_state
def create(
    state: State,
    request: Path,
    evalscript: Path | None,
    grid_id: int | None,
    resolution: float | None,
    buffer_x: int | None,
    buffer_y: int | None,
    geopackage: str | None,
    output_url: str,
    cog: bool,
    zarr_file: Path | None,
    iam_role: str | None,
    access_key: str | None,
    secret_access_key: str | None,
    description: str | None,
    as_json: bool,
) -> None:
    """Create a Batch v2 request (status CREATED) and print it with its id. Nothing runs until
    ``shc batch-v2 analyse`` or ``shc batch-v2 start``. Give --grid with --resolution, or
    --geopackage; the output is raster files (--cog for COGs) unless --zarr is given."""
    from sentinelhub_client.batch_v2 import calls

    process_request = common.read_json_object(request, "--request")
    shared.add_evalscript(process_request, evalscript)
    if (grid_id is None) == (geopackage is None):
        common.fail("give either --grid (with --resolution) or --geopackage")
    if zarr_file is not None and cog:
        common.fail("--cog and --zarr exclude each other: Zarr output is not GeoTIFF")

    def location(url: str) -> dict[str, Any]:
        return calls.s3_specification(url, access_key, secret_access_key, iam_role)

    if grid_id is not None:
        if resolution is None:
            common.fail("--grid needs --resolution")
        input_ = calls.tiling_grid_input(grid_id, resolution, buffer_x, buffer_y)
    else:
        assert geopackage is not None
        input_ = calls.geopackage_input(location(geopackage))
    if zarr_file is not None:
        zarr = common.read_json_object(zarr_file, "--zarr")
        output = calls.zarr_output(
            location(output_url),
            group=zarr.pop("group", None),
            array_parameters=zarr.pop("arrayParameters", None),
            array_overrides=zarr.pop("arrayOverrides", None),
            **zarr,
        )
    else:
        output = calls.raster_output(location(output_url), cog_output=True if cog else None)
    with _client(state) as batch:
        created = batch.create(process_request, input_, output, description=description)
    common.emit_object(_description(created.to_dict()), as_json=as_json)


shared.add_list(command, _client, "Batch v2 requests", REQUEST_COLUMNS)
shared.add_get(command, _client, "status", "One Batch v2 request, as it is now.", _description)


@command.command("describe", short_help="Change the description of a request.")
@click.argument("request_id")
@click.argument("description")
@pass_state
def describe(state: State, request_id: str, description: str) -> None:
    """Change the description of REQUEST_ID (the only member that can change)."""
    with _client(state) as batch:
        batch.update_request(request_id, description)
    click.echo(f"updated {request_id}")


shared.add_actions(
    command,
    _client,
    [
        (
            "analyse",
            "start_analysis",
            "analysing",
            "Start the analysis of REQUEST_ID (follow it with shc batch-v2 watch --analysis).",
        ),
        (
            "start",
            "start_job",
            "started",
            "Start processing REQUEST_ID (analysing it first if it was not); follow it with shc "
            "batch-v2 watch.",
        ),
        ("stop", "stop_job", "stopped", "Stop REQUEST_ID while it is analysed or processed."),
    ],
)


def _verdict(final: BatchProcessRequest, request_id: str) -> str | None:
    if final.status is not None and final.status.value == "STOPPED":
        reason = final.stopped_status_reason
        return f"Batch v2 request {request_id} STOPPED ({reason.value if reason else 'no reason'})"
    return None


shared.add_wait(
    command,
    _client,
    "watch",
    "Wait until the job of REQUEST_ID ends and print the request; a bar of its completion "
    "shows on standard error when it is a terminal. Exit code 0 when it is DONE (or, with "
    "--analysis, analysed), 1 when it ended FAILED or STOPPED or the wait timed out.",
    _verdict,
    _description,
)
shared.add_grids(command, _client)


@command.command("features", short_help="Read a job's status database (a downloaded file).")
@click.argument("database", type=common.FILE)
@click.option("--status", help="Only the features in this status (DONE, FAILED, ...).")
@click.option("--counts", is_flag=True, help="Only how many features are in each status.")
@common.list_options
def features(
    database: Path, status: str | None, counts: bool, max_items: int | None, as_json: bool
) -> None:
    """The features (or tiles) of a Batch v2 job and their statuses, from the SQLite status
    database the job writes into its bucket (download it first)."""
    from itertools import islice

    from sentinelhub_client.batch_v2.statusdb import StatusDatabase

    with StatusDatabase.open(database) as db:
        if counts:
            common.emit_object(db.counts(), as_json=as_json)
            return
        rows = (
            {"id": f.id, "name": f.name, "status": f.status, "error": f.error, **f.other}
            for f in db.features(status)
        )
        common.emit_rows(
            islice(rows, max_items), ("id", "name", "status", "error"), as_json=as_json
        )
