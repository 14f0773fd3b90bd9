"""Collection bands: checking them, the rules for changing them, and their ingestion form.

Bands are stored in their wire form (``{"source", "bandIndex", "bitDepth", "sampleFormat",
"noData"}``) with ``source`` (default: the band name) and ``bandIndex`` (default: 1) filled in, as
the service returns them. A band's identity across a rename is its ``(source, bandIndex)`` pair:
that is what the file lookup uses, so a PUT that keeps them but changes the key renames the band.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from sentinelhub_emulator.byoc.ingest import MAX_BANDS, BandSpec, DetectedBand, is_band_name
from sentinelhub_emulator.core.errors import bad_payload

__all__ = [
    "MAX_BANDS",
    "band_mismatch",
    "band_specs",
    "bands_compatible",
    "bands_from_detected",
    "check_no_data",
    "normalise_bands",
    "updated_bands",
]

BIT_DEPTHS = (8, 16, 32)
SAMPLE_FORMATS = ("UINT", "INT", "FLOAT")


Band = dict[str, Any]
Bands = dict[str, Band]


def _param(name: str, field: str | None = None) -> str:
    base = f"additionalData->bands->{name}"
    return base if field is None else f"{base}->{field}"


def normalise_bands(raw: Mapping[str, Any]) -> Bands:
    """Check requested bands and fill in ``source`` and ``bandIndex``; 400 on a bad one.

    Members the service does not store (``aliases`` and anything unknown) are dropped.
    """
    if len(raw) > MAX_BANDS:
        raise bad_payload("additionalData->bands", f"at most {MAX_BANDS} bands are allowed")
    bands: Bands = {}
    for name, spec in raw.items():
        if not is_band_name(name):
            raise bad_payload(
                _param(name),
                "a band name must be a JavaScript identifier (letters, digits, _ and $, "
                "not starting with a digit) and not a reserved word",
            )
        if not isinstance(spec, Mapping):
            raise bad_payload(_param(name), "a band must be an object")
        band: Band = {"source": name, "bandIndex": 1}
        source = spec.get("source")
        if source is not None:
            if not isinstance(source, str) or not source or "/" in source:
                raise bad_payload(_param(name, "source"), "must be a non-empty name without '/'")
            band["source"] = source
        index = spec.get("bandIndex")
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, int) or index < 1:
                raise bad_payload(_param(name, "bandIndex"), "must be an integer of at least 1")
            band["bandIndex"] = index
        bit_depth = spec.get("bitDepth")
        if bit_depth is not None:
            if bit_depth not in BIT_DEPTHS or isinstance(bit_depth, bool):
                raise bad_payload(_param(name, "bitDepth"), "must be 8, 16 or 32")
            band["bitDepth"] = int(bit_depth)
        sample_format = spec.get("sampleFormat")
        if sample_format is not None:
            if sample_format not in SAMPLE_FORMATS:
                raise bad_payload(_param(name, "sampleFormat"), "must be UINT, INT or FLOAT")
            band["sampleFormat"] = sample_format
        no_data = spec.get("noData")
        if no_data is not None:
            band["noData"] = no_data
        bands[name] = band
    return bands


#: Largest finite 32-bit float: the widest sample a band holds (FLOAT, 32 bits).
FLOAT32_MAX = 3.4028234663852886e38


def _sample_range(bit_depth: Any, sample_format: Any) -> tuple[float, float, bool] | None:
    """Lowest and highest value of a sample and whether it is an integer; None when the band
    does not say (its format is read from its files at ingestion)."""
    if sample_format == "FLOAT":
        return -FLOAT32_MAX, FLOAT32_MAX, False
    if bit_depth is None:
        return None
    if sample_format == "INT":
        return -(2.0 ** (bit_depth - 1)), 2.0 ** (bit_depth - 1) - 1, True
    return 0.0, 2.0**bit_depth - 1, True  # UINT, the service's default


def _check_value(value: Any, band: Band | None, parameter: str) -> None:
    """400 unless ``value`` is a number a sample of ``band`` (any band when None or when the
    band does not declare its format) can hold."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise bad_payload(parameter, "must be a finite number")
    declared = (
        None if band is None else _sample_range(band.get("bitDepth"), band.get("sampleFormat"))
    )
    if declared is None:
        # Any band: an integer of a 32-bit integer band, or a value of a 32-bit float band.
        if not -FLOAT32_MAX <= value <= FLOAT32_MAX:
            raise bad_payload(
                parameter,
                f"{value!r} is beyond what any band sample (at most a 32-bit float, "
                f"+-{FLOAT32_MAX:.7g}) can hold",
            )
        return
    low, high, integer = declared
    kind = f"{band.get('sampleFormat') or 'UINT'} {band.get('bitDepth') or 32}-bit" if band else ""
    if not low <= value <= high or (integer and float(value) != math.floor(value)):
        what = f"an integer from {low:.0f} to {high:.0f}" if integer else f"within +-{high:.7g}"
        raise bad_payload(parameter, f"{value!r} cannot be a {kind} sample; it must be {what}")


def check_no_data(collection_no_data: Any, bands: Mapping[str, Band]) -> None:
    """noData may be set on the collection or on its bands, not on both, and must be a value
    the bands' samples can hold (see `_check_value`)."""
    for name, band in bands.items():
        if band.get("noData") is not None:
            _check_value(band["noData"], band, _param(name, "noData"))
    if collection_no_data is None:
        return
    for name, band in bands.items():
        if band.get("noData") is not None:
            raise bad_payload(
                _param(name, "noData"),
                "noData is set on the collection already; set it per band or per collection, "
                "not both",
            )
    _check_value(collection_no_data, None, "noData")
    for band in bands.values():
        _check_value(collection_no_data, band, "noData")


