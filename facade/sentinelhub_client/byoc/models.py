"""The BYOC models users handle: `ByocCollection`, `ByocCollectionAdditionalData`,
`ByocCollectionBand`, `ByocTile` and `TileStatus`.

They keep sentinelhub-py's names, fields and defaults, and add what it lacks:

- **Built on the generated models.** ``from_dict`` parses through ``sentinelhub_api.models`` and
  ``to_dict`` serialises through them, so wire names and shapes come from the spec, not from a
  second copy of it. These classes only add Python-friendly fields, defaults and checks.
- **Unknown fields survive.** Members the spec does not know are kept in ``other_data`` and
  written back flat by ``to_dict`` (nested unknown members stay in their nested dicts).
- **Timezone-aware datetimes.** Parsed ones carry their offset; a naive datetime given by the user
  is taken as UTC (as sentinelhub-py does).
- **Open tile status.** `TileStatus` is a str enum; a value the service adds later becomes a
  pseudo-member (``TileStatus("PAUSED").is_known is False``) instead of an error.
- **Readable as the wire JSON.** Each model is a read-only mapping of its ``to_dict()``:
  ``tile["path"]``, ``tile["additionalData"]``, ``"status" in tile``, ``tile.get("created")``, so
  code written against sentinelhub-py's plain dicts keeps working. ``from_dict`` accepts a model
  as well as a dict.

Geometries are GeoJSON dicts (Polygon or MultiPolygon, with the optional ``crs`` member the
service uses); objects with ``__geo_interface__`` (shapely, ...) are accepted too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Self, TypeVar, cast
from uuid import UUID

from dateutil.parser import isoparse
from sentinelhub_api.models.byoc_band import ByocBand as _Band
from sentinelhub_api.models.byoc_collection import ByocCollection as _Collection
from sentinelhub_api.models.byoc_collection_additional_data import (
    ByocCollectionAdditionalData as _CollectionData,
)
from sentinelhub_api.models.byoc_collection_additional_data_bands import (
    ByocCollectionAdditionalDataBands as _Bands,
)
from sentinelhub_api.models.byoc_tile import ByocTile as _Tile
from sentinelhub_api.models.byoc_tile_additional_data import (
    ByocTileAdditionalData as _TileData,
)
from sentinelhub_api.models.multi_polygon import MultiPolygon as _MultiPolygon
from sentinelhub_api.models.polygon import Polygon as _Polygon
from sentinelhub_api.types import UNSET, Unset

from sentinelhub_client._core.errors import SentinelHubValidationError

__all__ = [
    "ByocCollection",
    "ByocCollectionAdditionalData",
    "ByocCollectionBand",
    "ByocTile",
    "TileStatus",
]

_V = TypeVar("_V")


class TileStatus(StrEnum):
    """Ingestion status of a tile. Unknown values become pseudo-members, never errors."""

    WAITING = "WAITING"
    QUEUED = "QUEUED"
    INGESTING = "INGESTING"
    INGESTED = "INGESTED"
    FAILED = "FAILED"

    @classmethod
    def _missing_(cls, value: object) -> TileStatus | None:
        if not isinstance(value, str) or not value:
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


# -- value helpers ---------------------------------------------------------------------------


def _unset(value: _V | None) -> _V | Unset:
    return UNSET if value is None else value


def _opt(value: _V | Unset | None) -> _V | None:
    return None if isinstance(value, Unset) else value


def _invalid(owner: str, name: str, problem: str) -> SentinelHubValidationError:
    return SentinelHubValidationError(f"{owner}.{name}: {problem}", field=name)


def _datetime(value: object, owner: str, name: str) -> dt.datetime | None:
    """A timezone-aware datetime (naive means UTC), from a datetime or an ISO 8601 string."""
    if value is None or isinstance(value, Unset):
        return None
    if isinstance(value, str):
        try:
            value = isoparse(value)
        except (ValueError, OverflowError) as exc:
            raise _invalid(owner, name, f"not an ISO 8601 date-time: {value!r}") from exc
    if not isinstance(value, dt.datetime):
        raise _invalid(owner, name, f"expected a datetime or an ISO 8601 string, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _id(value: object, owner: str, name: str) -> str | None:
    if value is None or isinstance(value, Unset):
        return None
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, str):
        return value
    raise _invalid(owner, name, f"expected an id string, got {value!r}")


def _uuid(value: str | None, owner: str, name: str) -> UUID | Unset:
    if value is None:
        return UNSET
    try:
        return UUID(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise _invalid(owner, name, f"not a UUID: {value!r}") from exc


def _geometry(value: object, owner: str, name: str) -> dict[str, Any] | None:
    """A GeoJSON dict from a dict, a generated geometry or an object with __geo_interface__."""
    if value is None or isinstance(value, Unset):
        return None
    if isinstance(value, _Polygon | _MultiPolygon):
        return value.to_dict()
    geo = getattr(value, "__geo_interface__", None)
    if isinstance(geo, Mapping):
        value = geo
    if not isinstance(value, Mapping):
        raise _invalid(owner, name, f"expected a GeoJSON Polygon or MultiPolygon, got {value!r}")
    copied: dict[str, Any] = json.loads(json.dumps(dict(value)))  # deep, JSON-clean
    return copied


def _geometry_out(value: dict[str, Any] | None) -> Any:
    """The generated geometry for a GeoJSON dict (the dict itself if it is neither kind)."""
    if value is None:
        return UNSET
    kind = value.get("type")
    try:
        if kind == "Polygon":
            return _Polygon.from_dict(value)
        if kind == "MultiPolygon":
            return _MultiPolygon.from_dict(value)
    except (KeyError, TypeError, ValueError) as exc:
        raise SentinelHubValidationError(f"invalid GeoJSON {kind}: {exc}") from exc
    return value


def _check_cover_geometry(value: dict[str, Any] | None) -> None:
    if value is not None and value.get("type") not in ("Polygon", "MultiPolygon"):
        raise _invalid(
            "ByocTile",
            "cover_geometry",
            f"must be a GeoJSON Polygon or MultiPolygon, got type {value.get('type')!r}",
        )


def _plain(data: object, owner: str) -> dict[str, Any]:
    """A dict of the wire JSON from a mapping, one of our models or a generated model."""
    if isinstance(data, Mapping):
        return dict(data)
    to_dict = getattr(data, "to_dict", None)
    if callable(to_dict):
        result = to_dict()
        if isinstance(result, Mapping):
            return dict(result)
    raise SentinelHubValidationError(f"{owner}.from_dict: expected a dict, got {data!r}")


class _WireModel(Mapping[str, Any]):
    """A model that reads as the mapping of its wire JSON, with dict/JSON conversions."""

    _generated: ClassVar[Any]

    def to_dict(self) -> dict[str, Any]:
        """The wire JSON (camelCase keys, unset fields left out, unknown fields included)."""
        return cast(dict[str, Any], self._to_generated().to_dict())

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict()`` as a JSON string (keyword arguments go to `json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse the wire JSON (a dict, or a model of this package, is accepted)."""
        plain = _plain(data, cls.__name__)
        try:
            generated = cls._generated.from_dict(plain)
        except KeyError as exc:
            raise SentinelHubValidationError(
                f"{cls.__name__}.from_dict: the required field {exc.args[0]!r} is missing",
                field=str(exc.args[0]),
            ) from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise SentinelHubValidationError(
                f"{cls.__name__}.from_dict: {type(exc).__name__}: {exc}"
            ) from exc
        return cls._from_generated(generated)

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Parse a JSON document (see `from_dict`)."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SentinelHubValidationError(f"{cls.__name__}.from_json: {exc}") from exc
        return cls.from_dict(data)

    def _to_generated(self) -> Any:  # pragma: no cover - every model overrides it
        raise NotImplementedError

    @classmethod
    def _from_generated(cls, generated: Any) -> Self:  # pragma: no cover - overridden
        raise NotImplementedError

    # -- Mapping over the wire JSON ---------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())


