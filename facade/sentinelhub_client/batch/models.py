"""The Batch Processing v1 models: `BatchRequest`, `BatchTile`, `TilingGrid`, `BatchCollection`
(with `BatchCollectionBatchData` and `BatchCollectionAdditionalData`) and the open enums
`BatchRequestStatus`, `BatchTileStatus` and `BatchUserAction`.

They keep sentinelhub-py's names and fields (``request_id``, ``process_request``,
``tile_count``, ...), and:

- **One declaration per field.** Each field is declared once, on the shared model base
  (`sentinelhub_client._core.models`): ``attribute: type = wire("wireKey", converter, ...)``.
  The constructor, ``from_dict``, ``to_dict``, the checks of values set by hand (attribute or
  wire key) and the reading by wire key all follow it; ``_FIELDS`` lists the table, and a test
  checks it against the spec (``openapi/sentinelhub.yaml``).
- **Parsed once.** ``from_dict`` converts each member of the dict that ``json.loads`` made in one
  pass (a bad member raises there); nested JSON objects the models do not describe
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

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple, Self
from uuid import UUID

from dateutil.parser import isoparse

from sentinelhub_client._core.errors import BatchFailedError, SentinelHubValidationError
from sentinelhub_client._core.models import JSON_OBJECT as OBJECT
from sentinelhub_client._core.models import OTHER, Converter, WireModel, wire
from sentinelhub_client._core.models import _Model as _ModelConverter

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


# -- converters: wire JSON <-> Python (the model base is `sentinelhub_client._core.models`) -----
#
# Batch models convert every member when parsed (`_Model.from_dict`), so each converter
# checks what the service sends as it checks what a user sets: ``parse`` is ``check``.


def _bad(where: str, problem: str) -> SentinelHubValidationError:
    return SentinelHubValidationError(f"{where}: {problem}", field=where.rpartition(".")[2])


class _Plain(Converter):
    """A converter whose Python value is its own wire form: a wire value of one of
    ``wire_types`` (exactly) is taken as it is, anything else goes through ``check``."""

    plain = True
    wire_types: ClassVar[tuple[type, ...]] = ()

    def parse(self, raw: Any, where: str, field: str) -> Any:
        return raw if type(raw) in self.wire_types else self.check(raw, where, field)


class _Text(_Plain):
    schema = "string"
    wire_types = (str,)

    def check(self, value: Any, where: str, field: str) -> str:
        if isinstance(value, str):
            return value
        raise _bad(where, f"expected a string, got {value!r}")


class _Identifier(_Text):
    """An id string (any text; a `UUID` is accepted)."""

    def check(self, value: Any, where: str, field: str) -> str:
        if isinstance(value, UUID):
            return str(value)
        if isinstance(value, str):
            return value
        raise _bad(where, f"expected an id string, got {value!r}")


class _Integer(_Plain):
    """A whole number (``9.0`` becomes ``9``)."""

    schema = "integer"
    wire_types = (int,)

    def check(self, value: Any, where: str, field: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise _bad(where, f"expected a whole number, got {value!r}")


class _AnyNumber(_Plain):
    schema = "number"
    wire_types = (float, int)

    def check(self, value: Any, where: str, field: str) -> int | float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        raise _bad(where, f"expected a number, got {value!r}")


class _Timestamp(Converter):
    """An ISO 8601 date-time, timezone-aware (naive means UTC); written with ``Z`` for UTC."""

    schema = "string"

    def check(self, value: Any, where: str, field: str) -> dt.datetime:
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

    def dump(self, value: dt.datetime) -> str:
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


class _Enum(Converter):
    """One of the open enums (a value it does not know becomes a pseudo-member)."""

    schema = "string"

    def __init__(self, kind: type[_OpenEnum]) -> None:
        self.kind = kind
        self._members = kind._value2member_map_  # known values and pseudo-members made so far

    def parse(self, raw: Any, where: str, field: str) -> Any:
        if type(raw) is str:
            member = self._members.get(raw)
            if member is not None:
                return member
        return self.check(raw, where, field)

    def stored(self, value: _OpenEnum) -> Any:
        return value._value_

    def check(self, value: Any, where: str, field: str) -> _OpenEnum:
        kind = self.kind
        if isinstance(value, kind):
            return value
        if isinstance(value, str) and value:
            return kind(value)
        raise _bad(where, f"expected a {kind.__name__} or its text, got {value!r}")

    def dump(self, value: _OpenEnum) -> str:
        return str(value.value)


class _Nested(_ModelConverter):
    """A nested batch model (a dict is parsed with its ``from_dict``)."""

    def parse(self, raw: Any, where: str, field: str) -> Any:
        return self.check(raw, where, field)


TEXT = _Text()
IDENTIFIER = _Identifier()
WHOLE = _Integer()
ANY_NUMBER = _AnyNumber()
TIMESTAMP = _Timestamp()


class _TableRow(NamedTuple):
    """One member of a model's table, as the spec test reads it."""

    wire: str
    attr: str


