"""What every service client shares: construction, options, the shared-transport constructor
and the lifecycle, written once for each flavour.

A service client (``SentinelHubBYOC``, ``SentinelHubProcess``, ``SentinelHubBatch`` and their
async twins, and the `SentinelHub` hubs) derives from `SyncService` or `AsyncService` and only
says what it derives from the configuration (`_prepare`). The base gives it:

- ``__init__(config=None, *, http_client=None, retry=None)``: its own transport (connection pool,
  OAuth, retries), closed by `close`;
- ``_from_transport(transport)``: a client on a transport another object owns (the
  `SentinelHub` hub's); its `close` leaves that transport open;
- ``with_options(retry=..., timeout=..., rate_limit=...)``: a client sharing the connections
  and token with another policy, timeout or client-side rate limit, checked when called;
  closing it does not close the original;
- ``usage()``: the PU its answers reported (`Usage`);
- ``close`` and the context-manager protocol, and a ``repr`` without secrets.

`share_docstrings` copies the sync methods' docstrings onto their async twins, so the docs are
written once.
"""

from __future__ import annotations

import copy
from typing import Self

import httpx

from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.lifecycle import AsyncClosesOnExit, ClosesOnExit
from sentinelhub_client._core.ratelimit import RateLimit, Usage
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import AsyncTransport, SyncTransport

__all__ = ["AsyncService", "SyncService", "share_docstrings"]


def _checked(config: SHConfig | None) -> SHConfig:
    if config is not None and not isinstance(config, SHConfig):
        raise TypeError(f"config must be an SHConfig, got {type(config).__name__}")
    return config if config is not None else SHConfig()


class _Service:
    config: SHConfig

    def _prepare(self) -> None:
        """Build what the client derives from ``self.config`` (a service's I/O-free calls, the
        hub's cache of services); called again on a `with_options` copy."""

    def _configure(self, config: SHConfig | None) -> SHConfig:
        self.config = _checked(config)
        self._prepare()
        return self.config

    def usage(self) -> Usage:
        """The processing units that the answers to this client reported so far (Process,
        Async Process, Statistical; ``x-processingunits-spent``): in total, how many answers
        reported one, and per service (``process``, ``async_process``, ``statistical``). A
        `SentinelHub`'s services and the `with_options` copies of a client count together.
        Sends nothing."""
        budget = getattr(self, "transport", None)
        meter = budget.budget.meter if budget is not None and budget.budget is not None else None
        return meter.usage() if meter is not None else Usage()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.config.sh_base_url!r})"


class SyncService(_Service, ClosesOnExit):
    """A sync service client (see the module docstring). Its ``__init__`` documents the
    arguments of every sync client's constructor, once: the reference shows them on each
    client's page (mkdocstrings' ``inherited_members: ["__init__"]``)."""

    transport: SyncTransport

    def __init__(
        self,
        config: SHConfig | None = None,
        *,
        http_client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """
        Args:
            config: settings; by default ``SHConfig()`` (environment, profile, defaults).
            http_client: an `httpx.Client` to send through (proxies, TLS, transport); it is not
                modified or closed; the facade adds base URL, OAuth, timeout and retries.
            retry: the default retry policy of this client, and of every service of a
                `SentinelHub` (else ``config.retry``).
        """
        config = self._configure(config)
        self.transport = SyncTransport(config, http_client=http_client, retry=retry)

    @classmethod
    def _from_transport(cls, transport: SyncTransport) -> Self:
        """A client on a transport that another object owns: it shares its connections and
        token, and its `close` leaves them open."""
        client = cls.__new__(cls)
        client._configure(transport.config)
        client.transport = transport.with_options()
        return client

    def with_options(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
        rate_limit: RateLimit | None = None,
    ) -> Self:
        """A client sharing this one's connections and token, with another retry policy,
        timeout (seconds per request, for every call, file downloads included) and/or
        client-side rate limit (`RateLimit`: the budget of its (base URL, client id), shared by
        the whole process, follows it); closing it does not close this one. Sends nothing.

        Raises ``TypeError`` for a ``retry`` that is not a `RetryPolicy` or a ``rate_limit``
        that is not a `RateLimit`, ``ValueError`` for a ``timeout`` that is not a finite number
        of seconds above 0.
        """
        clone = copy.copy(self)
        clone.transport = self.transport.with_options(
            retry=retry, timeout=timeout, rate_limit=rate_limit
        )
        clone._prepare()
        return clone

    def close(self) -> None:
        """Close the connections (not those of a client passed as ``http_client``, nor those of
        a shared transport); sends nothing. The client must not be used afterwards."""
        self.transport.close()


class AsyncService(_Service, AsyncClosesOnExit):
    """An async service client: `SyncService` with ``await`` (``http_client`` is an
    `httpx.AsyncClient`)."""

    transport: AsyncTransport

    def __init__(
        self,
        config: SHConfig | None = None,
        *,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        config = self._configure(config)
        self.transport = AsyncTransport(config, http_client=http_client, retry=retry)

    @classmethod
    def _from_transport(cls, transport: AsyncTransport) -> Self:
        client = cls.__new__(cls)
        client._configure(transport.config)
        client.transport = transport.with_options()
        return client

    def with_options(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
        rate_limit: RateLimit | None = None,
    ) -> Self:
        clone = copy.copy(self)
        clone.transport = self.transport.with_options(
            retry=retry, timeout=timeout, rate_limit=rate_limit
        )
        clone._prepare()
        return clone

    async def close(self) -> None:
        await self.transport.close()


def share_docstrings(async_cls: type, sync_cls: type) -> None:
    """Give each undocumented public method of ``async_cls`` (its own or inherited from
    `AsyncService`) its sync twin's docstring: the docs are written once, on the sync class."""
    for name in dir(async_cls):
        member = getattr(async_cls, name)
        if name.startswith("_") or not callable(member) or member.__doc__:
            continue
        twin = getattr(sync_cls, name, None)
        if twin is not None and twin.__doc__:
            member.__doc__ = twin.__doc__


share_docstrings(AsyncService, SyncService)
