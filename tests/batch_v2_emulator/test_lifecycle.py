"""The v2 state machine over HTTP: analyse, start, stop, update, list; the status database and
the manifest in the bucket; outputs at the templated keys."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import rasterio

from tests.batch_emulator.renderers import CoordinateRenderer

from .conftest import (
    BUCKET,
    FINAL,
    assert_matches,
    create,
    held_renders,
    job_folder,
    request_body,
    wait_for,
)


def _rows(path: Path, query: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return list(connection.execute(query).fetchall())
    finally:
        connection.close()


def test_analyse_then_start_writes_every_tile_and_the_status_database(
    client: httpx.Client, bucket: Path
) -> None:
    body = request_body()
    created = create(client, body)
    assert created["status"] == "CREATED"
    assert created["userAction"] == "NONE"
    assert created["request"]["input"] == body["input"]
    assert created["request"]["output"] == body["output"]
    assert created["request"]["description"] == "test request"
    assert client.post(f"/process/{created['id']}/analyse").status_code == 204
    analysed = wait_for(client, created["id"], ("ANALYSIS_DONE",))
    assert analysed["userAction"] == "ANALYSE"
    assert analysed["completionPercentage"] == 0
    folder = job_folder(bucket, body, created["id"])
    manifest = _rows(folder / "manifest.sqlite", "SELECT name, epsg, width_px FROM features")
    assert len(manifest) == 4
    assert {row[1] for row in manifest} == {32633}
    assert {row[2] for row in manifest} == {500}  # 10 km at 20 m
    assert client.post(f"/process/{created['id']}/start").status_code == 204
    done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE", done
    assert done["userAction"] == "START"
    assert done["completionPercentage"] == 100
    assert done["costPU"] > 0
    assert done["lastUpdated"] >= done["created"]
    names = sorted(str(row[0]) for row in manifest)
    for name in names:
        with rasterio.open(folder / name / "default.tif") as dataset:
            assert (dataset.width, dataset.height, dataset.count) == (500, 500, 2)
    status = _rows(folder / "execution.sqlite", "SELECT name, status, error FROM features")
    assert sorted(status) == [(name, "DONE", None) for name in names]
    job = _rows(folder / "execution.sqlite", "SELECT request_id, status, cost_pu FROM job")
    assert job == [(created["id"], "DONE", done["costPU"])]


def test_start_from_created_analyses_then_processes(client: httpx.Client, bucket: Path) -> None:
    body = request_body(url=f"s3://{BUCKET}/tpl/<requestId>/<tileName>-<outputId>.<format>")
    created = create(client, body)
    assert client.post(f"/process/{created['id']}/start").status_code == 204
    done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE"
    folder = bucket / "tpl" / created["id"]
    written = sorted(p.name for p in folder.iterdir())
    assert len([n for n in written if n.endswith("-default.tif")]) == 4
    assert "execution.sqlite" in written
    assert "manifest.sqlite" in written


def test_stop_while_processing_keeps_finished_tiles(
    client: httpx.Client, bucket: Path, renderer: CoordinateRenderer
) -> None:
    body = request_body()
    created = create(client, body)
    client.post(f"/process/{created['id']}/analyse")
    wait_for(client, created["id"], ("ANALYSIS_DONE",))
    with held_renders(renderer):
        client.post(f"/process/{created['id']}/start")
        assert renderer.waiting.wait(10)
        assert client.post(f"/process/{created['id']}/stop").status_code == 204
    stopped = wait_for(client, created["id"], FINAL)
    assert stopped["status"] == "STOPPED"
    assert stopped["stoppedStatusReason"] == "USER_ACTION"
    assert stopped["userAction"] == "STOP"
    again = client.post(f"/process/{created['id']}/start")
    assert again.status_code == 409, again.text
    folder = job_folder(bucket, body, created["id"])
    statuses = _rows(folder / "execution.sqlite", "SELECT status FROM features")
    assert {s for (s,) in statuses} <= {"PENDING", "DONE"}
    assert client.get(f"/process/{created['id']}").json()["status"] == "STOPPED"


def test_stop_while_analysing(client: httpx.Client, renderer: CoordinateRenderer) -> None:
    created = create(client, request_body())
    with held_renders(renderer):
        client.post(f"/process/{created['id']}/analyse")
        assert renderer.waiting.wait(10)
        assert client.post(f"/process/{created['id']}/stop").status_code == 204
    stopped = wait_for(client, created["id"], FINAL)
    assert stopped["status"] == "STOPPED"
    assert stopped["stoppedStatusReason"] == "USER_ACTION"


def test_illegal_actions_are_409(client: httpx.Client) -> None:
    created = create(client, request_body())
    stop = client.post(f"/process/{created['id']}/stop")
    assert stop.status_code == 409
    assert "ANALYSING or PROCESSING" in stop.json()["error"]["message"]
    client.post(f"/process/{created['id']}/start")
    wait_for(client, created["id"], FINAL)
    for action in ("analyse", "start", "stop"):
        response = client.post(f"/process/{created['id']}/{action}")
        assert response.status_code == 409, (action, response.text)
        assert response.json()["error"]["code"] == "COMMON_BAD_PAYLOAD"


def test_update_changes_the_description_only(client: httpx.Client) -> None:
    created = create(client, request_body())
    response = client.put(f"/process/{created['id']}", json={"description": "renamed"})
    assert response.status_code == 200, response.text
    assert_matches("BatchV2ProcessRequest", response.json())
    assert response.json()["description"] == "renamed"
    got = client.get(f"/process/{created['id']}").json()
    assert got["request"]["description"] == "renamed"
    assert got["request"]["input"] == created["request"]["input"]


def test_list_pages_searches_and_sorts(fresh_client: httpx.Client) -> None:
    ids = []
    for index in range(3):
        body = request_body()
        body["description"] = f"listed number {index}"
        ids.append(create(fresh_client, body)["id"])
    seen: list[str] = []
    url, params = "/process", {"count": 2}
    while True:
        page = fresh_client.get(url, params=params).json()
        assert_matches("BatchV2RequestsPage", page)
        seen.extend(item["id"] for item in page["data"])
        token = page["links"].get("nextToken")
        if not token:
            break
        params = {"count": 2, "viewtoken": token}
    assert seen == ids
    desc = fresh_client.get("/process", params={"sort": "created:desc"}).json()
    assert [item["id"] for item in desc["data"]] == ids[::-1]
    found = fresh_client.get("/process", params={"search": "number 1"}).json()
    assert [item["id"] for item in found["data"]] == [ids[1]]
    bad = fresh_client.get("/process", params={"sort": "size"})
    assert bad.status_code == 400


def test_another_account_cannot_see_or_act(
    client: httpx.Client, fresh_client: httpx.Client
) -> None:
    created = create(client, request_body())
    assert fresh_client.get(f"/process/{created['id']}").status_code == 403
    assert fresh_client.post(f"/process/{created['id']}/start").status_code == 403
    missing = client.get("/process/00000000-0000-0000-0000-000000000001")
    assert missing.status_code == 404


def test_tiling_grids(client: httpx.Client) -> None:
    page = client.get("/tilinggrids").json()
    assert_matches("BatchV2TilingGridsPage", page)
    assert [grid["id"] for grid in page["data"]] == [0, 1, 2, 3, 6, 7]
    one = client.get("/tilinggrids/1")
    assert one.status_code == 200
    assert_matches("BatchV2TilingGrid", one.json())
    assert client.get("/tilinggrids/99").status_code == 404
    assert client.get("/tilinggrids/x").status_code == 400
