"""Where the tests find the provider's published OpenAPI spec, which never enters the project.

``SH_UPSTREAM_SPEC`` names the file; without it, ``shared/reference/`` beside the checkout (or
beside the folder that holds a worktree) is tried. Absent, the tests that need it skip with a
reason that says how to point them at it, unless ``SH_REQUIRE_UPSTREAM_SPEC=1`` (which `.ci/run`
sets): then they fail, so CI cannot pass with them silently skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = "SH_UPSTREAM_SPEC"
REQUIRE_ENV = "SH_REQUIRE_UPSTREAM_SPEC"
FILE_NAME = "sentinel-hub-openapi.official.yaml"
DEFAULTS = [base / "shared" / "reference" / FILE_NAME for base in (ROOT.parent, ROOT.parent.parent)]
# Read once, at import (collection): tests/conftest.py clears every SH_* variable around each test.
_GIVEN = os.environ.get(ENV)
_REQUIRED = os.environ.get(REQUIRE_ENV) == "1"


def upstream_spec_path() -> Path:
    """The path the tests read: ``SH_UPSTREAM_SPEC`` if set, else the first default that exists
    (else the first default, which then does not exist)."""
    if _GIVEN:
        return Path(_GIVEN).expanduser().resolve()
    return next((path for path in DEFAULTS if path.is_file()), DEFAULTS[0])


def missing_reason(path: Path) -> str:
    return (
        f"the provider's published OpenAPI spec is not at {path}; "
        f"point {ENV} at a copy of {FILE_NAME} to run these tests "
        f"(e.g. {ENV}=../shared/reference/{FILE_NAME} .venv/bin/pytest)"
    )


def require_upstream_spec() -> Path:
    """The spec's path, or skip the calling module (at import time: collection never fails) with
    the reason above; under ``SH_REQUIRE_UPSTREAM_SPEC=1`` a missing spec fails instead."""
    path = upstream_spec_path()
    if path.is_file():
        return path
    if _REQUIRED:
        pytest.fail(f"{REQUIRE_ENV}=1 but {missing_reason(path)}", pytrace=False)
    pytest.skip(missing_reason(path), allow_module_level=True)
    raise AssertionError("unreachable")  # pytest.skip raises