# -- the model base ----------------------------------------------------------------------------


class _Model(WireModel):
    """A batch model: a `WireModel` whose members are all converted when it is parsed.

    ``from_dict`` raises on the first bad member, shares the nested dicts it was given (no copy),
    keeps unknown members (a snake_case key among them) in ``other_data``, and writes each value
    back as its converter does (``to_dict`` gives UTC date-times with ``Z``)."""

    #: ``(wire key, attribute)`` of every declared member but ``other_data``.
    _FIELDS: ClassVar[tuple[_TableRow, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._FIELDS = tuple(_TableRow(f.key, f.attr) for f in cls._fields if f.key is not None)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse the wire JSON (a dict; a model is accepted too). Unknown members go to
        ``other_data``; a member sent as ``null`` counts as absent."""
        if isinstance(data, WireModel):
            data = data.to_dict()
        if not isinstance(data, Mapping):
            raise SentinelHubValidationError(
                f"{cls.__name__}.from_dict: expected a dict, got {data!r}"
            )
        missing = sorted(key for key in cls._required_keys if data.get(key) is None)
        if missing:
            raise SentinelHubValidationError(
                f"{cls.__name__}.from_dict: the required member(s) "
                f"{', '.join(map(repr, missing))} are missing",
                field=missing[0],
            )
        return cls._from_wire_eagerly(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Parse a JSON document (see `from_dict`)."""
        return cls.from_dict(cls._json_document(text))

    def to_dict(self) -> dict[str, Any]:
        """The wire JSON: camelCase keys, members that are None left out, unknown members
        included (a new dict; the JSON objects it holds are the model's own)."""
        return self._wire()

    #: The attributes ``repr`` shows when they are set; when empty, every field's.
    _REPR: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        if not self._REPR:
            return super().__repr__()
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in self._REPR
            if getattr(self, name) is not None
        )
        return f"{type(self).__name__}({shown})"


def batch_failed(request: Any, message: str) -> BatchFailedError:
    """The `BatchFailedError` of a request (v1 or v2) that FAILED: ``message``, with the
    request, its id and its ``error`` attached."""
    return BatchFailedError(
        message, request=request, request_id=request.request_id, error=request.error
    )


def _no_id(model: str, how: str) -> SentinelHubValidationError:
    """The error of ``.id`` on a model that holds no id (not returned by the service)."""
    return SentinelHubValidationError(
        f"{model}.id: this {model} has no id yet: it was built locally, not returned by the "
        f"service; {how}",
        field="id",
    )


# -- batch requests ----------------------------------------------------------------------------


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

    request_id: str = wire("id", IDENTIFIER)
    process_request: dict[str, Any] = wire("processRequest", OBJECT)
    tile_count: int | None = wire("tileCount", WHOLE, default=None)
    status: BatchRequestStatus | None = wire("status", _Enum(BatchRequestStatus), default=None)
    user_id: str | None = wire("userId", IDENTIFIER, default=None)
    created: dt.datetime | None = wire("created", TIMESTAMP, default=None)
    tiling_grid: dict[str, Any] | None = wire("tilingGrid", OBJECT, default=None)
    output: dict[str, Any] | None = wire("output", OBJECT, default=None)
    bucket_name: str | None = wire("bucketName", TEXT, default=None)
    description: str | None = wire("description", TEXT, default=None)
    value_estimate: float | None = wire("valueEstimate", ANY_NUMBER, default=None)
    tile_width_px: int | None = wire("tileWidthPx", WHOLE, default=None)
    tile_height_px: int | None = wire("tileHeightPx", WHOLE, default=None)
    user_action: BatchUserAction | None = wire("userAction", _Enum(BatchUserAction), default=None)
    user_action_updated: dt.datetime | None = wire("userActionUpdated", TIMESTAMP, default=None)
    error: str | None = wire("error", TEXT, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)
    account_id: str | None = wire("accountId", IDENTIFIER, default=None, kw_only=True)
    zarr_output: dict[str, Any] | None = wire("zarrOutput", OBJECT, default=None, kw_only=True)

    _REPR = ("request_id", "status", "user_action", "tile_count", "value_estimate", "error")

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
            message = f"batch request {self.request_id} is {self.status.value}{because}"
            raise batch_failed(self, message)


# -- tiles and grids ---------------------------------------------------------------------------


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

    tile_id: int | None = wire("id", WHOLE, default=None)
    name: str | None = wire("name", TEXT, default=None)
    status: BatchTileStatus | None = wire("status", _Enum(BatchTileStatus), default=None)
    cost: float | None = wire("cost", ANY_NUMBER, default=None)
    geometry: dict[str, Any] | None = wire("geometry", OBJECT, default=None)
    origin: dict[str, Any] | None = wire("origin", OBJECT, default=None)
    request_id: str | None = wire("requestId", IDENTIFIER, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    @property
    def id(self) -> int:
        """The tile's numeric id, typed ``int``: always set on a tile the service returned
        (``tile_id`` is the same value typed ``int | None``)."""
        if self.tile_id is None:
            raise _no_id("BatchTile", "read tiles with get_tile() or iter_tiles()")
        return self.tile_id


class TilingGrid(_Model):
    """A tiling grid a batch request can use.

    Attributes:
        grid_id: its id (``id``; 0 is a grid).
        name: its name, such as ``20km grid``.
        properties: ``{"tileWidth", "tileHeight", "resolutions", "unit"}`` (a dict).
        other_data: members the table does not know.
    """

    grid_id: int | None = wire("id", WHOLE, default=None)
    name: str | None = wire("name", TEXT, default=None)
    properties: dict[str, Any] | None = wire("properties", OBJECT, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    @property
    def id(self) -> int:
        """The grid's id, typed ``int`` (0 is a grid): always set on a grid the service
        returned (``grid_id`` is the same value typed ``int | None``)."""
        if self.grid_id is None:
            raise _no_id("TilingGrid", "read grids with iter_tiling_grids()")
        return self.grid_id


# -- batch collections -------------------------------------------------------------------------


class BatchCollectionBatchData(_Model):
    """The ``batchData`` of a batch collection: the grid its tiles come from."""

    tiling_grid_id: int | None = wire("tilingGridId", WHOLE, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)


class BatchCollectionAdditionalData(_Model):
    """The ``additionalData`` of a batch collection: its bands (band name -> dict)."""

    bands: dict[str, Any] | None = wire("bands", OBJECT, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)


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

    name: str = wire("name", TEXT)
    s3_bucket: str = wire("s3Bucket", TEXT)
    additional_data: BatchCollectionAdditionalData | None = wire(
        "additionalData", _Nested(lambda: BatchCollectionAdditionalData), default=None
    )
    collection_id: str | None = wire("id", IDENTIFIER, default=None)
    user_id: str | None = wire("userId", IDENTIFIER, default=None)
    created: dt.datetime | None = wire("created", TIMESTAMP, default=None)
    no_data: float | None = wire("noData", ANY_NUMBER, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)
    batch_data: BatchCollectionBatchData | None = wire(
        "batchData", _Nested(lambda: BatchCollectionBatchData), default=None, kw_only=True
    )
    account_id: str | None = wire("accountId", IDENTIFIER, default=None, kw_only=True)

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
