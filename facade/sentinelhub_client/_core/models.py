"""The model base every facade model is built on: a model over the wire JSON it came as.

A model class declares each field once, with `wire` (wire key, `Converter`, default,
``kw_only``); the class body reads like a dataclass (``dataclass_transform``), and the
constructor, attribute access, item access, ``from_dict`` / ``to_dict`` and ``validate`` all
read that declaration. What every model gets from `WireModel`:

- **Parsed once.** A model wraps the dict that ``json.loads`` made and reads each field from it
  the first time it is asked for (then keeps the converted value). Nested dicts the model does not
  describe are those very dicts, never copies.
- **Unknown fields survive.** Members no field declares are kept in ``other_data`` (declared as
  ``wire(None, OTHER, default_factory=dict)``) and written back flat by ``to_dict``.
- **Nulls mean absent.** ``from_dict`` reads ``null`` as "not set"; the attribute is None, and
  ``to_dict`` leaves it out.
- **Editable, like dataclasses and dicts.** ``model.attr = ...`` and ``model["wireKey"] = ...``
  both convert and check the value; a snake_case key (``model["sensing_time"]``, or in
  ``from_dict``) is refused with "did you mean 'sensingTime'?" rather than kept as unknown.
- **Timezone-aware datetimes.** Parsed ones carry their offset; a naive one is taken as UTC.
- **Readable as the wire JSON.** ``model["key"]``, ``"key" in model``, ``model.get("key")`` read
  the stored wire data directly.

The converters here are the generic ones (strings, ids, numbers, booleans, date-times, JSON
objects, lists of strings, nested models, ``other_data``); a service adds its own (an enum, a
geometry) by subclassing `Converter`. This module imports no service package.
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
    "BOOLEAN",
    "DATETIME",
    "INTEGER",
    "JSON_LIST",
    "JSON_OBJECT",
    "NUMBER",
    "OTHER",
    "STRING",
    "STRINGS",
    "UUID_STRING",
    "Converter",
    "WireField",
    "WireModel",
    "as_uuid",
    "wire",
]


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
    if isinstance(value, WireModel):
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
    #: True when ``dump`` is the identity (the Python value is its own wire form), so that
    #: storing a parsed value costs no call.
    plain: ClassVar[bool] = False

    def parse(self, raw: Any, where: str, field: str) -> Any:
        return self.check(raw, where, field)

    def check(self, value: Any, where: str, field: str) -> Any:
        raise NotImplementedError  # pragma: no cover - every converter overrides it

    def dump(self, value: Any) -> Any:
        return value

    def stored(self, value: Any) -> Any:
        """What the model's wire dict holds for ``value`` (its wire form; nested models keep
        their own dict)."""
        return self.dump(value)


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


def as_uuid(value: object) -> UUID | None:
    """``value`` as a `UUID` when it is one or a UUID string (spaces around it ignored); else
    None, for the caller to say what it expected."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value.strip())
        except ValueError:
            return None
    return None


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


class _Kept(Converter):
    """A JSON container kept as the ``kind`` it is; an ``also`` (a mapping for a dict, a tuple
    for a list) given by hand is converted to it."""

    kind: ClassVar[type]
    also: ClassVar[type]
    what: ClassVar[str]

    def parse(self, raw: Any, where: str, field: str) -> Any:
        return raw if type(raw) is self.kind else self.check(raw, where, field)

    def check(self, value: Any, where: str, field: str) -> Any:
        if isinstance(value, self.kind):
            return value
        if isinstance(value, self.also):
            return self.kind(value)
        raise _invalid(where, field, f"expected a {self.what}, got {value!r}")


class _Dict(_Kept):
    """A JSON object kept as the dict it is (``additionalData`` of a tile)."""

    schema, kind, also, what = "object", dict, Mapping, "dict"


class _List(_Kept):
    """A JSON array kept as the list it is (a STAC item's ``links``, a histogram's ``bins``)."""

    schema, kind, also, what = "array", list, tuple, "list"


class _StrList(Converter):
    schema = "array"

    def check(self, value: Any, where: str, field: str) -> list[str]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise _invalid(where, field, f"expected a list of strings, got {value!r}")
        for item in value:
            if not isinstance(item, str):
                raise _invalid(where, field, f"expected a list of strings, got item {item!r}")
        return list(value)


class _Model(Converter):
    """A nested model; on the wire its dict (shared with the model, not copied)."""

    nested = True
    schema = "object"

    def __init__(self, model: Callable[[], type[WireModel]]) -> None:
        self._model = model

    @property
    def model(self) -> type[WireModel]:
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

    def dump(self, value: WireModel) -> Any:
        return value.to_dict()

    def stored(self, value: WireModel) -> Any:
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

    def check(self, value: Any, where: str, field: str) -> dict[str, WireModel]:
        if not isinstance(value, Mapping):
            raise _invalid(where, field, f"expected a dict of {self.model.__name__}, got {value!r}")
        out: dict[str, WireModel] = {}
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
JSON_OBJECT = _Dict()
JSON_LIST = _List()
STRINGS = _StrList()
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

    def __get__(self, obj: WireModel | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        if self.key is None:  # other_data
            value: Any = {k: v for k, v in obj._data.items() if k not in obj._by_key}
        else:
            raw = obj._data.get(self.key)
            value = None if raw is None else self.converter.parse(raw, self.where, self.attr)
        obj.__dict__[self.attr] = value
        return value

    def assign(self, obj: WireModel, value: Any) -> None:
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
class WireModel(Mapping[str, Any]):
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
    def _from_wire_eagerly(cls, data: Mapping[str, Any]) -> Self:
        """Convert every member of ``data`` now, in one pass, and keep the values: a bad member
        raises here rather than when it is read, and the wire dict holds each value as its
        converter writes it (``null`` members the table declares are dropped; unknown members
        and nested dicts are kept as they came, not copied)."""
        obj = cls.__new__(cls)
        cached = obj.__dict__
        stored: dict[str, Any] = {}
        cached["_data"] = stored
        by_key = cls._by_key
        for key, raw in data.items():
            field = by_key.get(key)
            if field is None:
                stored[key] = raw
            elif raw is not None:
                converter = field.converter
                value = converter.parse(raw, field.where, field.attr)
                cached[field.attr] = value
                stored[key] = value if converter.plain else converter.stored(value)
        for key in cls._required_keys:
            if key not in stored:
                raise SentinelHubValidationError(
                    f"{cls.__name__}: the required field {key!r} is missing", field=key
                )
        return obj

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse the wire JSON (a dict, or a model of this package). ``null`` means absent; a
        snake_case key such as ``sensing_time`` is refused (did you mean ``sensingTime``?)."""
        if isinstance(data, WireModel):
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
    def _json_document(cls, text: str | bytes) -> Any:
        """``text`` parsed as JSON; malformed JSON raises naming ``from_json``."""
        try:
            return json.loads(text)
        except ValueError as exc:
            raise SentinelHubValidationError(f"{cls.__name__}.from_json: {exc}") from exc

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Parse a JSON document (see `from_dict`)."""
        data = cls._json_document(text)
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
            if isinstance(value, WireModel):
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
