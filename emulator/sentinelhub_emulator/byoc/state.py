"""BYOC's per-application state: its store and its ingestion worker.

`byoc_state(context)` is how a route handler reaches them; `create`, `start` and `stop` are the
service's hooks (see `sentinelhub_emulator.byoc.service`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sentinelhub_emulator.byoc.store import Store
from sentinelhub_emulator.byoc.worker import IngestionWorker
from sentinelhub_emulator.core.context import EmulatorContext

__all__ = ["NAME", "ByocState", "byoc_state", "create", "start", "stop"]

NAME = "byoc"


@dataclass(frozen=True)
class ByocState:
    store: Store
    worker: IngestionWorker

    def wake_worker(self) -> None:
        """Tell the ingestion workers that a tile waits."""
        self.worker.wake()


def byoc_state(context: EmulatorContext) -> ByocState:
    """BYOC's state in this application."""
    return context.state(NAME, ByocState)


def create(context: EmulatorContext) -> ByocState:
    store = Store(context.db)
    return ByocState(store, IngestionWorker(store, context.settings))


def start(context: EmulatorContext) -> None:
    byoc_state(context).worker.start()


def stop(context: EmulatorContext) -> None:
    byoc_state(context).worker.stop()
