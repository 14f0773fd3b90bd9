"""Lazy iteration over Sentinel Hub's token-paged lists, sync and async.

A list endpoint answers ``{"data": [...], "links": {"nextToken": ...}}``; the next page is the same
request with ``viewtoken=<nextToken>``. The listing ends when there is no next token or a page is
empty. A next token that was already used would loop for ever: `APIResponseValidationError`.

`SyncPaginator` and `AsyncPaginator` are iterators of items (``for tile in ...`` /
``async for tile in ...``, no ``await`` needed to start) that send nothing until iterated. They
also give:

- ``pages()``: the pages themselves (`Page`: ``items``, ``next_token``, ``token``);
- ``max_items``: a cap on the items yielded, apart from the page size ``count``; the last page
  asks only for what is missing, so nothing is fetched in vain;
- ``as_dicts()``: the same listing as the plain dicts ``json.loads`` made, no models;
- ``next_token``: where to resume later, with ``viewtoken=``. It is the token of the first page
  not yet yielded in full. After a ``break`` in the middle of a page that page comes again (items
  are delivered at least once); ``exhausted`` tells whether anything is left.

Both paginators share `PageWalk`, which makes every paging decision without I/O.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from sentinelhub_client._core.errors import APIResponseValidationError, SentinelHubValidationError

__all__ = ["AsyncPaginator", "Page", "PageRequest", "PageWalk", "SyncPaginator"]

T = TypeVar("T")

#: Page size when none is given: the largest the service allows.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page: its ``items``, the ``token`` that fetched it and the ``next_token`` (or None)."""

    items: list[T]
    next_token: str | None = None
    token: str | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class PageRequest:
    """What to ask for next: the ``viewtoken`` (None for the first page) and the ``count``."""

    viewtoken: str | None
    count: int


def check_page_size(count: int) -> int:
    """``count`` if it is a valid page size (1..100), else `SentinelHubValidationError`."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PAGE_SIZE:
        raise SentinelHubValidationError(
            f"count must be a whole number from 1 to {MAX_PAGE_SIZE} (the page size), got "
            f"{count!r}; use max_items to limit the number of items instead",
            field="count",
        )
    return count


def check_max_items(max_items: int | None) -> int | None:
    """``max_items`` if it is None or a whole number >= 0."""
    if max_items is None:
        return None
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0:
        raise SentinelHubValidationError(
            f"max_items must be None (no limit) or a whole number >= 0, got {max_items!r}",
            field="max_items",
        )
    return max_items


@dataclass
class PageWalk(Generic[T]):
    """The paging decisions of one listing, without I/O.

    Call `next_request` for what to fetch (None: the listing is over), then `accept` with what
    came back; `accept` returns the page to yield (cut to ``max_items``).
    """

    count: int = DEFAULT_PAGE_SIZE
    max_items: int | None = None
    viewtoken: str | None = None
    _upcoming: str | None = field(init=False, default=None)
    _resume: str | None = field(init=False, default=None)
    _yielded: int = field(init=False, default=0)
    _ended: bool = field(init=False, default=False)
    _seen: set[str] = field(init=False, default_factory=set)
    _error: Exception | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        check_page_size(self.count)
        check_max_items(self.max_items)
        if self.viewtoken is not None and not isinstance(self.viewtoken, str):
            raise SentinelHubValidationError(
                f"viewtoken: expected a page token (a string, a paginator's next_token), got "
                f"{type(self.viewtoken).__name__}",
                field="viewtoken",
            )
        self._upcoming = self._resume = self.viewtoken
        if self.viewtoken is not None:
            self._seen.add(self.viewtoken)

    @property
    def remaining(self) -> int | None:
        """Items still allowed by ``max_items`` (None: no limit)."""
        return None if self.max_items is None else self.max_items - self._yielded

    @property
    def exhausted(self) -> bool:
        """True when the listing has no more items (not merely stopped at ``max_items``)."""
        return self._ended

    @property
    def resume_token(self) -> str | None:
        """The ``viewtoken`` of the first page not yielded in full (None: from the start, or
        nothing left when `exhausted`)."""
        return None if self._ended else self._resume

    def next_request(self) -> PageRequest | None:
        """The next page to fetch, or None when done. Raises on a repeated token."""
        if self._error is not None:
            raise self._error
        remaining = self.remaining
        if self._ended or remaining == 0:
            return None
        count = self.count if remaining is None else min(self.count, remaining)
        return PageRequest(self._upcoming, count)

    def accept(self, items: list[T], next_token: str | None) -> Page[T]:
        """Take a fetched page; returns it as it should be yielded."""
        token = self._upcoming
        remaining = self.remaining
        shown = items if remaining is None else items[:remaining]
        self._yielded += len(shown)
        if not items or not next_token:
            self._ended = True
            next_token = None
        elif next_token in self._seen:
            self._error = APIResponseValidationError(
                f"the service returned the page token {next_token!r} a second time; stopping "
                "rather than looping for ever"
            )
        else:
            self._seen.add(next_token)
        self._upcoming = next_token
        if len(shown) < len(items):
            self._resume = token  # the page was cut: it has to come again
            self._ended = False
        else:
            self._resume = next_token
        return Page(shown, next_token=next_token, token=token)


class _PaginatorCore(Generic[T]):
    """State shared by the sync and async paginators."""

    _walk: PageWalk[T]
    _page: Page[T] | None
    _buffer: deque[T]
    _wrap: Callable[[Any], T] | None

    def _init(
        self,
        count: int,
        max_items: int | None,
        viewtoken: str | None,
        wrap: Callable[[Any], T] | None,
    ) -> None:
        self._walk = PageWalk(count=count, max_items=max_items, viewtoken=viewtoken)
        self._page = None
        self._buffer = deque()
        self._wrap = wrap

    def _accept(self, page: Page[Any]) -> Page[T]:
        wrap = self._wrap
        try:
            items = page.items if wrap is None else [wrap(item) for item in page.items]
        except APIResponseValidationError:
            raise
        except (LookupError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            # The page parsers check their items; this is the last guard for one that does not.
            raise APIResponseValidationError(
                f"an item of a listing page does not match the API contract "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        return self._walk.accept(items, page.next_token)

    def _rest(self) -> dict[str, Any]:
        """Where a twin listing over the same fetch starts: this one's resume point."""
        remaining = self._walk.remaining
        if self.exhausted:
            remaining = 0
        elif self._buffer and remaining is not None and self._page is not None:
            remaining += len(self._page.items)  # that page comes again in full
        return {"count": self.count, "max_items": remaining, "viewtoken": self.next_token}

    @property
    def next_token(self) -> str | None:
        """Where to resume with ``viewtoken=``: the first page not yet yielded in full."""
        if self._buffer and self._page is not None:
            return self._page.token
        return self._walk.resume_token

    @property
    def exhausted(self) -> bool:
        """True once the listing is known to have nothing more."""
        return self._walk.exhausted and not self._buffer

    @property
    def count(self) -> int:
        """The page size asked for."""
        return self._walk.count

    @property
    def max_items(self) -> int | None:
        """The cap on yielded items (None: no cap)."""
        return self._walk.max_items

    def _take_buffer(self) -> Page[T] | None:
        """The unread rest of the current page, as a page, if any."""
        if not self._buffer or self._page is None:
            return None
        rest = Page(list(self._buffer), next_token=self._page.next_token, token=self._page.token)
        self._buffer.clear()
        return rest