def updated_bands(current: Mapping[str, Band], requested: Bands, *, has_tiles: bool) -> Bands:
    """The bands after a PUT that sends ``additionalData`` (``requested`` already normalised).

    - Removing every band needs a collection without tiles.
    - With tiles, every requested band must be an existing one (same source and band index,
      possibly renamed), and its bit depth stays; a bit depth left out is kept.
    - A sample format, once set, never changes; one left out is kept.
    """
    if not requested:
        if current and has_tiles:
            raise bad_payload(
                "additionalData->bands",
                "all bands can only be removed from a collection without tiles",
            )
        return {}
    existing = {(band["source"], band["bandIndex"]): band for band in current.values()}
    claimed: set[tuple[str, int]] = set()
    result: Bands = {}
    for name, band in requested.items():
        key = (band["source"], band["bandIndex"])
        old = existing.get(key)
        merged = dict(band)
        if has_tiles:
            if old is None or key in claimed:
                raise bad_payload(
                    _param(name),
                    "bands cannot be added, nor their source or bandIndex changed, once the "
                    "collection has tiles (to rename a band keep its source and bandIndex)",
                )
            if "bitDepth" in old and (
                merged.setdefault("bitDepth", old["bitDepth"]) != old["bitDepth"]
            ):
                raise bad_payload(
                    _param(name, "bitDepth"),
                    "bitDepth cannot change once the collection has tiles",
                )
        claimed.add(key)
        if (
            old is not None
            and "sampleFormat" in old
            and merged.setdefault("sampleFormat", old["sampleFormat"]) != old["sampleFormat"]
        ):
            raise bad_payload(
                _param(name, "sampleFormat"), "sampleFormat cannot change once it is set"
            )
        result[name] = merged
    return result


def band_specs(bands: Mapping[str, Band]) -> list[BandSpec]:
    """The bands as the ingestion engine takes them."""
    return [
        BandSpec(
            name=name,
            source=band.get("source"),
            band_index=int(band.get("bandIndex", 1)),
            bit_depth=band.get("bitDepth"),
            sample_format=band.get("sampleFormat"),
        )
        for name, band in bands.items()
    ]


def bands_from_detected(current: Mapping[str, Band], detected: Iterable[DetectedBand]) -> Bands:
    """The collection's bands after a successful ingestion.

    A collection without bands takes the detected ones; otherwise bit depths and sample formats
    that were left open are filled in from the file.
    """
    found = {band.name: band for band in detected}
    if not current:
        return {
            band.name: {
                "source": band.source,
                "bandIndex": band.band_index,
                "bitDepth": band.bit_depth,
                "sampleFormat": band.sample_format,
            }
            for band in found.values()
        }
    result: Bands = {}
    for name, band in current.items():
        merged = dict(band)
        seen = found.get(name)
        if seen is not None:
            merged.setdefault("bitDepth", seen.bit_depth)
            merged.setdefault("sampleFormat", seen.sample_format)
        result[name] = merged
    return result


def _kind(bit_depth: Any, sample_format: Any) -> str:
    return f"{sample_format or '?'} {bit_depth or '?'}-bit"


def band_mismatch(
    current: Mapping[str, Band], detected: Iterable[DetectedBand], tile_path: str
) -> str | None:
    """Why a tile whose files hold ``detected`` cannot join a collection whose bands are now
    ``current`` (the tile's ``failedIngestionCause``), or None when it can.

    A collection without bands takes any tile (its first ingested tile defines them). Otherwise
    every band of the collection must be found in the tile's files (same source and band
    index) with the bit depth and sample format the collection declares (when it declares
    them). The service defines a collection's bands from its first ingested tile and fails
    later tiles that do not match; this is that check, made when the tile's result is stored,
    so that tiles ingested side by side are judged against the bands the winner defined.
    """
    if not current:
        return None
    found = {(band.source, band.band_index): band for band in detected}
    for name, band in current.items():
        source = band.get("source") or name
        index = int(band.get("bandIndex", 1))
        seen = found.get((source, index))
        file_path = tile_path.replace("(BAND)", source)
        if seen is None:
            return (
                f"The collection's band '{name}' reads band {index} of file '{file_path}', which "
                "this tile does not have; give the tile the collection's bands "
                f"({', '.join(current)}) or ingest it into another collection."
            )
        declared = (band.get("bitDepth"), band.get("sampleFormat"))
        if (declared[0] is not None and declared[0] != seen.bit_depth) or (
            declared[1] is not None and declared[1] != seen.sample_format
        ):
            return (
                f"Band '{name}' is declared with {_kind(declared[0], declared[1])} samples (the "
                "collection's bands were defined by its first ingested tile) but file "
                f"'{file_path}' holds {_kind(seen.bit_depth, seen.sample_format)} samples "
                f"(the collection's band is {_kind(declared[0], declared[1])}, the file's "
                f"{_kind(seen.bit_depth, seen.sample_format)}); all tiles of a collection share "
                "its band types: convert the file (gdal_translate -ot) or ingest the tile into "
                "another collection."
            )
    return None


def _signature(bands: Mapping[str, Band]) -> dict[str, tuple[Any, Any]]:
    return {name: (band.get("bitDepth"), band.get("sampleFormat")) for name, band in bands.items()}


def bands_compatible(source: Mapping[str, Band], target: Mapping[str, Band]) -> bool:
    """Whether tiles of a collection with ``source`` bands may be copied into ``target``."""
    return not target or _signature(source) == _signature(target)
