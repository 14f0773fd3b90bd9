"""The root ``shc`` group: global options, the command registry and error translation."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Final

import click

from sentinelhub_client._core.extras import MissingExtraError
from sentinelhub_client.cli.common import State, one_line_error, setup_logging

__all__ = ["COMMANDS", "MissingExtraExit", "ShcError", "ShcGroup", "cli", "run"]

#: Every command of ``shc``: name -> (module of this package that defines ``command``, summary).
#: Add a command group by writing its module and adding one line here.
COMMANDS: Final[Mapping[str, tuple[str, str]]] = {
    "config": ("config", "Show the configuration and the sentinelhub-py profiles."),
    "process": ("process", "Run Process API requests and follow Async Process requests."),
    "batch": ("batch", "Create, run and follow Batch Processing (v1) requests."),
    "batch-v2": ("batch_v2", "Create, run and follow Batch Processing v2 requests."),
    "completion": ("completion", "Print the shell completion script of shc (bash, zsh, fish)."),
    "catalog": ("catalog", "Search the Catalog (STAC): items of one or more collections."),
    "stats": ("stats", "Statistics and histograms of an evalscript per time interval."),
    "collections": ("collections", "List, create, update and delete BYOC collections."),
    "tiles": ("tiles", "List, register, update, reingest and wait for the tiles of a collection."),
    "files": ("files", "List and download the files of a Planet tile."),
    "cog": ("cog", "Validate, convert and describe COGs; ingest a folder of them in bulk."),
    "ingest": ("ingest", "Group a folder's rasters into tiles, check, convert, upload, register."),
    "emulator": ("emulator", "Start the local emulator (the same flags as sentinelhub-emulator)."),
    "demo": ("demo", "Run the end-to-end demo against an embedded emulator."),
    "version": ("version", "Print the installed version."),
}


class ShcGroup(click.Group):
    """A group that imports its commands only when asked for them, and the one place where the
    library's errors become a one-line message and exit code 1 (a missing extra: exit code 2,
    see `sentinelhub_client.cli.common.needs_extras`)."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, _ = self.lazy[cmd_name]
            module = importlib.import_module(f"{__package__}.{module_name}")
            command = module.command
            if not isinstance(command, click.Command):  # pragma: no cover - a registry mistake
                raise TypeError(f"{module.__name__}.command is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands; registered ones by their summary, so ``--help`` imports none."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                rows.append((name, self.lazy[name][1]))
            elif (command := super().get_command(ctx, name)) is not None:
                rows.append((name, command.get_short_help_str()))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            # The reader of standard output left (``shc tiles list --json | head``): stop
            # quietly, with the status a shell gives a process killed by SIGPIPE.
            _silence_stdout()
            raise click.exceptions.Exit(141) from exc
        except MissingExtraError as exc:  # a command without `needs_extras` met one
            raise MissingExtraExit(str(exc)) from exc
        except Exception as exc:
            if isinstance(exc, click.ClickException) or not _reported_in_one_line(exc):
                raise
            raise ShcError(one_line_error(exc)) from exc


def _silence_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush does not
    fail again on the closed pipe."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):  # not a real file (click's test runner)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _reported_in_one_line(exc: Exception) -> bool:
    """The library's errors, and bad input or a file problem (a `ValueError` naming the field,
    an `OSError`); anything else is a bug and keeps its traceback."""
    if isinstance(exc, ValueError | OSError):
        return True
    errors = sys.modules.get("sentinelhub_client._core.errors")  # no import for `shc version`
    return errors is not None and isinstance(exc, errors.SentinelHubError)


class ShcError(click.ClickException):
    """A failure reported as one line on stderr, exit code 1."""

    exit_code = 1

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


class MissingExtraExit(ShcError):
    """A command needs an extra that is not installed: one line naming it and the pip command
    (``shc cog validate needs the "geo" extra: pip install "sentinelhub-client[geo]"``), exit
    code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True, file=file)


@click.group(
    cls=ShcGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="sentinelhub-client", prog_name="shc")
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="Log requests (-v) and everything (-vv) on stderr; secrets are redacted.",
)
@click.option(
    "--profile",
    default=None,
    metavar="NAME",
    help="The sentinelhub-py profile to read (default: SH_PROFILE, else default-profile).",
)
@click.pass_context
def cli(ctx: click.Context, verbose: int, profile: str | None) -> None:
    """Sentinel Hub from the shell: BYOC collections, tiles and Planet files, COGs, Process and
    Async Process requests, Batch Processing, the local emulator and the demo.

    Settings come from the same places as the library's SHConfig: SH_* environment variables,
    then the sentinelhub-py profile (~/.config/sentinelhub/config.toml), then the defaults.
    """
    state = ctx.ensure_object(State)
    state.profile = profile
    state.verbose = verbose
    ctx.call_on_close(setup_logging(verbose))


def run(argv: Sequence[str] | None = None) -> int:
    """Run ``shc`` as a program would; returns the exit code instead of exiting."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        # Without standalone mode, click returns the code of a `click.exceptions.Exit` (and
        # a command's own return value, None for every shc command).
        result = cli.main(args=args, prog_name="shc", standalone_mode=False)
    except click.exceptions.Exit as stop:  # pragma: no cover - click returns it instead
        return stop.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("interrupted", err=True)
        return 130
    return result if isinstance(result, int) else 0
