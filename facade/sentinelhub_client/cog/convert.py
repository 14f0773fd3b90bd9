"""`to_cog`: rewrite a GeoTIFF as a Cloud Optimized GeoTIFF that BYOC accepts (GDAL's COG
driver through rasterio), then check the result with the shared rules."""

from __future__ import annotations

import os
from pathlib import Path

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client.cog.rules import MAX_BLOCK_SIZE, MIN_BLOCK_SIZE, open_raster
from sentinelhub_client.cog.validate import CogReport, gdal_path, validate_cog

__all__ = ["to_cog"]

_RESAMPLINGS = ("nearest", "average", "bilinear", "cubic", "mode", "lanczos", "rms")


def to_cog(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    blocksize: int = 512,
    compress: str = "DEFLATE",
    resampling: str = "nearest",
    crs: object = None,
    overwrite: bool = False,
) -> CogReport:
    """Convert ``src`` (any raster GDAL reads) into a BYOC-compliant COG at ``dst``.

    Args:
        src: the input file or URL.
        dst: where to write the COG (written to ``dst.part`` first, renamed when valid).
        blocksize: internal tile size in px, the same on every level (256..2048, power of 2
            advised).
        compress: GDAL compression (``DEFLATE``, ``LZW``, ``ZSTD``, ``NONE``...).
        resampling: how overviews are computed (``nearest`` for classes, ``average`` for
            measurements).
        crs: reproject to this CRS (an EPSG code or anything `crs_urn` reads), e.g. to move a
            file out of a CRS BYOC does not accept.
        overwrite: replace an existing ``dst``.

    Returns the `CogReport` of the written file. Raises `SentinelHubValidationError` for bad
    arguments, and when the result still breaks a rule that conversion cannot fix (a data type
    BYOC does not support, a footprint over a pole): the message carries the findings, and
    nothing is left at ``dst``.
    """
    from rasterio.shutil import copy as gdal_copy

    from sentinelhub_client.cog.crs import crs_urn

    if isinstance(blocksize, bool) or not isinstance(blocksize, int):
        raise SentinelHubValidationError("blocksize must be an integer", field="blocksize")
    if not MIN_BLOCK_SIZE <= blocksize <= MAX_BLOCK_SIZE or blocksize % 16:
        raise SentinelHubValidationError(
            f"blocksize must be a multiple of 16 between {MIN_BLOCK_SIZE} and {MAX_BLOCK_SIZE}, "
            f"got {blocksize}",
            field="blocksize",
        )
    if resampling not in _RESAMPLINGS:
        raise SentinelHubValidationError(
            f"resampling must be one of {', '.join(_RESAMPLINGS)}, got {resampling!r}",
            field="resampling",
        )
    target = Path(dst)
    if target.exists() and not overwrite:
        raise SentinelHubValidationError(
            f"{target} exists; pass overwrite=True to replace it", field="dst"
        )
    if not target.parent.is_dir():
        raise SentinelHubValidationError(f"{target.parent} is not a folder", field="dst")
    options: dict[str, object] = {
        "BLOCKSIZE": blocksize,
        "COMPRESS": compress.upper(),
        "OVERVIEWS": "IGNORE_EXISTING",
        "RESAMPLING": resampling.upper(),
        "BIGTIFF": "IF_SAFER",
    }
    if crs is not None:
        options["TARGET_SRS"] = "EPSG:" + crs_urn(crs).rsplit(":", 1)[1]
    part = target.with_name(target.name + ".part")
    name = os.fspath(src)
    with open_raster(gdal_path(src), name) as source:
        gdal_copy(source, str(part), driver="COG", **options)
    report = validate_cog(part, name=str(target))
    if not report.is_valid:
        part.unlink(missing_ok=True)
        details = "; ".join(f"[{f.rule}] {f.message}" for f in report.errors)
        raise SentinelHubValidationError(
            f"{name} cannot be made BYOC-compliant by conversion alone: {details}", field="src"
        )
    part.replace(target)
    return CogReport(
        path=str(target), errors=report.errors, warnings=report.warnings, facts=report.facts
    )
