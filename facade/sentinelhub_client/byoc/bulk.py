"""Registering many tiles at once: `register_tiles` (sync) and `aregister_tiles` (async).

The decisions are made without I/O by `Registration`; the two shells at the bottom only send
(with bounded concurrency: threads for sync, tasks for async) and sleep.

How a run goes:

1. One listing of the collection, before any create (paged, resumed where it stopped after a
   failed page), finds the paths that are already there: those tiles are *skipped*, never
   created twice, and no create is sent for them. This is what makes a re-run after an
   interruption (even ``kill -9``) safe, and it does not depend on the time window that
   `create_tile`'s recovery uses (a tile made a second before the run is still *skipped*). A
   path that listing held is never counted as *created* by this run, whatever its time.
2. Every other tile is created with `create_tile` (its own retries, and its lookup by path
   after an ambiguous failure), ``concurrency`` at a time.
3. A create that gave up on a transient failure (429, 5xx, dropped connection, timeout after
   the per-call retries), or answered 409, is settled by one more listing: a tile found with
   its path was created (by this run's earlier attempt when it was created after the run
   began, else it is *skipped*); a tile not found is tried again in the next round, after a
   pause that doubles each round. The pauses come from the client's `RetryPolicy`: the ceiling
   of its backoff (`backoff_delay`, without jitter) for one retry more than the rounds so far,
   capped by ``backoff_max``; with the default policy 1 s before the second round, then 2, 4,
   ... up to 30 s, and none with ``backoff=0`` (``SH_RETRY_ZERO_BACKOFF=1``). ``max_rounds``
   bounds the rounds; what is still not created then is *failed*, with the last error as its
   reason.
4. A create refused for good (400 with a reason, 403...) is *failed* at once with the
   service's message.

The result is a `RegistrationReport` with ``created``, ``skipped`` and ``failed``, whose counts
always add up to the number of tiles given.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sentinelhub_client._core.errors import ConflictError, SentinelHubValidationError
from sentinelhub_client._core.pagination import Page
from sentinelhub_client._core.retry import RetryPolicy, backoff_delay
from sentinelhub_client.byoc.calls import (
    CLOCK_SKEW,
    CollectionRef,
    _refuse,
    _tile_model,
    check_tile_path,
    collection_id_of,
    is_transient,
)
from sentinelhub_client.byoc.models import ByocTile

if TYPE_CHECKING:
    from sentinelhub_client.byoc.client import AsyncSentinelHubBYOC, SentinelHubBYOC

__all__ = [
    "DEFAULT_BULK_CONCURRENCY",
    "DEFAULT_MAX_ROUNDS",
    "Registration",
    "RegistrationReport",
    "TileFailure",
    "aregister_tiles",
    "is_transient",
    "register_tiles",
]

logger = logging.getLogger(__name__)

#: Creates in flight at once by default: enough to hide latency, few enough to stay under the
#: service's rate limits.
DEFAULT_BULK_CONCURRENCY = 8
#: Rounds of creation (the first included) before a tile that keeps failing is reported.
DEFAULT_MAX_ROUNDS = 8
#: Tries of one listing (each page with the client's own retries) before the run gives up.
_LISTING_TRIES = 8

ProgressCallback = Callable[[int, int], Any]


@dataclass(frozen=True)
class TileFailure:
    """A tile that was not created: the tile as given, why, and the last error."""

    tile: ByocTile
    reason: str
    error: BaseException | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RegistrationReport:
    """What `register_tiles` did; ``created + skipped + failed`` is every tile given.

    Attributes:
        created: tiles this run created, as the service stored them (with ids).
        skipped: tiles whose path was already in the collection, as found there.
        failed: `TileFailure` for each tile not created, with the reason.
        rounds: rounds of creation that were needed.
    """

    created: list[ByocTile]
    skipped: list[ByocTile]
    failed: list[TileFailure]
    rounds: int

    @property
    def ok(self) -> bool:
        """True when no tile failed."""
        return not self.failed

    @property
    def tiles(self) -> list[ByocTile]:
        """Created and skipped tiles: everything that is now in the collection."""
        return [*self.created, *self.skipped]

    def summary(self) -> str:
        """``created 10, skipped 2, failed 1`` and the failures' reasons."""
        text = (
            f"created {len(self.created)}, skipped {len(self.skipped)}, failed {len(self.failed)}"
        )
        reasons = "; ".join(f"{f.tile.path}: {f.reason}" for f in self.failed[:10])
        more = f" (and {len(self.failed) - 10} more)" if len(self.failed) > 10 else ""
        return f"{text}{': ' + reasons + more if reasons else ''}"


