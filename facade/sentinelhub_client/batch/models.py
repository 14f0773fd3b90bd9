"""The Batch Processing v1 models: `BatchRequest`, `BatchTile`, `TilingGrid`, `BatchCollection`
(with `BatchCollectionBatchData` and `BatchCollectionAdditionalData`) and the open enums
`BatchRequestStatus`, `BatchTileStatus` and `BatchUserAction`.

They keep sentinelhub-py's names and fields (``request_id``, ``process_request``,
``tile_count``, ...), and:

- **One table per model.** Each model lists its members once, in ``_FIELDS``: the wire key
  (camelCase), the attribute, and the converter. ``from_dict``, ``to_dict``, the checks of values
  set by hand and the reading by wire key all follow that table; a test checks it against the
  spec (``openapi/sentinelhub.yaml``).
- **Parsed once.** ``from_dict`` converts each member of the dict that ``json.loads`` made and
  builds the model without a second pass; nested JSON objects the models do not describe
  (``processRequest``, ``output``, a tile's ``geometry``) are kept as the dicts they came as.
- **Unknown members survive** in ``other_data`` and are written back flat by ``to_dict``.
- **Open enums.** A status this version does not know becomes a pseudo-member
  (``BatchRequestStatus("STOPPED").is_known is False``), never an error.
- **Readable as the wire JSON**: ``request["tileCount"]``, ``"error" in request``,
  ``tile.get("name")``, as sentinelhub-py's plain dicts were read.
- **Ids typed as the service sets them.** ``.id`` is ``str`` (``int`` for tiles and grids):
  the models the service returns always have one, so ``batch.get_tile(request.id, tile.id)``
  type-checks without narrowing. The attributes with sentinelhub-py's names
  (``collection_id``, ``tile_id``, ``grid_id``) keep ``| None``, because a `BatchCollection`
  built locally for ``create_collection`` has no id yet; ``.id`` on such a model raises
  `SentinelHubValidationError` saying so. ``to_dict`` and item access are unchanged.

Date-times are timezone-aware (a naive one given by hand is taken as UTC).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Self, TypeVar, cast, dataclass_transform
from uuid import UUID

from dateutil.parser import isoparse

from sentinelhub_client._core.errors import BatchFailedError, SentinelHubValidationError

__all__ = [
    "BatchCollection",
    "BatchCollectionAdditionalData",
    "BatchCollectionBatchData",
    "BatchRequest",
    "BatchRequestStatus",
    "BatchTile",
    "BatchTileStatus",
    "BatchUserAction",
    "TilingGrid",
]


# -- open enums --------------------------------------------------------------------------------


class _OpenEnum(StrEnum):
    """A str enum that turns an unknown value into a pseudo-member instead of failing."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str) or not value:
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        # Registered so that the same value gives the same object; not listed by ``list(cls)``.
        return cls._value2member_map_.setdefault(value, member)

    @property
    def is_known(self) -> bool:
        """False for a value this version of the package does not know."""
        return self.name in type(self).__members__


class BatchRequestStatus(_OpenEnum):
    """Status of a batch request (unknown values are kept, never an error)."""

    CREATED = "CREATED"
    ANALYSING = "ANALYSING"
    ANALYSIS_DONE = "ANALYSIS_DONE"
    PROCESSING = "PROCESSING"
    DONE = "DONE"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"
    CANCELED = "CANCELED"

    @property
    def is_final(self) -> bool:
        """True for DONE, PARTIAL, FAILED and CANCELED: nothing more happens by itself."""
        return self in _FINAL_REQUEST_STATUSES


_FINAL_REQUEST_STATUSES = frozenset(
    {
        BatchRequestStatus.DONE,
        BatchRequestStatus.PARTIAL,
        BatchRequestStatus.FAILED,
        BatchRequestStatus.CANCELED,
    }
)


class BatchUserAction(_OpenEnum):
    """The last action a user asked for on a batch request."""

    NONE = "NONE"
    ANALYSE = "ANALYSE"
    START = "START"
    CANCEL = "CANCEL"


class BatchTileStatus(_OpenEnum):
    """Status of one output tile of a batch request."""

    PENDING = "PENDING"
    SCHEDULED = "SCHEDULED"
    QUEUED = "QUEUED"
    PROCESSING = "PROCESSING"
    PROCESSED = "PROCESSED"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        """True for PROCESSED and FAILED."""
        return self in (BatchTileStatus.PROCESSED, BatchTileStatus.FAILED)


