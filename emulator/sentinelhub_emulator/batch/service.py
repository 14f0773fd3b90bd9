"""Batch v1 as the emulator registers it (see `sentinelhub_emulator.services`).

Two entries: the API under ``/api/v1/batch`` and the test-only fault endpoint under
``/_emulator/batch`` (admin token). The `BatchService` (store, scheduler, worker pool) is the
service's per-application state: made when the emulator starts, started before it listens,
stopped after it stops. Importing this module also lets Process requests read a batch
collection as ``batch-<collectionId>``.
"""

from __future__ import annotations

from sentinelhub_emulator.batch import routes
from sentinelhub_emulator.batch.collections import byoc_view
from sentinelhub_emulator.batch.dispatch import batch_service
from sentinelhub_emulator.batch.scheduler import BatchService
from sentinelhub_emulator.batch.store import SCHEMA
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.service import Service
from sentinelhub_emulator.process import sources

__all__ = ["ADMIN_SERVICE", "SERVICE"]

NAME = "batch"


def _as_input(context: EmulatorContext, collection_id: str) -> sources.Resolved | None:
    """``batch-<id>`` in a Process request: the batch collection and the tiles written into it."""
    return byoc_view(context.state(NAME, BatchService).store, context.settings, collection_id)


sources.register(NAME, _as_input)


SERVICE = batch_service(NAME, "/api/v1/batch", routes.routes, SCHEMA, BatchService)
ADMIN_SERVICE = Service(
    name="batch-admin", base_paths=("/_emulator/batch",), routes=routes.admin_routes
)
