"""What the benchmark scripts share: the peer (sentinelhub-py) and the table protocol.

Every ``scripts/bench_*.py`` module exposes ``rows(quick: bool) -> list[tuple[str, str]]``: one
``(measure, result)`` pair per line of the table, the result text including the ratio against a
peer measured in the same run. ``scripts/bench`` imports each module and writes the table to
``docs/benchmarks.md``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

__all__ = ["PEER_ENV", "peer_python", "sentinelhub_py_listing"]

ROOT = Path(__file__).resolve().parent.parent
#: Where sentinelhub-py is installed when this interpreter does not have it (git-ignored).
PEER_ENV = ROOT / ".bench-env"
PEER_PACKAGE = "sentinelhub"


def _has_peer(python: str) -> bool:
    probe = [python, "-c", f"import {PEER_PACKAGE}"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def peer_python() -> str:
    """An interpreter that can ``import sentinelhub``: ``$BENCH_PEER_PYTHON`` if set, else this
    one if it can, else the one of ``.bench-env/``, created and filled on first use (a few
    minutes, once)."""
    chosen = os.environ.get("BENCH_PEER_PYTHON")
    if chosen:
        if not _has_peer(chosen):
            raise RuntimeError(f"BENCH_PEER_PYTHON={chosen} cannot import {PEER_PACKAGE}")
        return chosen
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


def sentinelhub_py_listing(
    base_url: str, token_url: str, client_id: str, client_secret: str, collection_id: str
) -> int:
    """sentinelhub-py's ``iter_tiles`` over the whole collection (run where it is installed)."""
    from sentinelhub import SentinelHubBYOC as PyBYOC
    from sentinelhub import SHConfig as PyConfig

    # requests-oauthlib refuses plain http unless told otherwise; the emulator is on loopback.
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    config = PyConfig(use_defaults=True)
    config.sh_client_id = client_id
    config.sh_client_secret = client_secret
    config.sh_base_url = base_url
    config.sh_token_url = token_url
    return sum(1 for _ in PyBYOC(config=config).iter_tiles(collection_id, count=100))
