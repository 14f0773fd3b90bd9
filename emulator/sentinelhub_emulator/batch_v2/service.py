"""Batch Processing v2 as the emulator registers it (see `sentinelhub_emulator.services`).

The API lives under ``/api/v2/batch``. The `BatchV2Service` (store, dispatcher, worker pool) is
the service's per-application state: made when the emulator starts, started before it listens,
stopped after it stops.
"""

from __future__ import annotations

from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.service import Service

from . import routes
from .scheduler import BatchV2Service
from .store import SCHEMA

__all__ = ["SERVICE"]

NAME = routes.NAME


def _create(context: EmulatorContext) -> BatchV2Service:
    return BatchV2Service(context, context.db)


def _start(context: EmulatorContext) -> None:
    context.state(NAME, BatchV2Service).start()


def _stop(context: EmulatorContext) -> None:
    context.state(NAME, BatchV2Service).stop()


SERVICE = Service(
    name=NAME,
    base_paths=("/api/v2/batch",),
    routes=routes.routes,
    schema=SCHEMA,
    state=_create,
    start=_start,
    stop=_stop,
)