def _checked_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SentinelHubValidationError(
            f"{name} must be an integer >= {minimum}, got {value!r}", field=name
        )
    return value


class Registration:
    """The decisions of a bulk registration, without I/O (see the module docstring).

    States of a path: ``todo`` (to create this round), ``settle`` (a create that gave up or
    answered 409; the next listing decides), then ``created``, ``skipped`` or ``failed``.
    """

    def __init__(
        self,
        collection: CollectionRef,
        tiles: Iterable[ByocTile | Mapping[str, Any]],
        *,
        concurrency: int,
        max_rounds: int,
        progress: ProgressCallback | None,
        started: dt.datetime | None = None,
    ) -> None:
        self.collection_id = collection_id_of(collection)
        self.concurrency = _checked_int(concurrency, "concurrency", 1)
        self.max_rounds = _checked_int(max_rounds, "max_rounds", 1)
        if progress is not None and not callable(progress):
            raise _refuse("progress", "a function (done, total) or None", progress)
        if isinstance(tiles, str | Mapping | ByocTile) or not isinstance(tiles, Iterable):
            raise SentinelHubValidationError(
                "tiles must be a list of tiles (ByocTile or dicts with a path)", field="tiles"
            )
        self.progress = progress
        self.started = started or dt.datetime.now(dt.UTC)
        self.order: list[str] = []
        self.sent: dict[str, ByocTile] = {}
        for index, tile in enumerate(tiles):
            model = _tile_model(tile, f"tiles[{index}]")
            path = check_tile_path(model.path, f"tiles[{index}].path")
            if path in self.sent:
                raise SentinelHubValidationError(
                    f"tiles[{index}].path {path!r} is given twice; a collection holds one tile "
                    "per path",
                    field="tiles",
                )
            self.sent[path] = model
            self.order.append(path)
        self.state: dict[str, str] = dict.fromkeys(self.order, "todo")
        self.result: dict[str, ByocTile] = {}
        self.errors: dict[str, BaseException] = {}
        self.reasons: dict[str, str] = {}
        self.round = 0
        self.known_size = 0
        #: The paths the first listing found (they were there before this run's creates).
        self.listed_before: set[str] = set()

    # -- the first listing ------------------------------------------------------------------

    def existing(self, listed: Iterable[ByocTile]) -> None:
        """Mark as skipped every tile whose path the collection already holds."""
        count = 0
        for tile in listed:
            count += 1
            self.listed_before.add(tile.path)
            if self.state.get(tile.path) == "todo":
                self._finish(tile.path, "skipped", tile)
        self.known_size = count

    # -- a round of creates -----------------------------------------------------------------

    def to_create(self) -> list[ByocTile]:
        """The tiles to create in this round, in the order given."""
        return [self.sent[path] for path in self.order if self.state[path] == "todo"]

    def created(self, path: str, tile: ByocTile) -> None:
        """A create returned the tile."""
        self.known_size += 1
        self._finish(path, "created", tile)

    def refused(self, path: str, exc: BaseException) -> None:
        """A create raised: settle it by listing, or fail it for good."""
        self.errors[path] = exc
        if isinstance(exc, ConflictError) or is_transient(exc):
            self.state[path] = "settle"
        else:
            self.reasons[path] = str(exc)
            self._finish(path, "failed", None)

    # -- settling by listing ----------------------------------------------------------------

    def to_settle(self) -> list[str]:
        """Paths whose fate a listing must tell."""
        return [path for path in self.order if self.state[path] == "settle"]

    def settle_by_path(self) -> bool:
        """Whether one ``path=`` lookup per unsettled tile costs fewer requests than a full
        listing of the collection (100 tiles per page)."""
        return len(self.to_settle()) <= max(1, -(-self.known_size // 100))

    def settle(self, listed: Iterable[ByocTile], *, complete: bool = True) -> None:
        """Decide the unsettled tiles from a listing: found ones are created (after the run
        began) or skipped; with ``complete`` the others are tried again next round."""
        waiting = {path for path in self.order if self.state[path] == "settle"}
        for tile in listed:
            if tile.path in waiting:
                waiting.discard(tile.path)
                ours = (
                    tile.path not in self.listed_before
                    and tile.created is not None
                    and tile.created >= self.started - CLOCK_SKEW
                )
                self._finish(tile.path, "created" if ours else "skipped", tile)
        if complete:
            for path in waiting:
                self.state[path] = "todo"

    def settle_queries(self) -> list[str | None]:
        """The listings that settle the unsettled tiles: one ``path=`` lookup each when that
        is cheaper (`settle_by_path`), else one listing of the whole collection (None)."""
        paths: list[str | None] = list(self.to_settle())
        if paths and not self.settle_by_path():
            return [None]
        return paths

    def settled(self, path: str | None, listed: Iterable[ByocTile]) -> None:
        """Decide from the listing of `settle_queries` for ``path`` (None: the collection's);
        a tile a lookup did not find is tried again next round."""
        if path is None:
            self.settle(listed)
            return
        self.settle(listed, complete=False)
        if self.state[path] == "settle":
            self.state[path] = "todo"

    def next_round(self) -> bool:
        """Start another round if anything is left to create and rounds remain; else fail what
        is left and return False."""
        self.round += 1
        left = [path for path in self.order if self.state[path] in ("todo", "settle")]
        if not left:
            return False
        if self.round >= self.max_rounds:
            for path in left:
                error = self.errors.get(path)
                self.reasons[path] = (
                    f"not created after {self.round} round(s): {error}"
                    if error is not None
                    else f"not created after {self.round} round(s)"
                )
                self._finish(path, "failed", None)
            return False
        for path in left:
            self.state[path] = "todo"
        return True

    def pause(self, backoff_enabled: bool = True, *, policy: RetryPolicy | None = None) -> float:
        """Seconds to wait before the current round: 0 for the first one, without backoff, or
        with a policy whose ``backoff`` is 0; else the ceiling of ``policy``'s backoff (the
        default `RetryPolicy` when None) for retry ``round + 1``: ``min(backoff_max, backoff *
        2**round)``, with the defaults 1 s before the second round, then 2, 4, ... up to 30 s."""
        if self.round == 0 or not backoff_enabled:
            return 0.0
        return backoff_delay(policy or RetryPolicy(), self.round + 1, 1.0)

    # -- the end ----------------------------------------------------------------------------

    def _finish(self, path: str, state: str, tile: ByocTile | None) -> None:
        self.state[path] = state
        if tile is not None:
            self.result[path] = tile
        if self.progress is not None:
            done = sum(s in ("created", "skipped", "failed") for s in self.state.values())
            self.progress(done, len(self.order))

    def report(self) -> RegistrationReport:
        """The report, each list in the order the tiles were given."""
        by = {"created": [], "skipped": []}  # type: dict[str, list[ByocTile]]
        failed: list[TileFailure] = []
        for path in self.order:
            state = self.state[path]
            if state in by:
                by[state].append(self.result[path])
            elif state == "failed":
                failed.append(
                    TileFailure(self.sent[path], self.reasons[path], self.errors.get(path))
                )
        return RegistrationReport(by["created"], by["skipped"], failed, max(1, self.round))


class _Listing:
    """What one listing of the shells has read, and the page it resumes from after a page ran
    out of retries (up to `_LISTING_TRIES` tries)."""

    def __init__(self, collection_id: Any) -> None:
        self.collection_id = collection_id
        self.found: list[ByocTile] = []
        self.token: str | None = None

    def add(self, page: Page[ByocTile]) -> None:
        self.found.extend(page.items)
        self.token = page.next_token

    def failed(self, exc: Exception, attempt: int) -> None:
        """Raise ``exc`` again unless it is transient and a try is left (then say so)."""
        if not is_transient(exc) or attempt == _LISTING_TRIES - 1:
            raise exc
        logger.info("Listing tiles of %s failed (%s); resuming", self.collection_id, exc)


# -- the sync shell --------------------------------------------------------------------------


def _list_sync(
    byoc: SentinelHubBYOC, collection_id: Any, path: str | None = None
) -> list[ByocTile]:
    """The whole listing (or the tile with ``path``); a page that runs out of retries is asked
    for again from where the listing stopped, up to `_LISTING_TRIES` times."""
    listing = _Listing(collection_id)
    for attempt in range(_LISTING_TRIES):
        paginator = byoc.iter_tiles(collection_id, path=path, viewtoken=listing.token)
        try:
            for page in paginator.pages():
                listing.add(page)
            return listing.found
        except Exception as exc:
            listing.failed(exc, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _settle_sync(byoc: SentinelHubBYOC, job: Registration) -> None:
    for path in job.settle_queries():
        job.settled(path, _list_sync(byoc, job.collection_id, path))


def register_tiles(
    byoc: SentinelHubBYOC, job: Registration, *, sleep: Callable[[float], None] | None = None
) -> RegistrationReport:
    """The sync shell of `SentinelHubBYOC.register_tiles`: runs ``job`` (threads for
    concurrency); ``sleep`` None is `time.sleep`."""
    sleep = time.sleep if sleep is None else sleep
    job.existing(_list_sync(byoc, job.collection_id))
    policy = byoc.transport.retry
    pool = ThreadPoolExecutor(max_workers=job.concurrency, thread_name_prefix="shc-bulk")
    try:
        while True:
            sleep(job.pause(policy=policy))
            futures = {
                pool.submit(byoc.create_tile, job.collection_id, tile): tile.path
                for tile in job.to_create()
            }
            for future in as_completed(futures):
                path = futures[future]
                try:
                    tile = future.result()
                except Exception as exc:
                    job.refused(path, exc)
                else:
                    job.created(path, tile)
            _settle_sync(byoc, job)
            if not job.next_round():
                return job.report()
    finally:
        # On an interruption (Ctrl-C, an error in ``progress``) creates not started yet are
        # dropped; those in flight finish. A re-run skips whatever they created.
        pool.shutdown(wait=True, cancel_futures=True)


# -- the async shell -------------------------------------------------------------------------


async def _list_async(
    byoc: AsyncSentinelHubBYOC, collection_id: Any, path: str | None = None
) -> list[ByocTile]:
    listing = _Listing(collection_id)
    for attempt in range(_LISTING_TRIES):
        paginator = byoc.iter_tiles(collection_id, path=path, viewtoken=listing.token)
        try:
            async for page in paginator.pages():
                listing.add(page)
            return listing.found
        except Exception as exc:
            listing.failed(exc, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


async def _settle_async(byoc: AsyncSentinelHubBYOC, job: Registration) -> None:
    for path in job.settle_queries():
        job.settled(path, await _list_async(byoc, job.collection_id, path))


async def aregister_tiles(
    byoc: AsyncSentinelHubBYOC, job: Registration, *, sleep: Callable[[float], Any] | None = None
) -> RegistrationReport:
    """The async shell of `AsyncSentinelHubBYOC.register_tiles`: runs ``job`` (``concurrency``
    tasks); ``sleep`` None is `asyncio.sleep`."""
    import asyncio  # here: importing the package does not import asyncio

    sleep = asyncio.sleep if sleep is None else sleep
    job.existing(await _list_async(byoc, job.collection_id))
    policy = byoc.transport.retry

    async def worker(queue: list[ByocTile]) -> None:
        while queue:
            tile = queue.pop()
            try:
                stored = await byoc.create_tile(job.collection_id, tile)
            except Exception as exc:
                job.refused(tile.path, exc)
            else:
                job.created(tile.path, stored)

    while True:
        await sleep(job.pause(policy=policy))
        queue: list[ByocTile] = list(reversed(job.to_create()))
        workers = min(job.concurrency, len(queue))
        tasks = [asyncio.ensure_future(worker(queue)) for _ in range(workers)]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            # Interrupted (cancelled, an error in ``progress``): stop the other workers too.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        await _settle_async(byoc, job)
        if not job.next_round():
            return job.report()
