"""Every generated model reads back and writes what the spec allows, unknown fields included.

Instances are drawn from the JSON Schema of each component of ``openapi/sentinelhub.yaml`` with
hypothesis-jsonschema. Objects in our spec never forbid extra members, so the drawn instances carry
unknown fields at every level, and the round trip must keep them.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import uuid
from typing import Any

import pytest
import sentinelhub_api.models as models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from tests.support.spec import component_names, json_schema, spec

_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

_FORMATS = {"uuid": st.uuids().map(str)}

# Components that are not objects get no model class of their own: they are used inline.
_INLINE = {"Geometry", "ByocTileFileList"}


def _schemas_with_models() -> list[str]:
    names = []
    for name in component_names():
        schema = spec()["components"]["schemas"][name]
        if name in _INLINE or "enum" in schema:
            continue
        names.append(name)
    return names


def bounded(schema: Any) -> Any:
    """Cap sizes so that instances stay small: at most two unknown members per object and three
    items per array. Unknown members are still drawn everywhere; only their number is bounded."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if "properties" in out:
        out["properties"] = {k: bounded(v) for k, v in out["properties"].items()}
        out.setdefault("maxProperties", len(out["properties"]) + 2)
    for key in ("items", "additionalProperties"):
        if isinstance(out.get(key), dict):
            out[key] = bounded(out[key])
    for key in ("oneOf", "anyOf", "allOf"):
        if key in out:
            out[key] = [bounded(v) for v in out[key]]
    if out.get("type") == "array":
        out.setdefault("maxItems", 3)
    return out


def _instant(moment: dt.datetime) -> tuple[int, int]:
    """Microseconds since 0001-01-01 UTC, computed without `astimezone`, which overflows for an
    offset that moves year 1 or year 9999 out of range."""
    naive = moment.replace(tzinfo=None)
    offset = moment.utcoffset() or dt.timedelta(0)
    seconds = naive.toordinal() * 86_400 + naive.hour * 3600 + naive.minute * 60 + naive.second
    return (seconds - int(offset.total_seconds()), naive.microsecond)


def normalise(value: Any) -> Any:
    """Compare datetimes as instants and UUIDs case-insensitively; everything else as is."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        if _DATETIME.match(value):
            parsed = dt.datetime.fromisoformat(value.replace("z", "+00:00").replace("Z", "+00:00"))
            return ("instant", _instant(parsed))
        if _UUID.match(value):
            return ("uuid", uuid.UUID(value))
    return value


def test_every_object_schema_has_a_generated_model() -> None:
    """The generator drops some schema shapes silently; make sure none of ours was dropped."""
    missing = [name for name in _schemas_with_models() if not hasattr(models, name)]
    assert missing == []


def test_every_enum_schema_has_a_generated_enum() -> None:
    enums = [n for n in component_names() if "enum" in spec()["components"]["schemas"][n]]
    assert enums, "the spec declares enums"
    for name in enums:
        cls = getattr(models, name)
        assert issubclass(cls, enum.Enum)
        assert {m.value for m in cls} == set(spec()["components"]["schemas"][name]["enum"])


@pytest.mark.parametrize("name", _schemas_with_models())
def test_model_round_trip(name: str) -> None:
    model = getattr(models, name)
    strategy = from_schema(bounded(json_schema(name)), custom_formats=_FORMATS)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(strategy)
    def check(instance: dict[str, Any]) -> None:
        parsed = model.from_dict(instance)
        assert normalise(parsed.to_dict()) == normalise(instance)

    check()


@given(
    extra=st.dictionaries(
        st.text(min_size=1).filter(lambda k: k not in {"path", "status", "id"}),
        st.integers() | st.text() | st.booleans(),
        max_size=3,
    ),
    status=st.text(min_size=1).filter(lambda s: s not in {m.value for m in models.ByocTileStatus}),
)
def test_unknown_tile_status_and_fields_survive(extra: dict[str, Any], status: str) -> None:
    wire = {"path": "scenes/(BAND).tif", "status": status, **extra}
    tile = models.ByocTile.from_dict(wire)
    assert tile.status == status
    assert tile.to_dict() == wire


def test_known_status_parses_to_the_enum() -> None:
    tile = models.ByocTile.from_dict({"path": "a", "status": "INGESTED"})
    assert tile.status is models.ByocTileStatus.INGESTED


def test_unknown_batch_status_parses() -> None:
    """A status the service adds later (sentinelhub-py crashed on PARTIAL once) still parses."""
    wire = {
        "processRequest": {"input": {"bounds": {}, "data": [{"type": "byoc-x"}]}, "evalscript": ""},
        "status": "ARCHIVED",
        "userAction": "PAUSE",
    }
    request = models.BatchRequest.from_dict(wire)
    assert (request.status, request.user_action) == ("ARCHIVED", "PAUSE")
    assert request.to_dict() == wire


def test_error_body_accepts_list_and_object_errors() -> None:
    as_list = {
        "error": {
            "status": 400,
            "code": "COMMON_BAD_PAYLOAD",
            "errors": [{"parameter": "output->resx", "violation": "too large"}],
        }
    }
    as_object = {"error": {"status": 400, "errors": {"detail": "x"}}}
    parsed = models.ErrorEnvelope.from_dict(as_list)
    assert parsed.error.errors[0].parameter == "output->resx"
    assert parsed.to_dict() == as_list
    assert models.ErrorEnvelope.from_dict(as_object).to_dict() == as_object


# -- the facade's models: the same properties ------------------------------------------------

_FACADE_MODELS = {
    "ByocCollection": "ByocCollection",
    "ByocCollectionAdditionalData": "ByocCollectionAdditionalData",
    "ByocCollectionBand": "ByocBand",
    "ByocTile": "ByocTile",
}


@pytest.mark.parametrize("name", sorted(_FACADE_MODELS))
def test_facade_model_round_trip(name: str) -> None:
    """``from_dict(x).to_dict() == x`` exactly (nulls and unknown members included); after every
    field was read (each converted once) and after each was assigned back to itself (converted
    through the table), the same instants and values."""
    import sentinelhub_client

    model = getattr(sentinelhub_client, name)
    strategy = from_schema(bounded(json_schema(_FACADE_MODELS[name])), custom_formats=_FORMATS)
    snake = set(model._snake_keys)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(strategy)
    def check(instance: dict[str, Any]) -> None:
        if snake & set(instance):
            return  # a snake_case twin of a wire key is refused (tested apart)
        parsed = model.from_dict(instance)
        assert parsed.to_dict() == instance
        assert parsed.validate().to_dict() == instance
        assert dict(parsed) == instance
        for field in model._fields:
            setattr(parsed, field.attr, getattr(parsed, field.attr))
        assert normalise(parsed.to_dict()) == normalise(_without_nulls(instance, model._by_key))
        assert model.from_dict(parsed.to_dict()) == parsed

    check()


def _without_nulls(instance: dict[str, Any], known: Any) -> dict[str, Any]:
    """Assigning None to a field unsets it; unknown members keep their nulls."""
    return {k: v for k, v in instance.items() if v is not None or k not in known}
