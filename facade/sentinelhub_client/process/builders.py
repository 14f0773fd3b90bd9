"""The parts of a Process / Async Process request body, and the checks made before sending.

Everything here is pure: it builds and checks dicts, and does no I/O. The helpers are the ones
sentinelhub-py's ``SentinelHubRequest`` has as static methods (`input_data`, `bounds`,
`output_response`, `output`, `body`, and `s3_specification` for Async Process), and they give
the same dicts for the same arguments, so bodies built by either library can be mixed.

`check_payload` enforces what the service's reference constrains, so that a request that cannot
succeed fails here with a `SentinelHubValidationError` (a ``ValueError``) naming the field,
rather than as a 400 after a round trip.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Any
from uuid import UUID

from sentinelhub_client._core.errors import invalid_argument as _invalid
from sentinelhub_client.process.geometry import BBox, Geometry, to_bbox, to_crs, to_geometry

__all__ = [
    "MAX_ASYNC_SIZE",
    "MAX_SIZE",
    "MimeType",
    "MosaickingOrder",
    "ResamplingType",
    "S3Specification",
    "body",
    "bounds",
    "check_payload",
    "data_type_of",
    "input_data",
    "output",
    "output_response",
    "s3_specification",
    "time_range",
    "update_other_args",
]

#: Largest ``width`` / ``height`` of a Process request.
MAX_SIZE = 2500
#: Largest ``width`` / ``height`` of an Async Process request.
MAX_ASYNC_SIZE = 10000


class MimeType(StrEnum):
    """Formats of Process responses (the wire value is the media type)."""

    TIFF = "image/tiff"
    PNG = "image/png"
    JPEG = "image/jpeg"
    JSON = "application/json"
    TAR = "application/x-tar"

    @property
    def extension(self) -> str:
        """The file extension sentinelhub-py and the service's tar members use."""
        return _EXTENSIONS[self]

    @classmethod
    def parse(cls, value: Any, field: str = "response_format") -> MimeType:
        """A media type, an extension (``"tiff"``, ``"jpg"``), or sentinelhub-py's ``MimeType``."""
        if isinstance(value, MimeType):
            return value
        get_string = getattr(value, "get_string", None)
        if callable(get_string):  # sentinelhub-py's MimeType
            value = get_string()
        if isinstance(value, str):
            found = _MIME_ALIASES.get(value.strip().lower().split(";")[0].strip())
            if found is not None:
                return found
        known = ", ".join(m.value for m in (cls.TIFF, cls.PNG, cls.JPEG, cls.JSON))
        raise _invalid(
            field, f"{value!r} is not a format the Process API renders; use one of {known}"
        )

    JPG = JPEG  # sentinelhub-py's name


_EXTENSIONS = {
    MimeType.TIFF: "tif",
    MimeType.PNG: "png",
    MimeType.JPEG: "jpg",
    MimeType.JSON: "json",
    MimeType.TAR: "tar",
}
_MIME_ALIASES = {
    **{m.value: m for m in MimeType},
    "tif": MimeType.TIFF,
    "tiff": MimeType.TIFF,
    "image/tif": MimeType.TIFF,
    "png": MimeType.PNG,
    "jpg": MimeType.JPEG,
    "jpeg": MimeType.JPEG,
    "json": MimeType.JSON,
    "tar": MimeType.TAR,
    "application/tar": MimeType.TAR,
}
#: The formats a response may ask for.
_RESPONSE_TYPES = (MimeType.TIFF, MimeType.PNG, MimeType.JPEG, MimeType.JSON)


class MosaickingOrder(StrEnum):
    """Which scene wins where several cover a pixel."""

    MOST_RECENT = "mostRecent"
    LEAST_RECENT = "leastRecent"
    LEAST_CC = "leastCC"


class ResamplingType(StrEnum):
    """How data is resampled to the output grid."""

    NEAREST = "NEAREST"
    BILINEAR = "BILINEAR"
    BICUBIC = "BICUBIC"


