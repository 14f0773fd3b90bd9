"""COG toolkit: check files against the BYOC rules, convert them, trace cover geometries, read
band definitions and CRS URNs from files.

Needs the ``geo`` extra (``pip install "sentinelhub-client[geo]"``: rasterio, shapely, pyproj,
numpy); without it, importing this package (or a name of it, ``from sentinelhub_client import
validate_cog``) raises an `ImportError` (``MissingExtraError``) naming the extra and the pip
command. Names are imported lazily, so ``import sentinelhub_client`` never imports
rasterio.

- `validate_cog`, `CogReport`, `Finding`, `validate_band_names`: the rules (shared with the
  emulator's ingestion, in `sentinelhub_client.cog.rules`).
- `to_cog`: GDAL's COG driver with BYOC-compliant options, result validated.
- `cover_geometry` (`trace_cover` with its error bound).
- `crs_urn`, `crs_from_urn`, `bands_from_files`.
- `ingest_folder` / `aingest_folder`: group a folder's files into tiles and bands, check them,
  convert, upload to S3, register, wait (``shc ingest``); `plan_folder` (the dry run),
  `set_coverage` (trace the cover geometries of existing tiles again).

Bulk registration and waiting for ingestion are methods of the BYOC clients
(``register_tiles``, ``wait_for_tiles``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sentinelhub_client._core.extras import require_extra

require_extra(__name__, "geo")  # only looks the modules up; rasterio loads when it is used

_EXPORTS = {
    "CogReport": "validate",
    "validate_cog": "validate",
    "validate_band_names": "validate",
    "Finding": "rules",
    "to_cog": "convert",
    "cover_geometry": "cover",
    "trace_cover": "cover",
    "CoverResult": "cover",
    "crs_urn": "crs",
    "crs_from_urn": "crs",
    "bands_from_files": "bands",
    "ingest_folder": "ingest",
    "aingest_folder": "ingest",
    "IngestReport": "ingest",
    "plan_folder": "ingest",
    "set_coverage": "ingest",
    "CoverageReport": "ingest",
    "IngestPlan": "plan",
}

__all__ = [
    "CogReport",
    "CoverResult",
    "CoverageReport",
    "Finding",
    "IngestPlan",
    "IngestReport",
    "aingest_folder",
    "bands_from_files",
    "cover_geometry",
    "crs_from_urn",
    "crs_urn",
    "ingest_folder",
    "plan_folder",
    "set_coverage",
    "to_cog",
    "trace_cover",
    "validate_band_names",
    "validate_cog",
]

if TYPE_CHECKING:
    from sentinelhub_client.cog.bands import bands_from_files
    from sentinelhub_client.cog.convert import to_cog
    from sentinelhub_client.cog.cover import CoverResult, cover_geometry, trace_cover
    from sentinelhub_client.cog.crs import crs_from_urn, crs_urn
    from sentinelhub_client.cog.ingest import (
        CoverageReport,
        IngestReport,
        aingest_folder,
        ingest_folder,
        plan_folder,
        set_coverage,
    )
    from sentinelhub_client.cog.plan import IngestPlan
    from sentinelhub_client.cog.rules import Finding
    from sentinelhub_client.cog.validate import CogReport, validate_band_names, validate_cog


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
