"""Progress reporting for downloads: the callback type, and a ready progress bar.

Every download function takes ``progress``, a callable ``(done_bytes, total_bytes) -> None``.
`progress_bar` makes one that draws a `rich` progress bar (bytes, speed, time left)::

    from sentinelhub_client.progress import progress_bar

    with progress_bar("Tile 1234") as progress:
        byoc.download_tile(collection, tile, "out/", progress=progress)

The callback may be called from several threads (sync downloads) or from the event loop (async
ones); the bar is safe for both. `rich` draws nothing when the output is not a terminal, unless
``console`` says otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from sentinelhub_client.byoc.files.core import ProgressCallback

__all__ = ["ProgressBar", "ProgressCallback", "progress_bar"]


class ProgressBar:
    """A `rich` progress bar fed through ``__call__(done_bytes, total_bytes)``.

    Use `progress_bar` to get one; it starts and stops the display around the ``with`` block.
    """

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task
        self._lock = threading.Lock()
        self.done = 0
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` bytes."""
        with self._lock:
            self.done, self.total = done, total
            self._progress.update(self._task, completed=done, total=total or None)

    def describe(self, description: str) -> None:
        """Change the text in front of the bar."""
        self._progress.update(self._task, description=description)


@contextmanager
def progress_bar(
    description: str = "Downloading",
    *,
    console: Console | None = None,
    transient: bool = False,
    disable: bool = False,
) -> Iterator[ProgressBar]:
    """A progress bar on the terminal for the ``with`` block; yields the callback to pass on.

    Args:
        description: the text in front of the bar.
        console: the `rich` console to draw on (default: one on standard error, so that
            standard output stays clean for data).
        transient: remove the bar when the block ends.
        disable: draw nothing (the callback still records ``done`` / ``total``).
    """
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console if console is not None else Console(stderr=True),
        transient=transient,
        disable=disable,
    )
    with progress:
        task = progress.add_task(description, total=None)
        bar = ProgressBar(progress, task)
        yield bar
        if bar.total:
            progress.update(task, completed=bar.done, total=bar.total)
