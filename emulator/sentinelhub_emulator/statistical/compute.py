"""Statistics, percentiles and histograms of one band's valid values, in numpy.

Everything is computed in float64 over the values that count (inside the request geometry,
``dataMask`` not 0, finite): ``min``, ``max``, ``mean``, ``stDev`` (the sample standard
deviation, ``n - 1`` in the denominator; 0 for a single value), ``sampleCount`` (pixels inside
the geometry) and ``noDataCount`` (those of them that do not count). A band without any value that
counts answers only the two counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "INTERPOLATIONS",
    "MAX_BINS",
    "HistogramSpec",
    "PercentileSpec",
    "band_result",
    "histogram",
    "percentile_key",
]

#: numpy's percentile methods the service names (``higher`` is the default).
INTERPOLATIONS = ("higher", "lower", "linear", "nearest", "midpoint")
#: The most bins one histogram may have.
MAX_BINS = 10_000


@dataclass(frozen=True)
class HistogramSpec:
    """One histogram definition: exactly one of ``n_bins``, ``bin_width`` or ``edges``."""

    n_bins: int | None = None
    bin_width: float | None = None
    edges: tuple[float, ...] | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class PercentileSpec:
    """Percentiles ``k`` (0 to 100) and numpy's interpolation method."""

    k: tuple[float, ...]
    interpolation: str = "higher"


def percentile_key(k: float) -> str:
    """The answer's key of percentile ``k``: ``"50.0"``, ``"2.5"``."""
    return repr(float(k))


def _edges(spec: HistogramSpec, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    if spec.edges is not None:
        return np.asarray(spec.edges, dtype=np.float64)
    low = float(values.min()) if spec.low is None else spec.low
    high = float(values.max()) if spec.high is None else spec.high
    high = max(high, low)
    if spec.n_bins is not None:
        return np.linspace(low, high, spec.n_bins + 1)
    assert spec.bin_width is not None
    # Bins of exactly binWidth from lowEdge, as many as reach highEdge (at least one).
    count = max(1, math.ceil((high - low) / spec.bin_width)) if high > low else 1
    count = min(count, MAX_BINS)
    return low + spec.bin_width * np.arange(count + 1, dtype=np.float64)


def histogram(spec: HistogramSpec, values: npt.NDArray[np.float64]) -> dict[str, Any]:
    """``{bins: [{lowEdge, highEdge, count}], underflow, overflow}``: each bin holds its low edge
    and not its high edge, but the last holds both; values below the first edge are the
    underflow, above the last the overflow."""
    edges = _edges(spec, values)
    # Bin i holds edges[i] <= v < edges[i + 1]; the last one also v == edges[-1].
    index = np.searchsorted(edges, values, side="right") - 1
    bins = len(edges) - 1
    index[values == edges[-1]] = bins - 1
    underflow = int(np.count_nonzero(index < 0))
    overflow = int(np.count_nonzero(index >= bins))
    inside = index[(index >= 0) & (index < bins)]
    counts = np.bincount(inside, minlength=bins) if bins > 0 else np.zeros(0, dtype=np.int64)
    return {
        "bins": [
            {"lowEdge": float(edges[i]), "highEdge": float(edges[i + 1]), "count": int(counts[i])}
            for i in range(bins)
        ],
        "overflow": overflow,
        "underflow": underflow,
    }


def band_result(
    values: npt.NDArray[np.float64],
    sample_count: int,
    *,
    histogram_spec: HistogramSpec | None,
    percentiles: PercentileSpec | None,
) -> dict[str, Any]:
    """The ``{stats, histogram?}`` of one band from its valid ``values`` (1-D)."""
    count = int(values.size)
    stats: dict[str, Any] = {}
    if count:
        mean = float(values.mean())
        stats["min"] = float(values.min())
        stats["max"] = float(values.max())
        stats["mean"] = mean
        stats["stDev"] = float(values.std(ddof=1)) if count > 1 else 0.0
    stats["sampleCount"] = sample_count
    stats["noDataCount"] = sample_count - count
    if count and percentiles is not None and percentiles.k:
        found = np.percentile(values, list(percentiles.k), method=percentiles.interpolation)  # type: ignore[call-overload]
        stats["percentiles"] = {
            percentile_key(k): float(v) for k, v in zip(percentiles.k, found, strict=True)
        }
    # Sums of huge values may overflow: a number JSON cannot carry is left out.
    stats = {k: v for k, v in stats.items() if not isinstance(v, float) or math.isfinite(v)}
    result: dict[str, Any] = {"stats": stats}
    if count and histogram_spec is not None:
        result["histogram"] = histogram(histogram_spec, values)
    return result
