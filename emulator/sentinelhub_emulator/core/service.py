"""`Service`: what one emulated service brings to the emulator.

The core (OAuth, admin endpoints, errors, faults, the database) knows services only through this
description; the list of services lives in `sentinelhub_emulator.services`. A service gives:

- ``name`` and the ``base_paths`` its routes are mounted under (relative routes, one set per path);
- ``title``: what ``sentinelhub-emulator --help`` calls it (``name`` when empty);
- ``routes``: a factory of its Starlette routes;
- ``schema``: an idempotent SQL script (``CREATE TABLE IF NOT EXISTS ...``) run when the database
  opens, so its tables sit in the emulator's one SQLite file;
- ``state``: a factory of its per-application state (stores, workers), called once per start with
  the `EmulatorContext`; the result is kept in ``context.states[name]`` and read back with
  ``context.state(name, Type)``;
- ``start`` / ``stop``: hooks for background work (an ingestion worker, a batch scheduler).
  ``start`` runs after every state exists and before the server accepts requests; ``stop`` runs
  after the server stopped, in reverse order of the list;
- ``middleware``: ``middleware(app, context) -> app`` wraps the whole application inside the
  request-id layer (so ``scope["state"]["request_id"]`` is set) and outside fault injection (so
  it sees injected faults too); the dashboard's request log is one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute
from starlette.types import ASGIApp

if TYPE_CHECKING:
    from sentinelhub_emulator.core.context import EmulatorContext

__all__ = ["Service"]


def _nothing(context: EmulatorContext) -> None:
    return None


@dataclass(frozen=True)
class Service:
    """One emulated service: its routes, tables, per-application state and background work."""

    name: str
    base_paths: tuple[str, ...]
    routes: Callable[[], Sequence[BaseRoute]]
    schema: str = ""
    state: Callable[[EmulatorContext], object] | None = None
    start: Callable[[EmulatorContext], None] = _nothing
    stop: Callable[[EmulatorContext], None] = _nothing
    title: str = ""
    middleware: Callable[[ASGIApp, EmulatorContext], ASGIApp] | None = None

    @property
    def label(self) -> str:
        """The service's title, else its name."""
        return self.title or self.name
