"""The BYOC models users handle: `ByocCollection`, `ByocCollectionAdditionalData`,
`ByocCollectionBand`, `ByocTile` and `TileStatus`.

They keep sentinelhub-py's names, fields, defaults and positional order, and add:

- **Parsed once.** A model wraps the dict that ``json.loads`` made and reads each field from it
  the first time it is asked for (a datetime is parsed once, then kept). Geometries and the tile's
  ``additionalData`` are those very dicts, never copies. Listing thousands of tiles costs little
  more than ``json.loads``.
- **One table per model.** Each field is declared once, with `wire` (wire key, converter,
  default); constructor, attribute access, item access, ``from_dict`` and ``to_dict`` all read
  that declaration. ``tests/unit/test_model_tables.py`` checks every table against the spec.
- **Unknown fields survive.** Members the spec does not know are kept in ``other_data`` and
  written back flat by ``to_dict`` (nested unknown members stay in their nested models).
- **Nulls mean absent.** ``from_dict`` reads ``null`` as "not set" (sentinelhub-py's
  ``to_dict()`` writes ``{"path": "a", "id": None}``); the attribute is None.
- **Ids typed ``str`` where the service sets them.** One class serves both a model built
  locally for ``create_*`` (no id yet) and the one the service returns (always an id), as in
  sentinelhub-py. So ``collection_id`` / ``tile_id`` keep sentinelhub-py's ``str | None`` (what
  the model holds), and ``.id`` is the non-optional view users pass on:
  ``byoc.get_tile(collection.id, tile.id)`` type-checks without narrowing, and on a model that
  was never created it raises `SentinelHubValidationError` naming the model and the
  ``create_*`` call to make first, instead of sending ``None`` on. Item access
  (``tile["id"]``) and ``to_dict`` are unchanged: an absent id is not sent.
- **Editable, like sentinelhub-py's dataclasses and dicts.** ``tile.sensing_time = ...`` and
  ``tile["sensingTime"] = "2024-05-01T10:00:00Z"`` both convert and check the value.
  A snake_case key (``tile["sensing_time"]``, or in ``from_dict``) is refused with "did you
  mean 'sensingTime'?" rather than kept as an unknown member.
- **Timezone-aware datetimes.** Parsed ones carry their offset; a naive datetime given by the user
  is taken as UTC (as sentinelhub-py does).
- **Open tile status.** `TileStatus` is a str enum; a value the service adds later becomes a
  pseudo-member (``TileStatus("PAUSED").is_known is False``) instead of an error.
- **Readable as the wire JSON.** ``tile["path"]``, ``tile["additionalData"]``, ``"status" in
  tile``, ``tile.get("created")`` read the stored wire data directly.

Geometries are GeoJSON dicts (Polygon or MultiPolygon, with the optional ``crs`` member the
service uses); objects with ``__geo_interface__`` (shapely, ...) are accepted too. Numbers must be
finite (a NaN cannot be sent as JSON).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, cast

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client._core.models import (
    BOOLEAN,
    DATETIME,
    INTEGER,
    JSON_OBJECT,
    NUMBER,
    OTHER,
    STRING,
    STRINGS,
    UUID_STRING,
    Converter,
    WireField,
    WireModel,
    _invalid,
    _json_copy,
    _Model,
    _ModelMap,
    wire,
)

# The generic converters lived here before the model base moved to `_core.models`; these names
# stay importable from this module.
from sentinelhub_client._core.models import _Bool as _Bool
from sentinelhub_client._core.models import _DateTime as _DateTime
from sentinelhub_client._core.models import _Dict as _Dict
from sentinelhub_client._core.models import _Int as _Int
from sentinelhub_client._core.models import _Number as _Number
from sentinelhub_client._core.models import _Other as _Other
from sentinelhub_client._core.models import _Str as _Str
from sentinelhub_client._core.models import _StrList as _StrList
from sentinelhub_client._core.models import _Uuid as _Uuid

#: The model base, under the name it had when it was defined here.
_WireModel = WireModel

__all__ = [
    "ByocCollection",
    "ByocCollectionAdditionalData",
    "ByocCollectionBand",
    "ByocTile",
    "Converter",
    "TileStatus",
    "WireField",
    "check_geometry",
    "wire",
]


class TileStatus(StrEnum):
    """Ingestion status of a tile. Unknown values become pseudo-members, never errors."""

    WAITING = "WAITING"
    QUEUED = "QUEUED"
    INGESTING = "INGESTING"
    INGESTED = "INGESTED"
    FAILED = "FAILED"

    @classmethod
    def _missing_(cls, value: object) -> TileStatus | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        # Registered so that the same value gives the same object; it is not listed by
        # ``list(TileStatus)``.
        return cast(TileStatus, cls._value2member_map_.setdefault(value, member))

    @property
    def is_known(self) -> bool:
        """False for a value this version of the package does not know."""
        return self.name in type(self).__members__

    @property
    def is_final(self) -> bool:
        """True for ``INGESTED`` and ``FAILED``: the service will not change it by itself."""
        return self in (TileStatus.INGESTED, TileStatus.FAILED)


# -- converters of BYOC fields (the generic ones are in `sentinelhub_client._core.models`) ----


class _Status(Converter):
    schema = "string"

    def check(self, value: Any, where: str, field: str) -> TileStatus:
        if isinstance(value, TileStatus):
            return value
        if isinstance(value, str):
            try:
                return TileStatus(value)
            except ValueError:
                pass
        raise _invalid(where, field, f"expected a tile status string, got {value!r}")

    def dump(self, value: TileStatus) -> str:
        return value.value


def _finite_position(position: Any, where: str, field: str) -> None:
    if isinstance(position, str) or not isinstance(position, list | tuple) or len(position) < 2:
        raise _invalid(
            where, field, f"a position must be a list of 2 or 3 numbers, got {position!r}"
        )
    for number in position:
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise _invalid(where, field, f"a coordinate must be a number, got {number!r}")
        if not math.isfinite(number):
            raise _invalid(where, field, f"coordinates must be finite numbers, got {number!r}")


def _check_nesting(value: Any, depth: int, where: str, field: str) -> None:
    """``depth`` levels of lists around positions (Polygon 2, MultiPolygon 3)."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise _invalid(
            where, field, f"GeoJSON coordinates must be nested lists of numbers, got {value!r}"
        )
    for item in value:
        if depth == 1:
            _finite_position(item, where, field)
        else:
            _check_nesting(item, depth - 1, where, field)


