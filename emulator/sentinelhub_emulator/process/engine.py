"""The rendering entry point shared by Process, Async Process and Batch.

`render` takes a Process API request body (``input`` with ``bounds`` and ``data``, ``evalscript``,
``output`` with ``width``/``height`` or ``resx``/``resy`` and ``responses``) and returns the
encoded responses with the processing units the request costs. Every problem with the request or
the evalscript raises `ApiError` (400), never anything else.

The steps: check the body (`request`), run ``setup()`` in a fresh V8 context (`script`), bind its
inputs to the request's collections, choose and order the tiles (`raster`), offer the scenes to
``preProcessScenes`` and the outputs to ``updateOutput``, warp the tiles' bands straight into typed
arrays shared with V8, run the whole pixel loop in V8, call ``updateOutputMetadata``, then convert
and encode each response (`encode`). `evaluate` runs the same steps and returns every output's
raw float values instead (the Statistical API computes on them).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import rasterio
from shapely.geometry import box, mapping, shape

from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.core.buckets import FolderBucket, S3Bucket
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import ApiError, bad_payload
from sentinelhub_emulator.process import collection_data, predefined, raster
from sentinelhub_emulator.process import sources as sources_of
from sentinelhub_emulator.process.encode import (
    encode_image,
    encode_json,
    js_sample_converter,
    sample_dtype,
)
from sentinelhub_emulator.process.formats import is_geotiff
from sentinelhub_emulator.process.raster import (
    BandRead,
    SceneTile,
    area_mask,
    band_reads,
    covers_window,
    read_tile,
    select_tiles,
)
from sentinelhub_emulator.process.request import (
    MAX_SIZE,
    Grid,
    InputSpec,
    ParsedRequest,
    parse_request,
    unsupported,
)
from sentinelhub_emulator.process.script import (
    EvalscriptRuntime,
    InputObject,
    OutputObject,
    ScriptLimits,
    SetupInfo,
    drain_pool,
    js_json,
    renderer_error,
)

__all__ = [
    "Evaluation",
    "RenderResult",
    "RenderedOutput",
    "configure_limits",
    "evaluate",
    "limits_for",
    "processing_units",
    "render",
]

INPUT_METADATA = {"serviceVersion": "emulator", "normalizationFactor": 1}

#: Largest total size of the rasters one request holds (input layers and outputs).
MAX_RASTER_BYTES = 1536 * 1024 * 1024

logger = logging.getLogger(__name__)

_LIMITS: dict[int, ScriptLimits] = {}
#: The hooks whose presence right after ``setup()`` decides a step (``updateOutputMetadata``
#: is looked up in the call that would run it).
_HOOKS = ("preProcessScenes", "updateOutput")


def configure_limits(ctx: EmulatorContext, limits: ScriptLimits | None) -> None:
    """Set (None: reset) the evalscript limits of one emulator."""
    if limits is None:
        _LIMITS.pop(id(ctx), None)
        if not _LIMITS:
            drain_pool()  # the last emulator of the process stops: no V8 context waits
            raster.close_kept_files()  # nor an open source file
    else:
        _LIMITS[id(ctx)] = limits


def limits_for(ctx: EmulatorContext) -> ScriptLimits:
    return _LIMITS.get(id(ctx), ScriptLimits())


@dataclass(frozen=True)
class RenderedOutput:
    """One encoded response: its identifier (``default``, ``userdata``, ...), type and bytes.

    An image response also says what its bytes hold without decoding them: ``grid``, the
    raster's CRS, transform and size, and ``bands``, its band count and data type (None for
    userdata)."""

    identifier: str
    mime_type: str
    data: bytes
    grid: Grid | None = None
    bands: tuple[int, str] | None = None


@dataclass(frozen=True)
class RenderResult:
    """Every response of a request, in request order, and the processing units spent."""

    outputs: list[RenderedOutput]
    processing_units: float


@dataclass
class _Source:
    """One request input bound to its setup input object(s)."""

    key: str | None
    spec: InputSpec
    collection: CollectionRecord
    candidates: Iterable[TileRecord]
    bucket: Path | FolderBucket | S3Bucket
    reads: list[BandRead]
    wants_mask: bool
    bounds_metadata: bool
    mosaicking: str
    #: ``(scale, offset)`` of the requested unit for each band read in a unit other than the
    #: stored number (predefined collections: ``REFLECTANCE`` = DN x 0.0001, ...).
    units: dict[str, tuple[float, float]] = field(default_factory=dict)
    tiles: list[SceneTile] = field(default_factory=list)
    layers: list[list[SceneTile]] = field(default_factory=list)
    metas: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Binding setup inputs to request inputs


def _collection(
    ctx: EmulatorContext, account_id: str, spec: InputSpec
) -> tuple[CollectionRecord, Iterable[TileRecord]]:
    found = sources_of.resolve(ctx, spec.kind, spec.collection_id)
    parameter = f"input->data->{spec.position}->type"
    if spec.kind == collection_data.KIND:
        if found is None:
            raise bad_payload(
                parameter,
                f"{spec.collection_id} is not served by this emulator: start it with "
                f"--collection-data {spec.collection_id}=BUCKET/PREFIX (a folder of COG files "
                "with the collection's band names; see the emulator's docs)",
            )
        return found  # predefined collections are everyone's
    if found is None or found[0].account_id != account_id:
        raise bad_payload(
            parameter,
            f"collection {spec.collection_id} does not exist or is not yours",
            f"Collection {spec.collection_id} not found.",
        )
    return found


def _units(
    spec: InputSpec, objects: Sequence[InputObject], reads: list[BandRead]
) -> tuple[list[BandRead], dict[str, tuple[float, float]]]:
    """The unit each band is read in, checked against its collection: BYOC and batch bands
    are DN only; a predefined collection's bands take their own units (default: the band's
    default unit). Bands read in a unit other than the stored number become float64."""
    asked: dict[str, str | None] = {}
    for position, obj in enumerate(objects):
        for band, unit in zip(obj.bands, obj.units, strict=True):
            if band == "dataMask":
                continue
            if band in asked and asked[band] != unit:
                raise renderer_error(
                    f"setup().input[{position}] asks for band {band!r} in two units."
                )
            asked[band] = unit
    definition = predefined.definition(spec.collection_id) if spec.kind == "predefined" else None
    factors: dict[str, tuple[float, float]] = {}
    for band, unit in asked.items():
        if definition is None:
            if unit not in (None, "DN"):
                raise renderer_error(
                    f"setup().input: unit {unit!r} of band {band!r} is not supported; BYOC "
                    "bands are read in DN only."
                )
            continue
        band_definition = definition.bands[band]
        chosen = band_definition.default_unit if unit is None else unit
        factor = band_definition.units.get(chosen)
        if factor is None:
            raise renderer_error(
                f"setup().input: unit {chosen!r} of band {band!r} is not one of "
                f"{definition.api_id}'s units for it ({', '.join(band_definition.units)})."
            )
        if factor != (1.0, 0.0):
            factors[band] = factor
    if factors:
        reads = [
            replace(read, dtype=np.dtype(np.float64)) if read.name in factors else read
            for read in reads
        ]
    return reads, factors


def _merge_objects(objects: Sequence[InputObject]) -> tuple[list[str], bool]:
    bands: list[str] = []
    for obj in objects:
        for band in obj.bands:
            if band not in bands:
                bands.append(band)
    return bands, any(obj.bounds_metadata for obj in objects)


def _bind(
    ctx: EmulatorContext, account_id: str, parsed: ParsedRequest, setup: SetupInfo
) -> list[_Source]:
    pairs: list[tuple[str | None, InputSpec, list[InputObject]]] = []
    if len(parsed.inputs) == 1:
        pairs.append((None, parsed.inputs[0], list(setup.inputs)))
    else:
        keys = {spec.alias or str(spec.position): spec for spec in parsed.inputs}
        bound: dict[str, list[InputObject]] = {key: [] for key in keys}
        ordered = list(keys)
        for position, obj in enumerate(setup.inputs):
            if obj.datasource is not None:
                if obj.datasource not in keys:
                    raise renderer_error(
                        f"setup().input[{position}].datasource {obj.datasource!r} is not the id "
                        f"of an input of the request ({', '.join(ordered)})."
                    )
                bound[obj.datasource].append(obj)
            elif position < len(ordered):
                bound[ordered[position]].append(obj)
            else:
                raise renderer_error(
                    f"setup().input[{position}] has no datasource and no request input at its "
                    "position."
                )
        pairs.extend((key, keys[key], objs) for key, objs in bound.items())
    sources = []
    for key, spec, objects in pairs:
        collection, candidates = _collection(ctx, account_id, spec)
        store = ctx.settings.bucket(collection.s3_bucket)
        if store is None or not store.available():
            raise bad_payload(
                f"input->data->{spec.position}->type",
                f"the bucket {collection.s3_bucket!r} of the collection is not accessible",
            )
        names, bounds_metadata = _merge_objects(objects)
        data_bands = [name for name in names if name != "dataMask"]
        reads = band_reads(collection, data_bands, f"input->data->{spec.position}->type")
        reads, units = _units(spec, objects, reads)
        modes = {obj.mosaicking for obj in objects if obj.mosaicking is not None}
        if len(modes) > 1:
            raise renderer_error(f"setup() gives input {key or 0} more than one mosaicking.")
        mosaicking = modes.pop() if modes else setup.mosaicking
        sources.append(
            _Source(
                key=key,
                spec=spec,
                collection=collection,
                candidates=candidates,
                bucket=store,
                reads=reads,
                wants_mask="dataMask" in names,
                bounds_metadata=bounds_metadata,
                mosaicking=mosaicking,
                units=units,
            )
        )
    return sources


# ---------------------------------------------------------------------------------------------
# Scenes


def _iso(scene: SceneTile) -> str | None:
    if scene.sensing is None:
        return None
    return scene.sensing.strftime("%Y-%m-%dT%H:%M:%SZ")


def _tile_meta(source: _Source, scene: SceneTile) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "date": _iso(scene),
        "shId": scene.tile.seq,
        "tileId": scene.tile.id,
        "dataPath": f"s3://{source.collection.s3_bucket}/{scene.tile.path}",
        "__idx": scene.index,
    }
    cloud = getattr(scene.tile, "metadata", {}).get("cloudCoverage")
    if isinstance(cloud, int | float) and not isinstance(cloud, bool):
        meta["cloudCoverage"] = cloud
    if source.bounds_metadata:
        cover = scene.tile.cover_geometry or scene.tile.tile_geometry
        meta["dataGeometry"] = cover
        if cover is not None:
            envelope = dict(mapping(box(*shape(cover).bounds)))
            if "crs" in cover:
                envelope["crs"] = cover["crs"]
            meta["dataEnvelope"] = json.loads(json.dumps(envelope))
    return meta


def _orbits(source: _Source) -> list[tuple[str, list[SceneTile]]]:
    groups: dict[str, list[SceneTile]] = {}
    for scene in source.tiles:
        groups.setdefault(scene.day, []).append(scene)
    return list(groups.items())


def _orbit_meta(day: str, index: int, tiles: list[dict[str, Any]] | None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "dateFrom": f"{day}T00:00:00Z" if day else None,
        "dateTo": f"{day}T23:59:59Z" if day else None,
        "__idx": index,
    }
    if tiles is not None:
        meta["tiles"] = tiles
    return meta


def _pre_process(runtime: EvalscriptRuntime, source: _Source) -> None:
    """Offer the scenes to ``preProcessScenes`` and keep the ones it returns."""
    if source.mosaicking == "TILE":
        argument: dict[str, Any] = {
            "scenes": {"tiles": [_tile_meta(source, t) for t in source.tiles]}
        }
    else:
        orbits = _orbits(source)
        spec = source.spec
        argument = {
            "from": None if spec.time_from is None else spec.time_from.isoformat(),
            "to": None if spec.time_to is None else spec.time_to.isoformat(),
            "scenes": {"orbits": [_orbit_meta(day, i, None) for i, (day, _) in enumerate(orbits)]},
        }
    result = runtime.call_json(
        f"(function () {{ const c = {js_json(argument)};"
        " if (c.from) c.from = new Date(c.from); if (c.to) c.to = new Date(c.to);"
        " return preProcessScenes(c); })()"
    )
    member = "tiles" if source.mosaicking == "TILE" else "orbits"
    try:
        kept = result["scenes"][member]
        indices = [int(item["__idx"]) for item in kept]
    except (TypeError, KeyError, ValueError):
        raise renderer_error(
            f"preProcessScenes must return its argument's shape, with scenes.{member} "
            "holding (some of) the scenes it was given."
        ) from None
    if source.mosaicking == "TILE":
        by_index = {t.index: t for t in source.tiles}
        source.tiles = [by_index[i] for i in indices if i in by_index]
    else:
        orbits = _orbits(source)
        source.tiles = [t for i in indices if 0 <= i < len(orbits) for t in orbits[i][1]]


def _plan_layers(source: _Source) -> None:
    """Split the (filtered) tiles into layers and describe them as the evalscript sees them."""
    for position, scene in enumerate(source.tiles):
        scene.index = position  # ``__idx``: the position in the list the evalscript sees
    if source.mosaicking == "SIMPLE":
        source.layers = [source.tiles]
        source.metas = [_tile_meta(source, t) for t in source.tiles]
    elif source.mosaicking == "TILE":
        source.layers = [[t] for t in source.tiles]
        source.metas = [_tile_meta(source, t) for t in source.tiles]
    else:
        orbits = _orbits(source)
        source.layers = [tiles for _, tiles in orbits]
        source.metas = [
            _orbit_meta(day, i, [_tile_meta(source, t) for t in tiles])
            for i, (day, tiles) in enumerate(orbits)
        ]


def _scenes_value(source: _Source) -> Any:
    if source.mosaicking == "SIMPLE":
        return {}
    member = "tiles" if source.mosaicking == "TILE" else "orbits"
    return {member: source.metas}


def _update_output(sources: list[_Source], bands_of: Mapping[str, int]) -> str:
    """JavaScript that calls ``updateOutput`` if the evalscript has one: ``{out: ...}`` with the
    outputs it left, else null."""
    if len(sources) == 1:
        collection: Any = {"scenes": sources[0].metas}
        fix = " fix(c.scenes);"
    else:
        collection = {s.key: {"scenes": s.metas} for s in sources}
        fix = " Object.keys(c).forEach((k) => fix(c[k].scenes));"
    outputs = {oid: {"bands": n} for oid, n in bands_of.items()}
    return (
        "(function () { if (typeof globalThis.updateOutput !== 'function') return null;"
        f" __sh.uoOut = {js_json(outputs)}; const c = {js_json(collection)};"
        " const fix = (list) => list.forEach((s) => {"
        " if (s.date) s.date = new Date(s.date); if (s.dateFrom) s.date = new Date(s.dateFrom);"
        f" }});{fix} updateOutput(__sh.uoOut, c); return {{out: __sh.uoOut}}; }})()"
    )


def _set_scenes(sources: list[_Source]) -> str:
    """JavaScript statements that set the scenes and metadata ``evaluatePixel`` sees."""
    if len(sources) == 1:
        scenes: Any = _scenes_value(sources[0])
    else:
        scenes = {s.key: {"scenes": s.metas} for s in sources}
    return (
        f"__sh.scenes = {js_json(scenes)};"
        f" __sh.inputMetadata = {js_json(_input_metadata(sources))};"
    )


# ---------------------------------------------------------------------------------------------
# Filling the shared buffers


def _fill_layer(
    grid: Grid,
    source: _Source,
    planes: list[npt.NDArray[Any]],
    mask_plane: npt.NDArray[np.uint8],
    tiles: list[SceneTile],
    geometry_mask: npt.NDArray[np.bool_] | None,
) -> None:
    """Mosaic ``tiles`` into one layer: each band read into its (zeroed) plane, in the order
    of ``source.reads``, and 1 in the mask where a tile gave data."""
    shape = (grid.height, grid.width)
    arrays = {
        read.name: plane.reshape(shape) for read, plane in zip(source.reads, planes, strict=True)
    }
    mask = mask_plane.reshape(shape)
    claimed = np.zeros(shape, dtype=bool)
    anything_claimed = False
    for scene in tiles:
        row0, row1, col0, col1 = scene.window
        part = (slice(row0, row1), slice(col0, col1))
        # None: every pixel of the window (the common case of a tile covering it, first in
        # the mosaic, without a request geometry), so no mask is built or applied.
        inside: npt.NDArray[np.bool_] | None = None
        if not covers_window(grid, scene.cover, scene.window):
            inside = area_mask(grid, scene.cover, scene.window)
        if anything_claimed:
            free = ~claimed[part]
            inside = free if inside is None else inside & free
        if geometry_mask is not None:
            inside = geometry_mask[part] if inside is None else inside & geometry_mask[part]
        if inside is not None and not inside.any():
            continue
        if inside is None:
            claimed[part] = True
        else:
            claimed[part] |= inside
        anything_claimed = True
        take = inside
        if source.reads:
            # The whole window is this tile's and still zero: bands in the stored unit are read
            # straight into their planes (0 where the tile has no data, as below).
            direct = (
                {}
                if inside is not None
                else {name: arrays[name][part] for name in arrays if name not in source.units}
            )
            values, valid = read_tile(
                source.bucket, scene, source.reads, grid, source.spec, out=direct
            )
            if valid is not None:
                take = valid if take is None else take & valid
            for name, target in arrays.items():
                if name in direct:
                    continue
                window = target[part]
                scale, offset = source.units.get(name, (1.0, 0.0))
                value = values[name]
                if take is None:
                    if (scale, offset) == (1.0, 0.0):
                        window[...] = value
                    else:
                        window[...] = value * scale + offset
                elif (scale, offset) == (1.0, 0.0):
                    window[take] = value[take]
                else:
                    window[take] = value[take] * scale + offset
        if take is None:
            mask[part] = 1
        else:
            mask[part][take] = 1


# ---------------------------------------------------------------------------------------------
# The generated pixel loop


def _js_str(text: str) -> str:
    return json.dumps(text)


@dataclass(frozen=True)
class _Slot:
    """One output the pixel loop writes: into ``__sh.bufs["o<index>"]``, band-first (planar),
    converted to ``sample_type`` (None: raw float64)."""

    index: int
    output: OutputObject
    bands: int
    sample_type: str | None


def _pixel_loop(
    sources: list[_Source],
    outputs: list[_Slot],
    setup_outputs: int,
    pixel_count: int,
    *,
    finish: bool = False,
    user_data: bool = False,
) -> str:
    """A JavaScript expression that runs evaluatePixel over every pixel, reading and writing
    shared arrays; with ``finish``, then ``updateOutputMetadata`` (if defined); with
    ``user_data`` its value is ``outputMetadata.userData`` then (else undefined).

    Each output is written band-first, already in its sample type (the rounding and clamping
    of `convert_samples`, done in the loop): what Python reads back is the image to encode.
    """
    lines = [
        "(function () {",
        "const B = __sh.bufs; const ep = globalThis.evaluatePixel;",
        "const scenes = __sh.scenes; const im = __sh.inputMetadata; const cd = {};",
        "const om = __sh.outputMetadata;",
    ]
    sample_parts = []
    for k, source in enumerate(sources):
        layers = len(source.layers)
        if layers == 1:
            # One layer (SIMPLE): each band's array is a constant of its own.
            lines.extend(f'const S{k}b{i} = B["s{k}l0b{i}"];' for i in range(len(source.reads)))
            lines.append(f'const S{k}m = B["s{k}l0m"];')
            members = [f"{read.name}: S{k}b{i}[i]" for i, read in enumerate(source.reads)]
            if source.wants_mask:
                members.append(f"dataMask: S{k}m[i]")
            lines.append(f"function mk{k}(l, i) {{ return {{{', '.join(members)}}}; }}")
        else:
            layer_arrays = []
            for layer in range(layers):
                arrays = ", ".join(f'B["s{k}l{layer}b{i}"]' for i in range(len(source.reads)))
                layer_arrays.append(f"[{arrays}]")
            lines.append(f"const A{k} = [{', '.join(layer_arrays)}];")
            masks = ", ".join(f'B["s{k}l{layer}m"]' for layer in range(layers))
            lines.append(f"const M{k} = [{masks}];")
            members = [f"{read.name}: a[{i}][i]" for i, read in enumerate(source.reads)]
            if source.wants_mask:
                members.append(f"dataMask: M{k}[l][i]")
            lines.append(
                f"function mk{k}(l, i) {{ const a = A{k}[l]; return {{{', '.join(members)}}}; }}"
            )
        if source.mosaicking == "SIMPLE" and len(sources) == 1:
            lines.append(f"function sm{k}(i) {{ return mk{k}(0, i); }}")
        else:
            lines.append(
                f"function sm{k}(i) {{ const s = new Array({layers});"
                f" for (let l = 0; l < {layers}; l++) s[l] = mk{k}(l, i); return s; }}"
            )
        sample_parts.append(f"{_js_str(source.key or '0')}: sm{k}(i)")
    sample_expr = "sm0(i)" if len(sources) == 1 else "{" + ", ".join(sample_parts) + "}"
    for slot in outputs:
        label = _js_str(repr(slot.output.id))
        n, bands = slot.index, slot.bands
        if bands <= 16:
            # One view per band: the store needs no offset.
            views = " ".join(
                f"const O{n}b{b} = O{n}.subarray({b * pixel_count}, {(b + 1) * pixel_count});"
                for b in range(bands)
            )
            stores = " ".join(f"O{n}b{b}[i] = c{n}(+v[{b}]);" for b in range(bands))
        else:
            views = ""
            stores = f"for (let b = 0; b < {bands}; b++) O{n}[b * {pixel_count} + i] = c{n}(+v[b]);"
        lines.append(js_sample_converter(slot.sample_type or "RAW", f"c{n}"))
        lines.append(
            f'const O{n} = B["o{n}"]; {views}'
            f" function w{n}(v, i) {{"
            f" if (v == null || v.length !== {bands}) __sh.fail('evaluatePixel returned ' +"
            f" (v == null ? 'nothing' : v.length + ' value(s)') + ' for output ' + {label}"
            f" + ', which has {bands} band(s)'); {stores} }}"
        )
    need = bool(outputs)
    direct = " ".join(f"w{o.index}(r, i);" for o in outputs) if setup_outputs == 1 else None
    keyed = " ".join(f"w{o.index}(r[{_js_str(o.output.id)}], i);" for o in outputs)
    lines.append(f"for (let i = 0; i < {pixel_count}; i++) {{")
    lines.append(f"const r = ep({sample_expr}, scenes, im, cd, om);")
    if need:
        branches = []
        if direct is not None:
            branches.append(
                f"if (r != null && (Array.isArray(r) || ArrayBuffer.isView(r))) {{ {direct} }}"
            )
        else:
            branches.append(
                "if (Array.isArray(r)) __sh.fail('evaluatePixel returned an array, but setup()"
                " declares several outputs: return an object keyed by output id');"
            )
        branches.append(f"else if (r != null && typeof r === 'object') {{ {keyed} }}")
        branches.append(
            "else __sh.fail('evaluatePixel must return an array of numbers or an object keyed"
            " by output id, not ' + (r === undefined ? 'undefined' : JSON.stringify(r)));"
        )
        lines.append(" ".join(branches))
    lines.append("}")
    if finish:
        lines.append(
            "if (typeof globalThis.updateOutputMetadata === 'function')"
            " updateOutputMetadata(__sh.scenes, __sh.inputMetadata, __sh.outputMetadata);"
        )
    if user_data:
        lines.append("return __sh.outputMetadata.userData;")
    lines.append("})()")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Processing units


def processing_units(
    width: int,
    height: int,
    input_bands: int,
    *,
    float_tiff: bool,
    samples: int,
    inputs: int,
    format_factor: float = 1.0,
) -> float:
    """PU = area x bands x format x samples x fusion, at least 0.005 (the documented formula).

    The format factor is 2 for FLOAT32 TIFF, else ``format_factor`` (1.4 for octet-stream).
    """
    area = max(0.01, width * height / (512 * 512))
    bands = max(1, input_bands) / 3
    fmt = 2.0 if float_tiff else format_factor
    fusion = inputs if inputs > 1 else 1
    return max(0.005, area * bands * fmt * max(1, samples) * fusion)


# ---------------------------------------------------------------------------------------------
# render


def render(
    ctx: EmulatorContext,
    account_id: str,
    request: Mapping[str, Any],
    *,
    max_size: int = MAX_SIZE,
    schema: str | None = "ProcessRequest",
    format_factor: float = 1.0,
    warm: bool = False,
) -> RenderResult:
    """Render a Process API request body for ``account_id``; ApiError (400) on bad input.

    ``max_size`` is the largest width or height (2500 for Process, 10000 for Async); ``schema``
    names the spec schema the body is checked against first (None: no schema check);
    ``format_factor`` is the processing-unit factor of the answer's format when it is not a
    FLOAT32 TIFF (1.4 when the caller answers ``application/octet-stream``);
    ``warm``: keep what one render sets up for the next, as a batch job's tiles do: the
    evalscript runs in a V8 context that earlier renders of it used, reset after each
    (`EvalscriptRuntime`'s ``reuse``), and local source files stay open
    (`raster.keeping_files_open`).
    """
    parsed = parse_request(request, max_size=max_size, schema=schema)
    keeping = raster.keeping_files_open() if warm else contextlib.nullcontext()
    with keeping, _running(ctx, parsed, "render", reuse=warm, owner=account_id) as runtime:
        return _render(ctx, account_id, parsed, runtime, format_factor)


@contextlib.contextmanager
def _running(
    ctx: EmulatorContext,
    parsed: ParsedRequest,
    verb: str,
    *,
    reuse: bool = False,
    owner: str = "",
) -> Iterator[EvalscriptRuntime]:
    """The request's evalscript runtime, inside one GDAL environment (each rasterio call would
    set up its own); every failure that is not an `ApiError` becomes a 400 naming ``verb``.
    ``reuse`` and ``owner``: as `EvalscriptRuntime` takes them (a context earlier runtimes of
    this evalscript and owner gave back)."""
    limits = limits_for(ctx)
    try:
        with (
            rasterio.Env(),
            EvalscriptRuntime(parsed.evalscript, limits, reuse=reuse, owner=owner) as runtime,
        ):
            yield runtime
    except ApiError:
        raise
    except Exception as exc:
        # No input may make the emulator answer 5xx: what slipped through every check
        # (a CRS GDAL cannot transform, coordinates out of any range, ...) is a bad request.
        logger.warning("%s failed unexpectedly", verb, exc_info=True)
        raise renderer_error(
            f"The emulator could not {verb} this request ({type(exc).__name__}: {exc}); "
            "check its bounds and collections."
        ) from None


def _check_budget(
    sources: list[_Source], bands_of: Mapping[str, int], required: list[str], pixels: int
) -> None:
    per_pixel = sum(
        len(source.layers) * (sum(read.dtype.itemsize for read in source.reads) + 1)
        for source in sources
    ) + sum(8 * bands_of[oid] for oid in required)
    needed = per_pixel * pixels
    if needed > MAX_RASTER_BYTES:
        raise bad_payload(
            "output",
            f"the request needs {needed // 2**20} MB of rasters (pixels x bands x tiles); the "
            f"emulator allows {MAX_RASTER_BYTES // 2**20} MB: ask for fewer pixels, bands or "
            "scenes",
        )


@dataclass
class _Evaluated:
    """The results of one evaluation: V8's output buffers, band-first (float64, or each
    output's sample type)."""

    sources: list[_Source]
    bands_of: dict[str, int]
    results: dict[str, npt.NDArray[Any]]
    geometry_mask: npt.NDArray[np.bool_] | None
    #: ``outputMetadata.userData`` after ``updateOutputMetadata`` (with ``user_data``).
    user_data: Any = None


