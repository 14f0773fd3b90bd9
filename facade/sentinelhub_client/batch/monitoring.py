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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sentinelhub_client._core.errors import BatchFailedError, SentinelHubValidationError
from sentinelhub_client._core.pagination import DEFAULT_PAGE_SIZE, PageRequest
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
class BatchWatch:
    """The decisions of one wait (for the analysis, or for the job), without I/O."""

    request_id: UUID
    job: bool
    tally: TileTally | None = None

    @property
    def what(self) -> str:
        """What is waited for, for messages."""
        stage = "the job" if self.job else "the analysis"
        return f"{stage} of batch request {self.request_id}"

    def progress(self, request: BatchRequest) -> BatchProgress:
        """The progress to report for ``request`` (counts from the tally, if any)."""
        if self.tally is None:
            return BatchProgress(request)
        processed, failed = self.tally.counts()
        return BatchProgress(request, processed, failed)

    def done(self, progress: BatchProgress) -> bool:
        """True when the wait is over; raises `BatchFailedError` on FAILED and
        `SentinelHubValidationError` when the request will not move by itself."""
        request = progress.request
        status = request.status
        if status == _S.FAILED:
            because = f': "{request.error}"' if request.error else " (no reason given)"
            raise BatchFailedError(
                f"batch request {request.request_id} FAILED{because}",
                request=request,
                request_id=request.request_id,
                error=request.error,
            )
        if status is None or not status.is_known:
            logger.warning(
                "Batch request %s has a status this version does not know (%s); the wait ends here",
                request.request_id,
                status,
            )
            return True
        if self.job:
            if status in _NOT_YET_PROCESSING:
                self._check_asked(request, (BatchUserAction.START, BatchUserAction.CANCEL))
                return False
            return status != _S.PROCESSING
        if status in _BEFORE_ANALYSIS:
            self._check_asked(
                request, (BatchUserAction.ANALYSE, BatchUserAction.START, BatchUserAction.CANCEL)
            )
            return False
        return True

    def _check_asked(self, request: BatchRequest, moving: tuple[BatchUserAction, ...]) -> None:
        action = request.user_action
        if action is None or action in moving or not action.is_known:
            return  # it will move (or the service does not say: the timeout bounds the wait)
        assert request.status is not None
        if request.status == _S.ANALYSING:
            return  # the analysis runs; what comes next is decided at ANALYSIS_DONE
        fix = "start_job(...)" if self.job else "start_analysis(...) or start_job(...)"
        raise SentinelHubValidationError(
            f"batch_request: {self.what} was never started (status {request.status.value}, "
            f"userAction {action.value}); call {fix} first, or it would be waited for for ever",
            field="batch_request",
        )


@contextmanager
def progress_display(enabled: bool, description: str) -> Iterator[Callable[[BatchProgress], Any]]:
    """A `rich` progress bar of processed / failed tiles while the block runs, fed through the
    yielded callback; a no-op callback when not ``enabled`` (rich is imported only when it is)."""
    if not enabled:
        yield lambda progress: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("tiles, {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    with bar:
        task = bar.add_task(description, total=None, failed=0)

        def update(progress: BatchProgress) -> None:
            processed, failed = progress.processed or 0, progress.failed or 0
            status = progress.status.value if progress.status is not None else "?"
            bar.update(
                task,
                total=progress.total,
                completed=processed + failed,
                failed=failed,
                description=f"{description} {status}",
            )

        yield update
