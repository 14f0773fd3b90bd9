"""One client for every service of a configuration: `SentinelHub` (sync) and `AsyncSentinelHub`.

::

    from sentinelhub_client import SentinelHub

    with SentinelHub() as sh:  # SH_CLIENT_ID / SH_CLIENT_SECRET, or a sentinelhub-py profile
        for collection in sh.byoc.iter_collections():
            print(collection.name)
        size = sh.byoc.with_options(timeout=5).get_tile_file_size(collection, tile, "x.tif")

Every service (``byoc``, ``process``, ``batch``) is a client made on first use on the top-level
client's one transport: one connection pool, one OAuth token, one default retry policy for all of
them. The services' own ``close`` leaves that pool open; closing the top-level client (or
leaving its ``with`` block) closes it, once. The seed classes (`SentinelHubBYOC(config)`, ...)
keep working on their own, each with its own pool.

A service is one line per class below: an attribute ``name = _Service("module", "ClientClass")``,
where the client class offers ``_from_transport(transport)``. Its module is imported on first use.
"""

from __future__ import annotations

import copy
import importlib
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

import httpx

from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import AsyncTransport, SyncTransport

if TYPE_CHECKING:
    from sentinelhub_client.batch.client import AsyncSentinelHubBatch, SentinelHubBatch
    from sentinelhub_client.byoc.client import AsyncSentinelHubBYOC, SentinelHubBYOC
    from sentinelhub_client.process.client import AsyncSentinelHubProcess, SentinelHubProcess

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
    """What the twins share: the config check, the service cache, options and ``repr``."""

    config: SHConfig
    transport: SyncTransport | AsyncTransport
    _services: dict[str, Any]
    _lock: threading.Lock

    def _setup(self, config: SHConfig | None) -> SHConfig:
        if config is not None and not isinstance(config, SHConfig):
            raise TypeError(f"config must be an SHConfig, got {type(config).__name__}")
        self.config = config if config is not None else SHConfig()
        self._services = {}
        self._lock = threading.Lock()
        return self.config

    def with_options(
        self, *, retry: RetryPolicy | None = None, timeout: float | None = None
    ) -> Self:
        """A client sharing this one's connections and token, with another retry policy and/or
        timeout (seconds per request) for every service; closing it does not close this one.

        Raises ``TypeError`` for a ``retry`` that is not a `RetryPolicy`, ``ValueError`` for a
        ``timeout`` that is not a finite number of seconds above 0.
        """
        clone = copy.copy(self)
        clone.transport = self.transport.with_options(retry=retry, timeout=timeout)
        clone._services = {}
        clone._lock = threading.Lock()
        return clone

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.config.sh_base_url!r})"


class SentinelHub(_Hub):
    """Every Sentinel Hub service of one configuration, over one connection pool and token.

    Args:
        config: settings; by default ``SHConfig()`` (environment, profile, defaults).
        http_client: an `httpx.Client` to send through (proxies, TLS, transport); it is not
            modified or closed; the facade adds base URL, OAuth, timeout and retries.
        retry: the default retry policy of every service (else ``config.retry``).

    Attributes:
        byoc: the BYOC API (a `SentinelHubBYOC`), made on first use.
        process: the Process and Async Process APIs (a `SentinelHubProcess`), made on first use.
        batch: the Batch Processing API v1 (a `SentinelHubBatch`), made on first use.

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

    def __init__(
        self,
        config: SHConfig | None = None,
        *,
        http_client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        config = self._setup(config)
        self.transport = SyncTransport(config, http_client=http_client, retry=retry)

    def close(self) -> None:
        """Close the connections of every service (not those of a client passed as
        ``http_client``; a no-op for a client made by `with_options`).

        Sends nothing and raises nothing; the services made by this client must not be used
        afterwards.
        """
        self.transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSentinelHub(_Hub):
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

    def __init__(
        self,
        config: SHConfig | None = None,
        *,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        config = self._setup(config)
        self.transport = AsyncTransport(config, http_client=http_client, retry=retry)

    async def close(self) -> None:
        """Close the connections of every service (see `SentinelHub.close`); sends nothing."""
        await self.transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
