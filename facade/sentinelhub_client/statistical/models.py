"""The Statistical API's answer as typed models on the shared wire-field base.

`StatisticalResult` is the whole answer (``data``, ``status``); its `intervals` are
`IntervalStatistics` (``start``, ``end``, ``outputs`` -> `OutputStatistics` -> ``bands`` ->
`BandStatistics` with `Stats` and `Histogram`). Each is a read-only view of the dict
``json.loads`` made: ``result["data"][0]["outputs"]`` still reads as sentinelhub-py's dicts do.
`StatisticalResult.to_dataframe` gives one row per interval, output and band (needs pandas: the
``dataframe`` extra).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.parser import isoparse

from sentinelhub_client._core.extras import translate_missing
from sentinelhub_client._core.models import (
    INTEGER,
    JSON_LIST,
    JSON_OBJECT,
    NUMBER,
    OTHER,
    STRING,
    WireModel,
    _Model,
    _ModelMap,
    wire,
)

__all__ = [
    "BandStatistics",
    "Histogram",
    "IntervalStatistics",
    "OutputStatistics",
    "StatisticalResult",
    "Stats",
]


class Stats(WireModel):
    """The statistics of one band in one interval, over the pixels with data."""

    min: float | None = wire("min", NUMBER, default=None)
    max: float | None = wire("max", NUMBER, default=None)
    mean: float | None = wire("mean", NUMBER, default=None)
    st_dev: float | None = wire("stDev", NUMBER, default=None)
    sample_count: int | None = wire("sampleCount", INTEGER, default=None)
    no_data_count: int | None = wire("noDataCount", INTEGER, default=None)
    percentiles: dict[str, Any] = wire("percentiles", JSON_OBJECT, default_factory=dict)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)


class Histogram(WireModel):
    """A histogram: ``bins`` (dicts with ``lowEdge``, ``highEdge``, ``count``), and the counts
    below the first and above the last bin when the service sends them."""

    bins: list[dict[str, Any]] = wire("bins", JSON_LIST, default_factory=list)
    overflow: int | None = wire("overflow", INTEGER, default=None)
    underflow: int | None = wire("underflow", INTEGER, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    @property
    def counts(self) -> list[int]:
        """The count of each bin, in order."""
        return [int(b.get("count", 0)) for b in self.bins]

    @property
    def edges(self) -> list[float]:
        """The bin edges: each bin's ``lowEdge`` and the last one's ``highEdge``."""
        if not self.bins:
            return []
        return [float(b["lowEdge"]) for b in self.bins] + [float(self.bins[-1]["highEdge"])]


class BandStatistics(WireModel):
    """One band's `Stats` and, when asked for, its `Histogram`."""

    stats: Stats = wire("stats", _Model(lambda: Stats), default_factory=Stats)
    histogram: Histogram | None = wire("histogram", _Model(lambda: Histogram), default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)


class OutputStatistics(WireModel):
    """The bands of one evalscript output, by band name."""

    bands: dict[str, BandStatistics] = wire(
        "bands", _ModelMap(lambda: BandStatistics), default_factory=dict
    )
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)


def _moment(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    moment = isoparse(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class IntervalStatistics(WireModel):
    """One aggregation interval: its ``interval`` (``from``, ``to``), its ``outputs`` by id,
    and its ``error`` when the evalscript failed in it."""

    interval: dict[str, Any] = wire("interval", JSON_OBJECT, default_factory=dict)
    outputs: dict[str, OutputStatistics] = wire(
        "outputs", _ModelMap(lambda: OutputStatistics), default_factory=dict
    )
    error: dict[str, Any] | None = wire("error", JSON_OBJECT, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    @property
    def start(self) -> dt.datetime | None:
        """The start of the interval (``interval.from``)."""
        return _moment(self.interval.get("from"))

    @property
    def end(self) -> dt.datetime | None:
        """The end of the interval (``interval.to``)."""
        return _moment(self.interval.get("to"))


class StatisticalResult(WireModel):
    """The answer of a Statistical request.

    Attributes:
        data: the intervals with data, as the wire dicts (see `intervals` for models).
        status: ``OK``, ``PARTIAL`` or ``FAILED``.
    """

    data: list[dict[str, Any]] = wire("data", JSON_LIST, default_factory=list)
    status: str | None = wire("status", STRING, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    @property
    def processing_units(self) -> float | None:
        """What the request cost (``X-ProcessingUnits-Spent``), when the answer said."""
        value = self.__dict__.get("_processing_units")
        return value if isinstance(value, float) else None

    @property
    def intervals(self) -> list[IntervalStatistics]:
        """The intervals as `IntervalStatistics`, in the service's order."""
        return [IntervalStatistics._from_wire(item) for item in self.data]

    def rows(self) -> list[dict[str, Any]]:
        """One flat dict per interval, output and band: ``interval_from``, ``interval_to``,
        ``output``, ``band``, the statistics (``mean``, ``stDev``, ...) and ``percentile_<k>``;
        intervals that failed give one row with ``error``."""
        rows: list[dict[str, Any]] = []
        for interval in self.intervals:
            base = {"interval_from": interval.start, "interval_to": interval.end}
            if interval.error is not None:
                rows.append({**base, "error": interval.error.get("type")})
                continue
            for output_id, output in interval.outputs.items():
                for band, values in output.bands.items():
                    stats = dict(values.stats or {})
                    percentiles = stats.pop("percentiles", None) or {}
                    row = {**base, "output": output_id, "band": band, **stats}
                    row.update({f"percentile_{k}": v for k, v in percentiles.items()})
                    rows.append(row)
        return rows

    def to_dataframe(self) -> Any:
        """`rows` as a ``pandas.DataFrame`` (needs the ``dataframe`` extra)."""
        with translate_missing("StatisticalResult.to_dataframe", "dataframe"):
            import pandas as pd
        return pd.DataFrame(self.rows())
