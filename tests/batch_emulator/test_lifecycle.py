"""The whole life of batch requests over HTTP: create, analyse, start, poll, outputs, partial,
restartpartial, cancel, delete, and the 400 for every action the state machine refuses."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
import rasterio
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token

from .conftest import all_tiles, assert_matches, batch_client, create, request_body, wait_for
from .renderers import CoordinateRenderer

FINAL = ("DONE", "PARTIAL", "FAILED", "CANCELED")


def _assert_bad_action(response: httpx.Response, phrase: str) -> None:
    assert response.status_code == 400, response.text
    assert_matches("ErrorEnvelope", response.json())
    error = response.json()["error"]
    assert error["code"] == "COMMON_BAD_PAYLOAD"
    assert phrase in error["message"]


def test_create_analyse_start_done(client: httpx.Client, bucket: Path) -> None:
    created = create(client, request_body())
    assert created["status"] == "CREATED"
    assert created["userAction"] == "NONE"
    assert created["tileCount"] == 4
    assert (created["tileWidthPx"], created["tileHeightPx"]) == (500, 500)
    assert "valueEstimate" not in created
    assert created["tilingGrid"] == {"id": 1, "resolution": 20.0}
    assert client.get(f"/process/{created['id']}/tiles").json()["data"] == []

    assert client.post(f"/process/{created['id']}/analyse").status_code == 204
    analysed = wait_for(client, created["id"], ("ANALYSIS_DONE", "FAILED"))
    assert analysed["status"] == "ANALYSIS_DONE", analysed["error"]
    assert analysed["userAction"] == "ANALYSE"
    assert analysed["userActionUpdated"] is not None
    # 500 x 500 px, two bands of FLOAT (the stand-in renders float64): (250000 / 512^2) * 2/3 * 2.
    assert analysed["valueEstimate"] == pytest.approx(4 * 250_000 / 512**2 * 2 / 3 * 2, rel=1e-5)
    tiles = all_tiles(client, created["id"])
    assert sorted(t["name"] for t in tiles) == ["33TVM_5_4", "33TVM_5_5", "33TVM_6_4", "33TVM_6_5"]
    assert {t["status"] for t in tiles} == {"PENDING"}

    assert client.post(f"/process/{created['id']}/start").status_code == 204
    done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE"
    assert done["userAction"] == "START"
    tiles = all_tiles(client, created["id"])
    assert {t["status"] for t in tiles} == {"PROCESSED"}
    assert all(t["cost"] > 0 for t in tiles)
    for tile in tiles:
        path = bucket / "out" / created["id"] / tile["name"] / "default.tif"
        with rasterio.open(path) as dataset:
            assert dataset.crs.to_epsg() == 32633
            assert (dataset.width, dataset.height, dataset.count) == (500, 500, 2)
            assert dataset.bounds.left == tile["origin"]["coordinates"][0]
            assert dataset.bounds.top == tile["origin"]["coordinates"][1]


def test_start_from_created_analyses_first(client: httpx.Client) -> None:
    created = create(client, request_body())
    assert client.post(f"/process/{created['id']}/start").status_code == 204
    done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE"
    assert done["valueEstimate"] > 0
    assert len(all_tiles(client, created["id"], status="PROCESSED")) == 4


def test_a_bad_evalscript_fails_the_analysis(client: httpx.Client) -> None:
    body = request_body()
    body["processRequest"]["evalscript"] = "//VERSION=3\n// FAIL_SETUP\n"
    created = create(client, body)
    client.post(f"/process/{created['id']}/analyse")
    failed = wait_for(client, created["id"], FINAL)
    assert failed["status"] == "FAILED"
    assert "setup() is not defined" in failed["error"]
    _assert_bad_action(client.post(f"/process/{created['id']}/start"), "not run yet")


def test_illegal_transitions_are_400(client: httpx.Client) -> None:
    created = create(client, request_body())
    rid = created["id"]
    _assert_bad_action(client.post(f"/process/{rid}/restartpartial"), "status PARTIAL")
    client.post(f"/process/{rid}/analyse")
    wait_for(client, rid, ("ANALYSIS_DONE",))
    _assert_bad_action(client.post(f"/process/{rid}/analyse"), "status CREATED")
    client.post(f"/process/{rid}/start")
    wait_for(client, rid, ("DONE",))
    _assert_bad_action(client.post(f"/process/{rid}/start"), "not run yet")
    _assert_bad_action(client.post(f"/process/{rid}/cancel"), "can be canceled")
    _assert_bad_action(client.post(f"/process/{rid}/restartpartial"), "status PARTIAL")
    _assert_bad_action(client.post(f"/process/{rid}/analyse"), "status CREATED")
    assert client.get(f"/process/{rid}").json()["status"] == "DONE"


def test_named_tiles_fail_partial_then_restartpartial_reruns_only_them(
    faults: httpx.Client, client: httpx.Client, renderer: CoordinateRenderer
) -> None:
    answer = faults.post("/faults", json={"failTiles": ["33TVM_5_4", "33TVM_6_5"]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["failTiles"] == ["33TVM_5_4", "33TVM_6_5"]
    created = create(client, request_body())
    client.post(f"/process/{created['id']}/start")
    partial = wait_for(client, created["id"], FINAL)
    assert partial["status"] == "PARTIAL"
    failed = all_tiles(client, created["id"], status="FAILED")
    assert sorted(t["name"] for t in failed) == ["33TVM_5_4", "33TVM_6_5"]
    assert all("Injected failure" in t["error"] for t in failed)

    assert faults.delete("/faults").json()["failTiles"] == []
    rendered_before = len(renderer.calls)
    assert client.post(f"/process/{created['id']}/restartpartial").status_code == 204
    done = wait_for(client, created["id"], FINAL)
    assert done["status"] == "DONE"
    # Only the two failed tiles were rendered again (one engine call each at this size).
    again = renderer.calls[rendered_before:]
    assert len(again) == 2
    bboxes = {tuple(call["input"]["bounds"]["bbox"]) for call in again}
    assert bboxes == {
        (450_000.0, 5_150_000.0, 460_000.0, 5_160_000.0),
        (460_000.0, 5_140_000.0, 470_000.0, 5_150_000.0),
    }


def test_all_tiles_failing_fails_the_request(faults: httpx.Client, client: httpx.Client) -> None:
    faults.post("/faults", json={"failFraction": 1.0, "seed": 3})
    created = create(client, request_body())
    client.post(f"/process/{created['id']}/start")
    failed = wait_for(client, created["id"], FINAL)
    assert failed["status"] == "FAILED"
    assert failed["error"] == "All 4 tiles failed."
    _assert_bad_action(client.post(f"/process/{created['id']}/restartpartial"), "PARTIAL")


def test_a_fraction_of_tiles_fails_deterministically(
    faults: httpx.Client, client: httpx.Client
) -> None:
    body = request_body(bbox=(440_000.0, 5_120_000.0, 500_000.0, 5_160_000.0))
    faults.post("/faults", json={"failFraction": 0.3, "seed": 7})
    created = create(client, body)
    assert created["tileCount"] == 24
    client.post(f"/process/{created['id']}/start")
    assert wait_for(client, created["id"], FINAL)["status"] == "PARTIAL"
    failed = len(all_tiles(client, created["id"], status="FAILED"))
    assert 0 < failed < 24


def test_cancel_while_processing_stops_the_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sentinelhub_emulator.process import engine

    gate = threading.Event()
    stand_in = CoordinateRenderer(gate=gate)
    monkeypatch.setattr(engine, "render", stand_in)
    (tmp_path / "buckets" / "results").mkdir(parents=True)
    with Emulator(tmp_path) as emu, batch_client(emu, fetch_token(emu)) as client:
        # Analysis renders a probe: let it through, then hold the tiles.
        created = create(
            client, request_body(bbox=(440_000.0, 5_120_000.0, 500_000.0, 5_160_000.0))
        )
        gate.set()
        client.post(f"/process/{created['id']}/analyse")
        wait_for(client, created["id"], ("ANALYSIS_DONE",))
        gate.clear()
        stand_in.waiting.clear()
        client.post(f"/process/{created['id']}/start")
        assert stand_in.waiting.wait(10)
        assert client.get(f"/process/{created['id']}").json()["status"] == "PROCESSING"
        # Two workers render (held by the gate), two more tiles are taken, the rest wait.
        # The scheduler queues the next two tiles a moment after the workers take theirs, so
        # wait for the steady state (not just two PROCESSING) before comparing.
        expected = Counter(PROCESSING=2, QUEUED=2, SCHEDULED=20)
        deadline = time.monotonic() + 10
        while True:
            counts = Counter(t["status"] for t in all_tiles(client, created["id"]))
            if counts == expected or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert counts == expected
        # A running request can be neither changed nor deleted.
        busy = client.put(f"/process/{created['id']}", json={"description": "x"})
        assert busy.status_code == 409
        assert client.delete(f"/process/{created['id']}").status_code == 409
        assert client.post(f"/process/{created['id']}/cancel").status_code == 204
        gate.set()
        canceled = client.get(f"/process/{created['id']}").json()
        assert canceled["status"] == "CANCELED"
        assert canceled["userAction"] == "CANCEL"
        calls = len(stand_in.calls)
        # Nothing of the request runs any more: the worker pool drains and stays idle.
        wait_for(client, created["id"], ("CANCELED",))
        tiles = all_tiles(client, created["id"])
        assert {t["status"] for t in tiles} <= {"PENDING", "PROCESSED"}
        assert sum(t["status"] == "PROCESSED" for t in tiles) < 24
        assert len(stand_in.calls) <= calls + 4  # at most the renders already in flight
        _assert_bad_action(client.post(f"/process/{created['id']}/start"), "not run yet")
        assert client.delete(f"/process/{created['id']}").status_code == 204


def test_delete_and_not_found(client: httpx.Client) -> None:
    created = create(client, request_body())
    rid = created["id"]
    assert client.delete(f"/process/{rid}").status_code == 204
    for method, path in [
        ("GET", f"/process/{rid}"),
        ("DELETE", f"/process/{rid}"),
        ("POST", f"/process/{rid}/start"),
        ("GET", f"/process/{rid}/tiles"),
        ("GET", f"/process/{rid}/tiles/1"),
    ]:
        response = client.request(method, path)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"]["code"] == "COMMON_NOT_FOUND"


def test_update_request(client: httpx.Client) -> None:
    created = create(client, request_body())
    rid = created["id"]
    assert client.put(f"/process/{rid}", json={"description": "renamed"}).status_code == 204
    assert client.get(f"/process/{rid}").json()["description"] == "renamed"
    answer = client.put(f"/process/{rid}", json={"output": {"overwrite": True}})
    assert answer.status_code == 204, answer.text
    stored = client.get(f"/process/{rid}").json()["output"]
    assert stored["overwrite"] is True
    assert stored["defaultTilePath"] == "s3://results/out"
    bad = client.put(f"/process/{rid}", json={"output": {"defaultTilePath": "s3://nope/x"}})
    assert bad.status_code == 400
    assert bad.json()["error"]["errors"][0]["parameter"] == "output->defaultTilePath"


def test_list_requests_sort_search_and_pages(
    emulator: Emulator, fresh_client: httpx.Client
) -> None:
    client = fresh_client
    ids = [
        create(client, request_body(description=f"run {i} {'odd' if i % 2 else 'even'}"))["id"]
        for i in range(5)
    ]
    seen: list[str] = []
    query: dict[str, Any] = {"count": 2}
    while True:
        page = client.get("/process", params=query).json()
        assert_matches("BatchRequestPage", page)
        seen.extend(item["id"] for item in page["data"])
        if "nextToken" not in page["links"]:
            break
        query["viewtoken"] = page["links"]["nextToken"]
    assert seen == ids
    newest = client.get("/process", params={"sort": "created:desc", "count": 1}).json()["data"]
    assert [r["id"] for r in newest] == [ids[-1]]
    odd = client.get("/process", params={"search": "odd"}).json()["data"]
    assert [r["id"] for r in odd] == [ids[1], ids[3]]
    # Another account sees none of them, and may not read one.
    other = emulator.add_client("other-client", "other-secret")
    assert other
    with batch_client(emulator, fetch_token(emulator, "other-client", "other-secret")) as stranger:
        assert stranger.get("/process").json()["data"] == []
        forbidden = stranger.get(f"/process/{ids[0]}")
        assert forbidden.status_code == 403
        assert forbidden.json()["error"]["code"] == "COMMON_INSUFFICIENT_PERMISSIONS"


def test_tiles_by_id_and_status_filter(client: httpx.Client) -> None:
    created = create(client, request_body())
    client.post(f"/process/{created['id']}/analyse")
    wait_for(client, created["id"], ("ANALYSIS_DONE",))
    tiles = all_tiles(client, created["id"])
    one = client.get(f"/process/{created['id']}/tiles/{tiles[0]['id']}")
    assert one.status_code == 200
    assert one.json() == tiles[0]
    assert one.json()["origin"]["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32633"
    assert all_tiles(client, created["id"], status="PROCESSED") == []
    assert len(all_tiles(client, created["id"], status="PENDING")) == 4
    bad = client.get(f"/process/{created['id']}/tiles", params={"status": "DONE"})
    assert bad.status_code == 400


def test_no_token_is_401(emulator: Emulator) -> None:
    with httpx.Client(base_url=emulator.base_url + "/api/v1/batch") as anonymous:
        for path in ("/process", "/tilinggrids", "/collections"):
            response = anonymous.get(path)
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "COMMON_UNAUTHORIZED"


def test_an_unexpected_engine_error_fails_cleanly_and_reveals_nothing(
    client: httpx.Client, renderer: CoordinateRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sentinelhub_emulator.process import engine

    created = create(client, request_body())
    client.post(f"/process/{created['id']}/analyse")
    wait_for(client, created["id"], ("ANALYSIS_DONE",))

    def broken(*args: Any) -> Any:
        raise RuntimeError("boom in /srv/secret/path")

    monkeypatch.setattr(engine, "render", broken)
    client.post(f"/process/{created['id']}/start")
    failed = wait_for(client, created["id"], FINAL)
    assert failed["status"] == "FAILED"
    tiles = all_tiles(client, created["id"])
    assert {t["status"] for t in tiles} == {"FAILED"}
    assert all("internal error" in t["error"] and "secret" not in t["error"] for t in tiles)
    # The service carries on: the next request is analysed with the engine back.
    monkeypatch.setattr(engine, "render", renderer)
    again = create(client, request_body())
    client.post(f"/process/{again['id']}/start")
    assert wait_for(client, again["id"], FINAL)["status"] == "DONE"
