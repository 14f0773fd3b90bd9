"""Closing an object when its ``with`` block ends, written once for each flavour.

A class with a ``close`` (a service client, an uploader, an opened database) derives from
`ClosesOnExit` (or `AsyncClosesOnExit` for an ``async close``) instead of writing its own
``__enter__`` / ``__exit__``: ``with obj:`` gives ``obj`` and closes it on the way out, whatever
happened in the block (an exception is not swallowed).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["AsyncClosesOnExit", "ClosesOnExit"]


class ClosesOnExit:
    """``with obj:`` is ``obj``, closed when the block ends."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClosesOnExit:
    """``async with obj:`` is ``obj``, closed (awaited) when the block ends."""

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
