"""``shc files``: the files of a Planet tile."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

__all__ = ["command"]


command = common.group("files")


@command.command("list")
@common.tile_arguments
@json_option
@pass_state
def list_(state: State, collection: str, tile: str, as_json: bool) -> None:
    """The files of TILE."""
    with state.byoc() as byoc:
        names = byoc.list_tile_files(collection, tile)
    common.emit_rows(({"path": name} for name in names), ["path"], as_json=as_json)


@command.command("download")
@common.tile_arguments
@click.argument(
    "destination", type=click.Path(file_okay=False, path_type=Path), default=Path(), required=False
)
@click.option("--file", "files", multiple=True, help="Only this file (repeatable).")
@click.option("--overwrite", is_flag=True, help="Replace files that exist.")
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True)
@json_option
@pass_state
def download(
    state: State,
    collection: str,
    tile: str,
    destination: Path,
    files: tuple[str, ...],
    overwrite: bool,
    concurrency: int,
    as_json: bool,
) -> None:
    """Download the files of TILE into DESTINATION (default: here). Each file is written to
    ``NAME.part`` and renamed when complete; an interrupted download (Ctrl-C) leaves only the
    ``.part`` files and resumes when run again. A progress bar shows on standard error when it
    is a terminal."""
    from rich.console import Console

    from sentinelhub_client.progress import progress_bar

    drawn = common.show_progress()
    console = Console(file=sys.stderr, force_terminal=True) if drawn else None
    with state.byoc() as byoc, progress_bar(console=console, disable=not drawn) as bar:
        paths = byoc.download_tile(
            collection,
            tile,
            destination,
            files=list(files) or None,
            overwrite=overwrite,
            concurrency=concurrency,
            progress=bar,
        )
    common.emit_rows(({"path": str(p)} for p in paths), ["path"], as_json=as_json)
