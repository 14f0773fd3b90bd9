"""Each facade model's table (wire key, attribute, converter) against the spec's schema: the same
members, the same required ones, converters that fit the declared types, nested models where the
spec refers to another schema."""

from __future__ import annotations

from typing import Any

import pytest
from sentinelhub_client import (
    ByocCollection,
    ByocCollectionAdditionalData,
    ByocCollectionBand,
    ByocTile,
)
from sentinelhub_client.byoc import models as m

from tests.support.spec import spec

#: facade model -> the spec schema it reads and writes.
MODELS: dict[type[Any], str] = {
    ByocCollection: "ByocCollection",
    ByocCollectionAdditionalData: "ByocCollectionAdditionalData",
    ByocCollectionBand: "ByocBand",
    ByocTile: "ByocTile",
}


def schema(name: str) -> dict[str, Any]:
    result: dict[str, Any] = spec()["components"]["schemas"][name]
    return result


def ref_name(node: dict[str, Any]) -> str | None:
    """The schema a property refers to (directly or as the first ``anyOf`` branch)."""
    if "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    for branch in node.get("anyOf", []):
        if "$ref" in branch:
            return str(branch["$ref"]).rsplit("/", 1)[-1]
    return None


def json_types(node: dict[str, Any]) -> set[str]:
    declared = node.get("type")
    if isinstance(declared, str):
        return {declared} - {"null"}
    if isinstance(declared, list):
        return set(declared) - {"null"}
    types: set[str] = set()
    for branch in node.get("anyOf", []):
        types |= json_types(branch)
    return types


def expected_converter(node: dict[str, Any]) -> type[m.Converter]:
    """The converter a property's declaration calls for."""
    target = ref_name(node)
    if target in ("Polygon", "MultiPolygon", "Geometry"):
        return m._Geometry
    if target == "ByocTileStatus":
        return m._Status
    if target in ("ByocSampleFormat", "ByocSensingTimes"):
        return m._Str  # open enums: any string
    if target in ("ByocCollectionAdditionalData",):
        return m._Model
    if target == "ByocTileAdditionalData":
        return m._Dict  # read-only service data, kept as the dict it is
    if node.get("format") == "date-time":
        return m._DateTime
    if node.get("format") == "uuid":
        return m._Uuid
    if node.get("type") == "object" and "additionalProperties" in node:
        return m._ModelMap
    types = json_types(node)
    assert len(types) == 1, node
    return {
        "string": m._Str,
        "number": m._Number,
        "integer": m._Int,
        "boolean": m._Bool,
        "array": m._StrList,
    }[types.pop()]


@pytest.mark.parametrize("model", list(MODELS), ids=lambda model: model.__name__)
def test_the_table_has_exactly_the_spec_properties(model: type[Any]) -> None:
    properties = schema(MODELS[model])["properties"]
    table = {f.key for f in model._fields if f.key is not None}
    assert table == set(properties)


@pytest.mark.parametrize("model", list(MODELS), ids=lambda model: model.__name__)
def test_required_members_are_required_arguments(model: type[Any]) -> None:
    required = set(schema(MODELS[model]).get("required", []))
    assert {f.key for f in model._fields if f.required} == required
    assert set(model._required_keys) == required


@pytest.mark.parametrize(
    ("model", "key"),
    [(model, key) for model, name in MODELS.items() for key in schema(name)["properties"]],
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_each_converter_fits_the_declared_type(model: type[Any], key: str) -> None:
    node = schema(MODELS[model])["properties"][key]
    field = model._by_key[key]
    assert type(field.converter) is expected_converter(node)
    if isinstance(field.converter, m._Model):
        referred = ref_name(node) or ref_name(node["additionalProperties"])
        assert referred is not None
        assert MODELS[field.converter.model] == referred


def test_every_model_keeps_unknown_members_in_other_data() -> None:
    for model in MODELS:
        [other] = [f for f in model._fields if f.key is None]
        assert other.attr == "other_data"


def test_band_defaults_follow_the_spec_and_sentinelhub_py() -> None:
    band = schema("ByocBand")["properties"]
    assert ByocCollectionBand._by_key["bandIndex"].default == band["bandIndex"]["default"]
