"""The Catalog's STAC documents, built from BYOC records.

A BYOC collection ``<uuid>`` is the STAC Collection ``byoc-<uuid>``; each of its INGESTED tiles is
one STAC Item whose id is the tile id. An item's ``geometry`` is the tile's cover geometry
reprojected vertex by vertex to WGS84 longitude / latitude (GeoJSON without a ``crs`` member),
``bbox`` its bounds, ``properties.datetime`` the sensing time. A tile without a sensing time has
``datetime: null`` and, as STAC then requires, ``start_datetime`` = ``end_datetime`` = the time the
tile was registered. Items carry no assets (``{}``): a BYOC tile's files are the user's own bucket
objects, which the service does not publish either.

Every link is absolute, built from the address the request came in on (`Urls`).
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import shapely
from pyproj.exceptions import CRSError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from starlette.requests import Request

from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.byoc.store import Store
from sentinelhub_emulator.core.projections import transformer
from sentinelhub_emulator.core.times import wire_time

__all__ = [
    "API_PREFIXES",
    "COLLECTION_PREFIX",
    "CONFORMANCE",
    "GEOJSON",
    "QUERYABLES_REL",
    "QUERYABLE_NAMES",
    "STAC_VERSION",
    "Footprint",
    "Urls",
    "collection_document",
    "collection_uuid",
    "footprint",
    "ingested_tiles",
    "item_document",
    "landing_page",
    "queryables",
]

STAC_VERSION = "1.0.0"
#: The Catalog's base paths: sentinelhub-py's, then the provider's published one.
API_PREFIXES = ("/api/v1/catalog/1.0.0", "/catalog/v1")
COLLECTION_PREFIX = "byoc-"
JSON = "application/json"
GEOJSON = "application/geo+json"
SCHEMA_JSON = "application/schema+json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
PROJECTION_EXTENSION = "https://stac-extensions.github.io/projection/v1.0.0/schema.json"

#: The conformance classes served: STAC API core, collections, features, item search with its
#: fields / context / filter fragments, and OGC API Features Part 3 with the CQL2 encodings.
CONFORMANCE = (
    "https://api.stacspec.org/v1.0.0/core",
    "https://api.stacspec.org/v1.0.0/collections",
    "https://api.stacspec.org/v1.0.0/ogcapi-features",
    "https://api.stacspec.org/v1.0.0/ogcapi-features#fields",
    "https://api.stacspec.org/v1.0.0/ogcapi-features#filter",
    "https://api.stacspec.org/v1.0.0/item-search",
    "https://api.stacspec.org/v1.0.0/item-search#fields",
    "https://api.stacspec.org/v1.0.0/item-search#context",
    "https://api.stacspec.org/v1.0.0/item-search#filter",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
)

#: Tiles are read from the store this many at a time.
_TILE_PAGE = 500


@dataclass(frozen=True)
class Urls:
    """Absolute links under the base path a request used."""

    root: str  # ``http://host:port/api/v1/catalog/1.0.0`` (no trailing slash)

    @classmethod
    def of(cls, request: Request) -> Urls:
        path = request.url.path
        prefix = next((p for p in API_PREFIXES if path.startswith(p)), API_PREFIXES[0])
        return cls(str(request.base_url).rstrip("/") + prefix)

    def landing(self) -> str:
        return self.root + "/"

    def __call__(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def link(self, rel: str, href: str, media: str = JSON, **extra: Any) -> dict[str, Any]:
        return {"rel": rel, "href": href, "type": media, **extra}

    def root_link(self) -> dict[str, Any]:
        return self.link("root", self.landing())


def collection_uuid(collection_id: str) -> str | None:
    """The BYOC collection id inside a Catalog collection id ``byoc-<uuid>`` (None otherwise)."""
    if not collection_id.startswith(COLLECTION_PREFIX):
        return None
    return collection_id[len(COLLECTION_PREFIX) :]


def landing_page(urls: Urls) -> dict[str, Any]:
    search = urls("search")
    return {
        "type": "Catalog",
        "stac_version": STAC_VERSION,
        "id": "sentinel-hub-emulator",
        "title": "Sentinel Hub emulator STAC catalog",
        "description": "STAC API 1.0.0 item search over your BYOC collections (emulated).",
        "conformsTo": list(CONFORMANCE),
        "links": [
            urls.root_link(),
            urls.link("self", urls.landing()),
            urls.link("data", urls("collections")),
            urls.link("conformance", urls("conformance"), title="STAC conformance classes"),
            urls.link("search", search, GEOJSON, title="STAC search", method="GET"),
            urls.link("search", search, GEOJSON, title="STAC search", method="POST"),
            urls.link(QUERYABLES_REL, urls("queryables"), SCHEMA_JSON),
        ],
    }


def queryables(href: str) -> dict[str, Any]:
    """The JSON Schema of what a CQL2 filter may name (the same for every BYOC collection)."""
    when = {"type": "string", "format": "date-time"}
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": href,
        "type": "object",
        "title": "Queryables for the emulated Catalog",
        "description": "Names a filter may use on the items of BYOC collections.",
        "properties": {
            "id": {"description": "The tile id", "type": "string"},
            "collection": {"description": "The collection, byoc-<id>", "type": "string"},
            "geometry": {
                "description": "The tile's cover geometry (WGS84)",
                "$ref": "https://geojson.org/schema/Geometry.json",
            },
            "datetime": {"description": "The tile's sensing time", **when},
            "start_datetime": {"description": "Only on tiles without sensing time", **when},
            "end_datetime": {"description": "Only on tiles without sensing time", **when},
            "proj:epsg": {"description": "The EPSG code of the tile's CRS", "type": "integer"},
        },
        "additionalProperties": False,
    }


#: The names `queryables` declares (a filter naming any other is a 400).
QUERYABLE_NAMES = frozenset(queryables("")["properties"])


def _collection_id(record: CollectionRecord) -> str:
    return COLLECTION_PREFIX + record.id


def collection_document(record: CollectionRecord, urls: Urls) -> dict[str, Any]:
    """The STAC Collection of a BYOC collection; its extent is BYOC's summary of the ingested
    tiles (the union of their WGS84 bounds, the first and last sensing time)."""
    summary = record.summary
    bbox = [-180.0, -90.0, 180.0, 90.0]
    extent = summary.get("extent")
    if isinstance(extent, dict):
        bbox = [float(v) for v in shape(extent).bounds]
    cid = _collection_id(record)
    here = urls("collections", cid)
    return {
        "type": "Collection",
        "stac_version": STAC_VERSION,
        "stac_extensions": [],
        "id": cid,
        "title": record.name,
        "description": f"BYOC collection {record.name}",
        "license": "proprietary",
        "extent": {
            "spatial": {"bbox": [bbox]},
            "temporal": {
                "interval": [[summary.get("fromSensingTime"), summary.get("toSensingTime")]]
            },
        },
        "links": [
            urls.root_link(),
            urls.link("self", here),
            urls.link("parent", urls("collections")),
            urls.link("items", here + "/items", GEOJSON),
            urls.link(QUERYABLES_REL, here + "/queryables", SCHEMA_JSON),
        ],
    }


def ingested_tiles(store: Store, collection_id: str) -> Iterator[TileRecord]:
    """The collection's INGESTED tiles in creation order."""
    return store.ingested_tiles(collection_id, page=_TILE_PAGE)