@dataclass(eq=True)
class ByocCollectionBand(_WireModel):
    """One band of a collection: where its data is and how it is stored.

    Attributes:
        source: the text that replaces ``(BAND)`` in tile paths (default: the band name).
        band_index: 1-based index of the band inside its file.
        bit_depth: 8, 16 or 32.
        sample_format: ``UINT``, ``INT`` or ``FLOAT``.
        no_data: the no-data value of this band (set per band or per collection, not both).
        other_data: members the spec does not know, sent back as they came.
        aliases: other names of the band (read-only; only on some special collections).
    """

    _generated: ClassVar[Any] = _Band

    source: str | None = None
    band_index: int | None = 1
    bit_depth: int | None = 8
    sample_format: str | None = "UINT"
    no_data: float | None = None
    other_data: dict[str, Any] = field(default_factory=dict)
    _: KW_ONLY
    aliases: list[str] | None = None

    def __post_init__(self) -> None:
        if self.sample_format is not None:
            self.sample_format = str(self.sample_format)

    def _to_generated(self) -> _Band:
        band = _Band(
            source=_unset(self.source),
            band_index=_unset(self.band_index),
            bit_depth=_unset(self.bit_depth),
            sample_format=_unset(self.sample_format),
            no_data=_unset(self.no_data),
            aliases=_unset(self.aliases),
        )
        band.additional_properties = dict(self.other_data)
        return band

    @classmethod
    def _from_generated(cls, generated: _Band) -> Self:
        sample_format = _opt(generated.sample_format)
        return cls(
            source=_opt(generated.source),
            band_index=_opt(generated.band_index),
            bit_depth=_opt(generated.bit_depth),
            sample_format=None if sample_format is None else str(sample_format),
            no_data=_opt(generated.no_data),
            other_data=dict(generated.additional_properties),
            aliases=_opt(generated.aliases),
        )


