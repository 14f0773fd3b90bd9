"""The Catalog's models: `StacItem` and `StacCollection`, on the shared wire-field model base.

Both wrap the dict ``json.loads`` made and read each member the first time it is asked for;
members they do not declare (``stac_extensions``, ``summaries``, a provider's own) stay in
``other_data`` and are written back by ``to_dict``. ``item["properties"]`` reads the wire JSON
as sentinelhub-py's dicts do. `StacItem.to_pystac` gives a ``pystac.Item`` when pystac is
installed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.parser import isoparse

from sentinelhub_client._core.models import (
    JSON_LIST,
    JSON_OBJECT,
    OTHER,
    STRING,
    WireModel,
    wire,
)

__all__ = ["StacCollection", "StacItem"]


def _moment(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = isoparse(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class StacItem(WireModel):
    """One STAC item (a GeoJSON Feature): for a BYOC collection, one tile.

    Attributes:
        id: the item's id (a BYOC tile's id).
        collection: the collection it belongs to (``byoc-<collectionId>``).
        geometry: its footprint as GeoJSON in CRS84 (longitude, latitude), or None.
        bbox: ``[west, south, east, north]`` in CRS84.
        properties: its properties (``datetime``, ``proj:epsg``, ...), a dict.
        links: its links, dicts with ``rel`` and ``href``.
        assets: its assets by key.
        other_data: members not declared above (``type``, ``stac_version``, ...).
    """

    id: str = wire("id", STRING)
    collection: str | None = wire("collection", STRING, default=None)
    geometry: dict[str, Any] | None = wire("geometry", JSON_OBJECT, default=None)
    bbox: list[float] | None = wire("bbox", JSON_LIST, default=None)
    properties: dict[str, Any] = wire("properties", JSON_OBJECT, default_factory=dict)
    links: list[dict[str, Any]] = wire("links", JSON_LIST, default_factory=list)
    assets: dict[str, Any] = wire("assets", JSON_OBJECT, default_factory=dict)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    @property
    def datetime(self) -> dt.datetime | None:
        """``properties.datetime`` as a timezone-aware datetime (None when absent or null)."""
        return _moment(self.properties.get("datetime"))

    def to_pystac(self) -> Any:
        """This item as a ``pystac.Item`` (needs pystac: ``pip install pystac``)."""
        try:
            import pystac
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("StacItem.to_pystac needs pystac: pip install pystac") from exc
        return pystac.Item.from_dict(self.to_dict(), preserve_dict=True)


class StacCollection(WireModel):
    """One STAC collection of the Catalog (a BYOC collection is ``byoc-<collectionId>``).

    Attributes:
        id: the collection's catalog id.
        title: a human-readable name (a BYOC collection's name).
        description: what it holds.
        license: its licence.
        extent: ``{"spatial": {"bbox": [...]}, "temporal": {"interval": [...]}}``.
        links: its links.
        other_data: members not declared above.
    """

    id: str = wire("id", STRING)
    title: str | None = wire("title", STRING, default=None)
    description: str | None = wire("description", STRING, default=None)
    license: str | None = wire("license", STRING, default=None)
    extent: dict[str, Any] | None = wire("extent", JSON_OBJECT, default=None)
    links: list[dict[str, Any]] = wire("links", JSON_LIST, default_factory=list)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    @property
    def temporal_extent(self) -> tuple[dt.datetime | None, dt.datetime | None] | None:
        """The first interval of ``extent.temporal`` as datetimes (None ends are open)."""
        intervals = ((self.extent or {}).get("temporal") or {}).get("interval") or []
        if not intervals or not isinstance(intervals[0], list) or len(intervals[0]) != 2:
            return None
        return _moment(intervals[0][0]), _moment(intervals[0][1])

    def to_pystac(self) -> Any:
        """This collection as a ``pystac.Collection`` (needs pystac)."""
        try:
            import pystac
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("StacCollection.to_pystac needs pystac: pip install pystac") from exc
        return pystac.Collection.from_dict(self.to_dict(), preserve_dict=True)
