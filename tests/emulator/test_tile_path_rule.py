"""The client refuses before sending exactly the tile paths the emulator refuses: two
implementations (one I/O-free in the facade, one in the emulator's ingestion) held to one rule."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.byoc.calls import check_tile_path
from sentinelhub_emulator.byoc.ingest import IngestionFailure, check_relative_path

_NAME = st.one_of(
    st.sampled_from(["", ".", "..", "a", "(BAND).tif", "C:", "é" * 128, "x" * 255, "x" * 256]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.text(alphabet="ab/\\\x00.:é", max_size=8),
)
_PATH = st.one_of(
    st.lists(_NAME, min_size=1, max_size=6).map("/".join),
    st.builds(lambda n, k: "/".join(["y" * n] * k), st.integers(1, 255), st.integers(1, 12)),
)


def _client_accepts(path: str) -> bool:
    try:
        check_tile_path(path)
    except SentinelHubValidationError:
        return False
    return True


def _emulator_accepts(path: str) -> bool:
    try:
        check_relative_path(path, "tile path")
    except IngestionFailure:
        return False
    return True


@settings(max_examples=600)
@given(_PATH)
def test_client_and_emulator_agree_on_every_path(path: str) -> None:
    assert _client_accepts(path) == _emulator_accepts(path), repr(path)
