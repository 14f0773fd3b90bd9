"""``shc``: the command line of sentinelhub-client.

    shc demo [--workdir DIR]    run the end-to-end demo against the embedded emulator
    shc version                 print the installed version

More commands (collections, tiles, ingestion, downloads) follow the library's methods one to one.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shc", description="Sentinel Hub BYOC from the shell.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: debug)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the end-to-end demo on a local emulator")
    demo.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the emulator's data, the COGs and the downloads here (default: a temp folder)",
    )
    sub.add_parser("version", help="print the installed version")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "version":
        from sentinelhub_client import __version__

        print(__version__)
        return 0
    if args.command == "demo":
        from sentinelhub_client.demo import run_demo

        result = run_demo(args.workdir)
        if not result.ok:
            print("demo: the tiles did not end as expected", file=sys.stderr)
            return 1
        return 0
    raise AssertionError(args.command)  # argparse only allows the commands above


if __name__ == "__main__":
    sys.exit(main())
