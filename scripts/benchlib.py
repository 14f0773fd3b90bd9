"""What the benchmark scripts share: the peer (sentinelhub-py) and the table protocol.

Every ``scripts/bench_*.py`` module exposes ``rows(quick: bool) -> list[tuple[str, str]]``: one
``(measure, result)`` pair per line of the table, the result text including the ratio against a
peer measured in the same run. ``scripts/bench`` imports each module and writes the table to
``docs/benchmarks.md``.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

__all__ = ["PEER_ENV", "peer_python"]

ROOT = Path(__file__).resolve().parent.parent
#: Where sentinelhub-py is installed when this interpreter does not have it (git-ignored).
PEER_ENV = ROOT / ".bench-env"
PEER_PACKAGE = "sentinelhub"


def _has_peer(python: str) -> bool:
    probe = [python, "-c", f"import {PEER_PACKAGE}"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def peer_python() -> str:
    """An interpreter that can ``import sentinelhub``: this one if it can, else the one of
    ``.bench-env/``, created and filled on first use (a few minutes, once)."""
    if _has_peer(sys.executable):
        return sys.executable
    python = PEER_ENV / "bin" / "python"
    if not python.exists():
        print(f"creating {PEER_ENV} with sentinelhub-py (once)", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(PEER_ENV)
    if not _has_peer(str(python)):
        install = [str(python), "-m", "pip", "install", "-q", PEER_PACKAGE]
        subprocess.run(install, check=True)
    return str(python)
