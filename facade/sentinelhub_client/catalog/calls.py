"""Every Catalog request as a `Call`, and the search body; no I/O.

Paths: ``/api/v1/catalog/1.0.0`` (sentinelhub-py's) by default, ``/catalog/v1`` for a
configuration in the new path style (its BYOC path starts with ``/byoc/``), as Process does.

`search_body` turns sentinelhub-py's ``search`` arguments into a STAC search body: one collection
or several (ids, ``byoc-<id>``, our ``ByocCollection``, sentinelhub-py's ``DataCollection``), a
time interval (a pair or one day, as in Process; an open end with None), a `BBox` or `Geometry`
(CRS84, or transformed to it with pyproj), ids, a CQL2 filter (text or JSON), fields, distinct and
the page size. A page answers with ``context.next``, the token of the next page; the paginator
sends it back as ``next``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from sentinelhub_client._core import jsonload
from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import APIResponseValidationError, SentinelHubValidationError
from sentinelhub_client._core.errors import invalid_argument as _invalid
from sentinelhub_client._core.pagination import Page, PageRequest
from sentinelhub_client._core.transport import Call
from sentinelhub_client.catalog.models import StacCollection, StacItem
from sentinelhub_client.process import builders
from sentinelhub_client.process.geometry import BBox, Geometry, to_bbox, to_geometry

__all__ = ["MAX_LIMIT", "CatalogCalls", "catalog_path", "collection_id_of", "search_body"]

#: The largest page the service serves.
MAX_LIMIT = 100
FILTER_LANGS = ("cql2-text", "cql2-json")
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def catalog_path(config: SHConfig) -> str:
    """The Catalog's path on the host, in the path style of the configuration."""
    if config.byoc_base_path.startswith("/byoc/"):
        return "/catalog/v1"
    return "/api/v1/catalog/1.0.0"


def collection_id_of(collection: Any, field: str = "collection") -> str:
    """The catalog id of a collection: sentinelhub-py's ``DataCollection.catalog_id`` when it
    has one, else its Process type (``byoc-<id>`` for a BYOC collection)."""
    catalog_id = getattr(collection, "catalog_id", None)
    if isinstance(catalog_id, str) and catalog_id:
        return catalog_id
    return builders.data_type_of(collection, field)


def _collections(collection: Any, collections: Any) -> list[str]:
    if collection is not None and collections is not None:
        raise _invalid("collections", "give `collection` or `collections`, not both")
    if collections is None:
        if collection is None:
            raise _invalid("collection", "name the collection to search (or `collections=[...]`)")
        return [collection_id_of(collection)]
    if isinstance(collections, str | bytes) or not isinstance(collections, Sequence):
        raise _invalid("collections", f"expected a list of collections, got {collections!r}")
    if not collections:
        raise _invalid("collections", "the list is empty; name at least one collection")
    return [collection_id_of(item, f"collections[{i}]") for i, item in enumerate(collections)]


def _datetime(time: Any) -> str | None:
    """``start/end`` in RFC 3339 (``..`` for an open end), or one instant's day."""
    if time is None:
        return None
    if isinstance(time, Sequence) and not isinstance(time, str | bytes) and len(time) == 2:
        start, end = time
        if start is None and end is None:
            return None
        if start is None or end is None:
            known = builders.time_range(start if end is None else end, "time")
            return f"..{'/' + known['to']}" if start is None else f"{known['from']}/.."
    span = builders.time_range(time, "time")
    return f"{span['from']}/{span['to']}"


def _no_geo(field: str, crs: Any) -> SentinelHubValidationError:
    """The error of a ``field`` not in WGS84 when the geo extra, which transforms it, is missing."""
    return _invalid(
        field,
        f"the {field} is in {crs}; give it in WGS84, or install the geo extra "
        "(pip install 'sentinelhub-client[geo]') to transform it",
    )


