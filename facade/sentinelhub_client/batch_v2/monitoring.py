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
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from uuid import UUID

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client.batch._shared import WatchDecisions, rich_bar, status_text
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
class BatchV2Watch(WatchDecisions):
    """The decisions of one wait (for the analysis, or for the job), without I/O."""

    request_id: UUID
    job: bool

    noun = "Batch v2 request"
    logger = logger
    failed, processing, analysing = _S.FAILED, _S.PROCESSING, _S.ANALYSING
    before_analysis, not_yet_processing = _BEFORE_ANALYSIS, _NOT_YET_PROCESSING
    job_moving = (_A.START,)
    analysis_moving = (_A.ANALYSE, _A.START)


def _percentage_columns(rich_progress: ModuleType) -> tuple[Any, ...]:
    return (rich_progress.TaskProgressColumn(),)


def _show_percentage(bar: Any, task: Any, description: str, progress: BatchV2Progress) -> None:
    bar.update(
        task, completed=progress.percentage, description=f"{description} {status_text(progress)}"
    )


def progress_display(
    enabled: bool, description: str
) -> AbstractContextManager[Callable[[BatchV2Progress], Any]]:
    """A `rich` bar of the request's completion percentage while the block runs, fed through the
    yielded callback; a no-op callback when not ``enabled`` (rich is imported only when it is)."""
    return rich_bar(enabled, description, _percentage_columns, {"total": 100.0}, _show_percentage)
