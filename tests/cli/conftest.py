"""``shc`` against an in-process emulator, through click's test runner."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from click.testing import CliRunner, Result
from sentinelhub_client._core.config import MAIN_TOKEN_URL
from sentinelhub_client.cli.root import cli
from sentinelhub_emulator import Emulator

BUCKET = "bucket"
PLANET_BUCKET = "planet"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(tmp_path_factory.mktemp("emu"), planet_buckets=[PLANET_BUCKET]) as emu:
        yield emu


class Shc:
    """Runs ``shc`` with the emulator's credentials in the environment, as a user would."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.runner = CliRunner()
        self.env = {
            "SH_CLIENT_ID": emu.client_id,
            "SH_CLIENT_SECRET": emu.client_secret,
            "SH_BASE_URL": emu.base_url,
            "SH_TOKEN_URL": emu.token_url,
            "SH_RETRY_ZERO_BACKOFF": "1",
        }

    def __call__(self, *args: str, input: str | None = None, ok: bool = True) -> Result:
        result = self.runner.invoke(cli, list(args), env=self.env, input=input)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    def bucket(self, name: str = BUCKET) -> Path:
        return self.emu.data_dir / "buckets" / name


@pytest.fixture(scope="module")
def world(emulator: Emulator) -> dict[str, Any]:
    """A collection with one ingested tile of known B1 pixels (see `tests.cli.world`)."""
    from tests.cli.world import build_world

    return build_world(emulator)


@pytest.fixture
def terminal_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard error of click's test runner claims to be a terminal (standard output does not),
    as when a user runs ``shc ... > out.json`` in a terminal."""
    from click import testing

    monkeypatch.setattr(testing._NamedTextIOWrapper, "isatty", lambda self: self.name == "<stderr>")


@pytest.fixture
def shc(emulator: Emulator) -> Shc:
    return Shc(emulator)


def table(output: str) -> list[list[str]]:
    """The rows of a table printed by shc (split on runs of two or more spaces)."""
    import re

    return [re.split(r"\s{2,}", line.strip()) for line in output.splitlines() if line.strip()]


def column(output: str, name: str) -> Sequence[str]:
    """The cells of column ``name`` of a table printed by shc (columns start where their header
    starts; empty cells stay empty)."""
    header, *rows = output.splitlines()
    starts = [i for i, ch in enumerate(header) if ch != " " and (i == 0 or header[i - 1] == " ")]
    names = header.split()
    index = names.index(name)
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else None
    return [row[start:end].strip() for row in rows]


# -- a mocked service (respx), for the exact requests on the wire ----------------------------------

MOCK_BASE_URL = "https://services.sentinel-hub.com"
MOCK_SECRET = "client-secret-value"
MOCK_TOKEN = "token-0123456789"


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """The mocked service, with a token endpoint that issues `MOCK_TOKEN`."""
    with respx.mock(base_url=MOCK_BASE_URL, assert_all_called=False) as router:
        router.post(MAIN_TOKEN_URL, name="token").respond(
            json={"access_token": MOCK_TOKEN, "expires_in": 3600, "token_type": "Bearer"}
        )
        yield router


class MockedShc:
    """Runs ``shc`` against the mocked service, with credentials in the environment."""

    def __init__(self) -> None:
        self.runner = CliRunner()
        self.env = {
            "SH_CLIENT_ID": "client-id",
            "SH_CLIENT_SECRET": MOCK_SECRET,
            "SH_RETRY_ZERO_BACKOFF": "1",
        }

    def __call__(self, *args: str, ok: bool = True) -> Result:
        result = self.runner.invoke(cli, list(args), env=self.env)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result


@pytest.fixture
def mocked(api: respx.MockRouter) -> MockedShc:
    return MockedShc()


def only_call(route: respx.Route) -> httpx.Request:
    """The one request ``route`` received."""
    assert route.call_count == 1, route.calls
    return route.calls.last.request


def error_response(status: int, code: str, message: str, request_id: str) -> httpx.Response:
    """An answer in the service's error envelope, with its request id header."""
    return httpx.Response(
        status,
        json={
            "error": {"status": status, "reason": "Bad Request", "message": message, "code": code}
        },
        headers={"x-request-id": request_id},
    )
