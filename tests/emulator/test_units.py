"""Pure helpers of the emulator, tested without a server."""

from __future__ import annotations

from typing import Any

import pytest
from sentinelhub_emulator import FaultConfig
from sentinelhub_emulator.byoc.files import parse_range
from sentinelhub_emulator.core.admin import _is_loopback
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.core.faults import FaultPlan
from sentinelhub_emulator.core.pagination import decode_token, encode_token
from sentinelhub_emulator.core.spec import _convert, validate_body


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-0", 10, (0, 0)),
        ("bytes=5-", 10, (5, 9)),
        ("bytes=-3", 10, (7, 9)),
        ("bytes=-30", 10, (0, 9)),
        ("bytes=3-100", 10, (3, 9)),
        ("bytes=10-", 10, "unsatisfiable"),
        ("bytes=-0", 10, "unsatisfiable"),
        ("bytes=0-0", 0, "unsatisfiable"),
        ("bytes=5-3", 10, None),
        ("bytes=1-2,4-5", 10, None),
        ("chars=1-2", 10, None),
        ("bytes=-", 10, None),
    ],
)
def test_parse_range(header: str, size: int, expected: Any) -> None:
    assert parse_range(header, size) == expected


@pytest.mark.parametrize("after", [None, 0, 1, 2**62])
def test_view_tokens_round_trip(after: int | None) -> None:
    assert decode_token(encode_token(after)) == after


def test_openapi_30_keywords_are_translated() -> None:
    schema = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string", "nullable": True},
            "kind": {"type": "string", "enum": ["a"], "nullable": True},
            "ref": {"$ref": "#/components/schemas/Other", "nullable": True},
            "size": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
        },
        "example": {"id": "x"},
    }
    assert _convert(schema) == {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": ["string", "null"]},
            "kind": {"type": ["string", "null"], "enum": ["a", None]},
            "ref": {"anyOf": [{"$ref": "#/$defs/Other"}, {"type": "null"}]},
            "size": {"type": "integer", "exclusiveMinimum": 0},
        },
    }


def test_validate_body_names_nested_parameters() -> None:
    body = {"name": "n", "s3Bucket": "b", "additionalData": {"bands": {"B1": {"bitDepth": "8"}}}}
    with pytest.raises(ApiError) as caught:
        validate_body("ByocCollection", body)
    assert caught.value.status == 400
    assert [v.parameter for v in caught.value.violations] == ["additionalData->bands->B1->bitDepth"]


def test_validate_body_ignores_read_only_fields() -> None:
    validate_body(
        "ByocCollection",
        {"name": "n", "s3Bucket": "b", "id": 5, "created": 7, "additionalData": {"extent": 1}},
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate_429": -0.1},
        {"drop_rate": 1.5},
        {"status_5xx": 499},
        {"latency_ms": -1},
        {"retry_after_ms": -5},
        {"max_faults": -1},
        {"rate_429": 0.5, "rate_5xx": 0.3, "drop_rate": 0.3},
    ],
)
def test_fault_config_checks_its_values(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FaultConfig(**kwargs)


def test_fault_config_json_round_trip() -> None:
    config = FaultConfig(seed=4, rate_429=0.25, retry_after_ms=None, max_faults=3)
    assert FaultConfig.from_json(config.to_json()) == config


def test_fault_plan_exempts_admin_and_token_paths() -> None:
    plan = FaultPlan(
        FaultConfig(rate_5xx=1.0), token_paths=("/oauth/token",), exempt_prefixes=("/_emulator",)
    )
    assert plan.decide("/_emulator/faults").action is None
    assert plan.decide("/oauth/token").action is None
    assert plan.decide("/api/v1/byoc/collections").action == "5xx"
    plan.configure(FaultConfig(rate_5xx=1.0, exclude_token_endpoint=False))
    assert plan.decide("/oauth/token").action == "5xx"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("127.8.9.10", True),
        ("10.0.0.1", False),
        ("testclient", False),
        (None, False),
    ],
)
def test_admin_is_loopback_only(host: str | None, loopback: bool) -> None:
    assert _is_loopback(host) is loopback
