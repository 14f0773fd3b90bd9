"""``shc collections``, ``shc tiles`` and ``shc files`` against the emulator: output in table and
JSON modes, exit codes, one-line errors and streamed listings."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

import pytest
from sentinelhub_emulator.samples import write_cog

from tests.cli.conftest import BUCKET, PLANET_BUCKET, Shc, column, table

pytestmark = pytest.mark.integration


def _create_collection(shc: Shc, name: str, bucket: str = BUCKET) -> str:
    result = shc("collections", "create", "--name", name, "--bucket", bucket, "--json")
    created = json.loads(result.stdout)
    assert created["name"] == name
    assert created["s3Bucket"] == bucket
    return str(created["id"])


def test_collections_lifecycle(shc: Shc) -> None:
    name = f"cli-{uuid.uuid4().hex[:8]}"
    result = shc(
        "collections", "create", "--name", name, "--bucket", BUCKET,
        "--band", "B02:16:UINT", "--band", "B03:8",
    )  # fmt: skip
    fields = dict(row for row in table(result.stdout) if len(row) == 2)
    collection_id = fields["id"]
    assert fields["name"] == name
    bands = json.loads(fields["additionalData"])["bands"]
    assert bands["B02"]["bitDepth"] == 16
    assert bands["B02"]["sampleFormat"] == "UINT"
    assert bands["B03"]["bitDepth"] == 8

    got = json.loads(shc("collections", "get", collection_id, "--json").stdout)
    assert got["id"] == collection_id
    assert got["additionalData"]["bands"]["B02"]["bitDepth"] == 16

    listed = shc("collections", "list", "--search", name).stdout
    assert column(listed, "id") == [collection_id]
    assert column(listed, "name") == [name]
    lines = shc("collections", "list", "--search", name, "--json").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [collection_id]

    renamed = json.loads(
        shc("collections", "update", collection_id, "--name", name + "-2", "--json").stdout
    )
    assert renamed["name"] == name + "-2"
    assert json.loads(shc("collections", "get", collection_id, "--json").stdout)["name"] == (
        name + "-2"
    )

    assert shc("collections", "delete", collection_id).stdout == (
        f"deleted collection {collection_id}\n"
    )
    gone = shc("collections", "get", collection_id, ok=False)
    assert gone.exit_code == 1
    assert gone.stdout == ""
    assert len(gone.stderr.splitlines()) == 1
    assert gone.stderr.startswith("error: 404 ")
    assert collection_id in gone.stderr


def test_max_items_limits_the_listing(shc: Shc) -> None:
    prefix = f"many-{uuid.uuid4().hex[:6]}"
    for i in range(3):
        _create_collection(shc, f"{prefix}-{i}")
    lines = shc("collections", "list", "--search", prefix, "--max-items", "2", "--json")
    assert len(lines.stdout.splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["collections", "get", "not-a-uuid"], "error: collection: "),
        (["collections", "get", str(uuid.UUID(int=7))], "error: 404 "),
        (["tiles", "list", str(uuid.UUID(int=7))], "error: 404 "),
        (["collections", "create", "--name", "x", "--bucket", "b", "--band", "B1"], "B1"),
    ],
)
def test_bad_input_gives_one_line_and_a_non_zero_exit(
    shc: Shc, args: list[str], expected: str
) -> None:
    result = shc(*args, ok=False)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert expected in result.stderr
    if result.exit_code == 1:
        assert len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_no_credentials_is_one_line(shc: Shc) -> None:
    shc.env = {"SH_BASE_URL": shc.emu.base_url}
    result = shc("collections", "list", ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no credentials: set SH_CLIENT_ID")


def _write_scene(shc: Shc, path: str) -> None:
    for band in ("B02", "B03"):
        write_cog(
            shc.bucket() / path.replace("(BAND)", band),
            crs_epsg=32633,
            bounds=(500_000.0, 5_000_000.0, 502_560.0, 5_002_560.0),
            width=256,
            height=256,
        )


def test_tiles_lifecycle(shc: Shc, tmp_path: Path) -> None:
    collection_id = _create_collection(shc, f"tiles-{uuid.uuid4().hex[:8]}")
    good = f"cli/{uuid.uuid4().hex[:8]}/scene_(BAND).tif"
    _write_scene(shc, good)
    cover = tmp_path / "cover.geojson"
    polygon = {
        "type": "Polygon",
        "coordinates": [
            [[500_000, 5_000_000], [502_000, 5_000_000], [502_000, 5_002_000], [500_000, 5_000_000]]
        ],
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
    }
    cover.write_text(json.dumps({"type": "Feature", "geometry": polygon, "properties": {}}))
    created = json.loads(
        shc(
            "tiles", "create", collection_id, "--path", good,
            "--sensing-time", "2024-05-01T10:07:06Z", "--cover-geometry", str(cover), "--json",
        ).stdout
    )  # fmt: skip
    tile_id = created["id"]
    assert created["path"] == good
    assert created["sensingTime"].startswith("2024-05-01T10:07:06")
    assert created["coverGeometry"]["coordinates"] == polygon["coordinates"]
    broken = json.loads(
        shc("tiles", "create", collection_id, "--path", "cli/missing/(BAND).tif", "--json").stdout
    )

    waited = shc("tiles", "wait", collection_id, "--interval", "0.05", "--timeout", "60", ok=False)
    assert waited.exit_code == 1
    assert waited.stderr == "error: 1 of 2 tiles FAILED\n"
    status = dict(zip(column(waited.stdout, "id"), column(waited.stdout, "status"), strict=True))
    assert status == {tile_id: "INGESTED", broken["id"]: "FAILED"}

    ok = shc("tiles", "wait", collection_id, tile_id, "--interval", "0.05", "--json")
    assert [json.loads(line)["status"] for line in ok.stdout.splitlines()] == ["INGESTED"]

    failed = shc("tiles", "list", collection_id, "--status", "FAILED", "--json").stdout
    assert [json.loads(line)["id"] for line in failed.splitlines()] == [broken["id"]]
    by_path = shc("tiles", "list", collection_id, "--path", good).stdout
    assert column(by_path, "id") == [tile_id]

    got = shc("tiles", "get", collection_id, tile_id).stdout
    fields = dict(row for row in table(got) if len(row) == 2)
    assert fields["status"] == "INGESTED"
    assert fields["path"] == good

    updated = json.loads(
        shc(
            "tiles", "update", collection_id, tile_id, "--sensing-time", "2023-01-02T03:04:05Z",
            "--json",
        ).stdout
    )  # fmt: skip
    assert updated["sensingTime"].startswith("2023-01-02T03:04:05")

    assert (
        shc("tiles", "reingest", collection_id, tile_id).stdout == f"reingesting tile {tile_id}\n"
    )
    again = shc("tiles", "wait", collection_id, tile_id, "--interval", "0.05", "--json")
    assert json.loads(again.stdout)["status"] == "INGESTED"

    other = _create_collection(shc, f"copy-{uuid.uuid4().hex[:8]}")
    shc("collections", "copy-tiles", collection_id, other)
    copied = shc("tiles", "list", other, "--json").stdout.splitlines()
    assert [json.loads(line)["path"] for line in copied] == [good]  # the ingested one

    assert shc("tiles", "delete", collection_id, tile_id).stdout == f"deleted tile {tile_id}\n"
    assert shc("tiles", "get", collection_id, tile_id, ok=False).stderr.startswith("error: 404 ")


def test_a_listing_of_2500_tiles_streams_json_lines(shc: Shc) -> None:
    collection_id = _create_collection(shc, f"big-{uuid.uuid4().hex[:8]}")
    shc.emu.store.create_tiles(
        collection_id, [(f"big/{i:05d}", None, None) for i in range(2500)], status="INGESTED"
    )
    result = shc("-v", "tiles", "list", collection_id, "--json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2500
    assert len({t["id"] for t in lines}) == 2500
    assert sorted(t["path"] for t in lines) == [f"big/{i:05d}" for i in range(2500)]
    # stdout and stderr interleave in ``output`` as written: the first tiles were printed
    # before the last page was requested, so the listing is never held whole.
    mixed = result.output.splitlines()
    requests = [
        i for i, line in enumerate(mixed) if "HTTP Request: GET" in line and "/tiles" in line
    ]
    first_tile = next(i for i, line in enumerate(mixed) if line.startswith("{"))
    assert len(requests) == 25
    assert first_tile < requests[-1]
    assert emulator_secret_absent(result.output, shc)


def emulator_secret_absent(output: str, shc: Shc) -> bool:
    return shc.emu.client_secret not in output


def test_planet_files(shc: Shc, tmp_path: Path) -> None:
    folder = f"orders/{uuid.uuid4().hex[:8]}"
    root = shc.bucket(PLANET_BUCKET) / folder
    (root / "sub").mkdir(parents=True)
    big = os.urandom(2 * 1024 * 1024 + 5)
    (root / "analytic.tif").write_bytes(big)
    (root / "sub" / "meta.json").write_bytes(b'{"a": 1}')
    collection_id = _create_collection(shc, "planet", PLANET_BUCKET)
    tile_id = json.loads(shc("tiles", "create", collection_id, "--path", folder, "--json").stdout)[
        "id"
    ]

    listed = shc("files", "list", collection_id, tile_id).stdout
    assert column(listed, "path") == ["analytic.tif", "sub/meta.json"]
    lines = shc("files", "list", collection_id, tile_id, "--json").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"path": "analytic.tif"},
        {"path": "sub/meta.json"},
    ]

    out = tmp_path / "out"
    result = shc("files", "download", collection_id, tile_id, str(out), "--json")
    written = sorted(Path(json.loads(line)["path"]) for line in result.stdout.splitlines())
    assert written == [out / "analytic.tif", out / "sub" / "meta.json"]
    assert hashlib.sha256((out / "analytic.tif").read_bytes()).digest() == (
        hashlib.sha256(big).digest()
    )
    assert (out / "sub" / "meta.json").read_bytes() == b'{"a": 1}'
    assert not list(out.rglob("*.part"))

    (out / "analytic.tif.part").write_bytes(big[:1000])  # an interrupted run of a changed file
    (out / "analytic.tif").unlink()
    again = shc("files", "download", collection_id, tile_id, str(out), "--json")
    assert len(again.stdout.splitlines()) == 2
    assert (out / "analytic.tif").read_bytes() == big
    assert not list(out.rglob("*.part"))
    only = shc(
        "files",
        "download",
        collection_id,
        tile_id,
        str(tmp_path / "one"),
        "--file",
        "sub/meta.json",
    )
    assert column(only.stdout, "path") == [str(tmp_path / "one" / "sub" / "meta.json")]