def _enum_value(enum: type[StrEnum], value: Any, field: str) -> str:
    raw = getattr(value, "value", value)  # our enums and sentinelhub-py's
    for member in enum:
        if isinstance(raw, str) and raw.strip().lower() == member.value.lower():
            return member.value
    known = ", ".join(m.value for m in enum)
    raise _invalid(field, f"{value!r} is not supported; use one of {known}")


def update_other_args(target: dict[str, Any], other: Mapping[str, Any]) -> None:
    """Merge ``other`` into ``target`` recursively (nested dicts are merged, values replaced)."""
    for key, value in other.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            update_other_args(target[key], value)
        else:
            target[key] = value


# -- times --------------------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _serialise(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat().replace("+00:00", "Z")


def _parse_moment(value: Any, field: str, end: bool) -> dt.datetime:
    """A datetime out of a datetime, a date or an ISO string; a date is the day's first (or,
    for ``end``, last) second; naive times are UTC."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59) if end else dt.time())
    if isinstance(value, str):
        text = value.strip()
        try:
            if _DATE.match(text):
                return _parse_moment(dt.date.fromisoformat(text), field, end)
            return dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise _invalid(field, f"{value!r} is not a date or an ISO 8601 date-time") from exc
    raise _invalid(field, f"expected a datetime, a date or an ISO 8601 string, got {value!r}")


def time_range(time_interval: Any, field: str = "time_interval") -> dict[str, str]:
    """``{"from": ..., "to": ...}`` as RFC 3339 strings, from a pair or a single day.

    As in sentinelhub-py: a date (or ``"YYYY-MM-DD"``) starts at 00:00:00 and ends at 23:59:59,
    a single value covers its whole day, and naive times are UTC (written with ``Z``).
    """
    if isinstance(time_interval, str | dt.date):
        start: Any = time_interval
        end: Any = time_interval
    elif (
        isinstance(time_interval, Sequence)
        and not isinstance(time_interval, bytes)
        and len(time_interval) == 2
    ):
        start, end = time_interval
    else:
        raise _invalid(field, f"expected (start, end) or a single day, got {time_interval!r}")
    if start is None or end is None:
        raise _invalid(field, "both ends of the time interval are needed (None was given)")
    begin = _parse_moment(start, f"{field}[0]", end=False)
    finish = _parse_moment(end, f"{field}[1]", end=True)
    if _utc(begin) > _utc(finish):
        raise _invalid(
            field, f"the start {_serialise(begin)} is after the end {_serialise(finish)}"
        )
    return {"from": _serialise(begin), "to": _serialise(finish)}


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _check_rfc3339(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, str) or not _RFC3339.match(value.strip()):
        raise _invalid(
            field,
            f"{value!r} is not an RFC 3339 date-time such as '2024-05-01T00:00:00Z' (a date, "
            "a time or an offset alone is refused by the service)",
        )
    try:
        return dt.datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError as exc:
        raise _invalid(field, f"{value!r} is not a valid date-time ({exc})") from exc


# -- input data ---------------------------------------------------------------------------------

_TYPE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ID_PREFIXES = ("byoc-", "batch-", "zarr-")


def _byoc(identifier: Any, field: str) -> str:
    try:
        return f"byoc-{UUID(str(identifier).strip())}"
    except ValueError as exc:
        raise _invalid(field, f"{identifier!r} is not a collection id (a UUID)") from exc


def data_type_of(data_collection: Any, field: str = "data_collection") -> str:
    """The ``input.data[].type`` of a collection.

    Accepts ``"byoc-<id>"`` (and ``batch-`` / ``zarr-``), a bare collection id (``str`` or
    ``UUID``: a BYOC collection), a type such as ``"sentinel-2-l2a"``, our ``ByocCollection``,
    sentinelhub-py's ``DataCollection`` (``api_id``, e.g. from ``DataCollection.define_byoc``)
    and ``ByocCollection`` (``collection_id``), or a collection dict with its ``id``.
    """
    if isinstance(data_collection, UUID):
        return f"byoc-{data_collection}"
    if isinstance(data_collection, str):
        text = data_collection.strip()
        for prefix in _ID_PREFIXES:
            if text.lower().startswith(prefix):
                try:
                    return f"{prefix}{UUID(text[len(prefix) :])}"
                except ValueError as exc:
                    raise _invalid(
                        field, f"{data_collection!r}: the part after {prefix!r} is not a UUID"
                    ) from exc
        try:
            return f"byoc-{UUID(text)}"
        except ValueError:
            pass
        if _TYPE_PATTERN.match(text):
            return text
        raise _invalid(
            field,
            f"{data_collection!r} is neither a collection id nor a type such as "
            "'byoc-<collection id>' or 'sentinel-2-l2a'",
        )
    api_id = getattr(data_collection, "api_id", None)  # sentinelhub-py's DataCollection
    if isinstance(api_id, str):
        return data_type_of(api_id, field)
    data_type = getattr(data_collection, "data_type", None)  # our ByocCollection
    if isinstance(data_type, str):
        return data_type
    if hasattr(data_collection, "collection_id"):  # sentinelhub-py's / our ByocCollection
        identifier = data_collection.collection_id
        if identifier is None:
            raise _invalid(field, "the collection has no id: create it first, or pass its id")
        return _byoc(identifier, field)
    if isinstance(data_collection, Mapping) and data_collection.get("id") is not None:
        return _byoc(data_collection["id"], field)
    raise _invalid(
        field,
        f"{data_collection!r} is not a collection; pass a ByocCollection, a collection id, "
        "'byoc-<id>' or a DataCollection",
    )


def _collection_filters(data_collection: Any) -> dict[str, Any]:
    """Filters a sentinelhub-py ``DataCollection`` definition implies (Sentinel-1, DEM)."""
    filters: dict[str, Any] = {}
    if not hasattr(data_collection, "api_id"):
        return filters
    for attribute, key in (
        ("swath_mode", "acquisitionMode"),
        ("polarization", "polarization"),
        ("resolution", "resolution"),
    ):
        value = getattr(data_collection, attribute, None)
        if isinstance(value, str) and value:
            filters[key] = value.upper()
    orbit = getattr(data_collection, "orbit_direction", None)
    if isinstance(orbit, str) and orbit and orbit.upper() != "BOTH":
        filters["orbitDirection"] = orbit.upper()
    for attribute, key in (("timeliness", "timeliness"), ("dem_instance", "demInstance")):
        value = getattr(data_collection, attribute, None)
        if isinstance(value, str) and value:
            filters[key] = value
    return filters


def input_data(
    data_collection: Any,
    *,
    identifier: str | None = None,
    time_interval: Any = None,
    maxcc: float | None = None,
    mosaicking_order: MosaickingOrder | str | None = None,
    upsampling: ResamplingType | str | None = None,
    downsampling: ResamplingType | str | None = None,
    other_args: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One element of ``input.data``.

    Args:
        data_collection: the collection (see `data_type_of`): a ``ByocCollection``, a
            collection id, ``"byoc-<id>"``, or sentinelhub-py's ``DataCollection``.
        identifier: the input's ``id``, by which a data-fusion evalscript refers to it.
        time_interval: ``(start, end)`` as datetimes, dates or ISO strings, or one day.
        maxcc: the largest cloud cover accepted, 0..1 (sent as a percentage).
        mosaicking_order: ``mostRecent``, ``leastRecent`` or ``leastCC``.
        upsampling, downsampling: ``NEAREST``, ``BILINEAR`` or ``BICUBIC``.
        other_args: members merged into the result (recursively).
    """
    result: dict[str, Any] = {"type": data_type_of(data_collection)}
    if identifier:
        result["id"] = identifier
    data_filter: dict[str, Any] = {}
    if time_interval is not None:
        data_filter["timeRange"] = time_range(time_interval)
    if maxcc is not None:
        number = _finite(maxcc, "maxcc")
        if not 0 <= number <= 1:
            raise _invalid("maxcc", f"a cloud cover fraction in [0, 1], got {maxcc!r}")
        data_filter["maxCloudCoverage"] = int(number * 100)
    if mosaicking_order is not None:
        data_filter["mosaickingOrder"] = _enum_value(
            MosaickingOrder, mosaicking_order, "mosaicking_order"
        )
    data_filter.update(_collection_filters(data_collection))
    if data_filter:
        result["dataFilter"] = data_filter
    processing: dict[str, Any] = {}
    if upsampling is not None:
        processing["upsampling"] = _enum_value(ResamplingType, upsampling, "upsampling")
    if downsampling is not None:
        processing["downsampling"] = _enum_value(ResamplingType, downsampling, "downsampling")
    if processing:
        result["processing"] = processing
    if other_args:
        update_other_args(result, other_args)
    return result