def _source_crs(geometry: dict[str, Any], epsg: int | None) -> str:
    member = geometry.get("crs")
    if isinstance(member, dict):
        name = (member.get("properties") or {}).get("name")
        if isinstance(name, str):
            return name
    return f"EPSG:{epsg}" if epsg is not None else "OGC:CRS84"


def _coordinates(geometry: BaseGeometry) -> Any:
    """GeoJSON coordinates as nested lists (shapely gives tuples)."""
    return json.loads(json.dumps(mapping(geometry)["coordinates"]))


@dataclass(frozen=True)
class Footprint:
    """A tile's cover in its own CRS and in WGS84."""

    native: BaseGeometry
    native_geojson: dict[str, Any]
    wgs84: BaseGeometry


def footprint(tile: TileRecord) -> Footprint | None:
    """The tile's cover geometry as the BYOC API shows it (the one ingestion computed, else the
    one registered with the tile), else its tile geometry; None if it has none or it cannot be
    read."""
    raw = tile.cover_geometry or tile.requested_cover or tile.tile_geometry
    if raw is None:
        return None
    try:
        text = json.dumps(raw, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return _footprint(text, tile.crs_epsg)


@functools.lru_cache(maxsize=65_536)
def _footprint(raw_text: str, crs_epsg: int | None) -> Footprint | None:
    """`footprint` of a geometry's JSON text, kept: a search reads the same tiles page after
    page, and their footprints only change with the geometry itself."""
    raw = json.loads(raw_text)
    try:
        native = shape({"type": raw["type"], "coordinates": raw["coordinates"]})
        to_wgs84 = transformer(_source_crs(raw, crs_epsg), 4326)
    except (KeyError, TypeError, ValueError, CRSError, shapely.errors.GEOSException):
        return None
    wgs84 = shapely.transform(native, to_wgs84.transform, interleaved=False)
    return Footprint(native, raw, wgs84)


def item_document(
    tile: TileRecord, urls: Urls, place: Footprint | None = None
) -> dict[str, Any] | None:
    """The STAC Item of an INGESTED tile (None when its geometry cannot be read)."""
    place = place or footprint(tile)
    if place is None:
        return None
    cid = COLLECTION_PREFIX + tile.collection_id
    collection_href = urls("collections", cid)
    properties: dict[str, Any] = {"datetime": wire_time(tile.sensing_time)}
    if tile.sensing_time is None:
        properties["start_datetime"] = properties["end_datetime"] = wire_time(tile.created)
    if tile.crs_epsg is not None:
        properties["proj:epsg"] = tile.crs_epsg
        properties["proj:bbox"] = [float(v) for v in place.native.bounds]
        properties["proj:geometry"] = copy.deepcopy(place.native_geojson)
    return {
        "type": "Feature",
        "stac_version": STAC_VERSION,
        "stac_extensions": [PROJECTION_EXTENSION] if tile.crs_epsg is not None else [],
        "id": tile.id,
        "collection": cid,
        "geometry": {"type": place.wgs84.geom_type, "coordinates": _coordinates(place.wgs84)},
        "bbox": [float(v) for v in place.wgs84.bounds],
        "properties": properties,
        "links": [
            urls.root_link(),
            urls.link("self", f"{collection_href}/items/{tile.id}", GEOJSON),
            urls.link("parent", collection_href),
            urls.link("collection", collection_href),
        ],
        "assets": {},
    }
