"""Load the project's OpenAPI document and turn its component schemas into plain JSON Schema."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "sentinelhub.yaml"


@cache
def spec() -> dict[str, Any]:
    loaded = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def component_names() -> list[str]:
    return sorted(spec()["components"]["schemas"])


def json_schema(name: str) -> dict[str, Any]:
    """The component ``name`` with every ``$ref`` inlined (our spec has no recursive schema)."""
    schemas = spec()["components"]["schemas"]

    def inline(node: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(node, Mapping):
            if "$ref" in node:
                target = node["$ref"].rsplit("/", 1)[-1]
                assert target not in stack, f"recursive schema {(*stack, target)}"
                return inline(schemas[target], (*stack, target))
            return {
                k: inline(v, stack) for k, v in node.items() if k not in ("readOnly", "deprecated")
            }
        if isinstance(node, list):
            return [inline(v, stack) for v in node]
        return copy.deepcopy(node)

    result = inline(schemas[name], (name,))
    assert isinstance(result, dict)
    return result
