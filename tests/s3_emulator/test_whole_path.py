"""The path real users take, against an S3-compatible server: a folder of plain GeoTIFFs ->
converted -> uploaded -> registered -> ingested by an emulator whose bucket is on S3 ->
rendered by Process -> an Async delivery and a Batch output in S3; a re-run changes nothing."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import rasterio
from affine import Affine
from click.testing import CliRunner, Result
from rasterio.io import MemoryFile
from rasterio.windows import from_bounds
from sentinelhub_client.cli.root import cli
from sentinelhub_client.cog import validate_cog

from tests.s3_emulator.conftest import S3World

UTM = 32633
UTM_CRS = f"http://www.opengis.net/def/crs/EPSG/0/{UTM}"
RES = 10.0
SIZE = 256
#: Inside one 10 km cell of the batch grid, on whole 10 m pixels.
ORIGINS = {"20240501": (503_000.0, 5_006_000.0), "20240502": (503_000.0 + SIZE * RES, 5_006_000.0)}
B1_SCRIPT = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: {bands: 1, sampleType: "UINT16"}};
}
function evaluatePixel(s) { return [s.B1]; }
"""


def _plain_geotiff(path: Path, data: npt.NDArray[np.uint16], left: float, top: float) -> None:
    """A striped (not tiled) GeoTIFF without overviews: not a compliant COG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=SIZE,
        height=SIZE,
        count=1,
        dtype="uint16",
        crs=f"EPSG:{UTM}",
        transform=Affine(RES, 0, left, 0, -RES, top),
    ) as dst:
        dst.write(data[None])


def _bounds(day: str) -> tuple[float, float, float, float]:
    left, top = ORIGINS[day]
    return left, top - SIZE * RES, left + SIZE * RES, top


def _shc(world: S3World, *args: str) -> Result:
    env = {
        "SH_CLIENT_ID": world.emulator.client_id,
        "SH_CLIENT_SECRET": world.emulator.client_secret,
        "SH_BASE_URL": world.emulator.base_url,
        "SH_TOKEN_URL": world.emulator.token_url,
        "SH_RETRY_ZERO_BACKOFF": "1",
        **world.env,
    }
    return CliRunner().invoke(cli, list(args), env=env)


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _read_tiff(content: bytes) -> npt.NDArray[Any]:
    with MemoryFile(content) as memfile, memfile.open() as dataset:
        return np.asarray(dataset.read(1))


def _run_async(world: S3World, body: dict[str, Any]) -> str:
    """Submit an async request and wait until it is no longer running; its id."""
    with world.client() as client:
        response = client.post("/api/v1/async/process", json=body)
        assert response.status_code == 200, response.text
        request_id = str(response.json()["id"])
        deadline = time.monotonic() + 30
        while client.get(f"/api/v1/async/process/{request_id}").status_code == 200:
            assert time.monotonic() < deadline, "the async request did not finish in 30 s"
            time.sleep(0.05)
    return request_id


def _process_body(collection: str, bbox: tuple[float, ...]) -> dict[str, Any]:
    return {
        "input": {
            "bounds": {"bbox": list(bbox), "properties": {"crs": UTM_CRS}},
            "data": [{"type": f"byoc-{collection}"}],
        },
        "output": {
            "width": SIZE,
            "height": SIZE,
            "responses": [{"identifier": "default", "format": {"type": "image/tiff"}}],
        },
        "evalscript": B1_SCRIPT,
    }


@pytest.fixture(scope="module")
def ingested(s3_world: S3World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two plain GeoTIFFs ingested with ``shc ingest --bucket s3://...``."""
    folder = tmp_path_factory.mktemp("plain")
    rng = np.random.default_rng(14)
    arrays = {}
    for day in ORIGINS:
        arrays[day] = rng.integers(1, 60_000, size=(SIZE, SIZE), dtype=np.uint16)
        left, top = ORIGINS[day]
        _plain_geotiff(folder / "scenes" / f"scene_{day}.tif", arrays[day], left, top)
        assert not validate_cog(folder / "scenes" / f"scene_{day}.tif").is_valid
    # A sidecar wins over the file-name pattern.
    (folder / "scenes" / "scene_20240502.tif.json").write_text(
        json.dumps({"sensingTime": "2024-05-02T10:30:00Z"})
    )
    with s3_world.client("/api/v1/byoc") as byoc:
        response = byoc.post("/collections", json={"name": "s3", "s3Bucket": s3_world.data})
        assert response.status_code == 201, response.text
        collection = response.json()["data"]["id"]
    result = _shc(
        s3_world,
        "ingest",
        str(folder),
        "--bucket",
        f"s3://{s3_world.data}/upload",
        "--collection",
        collection,
        "--s3-endpoint",
        s3_world.server.endpoint_url,
        "--sensing-pattern",
        r"scene_(?P<time>\d{8})",
        "--json",
    )
    assert result.exit_code == 0, (result.output, result.exception)
    return {
        "folder": folder,
        "collection": collection,
        "arrays": arrays,
        "rows": _json_lines(result.stdout),
    }


