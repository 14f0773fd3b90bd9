"""ISO 8601 durations and the split of a time range into aggregation intervals.

A duration is ``P[nY][nM][nW][nD][T[nH][nM][nS]]`` with whole numbers (``P1D``, ``P10D``,
``P1M``, ``P1Y``, ``PT12H``, ``P1DT12H``). Interval ``k`` starts at ``from + k x duration``,
computed from ``from`` each time (months and years in calendar arithmetic, a day past the end of
a month clamped to its last day), so month-long intervals never drift.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "BEHAVIORS",
    "Duration",
    "TooManyIntervalsError",
    "parse_duration",
    "split",
]

BEHAVIORS = ("SKIP", "SHORTEN", "EXTEND")

_DURATION = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)


@dataclass(frozen=True)
class Duration:
    """Calendar months (years included) and an exact remainder."""

    months: int
    exact: timedelta

    def times(self, k: int, start: datetime) -> datetime:
        """``start + k x self``."""
        moment = start
        if self.months:
            total = moment.month - 1 + self.months * k
            year, month = moment.year + total // 12, total % 12 + 1
            day = min(moment.day, calendar.monthrange(year, month)[1])
            moment = moment.replace(year=year, month=month, day=day)
        return moment + self.exact * k


class TooManyIntervalsError(ValueError):
    """The split gives more intervals than allowed."""


def parse_duration(text: str) -> Duration | None:
    """The duration, or None when ``text`` is not one or is zero long."""
    match = _DURATION.match(text)
    if match is None:
        return None
    years, months, weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    duration = Duration(
        years * 12 + months,
        timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds),
    )
    if duration.months == 0 and duration.exact == timedelta(0):
        return None
    return duration


def split(
    start: datetime, end: datetime, duration: Duration, behavior: str, limit: int
) -> list[tuple[datetime, datetime]]:
    """The intervals ``[from, to)`` of ``[start, end]``; the last, cut short by ``end``, is
    dropped (SKIP), ends at ``end`` (SHORTEN) or keeps its full length (EXTEND).

    Raises `TooManyIntervalsError` beyond ``limit`` intervals.
    """
    intervals: list[tuple[datetime, datetime]] = []
    k = 0
    lower = start
    while lower < end:
        upper = duration.times(k + 1, start)
        if upper > end:
            if behavior == "SHORTEN":
                intervals.append((lower, end))
            elif behavior == "EXTEND":
                intervals.append((lower, upper))
            break
        intervals.append((lower, upper))
        if len(intervals) > limit:
            raise TooManyIntervalsError(len(intervals))
        k += 1
        lower = upper
    if len(intervals) > limit:
        raise TooManyIntervalsError(len(intervals))
    return intervals
