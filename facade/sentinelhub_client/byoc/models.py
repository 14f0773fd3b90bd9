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
import json
import math
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from typing import Any, ClassVar, Self, cast, dataclass_transform
from uuid import UUID

from dateutil.parser import isoparse

from sentinelhub_client._core.errors import SentinelHubValidationError

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


# -- converters: wire JSON <-> Python, one per kind of field ----------------------------------


def _invalid(where: str, field: str, problem: str) -> SentinelHubValidationError:
    return SentinelHubValidationError(f"{where}: {problem}", field=field)


def _json_copy(value: Any) -> Any:
    """A copy of a JSON value (dicts and lists new, scalars shared; models and other mappings
    become their wire dicts)."""
    if isinstance(value, dict):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_copy(item) for item in value]
    if isinstance(value, _WireModel):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {key: _json_copy(item) for key, item in value.items()}
    return value


class Converter:
    """How one kind of field goes between the wire and Python.

    ``parse`` reads a wire value (not None) sent by the service; ``check`` takes what a user
    assigns (the Python type or its wire form) and returns the Python value, or raises naming the
    field; ``dump`` gives the wire value. ``nested`` is true when the Python value holds models
    (its wire form is rebuilt by ``to_dict``). ``schema`` is the JSON type the spec gives it.
    """

    nested: ClassVar[bool] = False
    schema: ClassVar[str] = ""

    def parse(self, raw: Any, where: str, field: str) -> Any:
        return self.check(raw, where, field)

    def check(self, value: Any, where: str, field: str) -> Any:
        raise NotImplementedError  # pragma: no cover - every converter overrides it

    def dump(self, value: Any) -> Any:
        return value


class _Str(Converter):
    schema = "string"

    def parse(self, raw: Any, where: str, field: str) -> Any:
        if isinstance(raw, str):
            return raw
        return self.check(raw, where, field)

    def check(self, value: Any, where: str, field: str) -> str:
        if isinstance(value, StrEnum):
            return str(value.value)
        if not isinstance(value, str):
            raise _invalid(where, field, f"expected a string, got {value!r}")
        return value


class _Uuid(_Str):
    """An id: a UUID string on the wire and in Python (a `UUID` is accepted)."""

    def parse(self, raw: Any, where: str, field: str) -> Any:
        return raw if isinstance(raw, str) else self.check(raw, where, field)

    def check(self, value: Any, where: str, field: str) -> str:
        if isinstance(value, UUID):
            return str(value)
        if isinstance(value, str):
            try:
                UUID(value)
            except ValueError:
                pass
            else:
                return value
        raise _invalid(where, field, f"expected an id (a UUID string), got {value!r}")