# -- converters: (value, where) -> python value; python value -> wire value --------------------


def _bad(where: str, problem: str) -> SentinelHubValidationError:
    return SentinelHubValidationError(f"{where}: {problem}", field=where.rpartition(".")[2])


def _text(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    raise _bad(where, f"expected a string, got {value!r}")


def _identifier(value: Any, where: str) -> str:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, str):
        return value
    raise _bad(where, f"expected an id string, got {value!r}")


def _integer(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _bad(where, f"expected a whole number, got {value!r}")


def _number(value: Any, where: str) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise _bad(where, f"expected a number, got {value!r}")


def _object(value: Any, where: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    raise _bad(where, f"expected a JSON object (dict), got {value!r}")


def _timestamp(value: Any, where: str) -> dt.datetime:
    moment: dt.datetime
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = isoparse(value)
        except (ValueError, OverflowError) as exc:
            raise _bad(where, f"not an ISO 8601 date-time: {value!r}") from exc
    else:
        raise _bad(where, f"expected a datetime or an ISO 8601 string, got {value!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _timestamp_out(value: dt.datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _same(value: Any) -> Any:
    return value


def _enum(kind: type[_OpenEnum]) -> Callable[[Any, str], Any]:
    def load(value: Any, where: str) -> Any:
        if isinstance(value, kind):
            return value
        if isinstance(value, str) and value:
            return kind(value)
        raise _bad(where, f"expected a {kind.__name__} or its text, got {value!r}")

    return load


def _enum_out(value: Any) -> str:
    return str(value.value)


def _nested(kind: type[_Model]) -> Callable[[Any, str], Any]:
    def load(value: Any, where: str) -> Any:
        if isinstance(value, kind):
            return value
        if isinstance(value, Mapping):
            return kind.from_dict(value)
        raise _bad(where, f"expected a {kind.__name__} or a dict, got {value!r}")

    return load


def _nested_out(value: Any) -> Any:
    return value.to_dict()


@dataclass(frozen=True)
class _Field:
    """One member of a model: its wire key, its attribute and how to convert it."""

    wire: str
    attr: str
    load: Callable[[Any, str], Any]
    dump: Callable[[Any], Any] = _same


def _table(*fields: _Field) -> tuple[_Field, ...]:
    return fields


# -- the model base ----------------------------------------------------------------------------


class _Model(Mapping[str, Any]):
    """A model described by its ``_FIELDS`` table, readable as the mapping of its wire JSON."""

    _FIELDS: ClassVar[tuple[_Field, ...]] = ()
    _BY_WIRE: ClassVar[dict[str, _Field]] = {}
    _REQUIRED: ClassVar[frozenset[str]] = frozenset()
    _DEFAULTS: ClassVar[dict[str, Any]] = {}
    other_data: dict[str, Any]

    @classmethod
    def _prepare(cls) -> None:
        """Index the table; called once per model class, after ``@dataclass``."""
        cls._BY_WIRE = {f.wire: f for f in cls._FIELDS}
        required, defaults = set(), {}
        for spec in dataclasses.fields(cast(Any, cls)):
            if spec.name == "other_data":
                continue
            if spec.default is not dataclasses.MISSING:
                defaults[spec.name] = spec.default
            elif spec.default_factory is dataclasses.MISSING:
                required.add(spec.name)
        cls._REQUIRED, cls._DEFAULTS = frozenset(required), defaults

    def __post_init__(self) -> None:
        """Check and convert values given by hand (strings to enums and date-times, ...)."""
        owner = type(self).__name__
        for spec in self._FIELDS:
            value = getattr(self, spec.attr)
            if value is not None:
                setattr(self, spec.attr, spec.load(value, f"{owner}.{spec.attr}"))
        if not isinstance(self.other_data, dict):
            raise _bad(f"{owner}.other_data", f"expected a dict, got {self.other_data!r}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse the wire JSON (a dict; a model is accepted too). Unknown members go to
        ``other_data``; a member sent as ``null`` counts as absent."""
        if isinstance(data, _Model):
            data = data.to_dict()
        if not isinstance(data, Mapping):
            raise SentinelHubValidationError(
                f"{cls.__name__}.from_dict: expected a dict, got {data!r}"
            )
        owner = cls.__name__
        values: dict[str, Any] = {}
        other: dict[str, Any] = {}
        by_wire = cls._BY_WIRE
        for key, value in data.items():
            spec = by_wire.get(key)
            if spec is None:
                other[key] = value
            elif value is not None:
                values[spec.attr] = spec.load(value, f"{owner}.{spec.attr}")
        missing = cls._REQUIRED - values.keys()
        if missing:
            wire = sorted(f.wire for f in cls._FIELDS if f.attr in missing)
            raise SentinelHubValidationError(
                f"{owner}.from_dict: the required member(s) {', '.join(map(repr, wire))} are "
                "missing",
                field=wire[0],
            )
        model = cls.__new__(cls)
        for name, default in cls._DEFAULTS.items():
            setattr(model, name, values.get(name, default))
        for name in cls._REQUIRED:
            setattr(model, name, values[name])
        model.other_data = other
        return model

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Parse a JSON document (see `from_dict`)."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SentinelHubValidationError(f"{cls.__name__}.from_json: {exc}") from exc
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """The wire JSON: camelCase keys, members that are None left out, unknown members
        included."""
        out: dict[str, Any] = {}
        for spec in self._FIELDS:
            value = getattr(self, spec.attr)
            if value is not None:
                out[spec.wire] = spec.dump(value)
        for key, value in self.other_data.items():
            out.setdefault(key, value)
        return out

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict()`` as a JSON string (keyword arguments go to `json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    # -- Mapping over the wire JSON, without building it ---------------------------------------

    def __getitem__(self, key: str) -> Any:
        spec = self._BY_WIRE.get(key)
        if spec is not None:
            value = getattr(self, spec.attr)
            if value is not None:
                return spec.dump(value)
        if key in self.other_data:
            return self.other_data[key]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        seen = set()
        for spec in self._FIELDS:
            if getattr(self, spec.attr) is not None:
                seen.add(spec.wire)
                yield spec.wire
        for key in self.other_data:
            if key not in seen:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


_M = TypeVar("_M", bound=_Model)


@dataclass_transform(field_specifiers=(field,))
def _model(cls: type[_M]) -> type[_M]:
    """``@dataclass(eq=True)`` plus the table index."""
    made = dataclass(eq=True)(cls)
    made._prepare()
    return made


def _no_id(model: str, how: str) -> SentinelHubValidationError:
    """The error of ``.id`` on a model that holds no id (not returned by the service)."""
    return SentinelHubValidationError(
        f"{model}.id: this {model} has no id yet: it was built locally, not returned by the "
        f"service; {how}",
        field="id",
    )


# -- batch requests ----------------------------------------------------------------------------


@_model
class BatchRequest(_Model):
    """A batch processing request, as the service returns it.

    Attributes:
        request_id: its id (``id`` on the wire).
        process_request: the Process API request each tile runs (``processRequest``, a dict).
        tile_count: number of output tiles (an estimate until the analysis is done).
        status: `BatchRequestStatus`.
        user_id: the user who made it.
        created: when it was made.
        tiling_grid: ``{"id", "resolution", "bufferX", "bufferY"}`` (a dict).
        output: where and how results are written (a dict, see `SentinelHubBatch.output`).
        bucket_name: short for ``output.defaultTilePath = s3://<bucket_name>``.
        description: free text.
        value_estimate: estimated cost in processing units (after the analysis).
        tile_width_px, tile_height_px: size of a tile in pixels, without buffer.
        user_action: `BatchUserAction`, the last action asked for.
        user_action_updated: when it was asked for.
        error: why it failed, when it did.
        other_data: members the table does not know (the deprecated top-level ``tilingGridId``
            and ``resolution`` among them).
        account_id: the owning account.
        zarr_output: the Zarr output settings (a dict), when Zarr is the output.
    """

    request_id: str
    process_request: dict[str, Any]
    tile_count: int | None = None
    status: BatchRequestStatus | None = None
    user_id: str | None = None
    created: dt.datetime | None = None
    tiling_grid: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    bucket_name: str | None = None
    description: str | None = None
    value_estimate: float | None = None
    tile_width_px: int | None = None
    tile_height_px: int | None = None
    user_action: BatchUserAction | None = None
    user_action_updated: dt.datetime | None = None
    error: str | None = None
    other_data: dict[str, Any] = field(default_factory=dict)
    _: KW_ONLY
    account_id: str | None = None
    zarr_output: dict[str, Any] | None = None

    _FIELDS = _table(
        _Field("id", "request_id", _identifier),
        _Field("processRequest", "process_request", _object),
        _Field("tileCount", "tile_count", _integer),
        _Field("status", "status", _enum(BatchRequestStatus), _enum_out),
        _Field("userId", "user_id", _identifier),
        _Field("created", "created", _timestamp, _timestamp_out),
        _Field("tilingGrid", "tiling_grid", _object),
        _Field("output", "output", _object),
        _Field("bucketName", "bucket_name", _text),
        _Field("description", "description", _text),
        _Field("valueEstimate", "value_estimate", _number),
        _Field("tileWidthPx", "tile_width_px", _integer),
        _Field("tileHeightPx", "tile_height_px", _integer),
        _Field("userAction", "user_action", _enum(BatchUserAction), _enum_out),
        _Field("userActionUpdated", "user_action_updated", _timestamp, _timestamp_out),
        _Field("error", "error", _text),
        _Field("accountId", "account_id", _identifier),
        _Field("zarrOutput", "zarr_output", _object),
    )
    _REPR = ("request_id", "status", "user_action", "tile_count", "value_estimate", "error")

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in self._REPR
            if getattr(self, name) is not None
        )
        return f"BatchRequest({shown})"

    @property
    def id(self) -> str:
        """The request's id: ``request_id``, under the name the other models use."""
        return self.request_id

    # -- what the process request says ---------------------------------------------------------

    def _bounds(self) -> Mapping[str, Any]:
        inputs = self.process_request.get("input") if self.process_request else None
        bounds = inputs.get("bounds") if isinstance(inputs, Mapping) else None
        return bounds if isinstance(bounds, Mapping) else {}

    @property
    def evalscript(self) -> str | None:
        """The evalscript each tile runs (None when the request has none)."""
        script = self.process_request.get("evalscript") if self.process_request else None
        return script if isinstance(script, str) else None

    @property
    def bbox(self) -> list[float] | None:
        """The bounding box of the area, ``[min_x, min_y, max_x, max_y]`` in `crs` (None when
        the area is given by a geometry only)."""
        box = self._bounds().get("bbox")
        return list(box) if isinstance(box, list) else None

    @property
    def geometry(self) -> dict[str, Any] | None:
        """The GeoJSON geometry of the area, in `crs` (None when it is given by a bbox only)."""
        geometry = self._bounds().get("geometry")
        return dict(geometry) if isinstance(geometry, Mapping) else None

    @property
    def crs(self) -> str | None:
        """The CRS of `bbox` and `geometry` as the request names it (an OGC URL such as
        ``http://www.opengis.net/def/crs/EPSG/0/32633``), or None when it does not."""
        properties = self._bounds().get("properties")
        crs = properties.get("crs") if isinstance(properties, Mapping) else None
        return crs if isinstance(crs, str) else None

    def raise_for_status(
        self, status: BatchRequestStatus | str | tuple[BatchRequestStatus | str, ...] = "FAILED"
    ) -> None:
        """Raise `BatchFailedError` (a `RuntimeError`) when the status is one of ``status``."""
        wanted = {status} if isinstance(status, str) else set(status)
        if self.status is not None and self.status in {BatchRequestStatus(s) for s in wanted}:
            because = f': "{self.error}"' if self.error else ""
            raise BatchFailedError(
                f"batch request {self.request_id} is {self.status.value}{because}",
                request=self,
                request_id=self.request_id,
                error=self.error,
            )


# -- tiles and grids ---------------------------------------------------------------------------


@_model
class BatchTile(_Model):
    """One output tile of an analysed batch request.

    Attributes:
        tile_id: its numeric id (``id`` on the wire).
        name: its name in the grid, such as ``33TVM_2_6``.
        status: `BatchTileStatus`.
        cost: processing units spent on it.
        geometry: the unbuffered cell in WGS84 (GeoJSON dict).
        origin: a corner of the tile in the grid's CRS (GeoJSON point with ``crs``).
        request_id: the batch request it belongs to (``requestId``).
        other_data: members the table does not know.
    """

    tile_id: int | None = None
    name: str | None = None
    status: BatchTileStatus | None = None
    cost: float | None = None
    geometry: dict[str, Any] | None = None
    origin: dict[str, Any] | None = None
    request_id: str | None = None
    other_data: dict[str, Any] = field(default_factory=dict)

    _FIELDS = _table(
        _Field("id", "tile_id", _integer),
        _Field("name", "name", _text),
        _Field("status", "status", _enum(BatchTileStatus), _enum_out),
        _Field("cost", "cost", _number),
        _Field("geometry", "geometry", _object),
        _Field("origin", "origin", _object),
        _Field("requestId", "request_id", _identifier),
    )

    @property
    def id(self) -> int:
        """The tile's numeric id, typed ``int``: always set on a tile the service returned
        (``tile_id`` is the same value typed ``int | None``)."""
        if self.tile_id is None:
            raise _no_id("BatchTile", "read tiles with get_tile() or iter_tiles()")
        return self.tile_id


@_model
class TilingGrid(_Model):
    """A tiling grid a batch request can use.

    Attributes:
        grid_id: its id (``id``; 0 is a grid).
        name: its name, such as ``20km grid``.
        properties: ``{"tileWidth", "tileHeight", "resolutions", "unit"}`` (a dict).
        other_data: members the table does not know.
    """

    grid_id: int | None = None
    name: str | None = None
    properties: dict[str, Any] | None = None
    other_data: dict[str, Any] = field(default_factory=dict)

    _FIELDS = _table(
        _Field("id", "grid_id", _integer),
        _Field("name", "name", _text),
        _Field("properties", "properties", _object),
    )

    @property
    def id(self) -> int:
        """The grid's id, typed ``int`` (0 is a grid): always set on a grid the service
        returned (``grid_id`` is the same value typed ``int | None``)."""
        if self.grid_id is None:
            raise _no_id("TilingGrid", "read grids with iter_tiling_grids()")
        return self.grid_id


# -- batch collections -------------------------------------------------------------------------


@_model
class BatchCollectionBatchData(_Model):
    """The ``batchData`` of a batch collection: the grid its tiles come from."""

    tiling_grid_id: int | None = None
    other_data: dict[str, Any] = field(default_factory=dict)

    _FIELDS = _table(_Field("tilingGridId", "tiling_grid_id", _integer))


@_model
class BatchCollectionAdditionalData(_Model):
    """The ``additionalData`` of a batch collection: its bands (band name -> dict)."""

    bands: dict[str, Any] | None = None
    other_data: dict[str, Any] = field(default_factory=dict)

    _FIELDS = _table(_Field("bands", "bands", _object))


@_model
class BatchCollection(_Model):
    """A batch collection: the COG outputs of batch requests, usable as input data.

    Attributes:
        name: display name.
        s3_bucket: the bucket of its files.
        additional_data: `BatchCollectionAdditionalData` (its bands).
        collection_id: its id (``id`` on the wire).
        user_id: the owner.
        created: when it was made.
        no_data: the no-data value.
        other_data: members the table does not know.
        batch_data: `BatchCollectionBatchData` (its tiling grid).
        account_id: the owning account.
    """

    name: str
    s3_bucket: str
    additional_data: BatchCollectionAdditionalData | None = None
    collection_id: str | None = None
    user_id: str | None = None
    created: dt.datetime | None = None
    no_data: float | None = None
    other_data: dict[str, Any] = field(default_factory=dict)
    _: KW_ONLY
    batch_data: BatchCollectionBatchData | None = None
    account_id: str | None = None

    _FIELDS = _table(
        _Field("id", "collection_id", _identifier),
        _Field("name", "name", _text),
        _Field("s3Bucket", "s3_bucket", _text),
        _Field("userId", "user_id", _identifier),
        _Field("accountId", "account_id", _identifier),
        _Field("created", "created", _timestamp, _timestamp_out),
        _Field("noData", "no_data", _number),
        _Field("batchData", "batch_data", _nested(BatchCollectionBatchData), _nested_out),
        _Field(
            "additionalData",
            "additional_data",
            _nested(BatchCollectionAdditionalData),
            _nested_out,
        ),
    )

    @property
    def id(self) -> str:
        """The collection's id, typed ``str``: always set on a collection the service returned.

        On one built locally and not created yet it raises `SentinelHubValidationError`
        (``collection_id`` is the same value typed ``str | None``, for code that checks)."""
        if self.collection_id is None:
            raise _no_id(
                "BatchCollection",
                "pass it to create_collection() first and use the BatchCollection that returns",
            )
        return self.collection_id

    @property
    def data_type(self) -> str:
        """The ``type`` naming this collection as input of Process and Batch requests:
        ``batch-<id>``."""
        if self.collection_id is None:
            raise SentinelHubValidationError(
                "BatchCollection.collection_id is not set: create the collection first",
                field="collection_id",
            )
        return f"batch-{self.collection_id}"
