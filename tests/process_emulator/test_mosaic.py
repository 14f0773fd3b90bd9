"""Pixels: SIMPLE, TILE and ORBIT mosaicking over overlapping tiles with no-data holes, checked
pixel for pixel against numpy mosaics of the source arrays."""

from __future__ import annotations

import numpy as np

from tests.process_emulator.conftest import World, process_body, read_tiff, simple_mosaic

BANDS_AND_MASK = """//VERSION=3
function setup() {
  return {input: ["B1", "B2", "dataMask"], output: {bands: 3, sampleType: "FLOAT32"}};
}
function evaluatePixel(s) { return [s.B1, s.B2, s.dataMask]; }
"""


def test_simple_mosaic_is_exact_and_never_falls_through(world: World) -> None:
    with world.client() as client:
        response = client.post(
            "/api/v1/process", json=process_body(BANDS_AND_MASK, collection=world.main_id)
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/tiff"
    pixels, profile = read_tiff(response.content)
    assert profile["dtype"] == "float32"
    assert profile["crs"].to_epsg() == 32633
    assert profile["transform"][:6] == (10.0, 0.0, 500_000.0, 0.0, -10.0, 5_003_840.0)
    b1, mask = simple_mosaic(world.tiles, "B1")
    b2, _ = simple_mosaic(world.tiles, "B2")
    np.testing.assert_array_equal(pixels[0], b1)
    np.testing.assert_array_equal(pixels[1], b2)
    np.testing.assert_array_equal(pixels[2], mask)
    # T2's hole lies over T1's data, yet stays empty: no fall-through.
    assert mask[140:160, 140:170].max() == 0
    assert (world.tiles[2].bands["B1"][12:32, 140:170] > 0).all()


def test_least_recent_reverses_the_order(world: World) -> None:
    body = process_body(BANDS_AND_MASK, collection=world.main_id)
    body["input"]["data"][0]["dataFilter"] = {"mosaickingOrder": "leastRecent"}
    with world.client() as client:
        response = client.post("/process/v1", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    b1, mask = simple_mosaic(list(reversed(world.tiles)), "B1")
    np.testing.assert_array_equal(pixels[0], b1)
    np.testing.assert_array_equal(pixels[2], mask)


def test_time_range_keeps_only_tiles_sensed_inside_it(world: World) -> None:
    body = process_body(BANDS_AND_MASK, collection=world.main_id)
    body["input"]["data"][0]["dataFilter"] = {
        "timeRange": {"from": "2024-01-01T00:00:00Z", "to": "2024-01-01T23:59:59Z"}
    }
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    b1, mask = simple_mosaic([world.tiles[2]], "B1")
    np.testing.assert_array_equal(pixels[0], b1)
    np.testing.assert_array_equal(pixels[2], mask)


def test_tile_mosaicking_hands_every_tile_to_the_script(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: {id: "default", bands: 1, sampleType: "FLOAT32"},
          mosaicking: "TILE"};
}
function updateOutput(outputs, collection) { outputs.default.bands = collection.scenes.length + 1; }
function evaluatePixel(samples, scenes) {
  // The documented workaround for no fall-through: the first sample that has data.
  let first = 0;
  for (const s of samples) { if (s.dataMask === 1) { first = s.B1; break; } }
  return [first, ...samples.map((s) => s.dataMask)];
}
"""
    with world.client() as client:
        response = client.post(
            "/api/v1/process", json=process_body(script, collection=world.main_id)
        )
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    assert pixels.shape[0] == 4  # 1 + three tiles, through updateOutput
    b1, _ = simple_mosaic(world.tiles, "B1", fall_through=True)
    np.testing.assert_array_equal(pixels[0], b1)
    for index, tile in enumerate(world.tiles):  # newest first
        expected = np.zeros((384, 512), dtype=np.float32)
        rows, cols = tile.footprint()
        expected[rows, cols] = tile.bands["B1"] != 0
        np.testing.assert_array_equal(pixels[1 + index], expected)
    # area 512 x 384, 1 band of 3, FLOAT32 TIFF (x2), three samples per pixel (x3).
    units = float(response.headers["x-processingunits-spent"])
    assert units == (512 * 384 / 512**2) * (1 / 3) * 2 * 3


def test_orbit_mosaicking_groups_tiles_by_day(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: ["B1"], output: {bands: 3, sampleType: "FLOAT32"}, mosaicking: Mosaicking.ORBIT};
}
function evaluatePixel(samples, scenes) {
  if (scenes.orbits.length !== 2 || scenes.orbits[0].dateFrom !== "2024-01-02T00:00:00Z"
      || scenes.orbits[0].tiles.length !== 2) {
    throw new Error("unexpected orbits " + JSON.stringify(scenes.orbits.map((o) => o.dateFrom)));
  }
  return [samples.length, samples[0].B1, samples[1].B1];
}
"""
    with world.client() as client:
        response = client.post(
            "/api/v1/process", json=process_body(script, collection=world.main_id)
        )
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    assert (pixels[0] == 2).all()
    day2, _ = simple_mosaic(world.tiles[:2], "B1")
    day1, _ = simple_mosaic(world.tiles[2:], "B1")
    np.testing.assert_array_equal(pixels[1], day2)
    np.testing.assert_array_equal(pixels[2], day1)


def test_pre_process_scenes_filters_tiles(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: {bands: 2, sampleType: "FLOAT32"}, mosaicking: "TILE"};
}
function preProcessScenes(collections) {
  collections.scenes.tiles = collections.scenes.tiles.filter((t) => t.date < "2024-01-02");
  return collections;
}
function evaluatePixel(samples) {
  return samples.length ? [samples[0].B1, samples.length] : [0, 0];
}
"""
    with world.client() as client:
        response = client.post(
            "/api/v1/process", json=process_body(script, collection=world.main_id)
        )
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    assert (pixels[1] == 1).all()
    b1, _ = simple_mosaic([world.tiles[2]], "B1")
    np.testing.assert_array_equal(pixels[0], b1)


def test_scenes_describe_the_tiles(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: [{bands: ["B1"], metadata: ["bounds"]}], output: {bands: 1}, mosaicking: "TILE"};
}
function evaluatePixel(samples) { return [0]; }
function updateOutputMetadata(scenes, inputMetadata, outputMetadata) {
  outputMetadata.userData = scenes.tiles.map((t) => ({
    date: t.date, path: t.dataPath, geometry: t.dataGeometry.type, envelope: t.dataEnvelope.type,
  }));
}
"""
    responses = [{"identifier": "userdata", "format": {"type": "application/json"}}]
    body = process_body(script, collection=world.main_id, responses=responses, size=(8, 8))
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == [
        {
            "date": tile.sensing,
            "path": f"s3://data/{tile.name}/(BAND).tif",
            "geometry": "Polygon",
            "envelope": "Polygon",
        }
        for tile in world.tiles
    ]


