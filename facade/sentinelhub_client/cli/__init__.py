"""``shc``: the command line of sentinelhub-client (built on click).

The command groups are registered in one place, `sentinelhub_client.cli.root.COMMANDS`; each lives
in its own module of this package and is imported only when it runs (or when ``--help`` lists
it). Errors of the library become a one-line message and a non-zero exit code in one place too
(`sentinelhub_client.cli.root.ShcGroup.invoke`).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``shc`` with ``argv`` (default: the process arguments); returns the exit code."""
    from sentinelhub_client.cli.root import run

    return run(argv)
