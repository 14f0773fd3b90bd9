"""Process and Async Process as the emulator registers them (see `sentinelhub_emulator.services`).

Their per-application state (evalscript limits, async workers) lives in
`sentinelhub_emulator.process.state`; the async requests' table (`jobs.SCHEMA`) in the
emulator's database.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute

from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.service import Service
from sentinelhub_emulator.process import jobs, routes, state

__all__ = ["SERVICE"]


def _start(ctx: EmulatorContext) -> None:
    state.start(ctx)


def _routes() -> Sequence[BaseRoute]:
    return routes.routes()


#: Process and Async Process as the emulator registers them. Its routes carry their full paths
#: (``/api/v1/process``, ``/process/v1``, ``/api/v1/async/process``, ...), hence the empty base
#: path: a Starlette mount cannot serve an exact path without redirecting to a trailing slash.
SERVICE = Service(
    name="process",
    base_paths=("",),
    routes=_routes,
    schema=jobs.SCHEMA,
    start=_start,
    stop=state.stop,
)
