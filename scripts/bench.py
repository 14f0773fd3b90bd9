"""Run every benchmark of the project and write one table to ``docs/benchmarks.md``.

    scripts/bench [--quick] [--only NAME ...] [--output FILE]

Every ``scripts/bench_*.py`` module is a benchmark: it exposes
``rows(quick: bool) -> list[tuple[str, str]]`` (see ``benchlib.py``) returning ``(measure,
result)`` pairs whose result text carries the ratio against a peer measured in the same run.
This script imports each, runs it, and prints and writes the table with a header saying when,
where and how it was measured. A benchmark that fails gets a row saying so; the others still run.
``--quick`` asks each for a smaller run (a few minutes in all).
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import shlex
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent


def benchmarks() -> list[str]:
    """The names of the benchmark modules, in a stable order."""
    return sorted(path.stem for path in SCRIPTS.glob("bench_*.py"))


def run(names: list[str], quick: bool) -> list[tuple[str, str, str]]:
    """(benchmark, measure, result) rows of every benchmark in ``names``."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    table: list[tuple[str, str, str]] = []
    for name in names:
        label = name.removeprefix("bench_")
        print(f"== {name} ({'quick' if quick else 'full'})", file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            rows = importlib.import_module(name).rows(quick)
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            table.append((label, "(did not finish)", f"{type(exc).__name__}: {exc}"))
            continue
        for measure, result in rows:
            table.append((label, measure, result))
        print(f"   {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(table: list[tuple[str, str, str]], command: str, seconds: float) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Measured {now} on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()} ({platform.system()}); "
        f"command: `{command}`; {seconds:.0f} s in all.",
        "",
        "Each result carries its ratio against a peer measured in the same run. Numbers of one "
        "machine under its load at the time; they vary from run to run.",
        "",
        "| benchmark | measure | result |",
        "|---|---|---|",
        *(f"| {_cell(b)} | {_cell(m)} | {_cell(r)} |" for b, m, r in table),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (a few minutes)")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help=f"run only these (of: {', '.join(b.removeprefix('bench_') for b in benchmarks())}); "
        "the table is then printed, not written, unless --output is given",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the table (default docs/benchmarks.md)",
    )
    args = parser.parse_args()
    names = benchmarks()
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        unknown = wanted - set(names)
        if unknown:
            parser.error(f"no such benchmark: {', '.join(sorted(unknown))}")
        names = [n for n in names if n in wanted]
    started = time.monotonic()
    table = run(names, args.quick)
    command = "scripts/bench " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    text = render(table, command.strip(), time.monotonic() - started)
    output = args.output or (None if args.only else ROOT / "docs" / "benchmarks.md")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
    print(text)
    return 0 if all(m != "(did not finish)" for _, m, _ in table) else 1


if __name__ == "__main__":
    raise SystemExit(main())
