"""``.id`` on the models the service returns is typed without ``None``: a user passes it on
without narrowing, and a model built locally (no id yet) says what to do instead of sending
``None``. The dict view and ``to_dict`` are unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sentinelhub_client import (
    BatchCollection,
    BatchRequest,
    BatchTile,
    ByocCollection,
    ByocTile,
    SentinelHubValidationError,
    TilingGrid,
)
from sentinelhub_client.process.requests import AsyncProcessStatus

ROOT = Path(__file__).resolve().parents[2]
CID = "0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"
TID = "7d1f0e7a-2a44-4a53-8f5b-44f6c3b0a9d2"


def test_models_from_the_service_have_their_id() -> None:
    collection = ByocCollection.from_dict({"id": CID, "name": "n", "s3Bucket": "b"})
    tile = ByocTile.from_dict({"id": TID, "path": "a/(BAND).tif", "status": "INGESTED"})
    assert collection.id == collection.collection_id == CID
    assert tile.id == tile.tile_id == TID
    assert collection["id"] == CID
    assert tile.to_dict()["id"] == TID


@pytest.mark.parametrize(
    ("model", "create"),
    [
        (ByocCollection(name="fields", s3_bucket="bucket"), "create_collection()"),
        (ByocTile(path="a/(BAND).tif"), "create_tile()"),
        (BatchCollection(name="out", s3_bucket="bucket"), "create_collection()"),
    ],
)
def test_a_local_model_has_no_id_and_says_to_create_it(model: object, create: str) -> None:
    name = type(model).__name__
    with pytest.raises(SentinelHubValidationError) as caught:
        _ = model.id  # type: ignore[attr-defined]
    message = str(caught.value)
    assert message.startswith(f"{name}.id: ")
    assert "not returned by the service" in message
    assert create in message
    assert caught.value.field == "id"
    # nothing else changed: the optional attribute is None, the id is not sent, not in the dict
    assert getattr(model, "collection_id", getattr(model, "tile_id", None)) is None
    assert "id" not in model.to_dict()  # type: ignore[attr-defined]
    assert "id" not in model  # type: ignore[operator]
    with pytest.raises(KeyError):
        _ = model["id"]  # type: ignore[index]


def test_id_is_read_only_and_the_error_names_the_field_to_set() -> None:
    collection = ByocCollection(name="fields", s3_bucket="bucket")
    with pytest.raises(AttributeError, match="collection_id"):
        collection.id = CID  # type: ignore[misc]
    collection.collection_id = CID
    assert collection.id == CID
    assert collection.to_dict()["id"] == CID


def test_batch_models_have_typed_ids() -> None:
    request = BatchRequest.from_dict({"id": CID, "processRequest": {}})
    assert request.id == request.request_id == CID
    tile = BatchTile.from_dict({"id": 0, "name": "33TVM_2_6"})
    assert tile.id == 0  # 0 is an id, not "none"
    grid = TilingGrid.from_dict({"id": 0, "name": "20km grid"})
    assert grid.id == 0
    collection = BatchCollection.from_dict({"id": CID, "name": "n", "s3Bucket": "b"})
    assert collection.id == CID
    with pytest.raises(SentinelHubValidationError, match=r"BatchTile\.id: .*get_tile"):
        _ = BatchTile(name="x").id
    with pytest.raises(SentinelHubValidationError, match=r"TilingGrid\.id: "):
        _ = TilingGrid(name="x").id


def test_async_process_status_id_is_a_string() -> None:
    status = AsyncProcessStatus.from_dict({"id": CID, "status": "RUNNING"})
    assert status.id == status["id"] == CID


USER_SCRIPT = """\
from sentinelhub_client import ByocCollection, SentinelHubBatch, SentinelHubBYOC

with SentinelHubBYOC() as byoc:
    collection = byoc.create_collection(ByocCollection(name="n", s3_bucket="b"))
    for tile in byoc.iter_tiles(collection):
        byoc.get_tile(collection.id, tile.id)
        reveal_type(tile.id)
    reveal_type(collection.id)
with SentinelHubBatch() as batch:
    for request in batch.iter_requests():
        for batch_tile in batch.iter_tiles(request):
            batch.get_tile(request.id, batch_tile.id)
            reveal_type(batch_tile.id)
"""


@pytest.mark.slow
def test_mypy_accepts_ids_without_narrowing(tmp_path: Path) -> None:
    script = tmp_path / "user.py"
    script.write_text(USER_SCRIPT)
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--explicit-package-bases",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(script),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"MYPYPATH": f"{ROOT / 'generated'}:{ROOT / 'facade'}", "PATH": ""},
        check=False,
    )
    lines = result.stdout.splitlines()
    errors = [line for line in lines if ": error:" in line]
    assert errors == [], result.stdout + result.stderr
    revealed = [line.split("Revealed type is ", 1)[1] for line in lines if "Revealed" in line]
    assert revealed == ['"str"', '"str"', '"int"'], lines
