"""The services this emulator serves: one `Service` entry each.

A service lives in its own folder (``byoc/``, later ``process/`` and ``batch/``) and describes
itself in one `Service` value (routes and base paths, database tables, per-application state,
start/stop hooks for background work); adding a service is one more line in `SERVICES`. The core
(``core/``) never imports a service: `Emulator` hands this list to it.
"""

from __future__ import annotations

from sentinelhub_emulator.byoc.service import SERVICE as BYOC
from sentinelhub_emulator.core.service import Service

__all__ = ["SERVICES", "Service"]

SERVICES: tuple[Service, ...] = (BYOC,)
