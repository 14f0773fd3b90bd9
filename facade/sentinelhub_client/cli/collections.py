"""``shc collections``: BYOC collections."""

from __future__ import annotations

from typing import Any

import click

from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

__all__ = ["command"]

COLUMNS = ("id", "name", "s3Bucket", "created")


def _band(text: str) -> tuple[str, dict[str, Any]]:
    """``NAME:BITDEPTH[:FORMAT]``, e.g. ``B02:16:UINT``."""
    name, _, rest = text.partition(":")
    depth, _, sample_format = rest.partition(":")
    if not name or not depth.isdigit():
        raise click.BadParameter(
            f"expected NAME:BITDEPTH[:FORMAT] such as B02:16:UINT, got {text!r}"
        )
    band: dict[str, Any] = {"bitDepth": int(depth)}
    if sample_format:
        band["sampleFormat"] = sample_format.upper()
    return name, band


_bands_option = click.option(
    "--band",
    "bands",
    multiple=True,
    metavar="NAME:BITDEPTH[:FORMAT]",
    help="A band (repeatable), e.g. --band B02:16:UINT --band B03:16:UINT.",
)


command = common.group("collections")


common.add_list(
    command,
    State.byoc,
    "list",
    (),
    {"--search": "Only collections whose name or id matches."},
    "iter_collections",
    COLUMNS,
    "The collections of the account (streamed: JSON lines with --json).",
)
common.add_get(
    command, State.byoc, "get", ("collection",), "get_collection", "One collection by id."
)


@command.command("create")
@click.option("--name", required=True, help="Display name.")
@click.option("--bucket", required=True, help="The S3 bucket holding the COGs.")
@_bands_option
@click.option("--no-data", type=float, help="Collection-wide no-data value.")
@json_option
@pass_state
def create(
    state: State,
    name: str,
    bucket: str,
    bands: tuple[str, ...],
    no_data: float | None,
    as_json: bool,
) -> None:
    """Create a collection; prints it (with its new id)."""
    body: dict[str, Any] = {"name": name, "s3Bucket": bucket}
    if bands:
        body["additionalData"] = {"bands": dict(_band(b) for b in bands)}
    if no_data is not None:
        body["noData"] = no_data
    with state.byoc() as byoc:
        common.emit_object(byoc.create_collection(body).to_dict(), as_json=as_json)


@command.command("update")
@click.argument("collection")
@click.option("--name", help="New display name.")
@click.option("--bucket", help="New S3 bucket.")
@_bands_option
@json_option
@pass_state
def update(
    state: State,
    collection: str,
    name: str | None,
    bucket: str | None,
    bands: tuple[str, ...],
    as_json: bool,
) -> None:
    """Change a collection's name, bucket or bands; prints it as it is afterwards."""
    with state.byoc() as byoc:
        current = byoc.get_collection(collection)
        body = current.to_dict()
        if name is not None:
            body["name"] = name
        if bucket is not None:
            body["s3Bucket"] = bucket
        if bands:
            body.setdefault("additionalData", {})["bands"] = dict(_band(b) for b in bands)
        byoc.update_collection(body)
        common.emit_object(byoc.get_collection(collection).to_dict(), as_json=as_json)


common.add_action(
    command,
    State.byoc,
    "delete",
    ("collection",),
    "delete_collection",
    "deleted collection {collection}",
    "Delete a collection (its tiles go with it).",
)
common.add_action(
    command,
    State.byoc,
    "copy-tiles",
    ("from_collection", "to_collection"),
    "copy_tiles",
    "copied the tiles of {from_collection} to {to_collection}",
    "Copy every tile of FROM_COLLECTION into TO_COLLECTION.",
)
