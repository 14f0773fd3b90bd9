"""Benchmark the cost of importing the package against sentinelhub-py's, whole processes.

    .venv/bin/python scripts/bench_import.py [--repeat 20]

Each sample is a fresh interpreter running ``python -c "import X"`` (start-up included, as a user
pays it); the two packages alternate so that drift hits both alike; medians are compared. Also
timed: ``python -c pass`` (the interpreter alone) and importing the BYOC client class of each.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from benchlib import peer_python

__all__ = ["rows"]


def _wall(python: str, code: str) -> float:
    started = time.perf_counter()
    subprocess.run([python, "-c", code], check=True)
    return time.perf_counter() - started


def medians(pairs: list[tuple[str, str]], repeat: int) -> list[float]:
    """Median wall time of each ``(python, code)``, sampled round-robin ``repeat`` times."""
    for python, code in pairs:  # warm the file cache
        _wall(python, code)
    samples: list[list[float]] = [[] for _ in pairs]
    for _ in range(repeat):
        for i, (python, code) in enumerate(pairs):
            samples[i].append(_wall(python, code))
    return [statistics.median(s) for s in samples]


def rows(quick: bool) -> list[tuple[str, str]]:
    peer = peer_python()
    ours = sys.executable
    bare, ours_pkg, peer_pkg, ours_cls, peer_cls = medians(
        [
            (ours, "pass"),
            (ours, "import sentinelhub_client"),
            (peer, "import sentinelhub"),
            (ours, "from sentinelhub_client import SentinelHubBYOC"),
            (peer, "from sentinelhub import SentinelHubBYOC"),
        ],
        repeat=7 if quick else 20,
    )

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f} ms"

    return [
        (
            "`import sentinelhub_client`, whole process (wall, median)",
            f"{ms(ours_pkg)}: {ours_pkg / peer_pkg:.2f}x `import sentinelhub` ({ms(peer_pkg)}); "
            f"the bare interpreter takes {ms(bare)}",
        ),
        (
            "`from sentinelhub_client import SentinelHubBYOC`, whole process",
            f"{ms(ours_cls)}: {ours_cls / peer_cls:.2f}x sentinelhub-py's `from sentinelhub "
            f"import SentinelHubBYOC` ({ms(peer_cls)})",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args()
    for measure, result in rows(args.quick):
        print(f"{measure}: {result}")


if __name__ == "__main__":
    main()
