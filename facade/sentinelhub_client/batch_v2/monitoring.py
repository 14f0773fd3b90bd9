"""Waiting for a Batch v2 request: the decisions of ``wait_for_analysis`` / ``wait_for_job``,
without I/O, and the optional progress bar.

Batch v2 has no tile listing: each poll reads the request (one ``GET``), whose
``completionPercentage`` feeds the bar and whose status ends the wait:

- ``wait_for_analysis`` ends at ANALYSIS_DONE or any later status; ``wait_for_job`` at DONE or
  STOPPED (the request is returned: STOPPED says why in ``stopped_status_reason``);
- FAILED raises `BatchFailedError` with the request's ``error``;
- a request that will never move by itself (nothing was asked for, known from ``userAction``)
  raises `SentinelHubValidationError` at once instead of polling for ever; while waiting for the
  analysis, a STOPPED request ends the wait too;
- a status this version does not know ends the wait (logged); ``timeout`` bounds the rest.

sentinelhub-py's ``monitor_batch_process_job`` refuses polls closer than 60 s (5 s for the
analysis); `check_sleep_times` keeps those bounds for the functions of the same name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sentinelhub_client._core.errors import BatchFailedError, SentinelHubValidationError
from sentinelhub_client.batch_v2.models import BatchProcessRequest, BatchV2Status, BatchV2UserAction

__all__ = [
    "DEFAULT_ANALYSIS_SLEEP_TIME",
    "DEFAULT_SLEEP_TIME",
    "MIN_ANALYSIS_SLEEP_TIME",
    "MIN_SLEEP_TIME",
    "BatchV2Progress",
    "BatchV2Watch",
    "check_sleep_times",
    "progress_display",
]

logger = logging.getLogger(__name__)

#: sentinelhub-py's bounds and defaults for ``monitor_batch_process_job`` / ``_analysis``.
MIN_SLEEP_TIME = 60
DEFAULT_SLEEP_TIME = 120
MIN_ANALYSIS_SLEEP_TIME = 5
DEFAULT_ANALYSIS_SLEEP_TIME = 10

_S = BatchV2Status
_A = BatchV2UserAction
_BEFORE_ANALYSIS = (_S.CREATED, _S.ANALYSING)
_NOT_YET_PROCESSING = (_S.CREATED, _S.ANALYSING, _S.ANALYSIS_DONE)


def check_sleep_times(sleep_time: float | None, analysis_sleep_time: float | None) -> None:
    """Refuse polls closer than sentinelhub-py allowed (a `SentinelHubValidationError`, which is
    also the `ValueError` sentinelhub-py raised)."""
    if sleep_time is not None and not sleep_time >= MIN_SLEEP_TIME:
        raise SentinelHubValidationError(
            f"sleep_time: to avoid sending too many requests, give sleep_time >= "
            f"{MIN_SLEEP_TIME} seconds, got {sleep_time!r}",
            field="sleep_time",
        )
    if analysis_sleep_time is not None and not analysis_sleep_time >= MIN_ANALYSIS_SLEEP_TIME:
        raise SentinelHubValidationError(
            f"analysis_sleep_time: to avoid sending too many requests, give analysis_sleep_time "
            f">= {MIN_ANALYSIS_SLEEP_TIME} seconds, got {analysis_sleep_time!r}",
            field="analysis_sleep_time",
        )


@dataclass(frozen=True)
class BatchV2Progress:
    """What a wait saw at one poll.

    Attributes:
        request: the request as just read.
    """

    request: BatchProcessRequest

    @property
    def status(self) -> BatchV2Status | None:
        """The request's status."""
        return self.request.status

    @property
    def percentage(self) -> float:
        """``completionPercentage`` (0 when the service did not say), within 0..100."""
        value = self.request.completion_percentage or 0.0
        return float(min(max(value, 0.0), 100.0))


@dataclass(frozen=True)
class BatchV2Watch:
    """The decisions of one wait (for the analysis, or for the job), without I/O."""

    request_id: UUID
    job: bool

    @property
    def what(self) -> str:
        """What is waited for, for messages."""
        stage = "the job" if self.job else "the analysis"
        return f"{stage} of Batch v2 request {self.request_id}"

    def done(self, progress: BatchV2Progress) -> bool:
        """True when the wait is over; raises `BatchFailedError` on FAILED and
        `SentinelHubValidationError` when the request will not move by itself."""
        request = progress.request
        status = request.status
        if status == _S.FAILED:
            because = f': "{request.error}"' if request.error else " (no reason given)"
            raise BatchFailedError(
                f"Batch v2 request {request.request_id} FAILED{because}",
                request=request,
                request_id=request.request_id,
                error=request.error,
            )
        if status is None or not status.is_known:
            logger.warning(
                "Batch v2 request %s has a status this version does not know (%s); the wait "
                "ends here",
                request.request_id,
                status,
            )
            return True
        if self.job:
            if status in _NOT_YET_PROCESSING:
                self._check_asked(request, (_A.START,))
                return False
            return status != _S.PROCESSING
        if status in _BEFORE_ANALYSIS:
            self._check_asked(request, (_A.ANALYSE, _A.START))
            return False
        return True

    def _check_asked(self, request: BatchProcessRequest, moving: tuple[_A, ...]) -> None:
        action = request.user_action
        if action is None or action in moving or not action.is_known:
            return  # it will move (or the service does not say: the timeout bounds the wait)
        if request.status == _S.ANALYSING:
            return  # the analysis runs; what comes next is decided at ANALYSIS_DONE
        fix = "start_job(...)" if self.job else "start_analysis(...) or start_job(...)"
        status = request.status.value if request.status is not None else "?"
        raise SentinelHubValidationError(
            f"batch_request: {self.what} was never started (status {status}, userAction "
            f"{action.value}); call {fix} first, or it would be waited for for ever",
            field="batch_request",
        )


@contextmanager
def progress_display(enabled: bool, description: str) -> Iterator[Callable[[BatchV2Progress], Any]]:
    """A `rich` bar of the request's completion percentage while the block runs, fed through the
    yielded callback; a no-op callback when not ``enabled`` (rich is imported only when it is)."""
    if not enabled:
        yield lambda progress: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    with bar:
        task = bar.add_task(description, total=100.0)

        def update(progress: BatchV2Progress) -> None:
            status = progress.status.value if progress.status is not None else "?"
            bar.update(task, completed=progress.percentage, description=f"{description} {status}")

        yield update
