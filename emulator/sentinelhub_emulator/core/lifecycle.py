"""Background workers: what BYOC ingestion, the Batch scheduler and Async Process share.

A service's background work is a `Workers`: a few named daemon threads that run one loop each,
one stop event they all watch, and a graceful stop that waits for them (the current step ends,
nothing new starts) when the emulator exits::

    workers = Workers("sentinelhub-emulator-ingestion", "an ingestion worker")
    workers.start(loop, count=4, requeue=store.requeue_interrupted,
                  requeued="re-queued %d tile(s) left INGESTING by an earlier run")
    ...                      # loop(): while not workers.stopping: ... workers.pause(delay) ...
    workers.stop(timeout)    # sets the stop event, then joins the threads

``requeue`` runs before any thread starts: work a crash or a stop caught mid-way (tiles
INGESTING, batch tiles QUEUED or PROCESSING) is put back in the queue, so a restart resumes it.
`Workers.pause` waits a step delay unless asked to stop (tests set step delays to watch the
intermediate states). How a thread finds work (a queue, a poll, a wake) is the service's own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["Workers"]

logger = logging.getLogger(__name__)


class Workers:
    """Named daemon threads of one service, started and stopped together."""

    def __init__(self, name: str, label: str, *, log: logging.Logger | None = None) -> None:
        #: The threads' name (``<name>-<n>``, or ``name`` itself for a single unnumbered one).
        self.name = name
        #: What one thread is, for the log ("an ingestion worker").
        self.label = label
        self._log = log or logger
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def stopping(self) -> bool:
        """True once `stop` was asked (until the next `start`)."""
        return self._stop.is_set()

    @property
    def size(self) -> int:
        """How many threads were started (and not joined yet)."""
        return len(self._threads)

    def start(
        self,
        target: Callable[[], None],
        *,
        count: int = 1,
        numbered: bool = True,
        requeue: Callable[[], int] | None = None,
        requeued: str = "re-queued %d item(s) an earlier run left unfinished",
    ) -> None:
        """Re-queue what an earlier run left unfinished, then start ``count`` threads."""
        if requeue is not None:
            count_requeued = requeue()
            if count_requeued:
                self._log.info(requeued, count_requeued)
        self._stop.clear()
        for number in range(max(1, count)):
            thread = threading.Thread(
                target=target,
                name=f"{self.name}-{number}" if numbered else self.name,
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def signal_stop(self) -> None:
        """Ask the threads to stop, without waiting for them."""
        self._stop.set()

    def join(self, timeout: float = 30.0) -> None:
        """Wait (``timeout`` seconds in all) for the threads; warn about one still running."""
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                self._log.warning("%s did not stop within %.0f s", self.label, timeout)
        self._threads = []

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the threads to stop after their current step and wait for them."""
        self.signal_stop()
        self.join(timeout)

    def pause(self, delay: float) -> bool:
        """Wait ``delay`` seconds (none when not positive); False if asked to stop meanwhile."""
        return not (self._stop.wait(delay) if delay > 0 else self._stop.is_set())
