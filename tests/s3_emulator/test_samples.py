"""``--samples`` into an S3-backed bucket: the sample COGs are uploaded and ingest as promised."""

from __future__ import annotations

import time

from sentinelhub_emulator.__main__ import write_bucket_samples

from tests.s3_emulator.conftest import S3World


def test_samples_go_to_s3_and_ingest_as_promised(s3_world: S3World) -> None:
    store = s3_world.emulator.settings.bucket(s3_world.fenced)
    assert store is not None
    tiles = write_bucket_samples(store)
    listed = s3_world.server.client().list_objects_v2(Bucket=s3_world.data, Prefix="fenced/20")
    assert listed["KeyCount"] >= 3 * (len(tiles) - 1)  # three band files per good tile
    with s3_world.client("/api/v1/byoc") as byoc:
        created = byoc.post("/collections", json={"name": "samples", "s3Bucket": s3_world.fenced})
        assert created.status_code == 201, created.text
        collection = created.json()["data"]["id"]
        ids = {}
        for tile in tiles:
            response = byoc.post(f"/collections/{collection}/tiles", json={"path": tile.path})
            assert response.status_code == 201, response.text
            ids[response.json()["data"]["id"]] = tile
        deadline = time.monotonic() + 60
        while True:
            states = {
                t["id"]: t["status"]
                for t in byoc.get(f"/collections/{collection}/tiles").json()["data"]
            }
            if all(s in ("INGESTED", "FAILED") for s in states.values()):
                break
            assert time.monotonic() < deadline, states
            time.sleep(0.05)
    for tile_id, tile in ids.items():
        assert tile.expect.startswith(states[tile_id]), (tile.path, tile.expect, states[tile_id])