def _evaluate(
    ctx: EmulatorContext,
    account_id: str,
    parsed: ParsedRequest,
    runtime: EvalscriptRuntime,
    setup: SetupInfo,
    required: list[str],
    *,
    skip_empty: bool = False,
    convert: bool = False,
    finish: bool = False,
    user_data: bool = False,
) -> _Evaluated:
    """Bind, choose tiles, fill the layers and run the pixel loop for the ``required`` outputs.

    With ``skip_empty``, a mosaic without any tile stops before ``updateOutput`` and the pixel
    loop, with no results. The results are band-first ``(bands, height, width)`` views of V8's
    buffers: float64 values, or with ``convert`` each output's samples in its sample type.
    With ``finish``, ``updateOutputMetadata`` (if defined) runs right after the pixel loop, in
    the same call; with ``user_data`` the result carries ``outputMetadata.userData`` then.
    """
    sources = _bind(ctx, account_id, parsed, setup)
    grid = parsed.grid
    has_pre = "preProcessScenes" in runtime.defined
    pre_ran = False
    for source in sources:
        source.tiles = select_tiles(source.candidates, source.spec, grid)
        if source.spec.kind == collection_data.KIND:
            source.tiles = collection_data.filter_scenes(source.spec, source.tiles)
        if has_pre and source.mosaicking != "SIMPLE":
            if len(sources) > 1:
                raise unsupported("evalscript", "preProcessScenes with several inputs")
            _pre_process(runtime, source)
            pre_ran = True
        _plan_layers(source)

    # updateOutput may change the band counts.
    bands_of = {output.id: output.bands for output in setup.outputs}
    if skip_empty and not any(source.tiles for source in sources):
        return _Evaluated(sources, bands_of, {}, None)
    # Without preProcessScenes no JavaScript ran since setup(): updateOutput is defined now
    # if and only if it was then.
    updated = (
        runtime.call_json(_update_output(sources, bands_of))
        if pre_ran or "updateOutput" in runtime.defined
        else None
    )
    if isinstance(updated, dict) and "out" in updated:  # updateOutput is defined and ran
        for oid in bands_of:
            value = (updated["out"] or {}).get(oid, {}).get("bands")
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 1 <= value <= 1000
            ):
                raise renderer_error(
                    f"updateOutput left output {oid!r} without a band count from 1 to 1000."
                )
            bands_of[oid] = int(value)

    pixel_count = grid.width * grid.height
    _check_budget(sources, bands_of, required, pixel_count)

    # Every layer's bands and mask and every output: typed arrays of V8, made in one call.
    setup_ids = {output.id: output for output in setup.outputs}
    slots = []
    for index, oid in enumerate(required):
        sample_type = setup_ids[oid].sample_type if convert else None
        slots.append(_Slot(index, setup_ids[oid], bands_of[oid], sample_type))
    planned: list[tuple[str, npt.DTypeLike, int]] = []
    for k, source in enumerate(sources):
        for layer in range(len(source.layers)):
            prefix = f"s{k}l{layer}"
            planned.extend(
                (f"{prefix}b{i}", read.dtype, pixel_count) for i, read in enumerate(source.reads)
            )
            planned.append((f"{prefix}m", np.uint8, pixel_count))
    planned.extend(
        (
            f"o{slot.index}",
            np.float64 if slot.sample_type is None else sample_dtype(slot.sample_type),
            pixel_count * slot.bands,
        )
        for slot in slots
    )
    buffers = iter(runtime.alloc_many(planned, before=_set_scenes(sources)))

    # Bands of every layer, read or warped straight into V8's typed arrays.
    geometry_mask = (
        None if grid.area is None else area_mask(grid, grid.area, (0, grid.height, 0, grid.width))
    )
    for source in sources:
        for tiles in source.layers:
            planes = [next(buffers) for _ in source.reads]
            _fill_layer(grid, source, planes, next(buffers), tiles, geometry_mask)
    results: dict[str, npt.NDArray[Any]] = {
        slot.output.id: next(buffers).reshape(slot.bands, grid.height, grid.width) for slot in slots
    }
    loop = _pixel_loop(
        sources, slots, len(setup.outputs), pixel_count, finish=finish, user_data=user_data
    )
    value = runtime.call_json(loop)
    return _Evaluated(sources, bands_of, results, geometry_mask, value)


