"""``shc`` against an in-process emulator, through click's test runner."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
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
