"""Batch Processing v2 as the emulator registers it (see `sentinelhub_emulator.services`).

The API lives under ``/api/v2/batch``. The `BatchV2Service` (store, dispatcher, worker pool) is
the service's per-application state: made when the emulator starts, started before it listens,
stopped after it stops.
"""

from __future__ import annotations

from sentinelhub_emulator.batch.dispatch import batch_service

from . import routes
from .scheduler import BatchV2Service
from .store import SCHEMA

__all__ = ["SERVICE"]

NAME = routes.NAME


SERVICE = batch_service(NAME, "/api/v2/batch", routes.routes, SCHEMA, BatchV2Service)