def _input_metadata(sources: list[_Source]) -> dict[str, Any]:
    """``normalizationFactor`` 0.0001 when every band is read as Sentinel-2 reflectance (as
    the service answers for S2 in default units), else 1."""
    factors = {factor for source in sources for factor in source.units.values()}
    plain = any(read.name not in source.units for source in sources for read in source.reads)
    if factors == {(0.0001, 0.0)} and not plain:
        return {**INPUT_METADATA, "normalizationFactor": 0.0001}
    return INPUT_METADATA


def _processing_units(
    grid: Grid, sources: list[_Source], *, float_tiff: bool, format_factor: float
) -> float:
    input_bands = sum(len(s.reads) for s in sources)
    if input_bands == 0 and any(s.wants_mask for s in sources):
        input_bands = 1
    samples = max(len(s.layers) if s.mosaicking != "SIMPLE" else 1 for s in sources)
    return processing_units(
        grid.width,
        grid.height,
        input_bands,
        float_tiff=float_tiff,
        samples=samples,
        inputs=len(sources),
        format_factor=format_factor,
    )


def _render(
    ctx: EmulatorContext,
    account_id: str,
    parsed: ParsedRequest,
    runtime: EvalscriptRuntime,
    format_factor: float,
) -> RenderResult:
    setup = runtime.setup(_HOOKS)
    setup_ids = {output.id: output for output in setup.outputs}
    for index, response in enumerate(parsed.responses):
        if response.identifier != "userdata" and response.identifier not in setup_ids:
            raise bad_payload(
                f"output->responses->{index}->identifier",
                f"{response.identifier!r} is not an output of the evalscript "
                f"({', '.join(setup_ids)}) nor userdata",
            )
    grid = parsed.grid
    required = [r.identifier for r in parsed.responses if r.identifier != "userdata"]
    evaluated = _evaluate(
        ctx,
        account_id,
        parsed,
        runtime,
        setup,
        required,
        convert=True,
        finish=True,
        user_data=any(r.identifier == "userdata" for r in parsed.responses),
    )
    results = evaluated.results
    user_data = evaluated.user_data

    rendered = []
    float_tiff = False
    for index, response in enumerate(parsed.responses):
        if response.identifier == "userdata":
            rendered.append(RenderedOutput("userdata", response.mime_type, encode_json(user_data)))
            continue
        output = setup_ids[response.identifier]
        # Already in the sample type and band-first: the pixel loop converted the values.
        converted = results[output.id]
        if is_geotiff(response.mime_type) and output.sample_type == "FLOAT32":
            float_tiff = True
        data = encode_image(
            converted,
            response.mime_type,
            grid=grid,
            identifier=output.id,
            sample_type=output.sample_type,
            quality=response.quality,
            nodata=output.nodata,
            parameter=f"output->responses->{index}->format->type",
        )
        rendered.append(
            RenderedOutput(
                output.id,
                response.mime_type,
                data,
                grid,
                (int(converted.shape[0]), converted.dtype.name),
            )
        )
    del results
    units = _processing_units(
        grid, evaluated.sources, float_tiff=float_tiff, format_factor=format_factor
    )
    return RenderResult(rendered, units)