def test_plain_geotiffs_are_converted_uploaded_and_ingested(
    s3_world: S3World, ingested: dict[str, Any], tmp_path: Path
) -> None:
    rows = {row["path"]: row for row in ingested["rows"]}
    paths = [f"upload/scenes/scene_{day}.tif" for day in ORIGINS]
    assert sorted(rows) == paths
    for path in paths:
        assert rows[path]["converted"] == "yes"
        assert rows[path]["upload"] == "uploaded"
        assert rows[path]["registration"] == "created"
        assert rows[path]["status"] == "INGESTED", rows[path]
    s3 = s3_world.server.client()
    listed = s3.list_objects_v2(Bucket=s3_world.data, Prefix="upload/")["Contents"]
    assert sorted(item["Key"] for item in listed) == paths
    # What is in the bucket is a compliant COG holding the source pixels.
    local = tmp_path / "uploaded.tif"
    local.write_bytes(s3_world.server.read(s3_world.data, paths[0]))
    assert validate_cog(local).is_valid
    with rasterio.open(local) as ds:
        np.testing.assert_array_equal(ds.read(1), ingested["arrays"]["20240501"])
    with s3_world.client("/api/v1/byoc") as byoc:
        tiles = byoc.get(f"/collections/{ingested['collection']}/tiles").json()["data"]
    sensing = {t["path"]: t["sensingTime"] for t in tiles}
    assert sensing == {paths[0]: "2024-05-01T00:00:00Z", paths[1]: "2024-05-02T10:30:00Z"}
    assert all(t["status"] == "INGESTED" for t in tiles)


def test_process_renders_the_source_pixels_from_s3(
    s3_world: S3World, ingested: dict[str, Any]
) -> None:
    with s3_world.client() as client:
        for day in ORIGINS:
            response = client.post(
                "/api/v1/process", json=_process_body(ingested["collection"], _bounds(day))
            )
            assert response.status_code == 200, response.text
            np.testing.assert_array_equal(_read_tiff(response.content), ingested["arrays"][day])


def test_async_delivery_lands_in_the_s3_bucket(s3_world: S3World, ingested: dict[str, Any]) -> None:
    body = _process_body(ingested["collection"], _bounds("20240502"))
    body["output"]["delivery"] = {
        "s3": {"url": f"s3://{s3_world.out}/async", "accessKey": "k", "secretAccessKey": "s"}
    }
    request_id = _run_async(s3_world, body)
    s3 = s3_world.server.client()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=s3_world.out, Prefix="async/")["Contents"]]
    assert keys == [f"async/{request_id}/default.tif"]
    delivered = s3_world.server.read(s3_world.out, keys[0])
    np.testing.assert_array_equal(_read_tiff(delivered), ingested["arrays"]["20240502"])