@dataclass(eq=True)
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

    _generated: ClassVar[Any] = _CollectionData

    bands: dict[str, ByocCollectionBand] | None = None
    max_meters_per_pixel: float | None = None
    max_meters_per_pixel_override: float | None = None
    other_data: dict[str, Any] = field(default_factory=dict)
    _: KW_ONLY
    extent: dict[str, Any] | None = None
    has_sensing_times: str | None = None
    from_sensing_time: dt.datetime | None = None
    to_sensing_time: dt.datetime | None = None

    def __post_init__(self) -> None:
        owner = type(self).__name__
        if self.bands is not None:
            if not isinstance(self.bands, Mapping):
                raise _invalid(owner, "bands", f"expected a dict of bands, got {self.bands!r}")
            self.bands = {
                str(name): band
                if isinstance(band, ByocCollectionBand)
                else ByocCollectionBand.from_dict(band)
                for name, band in self.bands.items()
            }
        self.extent = _geometry(self.extent, owner, "extent")
        if self.has_sensing_times is not None:
            self.has_sensing_times = str(self.has_sensing_times)
        self.from_sensing_time = _datetime(self.from_sensing_time, owner, "from_sensing_time")
        self.to_sensing_time = _datetime(self.to_sensing_time, owner, "to_sensing_time")

    def _to_generated(self) -> _CollectionData:
        bands: _Bands | Unset = UNSET
        if self.bands is not None:
            bands = _Bands()
            bands.additional_properties = {
                name: band._to_generated() for name, band in self.bands.items()
            }
        data = _CollectionData(
            bands=bands,
            max_meters_per_pixel=_unset(self.max_meters_per_pixel),
            max_meters_per_pixel_override=_unset(self.max_meters_per_pixel_override),
            extent=_geometry_out(self.extent),
            has_sensing_times=_unset(self.has_sensing_times),
            from_sensing_time=_unset(self.from_sensing_time),
            to_sensing_time=_unset(self.to_sensing_time),
        )
        data.additional_properties = dict(self.other_data)
        return data

    @classmethod
    def _from_generated(cls, generated: _CollectionData) -> Self:
        bands = None
        if not isinstance(generated.bands, Unset):
            bands = {
                name: ByocCollectionBand._from_generated(band)
                for name, band in generated.bands.additional_properties.items()
            }
        has_sensing_times = _opt(generated.has_sensing_times)
        return cls(
            bands=bands,
            max_meters_per_pixel=_opt(generated.max_meters_per_pixel),
            max_meters_per_pixel_override=_opt(generated.max_meters_per_pixel_override),
            other_data=dict(generated.additional_properties),
            extent=_geometry(generated.extent, cls.__name__, "extent"),
            has_sensing_times=None if has_sensing_times is None else str(has_sensing_times),
            from_sensing_time=_datetime(
                generated.from_sensing_time, cls.__name__, "from_sensing_time"
            ),
            to_sensing_time=_datetime(generated.to_sensing_time, cls.__name__, "to_sensing_time"),
        )


