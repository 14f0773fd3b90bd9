"""Fixtures of the Process tests: a mocked service (respx), credentials, the client twins, and
real images made with numpy / rasterio / Pillow."""

from __future__ import annotations

import inspect
import io
import tarfile
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import numpy as np
import pytest
import respx
from sentinelhub_client import RetryPolicy, SHConfig
from sentinelhub_client._core import transport as _transport
from sentinelhub_client._core.config import MAIN_TOKEN_URL
from sentinelhub_client.process import AsyncSentinelHubProcess, SentinelHubProcess

BASE_URL = "https://services.sentinel-hub.com"
PROCESS = "/api/v1/process"
ASYNC = "/api/v1/async/process"
TOKEN_URL = MAIN_TOKEN_URL
COLLECTION_ID = "0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"
EVALSCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1", "B2", "B3", "dataMask"], output: {bands: 3, sampleType: "UINT16"}};
}
function evaluatePixel(s) { return [s.B1, s.B2, s.B3]; }
"""


@pytest.fixture
def config() -> SHConfig:
    """Credentials and zero backoff."""
    return SHConfig(
        sh_client_id="client-id",
        sh_client_secret="client-secret-value",
        retry=RetryPolicy(backoff=0),
    )


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """The mocked service, with a token endpoint that issues ``token-1``."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.post(TOKEN_URL, name="token").respond(
            json={"access_token": "token-1", "expires_in": 3600, "token_type": "Bearer"}
        )
        yield router


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Records the transport's waits instead of sleeping."""
    recorded: list[float] = []

    def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def fake_asleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(_transport, "_sleep", fake_sleep)
    monkeypatch.setattr(_transport, "_asleep", fake_asleep)
    return recorded


class Twin:
    """Calls the sync or the async Process client the same way from an async test."""

    def __init__(self, client: SentinelHubProcess | AsyncSentinelHubProcess) -> None:
        self.client = client
        self.is_async = isinstance(client, AsyncSentinelHubProcess)

    async def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, name)(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def close(self) -> None:
        if isinstance(self.client, AsyncSentinelHubProcess):
            await self.client.close()
        else:
            self.client.close()


def make_twin(kind: str, config: SHConfig, **kwargs: Any) -> Twin:
    if kind == "sync":
        return Twin(SentinelHubProcess(config, **kwargs))
    return Twin(AsyncSentinelHubProcess(config, **kwargs))


@pytest.fixture(params=["sync", "async"])
async def process(
    request: pytest.FixtureRequest, config: SHConfig, api: respx.MockRouter
) -> AsyncIterator[Twin]:
    """The Process client, sync then async, against the mocked service."""
    twin = make_twin(request.param, config)
    yield twin
    await twin.close()


# -- real encoded images ------------------------------------------------------------------------


def geotiff(
    bands: np.ndarray[Any, Any],
    *,
    compress: str | None = "deflate",
    interleave: str = "pixel",
) -> bytes:
    """A GeoTIFF (EPSG:32633) of ``bands`` shaped (count, height, width), made with rasterio."""
    from affine import Affine
    from rasterio.io import MemoryFile

    count, height, width = bands.shape
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": count,
        "dtype": bands.dtype.name,
        "crs": "EPSG:32633",
        "transform": Affine(10.0, 0.0, 500000.0, 0.0, -10.0, 4600000.0),
        "interleave": interleave,
    }
    if compress:
        profile["compress"] = compress
    with MemoryFile() as memory:
        with memory.open(**profile) as dataset:
            dataset.write(bands)
        data: bytes = memory.read()
    return data


def rasterio_png(bands: np.ndarray[Any, Any]) -> bytes:
    """A PNG of ``bands`` (count, height, width) written by GDAL (16-bit colour included)."""
    from rasterio.errors import NotGeoreferencedWarning
    from rasterio.io import MemoryFile

    count, height, width = bands.shape
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with MemoryFile() as memory:
            with memory.open(
                driver="PNG", width=width, height=height, count=count, dtype=bands.dtype.name
            ) as dataset:
                dataset.write(bands)
            data: bytes = memory.read()
    return data


def pillow_image(array: np.ndarray[Any, Any], fmt: str, **options: Any) -> bytes:
    """``array`` (height, width[, channels]) encoded by Pillow as PNG or JPEG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def tar_of(members: dict[str, bytes]) -> bytes:
    """A tar archive holding ``members``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sample_bands(count: int = 3, height: int = 6, width: int = 5, dtype: str = "uint16") -> Any:
    """Distinct values per band and pixel."""
    values = np.arange(count * height * width).reshape(count, height, width) * 37 + 3
    if np.dtype(dtype).kind == "f":
        return (values / 7.0).astype(dtype)
    if np.dtype(dtype).kind == "i":
        return (values - 200).astype(dtype)
    return (values % np.iinfo(dtype).max).astype(dtype)


def tiff_response(content: bytes, pu: str | None = "0.0123") -> httpx.Response:
    headers = {"content-type": "image/tiff"}
    if pu is not None:
        headers["x-processingunits-spent"] = pu
    return httpx.Response(200, content=content, headers=headers)