def _to_lon_lat(crs: Any, field: str) -> Any:
    """A pyproj transformer from ``crs`` to WGS84 longitude / latitude."""
    try:
        from pyproj import Transformer
    except ImportError as exc:
        raise _no_geo(field, crs) from exc
    return Transformer.from_crs(crs.epsg, 4326, always_xy=True)


def _lon_lat_bbox(bbox: BBox) -> list[float]:
    if bbox.crs.is_lon_lat:
        return [bbox.min_x, bbox.min_y, bbox.max_x, bbox.max_y]
    west, south, east, north = _to_lon_lat(bbox.crs, "bbox").transform_bounds(*bbox)
    return [west, south, east, north]


def _lon_lat_geometry(geometry: Geometry) -> dict[str, Any]:
    shape = geometry.get_geojson(with_crs=False)
    if geometry.crs.is_lon_lat:
        return shape
    transformer = _to_lon_lat(geometry.crs, "geometry")
    try:
        import numpy as np
        import shapely
        from shapely.geometry import mapping
        from shapely.geometry import shape as to_shape
    except ImportError as exc:
        raise _no_geo("geometry", geometry.crs) from exc

    def move(xy: Any) -> Any:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    moved = shapely.transform(to_shape(shape), move)
    return dict(mapping(moved))


def _fields(fields: Any) -> dict[str, list[str]] | None:
    if fields is None:
        return None
    if isinstance(fields, Mapping):
        unknown = set(fields) - {"include", "exclude"}
        if unknown:
            raise _invalid("fields", f"only 'include' and 'exclude' are allowed, got {unknown}")
        result: dict[str, list[str]] = {}
        for key, value in fields.items():
            if isinstance(value, str) or not isinstance(value, Sequence):
                raise _invalid(f"fields.{key}", f"expected a list of field names, got {value!r}")
            result[key] = [str(item) for item in value]
        return result
    if isinstance(fields, str) or not isinstance(fields, Sequence):
        raise _invalid("fields", f"expected {{'include': [...], 'exclude': [...]}}, got {fields!r}")
    include = [str(f) for f in fields if not str(f).startswith("-")]
    exclude = [str(f)[1:] for f in fields if str(f).startswith("-")]
    return {"include": include, "exclude": exclude}


