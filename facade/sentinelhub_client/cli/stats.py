"""``shc stats``: statistics and histograms of an evalscript's outputs per time interval.

Either a whole request body (``--request FILE``, the JSON the Statistical API takes; its
evalscript may come from ``--evalscript``), or flags that build one: ``--collection``, ``--bbox``
and ``--crs`` (or ``--geometry FILE``), ``--time``, ``--interval``, ``--size`` or
``--resolution``, ``--evalscript``, ``--percentiles``, ``--bins``. The answer is a table of one
row per interval, output and band, or with ``--json`` the answer itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

__all__ = ["command"]

COLUMNS = (
    "interval_from",
    "interval_to",
    "output",
    "band",
    "mean",
    "stDev",
    "min",
    "max",
    "sampleCount",
    "noDataCount",
)


def _numbers(text: str, option: str, count: int | None = None) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        common.fail(f"{option}: expected comma-separated numbers, got {text!r}")
    if count is not None and len(values) != count:
        common.fail(f"{option}: expected {count} numbers, got {len(values)}")
    return values


def _pair(text: str | None, option: str) -> tuple[Any, Any] | None:
    if text is None:
        return None
    parts = text.lower().replace("x", ",").split(",")
    if len(parts) != 2:
        common.fail(f"{option}: expected two numbers such as 512x512 or 10,10, got {text!r}")
    try:
        first, second = (float(p) for p in parts)
    except ValueError:
        common.fail(f"{option}: expected two numbers such as 512x512 or 10,10, got {text!r}")
    if option == "--size":
        return int(first), int(second)
    return first, second


def _calculations(percentiles: str | None, bins: int | None) -> dict[str, Any] | None:
    if percentiles is None and bins is None:
        return None
    default: dict[str, Any] = {}
    if percentiles is not None:
        default["statistics"] = {
            "default": {"percentiles": {"k": _numbers(percentiles, "--percentiles")}}
        }
    if bins is not None:
        default["histograms"] = {"default": {"nBins": bins}}
    return {"default": default}


@click.command("stats")
@common.request_options(
    "A whole Statistical API request (JSON).",
    "The evalscript file (it must output dataMask).",
    required=False,
)
@click.option("--collection", help="byoc-<id> or a BYOC collection id (flags mode).")
@click.option("--bbox", help="MINX,MINY,MAXX,MAXY in --crs (flags mode).")
@click.option("--crs", default="4326", show_default=True, help="EPSG code of --bbox/--geometry.")
@click.option("--geometry", type=common.FILE, help="A GeoJSON geometry file (flags mode).")
@click.option("--time", "time", help="START/END (dates or RFC 3339) or one day (flags mode).")
@click.option("--interval", default="P1D", show_default=True, help="ISO 8601 aggregation interval.")
@click.option("--size", help="WIDTHxHEIGHT of the sample grid in pixels.")
@click.option("--resolution", help="RESX,RESY in units of --crs (instead of --size).")
@click.option("--percentiles", help="Percentiles to compute, e.g. 10,50,90.")
@click.option("--bins", type=click.IntRange(min=1), help="A histogram of this many bins.")
@json_option
@pass_state
def command(
    state: State,
    request: Path | None,
    evalscript: Path | None,
    collection: str | None,
    bbox: str | None,
    crs: str,
    geometry: Path | None,
    time: str | None,
    interval: str,
    size: str | None,
    resolution: str | None,
    percentiles: str | None,
    bins: int | None,
    as_json: bool,
) -> None:
    """Compute statistics (and histograms) of an evalscript's outputs per time interval."""
    from sentinelhub_client.process.geometry import BBox, Geometry
    from sentinelhub_client.statistical.client import SentinelHubStatistical

    config = state.credentials()
    if request is not None:
        body = common.read_json_object(request, "--request")
        if evalscript is not None:
            body.setdefault("aggregation", {})["evalscript"] = common.read_text_file(
                evalscript, "--evalscript"
            )
        payload: Any = body
    else:
        missing = [
            name
            for name, value in (
                ("--collection", collection),
                ("--time", time),
                ("--evalscript", evalscript),
            )
            if value is None
        ]
        if bbox is None and geometry is None:
            missing.append("--bbox or --geometry")
        if missing:
            common.fail(f"give --request FILE, or {', '.join(missing)}")
        assert evalscript is not None  # checked above
        assert time is not None
        start, _, end = time.partition("/")
        statistical = SentinelHubStatistical(
            aggregation=SentinelHubStatistical.aggregation(
                evalscript=common.read_text_file(evalscript, "--evalscript"),
                time_interval=(start, end or start),
                aggregation_interval=interval,
                size=_pair(size, "--size"),
                resolution=_pair(resolution, "--resolution"),
            ),
            input_data=[SentinelHubStatistical.input_data(collection)],
            bbox=None if bbox is None else BBox(_numbers(bbox, "--bbox", 4), crs=int(crs)),
            geometry=None
            if geometry is None
            else Geometry(common.read_json_object(geometry, "--geometry"), crs=int(crs)),
            calculations=_calculations(percentiles, bins),
            config=config,
        )
        payload = statistical.payload
    with state.statistical() as client:
        result = client.compute(payload)
        usage = client.usage()
    if as_json:
        common.emit_object(result.to_dict(), as_json=True)
        return
    common.emit_rows(result.rows(), COLUMNS, as_json=False)
    units = result.processing_units
    click.echo(f"processing units: {units if units is not None else 'not reported'}", err=True)
    click.echo(common.total_units_line(usage), err=True)
