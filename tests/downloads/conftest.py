"""Fixtures of the download tests: a scripted file server behind respx, an `api` fixture that runs
each test once through the sync functions and once through their async twins, and (for the
integration tests) a running emulator with a Planet bucket."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import respx
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client.byoc.files import sync as dl
from sentinelhub_emulator import Emulator

from tests.downloads.fake_server import BASE_URL, TOKEN, FakeServer
from tests.support.emulator import fetch_token

#: No waiting between attempts (also skips Retry-After waits).
FAST = RetryPolicy(backoff=0, max_attempts=6)
PLANET_BUCKET = "planet"


def sha256(data: bytes | Path) -> str:
    if isinstance(data, Path):
        digest = hashlib.sha256()
        with data.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    return hashlib.sha256(data).hexdigest()


def random_bytes(size: int, seed: int = 0) -> bytes:
    """Incompressible, reproducible test content."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest() * 64
        counter += 1
    return bytes(out[:size])


class Api:
    """Calls ``name`` of `sentinelhub_client.byoc.files.sync` (sync) or ``a<name>`` (async).

    A fresh client per call: ``base_url`` and an ``Authorization`` header, as the facade's.
    ``iter_tile_file`` is collected into a list. ``retry`` defaults to `FAST`.
    """

    def __init__(self, kind: str, base_url: str = BASE_URL, token: str = TOKEN) -> None:
        self.kind = kind
        self.base_url = base_url
        self.token = token

    def client_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "headers": {"Authorization": f"Bearer {self.token}"},
            "timeout": 30,
        }

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("retry", FAST)
        if self.kind == "sync":
            with httpx.Client(**self.client_kwargs()) as client:
                result = getattr(dl, name)(client, *args, **kwargs)
                return list(result) if name == "iter_tile_file" else result

        async def main() -> Any:
            async with httpx.AsyncClient(**self.client_kwargs()) as client:
                function = getattr(dl, "a" + name)
                if name == "iter_tile_file":
                    return [chunk async for chunk in function(client, *args, **kwargs)]
                return await function(client, *args, **kwargs)

        return anyio.run(main, backend="asyncio")


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest) -> Api:
    return Api(request.param)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def fake(router: respx.MockRouter) -> FakeServer:
    server = FakeServer({})
    router.route(host="sh.test").mock(side_effect=server)
    return server


# ---------------------------------------------------------------------------------- emulator


@dataclass
class PlanetTile:
    """A tile of a Planet collection in the emulator, and the folder holding its files."""

    emu: Emulator
    collection_id: str
    tile_id: str
    folder: Path
    token: str

    def put(self, rel: str, data: bytes) -> Path:
        target = self.folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    def rewrite(self, rel: str, data: bytes) -> None:
        """Replace a file with new content (new inode and mtime: a new ETag)."""
        target = self.folder / rel
        temporary = target.with_name(target.name + ".new")
        temporary.write_bytes(data)
        os.replace(temporary, target)

    def api(self, kind: str) -> Api:
        return Api(kind, base_url=self.emu.base_url, token=self.token)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(tmp_path_factory.mktemp("emulator"), planet_buckets=[PLANET_BUCKET]) as emu:
        yield emu


@pytest.fixture(scope="module")
def emulator_token(emulator: Emulator) -> str:
    return fetch_token(emulator)


@pytest.fixture
def planet_tile(emulator: Emulator, emulator_token: str) -> Iterator[PlanetTile]:
    """A new collection on the Planet bucket with one tile whose path is a fresh folder."""
    emulator.clear_faults()
    headers = {"Authorization": f"Bearer {emulator_token}"}
    with httpx.Client(base_url=emulator.base_url + "/api/v1/byoc", headers=headers) as client:
        response = client.post(
            "/collections", json={"name": "planet scenes", "s3Bucket": PLANET_BUCKET}
        )
        assert response.status_code == 201, response.text
        collection_id = response.json()["data"]["id"]
    tile_path = f"orders/{uuid.uuid4().hex}/scene"
    # Seeded as INGESTED: the files are not COGs and the ingestion worker need not look at them.
    [tile] = emulator.store.create_tiles(
        collection_id, [(tile_path, None, None)], status="INGESTED"
    )
    tile_id = str(tile.id)
    folder = emulator.data_dir / "buckets" / PLANET_BUCKET / tile_path
    folder.mkdir(parents=True, exist_ok=True)
    yield PlanetTile(emulator, collection_id, tile_id, folder, emulator_token)
    emulator.clear_faults()
