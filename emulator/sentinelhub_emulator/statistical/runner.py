"""A Statistical request from checked body to answer: one Process evaluation per interval.

1. `request.parse_statistical` checks the aggregation and calculations; the Process engine's
   `parse_request` checks bounds, inputs and the grid (its parameters renamed, ``output->width``
   becomes ``aggregation->width``).
2. ``setup()`` runs once on its own (the probe): band names given as a list in ``output.bands``
   are read there, the ``dataMask`` output and the ``calculations`` keys are checked against the
   outputs, and a failing ``setup()`` is a 400 before any tile is read.
3. Each interval ``[from, to)`` becomes a Process body whose inputs have
   ``dataFilter.timeRange`` = the interval (intersected with the input's own time range, ``to``
   exclusive), evaluated by `process.engine.evaluate`, so mosaicking, ``mosaickingOrder``,
   ``preProcessScenes`` and the no-data rules are the Process API's.
4. `compute` turns the raw outputs into statistics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import ApiError, bad_payload
from sentinelhub_emulator.core.times import format_timestamp
from sentinelhub_emulator.process import engine
from sentinelhub_emulator.process.encode import convert_samples
from sentinelhub_emulator.process.raster import area_mask
from sentinelhub_emulator.process.request import parse_request
from sentinelhub_emulator.process.script import (
    RENDERER_EXCEPTION,
    EvalscriptRuntime,
    parse_setup,
    renderer_error,
)
from sentinelhub_emulator.statistical.compute import band_result
from sentinelhub_emulator.statistical.request import (
    MAX_SIZE,
    OutputCalculation,
    ParsedStatistical,
    parse_statistical,
    renamed,
)

__all__ = ["DATA_MASK", "MIN_UNITS", "StatisticalResult", "run"]

DATA_MASK = "dataMask"
#: The least a Statistical request costs.
MIN_UNITS = 0.01
_ONE_TICK = timedelta(microseconds=1)

#: Appended to the evalscript for the engine: ``output.bands`` given as a list of names becomes
#: its length (the names were read by the probe). Appended, so the script's line numbers hold.
_BAND_NAMES_SHIM = """
;(function () {
  const original = globalThis.setup;
  if (typeof original !== 'function') return;
  globalThis.setup = function () {
    const result = original.apply(this, arguments);
    const outputs = result && result.output
      ? (Array.isArray(result.output) ? result.output : [result.output]) : [];
    for (const o of outputs) if (o && Array.isArray(o.bands)) o.bands = o.bands.length;
    return result;
  };
})();
"""


@dataclass(frozen=True)
class _Output:
    id: str
    bands: int
    names: tuple[str, ...] | None
    sample_type: str

    def band_names(self, count: int | None = None) -> tuple[str, ...]:
        """The names of its ``count`` bands (default: as declared): listed, else B0, B1, ..."""
        count = self.bands if count is None else count
        if self.names is not None and len(self.names) == count:
            return self.names
        return tuple(f"B{i}" for i in range(count))


@dataclass(frozen=True)
class StatisticalResult:
    """The answer's body and the processing units it costs."""

    body: dict[str, Any]
    processing_units: float


def _probe(ctx: EmulatorContext, evalscript: str) -> list[_Output]:
    """Run ``setup()`` alone: the outputs with their band names and sample types."""
    with EvalscriptRuntime(evalscript, engine.limits_for(ctx)) as runtime:
        if not runtime.has_function("setup"):
            raise renderer_error("The evalscript defines no setup() function.")
        if not runtime.has_function("evaluatePixel"):
            raise renderer_error("The evalscript defines no evaluatePixel() function.")
        raw = runtime.call_json("setup()")
    if not isinstance(raw, Mapping) or raw.get("output") is None:
        parse_setup(raw)  # raises the engine's message
    raw_outputs = raw["output"] if isinstance(raw["output"], list) else [raw["output"]]
    normalized: list[Any] = []
    for position, item in enumerate(raw_outputs):
        if isinstance(item, Mapping) and isinstance(item.get("bands"), list):
            names = tuple(item["bands"])
            if (
                not names
                or not all(isinstance(n, str) and n for n in names)
                or len(set(names)) != len(names)
            ):
                raise renderer_error(
                    f"setup().output[{position}].bands must be a number of bands or a list of "
                    "distinct band names."
                )
            item = {**item, "bands": len(names), "__names": list(names)}
        normalized.append(item)
    setup = parse_setup({**raw, "output": normalized})  # the engine's checks, as a 400 now
    outputs = []
    for item, output in zip(normalized, setup.outputs, strict=True):
        listed = tuple(item["__names"]) if "__names" in item else None
        sample_type = str(item.get("sampleType") or "FLOAT32")
        outputs.append(_Output(output.id, output.bands, listed, sample_type))
    return outputs


