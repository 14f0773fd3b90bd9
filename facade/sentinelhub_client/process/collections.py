"""`DataCollection`: sentinelhub-py's names of the service's collections, and its ways of
defining new ones (`DataCollection.define_byoc`, `define_batch`, `define_from`, `define`).

A collection is a frozen description: the Process API type it is requested by (``api_id``), the
Catalog collection it is searched in (``catalog_id``), the deployment that serves it
(``service_url``), its bands, and the filters it implies (Sentinel-1 swath mode, polarization,
resolution, orbit direction; DEM instance). ``DataCollection.SENTINEL2_L2A`` and the other
predefined ones carry the service's values; a collection defined under a name becomes reachable
as ``DataCollection.<NAME>`` too, as with sentinelhub-py's enum. Everything that takes a
collection here (``input_data``, the Catalog's ``search``, ``SentinelHubStatistical``) takes
these, sentinelhub-py's own ``DataCollection`` members, or a plain ``"byoc-<id>"``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar
from uuid import UUID

from sentinelhub_client._core.errors import SentinelHubValidationError

__all__ = ["Band", "DataCollection", "ServiceUrl"]


class ServiceUrl:
    """The deployments of the service, by name."""

    MAIN = "https://services.sentinel-hub.com"
    USWEST = "https://services-uswest2.sentinel-hub.com"
    CREODIAS = "https://creodias.sentinel-hub.com"


@dataclass(frozen=True)
class Band:
    """A band of a collection: its name and the units it can be requested in."""

    name: str
    units: tuple[str, ...] = ("DN",)


def _bands(names: str, units: tuple[str, ...] = ("DN",)) -> tuple[Band, ...]:
    return tuple(Band(name, units) for name in names.split())


_S2_L1C = _bands("B01 B02 B03 B04 B05 B06 B07 B08 B8A B09 B10 B11 B12", ("REFLECTANCE", "DN"))
_S2_L2A = _bands("B01 B02 B03 B04 B05 B06 B07 B08 B8A B09 B11 B12", ("REFLECTANCE", "DN"))
_S2_META = _bands(
    "viewZenithMean viewAzimuthMean sunZenithAngles sunAzimuthAngles CLP CLM dataMask"
)
_S2_L2A_META = _S2_META + _bands("AOT SCL SNW CLD")
_LANDSAT_OT_L1 = _bands("B01 B02 B03 B04 B05 B06 B07 B08 B09 B10 B11", ("REFLECTANCE", "DN"))
_LANDSAT_OT_L2 = _bands("B01 B02 B03 B04 B05 B06 B07 B10", ("REFLECTANCE", "DN"))


class _Registry(type):
    """Lets ``DataCollection.<NAME>`` find collections defined at run time, and iterates them."""

    _defined: dict[str, DataCollection]

    def __getattr__(cls, name: str) -> DataCollection:
        defined = cls.__dict__.get("_defined") if not name.startswith("_") else None
        if defined is None or name not in defined:
            raise AttributeError(f"DataCollection has no collection named {name!r}")
        collection: DataCollection = defined[name]
        return collection

    def __iter__(cls) -> Iterator[DataCollection]:
        return iter(list(cls._defined.values()))


@dataclass(frozen=True, eq=True)
class DataCollection(metaclass=_Registry):
    """One of the service's data collections (see the module docstring).

    Attributes:
        name: its name (``SENTINEL2_L2A``, or the one it was defined under).
        api_id: the ``input.data[].type`` of Process requests (``sentinel-2-l2a``,
            ``byoc-<id>``).
        catalog_id: its id in the Catalog (usually ``api_id``).
        service_url: the deployment that serves it (None: the configured one).
        collection_id: the BYOC or batch collection's id.
        bands, metabands: its bands (`Band`), and the metadata bands (``dataMask``, ...).
        collection_type, sensor_type, processing_level: descriptive names.
        swath_mode, polarization, resolution, orbit_direction, timeliness: Sentinel-1 filters
            the collection implies (sent as ``dataFilter`` members).
        dem_instance: the DEM a DEM collection reads.
        is_timeless: True for collections without time (DEM).
        has_cloud_coverage: True when ``maxcc`` applies.
    """

    _defined: ClassVar[dict[str, DataCollection]]

    name: str
    api_id: str | None = None
    catalog_id: str | None = None
    wfs_id: str | None = None
    service_url: str | None = None
    collection_type: str | None = None
    sensor_type: str | None = None
    processing_level: str | None = None
    swath_mode: str | None = None
    polarization: str | None = None
    resolution: str | None = None
    orbit_direction: str | None = None
    timeliness: str | None = None
    bands: tuple[Band, ...] = ()
    metabands: tuple[Band, ...] = ()
    collection_id: str | None = None
    is_timeless: bool = False
    has_cloud_coverage: bool = False
    dem_instance: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    # -- sentinelhub-py's enum face ------------------------------------------------------------

    @property
    def value(self) -> DataCollection:
        """The collection itself (sentinelhub-py's ``DataCollection.X.value`` is its
        definition)."""
        return self

    @property
    def is_byoc(self) -> bool:
        """A Bring Your Own COG collection (``byoc-<id>``)."""
        return self.collection_type == "BYOC"

    @property
    def is_batch(self) -> bool:
        """A collection that a Batch v1 request made (``batch-<id>``)."""
        return self.collection_type == "BATCH"

    @property
    def is_sentinel1(self) -> bool:
        return self.collection_type == "Sentinel-1"

    @property
    def band_names(self) -> list[str]:
        """The names of its bands."""
        return [band.name for band in self.bands]

    def derive(self, **params: Any) -> DataCollection:
        """A copy with ``params`` changed (not registered under a name)."""
        return dataclasses.replace(self, **params)

    def __repr__(self) -> str:
        return f"<DataCollection.{self.name}>"

    # -- defining collections -------------------------------------------------------------------

    @classmethod
    def _register(cls, collection: DataCollection) -> DataCollection:
        known = cls._defined.get(collection.name)
        if known is not None:
            if known != collection:
                raise ValueError(
                    f"DataCollection.{collection.name} is already defined differently; "
                    "choose another name"
                )
            return known
        cls._defined[collection.name] = collection
        return collection

    @classmethod
    def define(cls, name: str, **params: Any) -> DataCollection:
        """A new collection named ``name`` (then also ``DataCollection.<name>``).

        ``params`` are the attributes (``api_id``, ``catalog_id``, ``service_url``, ``bands``,
        ...). Defining a name again with the same attributes returns the known collection; with
        other attributes it is a ``ValueError``, as in sentinelhub-py.
        """
        if not isinstance(name, str) or not name:
            raise SentinelHubValidationError("name: a collection needs a name", field="name")
        return cls._register(cls(name=name, **params))

    @classmethod
    def define_byoc(
        cls, collection_id: Any, *, name: str | None = None, **params: Any
    ) -> DataCollection:
        """The BYOC collection ``collection_id`` (a UUID or its text): requested as
        ``byoc-<id>``, searched as ``byoc-<id>`` in the Catalog."""
        identifier = _uuid_text(collection_id, "collection_id")
        params.setdefault("api_id", f"byoc-{identifier}")
        params.setdefault("catalog_id", f"byoc-{identifier}")
        params.setdefault("collection_type", "BYOC")
        params.setdefault("wfs_id", f"byoc-{identifier}")
        return cls.define(name or f"BYOC_{identifier}", collection_id=identifier, **params)

    @classmethod
    def define_batch(
        cls, collection_id: Any, *, name: str | None = None, **params: Any
    ) -> DataCollection:
        """A collection that a Batch v1 request made: requested as ``batch-<id>``."""
        identifier = _uuid_text(collection_id, "collection_id")
        params.setdefault("api_id", f"batch-{identifier}")
        params.setdefault("catalog_id", f"batch-{identifier}")
        params.setdefault("collection_type", "BATCH")
        return cls.define(name or f"BATCH_{identifier}", collection_id=identifier, **params)

    def define_from(self: Any, name: str | None = None, **params: Any) -> DataCollection:
        """A new collection from this one with ``params`` changed, named ``name`` (or after the
        changes). As in sentinelhub-py, call it on a collection
        (``DataCollection.SENTINEL2_L2A.define_from("S2_HERE", service_url=...)``) or on the
        class with the collection first (ours or sentinelhub-py's member)."""
        base = _as_ours(self)
        suffix = "_".join(f"{key}_{value}" for key, value in sorted(params.items()))
        new_name = name or (f"{base.name}_{suffix}" if suffix else base.name)
        return DataCollection._register(dataclasses.replace(base, name=new_name, **params))

    @classmethod
    def get_available_collections(cls) -> list[DataCollection]:
        """Every collection known by name: the predefined ones and those defined since."""
        return list(cls._defined.values())


def _uuid_text(value: Any, field: str) -> str:
    try:
        return str(UUID(str(value).strip()))
    except ValueError as exc:
        raise SentinelHubValidationError(
            f"{field}: {value!r} is not a collection id (a UUID)", field=field
        ) from exc


def _as_ours(collection: Any) -> DataCollection:
    if isinstance(collection, DataCollection):
        return collection
    definition = getattr(collection, "value", None)  # sentinelhub-py's enum member
    if definition is not None and hasattr(definition, "api_id"):
        names = {f.name for f in dataclasses.fields(DataCollection)}
        params = {
            key: getattr(definition, key)
            for key in names - {"name", "bands", "metabands", "extra"}
            if hasattr(definition, key)
        }
        params = {k: (v.value if hasattr(v, "value") else v) for k, v in params.items()}
        return DataCollection(name=str(getattr(collection, "name", "COLLECTION")), **params)
    raise SentinelHubValidationError(
        f"collection: expected a DataCollection, got {type(collection).__name__}",
        field="collection",
    )


def _predefined() -> dict[str, DataCollection]:
    s1 = {
        "api_id": "sentinel-1-grd",
        "catalog_id": "sentinel-1-grd",
        "service_url": ServiceUrl.MAIN,
        "collection_type": "Sentinel-1",
        "sensor_type": "C-SAR",
        "processing_level": "GRD",
        "orbit_direction": "BOTH",
        "metabands": _bands("localIncidenceAngle scatteringArea shadowMask dataMask"),
    }
    iw = {
        **s1,
        "swath_mode": "IW",
        "polarization": "DV",
        "resolution": "HIGH",
        "bands": _bands("VV VH"),
    }
    ew = {
        **s1,
        "swath_mode": "EW",
        "polarization": "DH",
        "resolution": "MEDIUM",
        "bands": _bands("HH HV"),
    }
    ew_sh = {**ew, "polarization": "SH", "bands": _bands("HH")}
    dem = {
        "api_id": "dem",
        "catalog_id": "dem",
        "service_url": ServiceUrl.MAIN,
        "collection_type": "DEM",
        "bands": _bands("DEM", ("METRES",)),
        "metabands": _bands("dataMask"),
        "is_timeless": True,
    }
    landsat_ot = {
        "service_url": ServiceUrl.USWEST,
        "collection_type": "Landsat 8-9",
        "sensor_type": "OLI-TIRS",
        "has_cloud_coverage": True,
        "metabands": _bands("BQA QA_PIXEL dataMask"),
    }
    table: dict[str, dict[str, Any]] = {
        "SENTINEL2_L1C": {
            "api_id": "sentinel-2-l1c",
            "catalog_id": "sentinel-2-l1c",
            "service_url": ServiceUrl.MAIN,
            "collection_type": "Sentinel-2",
            "sensor_type": "MSI",
            "processing_level": "L1C",
            "bands": _S2_L1C,
            "metabands": _S2_META,
            "has_cloud_coverage": True,
        },
        "SENTINEL2_L2A": {
            "api_id": "sentinel-2-l2a",
            "catalog_id": "sentinel-2-l2a",
            "service_url": ServiceUrl.MAIN,
            "collection_type": "Sentinel-2",
            "sensor_type": "MSI",
            "processing_level": "L2A",
            "bands": _S2_L2A,
            "metabands": _S2_L2A_META,
            "has_cloud_coverage": True,
        },
        "SENTINEL1": {**s1},
        "SENTINEL1_IW": iw,
        "SENTINEL1_IW_ASC": {**iw, "orbit_direction": "ASCENDING"},
        "SENTINEL1_IW_DES": {**iw, "orbit_direction": "DESCENDING"},
        "SENTINEL1_EW": ew,
        "SENTINEL1_EW_ASC": {**ew, "orbit_direction": "ASCENDING"},
        "SENTINEL1_EW_DES": {**ew, "orbit_direction": "DESCENDING"},
        "SENTINEL1_EW_SH": ew_sh,
        "SENTINEL1_EW_SH_ASC": {**ew_sh, "orbit_direction": "ASCENDING"},
        "SENTINEL1_EW_SH_DES": {**ew_sh, "orbit_direction": "DESCENDING"},
        "DEM": dem,
        "DEM_MAPZEN": {**dem, "dem_instance": "MAPZEN"},
        "DEM_COPERNICUS_30": {**dem, "dem_instance": "COPERNICUS_30"},
        "DEM_COPERNICUS_90": {**dem, "dem_instance": "COPERNICUS_90"},
        "LANDSAT_OT_L1": {
            **landsat_ot,
            "api_id": "landsat-ot-l1",
            "catalog_id": "landsat-ot-l1",
            "processing_level": "L1",
            "bands": _LANDSAT_OT_L1,
            "metabands": _bands("BQA QA_RADSAT VAA VZA SAA SZA dataMask"),
        },
        "LANDSAT_OT_L2": {
            **landsat_ot,
            "api_id": "landsat-ot-l2",
            "catalog_id": "landsat-ot-l2",
            "processing_level": "L2",
            "bands": _LANDSAT_OT_L2,
            "metabands": _bands(
                "BQA QA_RADSAT SR_QA_AEROSOL ST_QA ST_TRAD ST_URAD ST_DRAD ST_ATRAN ST_EMIS "
                "ST_EMSD ST_CDIST dataMask"
            ),
        },
        "MODIS": {
            "api_id": "modis",
            "catalog_id": "modis",
            "service_url": ServiceUrl.USWEST,
            "collection_type": "MODIS",
            "bands": _bands("B01 B02 B03 B04 B05 B06 B07", ("REFLECTANCE",)),
            "metabands": _bands("dataMask"),
        },
        "HARMONIZED_LANDSAT_SENTINEL": {
            "api_id": "hls",
            "catalog_id": "hls",
            "service_url": ServiceUrl.USWEST,
            "collection_type": "HLS",
            "has_cloud_coverage": True,
            "bands": _bands(
                "CoastalAerosol Blue Green Red RedEdge1 RedEdge2 RedEdge3 NIR_Broad NIR_Narrow "
                "SWIR1 SWIR2 WaterVapor Cirrus ThermalInfrared1 ThermalInfrared2",
                ("REFLECTANCE", "DN"),
            ),
            "metabands": _bands("QA VAA VZA SAA SZA dataMask"),
        },
        "SENTINEL3_OLCI": {
            "api_id": "sentinel-3-olci",
            "catalog_id": "sentinel-3-olci",
            "service_url": ServiceUrl.CREODIAS,
            "collection_type": "Sentinel-3",
            "sensor_type": "OLCI",
            "processing_level": "L1B",
            "bands": _bands(" ".join(f"B{i:02d}" for i in range(1, 22)), ("REFLECTANCE",)),
        },
        "SENTINEL3_SLSTR": {
            "api_id": "sentinel-3-slstr",
            "catalog_id": "sentinel-3-slstr",
            "service_url": ServiceUrl.CREODIAS,
            "collection_type": "Sentinel-3",
            "sensor_type": "SLSTR",
            "processing_level": "L1B",
            "has_cloud_coverage": True,
            "bands": _bands("S1 S2 S3 S4 S5 S6 S7 S8 S9 F1 F2", ("REFLECTANCE",)),
        },
        "SENTINEL5P": {
            "api_id": "sentinel-5p-l2",
            "catalog_id": "sentinel-5p-l2",
            "service_url": ServiceUrl.CREODIAS,
            "collection_type": "Sentinel-5P",
            "sensor_type": "TROPOMI",
            "processing_level": "L2",
            "bands": _bands(
                "CO HCHO NO2 O3 SO2 CH4 AER_AI_340_380 AER_AI_354_388 CLOUD_BASE_PRESSURE "
                "CLOUD_TOP_PRESSURE CLOUD_BASE_HEIGHT CLOUD_TOP_HEIGHT CLOUD_OPTICAL_THICKNESS "
                "CLOUD_FRACTION"
            ),
            "metabands": _bands("dataMask"),
        },
    }
    return {name: DataCollection(name=name, **params) for name, params in table.items()}


DataCollection._defined = _predefined()