@dataclass(eq=True)
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

    _generated: ClassVar[Any] = _Collection

    name: str
    s3_bucket: str
    additional_data: ByocCollectionAdditionalData | None = None
    collection_id: str | None = None
    user_id: str | None = None
    created: dt.datetime | None = None
    no_data: float | None = None
    other_data: dict[str, Any] = field(default_factory=dict)
    _: KW_ONLY
    account_id: str | None = None
    is_configured: bool | None = None
    requires_metadata_update: bool | None = None

    def __post_init__(self) -> None:
        owner = type(self).__name__
        if not isinstance(self.name, str):
            raise _invalid(owner, "name", f"expected a string, got {self.name!r}")
        if not isinstance(self.s3_bucket, str):
            raise _invalid(owner, "s3_bucket", f"expected a string, got {self.s3_bucket!r}")
        if self.additional_data is not None and not isinstance(
            self.additional_data, ByocCollectionAdditionalData
        ):
            self.additional_data = ByocCollectionAdditionalData.from_dict(self.additional_data)
        self.collection_id = _id(self.collection_id, owner, "collection_id")
        self.account_id = _id(self.account_id, owner, "account_id")
        self.user_id = _id(self.user_id, owner, "user_id")
        self.created = _datetime(self.created, owner, "created")

    @property
    def data_type(self) -> str:
        """The ``type`` naming this collection in Process and Batch requests: ``byoc-<id>``."""
        if self.collection_id is None:
            raise SentinelHubValidationError(
                "ByocCollection.collection_id is not set: create the collection first",
                field="collection_id",
            )
        return f"byoc-{self.collection_id}"

    def _to_generated(self) -> _Collection:
        owner = type(self).__name__
        collection = _Collection(
            name=self.name,
            s_3_bucket=self.s3_bucket,
            id=_uuid(self.collection_id, owner, "collection_id"),
            account_id=_uuid(self.account_id, owner, "account_id"),
            user_id=_unset(self.user_id),
            is_configured=_unset(self.is_configured),
            created=_unset(self.created),
            no_data=_unset(self.no_data),
            requires_metadata_update=_unset(self.requires_metadata_update),
            additional_data=UNSET
            if self.additional_data is None
            else self.additional_data._to_generated(),
        )
        collection.additional_properties = dict(self.other_data)
        return collection

    @classmethod
    def _from_generated(cls, generated: _Collection) -> Self:
        additional_data = None
        if not isinstance(generated.additional_data, Unset):
            additional_data = ByocCollectionAdditionalData._from_generated(
                generated.additional_data
            )
        return cls(
            name=generated.name,
            s3_bucket=generated.s_3_bucket,
            additional_data=additional_data,
            collection_id=_id(generated.id, cls.__name__, "collection_id"),
            user_id=_id(generated.user_id, cls.__name__, "user_id"),
            created=_datetime(generated.created, cls.__name__, "created"),
            no_data=_opt(generated.no_data),
            other_data=dict(generated.additional_properties),
            account_id=_id(generated.account_id, cls.__name__, "account_id"),
            is_configured=_opt(generated.is_configured),
            requires_metadata_update=_opt(generated.requires_metadata_update),
        )


