"""The table mode of every single-object BYOC command, and ``tiles list`` with ``--sort`` and
``--max-items``, against the emulator."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.cli.conftest import Shc, column, table

pytestmark = pytest.mark.integration


def _fields(output: str) -> dict[str, str]:
    """``key  value`` lines as a dict (values may be empty)."""
    rows = table(output)
    return {row[0]: row[1] if len(row) > 1 else "" for row in rows}


def test_single_objects_print_key_value_lines(shc: Shc) -> None:
    name = f"tbl-{uuid.uuid4().hex[:8]}"
    created = _fields(shc("collections", "create", "--name", name, "--bucket", "b").stdout)
    collection_id = created["id"]
    assert created["name"] == name
    assert created["s3Bucket"] == "b"

    got = _fields(shc("collections", "get", collection_id).stdout)
    assert got["id"] == collection_id
    assert got["name"] == name
    updated = _fields(shc("collections", "update", collection_id, "--bucket", "b2").stdout)
    assert updated["s3Bucket"] == "b2"
    assert updated["name"] == name

    tile = _fields(
        shc(
            "tiles", "create", collection_id, "--path", "t/(BAND).tif",
            "--sensing-time", "2024-05-01T10:00:00Z",
        ).stdout
    )  # fmt: skip
    assert tile["path"] == "t/(BAND).tif"
    assert tile["sensingTime"].startswith("2024-05-01T10:00:00")
    again = _fields(shc("tiles", "get", collection_id, tile["id"]).stdout)
    assert again["id"] == tile["id"]
    moved = _fields(
        shc(
            "tiles", "update", collection_id, tile["id"], "--sensing-time", "2020-01-01T00:00:00Z"
        ).stdout
    )
    assert moved["sensingTime"].startswith("2020-01-01T00:00:00")


def test_tiles_list_sorts_and_stops_at_max_items(shc: Shc) -> None:
    result = shc("collections", "create", "--name", "sorted", "--bucket", "b", "--json")
    collection_id = json.loads(result.stdout)["id"]
    shc.emu.store.create_tiles(
        collection_id, [(f"s/{i:03d}", None, None) for i in range(150)], status="INGESTED"
    )
    ascending = shc("tiles", "list", collection_id, "--sort", "created:asc", "--json")
    descending = shc("tiles", "list", collection_id, "--sort", "created:desc", "--json")
    up = [json.loads(line)["id"] for line in ascending.stdout.splitlines()]
    down = [json.loads(line)["id"] for line in descending.stdout.splitlines()]
    assert len(up) == 150
    assert down == up[::-1]
    first = shc("tiles", "list", collection_id, "--sort", "created:desc", "--max-items", "3")
    assert column(first.stdout, "id") == down[:3]
    bad = shc("tiles", "list", collection_id, "--sort", "sideways", ok=False)
    assert bad.exit_code == 1
    assert bad.stderr == (
        "error: sort: 'sideways' is not supported; use one of 'created:asc', 'created:desc'\n"
    )  # refused by the library before sending
