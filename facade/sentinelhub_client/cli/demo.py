"""``shc demo``: the end-to-end demo against an embedded emulator."""

from __future__ import annotations

from pathlib import Path

import click

from sentinelhub_client.cli.common import fail, needs_extras

__all__ = ["command"]


@click.command("demo")
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the emulator's data, the COGs and the downloads here (default: a temp folder).",
)
@needs_extras("emulator")
def command(workdir: Path | None) -> None:
    """Run the end-to-end demo on a local emulator: COGs, a collection, tiles, ingestion,
    filters, the failure cause of a broken tile and Planet file downloads."""
    from sentinelhub_client.demo import run_demo

    result = run_demo(workdir)
    if not result.ok:
        fail("demo: the tiles did not end as expected")
