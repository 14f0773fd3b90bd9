"""``shc emulator``: the local service, the same program as ``sentinelhub-emulator``."""

from __future__ import annotations

import click

from sentinelhub_client.cli.common import needs_extras

__all__ = ["command"]


@click.command(
    "emulator",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@needs_extras("emulator")
def command(args: tuple[str, ...]) -> None:
    """Start the local emulator; every flag is sentinelhub-emulator's (shc emulator --help)."""
    from sentinelhub_emulator.__main__ import main as emulator_main

    try:
        code = emulator_main(list(args))
    except SystemExit as stop:  # argparse's --help and usage errors
        code = stop.code if isinstance(stop.code, int) else 2
    if code:
        raise click.exceptions.Exit(code)