def search_body(
    collection: Any = None,
    *,
    collections: Any = None,
    time: Any = None,
    bbox: Any = None,
    geometry: Any = None,
    ids: Any = None,
    filter: Any = None,
    filter_lang: str | None = None,
    filter_crs: str | None = None,
    fields: Any = None,
    distinct: str | None = None,
    limit: int = MAX_LIMIT,
    other_args: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The body of ``POST /search`` (without ``next``), checked before anything is sent."""
    body: dict[str, Any] = {"collections": _collections(collection, collections)}
    if bbox is not None and geometry is not None:
        raise _invalid("geometry", "give a bbox or a geometry, not both (the service takes one)")
    if bbox is not None:
        body["bbox"] = _lon_lat_bbox(to_bbox(bbox))
    if geometry is not None:
        body["intersects"] = _lon_lat_geometry(to_geometry(geometry))
    datetime = _datetime(time)
    if datetime is not None:
        body["datetime"] = datetime
    if ids is not None:
        if isinstance(ids, str) or not isinstance(ids, Sequence):
            raise _invalid("ids", f"expected a list of item ids, got {ids!r}")
        body["ids"] = [str(item) for item in ids]
    if filter is not None:
        lang = filter_lang or ("cql2-text" if isinstance(filter, str) else "cql2-json")
        if lang not in FILTER_LANGS:
            raise _invalid("filter_lang", f"expected one of {FILTER_LANGS}, got {lang!r}")
        if lang == "cql2-text" and not isinstance(filter, str):
            raise _invalid("filter", "a cql2-text filter is a string")
        if lang == "cql2-json" and not isinstance(filter, Mapping):
            raise _invalid("filter", "a cql2-json filter is a dict")
        body["filter"] = filter if isinstance(filter, str) else dict(filter)
        body["filter-lang"] = lang
    elif filter_lang is not None:
        raise _invalid("filter_lang", "there is no filter to interpret")
    if filter_crs is not None:
        body["filter-crs"] = filter_crs
    selected = _fields(fields)
    if selected is not None:
        body["fields"] = selected
    if distinct is not None:
        body["distinct"] = distinct
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise _invalid("limit", f"expected a page size from 1 to {MAX_LIMIT}, got {limit!r}")
    body["limit"] = min(limit, MAX_LIMIT)
    if other_args:
        body.update(other_args)
    return body


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = jsonload.loads(response.content)
    except ValueError as exc:
        raise APIResponseValidationError(f"{what}: the answer is not JSON") from exc
    if not isinstance(body, dict):
        raise APIResponseValidationError(f"{what}: expected a JSON object, got {body!r:.80}")
    return body


def _page(response: httpx.Response) -> Page[Any]:
    body = _json_object(response, "catalog search")
    features = body.get("features")
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise APIResponseValidationError("catalog search: `features` is not a list of objects")
    context = body.get("context")
    token = context.get("next") if isinstance(context, dict) else None
    return Page(features, next_token=None if token is None else str(token))


class CatalogCalls:
    """Every Catalog request and its parsing; no I/O."""

    def __init__(self, config: SHConfig) -> None:
        self.path = catalog_path(config)

    def _get(self, path: str, what: str) -> Call[dict[str, Any]]:
        request = {
            "method": "get",
            "url": self.path + path,
            "headers": {"Accept": "application/json"},
        }
        return Call(request=request, parse=lambda api, response: _json_object(response, what))

    def info(self) -> Call[dict[str, Any]]:
        """``GET /``: the landing page."""
        return self._get("/", "catalog landing page")

    def conformance(self) -> Call[dict[str, Any]]:
        """``GET /conformance``."""
        return self._get("/conformance", "catalog conformance")

    def collections(self) -> Call[list[StacCollection]]:
        """``GET /collections``."""
        request = {"method": "get", "url": self.path + "/collections"}

        def parse(api: Any, response: httpx.Response) -> list[StacCollection]:
            items = _json_object(response, "catalog collections").get("collections")
            if not isinstance(items, list) or not all(isinstance(c, dict) for c in items):
                raise APIResponseValidationError(
                    "catalog collections: `collections` is not a list of objects"
                )
            return [StacCollection.from_dict(item) for item in items]

        return Call(request=request, parse=parse)

    def collection(self, collection: Any) -> Call[StacCollection]:
        """``GET /collections/{id}``."""
        path = f"/collections/{collection_id_of(collection)}"
        request = {"method": "get", "url": self.path + path}
        return Call(
            request=request,
            parse=lambda api, r: StacCollection.from_dict(_json_object(r, "catalog collection")),
        )

    def feature(self, collection: Any, feature_id: Any) -> Call[StacItem]:
        """``GET /collections/{id}/items/{featureId}``."""
        if not isinstance(feature_id, str) or not feature_id.strip() or "/" in feature_id:
            raise _invalid("feature_id", f"expected an item id, got {feature_id!r}")
        path = f"/collections/{collection_id_of(collection)}/items/{feature_id}"
        request = {"method": "get", "url": self.path + path}
        return Call(
            request=request,
            parse=lambda api, r: StacItem.from_dict(_json_object(r, "catalog item")),
        )

    def search_page(self, body: Mapping[str, Any], page: PageRequest) -> Call[Page[Any]]:
        """``POST /search`` for one page: the body with ``limit`` and, after the first page,
        ``next``."""
        payload = {**body, "limit": page.count}
        if page.viewtoken is not None:
            try:
                payload["next"] = int(page.viewtoken)
            except ValueError:
                payload["next"] = page.viewtoken
        request = {"method": "post", "url": self.path + "/search", "json": payload}
        return Call(request=request, parse=lambda api, response: _page(response))