def _check_outputs(outputs: list[_Output], calculations: Mapping[str, OutputCalculation]) -> None:
    ids = [o.id for o in outputs]
    if DATA_MASK not in ids:
        raise bad_payload(
            "aggregation->evalscript",
            "setup() declares no output with id 'dataMask': the Statistical API needs one "
            "(e.g. {id: 'dataMask', bands: 1}, returned by evaluatePixel as "
            "[samples.dataMask]) to know which pixels to count",
        )
    others = [o for o in outputs if o.id != DATA_MASK]
    if not others:
        raise bad_payload(
            "aggregation->evalscript",
            "setup() declares no output besides dataMask to compute statistics of",
        )
    masks = next(o for o in outputs if o.id == DATA_MASK).bands
    if masks not in (1, len(others)):
        raise bad_payload(
            "aggregation->evalscript",
            f"the dataMask output has {masks} bands: give it 1 (one mask for every output) or "
            f"{len(others)} (one per output besides dataMask, in setup order)",
        )
    for key, calculation in calculations.items():
        if key != "default" and key not in [o.id for o in others]:
            raise bad_payload(
                f"calculations->{key}",
                f"{key!r} is not an output of the evalscript "
                f"({', '.join(o.id for o in others)}) nor default",
            )
        targets = others if key == "default" else [o for o in others if o.id == key]
        known: set[str] = set()
        for output in targets:
            known.update(output.band_names())
        for kind, bands in (
            ("histograms", calculation.histograms),
            ("statistics", calculation.statistics),
        ):
            for band in bands:
                if band != "default" and band not in known:
                    raise bad_payload(
                        f"calculations->{key}->{kind}->{band}",
                        f"{band!r} is not a band of output {key!r} (bands are named B0, B1, ... "
                        "unless setup() lists their names) nor default",
                    )


def _interval_body(
    template: Mapping[str, Any],
    ranges: Sequence[tuple[datetime | None, datetime | None]],
    lower: datetime,
    upper: datetime,
) -> dict[str, Any] | None:
    """The Process body of one interval; None when an input's own range misses it."""
    data = []
    for item, (own_from, own_to) in zip(template["input"]["data"], ranges, strict=True):
        start = lower if own_from is None else max(lower, own_from)
        end = upper - _ONE_TICK if own_to is None else min(upper - _ONE_TICK, own_to)
        if start > end:
            return None
        data_filter = dict(item.get("dataFilter") or {})
        data_filter["timeRange"] = {"from": format_timestamp(start), "to": format_timestamp(end)}
        data.append({**item, "dataFilter": data_filter})
    return {**template, "input": {**template["input"], "data": data}}


def _valid(values: npt.NDArray[np.float64], sample_type: str) -> npt.NDArray[np.float64]:
    """Values in the output's sample type (FLOAT32: as computed); non-finite ones stay NaN."""
    if sample_type == "FLOAT32":
        return values
    finite = np.isfinite(values)
    converted = convert_samples(values, sample_type).astype(np.float64)
    converted[~finite] = np.nan
    return converted


