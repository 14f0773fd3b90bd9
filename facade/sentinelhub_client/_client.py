"""One client for every service of a configuration: `SentinelHub` (sync) and `AsyncSentinelHub`.

::

    from sentinelhub_client import SentinelHub

    with SentinelHub() as sh:  # SH_CLIENT_ID / SH_CLIENT_SECRET, or a sentinelhub-py profile
        for collection in sh.byoc.iter_collections():
            print(collection.name)
        size = sh.byoc.with_options(timeout=5).get_tile_file_size(collection, tile, "x.tif")

Every service (``byoc``, ``process``, ``batch``, ``batch_v2``, ``catalog``, ``statistical``) is
a client made on first use on the top-level client's one transport: one connection pool, one
OAuth token, one default retry policy for all of them. The services' own ``close`` leaves that
pool open; closing the top-level client (or leaving its ``with`` block) closes it, once. The seed
classes (`SentinelHubBYOC(config)`, ...) keep working on their own, each with its own pool.

A service is one line per class below: an attribute ``name = _Service("module", "ClientClass")``,
where the client class offers ``_from_transport(transport)``. Its module is imported on first use.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.service import AsyncService, SyncService
from sentinelhub_client._core.transport import AsyncTransport, SyncTransport

if TYPE_CHECKING:
    from sentinelhub_client.batch.client import AsyncSentinelHubBatch, SentinelHubBatch
    from sentinelhub_client.batch_v2.client import AsyncBatchProcessClient, BatchProcessClient
    from sentinelhub_client.byoc.client import AsyncSentinelHubBYOC, SentinelHubBYOC
    from sentinelhub_client.catalog.client import AsyncSentinelHubCatalog, SentinelHubCatalog
    from sentinelhub_client.process.client import AsyncSentinelHubProcess, SentinelHubProcess
    from sentinelhub_client.statistical.client import (
        AsyncSentinelHubStatisticalClient,
        SentinelHubStatisticalClient,
    )

__all__ = ["AsyncSentinelHub", "SentinelHub"]

S = TypeVar("S")


class _Service(Generic[S]):
    """A service of the top-level client: its client, made on first access on the owner's
    transport (``ClientClass._from_transport(owner.transport)``), then kept."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self.attribute = name

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    @overload
    def __get__(self, hub: None, owner: type) -> Self: ...

    @overload
    def __get__(self, hub: _Hub, owner: type) -> S: ...

    def __get__(self, hub: _Hub | None, owner: type) -> Self | S:
        if hub is None:
            return self
        with hub._lock:
            client = hub._services.get(self.attribute)
            if client is None:
                cls = getattr(importlib.import_module(self.module), self.name)
                client = hub._services[self.attribute] = cls._from_transport(hub.transport)
        result: S = client
        return result


class _Hub:
    """What the twins add to `SyncService` / `AsyncService`: the cache of services."""

    config: SHConfig
    transport: SyncTransport | AsyncTransport
    _services: dict[str, Any]
    _lock: threading.Lock

    def _prepare(self) -> None:
        """A cache of services of its own (a `with_options` copy makes its services anew)."""
        self._services = {}
        self._lock = threading.Lock()


class SentinelHub(_Hub, SyncService):
    """Every Sentinel Hub service of one configuration, over one connection pool and token.

    Attributes:
        byoc: the BYOC API (a `SentinelHubBYOC`), made on first use.
        process: the Process and Async Process APIs (a `SentinelHubProcess`), made on first use.
        batch: the Batch Processing API v1 (a `SentinelHubBatch`), made on first use.
        batch_v2: the Batch Processing API v2 (a `BatchProcessClient`), made on first use.
        catalog: the Catalog API, STAC (a `SentinelHubCatalog`), made on first use.
        statistical: the Statistical API (a `SentinelHubStatisticalClient`), made on first use.

    Use it as a context manager, or call `close`, to release the connections.
    """

    transport: SyncTransport
    byoc: _Service[SentinelHubBYOC] = _Service("sentinelhub_client.byoc.client", "SentinelHubBYOC")
    process: _Service[SentinelHubProcess] = _Service(
        "sentinelhub_client.process.client", "SentinelHubProcess"
    )
    batch: _Service[SentinelHubBatch] = _Service(
        "sentinelhub_client.batch.client", "SentinelHubBatch"
    )
    batch_v2: _Service[BatchProcessClient] = _Service(
        "sentinelhub_client.batch_v2.client", "BatchProcessClient"
    )
    catalog: _Service[SentinelHubCatalog] = _Service(
        "sentinelhub_client.catalog.client", "SentinelHubCatalog"
    )
    statistical: _Service[SentinelHubStatisticalClient] = _Service(
        "sentinelhub_client.statistical.client", "SentinelHubStatisticalClient"
    )


class AsyncSentinelHub(_Hub, AsyncService):
    """Every Sentinel Hub service of one configuration, async: see `SentinelHub`.

    ``http_client`` is an `httpx.AsyncClient`; ``byoc`` is an `AsyncSentinelHubBYOC`.
    """

    transport: AsyncTransport
    byoc: _Service[AsyncSentinelHubBYOC] = _Service(
        "sentinelhub_client.byoc.client", "AsyncSentinelHubBYOC"
    )
    process: _Service[AsyncSentinelHubProcess] = _Service(
        "sentinelhub_client.process.client", "AsyncSentinelHubProcess"
    )
    batch: _Service[AsyncSentinelHubBatch] = _Service(
        "sentinelhub_client.batch.client", "AsyncSentinelHubBatch"
    )
    batch_v2: _Service[AsyncBatchProcessClient] = _Service(
        "sentinelhub_client.batch_v2.client", "AsyncBatchProcessClient"
    )
    catalog: _Service[AsyncSentinelHubCatalog] = _Service(
        "sentinelhub_client.catalog.client", "AsyncSentinelHubCatalog"
    )
    statistical: _Service[AsyncSentinelHubStatisticalClient] = _Service(
        "sentinelhub_client.statistical.client", "AsyncSentinelHubStatisticalClient"
    )
