"""Tile file downloads: the error of a tile download where some files failed (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from sentinelhub_client._core.errors import TileDownloadError

__all__ = ["tile_failure"]


def tile_failure(
    failures: Mapping[str, BaseException], targets: Sequence[tuple[str, Path]]
) -> TileDownloadError:
    """The error of a tile download where some files failed."""
    details = "; ".join(f"{path}: {error}" for path, error in list(failures.items())[:5])
    more = f"; and {len(failures) - 5} more" if len(failures) > 5 else ""
    completed = [target for path, target in targets if path not in failures]
    return TileDownloadError(
        f"{len(failures)} of {len(targets)} files failed to download: {details}{more}. "
        "Run the download again to resume them",
        failures=failures,
        completed=completed,
    )
