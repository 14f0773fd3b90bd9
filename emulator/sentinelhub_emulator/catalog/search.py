"""Item search: the parameters (a POST body or GET query), their checks, and the selection.

Every parameter is checked before anything is read; a bad one is a 400 ``COMMON_BAD_PAYLOAD``
naming it. The rules where STAC leaves a choice to the server:

- ``collections`` is required (as the service's spec says); several may be given at once;
- ``limit`` is 1 to `MAX_LIMIT` (default `DEFAULT_LIMIT`); above the maximum the maximum is used,
  as the spec asks; 0 or less is a 400;
- ``next`` is the offset of the page's first item in the whole result (the token the answer's
  ``context.next`` gives back), as the service's docs show (``"next": 5``);
- ``bbox`` and ``intersects`` are WGS84 longitude / latitude; both at once is a 400; a bbox whose
  west edge is east of its east edge crosses the antimeridian;
- ``datetime`` is an RFC 3339 instant or interval (``..`` or nothing for an open end, not both);
  it keeps the items whose ``datetime`` lies in it (ends included); tiles without a sensing time
  never match a search that has one;
- ``filter`` is CQL2 (``filter-lang`` ``cql2-text``, the default for GET, or ``cql2-json``, the
  default for POST; a POST string filter without ``filter-lang`` is read as text), evaluated by
  the ``cql2`` package against each item; it may only name `stac.QUERYABLE_NAMES`;
  ``filter-crs`` may only be CRS84;
- ``fields`` follows the STAC fields extension: ``include`` adds to a minimal item, ``exclude``
  removes from the full one, ``include`` wins where both name a field;
- ``distinct`` gives the sorted distinct values of one property (``date``: the day of
  ``datetime``) as the answer's ``features``.

``sortby`` and ``query`` (the pre-1.0 query extension) are refused with a 400, as is any other
member the service does not define.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import shapely
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from sentinelhub_emulator.core.errors import bad_payload
from sentinelhub_emulator.core.params import check_json_value
from sentinelhub_emulator.core.times import parse_timestamp

from .filters import FILTER_LANGS, Filter, parse_filter
from .stac import QUERYABLE_NAMES

__all__ = [
    "BODY_MEMBERS",
    "DEFAULT_LIMIT",
    "GET_PARAMETERS",
    "ITEMS_PARAMETERS",
    "MAX_LIMIT",
    "Query",
    "apply_fields",
    "distinct_value",
    "from_body",
    "from_params",
]

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
CRS84 = (
    "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "https://www.opengis.net/def/crs/OGC/1.3/CRS84",
)

#: Members of a POST /search body.
BODY_MEMBERS = frozenset(
    {
        "collections",
        "bbox",
        "intersects",
        "datetime",
        "ids",
        "limit",
        "next",
        "filter",
        "filter-lang",
        "filter-crs",
        "fields",
        "distinct",
    }
)
#: Query parameters of GET /search, and of GET /collections/{id}/items.
GET_PARAMETERS = BODY_MEMBERS
ITEMS_PARAMETERS = BODY_MEMBERS - {"collections", "distinct"}

_REFUSED = {
    "query": "the query extension is not served; use filter (CQL2) instead",
    "sortby": "sorting is not supported by the emulator; results come in collection order, "
    "then in the order the tiles were registered",
}

#: What an item keeps when ``fields`` has an include list (the STAC fields extension's minimum).
DEFAULT_FIELDS = (
    "type",
    "stac_version",
    "stac_extensions",
    "id",
    "collection",
    "bbox",
    "geometry",
    "links",
    "assets",
    "properties.datetime",
)


@dataclass(frozen=True)
class Fields:
    include: tuple[str, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """A checked search."""

    collections: tuple[str, ...]
    area: BaseGeometry | None = None
    start: datetime | None = None
    end: datetime | None = None
    timed: bool = False
    ids: frozenset[str] | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    filter: Filter | None = None
    fields: Fields | None = None
    distinct: str | None = None

    def in_time(self, sensing_time: str | None) -> bool:
        """Whether a tile with this (stored) sensing time passes ``datetime``."""
        if not self.timed:
            return True
        if sensing_time is None:
            return False
        moment = parse_timestamp(sensing_time)
        if self.start is not None and moment < self.start:
            return False
        return not (self.end is not None and moment > self.end)


# ---------------------------------------------------------------------- single parameters


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _collections(value: Any) -> tuple[str, ...]:
    if value is None:
        raise bad_payload("collections", "is required: name one or more collections (byoc-<id>)")
    if not isinstance(value, list) or not value:
        raise bad_payload("collections", "must be a non-empty array of collection ids")
    if not all(isinstance(v, str) and v for v in value):
        raise bad_payload("collections", "every collection id must be a non-empty string")
    return tuple(dict.fromkeys(value))


def _bbox(value: Any) -> BaseGeometry:
    if not isinstance(value, list) or len(value) not in (4, 6) or not all(map(_number, value)):
        raise bad_payload("bbox", "must be 4 or 6 numbers (west, south, [min], east, north, [max])")
    if len(value) == 6:
        value = [value[0], value[1], value[3], value[4]]
    west, south, east, north = (float(v) for v in value)
    if not all(-180 <= x <= 180 for x in (west, east)) or not all(
        -90 <= y <= 90 for y in (south, north)
    ):
        raise bad_payload("bbox", "is outside longitude -180..180, latitude -90..90")
    if south > north:
        raise bad_payload("bbox", "its south edge is north of its north edge")
    if west > east:  # across the antimeridian
        return shapely.union(box(west, south, 180.0, north), box(-180.0, south, east, north))
    return box(west, south, east, north)


_GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


def _intersects(value: Any) -> BaseGeometry:
    if not isinstance(value, dict) or value.get("type") not in _GEOMETRY_TYPES:
        raise bad_payload("intersects", "must be a GeoJSON geometry (Polygon, Point, ...)")
    try:
        geometry = shape(value)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise bad_payload("intersects", f"is not a valid GeoJSON geometry ({exc})") from None
    except shapely.errors.GEOSException as exc:
        raise bad_payload("intersects", f"is not a valid GeoJSON geometry ({exc})") from None
    if geometry.is_empty:
        raise bad_payload("intersects", "is empty")
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return geometry


def _instant(text: str) -> datetime | None:
    if text in ("", ".."):
        return None
    try:
        return parse_timestamp(text)
    except (ValueError, OverflowError):
        raise bad_payload(
            "datetime",
            f"{text!r} is not an RFC 3339 date-time such as 2024-01-01T00:00:00Z",
        ) from None


def _datetime(value: Any) -> tuple[datetime | None, datetime | None]:
    if not isinstance(value, str) or not value.strip():
        raise bad_payload("datetime", "must be an RFC 3339 date-time or interval (a string)")
    parts = value.strip().split("/")
    if len(parts) == 1:
        if parts[0] == "..":
            raise bad_payload("datetime", "'..' is only allowed as an end of an interval")
        moment = _instant(parts[0])
        return moment, moment
    if len(parts) != 2:
        raise bad_payload("datetime", "an interval has exactly two ends: start/end")
    start, end = _instant(parts[0]), _instant(parts[1])
    if start is None and end is None:
        raise bad_payload("datetime", "an interval must have at least one closed end")
    if start is not None and end is not None and start > end:
        raise bad_payload("datetime", "the interval's start is after its end")
    return start, end


def _ids(value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_payload("ids", "must be an array of item ids (strings)")
    return frozenset(value)


def _limit(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_payload("limit", f"must be an integer from 1 to {MAX_LIMIT}")
    if value < 1:
        raise bad_payload("limit", f"must be at least 1 (at most {MAX_LIMIT} are returned)")
    return min(value, MAX_LIMIT)


def _offset(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad_payload("next", "must be the token context.next of the previous answer")
    return value


def _filter(value: Any, lang: Any, crs: Any, *, default_lang: str) -> Filter:
    _filter_crs(crs)
    if lang is None:
        lang = "cql2-text" if isinstance(value, str) else default_lang
    _filter_lang(lang)
    return parse_filter(value, lang)


def _filter_crs(crs: Any) -> None:
    if crs is not None and crs not in CRS84:
        raise bad_payload("filter-crs", f"only {CRS84[0]} is supported")


def _filter_lang(lang: Any) -> None:
    if lang is not None and lang not in FILTER_LANGS:
        raise bad_payload("filter-lang", f"must be one of {', '.join(FILTER_LANGS)}")


def _field_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise bad_payload(where, "must be an array of field names such as properties.datetime")
    return tuple(value)


def _fields(value: Any) -> Fields | None:
    if not isinstance(value, dict):
        raise bad_payload("fields", "must be an object {include: [...], exclude: [...]}")
    unknown = sorted(set(value) - {"include", "exclude"})
    if unknown:
        raise bad_payload(f"fields->{unknown[0]}", "is not a member of fields")
    fields = Fields(
        _field_list(value.get("include"), "fields->include"),
        _field_list(value.get("exclude"), "fields->exclude"),
    )
    return fields if fields.include or fields.exclude else None


DISTINCT_NAMES = frozenset({"date", *QUERYABLE_NAMES} - {"geometry"})


def _distinct(value: Any) -> str:
    if not isinstance(value, str) or value.removeprefix("properties.") not in DISTINCT_NAMES:
        raise bad_payload("distinct", f"must be one of {', '.join(sorted(DISTINCT_NAMES))}")
    return value.removeprefix("properties.")


# ---------------------------------------------------------------------- whole searches


def _build(
    get: Callable[[str], Any], *, collections: tuple[str, ...] | None, default_lang: str
) -> Query:
    chosen = _collections(get("collections")) if collections is None else collections
    bbox, intersects = get("bbox"), get("intersects")
    if bbox is not None and intersects is not None:
        raise bad_payload("intersects", "bbox and intersects cannot both be given")
    area = _bbox(bbox) if bbox is not None else None
    if intersects is not None:
        area = _intersects(intersects)
    start = end = None
    timed = get("datetime") is not None
    if timed:
        start, end = _datetime(get("datetime"))
    ids = get("ids")
    limit = get("limit")
    offset = get("next")
    raw_filter = get("filter")
    search_filter = None
    if raw_filter is not None:
        search_filter = _filter(
            raw_filter, get("filter-lang"), get("filter-crs"), default_lang=default_lang
        )
    else:
        _filter_lang(get("filter-lang"))
        _filter_crs(get("filter-crs"))
    fields = get("fields")
    distinct = get("distinct")
    return Query(
        collections=chosen,
        area=area,
        start=start,
        end=end,
        timed=timed,
        ids=None if ids is None else _ids(ids),
        limit=DEFAULT_LIMIT if limit is None else _limit(limit),
        offset=0 if offset is None else _offset(offset),
        filter=search_filter,
        fields=None if fields is None else _fields(fields),
        distinct=None if distinct is None else _distinct(distinct),
    )


def _check_members(given: Sequence[str], allowed: frozenset[str], what: str) -> None:
    for name in given:
        if name in _REFUSED:
            raise bad_payload(name, _REFUSED[name])
        if name not in allowed:
            raise bad_payload(
                name, f"is not a {what} of this endpoint ({', '.join(sorted(allowed))})"
            )


def from_body(body: Mapping[str, Any]) -> Query:
    """A POST /search body (nulls already dropped) as a checked `Query`."""
    _check_members(list(body), BODY_MEMBERS, "search parameter")
    return _build(body.get, collections=None, default_lang="cql2-json")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _get_fields(text: str) -> dict[str, list[str]]:
    include, exclude = [], []
    for name in _split(text):
        if name.startswith("-"):
            exclude.append(name[1:])
        else:
            include.append(name.removeprefix("+"))
    return {"include": include, "exclude": exclude}


def _get_number(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise bad_payload(name, f"{text!r} is not a number") from None
    return value


def _get_int(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise bad_payload(name, f"{text!r} is not an integer") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _get_json(name: str, text: str) -> Any:
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise bad_payload(name, "is not valid JSON") from None
    check_json_value(value)
    return value


def from_params(
    params: Mapping[str, str],
    *,
    collection: str | None = None,
) -> Query:
    """GET /search (``collection`` None) or GET /collections/{collection}/items query
    parameters as a checked `Query`."""
    allowed = GET_PARAMETERS if collection is None else ITEMS_PARAMETERS
    _check_members(list(params), allowed, "query parameter")
    values: dict[str, Any] = {}
    for name, text in params.items():
        if name in ("collections", "ids"):
            values[name] = _split(text)
        elif name == "bbox":
            values[name] = [_get_number(name, part) for part in text.split(",")]
        elif name in ("limit", "next"):
            values[name] = _get_int(name, text)
        elif name == "intersects":
            values[name] = _get_json(name, text)
        elif name == "fields":
            values[name] = _get_fields(text)
        elif name == "filter" and params.get("filter-lang") == "cql2-json":
            values[name] = _get_json(name, text)
        else:
            values[name] = text
    return _build(
        values.get,
        collections=None if collection is None else (collection,),
        default_lang="cql2-text",
    )


# ---------------------------------------------------------------------- answers


def _pick(item: dict[str, Any], path: list[str]) -> tuple[bool, Any]:
    node: Any = item
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return False, None
        node = node[key]
    return True, node


def _put(target: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _drop(target: dict[str, Any], path: list[str]) -> None:
    for key in path[:-1]:
        child = target.get(key)
        if not isinstance(child, dict):
            return
        target = child
    target.pop(path[-1], None)


def apply_fields(item: dict[str, Any], fields: Fields | None) -> dict[str, Any]:
    """The item as ``fields`` shapes it."""
    if fields is None:
        return item
    if fields.include:
        shaped: dict[str, Any] = {}
        for name in (*DEFAULT_FIELDS, *fields.include):
            found, value = _pick(item, name.split("."))
            if found:
                _put(shaped, name.split("."), value)
    else:
        shaped = json.loads(json.dumps(item))
    for name in fields.exclude:
        if name in fields.include or any(i.startswith(name + ".") for i in fields.include):
            continue  # include wins
        _drop(shaped, name.split("."))
    return shaped


def distinct_value(item: dict[str, Any], name: str) -> Any:
    """The value ``distinct`` collects from an item (None: the item has none)."""
    properties = item["properties"]
    if name == "date":
        moment = properties.get("datetime")
        return moment[:10] if isinstance(moment, str) else None
    if name in ("id", "collection"):
        return item.get(name)
    return properties.get(name)
