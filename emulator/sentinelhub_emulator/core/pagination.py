"""Page parameters (``count``, ``viewtoken``) and the ``links`` object of list answers.

A view token is opaque to clients; inside it is the key of the last item of the previous page
(the row's ``seq``), so continuing costs an index seek whatever the page number. A token that does
not decode is a 400 naming ``viewtoken``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse

from sentinelhub_emulator.core.errors import bad_payload

__all__ = [
    "MAX_COUNT",
    "JsonObject",
    "Page",
    "WireRecord",
    "decode_token",
    "encode_token",
    "offset_page",
    "page_links",
    "page_response",
    "parse_count",
    "parse_page",
    "seq_page",
]

MAX_COUNT = 100

_T_co = TypeVar("_T_co", covariant=True)

JsonObject = dict[str, Any]


class WireRecord(Protocol):
    """A record that can say how it looks on the wire."""

    def to_wire(self) -> JsonObject: ...


@dataclass(frozen=True)
class Page(Generic[_T_co]):
    """One page of a list; ``next_after`` is the key to continue from, None on the last page."""

    items: Sequence[_T_co]
    next_after: int | None


_Row = TypeVar("_Row")


def seq_page(
    rows: Sequence[Mapping[str, Any]], count: int, build: Callable[[Any], _Row]
) -> Page[_Row]:
    """The page of ``rows`` fetched with ``LIMIT count + 1`` in ``seq`` order: the first
    ``count`` built, and the ``seq`` of the last one to continue after when there were more."""
    items = [build(row) for row in rows[:count]]
    return Page(items, int(rows[count - 1]["seq"]) if len(rows) > count else None)


def offset_page(
    rows: Sequence[Any], count: int, offset: int, build: Callable[[Any], _Row]
) -> Page[_Row]:
    """As `seq_page` for rows fetched with ``LIMIT count + 1 OFFSET offset`` (orders on other
    columns than ``seq``): the next page starts ``count`` rows further."""
    items = [build(row) for row in rows[:count]]
    return Page(items, offset + count if len(rows) > count else None)


_PREFIX = "v1:"
_START = "start"
_KEY = re.compile(r"^(0|[1-9][0-9]{0,18})$")
_MAX_KEY = 2**63 - 1  # SQLite's largest integer


def encode_token(after: int | None) -> str:
    """The view token that continues after the item with key ``after`` (None: from the start)."""
    text = _PREFIX + (_START if after is None else str(after))
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode("ascii")


def decode_token(token: str) -> int | None:
    """The key a view token continues after (None: from the start); 400 if it is not ours."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if text.startswith(_PREFIX):
        key = text[len(_PREFIX) :]
        if key == _START:
            return None
        if _KEY.match(key) and int(key) <= _MAX_KEY:
            return int(key)
    raise bad_payload("viewtoken", "not a view token returned by this service")


def parse_count(request: Request) -> int:
    """The ``count`` query parameter: 1 to 100, default 100."""
    raw = request.query_params.get("count")
    if raw is None:
        return MAX_COUNT
    try:
        count = int(raw)
    except ValueError:
        raise bad_payload("count", "must be an integer") from None
    if not 1 <= count <= MAX_COUNT:
        raise bad_payload("count", f"must be between 1 and {MAX_COUNT}")
    return count


def page_links(request: Request, after: int | None, next_after: int | None) -> dict[str, Any]:
    """``links`` for a page that started after ``after`` and continues after ``next_after``."""
    current = encode_token(after)
    links: dict[str, Any] = {
        "currentToken": current,
        "@id": str(request.url),
    }
    if next_after is not None:
        token = encode_token(next_after)
        links["nextToken"] = token
        links["next"] = str(request.url.include_query_params(viewtoken=token))
    return links


def parse_page(request: Request) -> tuple[int, int | None]:
    """``(count, after)`` from the ``count`` and ``viewtoken`` query parameters."""
    token = request.query_params.get("viewtoken") or None
    return parse_count(request), decode_token(token) if token else None


def page_response(request: Request, after: int | None, page: Page[WireRecord]) -> JSONResponse:
    """A list answer: ``{"data": [...], "links": {...}}``."""
    return JSONResponse(
        {
            "data": [item.to_wire() for item in page.items],
            "links": page_links(request, after, page.next_after),
        }
    )
