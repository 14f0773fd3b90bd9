"""Tile file downloads: sets of bytes, and the planning of the segments still to fetch (no I/O)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["ByteRanges", "Segment", "plan_segments"]


class ByteRanges:
    """A set of bytes as sorted, merged, half-open intervals ``[start, stop)``."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._ranges: list[tuple[int, int]] = []
        for start, stop in ranges:
            self.add(start, stop)

    def add(self, start: int, stop: int) -> None:
        """Add ``[start, stop)``, merging with what it touches."""
        if stop <= start:
            return
        merged: list[tuple[int, int]] = []
        placed = False
        for a, b in self._ranges:
            if b < start:
                merged.append((a, b))
            elif stop < a:
                if not placed:
                    merged.append((start, stop))
                    placed = True
                merged.append((a, b))
            else:
                start, stop = min(a, start), max(b, stop)
        if not placed:
            merged.append((start, stop))
        merged.sort()
        self._ranges = merged

    @property
    def ranges(self) -> list[tuple[int, int]]:
        """The intervals, sorted."""
        return list(self._ranges)

    def total(self) -> int:
        """How many bytes the set holds."""
        return sum(b - a for a, b in self._ranges)

    def missing(self, size: int) -> list[tuple[int, int]]:
        """The intervals of ``[0, size)`` not in the set."""
        gaps: list[tuple[int, int]] = []
        position = 0
        for a, b in self._ranges:
            if a >= size:
                break
            if a > position:
                gaps.append((position, a))
            position = max(position, b)
        if position < size:
            gaps.append((position, size))
        return gaps

    def covers(self, size: int) -> bool:
        """Whether every byte of ``[0, size)`` is in the set."""
        return not self.missing(size)

    def clear(self) -> None:
        """Forget every byte."""
        self._ranges = []

    def __repr__(self) -> str:
        return f"ByteRanges({self._ranges!r})"


@dataclass
class Segment:
    """Bytes ``[start, stop)`` fetched by one request (and its retries); ``pos`` is the next byte
    to write."""

    start: int
    stop: int
    pos: int = field(init=False)

    def __post_init__(self) -> None:
        self.pos = self.start

    @property
    def finished(self) -> bool:
        """Whether every byte of the segment was written."""
        return self.pos >= self.stop


def plan_segments(missing: Sequence[tuple[int, int]], part_size: int) -> list[Segment]:
    """The missing intervals, each cut into segments of at most ``part_size`` bytes."""
    segments = []
    for start, stop in missing:
        count = max(1, math.ceil((stop - start) / part_size))
        step = math.ceil((stop - start) / count)  # equal parts rather than a small last one
        for first in range(start, stop, step):
            segments.append(Segment(first, min(stop, first + step)))
    return segments