def test_batch_output_lands_in_the_s3_bucket(s3_world: S3World, ingested: dict[str, Any]) -> None:
    left, bottom, _, top = _bounds("20240501")
    _, _, right, _ = _bounds("20240502")
    body = {
        "processRequest": {
            "input": {
                "bounds": {"bbox": [left, bottom, right, top], "properties": {"crs": UTM_CRS}},
                "data": [{"type": f"byoc-{ingested['collection']}"}],
            },
            "evalscript": B1_SCRIPT,
        },
        "tilingGrid": {"id": 1, "resolution": 10.0},
        "output": {"defaultTilePath": f"s3://{s3_world.out}/batch"},
    }
    with s3_world.client("/api/v1/batch") as batch:
        response = batch.post("/process", json=body)
        assert response.status_code == 201, response.text
        request_id = response.json()["id"]
        assert batch.post(f"/process/{request_id}/start").status_code == 204
        deadline = time.monotonic() + 60
        while (status := batch.get(f"/process/{request_id}").json())["status"] != "DONE":
            assert status["status"] not in ("FAILED", "CANCELED"), status
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
    s3 = s3_world.server.client()
    listed = s3.list_objects_v2(Bucket=s3_world.out, Prefix=f"batch/{request_id}/")
    keys = [o["Key"] for o in listed["Contents"]]
    assert keys
    assert all(k.endswith("/default.tif") for k in keys)
    # Where the batch tile covers a source file, it holds that file's pixels.
    checked = 0
    for key in keys:
        with MemoryFile(s3_world.server.read(s3_world.out, key)) as memfile, memfile.open() as ds:
            for day, source in ingested["arrays"].items():
                b = _bounds(day)
                if not (ds.bounds.left <= b[0] and ds.bounds.right >= b[2]):
                    continue
                if not (ds.bounds.bottom <= b[1] and ds.bounds.top >= b[3]):
                    continue
                window = from_bounds(*b, transform=ds.transform)
                np.testing.assert_array_equal(ds.read(1, window=window), source)
                checked += 1
    assert checked == len(ORIGINS)


def test_rerun_uploads_and_registers_nothing_new(
    s3_world: S3World, ingested: dict[str, Any]
) -> None:
    s3 = s3_world.server.client()
    before = {
        o["Key"]: (o["ETag"], o["LastModified"])
        for o in s3.list_objects_v2(Bucket=s3_world.data, Prefix="upload/")["Contents"]
    }
    result = _shc(
        s3_world,
        "ingest",
        str(ingested["folder"]),
        "--bucket",
        f"s3://{s3_world.data}/upload",
        "--collection",
        ingested["collection"],
        "--s3-endpoint",
        s3_world.server.endpoint_url,
        "--sensing-pattern",
        r"scene_(?P<time>\d{8})",
        "--json",
    )
    assert result.exit_code == 0, (result.output, result.exception)
    rows = _json_lines(result.stdout)
    assert {(r["upload"], r["registration"], r["status"]) for r in rows} == {
        ("skipped", "existing", "INGESTED")
    }
    after = {
        o["Key"]: (o["ETag"], o["LastModified"])
        for o in s3.list_objects_v2(Bucket=s3_world.data, Prefix="upload/")["Contents"]
    }
    assert after == before
    with s3_world.client("/api/v1/byoc") as byoc:
        tiles = byoc.get(f"/collections/{ingested['collection']}/tiles").json()["data"]
    assert len(tiles) == len(ORIGINS)


def test_no_convert_refuses_plain_geotiffs(s3_world: S3World, ingested: dict[str, Any]) -> None:
    result = _shc(
        s3_world,
        "ingest",
        str(ingested["folder"]),
        "--bucket",
        f"s3://{s3_world.data}/refused",
        "--collection",
        ingested["collection"],
        "--s3-endpoint",
        s3_world.server.endpoint_url,
        "--no-convert",
        "--json",
    )
    assert result.exit_code == 1
    rows = _json_lines(result.stdout)
    assert [r["status"] for r in rows] == ["REFUSED", "REFUSED"]
    assert all("tiled" in r["reason"].lower() or "tile" in r["reason"].lower() for r in rows)
    listed = s3_world.server.client().list_objects_v2(Bucket=s3_world.data, Prefix="refused/")
    assert listed.get("KeyCount") == 0


