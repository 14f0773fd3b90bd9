"""``shc tiles``: the tiles of a BYOC collection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

__all__ = ["command"]

COLUMNS = ("id", "path", "status", "sensingTime", "created")


def _geometry(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        geometry = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        common.fail(f"--cover-geometry: cannot read GeoJSON from {path}: {exc}")
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict):
        common.fail(f"--cover-geometry: {path} holds no GeoJSON geometry object")
    return geometry


_sensing_time = click.option(
    "--sensing-time", help="When the data was acquired, ISO 8601 (2024-05-01T10:07:06Z)."
)
_cover_geometry = click.option(
    "--cover-geometry",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file holding the GeoJSON Polygon or MultiPolygon where the tile has data.",
)


command = common.group("tiles")


common.add_list(
    command,
    State.byoc,
    "list",
    ("collection",),
    {
        "--status": "Only tiles in this state (INGESTED, FAILED, WAITING, ...).",
        "--path": "Only tiles whose path matches.",
        "--sort": "Sort order, e.g. 'sensingTime:desc'.",
    },
    "iter_tiles",
    COLUMNS,
    "The tiles of COLLECTION (streamed page by page: JSON lines with --json).",
)
common.add_get(command, State.byoc, "get", ("collection", "tile"), "get_tile", "One tile by id.")


@command.command("create")
@click.argument("collection")
@click.option("--path", required=True, help="Folder or prefix in the bucket, with (BAND).")
@_sensing_time
@_cover_geometry
@json_option
@pass_state
def create(
    state: State,
    collection: str,
    path: str,
    sensing_time: str | None,
    cover_geometry: Path | None,
    as_json: bool,
) -> None:
    """Register a tile; ingestion starts at once (see ``shc tiles wait``)."""
    body: dict[str, Any] = {"path": path}
    if sensing_time is not None:
        body["sensingTime"] = sensing_time
    geometry = _geometry(cover_geometry)
    if geometry is not None:
        body["coverGeometry"] = geometry
    with state.byoc() as byoc:
        common.emit_object(byoc.create_tile(collection, body).to_dict(), as_json=as_json)


@command.command("update")
@common.tile_arguments
@_sensing_time
@_cover_geometry
@json_option
@pass_state
def update(
    state: State,
    collection: str,
    tile: str,
    sensing_time: str | None,
    cover_geometry: Path | None,
    as_json: bool,
) -> None:
    """Change a tile's sensing time or cover geometry; prints it as it is afterwards."""
    with state.byoc() as byoc:
        body = byoc.get_tile(collection, tile).to_dict()
        if sensing_time is not None:
            body["sensingTime"] = sensing_time
        geometry = _geometry(cover_geometry)
        if geometry is not None:
            body["coverGeometry"] = geometry
        byoc.update_tile(collection, body)
        common.emit_object(byoc.get_tile(collection, tile).to_dict(), as_json=as_json)


common.add_action(
    command,
    State.byoc,
    "delete",
    ("collection", "tile"),
    "delete_tile",
    "deleted tile {tile}",
    "Delete a tile.",
)
common.add_action(
    command,
    State.byoc,
    "reingest",
    ("collection", "tile"),
    "reingest_tile",
    "reingesting tile {tile}",
    "Ingest a tile again (after its files were fixed).",
)


@command.command("wait")
@click.argument("collection")
@click.argument("tiles", nargs=-1)
@common.poll_options(interval=5.0, timeout=600.0)
@json_option
@pass_state
def wait(
    state: State,
    collection: str,
    tiles: tuple[str, ...],
    interval: float,
    timeout: float,
    as_json: bool,
) -> None:
    """Wait until TILES (default: every tile of COLLECTION) are INGESTED or FAILED; exit code 1
    when any FAILED."""
    with state.byoc() as byoc:
        final = byoc.wait_for_tiles(
            collection, list(tiles) or None, interval=interval, timeout=timeout
        )
    common.emit_rows(
        (t.to_dict() for t in final), (*COLUMNS[:3], "additionalData"), as_json=as_json
    )
    failed = [t for t in final if str(t.status) == "FAILED"]
    if failed:
        common.fail(f"{len(failed)} of {len(final)} tiles FAILED")
