"""Fixtures of the integration tests: the facade talking to a real emulator over a socket."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sentinelhub_client import RetryPolicy, SHConfig
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_cog

from tests.support.twin import Twin, make_twin

BUCKET = "bucket"
PLANET_BUCKET = "planet"
BANDS = ("B02", "B03", "B04")


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One emulator per module; tests isolate themselves with their own collections."""
    with Emulator(tmp_path_factory.mktemp("emu"), planet_buckets=[PLANET_BUCKET]) as emu:
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


@pytest.fixture(params=["sync", "async"])
async def byoc(request: pytest.FixtureRequest, emulator: Emulator) -> AsyncIterator[Twin]:
    twin = make_twin(request.param, config_for(emulator))
    yield twin
    await twin.close()


def bucket_dir(emu: Emulator, bucket: str = BUCKET) -> Path:
    return emu.data_dir / "buckets" / bucket


def write_scene(
    emu: Emulator,
    path: str,
    *,
    crs_epsg: int = 32633,
    bounds: tuple[float, float, float, float] = (500_000.0, 5_000_000.0, 502_560.0, 5_002_560.0),
    bands: tuple[str, ...] = BANDS,
    size: int = 256,
    dtype: str = "uint16",
) -> None:
    """Write one small COG per band for the tile path ``path`` (with ``(BAND)``)."""
    for band in bands:
        write_cog(
            bucket_dir(emu) / path.replace("(BAND)", band),
            crs_epsg=crs_epsg,
            bounds=bounds,
            width=size,
            height=size,
            dtype=dtype,
        )
