"""The project's spec is a valid OpenAPI document, and YAML read it as it was meant to be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "sentinelhub.yaml"


def test_spec_validates() -> None:
    spec, _ = read_from_filename(str(SPEC))
    validate(spec)


def _null_members(node: Any, where: str = "") -> list[str]:
    if isinstance(node, dict):
        found = [f"{where}/{key}" for key, value in node.items() if value is None]
        for key, value in node.items():
            found += _null_members(value, f"{where}/{key}")
        return found
    if isinstance(node, list):
        return [hit for i, item in enumerate(node) for hit in _null_members(item, f"{where}/{i}")]
    return []


def test_no_member_without_a_value() -> None:
    """A comma in an unquoted flow-mapping value (``{description: a, b}``) makes YAML read an
    extra key ``b`` with no value and cut the text short; the spec has no such member."""
    assert _null_members(yaml.safe_load(SPEC.read_text(encoding="utf-8"))) == []


def test_the_check_catches_a_comma_in_a_flow_mapping() -> None:
    broken = yaml.safe_load("'404': {description: No such tile, or file.}")
    assert broken == {"404": {"description": "No such tile", "or file.": None}}
    assert _null_members(broken) == ["/404/or file."]
