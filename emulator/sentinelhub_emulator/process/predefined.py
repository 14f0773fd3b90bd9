"""The predefined collections the emulator can serve from data the user points it at.

A predefined collection (``sentinel-2-l2a``, ``sentinel-1-grd``, ``dem``, ...) is requested by
its Process API type, as on the service. The emulator serves one only when it is given a bucket
folder of COG files for it (``--collection-data sentinel-2-l2a=BUCKET/PREFIX``,
``Emulator(collection_data=...)``; `sentinelhub_emulator.process.collection_data` reads the
folder). This module is the table of what each collection is: its bands with the data type
their files hold, their no-data value, the units an evalscript may ask for (and how a unit is
computed from the stored number), which ``dataFilter`` members are emulated from scene metadata,
and which ``processing`` members are accepted. No I/O here.

Units: files hold the numbers the service calls ``DN`` (Sentinel-2: reflectance x 10000 as
uint16, harmonised, i.e. without the ``BOA_ADD_OFFSET`` of processing baseline 04.00; Landsat:
the Collection 2 integers). Another unit is ``DN x scale + offset`` in float64:
Sentinel-2 ``REFLECTANCE`` = DN x 0.0001 (the default unit of B01..B12), Landsat-8/9 L2
``REFLECTANCE`` = DN x 0.0000275 - 0.2 and ``KELVIN`` = DN x 0.00341802 + 149.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFINITIONS",
    "BandDefinition",
    "CollectionDefinition",
    "MetadataFilter",
    "definition",
    "parse_collection_data",
]


@dataclass(frozen=True)
class BandDefinition:
    """One band: the file's data type (``bitDepth`` / ``sampleFormat`` as BYOC has them), its
    no-data value (None: none, NaN for floats), its default unit and every unit it takes, each
    as ``(scale, offset)`` applied to the stored number."""

    bit_depth: int
    sample_format: str
    no_data: float | None
    default_unit: str
    units: Mapping[str, tuple[float, float]]

    def as_byoc_band(self, name: str) -> dict[str, Any]:
        band: dict[str, Any] = {
            "source": name,
            "bandIndex": 1,
            "bitDepth": self.bit_depth,
            "sampleFormat": self.sample_format,
        }
        if self.no_data is not None:
            band["noData"] = self.no_data
        return band


@dataclass(frozen=True)
class MetadataFilter:
    """A ``dataFilter`` member emulated from scene metadata: the metadata key it reads and how
    (``max``: the scene's value is at most the filter's; ``equal``: the same text; ``in``: the
    filter's text is one of the scene's, which may be a list)."""

    key: str
    test: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class CollectionDefinition:
    api_id: str
    title: str
    bands: Mapping[str, BandDefinition]
    #: dataFilter members (besides timeRange and mosaickingOrder) read from scene metadata.
    filters: Mapping[str, MetadataFilter] = field(default_factory=dict)
    #: processing members accepted besides up/downsampling, with the only values emulated.
    processing: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    #: mosaickingOrder leastCC is offered (it reads the scenes' ``cloudCoverage``).
    least_cc: bool = False
    #: a collection without time (DEM): the time range is ignored, scenes have no time.
    timeless: bool = False


def _uint16(no_data: float | None, default: str, **units: tuple[float, float]) -> BandDefinition:
    return BandDefinition(16, "UINT", no_data, default, {"DN": (1.0, 0.0), **units})


def _uint8(
    no_data: float | None, default: str = "DN", **units: tuple[float, float]
) -> BandDefinition:
    return BandDefinition(8, "UINT", no_data, default, {"DN": (1.0, 0.0), **units})


def _float32(default: str) -> BandDefinition:
    return BandDefinition(32, "FLOAT", None, default, {default: (1.0, 0.0)})


_S2_REFLECTANCE = _uint16(0, "REFLECTANCE", REFLECTANCE=(0.0001, 0.0))
_CLOUD = {"maxCloudCoverage": MetadataFilter("cloudCoverage", "max")}


def _s2(names: str) -> dict[str, BandDefinition]:
    return dict.fromkeys(names.split(), _S2_REFLECTANCE)


_S2_L2A = {
    **_s2("B01 B02 B03 B04 B05 B06 B07 B08 B8A B09 B11 B12"),
    "SCL": _uint8(0),
    "AOT": _uint16(0, "OPTICAL_DEPTH", OPTICAL_DEPTH=(0.001, 0.0)),
    "WVP": _uint16(0, "PRECIPITABLE_WATER", PRECIPITABLE_WATER=(0.001, 0.0)),
    "CLD": _uint8(None, "PERCENT", PERCENT=(1.0, 0.0)),
    "SNW": _uint8(None, "PERCENT", PERCENT=(1.0, 0.0)),
}
_S2_L1C = _s2("B01 B02 B03 B04 B05 B06 B07 B08 B8A B09 B10 B11 B12")
_S2_PROCESSING: dict[str, tuple[Any, ...]] = {"harmonizeValues": (True,)}

_LANDSAT_REFLECTANCE = _uint16(0, "REFLECTANCE", REFLECTANCE=(0.0000275, -0.2))
_LANDSAT_OT_L2 = {
    **dict.fromkeys(["B01", "B02", "B03", "B04", "B05", "B06", "B07"], _LANDSAT_REFLECTANCE),
    "B10": _uint16(0, "KELVIN", KELVIN=(0.00341802, 149.0)),
    "QA_PIXEL": _uint16(1, "DN"),
    "QA_RADSAT": _uint16(None, "DN"),
}

_S1_GRD = {name: _float32("LINEAR_POWER") for name in ("VV", "VH", "HH", "HV")}
_S1_FILTERS = {
    "acquisitionMode": MetadataFilter("acquisitionMode", "equal", ("SM", "IW", "EW", "WV")),
    "polarization": MetadataFilter(
        "polarization", "equal", ("SH", "SV", "DH", "DV", "HH", "HV", "VV", "VH")
    ),
    "resolution": MetadataFilter("resolution", "equal", ("HIGH", "MEDIUM")),
    "orbitDirection": MetadataFilter("orbitDirection", "equal", ("ASCENDING", "DESCENDING")),
    "timeliness": MetadataFilter(
        "timeliness",
        "equal",
        ("NRT10m", "NRT1h", "NRT3h", "Fast24h", "Offline", "Reprocessing", "ArchNormal"),
    ),
}
_S1_PROCESSING: dict[str, tuple[Any, ...]] = {
    "backCoeff": ("GAMMA0_ELLIPSOID",),
    "orthorectify": (False,),
}

#: Every predefined collection the emulator can serve, by its Process API type.
DEFINITIONS: dict[str, CollectionDefinition] = {
    d.api_id: d
    for d in (
        CollectionDefinition(
            "sentinel-2-l2a", "Sentinel-2 L2A", _S2_L2A, _CLOUD, _S2_PROCESSING, least_cc=True
        ),
        CollectionDefinition(
            "sentinel-2-l1c", "Sentinel-2 L1C", _S2_L1C, _CLOUD, _S2_PROCESSING, least_cc=True
        ),
        CollectionDefinition(
            "landsat-ot-l2", "Landsat 8-9 L2", _LANDSAT_OT_L2, _CLOUD, least_cc=True
        ),
        CollectionDefinition(
            "sentinel-1-grd", "Sentinel-1 GRD", _S1_GRD, _S1_FILTERS, _S1_PROCESSING
        ),
        CollectionDefinition(
            "dem",
            "DEM",
            {"DEM": _float32("METRES")},
            {
                "demInstance": MetadataFilter(
                    "demInstance",
                    "equal",
                    ("MAPZEN", "COPERNICUS", "COPERNICUS_30", "COPERNICUS_90"),
                )
            },
            timeless=True,
        ),
    )
}


def definition(api_id: str) -> CollectionDefinition | None:
    """The definition of a predefined collection type (None: not one the emulator knows)."""
    return DEFINITIONS.get(api_id)


def parse_collection_data(text: str) -> tuple[str, str, str]:
    """``ID=BUCKET/PREFIX`` (or ``ID=BUCKET``) as ``(id, bucket, prefix)``; ValueError naming
    what is wrong."""
    api_id, sep, location = text.partition("=")
    api_id, location = api_id.strip(), location.strip().strip("/")
    if not sep or not api_id or not location:
        raise ValueError(
            f"expected ID=BUCKET/PREFIX (say sentinel-2-l2a=my-bucket/s2), got {text!r}"
        )
    return (api_id, *split_location(api_id, location))


def split_location(api_id: str, location: str) -> tuple[str, str]:
    """Check a collection id and its ``BUCKET[/PREFIX]``; ``(bucket, prefix)``."""
    if api_id not in DEFINITIONS:
        known = ", ".join(sorted(DEFINITIONS))
        raise ValueError(f"{api_id!r} is not a predefined collection the emulator serves ({known})")
    bucket, _, prefix = location.strip("/").partition("/")
    if not bucket:
        raise ValueError(
            f"{api_id}: the location needs a bucket name (BUCKET/PREFIX), got {location!r}"
        )
    parts = prefix.split("/") if prefix else []
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"{api_id}: the prefix {prefix!r} has an empty, '.' or '..' part")
    return bucket, prefix
