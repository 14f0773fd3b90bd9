"""Waiting for ingestion, without I/O: `IngestionWatch` (the decisions of ``wait_for_tiles``:
which listings a poll sends, what they tell, when the wait is over) and `IngestionSummary`
(where a set of tiles stands, what ``wait_for_ingestion`` returns).

The clients (`sentinelhub_client.byoc.client`) run the listings; `sentinelhub_client._core.polling`
does the sleeping and the deadline. Both names stay importable from `sentinelhub_client.byoc.calls`,
where they were first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from sentinelhub_client._core.errors import (
    IngestionError,
    SentinelHubValidationError,
    WaitTimeoutError,
    describe_tiles,
)
from sentinelhub_client.byoc.calls import (
    CollectionRef,
    TileRef,
    _refuse,
    collection_id_of,
    is_transient,
    tile_id_of,
)
from sentinelhub_client.byoc.models import ByocTile, TileStatus

__all__ = ["PENDING_STATUSES", "IngestionSummary", "IngestionWatch"]

# The name these decisions logged under before they moved here, kept for logging filters.
logger = logging.getLogger("sentinelhub_client.byoc.calls")


#: The statuses of a tile whose ingestion is not over, in the order a tile moves through them.
PENDING_STATUSES = ("WAITING", "QUEUED", "INGESTING")


@dataclass(frozen=True)
class IngestionSummary:
    """Where the ingestion of a set of tiles stands: the tiles as last seen, and their counts.

    ``wait_for_ingestion`` returns it once nothing is pending, and hands one to ``on_update``
    after each poll.
    """

    tiles: list[ByocTile]

    def _with(self, *statuses: TileStatus) -> list[ByocTile]:
        return [tile for tile in self.tiles if tile.status in statuses]

    @property
    def ingested(self) -> list[ByocTile]:
        """The tiles that are INGESTED."""
        return self._with(TileStatus.INGESTED)

    @property
    def failed(self) -> list[ByocTile]:
        """The tiles that FAILED (``tile.additional_data["failedIngestionCause"]`` says why)."""
        return self._with(TileStatus.FAILED)

    @property
    def pending(self) -> list[ByocTile]:
        """The tiles neither INGESTED nor FAILED yet."""
        return [t for t in self.tiles if t.status not in (TileStatus.INGESTED, TileStatus.FAILED)]

    @property
    def counts(self) -> dict[str, int]:
        """How many tiles have each status, e.g. ``{"INGESTED": 998, "FAILED": 2}``."""
        counts: dict[str, int] = {}
        for tile in self.tiles:
            counts[str(tile.status)] = counts.get(str(tile.status), 0) + 1
        return counts

    def __str__(self) -> str:
        parts = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items()))
        return f"{len(self.tiles)} tiles: {parts or 'none'}"


@dataclass
class IngestionWatch:
    """The decisions of ``wait_for_tiles``, without I/O: which listings a poll sends, what they
    tell, when the wait is over.

    - Given tiles: each poll is one paged listing of the collection, newest first
      (``sort=created:desc``), that stops as soon as every watched tile not final yet has
      been seen; waiting for tiles just registered reads only the first pages.
    - The whole collection (``tile_ids`` None): each poll lists the pending tiles only, with
      the ``status`` filter (WAITING, then QUEUED, then INGESTING: the order tiles move in, so
      none slips between two listings); once all three are empty, one full listing gives the
      final states. A mostly ingested collection of 20,000 tiles costs 3 requests a poll.

    A poll whose request runs out of retries on a transient failure keeps what its pages
    already told and the wait goes on (only the timeout ends it); other errors end it.

    Shells, per poll: ``begin_pass``; then for each query of ``next_listing()``: list, ``see``
    each tile until ``enough``, ``listing_done``; ``poll_failed`` on an error.
    `sentinelhub_client._core.polling` does the sleeping and the deadline.
    """

    collection_id: UUID
    tile_ids: list[UUID] | None
    interval: float
    timeout: float | None
    started: float
    latest: dict[str, ByocTile] = field(default_factory=dict)
    polls: int = 0
    failed_polls: int = 0
    last_error: BaseException | None = None
    #: Watched tiles (as strings) not final and not yet seen in this poll.
    unseen: set[str] = field(default_factory=set)
    #: The listings this poll still has to send, as (sort, status) of ``iter_tiles``.
    queue: list[tuple[str | None, str | None]] = field(default_factory=list)
    #: Whole collection: pending tiles seen this poll; the final listing being read, if any.
    pending_seen: int = 0
    final: dict[str, ByocTile] | None = None
    collection_done: bool = False

    @classmethod
    def start(
        cls,
        collection: CollectionRef,
        tiles: Iterable[TileRef] | None,
        *,
        interval: float,
        timeout: float | None,
        now: float,
        callback: object = None,
    ) -> IngestionWatch:
        """Check the arguments and begin."""
        if isinstance(interval, bool) or not isinstance(interval, int | float) or interval < 0:
            raise SentinelHubValidationError(
                f"interval must be a number of seconds >= 0, got {interval!r}", field="interval"
            )
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0
        ):
            raise SentinelHubValidationError(
                f"timeout must be None (no limit) or a number of seconds >= 0, got {timeout!r}",
                field="timeout",
            )
        if callback is not None and not callable(callback):
            raise _refuse("callback", "a function (or None)", callback)
        if isinstance(tiles, str | Mapping | ByocTile) or (
            tiles is not None and not isinstance(tiles, Iterable)
        ):
            raise SentinelHubValidationError(
                "tiles must be a list of tiles (or None for all the collection's tiles)",
                field="tiles",
            )
        collection_id = collection_id_of(collection)
        ids = None if tiles is None else list(dict.fromkeys(tile_id_of(t, "tiles") for t in tiles))
        return cls(collection_id, ids, float(interval), timeout, now)

    @property
    def what(self) -> str:
        return f"ingestion of tiles of collection {self.collection_id}"

    def begin_pass(self) -> None:
        """A new poll begins."""
        self.polls += 1
        self.final = None
        self.pending_seen = 0
        if self.tile_ids is None:
            self.queue = [(None, status) for status in PENDING_STATUSES]
        else:
            self.queue = [("created:desc", None)]
            self.unseen = {
                str(tid) for tid in self.tile_ids if not _final(self.latest.get(str(tid)))
            }

    def next_listing(self) -> tuple[str | None, str | None] | None:
        """(sort, status) of the next listing of this poll, or None when the poll is over."""
        return self.queue.pop(0) if self.queue else None

    def see(self, tile: ByocTile) -> None:
        """Record the latest state of one listed tile."""
        key = tile.tile_id or tile.path
        if self.tile_ids is None:
            if self.final is not None:
                self.final[key] = tile
            else:
                self.latest[key] = tile
                self.pending_seen += 1
        elif key in self.unseen:
            self.latest[key] = tile
            self.unseen.discard(key)

    @property
    def enough(self) -> bool:
        """True once this poll has seen every watched tile that was not final (given tiles
        only: a listing of the whole collection is read to its end)."""
        return self.tile_ids is not None and not self.unseen

    def listing_done(self, complete: bool) -> None:
        """A listing of this poll ended (``complete``: it reached its last page).

        Given tiles: one that a complete listing does not hold was deleted (`IngestionError`).
        Whole collection: after the three pending listings came back empty, the final listing
        is queued; once it is read, the wait is over.
        """
        self.last_error = None
        if self.tile_ids is not None:
            missing = sorted(self.unseen) if complete else []
            if missing:
                raise IngestionError(
                    f"{len(missing)} tile(s) are not in collection {self.collection_id} (deleted "
                    f"while waiting?): {', '.join(missing)}",
                    tiles=self.tiles(),
                    results=self.tiles(),
                )
        elif self.final is not None:
            self.latest, self.final = self.final, None
            self.collection_done = True
        elif not self.queue and self.pending_seen == 0:
            self.final = {}
            self.queue = [("created:asc", None)]
        if not self.queue:
            watched = self.tiles()
            logger.debug(
                "Waiting for collection %s: %d of %d tile(s) final after poll %d",
                self.collection_id,
                sum(_final(tile) for tile in watched),
                len(watched),
                self.polls,
            )

    def poll_failed(self, exc: BaseException) -> None:
        """A request of this poll ran out of retries. Transient failures are kept (the state so
        far stays and the next poll tries again); anything else is raised again."""
        self.queue = []
        self.final = None
        if not is_transient(exc):
            raise exc
        self.failed_polls += 1
        self.last_error = exc
        logger.info("Poll %d of collection %s failed: %s", self.polls, self.collection_id, exc)

    def tiles(self) -> list[ByocTile]:
        """The latest state of the watched tiles, in the order given (or listed)."""
        if self.tile_ids is None:
            return list(self.latest.values())
        return [self.latest[str(tid)] for tid in self.tile_ids if str(tid) in self.latest]

    @property
    def done(self) -> bool:
        """True when every watched tile is ``INGESTED`` or ``FAILED``."""
        if self.tile_ids is not None:
            return all(_final(self.latest.get(str(tid))) for tid in self.tile_ids)
        return self.collection_done

    def timed_out(self, timeout: float) -> WaitTimeoutError:
        """The error for a wait past its timeout: ``pending`` holds the unfinished tiles as
        last seen (tiles never seen are named by id in the message)."""
        pending = [tile for tile in self.tiles() if not _final(tile)]
        unseen = [str(tid) for tid in self.tile_ids or () if str(tid) not in self.latest]
        described = describe_tiles(pending)
        if unseen:
            described = ", ".join(filter(None, [described, *unseen]))
        error = f"; the last poll failed: {self.last_error}" if self.last_error else ""
        return WaitTimeoutError(
            f"{len(pending) + len(unseen) or 'some'} tile(s) of collection {self.collection_id} "
            f"were not ingested within {timeout:g} s: {described or 'not listed'}{error}",
            timeout=timeout,
            pending=pending,
        )

    def finish(self, raise_on_failure: bool) -> list[ByocTile]:
        """The final tiles; raises `IngestionError` for FAILED ones when asked to (its
        ``tiles`` are the failed ones, ``results`` all of them)."""
        tiles = self.tiles()
        failed = [tile for tile in tiles if tile.status == TileStatus.FAILED]
        if failed and raise_on_failure:
            raise IngestionError(
                f"{len(failed)} tile(s) failed ingestion: {describe_tiles(failed)}",
                tiles=failed,
                results=tiles,
            )
        return tiles


def _final(tile: ByocTile | None) -> bool:
    return tile is not None and tile.status is not None and tile.status.is_final
