"""Tile file downloads: the threads of the sync shell: a stop flag, and workers that share a list
of work and stop at the first failure (no I/O of their own)."""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import TypeVar

__all__ = ["Aborted", "StopFlag", "run_each"]

T = TypeVar("T")


class Aborted(Exception):
    """Another connection of the same download failed (or the tile's download stops); this one
    stops."""


class StopFlag:
    """A stop flag that also trips when its parent does (a tile's flag over its files')."""

    def __init__(self, parent: StopFlag | None = None) -> None:
        self._event = threading.Event()
        self._parent = parent

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set() or (self._parent is not None and self._parent.is_set())

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when the flag trips; raises `Aborted` if it did."""
        deadline = time.monotonic() + seconds
        while not self.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._event.wait(min(left, 0.1))
        raise Aborted


def run_each(
    items: Iterable[T], work: Callable[[T], None], workers: int, stop: StopFlag, name: str
) -> None:
    """Call ``work`` on every item, on ``workers`` threads (named ``name``) taking the next item
    until none is left; one worker: in this thread, one after the other.

    The first failure (an ``Exception`` other than `Aborted`) sets ``stop``, which the others
    watch, and is raised once they stopped; anything else (``KeyboardInterrupt``, ``SystemExit``)
    sets it too and is raised as it is. `Aborted` when ``stop`` tripped without a failure here
    (its parent did).
    """
    if workers <= 1:
        for item in items:
            work(item)
        return
    pending = deque(items)
    errors: list[Exception] = []

    def worker() -> None:
        while not stop.is_set():
            try:
                item = pending.popleft()
            except IndexError:
                return
            try:
                work(item)
            except Exception as exc:
                if not isinstance(exc, Aborted):
                    errors.append(exc)
                stop.set()
                return
            except BaseException:
                stop.set()
                raise  # kept by the worker's future, raised below

    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix=name) as pool:
        futures = [pool.submit(worker) for _ in range(workers)]
        try:
            concurrent.futures.wait(futures)
        except BaseException:  # KeyboardInterrupt while waiting: stop the workers, then leave
            stop.set()
            raise
    for future in futures:
        future.result()
    if errors:
        raise errors[0]
    if stop.is_set():
        raise Aborted
