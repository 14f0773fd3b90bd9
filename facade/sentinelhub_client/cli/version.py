"""``shc version``."""

from __future__ import annotations

import click

__all__ = ["command"]


@click.command("version")
def command() -> None:
    """Print the installed version."""
    from sentinelhub_client import __version__

    click.echo(__version__)
