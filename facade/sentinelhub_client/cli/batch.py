"""``shc batch``: Batch Processing API v1 requests, their tiles and the tiling grids."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sentinelhub_client.cli import _batch as shared
from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

if TYPE_CHECKING:
    from sentinelhub_client.batch import BatchRequest, SentinelHubBatch

__all__ = ["command"]

REQUEST_COLUMNS = ("id", "status", "tileCount", "created", "description")
TILE_COLUMNS = ("id", "name", "status", "cost")


command = common.group("batch")


@command.command("create", short_help="Create a batch request from a JSON file.")
@common.request_options(
    "The Batch v1 request body (JSON): processRequest, tilingGrid, output or bucketName, ...",
    "An evalscript file (replaces processRequest.evalscript).",
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
    body = common.read_json_object(request, "--request")
    process_request = body.pop("processRequest", None)
    tiling_grid = body.pop("tilingGrid", None)
    if not isinstance(process_request, dict):
        common.fail(f"--request: {request} needs processRequest, the Process API body as an object")
    if not isinstance(tiling_grid, dict):
        common.fail(f'--request: {request} needs tilingGrid, e.g. {{"id": 1, "resolution": 10}}')
    shared.add_evalscript(process_request, evalscript)
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
    common.emit_object(created.to_dict(), as_json=as_json)


def _open(state: State) -> SentinelHubBatch:
    return state.batch()


shared.add_list(command, _open, "batch requests", REQUEST_COLUMNS)
shared.add_get(command, _open, "get", "One batch request, as it is now.")
shared.add_actions(
    command,
    _open,
    [
        (
            "analyse",
            "start_analysis",
            "analysing",
            "Start the analysis of REQUEST_ID: the evalscript is checked, the tiles listed and "
            "the cost estimated (follow it with shc batch wait --analysis).",
        ),
        (
            "start",
            "start_job",
            "started",
            "Start processing REQUEST_ID (analysing it first if it was not); follow it with shc "
            "batch wait.",
        ),
        ("cancel", "cancel_job", "canceled", "Cancel REQUEST_ID (created, analysed or running)."),
        (
            "restart",
            "restart_job",
            "restarted",
            "Process again the failed tiles of a PARTIAL request (restartpartial).",
        ),
        (
            "delete",
            "delete_request",
            "deleted",
            "Delete REQUEST_ID (cancel it first if it runs); its outputs stay.",
        ),
    ],
)


common.add_list(
    command,
    _open,
    "tiles",
    ("request_id",),
    {"--status": "Only tiles in this state (PROCESSED, FAILED, PENDING, ...)."},
    "iter_tiles",
    TILE_COLUMNS,
    "The output tiles of an analysed request (streamed: JSON lines with --json).",
    short_help="The output tiles of a request.",
)


def _verdict(final: BatchRequest, request_id: str) -> str | None:
    status = str(final.status) if final.status is not None else "unknown"
    if status in ("PARTIAL", "CANCELED", "FAILED"):
        reason = f": {final.error}" if final.error else ""
        return f"batch request {request_id} ended {status}{reason}"
    return None


shared.add_wait(
    command,
    _open,
    "wait",
    "Wait until the job of REQUEST_ID ends and print the request; a bar of processed / failed "
    "tiles shows on standard error when it is a terminal. Exit code 0 when it is DONE (or, with "
    "--analysis, analysed), 1 when it ended FAILED, PARTIAL or CANCELED or the wait timed out.",
    _verdict,
)
shared.add_grids(command, _open)
