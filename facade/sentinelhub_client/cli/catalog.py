"""``shc catalog``: search the Catalog (STAC API) and list its collections.

``shc catalog search`` prints the items it finds as JSON lines (one STAC item a line, as the
service sends it), or with ``--table`` a table of id, collection, datetime and bbox. Pages are
fetched only as the output needs them.
"""

from __future__ import annotations

import json
from typing import Any

import click

from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

__all__ = ["command"]


def _bbox(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        common.fail(f"--bbox: expected WEST,SOUTH,EAST,NORTH in degrees, got {text!r}")
    if len(values) != 4:
        common.fail(f"--bbox: expected four numbers WEST,SOUTH,EAST,NORTH, got {len(values)}")
    return values


def _time(text: str | None) -> tuple[str | None, str | None] | None:
    """``START/END`` (``..`` or empty for an open end) or one day."""
    if text is None:
        return None
    if "/" not in text:
        return (text, text)
    start, _, end = text.partition("/")
    return (None if start in ("", "..") else start, None if end in ("", "..") else end)


def _filter(text: str | None, lang: str | None) -> tuple[Any, str | None]:
    if text is None:
        return None, lang
    if lang == "cql2-json" or (lang is None and text.lstrip().startswith("{")):
        try:
            return json.loads(text), "cql2-json"
        except ValueError as exc:
            common.fail(f"--filter: not valid JSON for cql2-json ({exc})")
    return text, lang or "cql2-text"


command = common.group("catalog")


@command.command("search", short_help="Search items; print them as JSON lines.")
@click.option(
    "--collection",
    "collections",
    multiple=True,
    required=True,
    help="A collection to search: byoc-<id>, a BYOC collection id, or a catalog id. Repeatable.",
)
@click.option("--bbox", help="WEST,SOUTH,EAST,NORTH in WGS84 degrees.")
@click.option(
    "--datetime",
    "time",
    help="One day, or START/END (RFC 3339 or dates; '..' leaves an end open).",
)
@click.option("--ids", help="Only these item ids (comma-separated).")
@click.option("--filter", "filter_text", help="A CQL2 filter (text, or JSON for cql2-json).")
@click.option(
    "--filter-lang",
    type=click.Choice(["cql2-text", "cql2-json"]),
    help="The filter's encoding (by default: JSON text is cql2-json, else cql2-text).",
)
@click.option("--fields", help="Fields to include; a leading '-' excludes (comma-separated).")
@click.option(
    "--limit", type=click.IntRange(1, 100), default=100, show_default=True, help="Page size."
)
@common.max_items_option
@click.option("--table", is_flag=True, help="A table of id, collection, datetime, bbox.")
@pass_state
def search(
    state: State,
    collections: tuple[str, ...],
    bbox: str | None,
    time: str | None,
    ids: str | None,
    filter_text: str | None,
    filter_lang: str | None,
    fields: str | None,
    limit: int,
    max_items: int | None,
    table: bool,
) -> None:
    """Search the items of one or more collections (BYOC tiles are items of
    ``byoc-<collectionId>``) and print them: JSON lines by default."""
    filter_value, lang = _filter(filter_text, filter_lang)
    with state.catalog() as catalog:
        found = catalog.search(
            collections=list(collections),
            bbox=_bbox(bbox),
            time=_time(time),
            ids=None if ids is None else [i for i in ids.split(",") if i],
            filter=filter_value,
            filter_lang=lang,
            fields=None if fields is None else [f for f in fields.split(",") if f],
            limit=limit,
            max_items=max_items,
        )
        if table:
            rows = (
                {
                    "id": item.get("id"),
                    "collection": item.get("collection"),
                    "datetime": (item.get("properties") or {}).get("datetime"),
                    "bbox": item.get("bbox"),
                }
                for item in found.as_dicts()
            )
            common.emit_rows(rows, ("id", "collection", "datetime", "bbox"), as_json=False)
        else:
            common.emit_rows(found.as_dicts(), (), as_json=True)


@command.command("collections", short_help="List the collections the account can search.")
@json_option
@pass_state
def collections(state: State, as_json: bool) -> None:
    """List the Catalog's collections (id, title, temporal extent)."""
    with state.catalog() as catalog:
        found = catalog.get_collections()
    rows = []
    for collection in found:
        extent = collection.temporal_extent
        rows.append(
            {
                "id": collection.id,
                "title": collection.title,
                "from": extent[0].isoformat() if extent and extent[0] else None,
                "to": extent[1].isoformat() if extent and extent[1] else None,
            }
        )
    common.emit_rows(rows, ("id", "title", "from", "to"), as_json=as_json)
