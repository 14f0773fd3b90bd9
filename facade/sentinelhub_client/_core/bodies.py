"""Reading an answer's body with a bound on its decoded size, without I/O.

The transport reads every answer it does not stream (JSON answers, error answers) through a
`BoundedBody`: it is fed the raw bytes as they arrive and decompresses them (``gzip``,
``deflate``) in pieces of at most `PIECE` bytes, counting what comes out. Once the count passes
the limit it stops: a 256 KiB gzip answer that would inflate to gigabytes never takes more memory
than the limit (`SHConfig.max_json_bytes`, 64 MiB by default). httpx's own decoders inflate each
network chunk in one go, so the transport reads the raw bytes (``iter_raw``) and decodes here.

Content codings other than ``gzip``, ``x-gzip``, ``deflate`` and ``identity`` are passed through
as they are, as httpx does for codings it does not know (the clients only offer ``gzip`` and
``deflate`` in ``Accept-Encoding``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Final

__all__ = ["PIECE", "BodyTooLarge", "BoundedBody", "CorruptBody"]

#: The most bytes one decompression step makes.
PIECE: Final = 64 * 1024

_GZIP = frozenset({"gzip", "x-gzip"})
_DEFLATE = "deflate"


class BodyTooLarge(Exception):
    """The decoded body passed the limit (``size``: the bytes decoded when it was noticed)."""

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"the answer is larger than {limit} bytes once decoded")


class CorruptBody(Exception):
    """The body does not decompress (the transport raises it as ``httpx.DecodingError``)."""


class _Inflate:
    """One ``gzip`` or ``deflate`` stage, in bounded pieces."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._inflater: zlib._Decompress | None = None
        self._head = b""

    def _start(self, data: bytes, final: bool) -> bytes | None:
        """Choose the window (a ``deflate`` body may be zlib-wrapped or raw) once 2 bytes came."""
        if self._coding != _DEFLATE:
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            return data
        data = self._head + data
        if len(data) < 2 and not final:
            self._head = data
            return None
        zlib_wrapped = (
            len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] * 256 + data[1]) % 31 == 0
        )
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)
        return data

    def feed(self, data: bytes, *, final: bool = False) -> Iterator[bytes]:
        if self._inflater is None:
            started = self._start(data, final)
            if started is None:
                return
            data = started
        inflater = self._inflater
        assert inflater is not None
        try:
            while True:
                out = inflater.decompress(data, PIECE)
                if out:
                    yield out
                data = inflater.unconsumed_tail
                if inflater.eof or (not data and len(out) < PIECE):
                    break
            if final:
                rest = inflater.flush()
                if rest:
                    yield rest
        except zlib.error as exc:
            raise CorruptBody(f"the {self._coding} body does not decompress: {exc}") from exc


class BoundedBody:
    """The decoded bytes of one body, at most ``limit`` of them.

    A compressed body is decoded twice: once while it arrives, only to count (each piece is
    dropped at once, so a refused body never costs more than its compressed bytes), and once
    more by `finish`, into the bytes returned, when it turned out to be within the limit.

    Args:
        content_encoding: the answer's ``Content-Encoding`` header (or None).
        limit: the most decoded bytes kept.
        truncate: past the limit, stop quietly (`complete` turns False) instead of raising
            `BodyTooLarge` (for error answers, of which a message is all that is needed).
    """

    def __init__(self, content_encoding: str | None, limit: int, *, truncate: bool = False) -> None:
        # Codings are listed in the order they were applied: undo them from the last.
        self._codings = [
            coding
            for coding in reversed(
                [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
            )
            if coding in _GZIP or coding == _DEFLATE
        ]
        self._stages = [_Inflate(coding) for coding in self._codings]
        self.limit = limit
        self.truncate = truncate
        self.size = 0
        self.complete = True
        self._raw: list[bytes] = []  # what arrived, when it is compressed
        self._pieces: list[bytes] = []  # what is kept (decoded)

    @property
    def full(self) -> bool:
        """Whether nothing more is taken (a truncated body reached its limit)."""
        return not self.complete

    def feed(self, raw: bytes) -> None:
        """Take the next raw bytes; raises `BodyTooLarge` past the limit (unless truncating)."""
        if not self.complete or not raw:
            return
        if not self._stages:
            self._take(iter((raw,)), keep=True)
            return
        self._raw.append(raw)
        self._take(_decode(self._stages, raw, 0, final=False), keep=False)

    def finish(self) -> bytes:
        """The whole decoded body (after the last raw bytes were fed), at most ``limit`` bytes."""
        if not self._stages:
            return b"".join(self._pieces)
        if self.complete:
            self._take(_decode(self._stages, b"", 0, final=True), keep=False)
        size, complete = self.size, self.complete
        again = [_Inflate(coding) for coding in self._codings]
        self.size, self.complete = 0, True
        self._take(_decode(again, b"".join(self._raw), 0, final=True), keep=True)
        self._raw.clear()
        self.size, self.complete = min(size, self.limit), complete
        return b"".join(self._pieces)

    def _take(self, pieces: Iterator[bytes], *, keep: bool) -> None:
        if not self.complete:
            return
        for piece in pieces:
            room = self.limit - self.size
            if len(piece) > room:
                if not self.truncate:
                    raise BodyTooLarge(self.size + len(piece), self.limit)
                if keep:
                    self._pieces.append(piece[:room])
                self.size = self.limit
                self.complete = False
                return
            if keep:
                self._pieces.append(piece)
            self.size += len(piece)


def _decode(stages: list[_Inflate], data: bytes, stage: int, *, final: bool) -> Iterator[bytes]:
    """``data`` through the stages from ``stage`` on, in pieces of at most `PIECE` bytes."""
    if stage == len(stages):
        if data:
            yield data
        return
    for piece in stages[stage].feed(data, final=final):
        yield from _decode(stages, piece, stage + 1, final=False)
    if final:
        yield from _decode(stages, b"", stage + 1, final=True)
