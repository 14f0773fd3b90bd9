"""The one JSON decoder gives what json.loads gives, for what orjson refuses too."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sentinelhub_client._core import jsonload

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
def test_it_decodes_like_json_loads(value: object) -> None:
    text = json.dumps(value)
    assert jsonload.loads(text.encode()) == json.loads(text)
    assert jsonload.loads(text) == json.loads(text)


def test_what_orjson_refuses_falls_back_to_json() -> None:
    text = '{"a": NaN, "b": -Infinity, "c": [1, 2]}'
    got = jsonload.loads(memoryview(text.encode()))
    assert repr(got) == repr(json.loads(text))


def test_nesting_past_the_depth_is_a_recursion_error_as_in_json() -> None:
    with pytest.raises(RecursionError):
        jsonload.loads(b"[" * 100_000 + b"]" * 100_000)


def test_a_huge_integer_becomes_a_float() -> None:
    assert jsonload.loads(b"123456789012345678901234567890") == pytest.approx(1.2345678901e29)


def test_garbage_raises_value_error() -> None:
    with pytest.raises(ValueError, match="Expecting"):
        jsonload.loads(b"{not json")
