"""The services this emulator serves: one `Service` entry each.

A service lives in its own folder (``byoc/``, ``process/``, ``batch/``) and describes
itself in one `Service` value, conventionally ``SERVICE`` in its ``service.py``; adding a service is
one more line in `SERVICES`, with the title ``sentinelhub-emulator --help`` lists it under. The
core (``core/``) never imports a service: `Emulator` hands this list to it. What a `Service`
gives (``byoc/service.py`` and ``byoc/state.py`` are the example):

- ``routes``: a function returning its Starlette routes, relative to each of its ``base_paths``
  (BYOC: ``("/api/v1/byoc", "/byoc/v1")``); handlers use ``core.auth.authenticated``,
  ``core.params.json_body`` and raise ``core.errors.ApiError``, so the envelope is shared;
- ``schema``: its tables as an idempotent SQL script (``CREATE TABLE IF NOT EXISTS``), created
  in the emulator's one SQLite file when it opens (``context.db``; OAuth clients and ``meta``
  belong to the core);
- ``state``: ``state(context) -> object`` makes its per-application state once per start (a
  store, a worker); handlers read it back with ``context_of(request).state(name, Type)``;
- ``start`` / ``stop``: ``hook(context)`` starts and stops its background work (BYOC's ingestion
  workers); ``start`` runs after every state exists and before the server listens, ``stop`` after
  the server stopped, in reverse order.
"""

from __future__ import annotations

from dataclasses import replace

from sentinelhub_emulator.batch.service import ADMIN_SERVICE as BATCH_ADMIN
from sentinelhub_emulator.batch.service import SERVICE as BATCH
from sentinelhub_emulator.batch_v2.service import SERVICE as BATCH_V2
from sentinelhub_emulator.byoc.service import SERVICE as BYOC
from sentinelhub_emulator.catalog.service import SERVICE as CATALOG
from sentinelhub_emulator.core.service import Service
from sentinelhub_emulator.process.service import SERVICE as PROCESS
from sentinelhub_emulator.statistical.service import SERVICE as STATISTICAL
from sentinelhub_emulator.ui.service import SERVICE as UI

__all__ = ["SERVICES", "Service"]

SERVICES: tuple[Service, ...] = (
    replace(BYOC, title="BYOC: collections, tiles, Planet tile files"),
    replace(PROCESS, title="Process and Async Process (evalscripts run in V8)"),
    replace(STATISTICAL, title="Statistical API (statistics of evalscript outputs per interval)"),
    replace(BATCH, title="Batch Processing v1"),
    replace(BATCH_ADMIN, title="Batch fault injection (admin token)"),
    replace(BATCH_V2, title="Batch Processing v2"),
    replace(CATALOG, title="Catalog: STAC item search over BYOC, /api/v1/catalog/1.0.0"),
    replace(UI, title="Dashboard: collections, tiles on a map, jobs, requests (read only)"),
)
