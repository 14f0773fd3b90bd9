"""One emulator for the folder, holding the Process tests' small world of BYOC tiles.

Collection ``main`` (uint16 B1 and B2, noData 0) has T1 on 2024-01-01 (bottom left), T2 and T3 on
2024-01-02 at 10:00 and 11:00 (T2 in the middle overlapping both others, T3 bottom right), each
with a block of no-data pixels; nothing on 2024-01-03. Expectations come from these arrays with
numpy (`mosaic`), never from the emulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from sentinelhub_emulator import Emulator

from tests.process_emulator.conftest import (
    CANVAS,
    UTM_CRS,
    Tile,
    World,
    build_world,
    simple_mosaic,
)

__all__ = ["CANVAS", "EVALSCRIPT", "UTM_CRS", "World", "mosaic", "stats_body"]

#: Two bands of one output (``data``: B1 and B2 / 10) and the mask.
EVALSCRIPT = """//VERSION=3
function setup() {
  return {
    input: [{bands: ["B1", "B2", "dataMask"]}],
    output: [{id: "data", bands: 2, sampleType: "FLOAT32"}, {id: "dataMask", bands: 1}]
  };
}
function evaluatePixel(s) {
  return {data: [s.B1, s.B2 / 10], dataMask: [s.dataMask]};
}
"""


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("statistical")
    with Emulator(root) as emu:
        yield build_world(emu, root)


def mosaic(
    tiles: list[Tile],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """B1, B2 / 10 and the data mask of the canvas under SIMPLE mosaicking of ``tiles`` (in
    mosaicking order)."""
    b1, mask = simple_mosaic(tiles, "B1")
    b2, _ = simple_mosaic(tiles, "B2")
    return b1, b2 / 10, mask.astype(bool)


def stats_body(
    *,
    collection: str,
    evalscript: str = EVALSCRIPT,
    time_from: str = "2024-01-01T00:00:00Z",
    time_to: str = "2024-01-04T00:00:00Z",
    of: str = "P1D",
    calculations: dict[str, Any] | None = None,
    geometry: dict[str, Any] | None = None,
    size: tuple[int, int] | None = (512, 384),
    **aggregation: Any,
) -> dict[str, Any]:
    bounds: dict[str, Any] = {"bbox": list(CANVAS), "properties": {"crs": UTM_CRS}}
    if geometry is not None:
        bounds["geometry"] = geometry
    agg: dict[str, Any] = {
        "timeRange": {"from": time_from, "to": time_to},
        "aggregationInterval": {"of": of},
        "evalscript": evalscript,
        **aggregation,
    }
    if size is not None:
        agg["width"], agg["height"] = size
    body: dict[str, Any] = {
        "input": {"bounds": bounds, "data": [{"type": f"byoc-{collection}"}]},
        "aggregation": agg,
    }
    if calculations is not None:
        body["calculations"] = calculations
    return body