def _statistics(
    evaluation: engine.Evaluation,
    outputs: list[_Output],
    calculations: Mapping[str, OutputCalculation],
) -> dict[str, Any] | None:
    """Every output's band statistics; None when no pixel counts in any band."""
    inside = evaluation.inside
    sample_count = int(np.count_nonzero(inside))
    masks = evaluation.outputs[DATA_MASK]
    others = [o for o in outputs if o.id != DATA_MASK]
    if masks.shape[0] not in (1, len(others)):
        raise bad_payload(
            "aggregation->evalscript",
            f"the dataMask output has {masks.shape[0]} bands: give it 1 (one mask for every "
            f"output) or {len(others)} (one per output besides dataMask, in setup order)",
        )
    counted = False
    result: dict[str, Any] = {}
    for position, output in enumerate(others):
        mask = masks[0] if masks.shape[0] == 1 else masks[position]
        base = inside & (mask != 0) & ~np.isnan(mask)
        values = _valid(evaluation.outputs[output.id], output.sample_type)
        calculation = calculations.get(output.id) or calculations.get("default")
        bands = {}
        for band, name in enumerate(output.band_names(values.shape[0])):
            plane = values[band]
            chosen = plane[base & np.isfinite(plane)]
            counted = counted or chosen.size > 0
            histogram = percentiles = None
            if calculation is not None:
                histogram = calculation.histograms.get(name) or calculation.histograms.get(
                    "default"
                )
                percentiles = (
                    calculation.statistics[name]
                    if name in calculation.statistics
                    else calculation.statistics.get("default")
                )
            bands[name] = band_result(
                chosen, sample_count, histogram_spec=histogram, percentiles=percentiles
            )
        result[output.id] = {"bands": bands}
    return result if counted else None


def _error_entry(interval: dict[str, str], error: ApiError) -> dict[str, Any]:
    kind = (
        "TIMEOUT" if "ran longer than the emulator allows" in error.message else "EXECUTION_ERROR"
    )
    return {"interval": interval, "error": {"type": kind, "message": error.message}}


def run(ctx: EmulatorContext, account_id: str, body: Mapping[str, Any]) -> StatisticalResult:
    """Answer a (schema-checked) Statistical request body for ``account_id``; ApiError (400)
    on bad input."""
    parsed: ParsedStatistical = parse_statistical(body)
    template = parsed.process_body
    try:
        checked = parse_request(template, max_size=MAX_SIZE, schema=None)
    except ApiError as error:
        raise renamed(error) from None
    grid = checked.grid
    geometry_pixels = int(
        np.count_nonzero(area_mask(grid, grid.area, (0, grid.height, 0, grid.width)))
    )
    try:
        outputs = _probe(ctx, template["evalscript"])
    except ApiError as error:
        raise renamed(error) from None
    _check_outputs(outputs, parsed.calculations)
    shimmed = {**template, "evalscript": template["evalscript"] + _BAND_NAMES_SHIM}
    ranges = [(spec.time_from, spec.time_to) for spec in checked.inputs]

    entries: list[dict[str, Any]] = []
    units = 0.0
    failed = succeeded = 0
    for lower, upper in parsed.intervals:
        interval = {"from": format_timestamp(lower), "to": format_timestamp(upper)}
        interval_body = _interval_body(shimmed, ranges, lower, upper)
        if interval_body is None:
            continue
        try:
            evaluation = engine.evaluate(
                ctx, account_id, interval_body, max_size=MAX_SIZE, skip_empty=True
            )
        except ApiError as error:
            if error.code != RENDERER_EXCEPTION:
                raise renamed(error) from None
            entries.append(_error_entry(interval, error))
            failed += 1
            continue
        if evaluation.scenes == 0:
            continue
        statistics = _statistics(evaluation, outputs, parsed.calculations)
        if statistics is None:
            continue
        units += evaluation.processing_units
        succeeded += 1
        entries.append({"interval": interval, "outputs": statistics})
    status = "OK" if not failed else ("FAILED" if not succeeded else "PARTIAL")
    answer = {"data": entries, "status": status, "geometryPixelCount": geometry_pixels}
    return StatisticalResult(answer, max(MIN_UNITS, units))
