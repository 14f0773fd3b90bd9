"""Tile file downloads: the bookkeeping of `download_tile` (its files, one progress for them all,
the failures of some), no I/O."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from sentinelhub_client._core.errors import TileDownloadError
from sentinelhub_client.byoc.files.calls import RemoteFile
from sentinelhub_client.byoc.files.paths import Source, tile_targets
from sentinelhub_client.byoc.files.progress import ProgressAggregator, ProgressCallback

__all__ = ["Tile", "tile_failure"]


class Tile:
    """The bookkeeping of one `download_tile`: its files (checked, without repeats), one
    progress for them all, the failures of some (no I/O)."""

    def __init__(
        self, collection_id: object, tile_id: object, directory: Path, paths: Iterable[str]
    ) -> None:
        self.targets = tile_targets(directory, paths)
        self.sources = [Source(str(collection_id), str(tile_id), path) for path, _ in self.targets]
        self.progress = ProgressAggregator(None)
        self.failures: dict[str, BaseException] = {}

    def start(
        self,
        remotes: Sequence[RemoteFile],
        plan: tuple[list[tuple[str, Path, RemoteFile]], int],
        callback: ProgressCallback | None,
    ) -> list[tuple[Source, Path, RemoteFile]]:
        """Report the bytes already on disk (``plan``: `disk.plan_tile`'s); what to download."""
        todo, already = plan
        total = sum(remote.size for remote in remotes)
        self.progress = ProgressAggregator(callback, total=total, done=already)
        self.progress.report()
        sources = {source.path: source for source in self.sources}
        return [(sources[path], target, remote) for path, target, remote in todo]

    def failed(self, source: Source, error: Exception, log: logging.Logger) -> None:
        """One file failed (the others go on)."""
        log.warning("Download of %s failed: %s", source.path, error)
        self.failures[source.path] = error

    def result(self) -> list[Path]:
        """The local paths, in order; `TileDownloadError` when some files failed."""
        if self.failures:
            raise tile_failure(self.failures, self.targets) from next(iter(self.failures.values()))
        return [target for _, target in self.targets]


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
