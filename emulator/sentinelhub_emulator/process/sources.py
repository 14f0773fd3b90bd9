"""Where the engine finds the collection and the tiles behind an input's ``type``.

``byoc-<id>`` is built in: a BYOC collection of the emulator and its INGESTED tiles. Other
services add their kinds with `register` (Batch adds ``batch-<id>``: a batch collection and the
tiles its requests wrote), so the engine never imports them. A resolver answers None for a
collection that does not exist; the engine then refuses the input with a 400 naming it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.byoc.state import byoc_state
from sentinelhub_emulator.core.context import EmulatorContext

__all__ = ["KINDS", "Resolved", "Resolver", "register", "resolve"]

#: A collection and every tile the engine may read from it.
Resolved = tuple[CollectionRecord, Iterable[TileRecord]]
#: ``resolver(ctx, collection_id)``: the collection and its tiles, or None.
Resolver = Callable[[EmulatorContext, str], Resolved | None]

_LOCK = threading.Lock()
_RESOLVERS: dict[str, Resolver] = {}


def _byoc(ctx: EmulatorContext, collection_id: str) -> Resolved | None:
    store = byoc_state(ctx).store
    collection = store.get_collection(collection_id)
    if collection is None:
        return None
    return collection, store.ingested_tiles(collection_id)


def register(kind: str, resolver: Resolver) -> None:
    """Serve inputs of type ``<kind>-<collectionId>`` with ``resolver``."""
    with _LOCK:
        _RESOLVERS[kind] = resolver


def resolve(ctx: EmulatorContext, kind: str, collection_id: str) -> Resolved | None:
    """The collection of an input and its tiles (None: no such collection)."""
    with _LOCK:
        resolver = _RESOLVERS.get(kind)
    return None if resolver is None else resolver(ctx, collection_id)


def KINDS() -> tuple[str, ...]:
    """The collection kinds served now, for messages."""
    with _LOCK:
        return tuple(sorted(_RESOLVERS))


register("byoc", _byoc)