class SyncPaginator(_PaginatorCore[T], Iterator[T]):
    """A lazy iterator over the items of a paged listing (see the module docstring).

    Args:
        fetch: fetches one page for a `PageRequest`.
        count: page size, 1..100.
        max_items: stop after this many items (None: all).
        viewtoken: start from this token (resume an earlier listing).
        wrap: makes an item of each fetched element (a model from a dict); None keeps them.
    """

    def __init__(
        self,
        fetch: Callable[[PageRequest], Page[Any]],
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        wrap: Callable[[Any], T] | None = None,
    ) -> None:
        self._fetch = fetch
        self._init(count, max_items, viewtoken, wrap)

    def as_dicts(self) -> SyncPaginator[dict[str, Any]]:
        """The same listing as the dicts ``json.loads`` made (no models), from where this one
        would resume (`next_token`) with what is left of ``max_items``."""
        return cast(SyncPaginator[dict[str, Any]], SyncPaginator(self._fetch, **self._rest()))

    def __iter__(self) -> SyncPaginator[T]:
        return self

    def __next__(self) -> T:
        while not self._buffer:
            page = self._next_page()
            if page is None:
                raise StopIteration
            self._page, self._buffer = page, deque(page.items)
        return self._buffer.popleft()

    def pages(self) -> Iterator[Page[T]]:
        """The remaining pages (a partly read current page first comes as its unread rest)."""
        rest = self._take_buffer()
        if rest is not None:
            yield rest
        while (page := self._next_page()) is not None:
            self._page = page
            yield page

    def _next_page(self) -> Page[T] | None:
        request = self._walk.next_request()
        if request is None:
            return None
        return self._accept(self._fetch(request))


class AsyncPaginator(_PaginatorCore[T], AsyncIterator[T]):
    """The async twin of `SyncPaginator`: ``async for item in paginator``."""

    def __init__(
        self,
        fetch: Callable[[PageRequest], Awaitable[Page[Any]]],
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        wrap: Callable[[Any], T] | None = None,
    ) -> None:
        self._fetch = fetch
        self._init(count, max_items, viewtoken, wrap)

    def as_dicts(self) -> AsyncPaginator[dict[str, Any]]:
        """The same listing as plain dicts (see `SyncPaginator.as_dicts`)."""
        return cast(AsyncPaginator[dict[str, Any]], AsyncPaginator(self._fetch, **self._rest()))

    def __aiter__(self) -> AsyncPaginator[T]:
        return self

    async def __anext__(self) -> T:
        while not self._buffer:
            page = await self._next_page()
            if page is None:
                raise StopAsyncIteration
            self._page, self._buffer = page, deque(page.items)
        return self._buffer.popleft()

    async def pages(self) -> AsyncIterator[Page[T]]:
        """The remaining pages (a partly read current page first comes as its unread rest)."""
        rest = self._take_buffer()
        if rest is not None:
            yield rest
        while (page := await self._next_page()) is not None:
            self._page = page
            yield page

    async def _next_page(self) -> Page[T] | None:
        request = self._walk.next_request()
        if request is None:
            return None
        return self._accept(await self._fetch(request))

    async def to_list(self) -> list[T]:
        """All (remaining) items in a list."""
        return [item async for item in self]
