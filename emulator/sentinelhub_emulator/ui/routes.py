"""The dashboard's pages, relative to ``/_emulator/ui`` (see `sentinelhub_emulator.ui`).

- ``/``: the BYOC collections of every account: bands and their types, tiles by status, the
  sensing-time range.
- ``/collections/{collectionId}``: its tiles (``?status=`` filters) as a table and as a map.
- ``/tiles/{collectionId}/{tileId}``: one tile: metadata, files, preview (``?band=``);
  ``.../preview.png`` the preview itself (``?band=``, ``?size=`` up to 1024).
- ``/jobs``: Batch v1, Batch v2 and Async Process requests.
- ``/requests``: the last API requests.
- ``/static/{name}``: the pages' own CSS and JS.

Every page is plain HTML that works without JavaScript; the script refreshes the parts marked
``data-refresh`` in place while something is moving. Each answer forbids framing and any script
or style not served from here (``Content-Security-Policy``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Final

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from sentinelhub_emulator.byoc.ingest import BAND_PLACEHOLDER
from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.byoc.state import byoc_state
from sentinelhub_emulator.core.context import EmulatorContext, context_of
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.core.times import wire_time
from sentinelhub_emulator.ui import reads
from sentinelhub_emulator.ui.access import denied
from sentinelhub_emulator.ui.footprints import Footprint, build_map
from sentinelhub_emulator.ui.preview import DEFAULT_SIZE, preview_bands, render_preview
from sentinelhub_emulator.ui.requestlog import CAPACITY
from sentinelhub_emulator.ui.service import PREFIX, ui_state

__all__ = ["routes"]

_HERE = Path(__file__).parent
_STATIC: Final = {
    "dashboard.css": "text/css; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_MAX_FILES: Final = 200

Handler = Callable[[Request], Awaitable[Response]]


def _when(stored: str | None) -> str:
    """A stored time for people: ``2024-05-01 10:00:00 UTC``."""
    text = wire_time(stored) if stored else None
    if not text:
        return "-"
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _clock(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%H:%M:%S.%f")[:-3]


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["clock"] = _clock
    env.globals["root"] = PREFIX
    return env


def _page(template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    html = _environment().get_template(template).render(**values)
    return HTMLResponse(html, status_code=status_code, headers=_HEADERS)


def _not_found(what: str) -> HTMLResponse:
    return _page("missing.html", 404, title="Not found", section="", live=False, what=what)


def guarded(handler: Handler) -> Handler:
    """Answer only those who may see the dashboard (see `access`)."""

    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        refused = denied(request)
        if refused is not None:
            return refused
        return await handler(request)

    return wrapper


# ---------------------------------------------------------------------------------------------
# pages


@guarded
async def collections_page(request: Request) -> Response:
    ctx = context_of(request)
    views = await run_in_threadpool(reads.collection_views, ctx)
    return _page(
        "collections.html",
        title="Collections",
        section="collections",
        live=any(view.active for view in views),
        collections=views,
        statuses=reads.TILE_STATUSES,
    )


def _tile_crs(tile: TileRecord) -> str:
    return f"EPSG:{tile.crs_epsg}" if tile.crs_epsg is not None else "-"


def _extent(record: CollectionRecord) -> tuple[float, float, float, float] | None:
    extent = record.summary.get("extent")
    try:
        ring = extent["coordinates"][0]  # type: ignore[index]
        lons = [float(p[0]) for p in ring]
        lats = [float(p[1]) for p in ring]
    except (TypeError, KeyError, IndexError, ValueError):
        return None
    return min(lons), min(lats), max(lons), max(lats)


def _collection_data(
    ctx: EmulatorContext, collection_id: str, status: str | None
) -> dict[str, Any] | None:
    view = reads.collection_view(ctx, collection_id)
    if view is None:
        return None
    tiles = list(reads.tiles_of(ctx, collection_id, status))
    cache = ui_state(ctx).footprints
    placed: list[tuple[TileRecord, Footprint]] = []
    unplaced: list[TileRecord] = []
    for tile in tiles:
        found = cache.get(ctx, view.record, tile)
        if found is None:
            unplaced.append(tile)
        else:
            placed.append((tile, found))
    return {
        "collection": view,
        "tiles": tiles,
        "map": build_map(placed, _extent(view.record)),
        "unplaced": unplaced,
        "truncated": len(tiles) >= reads.MAX_TILES,
    }


@guarded
async def collection_page(request: Request) -> Response:
    ctx = context_of(request)
    collection_id = request.path_params["collection_id"]
    status = request.query_params.get("status") or None
    if status is not None and status not in reads.TILE_STATUSES:
        status = None
    data = await run_in_threadpool(_collection_data, ctx, collection_id, status)
    if data is None:
        return _not_found(f"collection {collection_id}")
    view: reads.CollectionView = data["collection"]
    return _page(
        "collection.html",
        title=f"Collection {view.record.name}",
        section="collections",
        live=view.active,
        status=status,
        statuses=reads.TILE_STATUSES,
        tile_crs=_tile_crs,
        **data,
    )


def _files(
    ctx: EmulatorContext, record: CollectionRecord, tile: TileRecord
) -> list[dict[str, Any]]:
    """The tile's files: one per band (with its size, or missing), or a Planet tile's folder."""
    bucket = ctx.settings.bucket(record.s3_bucket)
    rows: list[dict[str, Any]] = []
    if bucket is None:
        return rows
    if BAND_PLACEHOLDER in tile.path:
        sources: dict[str, list[str]] = {}
        for name, band in record.bands.items():
            sources.setdefault(str(band.get("source") or name), []).append(name)
        for source, names in sources.items():
            key = tile.path.replace(BAND_PLACEHOLDER, source)
            try:
                info = bucket.stat(key)
            except Exception:  # a bucket that cannot be read: shown as unknown
                info = None
            rows.append(
                {"key": key, "bands": ", ".join(names), "size": None if info is None else info.size}
            )
        return rows
    prefix = tile.path.rstrip("/") + "/"
    try:
        keys = bucket.list(prefix)[:_MAX_FILES]
    except Exception:
        keys = []
    for key in keys or [tile.path]:
        try:
            info = bucket.stat(key)
        except Exception:
            info = None
        rows.append({"key": key, "bands": "", "size": None if info is None else info.size})
    return rows


def _tile_data(ctx: EmulatorContext, collection_id: str, tile_id: str) -> dict[str, Any] | None:
    store = byoc_state(ctx).store
    record = store.get_collection(collection_id)
    tile = store.get_tile(collection_id, tile_id) if record is not None else None
    if record is None or tile is None:
        return None
    return {
        "record": record,
        "tile": tile,
        "files": _files(ctx, record, tile),
        "footprint": ui_state(ctx).footprints.get(ctx, record, tile),
    }


@guarded
async def tile_page(request: Request) -> Response:
    ctx = context_of(request)
    collection_id = request.path_params["collection_id"]
    tile_id = request.path_params["tile_id"]
    data = await run_in_threadpool(_tile_data, ctx, collection_id, tile_id)
    if data is None:
        return _not_found(f"tile {tile_id} of collection {collection_id}")
    record: CollectionRecord = data["record"]
    tile: TileRecord = data["tile"]
    band = request.query_params.get("band") or None
    if band is not None and band not in record.bands:
        band = None
    shown = preview_bands(record, band) if record.bands else []
    return _page(
        "tile.html",
        title=f"Tile {tile.path}",
        section="collections",
        live=tile.status in reads.ACTIVE_TILE_STATUSES,
        band=band,
        shown=shown,
        default_bands=preview_bands(record) if record.bands else [],
        tile_crs=_tile_crs,
        **data,
    )


@guarded
async def preview_png(request: Request) -> Response:
    ctx = context_of(request)
    store = byoc_state(ctx).store
    collection_id = request.path_params["collection_id"]
    record = store.get_collection(collection_id)
    tile = store.get_tile(collection_id, request.path_params["tile_id"]) if record else None
    if record is None or tile is None:
        return Response("No such tile.", status_code=404, media_type="text/plain")
    band = request.query_params.get("band") or None
    try:
        size = int(request.query_params.get("size", DEFAULT_SIZE))
    except ValueError:
        size = DEFAULT_SIZE
    try:
        png = await run_in_threadpool(render_preview, ctx, record, tile, band, size)
    except KeyError:
        return Response(f"No band {band!r} in this collection.", 404, media_type="text/plain")
    except LookupError as exc:
        return Response(f"No preview: {exc}.", 409, media_type="text/plain")
    except ApiError as exc:
        return Response(
            f"The engine could not render it: {exc.message}", 422, media_type="text/plain"
        )
    return Response(png, media_type="image/png", headers=_HEADERS)


@guarded
async def jobs_page(request: Request) -> Response:
    ctx = context_of(request)
    groups = await run_in_threadpool(reads.jobs, ctx)
    return _page(
        "jobs.html",
        title="Jobs",
        section="jobs",
        live=any(job.active for jobs in groups.values() for job in jobs),
        groups=groups,
    )


@guarded
async def requests_page(request: Request) -> Response:
    log = ui_state(context_of(request)).requests
    return _page(
        "requests.html",
        title="Requests",
        section="requests",
        live=True,
        entries=log.latest(),
        total=log.total,
        capacity=CAPACITY,
    )


@guarded
async def static_file(request: Request) -> Response:
    name = request.path_params["name"]
    media_type = _STATIC.get(name)
    if media_type is None:
        return Response("Not found.", status_code=404, media_type="text/plain")
    content = (_HERE / "static" / name).read_bytes()
    return Response(
        content, media_type=media_type, headers={**_HEADERS, "Cache-Control": "no-cache"}
    )


def routes() -> list[BaseRoute]:
    """The dashboard's routes, relative to its mount point."""
    pages: Mapping[str, Handler] = {
        "/": collections_page,
        "/collections/{collection_id}": collection_page,
        "/tiles/{collection_id}/{tile_id}": tile_page,
        "/tiles/{collection_id}/{tile_id}/preview.png": preview_png,
        "/jobs": jobs_page,
        "/requests": requests_page,
        "/static/{name}": static_file,
    }
    return [Route(path, handler, methods=["GET"]) for path, handler in pages.items()]
