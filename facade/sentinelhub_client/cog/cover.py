"""`cover_geometry`: the outline of a raster's valid pixels, ready for a tile's coverGeometry.

The outline is traced on the dataset mask (nodata, internal mask or alpha band: what GDAL
calls the dataset mask) read at most ``max_size`` px on its longer side. A raster larger than
that is read decimated by an integer ``factor`` (from its overviews when it has them), so the
outline it traces lies within ``factor`` full-resolution pixels of the exact one; simplification
moves it by at most ``simplify`` more pixels. `CoverResult.error_bound` states that bound in
pixels and in CRS units.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client.cog.crs import crs_urn
from sentinelhub_client.cog.rules import open_raster
from sentinelhub_client.cog.validate import gdal_path

__all__ = ["CoverResult", "cover_geometry", "trace_cover"]

#: Longest side, in px, of the mask the outline is traced on.
DEFAULT_MAX_SIZE = 2048


@dataclass(frozen=True)
class CoverResult:
    """An outline and how exact it is.

    Attributes:
        geometry: GeoJSON Polygon or MultiPolygon with a ``crs`` member (its URN).
        factor: the decimation factor of the mask the outline was traced on (1: full
            resolution).
        error_bound_px: how far (in full-resolution pixels) the outline may lie from the exact
            outline of the valid pixels: ``factor`` when decimated (0 otherwise) plus
            ``simplify``.
        error_bound: the same in the units of the file's CRS (metres, or degrees for
            EPSG:4326).
        pixel_size: the full-resolution pixel size in CRS units (geometric mean of width and
            height).
    """

    geometry: dict[str, Any]
    factor: int
    error_bound_px: float
    error_bound: float
    pixel_size: float


def _rings(polygon: Any) -> list[list[list[float]]]:
    from shapely.geometry.polygon import orient

    oriented = orient(polygon, 1.0)  # exterior counter-clockwise, holes clockwise
    return [
        [[float(x), float(y)] for x, y in ring.coords]
        for ring in (oriented.exterior, *oriented.interiors)
    ]


def _geojson(geometry: Any, urn: str) -> dict[str, Any]:
    polygons = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
    result: dict[str, Any]
    if len(polygons) == 1:
        result = {"type": "Polygon", "coordinates": _rings(polygons[0])}
    else:
        result = {"type": "MultiPolygon", "coordinates": [_rings(p) for p in polygons]}
    result["crs"] = {"type": "name", "properties": {"name": urn}}
    return result


def _polygonal(geometry: Any) -> Any:
    from shapely.geometry import MultiPolygon, Polygon

    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts: list[Any] = []
    for part in getattr(geometry, "geoms", ()):
        if part.geom_type == "Polygon":
            parts.append(part)
        elif part.geom_type == "MultiPolygon":
            parts.extend(part.geoms)
    return MultiPolygon(parts) if len(parts) > 1 else parts[0] if parts else Polygon()


def trace_cover(
    path_or_url: str | os.PathLike[str],
    *,
    simplify: float = 1.0,
    crs: object = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> CoverResult:
    """`cover_geometry` with the error bound it guarantees (a `CoverResult`)."""
    import numpy as np
    import shapely
    from pyproj import CRS, Transformer
    from rasterio.features import shapes
    from shapely.geometry import shape

    if isinstance(simplify, bool) or not isinstance(simplify, int | float) or not simplify >= 0:
        raise SentinelHubValidationError(
            f"simplify must be a tolerance in pixels >= 0, got {simplify!r}", field="simplify"
        )
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 16:
        raise SentinelHubValidationError(
            f"max_size must be an integer >= 16 (px), got {max_size!r}", field="max_size"
        )
    name = os.fspath(path_or_url)
    with open_raster(gdal_path(path_or_url), name) as src:
        if src.crs is None:
            raise SentinelHubValidationError(f"{name} has no CRS", field="path_or_url")
        urn = crs_urn(src.crs)
        width, height = int(src.width), int(src.height)
        factor = max(1, math.ceil(max(width, height) / max_size))
        out_w, out_h = math.ceil(width / factor), math.ceil(height / factor)
        mask = src.dataset_mask(out_shape=(out_h, out_w))
        transform = src.transform @ src.transform.scale(width / out_w, height / out_h)
        pixel = math.sqrt(
            abs(src.transform.a * src.transform.e - src.transform.b * src.transform.d)
        )
        source_crs = CRS.from_user_input(src.crs.to_wkt())
    valid = (mask > 0).astype(np.uint8)
    polygons = [
        shape(geom) for geom, value in shapes(valid, mask=valid.astype(bool), transform=transform)
    ]
    if not polygons:
        raise SentinelHubValidationError(
            f"{name} has no valid pixel (every pixel is nodata or masked); nothing to cover",
            field="path_or_url",
        )
    outline = shapely.union_all(polygons)
    if simplify > 0:
        outline = outline.simplify(simplify * pixel, preserve_topology=True)
    if not outline.is_valid:
        outline = _polygonal(shapely.make_valid(outline))
    bound_px = (factor if factor > 1 else 0) + float(simplify)
    if crs is not None:
        target_urn = crs_urn(crs)
        target = CRS.from_user_input("EPSG:" + target_urn.rsplit(":", 1)[1])
        if target != source_crs:
            # Densify first, so that straight edges bend as they should in the target CRS.
            outline = shapely.segmentize(outline, max_segment_length=64 * pixel * factor)
            transformer = Transformer.from_crs(source_crs, target, always_xy=True)
            outline = shapely.transform(outline, transformer.transform, interleaved=False)
            if not outline.is_valid:
                outline = _polygonal(shapely.make_valid(outline))
        urn = target_urn
    return CoverResult(
        geometry=_geojson(outline, urn),
        factor=factor,
        error_bound_px=bound_px,
        error_bound=bound_px * pixel,
        pixel_size=pixel,
    )


def cover_geometry(
    path_or_url: str | os.PathLike[str],
    *,
    simplify: float = 1.0,
    crs: object = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> dict[str, Any]:
    """The outline of a raster's valid pixels as GeoJSON, for a tile's ``coverGeometry``.

    Valid pixels are those GDAL's dataset mask keeps: not nodata, not masked by an internal
    mask or an alpha band. The result is a Polygon, or a MultiPolygon for separate areas, with
    holes for invalid areas inside, exterior rings counter-clockwise.

    Args:
        path_or_url: a GeoTIFF (local path or http(s) URL).
        simplify: tolerance of the simplification, in full-resolution pixels (0: none; the
            pixel staircase is kept).
        crs: reproject to this CRS (EPSG code, URN...); by default the file's CRS. The ``crs``
            member names it as a URN (``urn:ogc:def:crs:EPSG::32633``).
        max_size: longest side in px of the mask the outline is traced on. A larger raster is
            read decimated by ``factor = ceil(longest side / max_size)`` (from its overviews
            when it has them): a 10980 x 10980 band is traced on a 1830 x 1830 mask. The
            outline then lies within ``factor + simplify`` full-resolution pixels of the exact
            one (`trace_cover` returns that bound).

    Raises `SentinelHubValidationError` for bad arguments, a file without CRS, or a file
    without any valid pixel.
    """
    return trace_cover(path_or_url, simplify=simplify, crs=crs, max_size=max_size).geometry
