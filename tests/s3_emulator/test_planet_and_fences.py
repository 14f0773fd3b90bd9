"""Planet files served from an S3-backed bucket (listing, ranges, ETag, HEAD, If-Range), and
keys that try to leave their bucket or prefix refused."""

from __future__ import annotations

import os
import uuid
from typing import Any

import numpy as np
import pytest
from sentinelhub_emulator.__main__ import parse_args
from sentinelhub_emulator.core.buckets import BucketPathError, S3Bucket, parse_s3_location

from tests.s3_emulator.conftest import S3World

CONTENT = np.random.default_rng(7).bytes(300_000)


@pytest.fixture(scope="module")
def planet(s3_world: S3World) -> dict[str, Any]:
    s3 = s3_world.server.client()
    for key, body in {
        "order/item/a.bin": CONTENT,
        "order/item/sub/b.json": b'{"b": 1}',
        "order/item-2/not-this-tile.txt": b"another tile",
        "order/sibling/other.txt": b"another tile's file",
        "top-level.txt": b"bucket root",
    }.items():
        s3.put_object(Bucket=s3_world.planet, Key=key, Body=body)
    with s3_world.client("/api/v1/byoc") as byoc:
        response = byoc.post("/collections", json={"name": "p", "s3Bucket": s3_world.planet})
        assert response.status_code == 201, response.text
        collection = response.json()["data"]["id"]
    [tile] = s3_world.emulator.store.create_tiles(
        collection, [("order/item", None, None)], status="INGESTED"
    )
    return {"url": f"/api/v1/byoc/collections/{collection}/tiles/{tile.id}/files"}


def test_listing_holds_only_the_tile_files(s3_world: S3World, planet: dict[str, Any]) -> None:
    with s3_world.client() as client:
        response = client.get(planet["url"])
    assert response.status_code == 200, response.text
    assert response.json() == ["a.bin", "sub/b.json"]


def test_whole_file_range_head_and_etag(s3_world: S3World, planet: dict[str, Any]) -> None:
    s3_etag = s3_world.server.client().head_object(Bucket=s3_world.planet, Key="order/item/a.bin")[
        "ETag"
    ]
    with s3_world.client() as client:
        whole = client.get(planet["url"] + "/a.bin")
        assert whole.status_code == 200
        assert whole.content == CONTENT
        assert whole.headers["etag"] == s3_etag
        part = client.get(planet["url"] + "/a.bin", headers={"Range": "bytes=1000-1099"})
        assert part.status_code == 206
        assert part.content == CONTENT[1000:1100]
        assert part.headers["content-range"] == f"bytes 1000-1099/{len(CONTENT)}"
        tail = client.get(planet["url"] + "/a.bin", headers={"Range": "bytes=-10"})
        assert tail.status_code == 206
        assert tail.content == CONTENT[-10:]
        beyond = client.get(planet["url"] + "/a.bin", headers={"Range": "bytes=999999999-"})
        assert beyond.status_code == 416
        head = client.head(planet["url"] + "/a.bin")
        assert head.status_code == 200
        assert head.headers["content-length"] == str(len(CONTENT))
        assert head.content == b""
        stale = client.get(
            planet["url"] + "/a.bin", headers={"Range": "bytes=0-9", "If-Range": '"other"'}
        )
        assert stale.status_code == 200
        assert stale.content == CONTENT
        fresh = client.get(
            planet["url"] + "/a.bin", headers={"Range": "bytes=0-9", "If-Range": s3_etag}
        )
        assert fresh.status_code == 206
        assert fresh.content == CONTENT[:10]
        nested = client.get(planet["url"] + "/sub/b.json")
        assert nested.content == b'{"b": 1}'


@pytest.mark.parametrize(
    "name", ["%2E%2E/sibling/other.txt", "sub/%2E%2E/%2E%2E/sibling/other.txt", "missing.bin"]
)
def test_paths_outside_the_tile_are_404(
    s3_world: S3World, planet: dict[str, Any], name: str
) -> None:
    with s3_world.client() as client:
        response = client.get(planet["url"] + "/" + name)
    assert response.status_code == 404, response.text


def _bucket(world: S3World, prefix: str) -> S3Bucket:
    return S3Bucket(
        parse_s3_location(f"s3://{world.data}/{prefix}"), endpoint_url=world.server.endpoint_url
    )


def test_a_prefixed_bucket_keeps_its_keys_under_the_prefix(s3_world: S3World) -> None:
    inside = _bucket(s3_world, "fenced")
    inside.write("a/b.txt", b"inside")
    assert s3_world.server.read(s3_world.data, "fenced/a/b.txt") == b"inside"
    s3_world.server.client().put_object(Bucket=s3_world.data, Key="outside.txt", Body=b"x")
    assert "outside.txt" not in inside.list()
    assert "a/b.txt" in inside.list()
    for key in ("../outside.txt", "a/../../outside.txt", "/outside.txt", "a//b.txt", "a\\b"):
        with pytest.raises(BucketPathError):
            inside.read(key)
        with pytest.raises(BucketPathError):
            inside.write(key, b"escaped")
    assert inside.read("a/b.txt", 1, 4) == b"nsi"
    info = inside.stat("a/b.txt")
    assert info is not None
    assert info.size == 6


def test_a_delivery_that_climbs_out_is_refused(s3_world: S3World) -> None:
    body = {
        "input": {
            "bounds": {"bbox": [0, 0, 1, 1]},
            "data": [{"type": f"byoc-{uuid.uuid4()}"}],
        },
        "output": {
            "delivery": {"s3": {"url": f"s3://{s3_world.fenced}/a/../../escaped"}},
            "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
        },
        "evalscript": "//VERSION=3\nfunction setup() {}",
    }
    with s3_world.client() as client:
        response = client.post("/api/v1/async/process", json=body)
    assert response.status_code == 400, response.text
    assert "output->delivery->s3->url" in response.text
    listed = s3_world.server.client().list_objects_v2(Bucket=s3_world.data, Prefix="escaped")
    assert listed.get("KeyCount") == 0


def test_a_tile_path_that_climbs_out_is_refused(s3_world: S3World) -> None:
    with s3_world.client("/api/v1/byoc") as byoc:
        created = byoc.post("/collections", json={"name": "f", "s3Bucket": s3_world.fenced})
        assert created.status_code == 201, created.text
        collection = created.json()["data"]["id"]
        response = byoc.post(
            f"/collections/{collection}/tiles", json={"path": "../upload/scenes/x.tif"}
        )
    assert response.status_code == 400, response.text


def test_command_line_bucket_flags() -> None:
    args = parse_args(
        [
            "--data-dir",
            os.devnull,
            "--bucket",
            "tiles=s3://real-bucket/some/prefix",
            "--bucket",
            "local=/tmp/x",
            "--s3-endpoint",
            "http://127.0.0.1:9000",
            "--s3-profile",
            "minio",
        ]
    )
    assert dict(args.bucket)["tiles"] == "s3://real-bucket/some/prefix"
    assert str(dict(args.bucket)["local"]) == "/tmp/x"
    assert (args.s3_endpoint, args.s3_profile) == ("http://127.0.0.1:9000", "minio")
    for bad in ("tiles=s3://", "tiles=s3://b/../up"):
        with pytest.raises(SystemExit):
            parse_args(["--data-dir", os.devnull, "--bucket", bad])
