"""Reading a Statistical API request body into checked parts.

Every problem is a 400 ``COMMON_BAD_PAYLOAD`` naming the parameter as a path
(``aggregation->aggregationInterval->of``, ``calculations->default->histograms->B0->nBins``, ...).
What depends on the evalscript's outputs (``dataMask``, output ids and band names in
``calculations``) is checked later, once ``setup()`` has run (see `runner`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sentinelhub_emulator.core.errors import ApiError, Violation, bad_payload
from sentinelhub_emulator.core.params import date_time, finite_number
from sentinelhub_emulator.statistical.compute import (
    INTERPOLATIONS,
    MAX_BINS,
    HistogramSpec,
    PercentileSpec,
)
from sentinelhub_emulator.statistical.intervals import (
    BEHAVIORS,
    TooManyIntervalsError,
    parse_duration,
    split,
)

__all__ = [
    "MAX_INTERVALS",
    "MAX_SIZE",
    "OutputCalculation",
    "ParsedStatistical",
    "parse_statistical",
    "renamed",
]

MAX_SIZE = 2500
#: The most intervals one request may ask for.
MAX_INTERVALS = 1000
_SIZE_KEYS = ("width", "height", "resx", "resy")


@dataclass(frozen=True)
class OutputCalculation:
    """What ``calculations`` asks of one output (or ``default``), per band name or
    ``default``."""

    histograms: dict[str, HistogramSpec] = field(default_factory=dict)
    statistics: dict[str, PercentileSpec | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedStatistical:
    """The checked request: the Process body template, the intervals and the calculations."""

    process_body: dict[str, Any]
    intervals: list[tuple[datetime, datetime]]
    calculations: dict[str, OutputCalculation]


def renamed(error: ApiError) -> ApiError:
    """A Process engine error with its parameters named as in a Statistical request
    (``output->width`` is ``aggregation->width``, ``evalscript`` is
    ``aggregation->evalscript``)."""

    def name(parameter: str) -> str:
        if parameter.startswith("output->"):
            return "aggregation->" + parameter[len("output->") :]
        if parameter == "evalscript":
            return "aggregation->evalscript"
        return parameter

    message = error.message.replace("Invalid output->", "Invalid aggregation->").replace(
        "Invalid evalscript", "Invalid aggregation->evalscript"
    )
    return ApiError(
        error.status,
        message,
        error.code,
        tuple(Violation(name(v.parameter), v.violation) for v in error.violations),
        error.headers,
    )


def _object(value: Any, parameter: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise bad_payload(parameter, "must be an object")
    return value


def _time(value: Any, parameter: str) -> datetime:
    return date_time(value, parameter, "is required, an RFC 3339 date-time string")


def _intervals(aggregation: Mapping[str, Any]) -> list[tuple[datetime, datetime]]:
    base = "aggregation->timeRange"
    time_range = _object(aggregation.get("timeRange"), base)
    start = _time(time_range.get("from"), f"{base}->from")
    end = _time(time_range.get("to"), f"{base}->to")
    if start > end:
        raise bad_payload(base, "from must not be after to")
    where = "aggregation->aggregationInterval"
    interval = _object(aggregation.get("aggregationInterval"), where)
    of = interval.get("of")
    duration = parse_duration(of) if isinstance(of, str) else None
    if duration is None:
        raise bad_payload(
            f"{where}->of",
            f"{of!r} is not a positive ISO 8601 duration with whole numbers, such as P1D, "
            "P10D, P1M, P1Y or PT12H",
        )
    behavior = interval.get("lastIntervalBehavior") or "SKIP"
    if behavior not in BEHAVIORS:
        raise bad_payload(
            f"{where}->lastIntervalBehavior", f"must be one of {', '.join(BEHAVIORS)}"
        )
    try:
        return split(start, end, duration, str(behavior), MAX_INTERVALS)
    except TooManyIntervalsError:
        raise bad_payload(
            f"{where}->of",
            f"splits the time range into more than {MAX_INTERVALS} intervals, the most the "
            "emulator computes in one request; ask for a longer interval or a shorter range",
        ) from None


def _size(aggregation: Mapping[str, Any]) -> dict[str, Any]:
    has_size = any(aggregation.get(k) is not None for k in ("width", "height"))
    has_res = any(aggregation.get(k) is not None for k in ("resx", "resy"))
    if has_size and has_res:
        raise bad_payload(
            "aggregation->resx",
            "give width and height, or resx and resy, not both",
            "Only width and height or resx and resy can be set at the same time.",
        )
    for key in ("width", "height"):
        value = aggregation.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIZE
        ):
            raise bad_payload(f"aggregation->{key}", f"must be an integer from 1 to {MAX_SIZE}")
    return {k: aggregation[k] for k in _SIZE_KEYS if aggregation.get(k) is not None}


def _edge(spec: Mapping[str, Any], key: str, parameter: str) -> float | None:
    return None if spec.get(key) is None else finite_number(spec[key], f"{parameter}->{key}")


def _histogram(raw: Any, parameter: str) -> HistogramSpec:
    spec = _object(raw, parameter)
    given = [key for key in ("nBins", "binWidth", "bins") if spec.get(key) is not None]
    if len(given) != 1:
        raise bad_payload(parameter, "give exactly one of nBins, binWidth or bins")
    low = (
        None
        if spec.get("lowEdge") is None
        else finite_number(spec["lowEdge"], f"{parameter}->lowEdge")
    )
    high = (
        None
        if spec.get("highEdge") is None
        else finite_number(spec["highEdge"], f"{parameter}->highEdge")
    )
    if low is not None and high is not None and not low < high:
        raise bad_payload(f"{parameter}->highEdge", "must be greater than lowEdge")
    [kind] = given
    if kind == "bins":
        raw_edges = spec["bins"]
        if not isinstance(raw_edges, list) or len(raw_edges) < 2:
            raise bad_payload(f"{parameter}->bins", "must be a list of at least two edges")
        edges = tuple(finite_number(v, f"{parameter}->bins") for v in raw_edges)
        if any(b <= a for a, b in itertools.pairwise(edges)):
            raise bad_payload(f"{parameter}->bins", "edges must be strictly increasing")
        if len(edges) - 1 > MAX_BINS:
            raise bad_payload(f"{parameter}->bins", f"at most {MAX_BINS} bins")
        if low is not None or high is not None:
            raise bad_payload(parameter, "lowEdge and highEdge go with nBins or binWidth, not bins")
        return HistogramSpec(edges=edges)
    if kind == "nBins":
        n = spec["nBins"]
        if isinstance(n, float) and n.is_integer():
            n = int(n)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_BINS:
            raise bad_payload(f"{parameter}->nBins", f"must be an integer from 1 to {MAX_BINS}")
        return HistogramSpec(n_bins=n, low=low, high=high)
    width = finite_number(spec["binWidth"], f"{parameter}->binWidth")
    if width <= 0:
        raise bad_payload(f"{parameter}->binWidth", "must be positive")
    if low is not None and high is not None and (high - low) / width > MAX_BINS:
        raise bad_payload(
            f"{parameter}->binWidth", f"gives more than {MAX_BINS} bins from lowEdge to highEdge"
        )
    return HistogramSpec(bin_width=width, low=low, high=high)


def _statistics(raw: Any, parameter: str) -> PercentileSpec | None:
    spec = _object(raw, parameter)
    if spec.get("percentiles") is None:
        return None
    where = f"{parameter}->percentiles"
    percentiles = _object(spec["percentiles"], where)
    raw_k = percentiles.get("k")
    if not isinstance(raw_k, list):
        raise bad_payload(f"{where}->k", "must be a list of percentiles from 0 to 100")
    k = tuple(finite_number(v, f"{where}->k") for v in raw_k)
    if any(not 0 <= v <= 100 for v in k):
        raise bad_payload(f"{where}->k", "percentiles go from 0 to 100 (50 is the median)")
    interpolation = percentiles.get("interpolation") or "higher"
    if interpolation not in INTERPOLATIONS:
        raise bad_payload(f"{where}->interpolation", f"must be one of {', '.join(INTERPOLATIONS)}")
    return PercentileSpec(k, str(interpolation))


def _calculations(raw: Any) -> dict[str, OutputCalculation]:
    if raw is None:
        return {}
    result = {}
    for output, definition in _object(raw, "calculations").items():
        base = f"calculations->{output}"
        definition = _object(definition, base)
        histograms = {
            band: _histogram(spec, f"{base}->histograms->{band}")
            for band, spec in _object(
                definition.get("histograms") or {}, f"{base}->histograms"
            ).items()
        }
        statistics = {
            band: _statistics(spec, f"{base}->statistics->{band}")
            for band, spec in _object(
                definition.get("statistics") or {}, f"{base}->statistics"
            ).items()
        }
        result[str(output)] = OutputCalculation(histograms, statistics)
    return result


def parse_statistical(body: Mapping[str, Any]) -> ParsedStatistical:
    """Check a Statistical request body (its bounds and inputs are checked by the Process
    engine afterwards); 400 naming the parameter on the first problem."""
    raw_input = body.get("input")
    if not isinstance(raw_input, Mapping):
        raise bad_payload("input", "is required: bounds and data, as in a Process request")
    aggregation = _object(body.get("aggregation"), "aggregation")
    evalscript = aggregation.get("evalscript")
    if not isinstance(evalscript, str) or not evalscript.strip():
        raise bad_payload("aggregation->evalscript", "is required and must be a non-empty string")
    intervals = _intervals(aggregation)
    output = _size(aggregation)
    calculations = _calculations(body.get("calculations"))
    process_body = {"input": dict(raw_input), "output": output, "evalscript": evalscript}
    return ParsedStatistical(process_body, intervals, calculations)
