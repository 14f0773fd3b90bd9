"""Waiting for a batch request: the decisions of ``wait_for_analysis`` / ``wait_for_job``, without
I/O, and the optional progress bar.

Each poll reads the request (one ``GET``); that alone says when the wait is over. The tiles are
listed only to count the processed and failed ones for a progress bar or ``count_tiles=True``,
and then within a fixed budget of pages per poll (`TILE_PAGES_PER_POLL`), never the whole
listing on every poll as sentinelhub-py's ``monitor_batch_job`` did:

- PROCESSED and FAILED are final while a job runs, so the tiles in those states only grow. The
  tally walks each filtered listing a few pages per poll, resuming where it stopped on the next
  poll; the count shown is the larger of the last complete walk and the walk in progress, a lower
  bound that catches up.
- At the end the counts are exact at a bounded cost: DONE means every tile was processed;
  PARTIAL lists the FAILED tiles once (at most ``tileCount`` of them).

When the wait ends:

- DONE, PARTIAL and CANCELED end it and the request is returned (``wait_for_analysis`` also ends
  at ANALYSIS_DONE and at any later status);
- FAILED raises `BatchFailedError` with the request's ``error``;
- a request that will never move by itself (the job, or the analysis, was not asked for; known
  from its ``userAction``) raises `SentinelHubValidationError` at once instead of polling for
  ever;
- a status this version does not know ends the wait (logged), so a new service status cannot
  keep it polling for ever; ``timeout`` bounds the rest.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from uuid import UUID

from sentinelhub_client._core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from sentinelhub_client.batch._shared import WatchDecisions, rich_bar, status_text
from sentinelhub_client.batch.models import (
    BatchRequest,
    BatchRequestStatus,
    BatchTileStatus,
    BatchUserAction,
)

__all__ = ["TILE_PAGES_PER_POLL", "BatchProgress", "BatchWatch", "TileTally", "progress_display"]

logger = logging.getLogger(__name__)

#: Tile pages listed per poll at most when counting tiles (FAILED first, then PROCESSED): with
#: pages of 100, a count that lags a few polls behind on jobs of thousands of tiles, for three
#: small requests per poll whatever the size of the job.
TILE_PAGES_PER_POLL = 3

_S = BatchRequestStatus
_BEFORE_ANALYSIS = (_S.CREATED, _S.ANALYSING)
_NOT_YET_PROCESSING = (_S.CREATED, _S.ANALYSING, _S.ANALYSIS_DONE)
_COUNTED = (BatchTileStatus.FAILED, BatchTileStatus.PROCESSED)


@dataclass(frozen=True)
class BatchProgress:
    """What a wait saw at one poll: the request and, when tiles are counted, how many are done.

    Attributes:
        request: the request as just read.
        processed: tiles PROCESSED (a lower bound while the job runs; None when not counted).
        failed: tiles FAILED (likewise).
    """

    request: BatchRequest
    processed: int | None = None
    failed: int | None = None

    @property
    def status(self) -> BatchRequestStatus | None:
        """The request's status."""
        return self.request.status

    @property
    def total(self) -> int | None:
        """The request's ``tileCount``."""
        return self.request.tile_count


@dataclass
class _Walk:
    """One filtered tile listing walked a few pages at a time."""

    token: str | None = None
    partial: int = 0
    complete: int | None = None
    seen: bool = False
    finished_this_poll: bool = False

    @property
    def count(self) -> int | None:
        if not self.seen:
            return None
        return max(self.complete or 0, self.partial)

    def restart(self) -> None:
        self.token, self.partial, self.complete = None, 0, None


