"""`RangeFile`: a read-only binary file over ranged reads of a remote object, fetched in 64 KiB
chunks as they are asked for. What the TIFF structure reader needs (``seek`` and ``read``) for
HTTP URLs (`validate`) and ``s3://`` URLs (`s3read`); each says only how a range is fetched."""

from __future__ import annotations

from typing import Self

__all__ = ["CHUNK", "RangeFile"]

#: Bytes fetched at a time.
CHUNK = 65_536


class RangeFile:
    """The reading, seeking and chunk cache; a subclass sets ``size`` and fetches ranges."""

    size: int = 0

    def __init__(self) -> None:
        self.pos = 0
        self.chunks: dict[int, bytes] = {}

    def _fetch(self, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` (inclusive)."""
        raise NotImplementedError  # each remote kind fetches its way

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = (
            offset if whence == 0 else self.pos + offset if whence == 1 else self.size + offset
        )
        return self.pos

    def tell(self) -> int:
        return self.pos

    def _chunk(self, index: int) -> bytes:
        if index not in self.chunks:
            start = index * CHUNK
            self.chunks[index] = self._fetch(start, min(start + CHUNK, self.size) - 1)
        return self.chunks[index]

    def read(self, length: int = -1) -> bytes:
        if length < 0:
            length = self.size - self.pos
        end = min(self.pos + length, self.size)
        parts = []
        while self.pos < end:
            chunk = self._chunk(self.pos // CHUNK)
            start = self.pos % CHUNK
            piece = chunk[start : start + end - self.pos]
            if not piece:
                break
            parts.append(piece)
            self.pos += len(piece)
        return b"".join(parts)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.chunks.clear()
