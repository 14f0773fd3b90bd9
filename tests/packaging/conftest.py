"""The base install in a venv of its own, built once per module (a second or two, offline)."""

from __future__ import annotations

import pytest

from tests.packaging.baseenv import BaseEnv, build_base_env


@pytest.fixture(scope="module")
def base_env(tmp_path_factory: pytest.TempPathFactory) -> BaseEnv:
    """A venv holding ``pip install sentinelhub-client`` without extras (see `baseenv`)."""
    return build_base_env(tmp_path_factory.mktemp("base") / "venv")