@dataclass
class TileTally:
    """Counts of PROCESSED and FAILED tiles, refreshed within a page budget per poll; no I/O.

    Per poll: `plan` with the request just read, then `next_page` / `accept` until `next_page`
    says None, then `counts`.
    """

    page_size: int = DEFAULT_PAGE_SIZE
    pages_per_poll: int = TILE_PAGES_PER_POLL
    _walks: dict[BatchTileStatus, _Walk] = field(
        default_factory=lambda: {status: _Walk() for status in _COUNTED}
    )
    _order: tuple[BatchTileStatus, ...] = ()
    _pages_left: int = 0
    _exact: tuple[int | None, int | None] | None = None
    _tile_count: int | None = None

    def plan(self, request: BatchRequest) -> None:
        """Decide what this poll lists, from the request's status."""
        for walk in self._walks.values():
            walk.finished_this_poll = False
        self._tile_count = request.tile_count
        status = request.status
        self._order, self._pages_left = (), 0
        if status == _S.DONE and request.tile_count is not None:
            self._exact = (request.tile_count, 0)
        elif status == _S.PARTIAL:
            # One complete, exact listing of the FAILED tiles; at most tileCount of them.
            self._walks[BatchTileStatus.FAILED].restart()
            self._order = (BatchTileStatus.FAILED,)
            self._pages_left = math.ceil((request.tile_count or 0) / self.page_size) + 1
        elif status in (_S.ANALYSIS_DONE, _S.PROCESSING) or (
            status is not None and not status.is_known
        ):
            self._order, self._pages_left = _COUNTED, self.pages_per_poll

    def next_page(self) -> tuple[BatchTileStatus, PageRequest] | None:
        """The next tile page to list this poll, or None."""
        if self._pages_left <= 0:
            return None
        for status in self._order:
            walk = self._walks[status]
            if not walk.finished_this_poll:
                return status, PageRequest(walk.token, self.page_size)
        return None

    def accept(self, status: BatchTileStatus, items: int, next_token: str | None) -> None:
        """Take the size of a listed page and its next token."""
        self._pages_left -= 1
        walk = self._walks[status]
        walk.seen = True
        walk.partial += items
        if not next_token or items == 0:
            walk.complete, walk.partial, walk.token = walk.partial, 0, None
            walk.finished_this_poll = True
        else:
            walk.token = next_token

    def counts(self) -> tuple[int | None, int | None]:
        """(processed, failed) as known now."""
        if self._exact is not None:
            return self._exact
        processed = self._walks[BatchTileStatus.PROCESSED].count
        failed_walk = self._walks[BatchTileStatus.FAILED]
        failed = failed_walk.count
        if (
            self._order == (BatchTileStatus.FAILED,)
            and failed_walk.complete is not None
            and self._tile_count is not None
        ):
            # PARTIAL, with the failed tiles counted exactly: the rest were processed.
            self._exact = (self._tile_count - failed_walk.complete, failed_walk.complete)
            return self._exact
        return processed, failed


@dataclass
class BatchWatch(WatchDecisions):
    """The decisions of one wait (for the analysis, or for the job), without I/O."""

    request_id: UUID
    job: bool
    tally: TileTally | None = None

    noun = "batch request"
    logger = logger
    failed, processing, analysing = _S.FAILED, _S.PROCESSING, _S.ANALYSING
    before_analysis, not_yet_processing = _BEFORE_ANALYSIS, _NOT_YET_PROCESSING
    job_moving = (BatchUserAction.START, BatchUserAction.CANCEL)
    analysis_moving = (BatchUserAction.ANALYSE, BatchUserAction.START, BatchUserAction.CANCEL)

    def progress(self, request: BatchRequest) -> BatchProgress:
        """The progress to report for ``request`` (counts from the tally, if any)."""
        if self.tally is None:
            return BatchProgress(request)
        processed, failed = self.tally.counts()
        return BatchProgress(request, processed, failed)


def _tile_columns(rich_progress: ModuleType) -> tuple[Any, ...]:
    return (
        rich_progress.MofNCompleteColumn(),
        rich_progress.TextColumn("tiles, {task.fields[failed]} failed"),
    )


def _show_tiles(bar: Any, task: Any, description: str, progress: BatchProgress) -> None:
    processed, failed = progress.processed or 0, progress.failed or 0
    bar.update(
        task,
        total=progress.total,
        completed=processed + failed,
        failed=failed,
        description=f"{description} {status_text(progress)}",
    )


def progress_display(
    enabled: bool, description: str
) -> AbstractContextManager[Callable[[BatchProgress], Any]]:
    """A `rich` progress bar of processed / failed tiles while the block runs, fed through the
    yielded callback; a no-op callback when not ``enabled`` (rich is imported only when it is)."""
    return rich_bar(enabled, description, _tile_columns, {"total": None, "failed": 0}, _show_tiles)
