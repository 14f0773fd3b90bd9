"""A tile's preview: a PNG rendered by the Process engine from that tile alone.

The engine evaluates an evalscript over the tile's own bounds in its own CRS (``TILE``
mosaicking, ``preProcessScenes`` keeping only this tile, so overlapping tiles never mix in),
``preview_size`` pixels on the long side: a tile of that many pixels comes back with its source
values exactly. Each band is then stretched linearly between its 2nd and 98th percentile over the
valid pixels (``dataMask``) to 0..255 (rounded half up; a band whose two percentiles are equal
is shifted by its 2nd percentile only); invalid pixels are transparent.

Bands: the one chosen, as grey; else true colour: ``B04, B03, B02`` (or ``red, green, blue``)
when the collection has them, otherwise its first three bands as red, green and blue (one or two
bands: the first, as grey).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.core.context import EmulatorContext

__all__ = ["DEFAULT_SIZE", "MAX_SIZE", "preview_bands", "render_preview", "stretch"]

DEFAULT_SIZE: Final = 512
MAX_SIZE: Final = 1024
_TRUE_COLOUR: Final = (("B04", "B03", "B02"), ("red", "green", "blue"))
_CRS84: Final = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def preview_bands(collection: CollectionRecord, band: str | None = None) -> list[str]:
    """The bands a preview shows: ``[band]``, a true-colour triple, or the first band."""
    names = list(collection.bands)
    if band is not None:
        if band not in collection.bands:
            raise KeyError(band)
        return [band]
    by_folded = {name.casefold(): name for name in names}
    for triple in _TRUE_COLOUR:
        if all(name.casefold() in by_folded for name in triple):
            return [by_folded[name.casefold()] for name in triple]
    return names[:3] if len(names) >= 3 else names[:1]


def stretch(values: npt.NDArray[np.float64], valid: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint8]:
    """Bands ``(n, h, w)`` stretched to 0..255 between their 2nd and 98th percentiles over the
    ``valid`` pixels; invalid pixels are 0."""
    out = np.zeros(values.shape, dtype=np.uint8)
    for index, band in enumerate(values):
        samples = band[valid]
        if samples.size == 0:
            continue
        low, high = (float(v) for v in np.percentile(samples, [2, 98]))
        span = high - low if high > low else 1.0
        scaled = np.floor(np.clip((band - low) / span, 0.0, 1.0) * 255.0 + 0.5)
        out[index] = np.where(valid, scaled, 0).astype(np.uint8)
    return out


def _evalscript(bands: Sequence[str], tile_id: str) -> str:
    names = json.dumps([*bands, "dataMask"])
    picks = ", ".join(f"s[{json.dumps(b)}]" for b in bands)
    zeros = ", ".join("0" for _ in range(len(bands) + 1))
    return f"""//VERSION=3
function setup() {{
  return {{input: [{{bands: {names}}}], output: {{bands: {len(bands) + 1}, sampleType: "FLOAT32"}},
           mosaicking: "TILE"}};
}}
function preProcessScenes(collections) {{
  const tiles = collections.scenes.tiles;
  collections.scenes.tiles = tiles.filter(t => t.tileId === {json.dumps(tile_id)});
  return collections;
}}
function evaluatePixel(samples) {{
  const s = samples[0];
  if (!s) return [{zeros}];
  return [{picks}, s.dataMask];
}}
"""


def _request(
    collection: CollectionRecord, tile: TileRecord, bands: Sequence[str], size: int
) -> dict[str, Any]:
    from shapely.geometry import shape

    geometry = tile.tile_geometry or tile.cover_geometry
    if geometry is None or tile.crs_epsg is None:
        raise LookupError("the tile has no geometry yet (not ingested)")
    xmin, ymin, xmax, ymax = (float(v) for v in shape(geometry).bounds)
    width_units, height_units = xmax - xmin, ymax - ymin
    if width_units >= height_units:
        width, height = size, max(1, round(size * height_units / width_units))
    else:
        width, height = max(1, round(size * width_units / height_units)), size
    crs = (
        _CRS84
        if tile.crs_epsg == 4326
        else (f"http://www.opengis.net/def/crs/EPSG/0/{tile.crs_epsg}")
    )
    return {
        "input": {
            "bounds": {"bbox": [xmin, ymin, xmax, ymax], "properties": {"crs": crs}},
            "data": [{"type": f"byoc-{collection.id}"}],
        },
        "output": {"width": width, "height": height},
        "evalscript": _evalscript(bands, tile.id),
    }


def render_preview(
    ctx: EmulatorContext,
    collection: CollectionRecord,
    tile: TileRecord,
    band: str | None = None,
    size: int = DEFAULT_SIZE,
) -> bytes:
    """The tile's preview as PNG bytes (RGBA for three bands, grey and alpha for one).

    LookupError when the tile cannot be previewed (not ingested); KeyError for an unknown band;
    the engine's ApiError when rendering fails.
    """
    from PIL import Image

    from sentinelhub_emulator.process import engine

    if tile.status != "INGESTED":
        raise LookupError(f"the tile is {tile.status}: only INGESTED tiles are rendered")
    bands = preview_bands(collection, band)
    if not bands:
        raise LookupError("the collection has no bands yet")
    body = _request(collection, tile, bands, max(16, min(size, MAX_SIZE)))
    result = engine.evaluate(ctx, collection.account_id, body)
    values = result.outputs["default"]
    valid = (values[-1] > 0) & result.inside
    image = stretch(values[:-1], valid)
    alpha = np.where(valid, 255, 0).astype(np.uint8)
    planes = [*image, alpha]
    buffer = io.BytesIO()
    Image.fromarray(np.stack(planes, axis=-1)).save(buffer, format="PNG")
    return buffer.getvalue()
