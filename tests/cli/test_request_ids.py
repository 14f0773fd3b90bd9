"""A failing ``shc`` command against the emulator names the request id of the answer that
failed, as the emulator sent it in ``SH-Request-Id``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .conftest import Shc

MISSING = "0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Response]:
    """Every answer httpx receives during the test (shc runs in this process)."""
    seen: list[httpx.Response] = []
    send: Callable[..., httpx.Response] = httpx.Client.send

    def recording(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = send(self, request, **kwargs)
        seen.append(response)
        return response

    monkeypatch.setattr(httpx.Client, "send", recording)
    return seen


def request_id_in(line: str) -> str:
    found = re.search(r"\(request id ([^)]+)\)\n$", line)
    assert found, line
    return found.group(1)


@pytest.mark.parametrize(
    "args",
    [
        ("collections", "get", MISSING),
        ("tiles", "list", MISSING),
        ("batch", "get", MISSING),
    ],
    ids=["byoc-collection", "byoc-tiles", "batch-request"],
)
def test_the_error_line_names_the_request_id(
    shc: Shc, answered: list[httpx.Response], args: tuple[str, ...]
) -> None:
    result = shc(*args, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: 404 COMMON_NOT_FOUND: ")
    assert result.stderr.count("\n") == 1
    last = answered[-1]
    assert last.status_code == 404
    assert request_id_in(result.stderr) == last.headers["SH-Request-Id"]
