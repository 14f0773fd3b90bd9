"""Refresh ``requirements/constraints.txt``, the lock of every dependency of every extra.

    scripts/lock                  re-resolve, keeping every pin that still fits pyproject.toml
    scripts/lock --upgrade        re-resolve to the newest versions pyproject.toml allows
    scripts/lock --upgrade-package moto   move only that package (and what it needs)

The lock is made with uv (``uv pip compile --universal``), installed on first use into
``.lock-env/`` at the version pinned below, and is read by plain pip as a constraints file:

    pip install -c requirements/constraints.txt -e ".[dev]"

Why uv and one universal file: it resolves for every Python from 3.11 up and every platform at
once, writing environment markers where the answer differs (numpy for 3.11 and for 3.12+, say),
so the same file serves a developer on macOS with Python 3.13 and CI on Debian with 3.11. pip-tools
resolves for the interpreter it runs on only. A constraints file (rather than a requirements file)
pins without installing: ``.[emulator]`` gets only the emulator's packages, at locked versions,
and ``pyproject.toml`` keeps its ranges, so users of the library never inherit these pins.

The file carries no hashes: pip refuses hash checking for the editable install of the project
itself, which both README commands use.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "constraints.txt"
UV_VERSION = "0.13.9"
TOOL_ENV = ROOT / ".lock-env"
#: The oldest Python the project supports; with --universal the lock covers every newer one.
PYTHON = "3.11"


def uv() -> Path:
    """uv at UV_VERSION in .lock-env/, installed there with pip on first use."""
    binary = TOOL_ENV / "bin" / "uv"
    if binary.exists():
        found = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.split()[1:2] == [UV_VERSION]:
            return binary
    if not (TOOL_ENV / "bin" / "python").exists():
        venv.create(TOOL_ENV, with_pip=True)
    subprocess.run(
        [str(TOOL_ENV / "bin" / "python"), "-m", "pip", "install", "-q", f"uv=={UV_VERSION}"],
        check=True,
    )
    return binary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="take the newest allowed versions")
    parser.add_argument(
        "--upgrade-package", action="append", default=[], metavar="NAME", help="move only NAME"
    )
    args = parser.parse_args(argv)
    LOCK.parent.mkdir(exist_ok=True)
    command = [
        str(uv()),
        "pip",
        "compile",
        "pyproject.toml",
        "--all-extras",
        "--universal",
        "--python-version",
        PYTHON,
        "--output-file",
        str(LOCK.relative_to(ROOT)),
        "--custom-compile-command",
        "scripts/lock",
        "--quiet",
    ]
    if args.upgrade:
        command.append("--upgrade")
    for name in args.upgrade_package:
        command += ["--upgrade-package", name]
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode == 0:
        print(
            f"wrote {LOCK.relative_to(ROOT)}; install with: "
            f'.venv/bin/pip install -c {LOCK.relative_to(ROOT)} -e ".[dev]"'
        )
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
