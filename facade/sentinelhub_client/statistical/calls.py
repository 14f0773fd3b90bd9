"""The Statistical API request: the body builders and the `Call`; no I/O.

`aggregation` and `body` keep sentinelhub-py's ``SentinelHubStatistical.aggregation`` signature
and checks before anything is sent: an ISO 8601 duration, ``size`` or ``resolution`` (not both,
each side 1..2500 px), an evalscript that mentions ``dataMask`` (the service computes nothing
without it), and a ``calculations`` mapping of output ids to histogram and statistics
definitions.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from sentinelhub_client._core import jsonload
from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import APIResponseValidationError
from sentinelhub_client._core.errors import invalid_argument as _invalid
from sentinelhub_client._core.transport import Call
from sentinelhub_client.process import builders
from sentinelhub_client.statistical.models import StatisticalResult

__all__ = ["PU_HEADER", "StatisticalCalls", "aggregation", "body", "statistical_path"]

PU_HEADER = "x-processingunits-spent"
MAX_SIDE = 2500
LAST_INTERVAL = ("SKIP", "SHORTEN", "EXTEND")
_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)


def statistical_path(config: SHConfig) -> str:
    """``/api/v1/statistics``, or ``/statistics/v1`` in the new path style."""
    if config.byoc_base_path.startswith("/byoc/"):
        return "/statistics/v1"
    return "/api/v1/statistics"


def aggregation(
    evalscript: str,
    time_interval: Any,
    aggregation_interval: str,
    size: Any = None,
    resolution: Any = None,
    other_args: Mapping[str, Any] | None = None,
    *,
    last_interval_behavior: str | None = None,
) -> dict[str, Any]:
    """The ``aggregation`` member.

    Args:
        evalscript: evalscript V3; it must return a ``dataMask`` output.
        time_interval: ``(start, end)`` or one day (as in Process).
        aggregation_interval: an ISO 8601 duration such as ``"P1D"``, ``"P10D"``, ``"P1M"``.
        size: ``(width, height)`` of the sample grid, 1..2500 each.
        resolution: ``(resx, resy)`` in units of the bounds' CRS, instead of ``size``.
        other_args: members merged into the result.
        last_interval_behavior: ``SKIP`` (the service's default), ``SHORTEN`` or ``EXTEND``.
    """
    if not isinstance(evalscript, str) or not evalscript.strip():
        raise _invalid("evalscript", "expected the evalscript's source as a non-empty string")
    if "dataMask" not in evalscript:
        raise _invalid(
            "evalscript",
            "the Statistical API needs an output named dataMask (1 where a pixel has data); "
            "add it to setup()'s outputs and return it",
        )
    if not isinstance(aggregation_interval, str) or not _DURATION.match(aggregation_interval):
        raise _invalid(
            "aggregation_interval",
            f"expected an ISO 8601 duration such as 'P1D' or 'P1M', got {aggregation_interval!r}",
        )
    interval: dict[str, Any] = {"of": aggregation_interval}
    if last_interval_behavior is not None:
        if last_interval_behavior not in LAST_INTERVAL:
            raise _invalid(
                "last_interval_behavior",
                f"expected one of {LAST_INTERVAL}, got {last_interval_behavior!r}",
            )
        interval["lastIntervalBehavior"] = last_interval_behavior
    result: dict[str, Any] = {
        "timeRange": builders.time_range(time_interval),
        "aggregationInterval": interval,
    }
    grid = builders.output([], size=size, resolution=resolution)
    grid.pop("responses")
    for key in ("width", "height"):
        if key in grid and not (
            isinstance(grid[key], int)
            and not isinstance(grid[key], bool)
            and 1 <= grid[key] <= MAX_SIDE
        ):
            raise _invalid(
                "size", f"each side is a whole number of pixels 1..{MAX_SIDE}, got {size!r}"
            )
    result.update(grid)
    result["evalscript"] = evalscript
    if other_args:
        builders.update_other_args(result, other_args)
    return result


def _calculations(calculations: Any) -> dict[str, Any] | None:
    if calculations is None:
        return None
    if not isinstance(calculations, Mapping):
        raise _invalid("calculations", f"expected {{output id: {{...}}}}, got {calculations!r}")
    for output_id, spec in calculations.items():
        where = f"calculations.{output_id}"
        if not isinstance(spec, Mapping):
            raise _invalid(
                where, f"expected {{'histograms': ..., 'statistics': ...}}, got {spec!r}"
            )
        unknown = set(spec) - {"histograms", "statistics"}
        if unknown:
            raise _invalid(where, f"only 'histograms' and 'statistics' are allowed, got {unknown}")
        for band, histogram in (spec.get("histograms") or {}).items():
            ways = [k for k in ("nBins", "binWidth", "bins") if k in histogram]
            if len(ways) != 1:
                raise _invalid(
                    f"{where}.histograms.{band}",
                    "give exactly one of nBins, binWidth or bins",
                )
    return {key: dict(value) for key, value in calculations.items()}


def body(
    aggregation: Mapping[str, Any],
    input_data: Sequence[Any],
    bbox: Any = None,
    geometry: Any = None,
    calculations: Any = None,
    other_args: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole request body: ``input`` (bounds and data, as in Process), ``aggregation`` and
    ``calculations``."""
    if not isinstance(aggregation, Mapping) or "evalscript" not in aggregation:
        raise _invalid("aggregation", "build it with SentinelHubStatistical.aggregation(...)")
    items = [input_data] if isinstance(input_data, Mapping) else list(input_data)
    if not items:
        raise _invalid("input_data", "give at least one input (SentinelHubStatistical.input_data)")
    data = [
        dict(item) if isinstance(item, Mapping) and "type" in item else builders.input_data(item)
        for item in items
    ]
    result: dict[str, Any] = {
        "input": {"bounds": builders.bounds(bbox=bbox, geometry=geometry), "data": data},
        "aggregation": dict(aggregation),
    }
    checked = _calculations(calculations)
    if checked is not None:
        result["calculations"] = checked
    if other_args:
        builders.update_other_args(result, other_args)
    return result


def _parse(response: httpx.Response) -> StatisticalResult:
    try:
        answer = jsonload.loads(response.content)
    except ValueError as exc:
        raise APIResponseValidationError("statistics: the answer is not JSON") from exc
    if not isinstance(answer, dict) or not isinstance(answer.get("data", []), list):
        raise APIResponseValidationError(f"statistics: unexpected answer {answer!r:.80}")
    result = StatisticalResult._from_wire(answer)
    spent = response.headers.get(PU_HEADER)
    with contextlib.suppress(ValueError):
        result.__dict__["_processing_units"] = float(spent) if spent is not None else None
    return result


class StatisticalCalls:
    """The Statistical request as a `Call`; no I/O."""

    def __init__(self, config: SHConfig) -> None:
        self.path = statistical_path(config)

    def statistics(self, payload: Mapping[str, Any]) -> Call[StatisticalResult]:
        """``POST /api/v1/statistics``; safe to retry (it changes nothing)."""
        request = {"method": "post", "url": self.path, "json": dict(payload)}
        return Call(request=request, parse=lambda api, response: _parse(response))