# ---------------------------------------------------------------------------------------------
# evaluate: the raw outputs, for services that compute on them (Statistical)


@dataclass(frozen=True)
class Evaluation:
    """Every output of an evalscript over one request's mosaic, as float64 before any
    sample-type conversion.

    ``outputs`` maps each ``setup()`` output id (in setup order) to its values, band-first
    ``(bands, height, width)``; ``inside`` marks the pixels whose centre lies inside the request
    geometry (all of them without one); ``scenes`` counts the tiles the mosaic could use (after
    ``preProcessScenes``), over every input; ``setup`` is what ``setup()`` declared;
    ``processing_units`` is what a Process request of the same grid and inputs would cost with a
    format factor of 1.
    """

    grid: Grid
    setup: SetupInfo
    outputs: dict[str, npt.NDArray[np.float64]]
    inside: npt.NDArray[np.bool_]
    scenes: int
    processing_units: float


def evaluate(
    ctx: EmulatorContext,
    account_id: str,
    request: Mapping[str, Any],
    *,
    max_size: int = MAX_SIZE,
    schema: str | None = None,
    skip_empty: bool = False,
) -> Evaluation:
    """Run a Process API request body's evalscript for ``account_id`` and keep the raw outputs.

    The same steps as `render` (bounds, inputs, tiles, mosaicking, ``preProcessScenes``,
    ``updateOutput``, the pixel loop) without ``output.responses``, ``updateOutputMetadata`` or
    encoding: every output of ``setup()`` is computed. With ``skip_empty``, a mosaic without any
    tile (``scenes`` 0) returns no outputs without running ``evaluatePixel``. ApiError (400) on
    bad input or an evalscript failure (``RENDERER_EXCEPTION``).
    """
    parsed = parse_request(request, max_size=max_size, schema=schema)
    with _running(ctx, parsed, "evaluate") as runtime:
        setup = runtime.setup(_HOOKS)
        required = [output.id for output in setup.outputs]
        evaluated = _evaluate(
            ctx, account_id, parsed, runtime, setup, required, skip_empty=skip_empty
        )
        grid = parsed.grid
        outputs = {
            oid: values.copy()  # out of V8's memory before the runtime closes
            for oid, values in evaluated.results.items()
        }
        evaluated.results = {}
        inside = (
            np.ones((grid.height, grid.width), dtype=bool)
            if evaluated.geometry_mask is None
            else evaluated.geometry_mask
        )
        return Evaluation(
            grid=grid,
            setup=setup,
            outputs=outputs,
            inside=inside,
            scenes=sum(len(source.tiles) for source in evaluated.sources),
            processing_units=_processing_units(
                grid, evaluated.sources, float_tiff=False, format_factor=1.0
            ),
        )
