"""Timestamps as the service writes them: RFC 3339, UTC, with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = [
    "format_timestamp",
    "now_timestamp",
    "parse_timestamp",
    "sortable_timestamp",
    "wire_time",
]


def format_timestamp(moment: datetime) -> str:
    """``2024-05-01T10:20:30.123456Z``; microseconds are kept only when non-zero."""
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return naive.isoformat(timespec="microseconds" if naive.microsecond else "seconds") + "Z"


def sortable_timestamp(moment: datetime) -> str:
    """Always with microseconds, so that ordering the text is ordering the time."""
    # isoformat, unlike strftime, pads years before 1000 to four digits.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def now_timestamp() -> str:
    """The current time as `sortable_timestamp` writes it."""
    return sortable_timestamp(datetime.now(UTC))


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 date-time; a value without an offset is taken as UTC.

    Raises ValueError for anything that is not a full date-time (a bare date included).
    """
    if "T" not in text and "t" not in text and " " not in text:
        raise ValueError("a date-time with a time part is required")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def wire_time(stored: str | None) -> str | None:
    """A stored (`sortable_timestamp`) time as the API answers it; None stays None."""
    return None if stored is None else format_timestamp(parse_timestamp(stored))
