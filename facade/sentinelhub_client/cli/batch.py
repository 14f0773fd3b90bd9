"""``shc batch``: Batch Processing API v1 requests, their tiles and the tiling grids."""

from __future__ import annotations

from pathlib import Path

import click

from sentinelhub_client.cli.common import (
    State,
    emit_object,
    emit_rows,
    fail,
    json_option,
    max_items_option,
    pass_state,
    read_json_object,
    read_text_file,
    show_progress,
)

__all__ = ["command"]

REQUEST_COLUMNS = ("id", "status", "tileCount", "created", "description")
TILE_COLUMNS = ("id", "name", "status", "cost")
GRID_COLUMNS = ("id", "name", "properties")

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("batch")
def command() -> None:
    """Create, run and follow Batch Processing (v1) requests."""


@command.command("create", short_help="Create a batch request from a JSON file.")
@click.option(
    "--request",
    "request",
    type=_FILE,
    required=True,
    help="The Batch v1 request body (JSON): processRequest, tilingGrid, output or bucketName, ...",
)
@click.option(
    "--evalscript", type=_FILE, help="An evalscript file (replaces processRequest.evalscript)."
)
@click.option("--description", help="Free text (replaces the JSON's description).")
@click.option("--bucket", "bucket_name", help="Write to s3://BUCKET with the default layout.")
@json_option
@pass_state
def create(
    state: State,
    request: Path,
    evalscript: Path | None,
    description: str | None,
    bucket_name: str | None,
    as_json: bool,
) -> None:
    """Create a batch request (status CREATED) from a JSON file; prints it with its id. Nothing
    runs until ``shc batch analyse`` or ``shc batch start``."""
    body = read_json_object(request, "--request")
    process_request = body.pop("processRequest", None)
    tiling_grid = body.pop("tilingGrid", None)
    if not isinstance(process_request, dict):
        fail(f"--request: {request} needs processRequest, the Process API body as an object")
    if not isinstance(tiling_grid, dict):
        fail(f'--request: {request} needs tilingGrid, e.g. {{"id": 1, "resolution": 10}}')
    if evalscript is not None:
        process_request["evalscript"] = read_text_file(evalscript, "--evalscript")
    output = body.pop("output", None)
    bucket_name = bucket_name if bucket_name is not None else body.pop("bucketName", None)
    description = description if description is not None else body.pop("description", None)
    body.pop("bucketName", None)
    body.pop("description", None)
    with state.batch() as batch:
        created = batch.create(
            process_request,
            tiling_grid,
            output=output,
            bucket_name=bucket_name,
            description=description,
            **body,
        )
    emit_object(created.to_dict(), as_json=as_json)


@command.command("list", short_help="The batch requests.")
@click.option("--search", help="Only requests matching these words.")
@click.option("--sort", help="created, created:desc, status or status:desc.")
@click.option("--user-id", help="Only the requests of this user.")
@max_items_option
@json_option
@pass_state
def list_(
    state: State,
    search: str | None,
    sort: str | None,
    user_id: str | None,
    max_items: int | None,
    as_json: bool,
) -> None:
    """The batch requests (streamed page by page: JSON lines with --json)."""
    with state.batch() as batch:
        requests = batch.iter_requests(user_id, search, sort, max_items=max_items)
        emit_rows((r.to_dict() for r in requests), REQUEST_COLUMNS, as_json=as_json)


@command.command("get")
@click.argument("request_id")
@json_option
@pass_state
def get(state: State, request_id: str, as_json: bool) -> None:
    """One batch request, as it is now."""
    with state.batch() as batch:
        emit_object(batch.get_request(request_id).to_dict(), as_json=as_json)


def _action(name: str, method: str, done: str, help_text: str) -> None:
    short = help_text.split(":")[0].split(" (")[0].rstrip(".") + "."

    @command.command(name, help=help_text, short_help=short)
    @click.argument("request_id")
    @pass_state
    def action(state: State, request_id: str) -> None:
        with state.batch() as batch:
            getattr(batch, method)(request_id)
        click.echo(f"{done} {request_id}")


_action(
    "analyse",
    "start_analysis",
    "analysing",
    "Start the analysis of REQUEST_ID: the evalscript is checked, the tiles listed and the "
    "cost estimated (follow it with shc batch wait --analysis).",
)
_action(
    "start",
    "start_job",
    "started",
    "Start processing REQUEST_ID (analysing it first if it was not); follow it with shc batch "
    "wait.",
)
_action("cancel", "cancel_job", "canceled", "Cancel REQUEST_ID (created, analysed or running).")
_action(
    "restart",
    "restart_job",
    "restarted",
    "Process again the failed tiles of a PARTIAL request (restartpartial).",
)
_action(
    "delete",
    "delete_request",
    "deleted",
    "Delete REQUEST_ID (cancel it first if it runs); its outputs stay.",
)


@command.command("tiles", short_help="The output tiles of a request.")
@click.argument("request_id")
@click.option("--status", help="Only tiles in this state (PROCESSED, FAILED, PENDING, ...).")
@max_items_option
@json_option
@pass_state
def tiles(
    state: State, request_id: str, status: str | None, max_items: int | None, as_json: bool
) -> None:
    """The output tiles of an analysed request (streamed: JSON lines with --json)."""
    with state.batch() as batch:
        found = batch.iter_tiles(request_id, status, max_items=max_items)
        emit_rows((t.to_dict() for t in found), TILE_COLUMNS, as_json=as_json)


@command.command("wait", short_help="Wait for a request's job (or analysis) to end.")
@click.argument("request_id")
@click.option(
    "--analysis", is_flag=True, help="Wait for the analysis only (ANALYSIS_DONE or later)."
)
@click.option(
    "--interval", type=float, default=30.0, show_default=True, help="Seconds between polls."
)
@click.option(
    "--timeout", type=float, default=None, help="Seconds in all (default: no limit; Ctrl-C stops)."
)
@json_option
@pass_state
def wait(
    state: State,
    request_id: str,
    analysis: bool,
    interval: float,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Wait until the job of REQUEST_ID ends and print the request; a bar of processed / failed
    tiles shows on standard error when it is a terminal. Exit code 0 when it is DONE (or, with
    --analysis, analysed), 1 when it ended FAILED, PARTIAL or CANCELED or the wait timed out."""
    with state.batch() as batch:
        if analysis:
            final = batch.wait_for_analysis(request_id, interval=interval, timeout=timeout)
        else:
            final = batch.wait_for_job(
                request_id, interval=interval, timeout=timeout, progress=show_progress()
            )
    emit_object(final.to_dict(), as_json=as_json)
    status = str(final.status) if final.status is not None else "unknown"
    if status in ("PARTIAL", "CANCELED", "FAILED"):
        reason = f": {final.error}" if final.error else ""
        fail(f"batch request {request_id} ended {status}{reason}")


@command.command("grids", short_help="The tiling grids, or one of them.")
@click.argument("grid_id", required=False, type=int)
@json_option
@pass_state
def grids(state: State, grid_id: int | None, as_json: bool) -> None:
    """The tiling grids (ids, names, tile sizes and resolutions), or the one of GRID_ID."""
    with state.batch() as batch:
        if grid_id is not None:
            emit_object(batch.get_tiling_grid(grid_id).to_dict(), as_json=as_json)
            return
        emit_rows((g.to_dict() for g in batch.iter_tiling_grids()), GRID_COLUMNS, as_json=as_json)