@dataclass(eq=True)
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

    _generated: ClassVar[Any] = _Tile

    path: str
    status: TileStatus | None = None
    tile_id: str | None = None
    tile_geometry: dict[str, Any] | None = None
    cover_geometry: dict[str, Any] | None = None
    created: dt.datetime | None = None
    sensing_time: dt.datetime | None = None
    ingestion_start: dt.datetime | None = None
    additional_data: dict[str, Any] | None = None
    other_data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        owner = type(self).__name__
        if not isinstance(self.path, str):
            raise _invalid(owner, "path", f"expected a string, got {self.path!r}")
        if self.status is not None:
            self.status = TileStatus(str(self.status))
        self.tile_id = _id(self.tile_id, owner, "tile_id")
        self.tile_geometry = _geometry(self.tile_geometry, owner, "tile_geometry")
        self.cover_geometry = _geometry(self.cover_geometry, owner, "cover_geometry")
        _check_cover_geometry(self.cover_geometry)
        self.created = _datetime(self.created, owner, "created")
        self.sensing_time = _datetime(self.sensing_time, owner, "sensing_time")
        self.ingestion_start = _datetime(self.ingestion_start, owner, "ingestion_start")
        if self.additional_data is not None:
            if not isinstance(self.additional_data, Mapping):
                raise _invalid(
                    owner, "additional_data", f"expected a dict, got {self.additional_data!r}"
                )
            self.additional_data = dict(self.additional_data)

    @property
    def failed_ingestion_cause(self) -> str | None:
        """Why ingestion failed (``additionalData.failedIngestionCause``), if it did."""
        if not self.additional_data:
            return None
        cause = self.additional_data.get("failedIngestionCause")
        return None if cause is None else str(cause)

    def _to_generated(self) -> _Tile:
        owner = type(self).__name__
        additional_data: _TileData | Unset = UNSET
        if self.additional_data is not None:
            additional_data = _TileData.from_dict(self.additional_data)
        tile = _Tile(
            path=self.path,
            id=_uuid(self.tile_id, owner, "tile_id"),
            tile_geometry=_geometry_out(self.tile_geometry),
            cover_geometry=_geometry_out(self.cover_geometry),
            sensing_time=_unset(self.sensing_time),
            status=UNSET if self.status is None else str(self.status),
            created=_unset(self.created),
            ingestion_start=_unset(self.ingestion_start),
            additional_data=additional_data,
        )
        tile.additional_properties = dict(self.other_data)
        return tile

    @classmethod
    def _from_generated(cls, generated: _Tile) -> Self:
        owner = cls.__name__
        status = _opt(generated.status)
        raw_data: Any = generated.additional_data
        additional_data = raw_data.to_dict() if isinstance(raw_data, _TileData) else raw_data
        return cls(
            path=generated.path,
            status=None if status is None else TileStatus(str(status)),
            tile_id=_id(generated.id, owner, "tile_id"),
            tile_geometry=_geometry(generated.tile_geometry, owner, "tile_geometry"),
            cover_geometry=_geometry(generated.cover_geometry, owner, "cover_geometry"),
            created=_datetime(generated.created, owner, "created"),
            sensing_time=_datetime(generated.sensing_time, owner, "sensing_time"),
            ingestion_start=_datetime(generated.ingestion_start, owner, "ingestion_start"),
            additional_data=_opt(additional_data),
            other_data=dict(generated.additional_properties),
        )