def test_evalscript_reference_is_read_from_s3(s3_world: S3World, ingested: dict[str, Any]) -> None:
    s3_world.server.client().put_object(
        Bucket=s3_world.data, Key="scripts/b1.js", Body=B1_SCRIPT.encode()
    )
    body = _process_body(ingested["collection"], _bounds("20240501"))
    del body["evalscript"]
    body["evalscriptReference"] = {"s3": {"url": f"s3://{s3_world.data}/scripts/b1.js"}}
    body["output"]["delivery"] = {"s3": {"url": f"s3://{s3_world.out}/by-reference"}}
    request_id = _run_async(s3_world, body)
    delivered = s3_world.server.read(s3_world.out, f"by-reference/{request_id}/default.tif")
    np.testing.assert_array_equal(_read_tiff(delivered), ingested["arrays"]["20240501"])


def test_unreachable_bucket_is_a_400(s3_world: S3World) -> None:
    body = _process_body("00000000-0000-0000-0000-000000000000", _bounds("20240501"))
    body["output"]["delivery"] = {"s3": {"url": "s3://no-such-emulator-bucket/x"}}
    with s3_world.client() as client:
        response = client.post("/api/v1/async/process", json=body)
    assert response.status_code == 400, response.text
    assert "no-such-emulator-bucket" in response.text


def test_the_local_folder_form_still_serves_a_folder_bucket(
    s3_world: S3World, ingested: dict[str, Any]
) -> None:
    folder = s3_world.emulator.data_dir / "buckets" / "local"
    folder.mkdir(parents=True)
    with s3_world.client("/api/v1/byoc") as byoc:
        response = byoc.post("/collections", json={"name": "local", "s3Bucket": "local"})
        assert response.status_code == 201, response.text
        collection = response.json()["data"]["id"]
    args = ["ingest", str(ingested["folder"]), "--bucket-dir", str(folder)]
    result = _shc(s3_world, *args, "--collection", collection, "--json")
    assert result.exit_code == 0, (result.output, result.exception)
    rows = _json_lines(result.stdout)
    assert {(r["path"], r["upload"], r["status"]) for r in rows} == {
        (f"scenes/scene_{day}.tif", "copied", "INGESTED") for day in ORIGINS
    }
    with rasterio.open(folder / "scenes" / "scene_20240501.tif") as ds:
        np.testing.assert_array_equal(ds.read(1), ingested["arrays"]["20240501"])
    again = _shc(s3_world, *args, "--collection", collection, "--json")
    assert {(r["upload"], r["registration"]) for r in _json_lines(again.stdout)} == {
        ("skipped", "existing")
    }


def test_bucket_and_bucket_dir_are_exclusive(s3_world: S3World, tmp_path: Path) -> None:
    result = _shc(s3_world, "ingest", str(tmp_path), "--collection", "x")
    assert result.exit_code != 0
    assert "--bucket" in result.output


def test_a_missing_bucket_is_one_clear_line(s3_world: S3World, ingested: dict[str, Any]) -> None:
    missing = s3_world.server.unused_bucket_name()
    result = _shc(
        s3_world,
        "ingest",
        str(ingested["folder"]),
        "--bucket",
        f"s3://{missing}/x",
        "--collection",
        ingested["collection"],
        "--s3-endpoint",
        s3_world.server.endpoint_url,
    )
    assert result.exit_code != 0
    assert missing in result.output
    assert "Traceback" not in result.output
    assert s3_world.server.secret_access_key not in result.output


def test_an_invalid_s3_bucket_mapping_is_refused(tmp_path: Path) -> None:
    from sentinelhub_emulator import Emulator

    with pytest.raises(ValueError, match="bucket 'x'"):
        Emulator(tmp_path, buckets={"x": "s3://"})
