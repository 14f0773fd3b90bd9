"""Run the same test body against the sync and the async BYOC client."""

from __future__ import annotations

import inspect
from typing import Any

from sentinelhub_client import AsyncSentinelHubBYOC, SentinelHubBYOC, SHConfig


class Twin:
    """Calls a method of the sync or the async client the same way from an async test."""

    def __init__(self, client: SentinelHubBYOC | AsyncSentinelHubBYOC) -> None:
        self.client = client
        self.is_async = isinstance(client, AsyncSentinelHubBYOC)

    async def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, name)(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def collect(self, iterable: Any) -> list[Any]:
        if self.is_async:
            return [item async for item in iterable]
        return list(iterable)

    async def next(self, iterator: Any) -> Any:
        if self.is_async:
            return await iterator.__anext__()
        return next(iterator)

    def with_options(self, **kwargs: Any) -> Twin:
        return Twin(self.client.with_options(**kwargs))

    async def close(self) -> None:
        if isinstance(self.client, AsyncSentinelHubBYOC):
            await self.client.close()
        else:
            self.client.close()


def make_twin(kind: str, config: SHConfig, **kwargs: Any) -> Twin:
    if kind == "sync":
        return Twin(SentinelHubBYOC(config, **kwargs))
    return Twin(AsyncSentinelHubBYOC(config, **kwargs))
