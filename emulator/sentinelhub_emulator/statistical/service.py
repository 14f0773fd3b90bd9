"""The Statistical API as the emulator registers it (see `sentinelhub_emulator.services`).

It keeps no state of its own: each request runs the Process engine once per interval, under the
evalscript limits of the Process service.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute

from sentinelhub_emulator.core.service import Service
from sentinelhub_emulator.statistical import routes

__all__ = ["SERVICE"]


def _routes() -> Sequence[BaseRoute]:
    return routes.routes()


#: Full paths (``/api/v1/statistics``, ``/statistics/v1``), hence the empty base path, as for
#: Process: a Starlette mount cannot serve an exact path without redirecting to a trailing slash.
SERVICE = Service(name="statistical", base_paths=("",), routes=_routes)