_GEOMETRY_DEPTH = {"Polygon": 2, "MultiPolygon": 3}


def check_geometry(value: Any, where: str, field: str) -> dict[str, Any]:
    """A GeoJSON Polygon or MultiPolygon dict (from a dict or an object with
    ``__geo_interface__``), its coordinates checked: nested lists of finite numbers."""
    geo = getattr(value, "__geo_interface__", None)
    if not isinstance(value, Mapping) and isinstance(geo, Mapping):
        value = _json_copy(dict(geo))  # shapely gives tuples: make it plain JSON
    if not isinstance(value, Mapping):
        raise _invalid(where, field, f"expected a GeoJSON Polygon or MultiPolygon, got {value!r}")
    kind = value.get("type")
    depth = _GEOMETRY_DEPTH.get(kind) if isinstance(kind, str) else None
    if depth is None:
        raise _invalid(
            where, field, f"must be a GeoJSON Polygon or MultiPolygon, got type {kind!r}"
        )
    if "coordinates" not in value:
        raise _invalid(where, field, f"the {kind} has no 'coordinates'")
    _check_nesting(value["coordinates"], depth, where, field)
    return value if isinstance(value, dict) else dict(value)


class _Geometry(Converter):
    """A GeoJSON dict, kept as it is when read from the wire, checked when assigned."""

    schema = "object"

    def parse(self, raw: Any, where: str, field: str) -> Any:
        if type(raw) is dict:
            return raw
        raise _invalid(where, field, f"expected a GeoJSON object, got {raw!r}")

    def check(self, value: Any, where: str, field: str) -> dict[str, Any]:
        return check_geometry(value, where, field)


