"""Hostile input never gets a 5xx: each case answers 4xx in the API's error envelope (the token
endpoint in OAuth's shape), within the documented limits."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.byoc.ingest import MAX_NAME_BYTES, MAX_PATH_CHARS
from sentinelhub_emulator.byoc.routes import MAX_SEARCH_CHARS, MAX_SEARCH_WORDS
from sentinelhub_emulator.core.params import MAX_BODY_BYTES, MAX_JSON_DEPTH

from tests.support.emulator import token_form

from .conftest import PLANET_BUCKET, assert_error, new_collection

LONG_NAME = "n" * (MAX_NAME_BYTES + 1)
LONG_PATH = "/".join(["d" * 250] * 20)  # 5,019 bytes, every name short enough
# 1,023 characters (within the tile path limit) of 4-byte characters: 4,047 bytes, which with
# the bucket folder in front is past what a file system path may hold (4,096 bytes).
LONG_UTF8_FOLDER = "/".join(["\U00010348" * 63] * 16)


@pytest.fixture(scope="module")
def planet(emulator: Emulator, api: httpx.Client, bucket_root: Path) -> dict[str, Any]:
    """A Planet collection with one ordinary tile and one whose folder name is too long to
    exist (seeded directly: the API refuses such a path)."""
    item = bucket_root / PLANET_BUCKET / "hostile" / "item"
    item.mkdir(parents=True)
    (item / "a.bin").write_bytes(b"abc")
    collection = new_collection(api, s3Bucket=PLANET_BUCKET, name="hostile planet")
    tile, long_tile, deep_tile = emulator.store.create_tiles(
        collection["id"],
        [
            ("hostile/item", None, None),
            (f"hostile/{LONG_NAME}", None, None),
            (LONG_UTF8_FOLDER, None, None),
        ],
        status="INGESTED",
    )
    return {
        "collection": collection["id"],
        "tile": tile.id,
        "long_tile": long_tile.id,
        "deep_tile": deep_tile.id,
    }


def _files(planet: dict[str, Any], tile: str = "tile") -> str:
    return f"/collections/{planet['collection']}/tiles/{planet[tile]}/files"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize(
    "name",
    [LONG_NAME, f"sub/{LONG_NAME}", LONG_PATH, "é" * 200],
    ids=["name", "nested", "path", "utf8"],
)
def test_file_names_too_long_for_a_file_system(
    api: httpx.Client, planet: dict[str, Any], method: str, name: str
) -> None:
    response = api.request(method, f"{_files(planet)}/{name}")
    assert response.status_code == 404
    if method == "GET":
        assert_error(response, 404, "COMMON_NOT_FOUND")
    assert api.get(f"{_files(planet)}/a.bin").content == b"abc"


@pytest.mark.parametrize("tile", ["long_tile", "deep_tile"])
def test_listing_a_tile_whose_folder_cannot_exist(
    api: httpx.Client, planet: dict[str, Any], tile: str
) -> None:
    assert_error(api.get(_files(planet, tile)), 404, "COMMON_NOT_FOUND")
    assert_error(api.get(f"{_files(planet, tile)}/a.bin"), 404, "COMMON_NOT_FOUND")
    assert api.head(f"{_files(planet, tile)}/a.bin").status_code == 404
    assert api.get(_files(planet)).json() == ["a.bin"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_json_nested_too_deep(api: httpx.Client, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    body = '{"name": "deep", "s3Bucket": "bucket", "additionalData": ' + nested + "}"
    response = api.post("/collections", content=body, headers={"Content-Type": "application/json"})
    error = assert_error(response, 400, "COMMON_BAD_PAYLOAD", "body")
    assert str(MAX_JSON_DEPTH) in error["message"]


def test_json_at_the_depth_limit_is_read(api: httpx.Client) -> None:
    # An object inside the body counts one level; bands and a band are two more.
    nested: Any = 1
    for _ in range(MAX_JSON_DEPTH - 4):
        nested = [nested]
    body = {
        "name": "deep enough",
        "s3Bucket": "bucket",
        "additionalData": {"bands": {"B1": {"bitDepth": 8, "x": nested}}},
    }
    response = api.post("/collections", json=body)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ('{"name": "\\ud800", "s3Bucket": "bucket"}', "name"),
        ('{"name": "ok", "s3Bucket": "bucket", "\\udfff": 1}', "body"),
        (
            '{"name": "ok", "s3Bucket": "b", "additionalData": {"x": ["\\ud800"]}}',
            "additionalData->x",
        ),
    ],
)
def test_lone_surrogate(api: httpx.Client, body: str, parameter: str) -> None:
    response = api.post("/collections", content=body, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", parameter)


def test_lone_surrogate_in_a_tile_path(api: httpx.Client) -> None:
    collection = new_collection(api)
    response = api.post(
        f"/collections/{collection['id']}/tiles",
        content='{"path": "a/\\ud800/(BAND).tif"}',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "path")
    # The connection stays usable: the next request on it is answered.
    assert api.get(f"/collections/{collection['id']}").status_code == 200


@pytest.mark.parametrize("search", ["|".join("a" * 1000), "&".join("b" * 1000), "a&b|" * 400])
def test_search_with_too_many_words(api: httpx.Client, search: str) -> None:
    error = assert_error(
        api.get("/collections", params={"search": search}), 400, "COMMON_BAD_PAYLOAD", "search"
    )
    assert str(MAX_SEARCH_WORDS) in error["errors"][0]["violation"]


def test_search_at_the_word_limit(api: httpx.Client) -> None:
    collection = new_collection(api, name="needle in a haystack")
    search = "|".join(["nothing"] * (MAX_SEARCH_WORDS - 2) + ["needle&haystack"])
    response = api.get("/collections", params={"search": search})
    assert response.status_code == 200, response.text
    assert [c["id"] for c in response.json()["data"]] == [collection["id"]]


def test_search_too_long(api: httpx.Client) -> None:
    response = api.get("/collections", params={"search": "x" * (MAX_SEARCH_CHARS + 1)})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "search")


def _raw(emu: Emulator, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read the answer until the server closes; (status, headers, body)."""
    assert emu.port is not None
    with socket.create_connection((emu.host, emu.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def test_ten_megabyte_token_form(emulator: Emulator) -> None:
    """Refused on its declared length, before the body is read: 413 in OAuth's shape."""
    size = 10 * 1024 * 1024
    status, headers, body = _raw(
        emulator,
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {size}\r\n\r\n".encode()
        + b"a="
        + b"b" * 65536,
    )
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert headers["cache-control"] == "no-store"
    answer = json.loads(body)
    assert answer["error"] == "invalid_request"
    assert str(MAX_BODY_BYTES) in answer["error_description"]
    assert set(answer) == {"error", "error_description"}


def test_oversized_chunked_token_form(emulator: Emulator) -> None:
    """Without a declared length the body is counted as it arrives."""
    form = token_form(emulator, padding="p" * (MAX_BODY_BYTES + 10))
    response = httpx.post(
        emulator.token_url,
        content=_chunks(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "invalid_request"


def _chunks(form: dict[str, str]) -> Any:
    encoded = "&".join(f"{k}={v}" for k, v in form.items()).encode()
    for start in range(0, len(encoded), 65536):
        yield encoded[start : start + 65536]


@pytest.mark.parametrize(
    ("path", "violation"),
    [
        ("a/" * 600 + "(BAND).tif", f"{MAX_PATH_CHARS}"),
        ("x" * 100_000, f"{MAX_PATH_CHARS}"),
        (f"folder/{LONG_NAME}/(BAND).tif", f"{MAX_NAME_BYTES} bytes"),
    ],
    ids=["1206-chars", "100000-chars", "long-name"],
)
def test_tile_path_too_long(api: httpx.Client, path: str, violation: str) -> None:
    collection = new_collection(api)
    response = api.post(f"/collections/{collection['id']}/tiles", json={"path": path})
    error = assert_error(response, 400, "COMMON_BAD_PAYLOAD", "path")
    assert violation in error["errors"][0]["violation"]


def test_tile_path_at_the_limit(api: httpx.Client) -> None:
    collection = new_collection(api)
    path = ("a" * 200 + "/") * 6
    path = path[: MAX_PATH_CHARS - len("/(BAND).tif")] + "/(BAND).tif"
    assert len(path) == MAX_PATH_CHARS
    response = api.post(f"/collections/{collection['id']}/tiles", json={"path": path})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "target", [b"/api/v1/byoc/collections\x00", b"/api/v1/\x00byoc", b"/oauth/token?\x00=1"]
)
def test_raw_nul_in_the_request_target(emulator: Emulator, target: bytes) -> None:
    status, headers, body = _raw(
        emulator, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert status == 400
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["status"] == 400
    assert error["code"] == "COMMON_BAD_PAYLOAD"
    assert error["reason"] == "Bad Request"
    assert error["message"]
