"""Write the ``shc`` command reference, ``docs/cli.md``, from the click command tree.

    python scripts/cli_reference.py            write docs/cli.md
    python scripts/cli_reference.py --check    exit 1 when docs/cli.md is not what it would write

Every command of the registry (``sentinelhub_client.cli.root.COMMANDS``) and every subcommand is
walked: its usage line, its help, its arguments and its options (metavar, choices, default,
whether required). The output depends only on the code, never on the terminal or the machine, so
``tests/cli/test_cli_reference.py`` can fail when the file is stale.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "cli.md"
PROGRAM = "shc"


def walk(
    command: click.Command, parent: click.Context | None = None, name: str = PROGRAM
) -> Iterator[tuple[click.Context, click.Command]]:
    """Every command under ``command`` (itself first), depth first, subcommands by name."""
    ctx = click.Context(command, info_name=name, parent=parent)
    yield ctx, command
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, ctx, sub_name)


def _help_text(text: str | None) -> list[str]:
    """A docstring as Markdown: paragraphs as they are; click's ``\\b`` blocks as code."""
    if not text:
        return []
    lines: list[str] = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if paragraph.startswith("\b\n"):
            block = inspect.cleandoc(paragraph[2:])
            lines += ["```text", *block.splitlines(), "```", ""]
        else:
            lines += [" ".join(paragraph.split()), ""]
    return lines


#: click's marker of "no default" (click 8.3 and later; None before).
_UNSET = getattr(click.core, "UNSET", None)


def _default(param: click.Parameter, ctx: click.Context) -> str | None:
    if isinstance(param, click.Option) and (param.is_flag or param.count):
        return None
    value = param.get_default(ctx, call=False)
    if value is None or value is _UNSET or callable(value) or value in ((), []):
        return None
    return str(value)


def _param_line(param: click.Parameter, ctx: click.Context) -> str:
    if isinstance(param, click.Option):
        names = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        flag = param.is_flag or param.count
        metavar = "" if flag else f" {param.make_metavar(ctx)}"
        head = f"{names}{metavar}" if not metavar else f"{names} `{metavar.strip()}`"
        text = " ".join((param.help or "").split())
    else:
        head = f"`{(param.name or '').upper()}`"
        text = ""
    notes = []
    if isinstance(param.type, click.Choice):
        notes.append("one of " + ", ".join(f"`{c}`" for c in param.type.choices))
    if param.required:
        notes.append("required")
    if param.multiple or getattr(param, "nargs", 1) == -1:
        notes.append("repeatable")
    default = _default(param, ctx)
    if default is not None:
        notes.append(f"default `{default}`")
    tail = f" ({'; '.join(notes)})" if notes else ""
    return f"- {head}{': ' + text if text else ''}{tail}"


def render() -> str:
    """The whole reference, as Markdown."""
    from sentinelhub_client.cli.root import cli

    out = [
        f"# `{PROGRAM}` command reference",
        "",
        "Generated from the command tree by `scripts/cli_reference.py`; do not edit by hand",
        "(`tests/cli/test_cli_reference.py` fails when this file is stale). Every command also",
        "takes `-h` / `--help`. Lists print a table, or JSON lines with `--json`; one object",
        "prints `key value` lines, or one JSON document with `--json`. Errors are one line on",
        "standard error and exit code 1; usage errors exit with 2.",
        "",
    ]
    for ctx, command in walk(cli):
        path = ctx.command_path
        out += [f"{'#' * min(ctx.command_path.count(' ') + 2, 4)} `{path}`", ""]
        pieces = " ".join(command.collect_usage_pieces(ctx))
        out += ["```text", f"{path} {pieces}".rstrip(), "```", ""]
        out += _help_text(command.help)
        params = [
            p
            for p in command.get_params(ctx)
            if not getattr(p, "hidden", False) and p is not command.get_help_option(ctx)
        ]
        arguments = [p for p in params if isinstance(p, click.Argument)]
        options = [p for p in params if isinstance(p, click.Option)]
        if arguments:
            out += ["Arguments:", "", *(_param_line(p, ctx) for p in arguments), ""]
        if options:
            out += ["Options:", "", *(_param_line(p, ctx) for p in options), ""]
        if isinstance(command, click.Group):
            names = command.list_commands(ctx)
            out += ["Commands: " + ", ".join(f"`{n}`" for n in names) + ".", ""]
        if path == f"{PROGRAM} emulator":
            out += _emulator_options()
    return "\n".join(out).rstrip() + "\n"


def _emulator_options() -> list[str]:
    """The flags ``shc emulator`` passes on: those of the ``sentinelhub-emulator`` program."""
    try:
        from sentinelhub_emulator.__main__ import _parser
    except ImportError:  # the emulator extra is not installed
        return ["Options: those of `sentinelhub-emulator --help`.", ""]
    lines = ["Options (those of `sentinelhub-emulator`):", ""]
    for action in _parser()._actions:
        if (
            not action.option_strings
            or action.help == argparse.SUPPRESS
            or isinstance(action, argparse._HelpAction)
        ):
            continue
        names = ", ".join(f"`{opt}`" for opt in action.option_strings)
        if action.nargs != 0 and action.metavar is not None:
            names += f" `{action.metavar}`"
        elif action.nargs != 0:
            names += f" `{action.dest.upper()}`"
        text = " ".join((action.help or "").split()).replace("%(default)s", str(action.default))
        notes = []
        if action.required:
            notes.append("required")
        shown = action.default not in (None, argparse.SUPPRESS, [], (), "")
        if action.nargs != 0 and shown and "default" not in (action.help or ""):
            notes.append(f"default `{action.default}`")
        tail = f" ({'; '.join(notes)})" if notes else ""
        lines.append(f"- {names}{': ' + text if text else ''}{tail}")
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when docs/cli.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(
                f"{TARGET.relative_to(ROOT)} is stale: run scripts/cli_reference.py",
                file=sys.stderr,
            )
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