class _Number(Converter):
    schema = "number"

    def parse(self, raw: Any, where: str, field: str) -> Any:
        return raw if type(raw) is float or type(raw) is int else self.check(raw, where, field)

    def check(self, value: Any, where: str, field: str) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(where, field, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            raise _invalid(where, field, f"must be a finite number (JSON has no {value!r})")
        return value


class _Int(_Number):
    schema = "integer"

    def check(self, value: Any, where: str, field: str) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(where, field, f"expected a whole number, got {value!r}")
        return value


class _Bool(Converter):
    schema = "boolean"

    def check(self, value: Any, where: str, field: str) -> bool:
        if not isinstance(value, bool):
            raise _invalid(where, field, f"expected true or false, got {value!r}")
        return value


class _DateTime(Converter):
    """An ISO 8601 date-time; timezone-aware in Python (naive means UTC)."""

    schema = "string"

    def check(self, value: Any, where: str, field: str) -> dt.datetime:
        if isinstance(value, str):
            text = value
            try:
                value = dt.datetime.fromisoformat(text)
            except ValueError:
                try:
                    value = isoparse(text)
                except (ValueError, OverflowError) as exc:
                    raise _invalid(where, field, f"not an ISO 8601 date-time: {text!r}") from exc
        if not isinstance(value, dt.datetime):
            raise _invalid(
                where, field, f"expected a datetime or an ISO 8601 string, got {value!r}"
            )
        result: dt.datetime = value
        if result.tzinfo is None or result.utcoffset() is None:
            result = result.replace(tzinfo=dt.UTC)
        return result

    def dump(self, value: dt.datetime) -> str:
        return value.isoformat()


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


class _Dict(Converter):
    """A JSON object kept as the dict it is (``additionalData`` of a tile)."""

    schema = "object"

    def parse(self, raw: Any, where: str, field: str) -> Any:
        return raw if type(raw) is dict else self.check(raw, where, field)

    def check(self, value: Any, where: str, field: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        if isinstance(value, Mapping):
            return dict(value)
        raise _invalid(where, field, f"expected a dict, got {value!r}")


class _StrList(Converter):
    schema = "array"

    def check(self, value: Any, where: str, field: str) -> list[str]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise _invalid(where, field, f"expected a list of strings, got {value!r}")
        for item in value:
            if not isinstance(item, str):
                raise _invalid(where, field, f"expected a list of strings, got item {item!r}")
        return list(value)


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


class _Model(Converter):
    """A nested model; on the wire its dict (shared with the model, not copied)."""

    nested = True
    schema = "object"

    def __init__(self, model: Callable[[], type[_WireModel]]) -> None:
        self._model = model

    @property
    def model(self) -> type[_WireModel]:
        return self._model()

    def parse(self, raw: Any, where: str, field: str) -> Any:
        if type(raw) is not dict:
            raise _invalid(where, field, f"expected an object, got {raw!r}")
        return self.model._from_wire(raw)

    def check(self, value: Any, where: str, field: str) -> Any:
        model = self.model
        if isinstance(value, model):
            return value
        if isinstance(value, Mapping):
            return model.from_dict(value)
        raise _invalid(where, field, f"expected a {model.__name__} or a dict, got {value!r}")

    def dump(self, value: _WireModel) -> Any:
        return value.to_dict()

    def stored(self, value: _WireModel) -> Any:
        return value._data


class _ModelMap(_Model):
    """A dict of nested models by name (the bands of a collection)."""

    schema = "object"

    def parse(self, raw: Any, where: str, field: str) -> Any:
        if type(raw) is not dict:
            raise _invalid(where, field, f"expected an object, got {raw!r}")
        model = self.model
        return {
            name: model._from_wire(item)
            if type(item) is dict
            else self.check_item(item, where, field, name)
            for name, item in raw.items()
        }

    def check_item(self, item: Any, where: str, field: str, name: str) -> Any:
        return super().check(item, f"{where}[{name!r}]", field)

    def check(self, value: Any, where: str, field: str) -> dict[str, _WireModel]:
        if not isinstance(value, Mapping):
            raise _invalid(where, field, f"expected a dict of {self.model.__name__}, got {value!r}")
        out: dict[str, _WireModel] = {}
        for name, item in value.items():
            if not isinstance(name, str):
                raise _invalid(where, field, f"names must be strings, got {name!r}")
            out[name] = self.check_item(item, where, field, name)
        return out

    def dump(self, value: Any) -> Any:
        return {name: item.to_dict() for name, item in value.items()}

    def stored(self, value: Any) -> Any:
        return {name: item._data for name, item in value.items()}


class _Other(Converter):
    """``other_data``: the members the table does not declare (no wire key of its own)."""

    schema = ""

    def check(self, value: Any, where: str, field: str) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise _invalid(where, field, f"expected a dict of extra members, got {value!r}")
        return dict(value)


STRING = _Str()
UUID_STRING = _Uuid()
NUMBER = _Number()
INTEGER = _Int()
BOOLEAN = _Bool()
DATETIME = _DateTime()
STATUS = _Status()
JSON_OBJECT = _Dict()
STRINGS = _StrList()
GEOMETRY = _Geometry()
OTHER = _Other()

_NO_DEFAULT: Any = object()


class WireField:
    """One row of a model's table: wire key, attribute (its name in the class), converter and
    default. A descriptor: the first read converts the stored wire value and caches it on the
    instance; later reads are plain attribute reads."""

    __slots__ = (
        "attr",
        "converter",
        "default",
        "default_factory",
        "key",
        "kw_only",
        "owner",
        "where",
    )

    def __init__(
        self,
        key: str | None,
        converter: Converter,
        default: Any,
        default_factory: Callable[[], Any] | None,
        kw_only: bool,
    ) -> None:
        self.key = key
        self.converter = converter
        self.default = default
        self.default_factory = default_factory
        self.kw_only = kw_only
        self.attr = ""
        self.owner = ""
        self.where = ""  # "Model.attribute", for messages

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = name
        self.owner = owner.__name__
        self.where = f"{owner.__name__}.{name}"

    @property
    def required(self) -> bool:
        return self.default is _NO_DEFAULT and self.default_factory is None

    def __get__(self, obj: _WireModel | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        if self.key is None:  # other_data
            value: Any = {k: v for k, v in obj._data.items() if k not in obj._by_key}
        else:
            raw = obj._data.get(self.key)
            value = None if raw is None else self.converter.parse(raw, self.where, self.attr)
        obj.__dict__[self.attr] = value
        return value

    def assign(self, obj: _WireModel, value: Any) -> None:
        """Check and store ``value`` (a Python value or its wire form; None unsets it)."""
        data = obj._data
        if self.key is None:
            value = self.converter.check(value, self.where, self.attr)
            for key in [k for k in data if k not in obj._by_key]:
                del data[key]
        elif value is None:
            data.pop(self.key, None)
        else:
            converter = self.converter
            value = converter.check(value, self.where, self.attr)
            if isinstance(converter, _Model):
                data[self.key] = converter.stored(value)
            else:
                data[self.key] = converter.dump(value)
        obj.__dict__[self.attr] = value


def wire(
    key: str | None,
    converter: Converter,
    *,
    default: Any = _NO_DEFAULT,
    default_factory: Callable[[], Any] | None = None,
    kw_only: bool = False,
) -> Any:
    """Declare a field: its wire ``key`` (None for ``other_data``), its converter, its default."""
    return WireField(key, converter, default, default_factory, kw_only)


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


@dataclass_transform(field_specifiers=(wire,))
class _WireModel(Mapping[str, Any]):
    """A model over its wire JSON: the stored dict plus the fields converted so far."""

    _fields: ClassVar[tuple[WireField, ...]] = ()
    _by_key: ClassVar[dict[str, WireField]] = {}
    _by_attr: ClassVar[dict[str, WireField]] = {}
    _snake_keys: ClassVar[dict[str, str]] = {}
    _required_keys: ClassVar[tuple[str, ...]] = ()
    _nested: ClassVar[tuple[WireField, ...]] = ()
    _data: dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = tuple(v for v in vars(cls).values() if isinstance(v, WireField))
        cls._fields = fields
        cls._by_key = {f.key: f for f in fields if f.key is not None}
        cls._by_attr = {f.attr: f for f in fields}
        cls._snake_keys = {
            f.attr: f.key for f in fields if f.key is not None and f.attr != f.key
        } | {_snake(f.key): f.key for f in fields if f.key is not None and _snake(f.key) != f.key}
        cls._required_keys = tuple(f.key for f in fields if f.key is not None and f.required)
        cls._nested = tuple(f for f in fields if f.converter.nested)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        self.__dict__["_data"] = {}
        positional = [f for f in cls._fields if not f.kw_only]
        if len(args) > len(positional):
            raise TypeError(
                f"{cls.__name__}() takes {len(positional)} positional arguments, {len(args)} given"
            )
        values = {f.attr: value for f, value in zip(positional, args, strict=False)}
        for name, value in kwargs.items():
            if name in values:
                raise TypeError(f"{cls.__name__}() got multiple values for argument {name!r}")
            if name not in cls._by_attr:
                hint = cls._attr_hint(name)
                raise TypeError(
                    f"{cls.__name__}() got an unexpected keyword argument {name!r}{hint}"
                )
            values[name] = value
        for f in cls._fields:
            if f.attr in values:
                value = values[f.attr]
            elif f.default_factory is not None:
                value = f.default_factory()
            elif f.required:
                raise TypeError(f"{cls.__name__}() missing required argument {f.attr!r}")
            else:
                value = f.default
            if value is None and f.required:
                raise _invalid(f.where, f.attr, "is required")
            if value is not None:
                f.assign(self, value)

    @classmethod
    def _attr_hint(cls, name: str) -> str:
        field = cls._by_key.get(name)
        return f" (did you mean {field.attr!r}?)" if field is not None else ""

    # -- wire data in and out ----------------------------------------------------------------

    @classmethod
    def _from_wire(cls, data: dict[str, Any]) -> Self:
        """Wrap a dict made by ``json.loads`` (owned by the model from now on; not copied)."""
        obj = cls.__new__(cls)
        obj.__dict__["_data"] = data
        for key in cls._required_keys:
            if data.get(key) is None:
                raise SentinelHubValidationError(
                    f"{cls.__name__}: the required field {key!r} is missing", field=key
                )
        return obj

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse the wire JSON (a dict, or a model of this package). ``null`` means absent; a
        snake_case key such as ``sensing_time`` is refused (did you mean ``sensingTime``?)."""
        if isinstance(data, _WireModel):
            plain: Any = data.to_dict()
        elif isinstance(data, Mapping):
            plain = _json_copy(dict(data))
        else:
            to_dict = getattr(data, "to_dict", None)
            plain = to_dict() if callable(to_dict) else None
            if not isinstance(plain, dict):
                raise SentinelHubValidationError(
                    f"{cls.__name__}.from_dict: expected a dict, got {data!r}"
                )
        cls._refuse_snake_keys(plain)
        return cls._from_wire(plain)

    @classmethod
    def _refuse_snake_keys(cls, data: Mapping[str, Any]) -> None:
        """Refuse a snake_case key (``sensing_time``) here and in the nested models."""
        snake = cls._snake_keys
        if not snake.keys().isdisjoint(data.keys()):
            for key in data:
                if key in snake and key not in cls._by_key:
                    raise SentinelHubValidationError(
                        f"{cls.__name__}: {key!r} is not a wire key; did you mean {snake[key]!r}?",
                        field=key,
                    )
        for f in cls._nested:
            assert f.key is not None
            assert isinstance(f.converter, _Model)
            inner = data.get(f.key)
            if not isinstance(inner, Mapping):
                continue
            model = f.converter.model
            items = inner.values() if isinstance(f.converter, _ModelMap) else [inner]
            for item in items:
                if isinstance(item, Mapping):
                    model._refuse_snake_keys(item)

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Parse a JSON document (see `from_dict`)."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SentinelHubValidationError(f"{cls.__name__}.from_json: {exc}") from exc
        if not isinstance(data, dict):
            raise SentinelHubValidationError(
                f"{cls.__name__}.from_json: expected a JSON object, got {type(data).__name__}"
            )
        cls._refuse_snake_keys(data)
        return cls._from_wire(data)

    def to_dict(self) -> dict[str, Any]:
        """The wire JSON (camelCase keys, unset fields left out, unknown fields included), as new
        dicts and lists."""
        return cast(dict[str, Any], _json_copy(self._wire()))

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict()`` as a JSON string (keyword arguments go to `json.dumps`)."""
        return json.dumps(self._wire(), **kwargs)

    def _wire(self) -> dict[str, Any]:
        """The current wire JSON; nested values may be the stored ones (not copied)."""
        cached = self.__dict__
        data = self._data
        if "other_data" in cached:
            known = self._by_key
            out = {k: v for k, v in data.items() if k in known}
            for key, value in cached["other_data"].items():
                if key not in known:
                    out[key] = value
        else:
            out = dict(data)
        for f in self._nested:
            value = cached.get(f.attr)
            if value is not None:
                assert f.key is not None
                out[f.key] = f.converter.dump(value)
        return out

    def validate(self) -> Self:
        """Convert every field now (they are converted lazily otherwise); raises
        `SentinelHubValidationError` naming the first bad field. Returns the model."""
        for f in self._fields:
            value = getattr(self, f.attr)
            if value is None:
                continue
            if isinstance(value, _WireModel):
                value.validate()
            elif isinstance(f.converter, _ModelMap):
                for item in value.values():
                    item.validate()
            else:
                f.converter.check(value, f.where, f.attr)
        return self

    # -- editing -----------------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        field = self._by_attr.get(name)
        if field is None:
            raise AttributeError(
                f"{type(self).__name__} has no field {name!r}{self._attr_hint(name)}; "
                f"fields: {', '.join(self._by_attr)}"
            )
        field.assign(self, value)

    def __setitem__(self, key: str, value: Any) -> None:
        """Set a member by wire key (``tile["sensingTime"] = ...``), converted and checked like
        the attribute; other keys go to ``other_data``; ``None`` removes it."""
        field = self._by_key.get(key)
        if field is not None:
            field.assign(self, value)
            return
        if not isinstance(key, str):
            raise TypeError(f"keys are strings, got {key!r}")
        if key in self._snake_keys:
            raise SentinelHubValidationError(
                f"{type(self).__name__}: {key!r} is not a wire key; "
                f"did you mean {self._snake_keys[key]!r}?",
                field=key,
            )
        other = self.__dict__.get("other_data")
        if other is not None:
            other[key] = value
        else:
            self._data[key] = value

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        field = self._by_key.get(key)
        if field is not None:
            field.assign(self, None)
            return
        other = self.__dict__.get("other_data")
        if other is not None:
            del other[key]
        else:
            del self._data[key]

    # -- reading as a mapping of the wire JSON -------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        cached = self.__dict__
        field = self._by_key.get(key)
        if field is None:
            other = cached.get("other_data")
            if other is not None:
                return other[key]
            return self._data[key]
        if field.converter.nested and cached.get(field.attr) is not None:
            return field.converter.dump(cached[field.attr])
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        if "other_data" in self.__dict__:
            return iter(self._wire())
        return iter(list(self._data))

    def __len__(self) -> int:
        if "other_data" in self.__dict__:
            return len(self._wire())
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str) and key in self._by_key:
            return key in self._data
        if "other_data" in self.__dict__:
            return key in self.__dict__["other_data"]
        return key in self._data

    # -- value semantics -------------------------------------------------------------------

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.attr) for f in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __copy__(self) -> Self:
        return type(self).from_dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return type(self).from_dict(self)

    def __repr__(self) -> str:
        parts = []
        for f in self._fields:
            value = getattr(self, f.attr)
            if value is not None and (f.key is not None or value):
                parts.append(f"{f.attr}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


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