STATUS = _Status()
GEOMETRY = _Geometry()


def _no_id(model: str, create: str) -> SentinelHubValidationError:
    """The error of ``.id`` on a model the service has not returned (no id yet)."""
    return SentinelHubValidationError(
        f"{model}.id: this {model} has no id yet: it was built locally, not returned by the "
        f"service; pass it to {create}() first and use the {model} that call returns",
        field="id",
    )


class ByocCollectionBand(_WireModel):
    """One band of a collection: where its data is and how it is stored.

    Attributes:
        source: the text that replaces ``(BAND)`` in tile paths (default: the band name).
        band_index: 1-based index of the band inside its file.
        bit_depth: 8, 16 or 32.
        sample_format: ``UINT``, ``INT`` or ``FLOAT`` (other strings are kept).
        no_data: the no-data value of this band (set per band or per collection, not both).
        other_data: members the spec does not know, sent back as they came.
        aliases: other names of the band (read-only; only on some special collections).
    """

    source: str | None = wire("source", STRING, default=None)
    band_index: int | None = wire("bandIndex", INTEGER, default=1)
    bit_depth: int | None = wire("bitDepth", INTEGER, default=8)
    sample_format: str | None = wire("sampleFormat", STRING, default="UINT")
    no_data: float | None = wire("noData", NUMBER, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)
    aliases: list[str] | None = wire("aliases", STRINGS, default=None, kw_only=True)


class ByocCollectionAdditionalData(_WireModel):
    """The ``additionalData`` of a collection: its bands and what the service computed.

    Attributes:
        bands: band name -> `ByocCollectionBand` (dicts are converted).
        max_meters_per_pixel: the coarsest resolution requests may use (read-only).
        max_meters_per_pixel_override: an override of it (read-only).
        other_data: members the spec does not know.
        extent: WGS84 polygon around all tiles (read-only).
        has_sensing_times: ``YES``, ``PARTIALLY`` or ``NO`` (read-only).
        from_sensing_time, to_sensing_time: sensing times of the oldest and newest tile.
    """

    bands: dict[str, ByocCollectionBand] | None = wire(
        "bands", _ModelMap(lambda: ByocCollectionBand), default=None
    )
    max_meters_per_pixel: float | None = wire("maxMetersPerPixel", NUMBER, default=None)
    max_meters_per_pixel_override: float | None = wire(
        "maxMetersPerPixelOverride", NUMBER, default=None
    )
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)
    extent: dict[str, Any] | None = wire("extent", GEOMETRY, default=None, kw_only=True)
    has_sensing_times: str | None = wire("hasSensingTimes", STRING, default=None, kw_only=True)
    from_sensing_time: dt.datetime | None = wire(
        "fromSensingTime", DATETIME, default=None, kw_only=True
    )
    to_sensing_time: dt.datetime | None = wire(
        "toSensingTime", DATETIME, default=None, kw_only=True
    )


