"""Real ingestion through the HTTP API: states, derived metadata, failures, re-ingestion."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.byoc import worker as worker_module
from sentinelhub_emulator.byoc.worker import INTERNAL_FAILURE_CAUSE
from sentinelhub_emulator.samples import write_broken_file, write_cog

from tests.support.emulator import fetch_token

from .conftest import byoc_client, new_collection

UTM_EPSG = 32633
UTM_BOUNDS = (500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0)


def cog(path: Path, **options: Any) -> Path:
    settings: dict[str, Any] = {
        "crs_epsg": UTM_EPSG,
        "bounds": UTM_BOUNDS,
        "width": 512,
        "height": 512,
    }
    settings.update(options)
    return write_cog(path, **settings)


def add_tile(client: httpx.Client, collection: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = client.post(f"/collections/{collection['id']}/tiles", json=body)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert isinstance(data, dict)
    return data


def get_tile(client: httpx.Client, collection: dict[str, Any], tile: dict[str, Any]) -> Any:
    return client.get(f"/collections/{collection['id']}/tiles/{tile['id']}").json()["data"]


def get_collection(client: httpx.Client, collection: dict[str, Any]) -> Any:
    return client.get(f"/collections/{collection['id']}").json()["data"]


@pytest.fixture
def bucket(bucket_root: Path, request: pytest.FixtureRequest) -> Path:
    name = "ingest-" + request.node.name.replace("[", "-").replace("]", "").replace("_", "-")[:40]
    folder = bucket_root / name
    folder.mkdir()
    return folder


def test_ingests_a_tile_and_detects_bands(
    emulator: Emulator, api: httpx.Client, bucket: Path
) -> None:
    cog(bucket / "scene/B02.tif")
    cog(bucket / "scene/B03.tif", dtype="uint8")
    collection = new_collection(api, s3Bucket=bucket.name)
    tile = add_tile(api, collection, path="scene/(BAND).tif", sensingTime="2023-06-01T10:00:00Z")
    emulator.wait_for_ingestion()

    ingested = get_tile(api, collection, tile)
    assert ingested["status"] == "INGESTED", ingested
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}
    assert ingested["tileGeometry"]["crs"] == crs
    assert ingested["coverGeometry"]["crs"] == crs
    assert ingested["additionalData"]["minMetersPerPixel"] == pytest.approx(10.0)
    assert ingested["additionalData"]["maxMetersPerPixel"] >= 10.0
    assert "failedIngestionCause" not in ingested["additionalData"]
    assert ingested["ingestionStart"].endswith("Z")

    data = get_collection(api, collection)
    assert data["isConfigured"] is True
    assert data["requiresMetadataUpdate"] is False
    additional = data["additionalData"]
    assert additional["bands"] == {
        "B02": {"source": "B02", "bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"},
        "B03": {"source": "B03", "bandIndex": 1, "bitDepth": 8, "sampleFormat": "UINT"},
    }
    assert additional["hasSensingTimes"] == "YES"
    assert additional["fromSensingTime"] == additional["toSensingTime"] == "2023-06-01T10:00:00Z"
    assert additional["maxMetersPerPixel"] == 500.0
    west, south = additional["extent"]["coordinates"][0][0]
    east, north = additional["extent"]["coordinates"][0][2]
    assert 14.9 < west < east < 15.2
    assert 45.1 < south < north < 45.3


def test_metadata_covers_every_ingested_tile(
    emulator: Emulator, api: httpx.Client, bucket: Path
) -> None:
    cog(bucket / "a/B1.tif")
    cog(bucket / "b/B1.tif", bounds=(510_000.0, 5_010_000.0, 515_120.0, 5_015_120.0))
    collection = new_collection(
        api, s3Bucket=bucket.name, additionalData={"bands": {"B1": {"bitDepth": 16}}}
    )
    add_tile(api, collection, path="a/(BAND).tif", sensingTime="2020-01-01T00:00:00Z")
    second = add_tile(api, collection, path="b/(BAND).tif")
    emulator.wait_for_ingestion()
    additional = get_collection(api, collection)["additionalData"]
    assert additional["hasSensingTimes"] == "PARTIALLY"
    assert additional["bands"]["B1"]["sampleFormat"] == "UINT"  # filled in from the file
    wide = additional["extent"]["coordinates"][0]

    url = f"/collections/{collection['id']}/tiles/{second['id']}"
    assert api.put(url, json={"sensingTime": "2021-01-01T00:00:00Z"}).status_code == 204
    additional = get_collection(api, collection)["additionalData"]
    assert additional["hasSensingTimes"] == "YES"
    assert additional["toSensingTime"] == "2021-01-01T00:00:00Z"

    assert api.delete(url).status_code == 204
    additional = get_collection(api, collection)["additionalData"]
    assert additional["extent"]["coordinates"][0] != wide
    assert additional["toSensingTime"] == "2020-01-01T00:00:00Z"


def test_cover_geometry_is_reprojected_to_the_tile_crs(
    emulator: Emulator, api: httpx.Client, bucket: Path
) -> None:
    cog(bucket / "t/B1.tif")
    collection = new_collection(api, s3Bucket=bucket.name)
    cover = {
        "type": "Polygon",
        "coordinates": [[[15.0, 45.16], [15.05, 45.16], [15.05, 45.19], [15.0, 45.16]]],
    }
    tile = add_tile(api, collection, path="t/(BAND).tif", coverGeometry=cover)
    emulator.wait_for_ingestion()
    ingested = get_tile(api, collection, tile)
    assert ingested["status"] == "INGESTED"
    assert ingested["coverGeometry"]["crs"]["properties"]["name"].endswith("32633")
    x, y = ingested["coverGeometry"]["coordinates"][0][0]
    assert 499_000 < x < 506_000
    assert 4_999_000 < y < 5_006_000

    # Sending the tile back unchanged keeps it ingested; leaving the cover out re-derives it.
    url = f"/collections/{collection['id']}/tiles/{tile['id']}"
    assert api.put(url, json=ingested).status_code == 204
    assert get_tile(api, collection, tile)["status"] == "INGESTED"
    assert api.put(url, json={"sensingTime": None}).status_code == 204
    emulator.wait_for_ingestion()
    rederived = get_tile(api, collection, tile)
    assert rederived["status"] == "INGESTED"
    assert rederived["coverGeometry"]["coordinates"] == rederived["tileGeometry"]["coordinates"]


@pytest.mark.parametrize("kind", ["not_tiff", "small_blocks", "bad_crs"])
def test_broken_files_fail_with_a_cause(
    emulator: Emulator, api: httpx.Client, bucket: Path, kind: str
) -> None:
    write_broken_file(bucket / "t/B1.tif", kind)
    collection = new_collection(api, s3Bucket=bucket.name)
    tile = add_tile(api, collection, path="t/(BAND).tif")
    emulator.wait_for_ingestion()
    failed = get_tile(api, collection, tile)
    assert failed["status"] == "FAILED"
    assert "t/B1.tif" in failed["additionalData"]["failedIngestionCause"]
    data = get_collection(api, collection)
    assert data["isConfigured"] is False
    assert "extent" not in data["additionalData"]


def test_band_mismatch_fails_and_reingest_succeeds_after_a_fix(
    emulator: Emulator, api: httpx.Client, bucket: Path
) -> None:
    cog(bucket / "t/B1.tif", dtype="uint8")
    collection = new_collection(
        api,
        s3Bucket=bucket.name,
        additionalData={"bands": {"B1": {"bitDepth": 16, "sampleFormat": "UINT"}}},
    )
    tile = add_tile(api, collection, path="t/(BAND).tif")
    emulator.wait_for_ingestion()
    failed = get_tile(api, collection, tile)
    assert failed["status"] == "FAILED"
    assert "bitDepth" in failed["additionalData"]["failedIngestionCause"]

    cog(bucket / "t/B1.tif", dtype="uint16")
    url = f"/collections/{collection['id']}/tiles/{tile['id']}/reingest"
    assert api.post(url).status_code == 204
    emulator.wait_for_ingestion()
    fixed = get_tile(api, collection, tile)
    assert fixed["status"] == "INGESTED"
    assert "failedIngestionCause" not in fixed["additionalData"]


def test_missing_bucket_fails(emulator: Emulator, api: httpx.Client) -> None:
    collection = new_collection(api, s3Bucket="never-created")
    tile = add_tile(api, collection, path="t/(BAND).tif")
    emulator.wait_for_ingestion()
    failed = get_tile(api, collection, tile)
    assert failed["status"] == "FAILED"
    assert "never-created" in failed["additionalData"]["failedIngestionCause"]


def test_mapped_bucket(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    cog(elsewhere / "t/B1.tif")
    with (
        Emulator(tmp_path / "data", buckets={"mapped": elsewhere}) as emu,
        byoc_client(emu, fetch_token(emu)) as client,
    ):
        collection = new_collection(client, s3Bucket="mapped")
        tile = add_tile(client, collection, path="t/(BAND).tif")
        emu.wait_for_ingestion()
        assert get_tile(client, collection, tile)["status"] == "INGESTED"


def test_unexpected_errors_fail_the_tile_not_the_worker(
    emulator: Emulator,
    api: httpx.Client,
    bucket: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cog(bucket / "t/B1.tif")
    collection = new_collection(api, s3Bucket=bucket.name)
    with monkeypatch.context() as patch:
        patch.setattr(worker_module, "ingest_tile", _explode)
        tile = add_tile(api, collection, path="t/(BAND).tif")
        emulator.wait_for_ingestion()
    failed = get_tile(api, collection, tile)
    assert failed["status"] == "FAILED"
    assert failed["additionalData"]["failedIngestionCause"] == INTERNAL_FAILURE_CAUSE
    assert "disk on fire" in caplog.text  # logged for the operator, not shown to the client

    # The worker carries on.
    assert api.post(f"/collections/{collection['id']}/tiles/{tile['id']}/reingest").is_success
    emulator.wait_for_ingestion()
    assert get_tile(api, collection, tile)["status"] == "INGESTED"


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("disk on fire at /secret/server/path")


def test_states_are_observable_with_a_delay(tmp_path: Path) -> None:
    cog(tmp_path / "buckets/slow/t/B1.tif")
    with (
        Emulator(tmp_path, ingestion_delay=0.25) as emu,
        byoc_client(emu, fetch_token(emu)) as client,
    ):
        collection = new_collection(client, s3Bucket="slow")
        tile = add_tile(client, collection, path="t/(BAND).tif")
        assert tile["status"] == "WAITING"
        assert get_collection(client, collection)["requiresMetadataUpdate"] is True
        seen = [tile["status"]]
        deadline = time.monotonic() + 10
        while seen[-1] not in ("INGESTED", "FAILED") and time.monotonic() < deadline:
            status = get_tile(client, collection, tile)["status"]
            if status != seen[-1]:
                seen.append(status)
            time.sleep(0.03)
        assert seen == ["WAITING", "QUEUED", "INGESTING", "INGESTED"]
        assert get_collection(client, collection)["requiresMetadataUpdate"] is False


def test_wait_for_ingestion_times_out(tmp_path: Path) -> None:
    with (
        Emulator(tmp_path, ingestion_delay=5) as emu,
        byoc_client(emu, fetch_token(emu)) as client,
    ):
        add_tile(client, new_collection(client), path="x")
        with pytest.raises(TimeoutError):
            emu.wait_for_ingestion(timeout=0.2)
