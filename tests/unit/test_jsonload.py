"""The one JSON decoder gives what json.loads gives, for what orjson refuses too."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sentinelhub_client._core import jsonload

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    # beyond 64 bits, where orjson alone would give a float
    | st.integers(min_value=2**63 - 2, max_value=2**80)
    | st.integers(min_value=-(2**80), max_value=-(2**63) + 1)
    | st.floats(allow_nan=False)
    | st.text(),
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


@pytest.mark.parametrize(
    "text",
    [
        "123456789012345678901234567890",
        "-9223372036854775809",
        '{"a": [18446744073709551616, 1.5]}',
        "[100000000000000000000.0]",
    ],
)
def test_an_integer_beyond_64_bits_keeps_every_digit(text: str) -> None:
    expected = json.loads(text)
    for data in (text.encode(), text, memoryview(text.encode())):
        got = jsonload.loads(data)
        assert got == expected
        assert repr(got) == repr(expected)


def test_long_digit_runs_inside_strings_still_decode() -> None:
    text = '{"id": "1234567890123456789012", "n": 7}'
    assert jsonload.loads(text.encode()) == {"id": "1234567890123456789012", "n": 7}


def test_garbage_raises_value_error() -> None:
    with pytest.raises(ValueError, match="Expecting"):
        jsonload.loads(b"{not json")
