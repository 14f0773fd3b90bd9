"""The BYOC service as the emulator registers it (see `sentinelhub_emulator.services`)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute

from sentinelhub_emulator.byoc import files, routes, state
from sentinelhub_emulator.byoc.store import SCHEMA
from sentinelhub_emulator.core.service import Service

__all__ = ["SERVICE"]


def _routes() -> Sequence[BaseRoute]:
    return [*routes.routes(), *files.routes()]


SERVICE = Service(
    name=state.NAME,
    base_paths=("/api/v1/byoc", "/byoc/v1"),
    routes=_routes,
    schema=SCHEMA,
    state=state.create,
    start=state.start,
    stop=state.stop,
)
