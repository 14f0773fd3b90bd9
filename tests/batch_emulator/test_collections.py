"""Batch collections: CRUD over HTTP, and requests that write into a new or an existing one."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import rasterio
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.batch.collections import byoc_view
from sentinelhub_emulator.batch.scheduler import find_service

from tests.support.emulator import fetch_token

from .conftest import BUCKET, assert_matches, batch_client, create, request_body, wait_for

FINAL = ("DONE", "PARTIAL", "FAILED", "CANCELED")
SINGLE_BAND = [{"identifier": "x", "format": {"type": "image/tiff"}}]


def _new(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = client.post("/collections", json={"name": "fields", "s3Bucket": BUCKET, **fields})
    assert response.status_code == 201, response.text
    assert_matches("BatchCollectionEnvelope", response.json())
    data = response.json()["data"]
    assert isinstance(data, dict)
    return data


def test_collection_crud(emulator: Emulator, fresh_client: httpx.Client) -> None:
    client = fresh_client
    created = _new(client, name="crops 2024")
    assert created["name"] == "crops 2024"
    assert created["s3Bucket"] == BUCKET
    assert created["batchData"] == {}
    assert created["additionalData"] == {"bands": {}}
    assert created["created"].endswith("Z")
    other = _new(client, name="forest")
    cid = created["id"]
    assert client.get(f"/collections/{cid}").json() == {"data": created}

    listed = client.get("/collections", params={"count": 1}).json()
    assert_matches("BatchCollectionPage", listed)
    assert [c["id"] for c in listed["data"]] == [cid]
    rest = client.get("/collections", params={"viewtoken": listed["links"]["nextToken"]}).json()
    assert [c["id"] for c in rest["data"]] == [other["id"]]
    found = client.get("/collections", params={"search": "CROPS"}).json()["data"]
    assert [c["id"] for c in found] == [cid]

    renamed = client.put(f"/collections/{cid}", json={"name": "crops", "s3Bucket": BUCKET})
    assert renamed.status_code == 204
    assert client.get(f"/collections/{cid}").json()["data"]["name"] == "crops"
    moved = client.put(f"/collections/{cid}", json={"name": "crops", "s3Bucket": "elsewhere"})
    assert moved.status_code == 400
    assert moved.json()["error"]["errors"][0]["parameter"] == "s3Bucket"
    assert client.post("/collections", json={"name": " ", "s3Bucket": BUCKET}).status_code == 400
    assert client.post("/collections", json={"name": "x"}).status_code == 400

    emulator.add_client("stranger", "stranger-secret")
    with batch_client(emulator, fetch_token(emulator, "stranger", "stranger-secret")) as them:
        assert them.get(f"/collections/{cid}").status_code == 403
        assert them.delete(f"/collections/{cid}").status_code == 403
        assert them.get("/collections").json()["data"] == []

    assert client.delete(f"/collections/{cid}").status_code == 204
    gone = client.get(f"/collections/{cid}")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "COMMON_NOT_FOUND"
    assert client.get("/collections/not-a-uuid").status_code == 400


def test_create_collection_makes_the_outputs_a_collection(client: httpx.Client) -> None:
    body = request_body(
        responses=SINGLE_BAND,
        output={"defaultTilePath": f"s3://{BUCKET}/c", "cogOutput": True, "createCollection": True},
        description="parcels 2024",
    )
    created = create(client, body)
    client.post(f"/process/{created['id']}/start")
    done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE", done["error"]
    collection_id = done["output"]["collectionId"]
    collection = client.get(f"/collections/{collection_id}").json()["data"]
    assert collection["name"] == "parcels 2024"
    assert collection["s3Bucket"] == BUCKET
    assert collection["batchData"] == {"tilingGridId": 1}
    assert collection["additionalData"]["bands"] == {
        "x": {"bandIndex": 1, "bitDepth": 64, "sampleFormat": "FLOAT"}
    }
    using = client.get("/process", params={"collectionId": collection_id}).json()["data"]
    assert [r["id"] for r in using] == [created["id"]]
    busy = client.delete(f"/collections/{collection_id}")
    assert busy.status_code == 409
    assert client.delete(f"/process/{created['id']}").status_code == 204
    assert client.delete(f"/collections/{collection_id}").status_code == 204


def test_collection_id_writes_into_an_existing_collection(client: httpx.Client) -> None:
    collection = _new(client, name="target")
    body = request_body(
        responses=SINGLE_BAND,
        output={
            "defaultTilePath": f"s3://{BUCKET}/c2",
            "cogOutput": True,
            "collectionId": collection["id"],
        },
    )
    created = create(client, body)
    assert created["output"]["collectionId"] == collection["id"]
    client.post(f"/process/{created['id']}/start")
    assert wait_for(client, created["id"], FINAL)["status"] == "DONE"
    after = client.get(f"/collections/{collection['id']}").json()["data"]
    assert after["batchData"] == {"tilingGridId": 1}
    assert set(after["additionalData"]["bands"]) == {"x"}


def test_collection_output_rules(client: httpx.Client) -> None:
    unknown = request_body(
        responses=SINGLE_BAND,
        output={
            "defaultTilePath": f"s3://{BUCKET}",
            "cogOutput": True,
            "collectionId": "00000000-0000-0000-0000-000000000001",
        },
    )
    refused = client.post("/process", json=unknown)
    assert refused.status_code == 400
    assert refused.json()["error"]["errors"][0]["parameter"] == "output->collectionId"
    both = request_body(
        responses=SINGLE_BAND,
        output={
            "defaultTilePath": f"s3://{BUCKET}",
            "cogOutput": True,
            "createCollection": True,
            "collectionId": _new(client)["id"],
        },
    )
    assert client.post("/process", json=both).status_code == 400
    # Two bands in one output: the analysis fails, saying why.
    two_bands = request_body(
        output={"defaultTilePath": f"s3://{BUCKET}", "cogOutput": True, "createCollection": True}
    )
    created = create(client, two_bands)
    client.post(f"/process/{created['id']}/analyse")
    failed = wait_for(client, created["id"], FINAL)
    assert failed["status"] == "FAILED"
    assert "single-band" in failed["error"]


def test_a_batch_collection_reads_as_byoc_records_over_its_output_files(
    emulator: Emulator, client: httpx.Client
) -> None:
    body = request_body(
        responses=SINGLE_BAND,
        output={"defaultTilePath": f"s3://{BUCKET}/v", "cogOutput": True, "createCollection": True},
    )
    created = create(client, body)
    client.post(f"/process/{created['id']}/start")
    done = wait_for(client, created["id"], FINAL)
    service = find_service(emulator.data_dir)
    view = byoc_view(service.store, service.context.settings, done["output"]["collectionId"])
    assert view is not None
    collection, tiles = view
    assert collection.bands["x"]["source"] == "x"
    assert len(tiles) == 4
    bucket = emulator.data_dir / "buckets" / BUCKET
    for tile in tiles:
        assert tile.path.startswith(f"v/{created['id']}/33TVM_")
        with rasterio.open(bucket / tile.path.replace("(BAND)", "x")) as ds:
            assert tile.crs_epsg == ds.crs.to_epsg() == 32633
            ring = tile.tile_geometry["coordinates"][0] if tile.tile_geometry else []
            assert (ring[0][0], ring[0][1], ring[2][0], ring[2][1]) == tuple(ds.bounds)
    assert byoc_view(service.store, service.context.settings, str(uuid.uuid4())) is None