def _finite(value: Any, field: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(float(value))
    ):
        raise _invalid(field, f"expected a finite number, got {value!r}")
    return float(value)


# -- bounds, outputs, body ----------------------------------------------------------------------


def bounds(
    bbox: Any = None, geometry: Any = None, other_args: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``input.bounds``: a bbox and/or a geometry, and their CRS as an OGC URL.

    ``bbox`` is a `BBox` (or sentinelhub-py's, or four numbers in CRS84); ``geometry`` a
    `Geometry` (or a GeoJSON dict, WKT, shapely, sentinelhub-py's). With both, they must share
    their CRS (CRS84 and EPSG:4326 count as one, the bbox's is written).
    """
    if bbox is None and geometry is None:
        raise _invalid("bbox", "give a bbox and/or a geometry (the area to render)")
    box = None if bbox is None else to_bbox(bbox, "bbox")
    shape = None if geometry is None else to_geometry(geometry)
    if (
        box is not None
        and shape is not None
        and box.crs != shape.crs
        and not (box.crs.is_lon_lat and shape.crs.is_lon_lat)
    ):
        raise _invalid(
            "geometry",
            f"its CRS {shape.crs} differs from the bbox's {box.crs}; give both in one CRS",
        )
    crs = box.crs if box is not None else shape.crs  # type: ignore[union-attr]
    result: dict[str, Any] = {"properties": {"crs": crs.opengis_string}}
    if box is not None:
        result["bbox"] = list(box)
    if shape is not None:
        result["geometry"] = shape.geojson
    if other_args:
        update_other_args(result, other_args)
    return result


def output_response(
    identifier: str, response_format: Any, other_args: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One element of ``output.responses``: ``identifier`` (an evalscript output id, or
    ``"userdata"``) in ``response_format`` (`MimeType`, ``"tiff"``, ``"image/png"``,
    sentinelhub-py's ``MimeType``). JPEG quality: ``other_args={"format": {"quality": 80}}``."""
    if not isinstance(identifier, str) or not identifier:
        raise _invalid("identifier", f"expected a non-empty string, got {identifier!r}")
    mime = MimeType.parse(response_format)
    if mime not in _RESPONSE_TYPES:
        raise _invalid("response_format", f"{mime.value} is not a response format")
    result: dict[str, Any] = {"identifier": identifier, "format": {"type": mime.value}}
    if other_args:
        update_other_args(result, other_args)
    return result


def _plain(value: Any) -> Any:
    """A numpy (or other) integer as ``int``, a real as ``float``; anything else unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def _pair(value: Any, field: str) -> tuple[Any, Any]:
    """``(x, y)`` out of a pair (a tuple, a list, a numpy array) or one number for both."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _plain(value), _plain(value)
    items: list[Any] | None = None
    if not isinstance(value, str | bytes | Mapping):
        try:
            items = list(value)
        except TypeError:
            items = None
    if items is None or len(items) != 2:
        raise _invalid(field, f"expected a pair (x, y), got {value!r}")
    return _plain(items[0]), _plain(items[1])


def output(
    responses: Sequence[Mapping[str, Any]],
    size: Any = None,
    resolution: Any = None,
    other_args: Mapping[str, Any] | None = None,
    *,
    delivery: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``output``: the responses, and ``size=(width, height)`` or ``resolution=(resx, resy)``
    (in units of the bounds' CRS), not both; ``delivery`` for Async Process."""
    if size is not None and resolution is not None:
        raise _invalid(
            "resolution",
            "give size=(width, height) or resolution=(resx, resy), not both",
        )
    result: dict[str, Any] = {"responses": list(responses)}
    if delivery is not None:
        result["delivery"] = delivery
    if size is not None:
        result["width"], result["height"] = _pair(size, "size")
    if resolution is not None:
        result["resx"], result["resy"] = _pair(resolution, "resolution")
    if other_args:
        update_other_args(result, other_args)
    return result


def body(
    request_bounds: Mapping[str, Any],
    request_data: Sequence[Mapping[str, Any]],
    evalscript: str | None,
    request_output: Mapping[str, Any] | None = None,
    other_args: Mapping[str, Any] | None = None,
    *,
    evalscript_reference: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole request body (``evalscriptReference`` for Async Process)."""
    result: dict[str, Any] = {"input": {"bounds": request_bounds, "data": list(request_data)}}
    if evalscript is not None:
        result["evalscript"] = evalscript
    if evalscript_reference is not None:
        result["evalscriptReference"] = evalscript_reference
    if request_output is not None:
        result["output"] = request_output
    if other_args:
        update_other_args(result, other_args)
    return result


# -- Async Process delivery ---------------------------------------------------------------------


class S3Specification(dict[str, Any]):
    """``{"s3": {...}}``: a bucket location with its credentials. A dict (it is sent as is);
    its ``repr`` hides the secret access key."""

    def __repr__(self) -> str:
        return f"S3Specification({_masked(self)!r})"

    __str__ = __repr__


def _masked(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            key: "***" if key in ("secretAccessKey", "credentials") and item else _masked(item)
            for key, item in value.items()
        }
    return value


def s3_specification(
    url: str,
    access_key: str | None = None,
    secret_access_key: str | None = None,
    iam_role_arn: str | None = None,
    region: str | None = None,
) -> S3Specification:
    """``{"s3": {"url", ...}}``: an S3 location and the access to it. For Async Process: where
    results are delivered, or where an evalscript is; for Batch v2: the file of
    ``geopackage_input`` and the ``delivery`` of ``raster_output`` / ``zarr_output``.

    Access is granted by an IAM role (``iam_role_arn``) or by a key pair (``access_key`` and
    ``secret_access_key``): exactly one of the two. ``region`` defaults to the deployment's.
    The result is a dict, sent as it is; its ``repr`` hides the secret key.
    """
    if not isinstance(url, str) or not url.startswith("s3://") or len(url) <= len("s3://"):
        raise _invalid("url", f"expected an s3://bucket/prefix URL, got {url!r}")
    has_role = iam_role_arn is not None
    has_keys = access_key is not None or secret_access_key is not None
    if has_keys and (access_key is None or secret_access_key is None):
        missing = "secret_access_key" if secret_access_key is None else "access_key"
        raise _invalid(missing, "a key pair needs both access_key and secret_access_key")
    if has_role == has_keys:
        raise _invalid(
            "iam_role_arn",
            "give either iam_role_arn or access_key with secret_access_key"
            + (", not both" if has_role else ""),
        )
    s3: dict[str, Any] = {"url": url}
    if access_key is not None:
        s3["accessKey"] = access_key
        s3["secretAccessKey"] = secret_access_key
    if iam_role_arn is not None:
        s3["iamRoleARN"] = iam_role_arn
    if region is not None:
        s3["region"] = region
    return S3Specification(s3=s3)


def _storage(value: Any, field: str) -> S3Specification:
    """A delivery / evalscript location checked, and wrapped so that its repr hides secrets."""
    if not isinstance(value, Mapping) or len(value) != 1 or next(iter(value)) not in ("s3", "gs"):
        raise _invalid(
            field,
            "expected {'s3': {...}} (see s3_specification) or {'gs': {...}}",
        )
    ((kind, location),) = value.items()
    if not isinstance(location, Mapping) or not isinstance(location.get("url"), str):
        raise _invalid(f"{field}.{kind}.url", "the location needs a url")
    prefix = "s3://" if kind == "s3" else "gs://"
    if not location["url"].startswith(prefix):
        raise _invalid(f"{field}.{kind}.url", f"expected a {prefix} URL, got {location['url']!r}")
    if kind == "gs" and not location.get("credentials"):
        raise _invalid(
            f"{field}.gs.credentials", "a Google Cloud Storage location needs credentials"
        )
    return value if isinstance(value, S3Specification) else S3Specification(value)


# -- checks before sending ----------------------------------------------------------------------


def _check_bounds(raw: Any, field: str) -> BBox | None:
    """The bounds' extent (for checking a resolution), after checking them."""
    if not isinstance(raw, Mapping):
        raise _invalid(field, "expected an object with bbox and/or geometry")
    properties = raw.get("properties") or {}
    crs_text = properties.get("crs") if isinstance(properties, Mapping) else None
    crs = to_crs(crs_text, f"{field}.properties.crs") if crs_text is not None else None
    if raw.get("bbox") is None and raw.get("geometry") is None:
        raise _invalid("bbox", "give a bbox and/or a geometry (the area to render)")
    extent: BBox | None = None
    if raw.get("geometry") is not None:
        extent = Geometry(raw["geometry"], crs=crs).bbox
    if raw.get("bbox") is not None:
        extent = BBox(raw["bbox"], crs=crs)
    return extent


def _entries(raw: Any, name: str, empty: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The dicts of the non-empty list ``raw``, each with its field name (``name[index]``)."""
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence) or not raw:
        raise _invalid(name, empty)
    for index, item in enumerate(raw):
        field = f"{name}[{index}]"
        if not isinstance(item, Mapping):
            raise _invalid(field, f"expected a dict, got {item!r}")
        yield field, item


def _required_text(item: Mapping[str, Any], key: str, field: str, problem: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise _invalid(f"{field}.{key}", problem)
    return value


def _member_object(item: Mapping[str, Any], key: str, field: str) -> Mapping[str, Any]:
    """``item[key]`` when it is an object (absent or empty: ``{}``)."""
    value = item.get(key) or {}
    if not isinstance(value, Mapping):
        raise _invalid(f"{field}.{key}", "expected an object")
    return value


def _check_data(raw: Any) -> None:
    aliases: set[str] = set()
    inputs = _entries(raw, "input_data", "give at least one input (SentinelHubRequest.input_data)")
    for field, item in inputs:
        kind = _required_text(item, "type", field, "each input needs its collection type")
        data_type_of(kind, f"{field}.type")
        alias = item.get("id")
        if alias is not None:
            if alias in aliases:
                raise _invalid(f"{field}.id", f"the identifier {alias!r} is used twice")
            aliases.add(alias)
        data_filter = _member_object(item, "dataFilter", field)
        time_range_ = data_filter.get("timeRange")
        if time_range_ is not None:
            where = f"{field}.dataFilter.timeRange"
            if not isinstance(time_range_, Mapping):
                raise _invalid(where, "expected {'from': ..., 'to': ...}")
            begin = _check_rfc3339(time_range_.get("from"), f"{where}.from")
            finish = _check_rfc3339(time_range_.get("to"), f"{where}.to")
            if begin > finish:
                raise _invalid(where, "'from' is after 'to'")
        if "mosaickingOrder" in data_filter:
            _enum_value(
                MosaickingOrder,
                data_filter["mosaickingOrder"],
                f"{field}.dataFilter.mosaickingOrder",
            )
        if "maxCloudCoverage" in data_filter:
            cover = _finite(data_filter["maxCloudCoverage"], f"{field}.dataFilter.maxCloudCoverage")
            if not 0 <= cover <= 100:
                raise _invalid(f"{field}.dataFilter.maxCloudCoverage", "expected 0..100")
        processing = _member_object(item, "processing", field)
        for key in ("upsampling", "downsampling"):
            if key in processing:
                _enum_value(ResamplingType, processing[key], f"{field}.processing.{key}")


def _check_responses(raw: Any) -> None:
    if raw is None:
        return  # the service then answers one PNG of the output "default"
    identifiers: set[str] = set()
    responses = _entries(
        raw, "responses", "give at least one response (SentinelHubRequest.output_response)"
    )
    for field, item in responses:
        identifier = _required_text(item, "identifier", field, "each response needs an identifier")
        if identifier in identifiers:
            raise _invalid(f"{field}.identifier", f"{identifier!r} is asked for twice")
        identifiers.add(identifier)
        fmt = _member_object(item, "format", field)
        mime = MimeType.parse(fmt.get("type", MimeType.PNG.value), f"{field}.format.type")
        if mime not in _RESPONSE_TYPES:
            raise _invalid(f"{field}.format.type", f"{mime.value} is not a response format")
        if "quality" in fmt:
            quality = fmt["quality"]
            if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 100:
                raise _invalid(f"{field}.format.quality", f"an int in 0..100, got {quality!r}")


def _check_output(raw: Any, extent: BBox | None, limit: int) -> None:
    if not isinstance(raw, Mapping):
        raise _invalid("output", "expected an object")
    _check_responses(raw.get("responses"))
    has_size = "width" in raw or "height" in raw
    has_resolution = "resx" in raw or "resy" in raw
    if has_size and has_resolution:
        raise _invalid(
            "resolution", "give size=(width, height) or resolution=(resx, resy), not both"
        )
    if has_size:
        for key in ("width", "height"):
            value = raw.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
                raise _invalid(
                    "size",
                    f"{key} must be an int in 1..{limit}, got {value!r}"
                    + ("; split the area or use Async Process" if isinstance(value, int) else ""),
                )
    if has_resolution:
        for axis, key in ((0, "resx"), (1, "resy")):
            value = raw.get(key)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not (math.isfinite(value) and value > 0)
            ):
                raise _invalid("resolution", f"{key} must be a number > 0, got {value!r}")
            if extent is not None:
                span = (extent.max_x - extent.min_x) if axis == 0 else (extent.max_y - extent.min_y)
                pixels = round(span / value)
                if pixels > limit:
                    raise _invalid(
                        "resolution",
                        f"{key}={value:g} gives {'width' if axis == 0 else 'height'} {pixels} "
                        f"over the bounds, more than {limit}; use a coarser resolution",
                    )


def check_payload(payload: Mapping[str, Any], *, asynchronous: bool = False) -> None:
    """Refuse a body the service would refuse, naming the field (`SentinelHubValidationError`).

    Checked: an evalscript (or, for Async Process, exactly one of evalscript and
    evalscriptReference), bounds with a bbox and/or a geometry, at least one input with a type,
    RFC 3339 time ranges, known mosaicking and resampling names, width/height in 1..2500 (10000
    for Async Process) or a positive resolution giving no more pixels, not both, at least one
    response in a known format with unique identifiers, and (Async Process) a delivery location.
    """
    evalscript = payload.get("evalscript")
    reference = payload.get("evalscriptReference")
    if asynchronous:
        if (evalscript is None) == (reference is None):
            raise _invalid("evalscript", "give either evalscript or evalscript_reference, not both")
        if reference is not None:
            _storage(reference, "evalscript_reference")
    if (not asynchronous or evalscript is not None) and (
        not isinstance(evalscript, str) or not evalscript.strip()
    ):
        raise _invalid("evalscript", "expected the evalscript's source as a non-empty string")
    request_input = payload.get("input")
    if not isinstance(request_input, Mapping):
        raise _invalid("input", "expected an object with bounds and data")
    extent = _check_bounds(request_input.get("bounds"), "bounds")
    _check_data(request_input.get("data"))
    request_output = payload.get("output")
    if request_output is None:
        if asynchronous:
            raise _invalid("delivery", "Async Process needs output.delivery")
        return
    _check_output(request_output, extent, MAX_ASYNC_SIZE if asynchronous else MAX_SIZE)
    if asynchronous:
        _storage(request_output.get("delivery"), "delivery")


def storage(value: Any, field: str) -> S3Specification:
    """A checked object-storage location (``{"s3": ...}`` or ``{"gs": ...}``)."""
    return _storage(value, field)
