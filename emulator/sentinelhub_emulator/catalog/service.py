"""The Catalog API as the emulator registers it (see `sentinelhub_emulator.services`).

It has no tables and no state of its own: it reads BYOC's store. Its routes carry their full
paths (``/api/v1/catalog/1.0.0``, ``/catalog/v1``), hence the empty base path, so that each
landing page answers with and without its trailing slash (a Starlette mount would redirect).
"""

from __future__ import annotations

from sentinelhub_emulator.core.service import Service

from . import routes

__all__ = ["SERVICE"]

SERVICE = Service(name=routes.NAME, base_paths=("",), routes=routes.routes)
