"""`build_update_body`: the body of ``PUT /process/{id}``, built without I/O."""

from __future__ import annotations

from typing import Any

import pytest
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.batch.calls import build_update_body

OUTPUT = {"defaultTilePath": "s3://bucket/out", "cogOutput": True}


@pytest.mark.parametrize(
    ("output", "description", "extra", "body"),
    [
        (OUTPUT, None, {}, {"output": OUTPUT}),
        (None, "d2", {}, {"description": "d2"}),
        (OUTPUT, "d2", {}, {"output": OUTPUT, "description": "d2"}),
        (None, None, {"zarrOutput": {"path": "s3://b"}}, {"zarrOutput": {"path": "s3://b"}}),
        (OUTPUT, "", {"other": None}, {"output": OUTPUT, "description": ""}),
    ],
)
def test_the_body_holds_what_is_given_without_nones(
    output: dict[str, Any] | None,
    description: str | None,
    extra: dict[str, Any],
    body: dict[str, Any],
) -> None:
    assert build_update_body(output, description, extra) == body


def test_the_body_is_a_new_dict() -> None:
    extra = {"zarrOutput": {"path": "s3://b"}}
    body = build_update_body(None, None, extra)
    body["more"] = 1
    assert extra == {"zarrOutput": {"path": "s3://b"}}


@pytest.mark.parametrize(
    ("output", "description", "field", "message"),
    [
        (None, None, "output", "nothing to update"),
        ("s3://bucket", None, "output", "expected a dict"),
        (None, 5, "description", "expected a string or None"),
    ],
)
def test_bad_or_empty_updates_are_refused(
    output: Any, description: Any, field: str, message: str
) -> None:
    with pytest.raises(SentinelHubValidationError, match=message) as caught:
        build_update_body(output, description, {})
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
