"""The commands ``shc batch`` (v1) and ``shc batch-v2`` share, written once: the request
listing, reading one request, the actions (analyse, start, ...), the wait and the tiling grids.

Each adds its command to a version's group; the version says how to open its client (``open``:
state -> a client used as a context manager), its words and columns, and how a request is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

__all__ = [
    "GRID_COLUMNS",
    "add_actions",
    "add_evalscript",
    "add_get",
    "add_grids",
    "add_list",
    "add_wait",
]

#: How a command opens the version's client.
Opener = common.Opener
#: How a request is shown (its ``to_dict()`` in, what is printed out).
Shown = Callable[[dict[str, Any]], dict[str, Any]]

GRID_COLUMNS = ("id", "name", "properties")


def add_evalscript(process_request: dict[str, Any], evalscript: Path | None) -> None:
    """Put the text of the ``--evalscript`` file, when given, in the Process request."""
    if evalscript is not None:
        process_request["evalscript"] = common.read_text_file(evalscript, "--evalscript")


def _as_is(request: dict[str, Any]) -> dict[str, Any]:
    return request


def add_list(group: click.Group, opener: Opener, noun: str, columns: Sequence[str]) -> None:
    """``list``: the requests, streamed page by page (``noun``: "batch requests")."""
    common.add_list(
        group,
        opener,
        "list",
        (),
        {
            "--search": "Only requests matching these words.",
            "--sort": "created, created:desc, status or status:desc.",
            "--user-id": "Only the requests of this user.",
        },
        "iter_requests",
        columns,
        f"The {noun} (streamed page by page: JSON lines with --json).",
        short_help=f"The {noun}.",
    )


def add_get(
    group: click.Group, opener: Opener, name: str, help_text: str, shown: Shown = _as_is
) -> None:
    """``name REQUEST_ID``: one request, as it is now."""
    common.add_get(group, opener, name, ("request_id",), "get_request", help_text, shown)


def add_actions(
    group: click.Group, opener: Opener, actions: Sequence[tuple[str, str, str, str]]
) -> None:
    """For each ``(name, method, done, help)``: ``name REQUEST_ID`` calls the client's
    ``method`` on it and says ``done``."""
    for name, method, done, help_text in actions:
        short = help_text.split(":")[0].split(" (")[0].rstrip(".") + "."
        common.add_action(
            group, opener, name, ("request_id",), method, done + " {request_id}", help_text, short
        )


def add_wait(
    group: click.Group,
    opener: Opener,
    name: str,
    help_text: str,
    verdict: Callable[[Any, str], str | None],
    shown: Shown = _as_is,
) -> None:
    """``name REQUEST_ID``: wait for the job (or the analysis), print the request, and fail with
    ``verdict(request, request_id)`` when it says the request ended badly."""

    @group.command(
        name, help=help_text, short_help="Wait for a request's job (or analysis) to end."
    )
    @click.argument("request_id")
    @click.option(
        "--analysis", is_flag=True, help="Wait for the analysis only (ANALYSIS_DONE or later)."
    )
    @common.poll_options(interval=30.0, timeout=None)
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
        with opener(state) as batch:
            if analysis:
                final = batch.wait_for_analysis(request_id, interval=interval, timeout=timeout)
            else:
                final = batch.wait_for_job(
                    request_id, interval=interval, timeout=timeout, progress=common.show_progress()
                )
        common.emit_object(shown(final.to_dict()), as_json=as_json)
        problem = verdict(final, request_id)
        if problem is not None:
            common.fail(problem)


def add_grids(group: click.Group, opener: Opener) -> None:
    """``grids [GRID_ID]``: the tiling grids, or one of them."""

    @group.command(
        "grids",
        short_help="The tiling grids, or one of them.",
        help="The tiling grids (ids, names, tile sizes and resolutions), or the one of GRID_ID.",
    )
    @click.argument("grid_id", required=False, type=int)
    @json_option
    @pass_state
    def grids(state: State, grid_id: int | None, as_json: bool) -> None:
        with opener(state) as batch:
            if grid_id is not None:
                common.emit_object(batch.get_tiling_grid(grid_id).to_dict(), as_json=as_json)
                return
            rows = (g.to_dict() for g in batch.iter_tiling_grids())
            common.emit_rows(rows, GRID_COLUMNS, as_json=as_json)
