"""Tile file downloads: one progress callback fed by many connections (no I/O)."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["ProgressAggregator", "ProgressCallback"]

#: ``progress(done_bytes, total_bytes)``: called as bytes are written (see `ProgressAggregator`).
ProgressCallback = Callable[[int, int], None]


class ProgressAggregator:
    """Adds up bytes from many connections (threads or tasks) into one ``progress`` callback.

    The callback gets ``(done_bytes, total_bytes)``. It is called under a lock, so calls never
    overlap and ``done`` is reported in order; keep it quick. ``done`` goes down only when a
    download has to start over.
    """

    def __init__(self, callback: ProgressCallback | None, total: int = 0, done: int = 0) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self.total = total
        self.done = done

    def add_total(self, size: int) -> None:
        """Announce ``size`` more bytes to come (a file whose size became known)."""
        with self._lock:
            self.total += size

    def advance(self, count: int) -> None:
        """``count`` bytes more are done (negative: taken back by a restart)."""
        if count == 0:
            return
        with self._lock:
            self.done += count
            self._emit()

    def report(self) -> None:
        """Call the callback with the current figures (e.g. the bytes found on disk)."""
        with self._lock:
            self._emit()

    def _emit(self) -> None:
        if self._callback is not None:
            self._callback(self.done, self.total)