class ByocCollection(_WireModel):
    """A BYOC collection.

    Attributes:
        name: display name.
        s3_bucket: the bucket holding the tiles' files.
        additional_data: bands and computed metadata (`ByocCollectionAdditionalData`).
        collection_id: the id (``id`` on the wire), set by the service.
        user_id: the owner, on collections created before accounts existed.
        created: when it was created (None on old collections).
        no_data: collection-wide no-data value.
        other_data: members the spec does not know.
        account_id: the owning account.
        is_configured: True once the collection has bands.
        requires_metadata_update: True while the service recomputes ``additional_data``.
    """

    name: str = wire("name", STRING)
    s3_bucket: str = wire("s3Bucket", STRING)
    additional_data: ByocCollectionAdditionalData | None = wire(
        "additionalData", _Model(lambda: ByocCollectionAdditionalData), default=None
    )
    collection_id: str | None = wire("id", UUID_STRING, default=None)
    user_id: str | None = wire("userId", STRING, default=None)
    created: dt.datetime | None = wire("created", DATETIME, default=None)
    no_data: float | None = wire("noData", NUMBER, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)
    account_id: str | None = wire("accountId", UUID_STRING, default=None, kw_only=True)
    is_configured: bool | None = wire("isConfigured", BOOLEAN, default=None, kw_only=True)
    requires_metadata_update: bool | None = wire(
        "requiresMetadataUpdate", BOOLEAN, default=None, kw_only=True
    )

    @property
    def id(self) -> str:
        """The collection's id, typed ``str``: always set on a collection the service returned.

        On one built locally and not created yet it raises `SentinelHubValidationError`
        (``collection_id`` is the same value typed ``str | None``, for code that checks).
        Read-only: set ``collection_id`` to change it."""
        value = self.collection_id
        if value is None:
            raise _no_id("ByocCollection", "create_collection")
        return value

    @property
    def data_type(self) -> str:
        """The ``type`` naming this collection in Process and Batch requests: ``byoc-<id>``."""
        if self.collection_id is None:
            raise SentinelHubValidationError(
                "ByocCollection.collection_id is not set: create the collection first",
                field="collection_id",
            )
        return f"byoc-{self.collection_id}"


class ByocTile(_WireModel):
    """A tile of a BYOC collection: a path in the bucket, and its ingestion state.

    Attributes:
        path: folder or prefix in the bucket, without leading or trailing ``/`` and without
            ``//``; ``(BAND)`` stands for each band's source, as in ``2024/t1_(BAND).tif``.
        status: `TileStatus` (strings are converted; unknown values are kept).
        tile_id: the id (``id`` on the wire), set by the service.
        tile_geometry: bounding polygon in the tile's CRS (read-only, GeoJSON).
        cover_geometry: the area with data (GeoJSON Polygon or MultiPolygon, any CRS given by its
            ``crs`` member); the service derives it when omitted.
        created: when the tile was registered.
        sensing_time: when the data was acquired.
        ingestion_start: when the current ingestion began.
        additional_data: what the service adds, e.g. ``failedIngestionCause`` (a dict).
        other_data: members the spec does not know.
    """

    path: str = wire("path", STRING)
    status: TileStatus | None = wire("status", STATUS, default=None)
    tile_id: str | None = wire("id", UUID_STRING, default=None)
    tile_geometry: dict[str, Any] | None = wire("tileGeometry", GEOMETRY, default=None)
    cover_geometry: dict[str, Any] | None = wire("coverGeometry", GEOMETRY, default=None)
    created: dt.datetime | None = wire("created", DATETIME, default=None)
    sensing_time: dt.datetime | None = wire("sensingTime", DATETIME, default=None)
    ingestion_start: dt.datetime | None = wire("ingestionStart", DATETIME, default=None)
    additional_data: dict[str, Any] | None = wire("additionalData", JSON_OBJECT, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    @property
    def id(self) -> str:
        """The tile's id, typed ``str``: always set on a tile the service returned.

        On one built locally and not created yet it raises `SentinelHubValidationError`
        (``tile_id`` is the same value typed ``str | None``, for code that checks).
        Read-only: set ``tile_id`` to change it."""
        value = self.tile_id
        if value is None:
            raise _no_id("ByocTile", "create_tile")
        return value

    @property
    def failed_ingestion_cause(self) -> str | None:
        """Why ingestion failed (``additionalData.failedIngestionCause``), if it did."""
        data = self.additional_data
        if not data:
            return None
        cause = data.get("failedIngestionCause")
        return None if cause is None else str(cause)
