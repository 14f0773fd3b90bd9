"""The shared model base (`sentinelhub_client._core.models`): it imports no service package, the
names it took over stay importable from where they were, and a model declared on it alone gets
the behaviour every facade model shares."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client._core import models as core
from sentinelhub_client._core.models import (
    DATETIME,
    INTEGER,
    OTHER,
    STRING,
    WireModel,
    wire,
)

SERVICES = ("batch", "byoc", "cli", "cog", "process", "s3")


def test_core_models_imports_no_service() -> None:
    tree = ast.parse(Path(core.__file__).read_text(encoding="utf-8"))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
        elif isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
    for name in imported:
        parts = name.split(".")
        assert not (parts[0] == "sentinelhub_client" and len(parts) > 1 and parts[1] != "_core"), (
            name
        )
        assert not name.startswith("sentinelhub_api"), name


@pytest.mark.parametrize(
    "name",
    [
        "ByocCollection",
        "ByocCollectionAdditionalData",
        "ByocCollectionBand",
        "ByocTile",
        "Converter",
        "TileStatus",
        "WireField",
        "check_geometry",
        "wire",
        "_WireModel",
        "_Str",
        "_Uuid",
        "_Number",
        "_Int",
        "_Bool",
        "_DateTime",
        "_Dict",
        "_StrList",
        "_Model",
        "_ModelMap",
        "_Other",
        "_Status",
        "_Geometry",
        "STRING",
        "UUID_STRING",
        "NUMBER",
        "INTEGER",
        "BOOLEAN",
        "DATETIME",
        "STATUS",
        "JSON_OBJECT",
        "STRINGS",
        "GEOMETRY",
        "OTHER",
    ],
)
def test_byoc_models_keeps_its_names(name: str) -> None:
    module = importlib.import_module("sentinelhub_client.byoc.models")
    assert hasattr(module, name)


def test_byoc_models_use_the_core_base() -> None:
    from sentinelhub_client.byoc import models as byoc

    assert byoc._WireModel is WireModel
    assert issubclass(byoc.ByocTile, WireModel)
    assert byoc.wire is core.wire


class Thing(WireModel):
    """A model declared on the base alone."""

    name: str = wire("name", STRING)
    made_at: dt.datetime | None = wire("madeAt", DATETIME, default=None)
    size: int | None = wire("size", INTEGER, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)


def test_a_model_on_the_base_alone() -> None:
    raw = {"name": "a", "madeAt": "2024-05-01T10:00:00Z", "extra": [1]}
    thing = Thing.from_dict(raw)
    assert thing.name == "a"
    assert thing.made_at == dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    assert thing.size is None
    assert thing.other_data == {"extra": [1]}
    assert thing["madeAt"] == "2024-05-01T10:00:00Z"
    assert thing.to_dict() == raw
    thing.size = 3.0  # type: ignore[assignment]
    assert thing.size == 3
    assert Thing.from_dict(thing.to_dict()) == thing
    with pytest.raises(SentinelHubValidationError, match="did you mean 'madeAt'"):
        Thing.from_dict({"name": "a", "made_at": "2024-05-01T10:00:00Z"})
    with pytest.raises(SentinelHubValidationError, match="required field 'name'"):
        Thing.from_dict({"size": 1})
    assert Thing("b", size=2).to_dict() == {"name": "b", "size": 2}
