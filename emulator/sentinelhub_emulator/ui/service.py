"""The dashboard's registration record: its pages under ``/_emulator/ui``, its state (the
request log and a cache of footprints) and the request-log middleware."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.service import Service
from sentinelhub_emulator.ui.footprints import FootprintCache
from sentinelhub_emulator.ui.requestlog import RequestLog, RequestLogMiddleware

__all__ = ["NAME", "PREFIX", "SERVICE", "UiState", "ui_state"]

NAME: Final = "ui"
#: Where the dashboard lives (under the admin prefix: fault injection never touches it).
PREFIX: Final = "/_emulator/ui"


@dataclass(frozen=True)
class UiState:
    requests: RequestLog = field(default_factory=RequestLog)
    footprints: FootprintCache = field(default_factory=FootprintCache)


def ui_state(context: EmulatorContext) -> UiState:
    """The dashboard's state in this application."""
    return context.state(NAME, UiState)


def _create(context: EmulatorContext) -> UiState:
    return UiState()


def _middleware(app: ASGIApp, context: EmulatorContext) -> ASGIApp:
    return RequestLogMiddleware(app, ui_state(context).requests, PREFIX)


def _routes() -> Sequence[BaseRoute]:
    from sentinelhub_emulator.ui.routes import routes  # jinja2 only when the app is built

    return routes()


SERVICE = Service(
    name=NAME,
    base_paths=(PREFIX,),
    routes=_routes,
    state=_create,
    middleware=_middleware,
)
