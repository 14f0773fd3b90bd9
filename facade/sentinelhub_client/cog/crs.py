"""CRS names as BYOC writes them: ``urn:ogc:def:crs:EPSG::32633``, and back."""

from __future__ import annotations

import os
import re
from typing import Any

from sentinelhub_client._core.errors import SentinelHubValidationError

__all__ = ["CRS84_URN", "crs_from_urn", "crs_urn"]

CRS84_URN = "urn:ogc:def:crs:OGC:1.3:CRS84"

_URN = re.compile(r"^urn:ogc:def:crs:EPSG:[0-9.]*:(?P<code>\d+)$", re.IGNORECASE)
_URL = re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/[^/]+/(?P<code>\d+)$")
_CRS84 = re.compile(
    r"^(urn:ogc:def:crs:OGC:1\.3:CRS84|https?://www\.opengis\.net/def/crs/OGC/1\.3/CRS84)$",
    re.IGNORECASE,
)


def _named_code(text: str) -> int | None:
    """The EPSG code of a URN or OGC URL (CRS84: 4326), or None for other text."""
    match = _URN.match(text) or _URL.match(text)
    if match:
        return int(match.group("code"))
    if _CRS84.match(text):
        return 4326
    return None


def _epsg_of(crs: Any) -> int:
    if isinstance(crs, bool):
        raise SentinelHubValidationError(f"crs: expected an EPSG code, got {crs!r}", field="crs")
    if isinstance(crs, int):
        return crs
    text_value = getattr(crs, "epsg", None)  # sentinelhub-py's and our CRS
    if isinstance(text_value, int | str) and str(text_value).isdigit():
        return int(text_value)
    to_epsg = getattr(crs, "to_epsg", None)  # rasterio's and pyproj's CRS
    if callable(to_epsg):
        code = to_epsg()
        if code is None:
            raise SentinelHubValidationError(
                f"crs: {crs} has no EPSG code; BYOC names CRSs by EPSG code", field="crs"
            )
        return int(code)
    if isinstance(crs, str):
        text = crs.strip()
        named = _named_code(text)
        if named is not None:
            return named
        upper = text.upper()
        if upper.startswith("EPSG:") and upper[5:].isdigit():
            return int(upper[5:])
        if text.isdigit():
            return int(text)
    raise SentinelHubValidationError(
        f"crs: cannot read an EPSG code from {crs!r}; give 32633, 'EPSG:32633', "
        "'urn:ogc:def:crs:EPSG::32633', a rasterio/pyproj CRS or a GeoTIFF path",
        field="crs",
    )


def crs_urn(crs_or_path: Any) -> str:
    """The URN BYOC uses in a geometry's ``crs`` member, e.g. ``urn:ogc:def:crs:EPSG::32633``.

    ``crs_or_path``: an EPSG code (``32633``, ``"EPSG:32633"``), a URN or OGC URL, a rasterio /
    pyproj / sentinelhub CRS, or the path of a GeoTIFF (its CRS is read). Anything else raises
    `SentinelHubValidationError` naming ``crs``.
    """
    if isinstance(crs_or_path, os.PathLike) or (
        isinstance(crs_or_path, str) and crs_or_path.lower().endswith((".tif", ".tiff"))
    ):
        from sentinelhub_client.cog.rules import open_raster
        from sentinelhub_client.cog.validate import gdal_path

        with open_raster(gdal_path(crs_or_path), os.fspath(crs_or_path)) as src:
            if src.crs is None:
                raise SentinelHubValidationError(
                    f"crs: {os.fspath(crs_or_path)} has no CRS", field="crs"
                )
            return crs_urn(src.crs)
    return f"urn:ogc:def:crs:EPSG::{_epsg_of(crs_or_path)}"


def crs_from_urn(urn: str) -> int:
    """The EPSG code of a URN (``urn:ogc:def:crs:EPSG::32633`` -> 32633; CRS84 -> 4326); the
    inverse of `crs_urn`. Other text raises `SentinelHubValidationError`."""
    if not isinstance(urn, str):
        raise SentinelHubValidationError(f"urn: expected a string, got {urn!r}", field="urn")
    named = _named_code(urn.strip())
    if named is not None:
        return named
    raise SentinelHubValidationError(
        f"urn: {urn!r} is not a CRS URN; expected e.g. 'urn:ogc:def:crs:EPSG::32633'",
        field="urn",
    )
