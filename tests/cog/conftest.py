"""Fixtures of the COG toolkit tests that talk to the emulator over a socket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sentinelhub_client import RetryPolicy, SHConfig
from sentinelhub_emulator import Emulator

BUCKET = "bucket"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One emulator per module; tests isolate themselves with their own collections."""
    with Emulator(tmp_path_factory.mktemp("emu")) as emu:
        yield emu


def config_for(emu: Emulator, *, max_attempts: int = RetryPolicy.max_attempts) -> SHConfig:
    """Credentials of the emulator's own client, and retries without waiting."""
    return SHConfig(
        use_defaults=True,
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        retry=RetryPolicy(backoff=0, max_attempts=max_attempts),
    )


def bucket_dir(emu: Emulator, bucket: str = BUCKET) -> Path:
    return emu.data_dir / "buckets" / bucket
