"""Stand-in renderers for tile-processing tests that need pixels whose meaning is known.

`CoordinateRenderer` answers a Process request the way the engine's interface does, with each
output pixel holding the coordinates of its own centre in the request's CRS (band 1: x, band 2:
y; an output named ``x`` or ``y`` holds that band alone), computed from the request's bbox and
size alone. A batch output file is then right when every pixel holds the centre of that pixel
as the file's own georeferencing computes it. An evalscript containing ``FAIL_SETUP`` is refused
with the engine's 400. `gate` (a `threading.Event`) makes every render wait until it is set.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import rasterio
from affine import Affine
from rasterio.io import MemoryFile
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.process.engine import RenderedOutput, RenderResult


@dataclass
class CoordinateRenderer:
    gate: threading.Event | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Set while a render waits on the gate.
    waiting: threading.Event = field(default_factory=threading.Event)

    def __call__(
        self, ctx: EmulatorContext, account_id: str, request: Mapping[str, Any]
    ) -> RenderResult:
        if "FAIL_SETUP" in request["evalscript"]:
            raise ApiError(400, "Evalscript error: setup() is not defined.", "RENDERER_EXCEPTION")
        with self.lock:
            self.calls.append(dict(request))
        if self.gate is not None:
            self.waiting.set()
            self.gate.wait(30)
        west, south, east, north = request["input"]["bounds"]["bbox"]
        width, height = request["output"]["width"], request["output"]["height"]
        cols = np.arange(width)[None, :]
        rows = np.arange(height)[:, None]
        x = np.broadcast_to(west + (cols + 0.5) * (east - west) / width, (height, width))
        y = np.broadcast_to(north - (rows + 0.5) * (north - south) / height, (height, width))
        transform = Affine((east - west) / width, 0, west, 0, -(north - south) / height, north)
        outputs = []
        for response in request["output"]["responses"]:
            identifier = response["identifier"]
            if response["format"]["type"] == "application/json":
                outputs.append(RenderedOutput(identifier, "application/json", b'{"norm": 1}'))
                continue
            bands = {"x": [x], "y": [y]}.get(identifier, [x, y])
            outputs.append(RenderedOutput(identifier, "image/tiff", _tiff(bands, transform)))
        return RenderResult(outputs, width * height / 512**2)


def _tiff(bands: list[Any], transform: Affine) -> bytes:
    data = np.stack(bands).astype("float64")
    with MemoryFile() as memory:
        with memory.open(
            driver="GTiff",
            width=data.shape[2],
            height=data.shape[1],
            count=data.shape[0],
            dtype="float64",
            transform=transform,
        ) as dataset:
            dataset.write(data)
        return bytes(memory.read())


def pixel_centres(dataset: rasterio.io.DatasetReader) -> tuple[Any, Any]:
    """x and y of every pixel centre of ``dataset`` from its own transform."""
    rows, cols = np.mgrid[0 : dataset.height, 0 : dataset.width]
    t = dataset.transform
    return t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e