def test_pre_process_scenes_filters_orbits(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: ["B1"], output: {bands: 2, sampleType: "FLOAT32"}, mosaicking: "ORBIT"};
}
function preProcessScenes(collections) {
  if (!(collections.from instanceof Date) || collections.from.getUTCDate() !== 1) {
    throw new Error("from should be the start of the time range as a Date");
  }
  collections.scenes.orbits = collections.scenes.orbits.filter(
    (o) => o.dateFrom === "2024-01-02T00:00:00Z");
  return collections;
}
function evaluatePixel(samples) { return [samples.length, samples[0].B1]; }
"""
    body = process_body(script, collection=world.main_id)
    body["input"]["data"][0]["dataFilter"] = {
        "timeRange": {"from": "2024-01-01T00:00:00Z", "to": "2024-01-31T00:00:00Z"}
    }
    with world.client() as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    assert (pixels[0] == 1).all()
    day2, _ = simple_mosaic(world.tiles[:2], "B1")
    np.testing.assert_array_equal(pixels[1], day2)


def test_band_no_data_gives_data_mask_zero(world: World) -> None:
    t1 = world.tiles[2]
    no_data = int(t1.bands["B1"][100, 100])
    with world.client("/api/v1/byoc") as byoc:
        created = byoc.post(
            "/collections",
            json={
                "name": "band no data",
                "s3Bucket": "data",
                "additionalData": {
                    "bands": {
                        "B1": {"bitDepth": 16, "sampleFormat": "UINT", "noData": no_data},
                        "B2": {"bitDepth": 16, "sampleFormat": "UINT"},
                    }
                },
            },
        )
        assert created.status_code == 201, created.text
        collection_id = created.json()["data"]["id"]
        tile = byoc.post(f"/collections/{collection_id}/tiles", json={"path": "t1/(BAND).tif"})
        assert tile.status_code == 201, tile.text
    world.emulator.wait_for_ingestion()
    with world.client() as client:
        response = client.post(
            "/api/v1/process", json=process_body(BANDS_AND_MASK, collection=collection_id)
        )
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    rows, cols = t1.footprint()
    valid = t1.bands["B1"] != no_data  # this collection has no noData 0: the hole has data
    assert (~valid).sum() >= 1
    expected_mask = np.zeros((384, 512), dtype=np.float32)
    expected_mask[rows, cols] = valid
    np.testing.assert_array_equal(pixels[2], expected_mask)
    expected_b2 = np.zeros((384, 512), dtype=np.float32)
    expected_b2[rows, cols] = np.where(valid, t1.bands["B2"], 0)
    np.testing.assert_array_equal(pixels[1], expected_b2)
