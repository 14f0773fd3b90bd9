"""Planet tile files: listing, whole and ranged downloads, If-Range, HEAD, path safety."""

from __future__ import annotations

import http.client
import os
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator

from .conftest import PLANET_BUCKET, assert_error, new_collection

SIZE = 1000
CONTENT = (bytes(range(256)) * 4)[:SIZE]
BIG = os.urandom(3 * 1024 * 1024 + 17)


@pytest.fixture(scope="module")
def planet(emulator: Emulator, api: httpx.Client, bucket_root: Path) -> dict[str, Any]:
    """A Planet collection whose tile ``order/item`` has files of every kind."""
    bucket = bucket_root / PLANET_BUCKET
    item = bucket / "order" / "item"
    (item / "sub" / "deeper").mkdir(parents=True)
    (item / "a.bin").write_bytes(CONTENT)
    (item / "big.bin").write_bytes(BIG)
    (item / "empty.dat").write_bytes(b"")
    (item / "sub" / "b.json").write_text('{"b": 1}')
    (item / "sub" / "deeper" / "c d.txt").write_text("spaces")
    (item / "link-inside").symlink_to(item / "a.bin")
    secret = bucket_root.parent / "secret.txt"
    secret.write_text("not for clients")
    (item / "link-outside").symlink_to(secret)
    (item / "dir-outside").symlink_to(bucket_root.parent, target_is_directory=True)
    (bucket / "order" / "sibling").mkdir()
    (bucket / "order" / "sibling" / "other.txt").write_text("another tile's file")
    (bucket / "top-level.txt").write_text("bucket root")

    collection = new_collection(api, s3Bucket=PLANET_BUCKET, name="planet")
    [tile] = emulator.store.create_tiles(
        collection["id"], [("order/item", None, None)], status="INGESTED"
    )
    return {"collection": collection["id"], "tile": tile.id}


def files_url(planet: dict[str, Any]) -> str:
    return f"/collections/{planet['collection']}/tiles/{planet['tile']}/files"


def test_list(byoc: httpx.Client, planet: dict[str, Any]) -> None:
    response = byoc.get(files_url(planet))
    assert response.status_code == 200
    assert response.json() == [
        "a.bin",
        "big.bin",
        "empty.dat",
        "link-inside",
        "sub/b.json",
        "sub/deeper/c d.txt",
    ]


def test_whole_file(byoc: httpx.Client, planet: dict[str, Any]) -> None:
    response = byoc.get(files_url(planet) + "/a.bin")
    assert response.status_code == 200
    assert response.content == CONTENT
    assert response.headers["content-length"] == str(SIZE)
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["accept-ranges"] == "bytes"
    etag = response.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert "content-range" not in response.headers


def test_big_file_streams_in_chunks(api: httpx.Client, planet: dict[str, Any]) -> None:
    with api.stream("GET", files_url(planet) + "/big.bin") as response:
        assert response.headers["content-length"] == str(len(BIG))
        chunks = list(response.iter_raw())
    assert b"".join(chunks) == BIG


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=0-9", 0, 9),
        ("bytes=10-19", 10, 19),
        ("bytes=998-999", 998, 999),
        ("bytes=999-999", 999, 999),
        ("bytes=990-5000", 990, 999),
        ("bytes=0-999", 0, 999),
        ("bytes=0-", 0, 999),
        ("bytes=999-", 999, 999),
        ("bytes=-1", 999, 999),
        ("bytes=-10", 990, 999),
        ("bytes=-1000", 0, 999),
        ("bytes=-5000", 0, 999),
        ("BYTES = 5 - 6", 5, 6),
    ],
)
def test_ranges(
    byoc: httpx.Client, planet: dict[str, Any], header: str, start: int, end: int
) -> None:
    response = byoc.get(files_url(planet) + "/a.bin", headers={"Range": header})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {start}-{end}/{SIZE}"
    assert response.headers["content-length"] == str(end - start + 1)
    assert response.content == CONTENT[start : end + 1]


def test_range_across_chunks(api: httpx.Client, planet: dict[str, Any]) -> None:
    start, end = 1024 * 1024 - 5, 2 * 1024 * 1024 + 5
    response = api.get(files_url(planet) + "/big.bin", headers={"Range": f"bytes={start}-{end}"})
    assert response.status_code == 206
    assert response.content == BIG[start : end + 1]


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("a.bin", "bytes=1000-"),
        ("a.bin", "bytes=1000-2000"),
        ("a.bin", "bytes=-0"),
        ("empty.dat", "bytes=0-"),
        ("empty.dat", "bytes=-5"),
    ],
)
def test_unsatisfiable_ranges_are_416(
    byoc: httpx.Client, planet: dict[str, Any], name: str, header: str
) -> None:
    response = byoc.get(files_url(planet) + f"/{name}", headers={"Range": header})
    assert response.status_code == 416
    size = SIZE if name == "a.bin" else 0
    assert response.headers["content-range"] == f"bytes */{size}"
    assert response.json()["error"]["status"] == 416


@pytest.mark.parametrize(
    "header", ["bytes=abc", "items=0-1", "bytes=0-1,5-6", "bytes=9-5", "bytes=-", "0-5"]
)
def test_unusable_range_headers_get_the_whole_file(
    byoc: httpx.Client, planet: dict[str, Any], header: str
) -> None:
    response = byoc.get(files_url(planet) + "/a.bin", headers={"Range": header})
    assert response.status_code == 200
    assert response.content == CONTENT


def test_if_range(api: httpx.Client, planet: dict[str, Any]) -> None:
    url = files_url(planet) + "/a.bin"
    etag = api.head(url).headers["etag"]
    last_modified = api.head(url).headers["last-modified"]
    matching = api.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert matching.status_code == 206
    assert matching.content == CONTENT[:10]
    for stale in ('"something-else"', "W/" + etag, "not a date"):
        response = api.get(url, headers={"Range": "bytes=0-9", "If-Range": stale})
        assert response.status_code == 200, stale
        assert response.content == CONTENT
    dated = api.get(url, headers={"Range": "bytes=0-9", "If-Range": last_modified})
    assert dated.status_code == 206


def test_etag_changes_with_the_file(
    api: httpx.Client, planet: dict[str, Any], bucket_root: Path
) -> None:
    path = bucket_root / PLANET_BUCKET / "order/item/changing.bin"
    path.write_bytes(b"one")
    url = files_url(planet) + "/changing.bin"
    first = api.head(url).headers["etag"]
    path.write_bytes(b"other")
    second = api.head(url).headers["etag"]
    assert first != second
    response = api.get(url, headers={"Range": "bytes=0-1", "If-Range": first})
    assert response.status_code == 200
    assert response.content == b"other"
    path.unlink()


def test_head(byoc: httpx.Client, planet: dict[str, Any]) -> None:
    response = byoc.head(files_url(planet) + "/a.bin")
    assert response.status_code == 200
    assert response.headers["content-length"] == str(SIZE)
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"] == byoc.get(files_url(planet) + "/a.bin").headers["etag"]
    assert response.content == b""


@pytest.mark.parametrize("name", ["sub/b.json", "sub%2Fb.json", "sub/deeper/c%20d.txt"])
def test_nested_paths(byoc: httpx.Client, planet: dict[str, Any], name: str) -> None:
    response = byoc.get(files_url(planet) + "/" + name)
    assert response.status_code == 200
    assert response.content in (b'{"b": 1}', b"spaces")


def test_a_symlink_inside_the_tile_is_served(api: httpx.Client, planet: dict[str, Any]) -> None:
    assert api.get(files_url(planet) + "/link-inside").content == CONTENT


def _raw_get(emulator: Emulator, token: str, path: str) -> int:
    """GET with the path sent exactly as written (httpx would normalise dot segments)."""
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.parametrize(
    "name",
    [
        "../sibling/other.txt",
        "..%2Fsibling%2Fother.txt",
        "%2E%2E/sibling/other.txt",
        "%2e%2e%2f%2e%2e%2ftop-level.txt",
        "sub/../../sibling/other.txt",
        "./a.bin",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "link-outside",
        "dir-outside/secret.txt",
        "sub",
        "",
        "nope.bin",
        "a.bin%00.txt",
        "sub\\b.json",
    ],
)
def test_paths_never_escape_the_tile(
    emulator: Emulator, token: str, planet: dict[str, Any], name: str
) -> None:
    assert _raw_get(emulator, token, "/api/v1/byoc" + files_url(planet) + "/" + name) == 404


def test_head_of_a_missing_file_is_404(api: httpx.Client, planet: dict[str, Any]) -> None:
    assert api.head(files_url(planet) + "/nope.bin").status_code == 404


def test_tile_folder_that_does_not_exist_lists_nothing(
    emulator: Emulator, api: httpx.Client, planet: dict[str, Any]
) -> None:
    [tile] = emulator.store.create_tiles(
        planet["collection"], [("order/missing", None, None)], status="INGESTED"
    )
    assert api.get(f"/collections/{planet['collection']}/tiles/{tile.id}/files").json() == []


def test_non_planet_collections_have_no_files(emulator: Emulator, byoc: httpx.Client) -> None:
    collection = new_collection(byoc, s3Bucket="not-planet")
    [tile] = emulator.store.create_tiles(
        collection["id"], [("order/item", None, None)], status="INGESTED"
    )
    base = f"/collections/{collection['id']}/tiles/{tile.id}/files"
    assert_error(byoc.get(base), 404, "COMMON_NOT_FOUND")
    assert_error(byoc.get(base + "/a.bin"), 404, "COMMON_NOT_FOUND")
    assert byoc.head(base + "/a.bin").status_code == 404


def test_unknown_tile_or_collection_is_404(byoc: httpx.Client, planet: dict[str, Any]) -> None:
    assert_error(
        byoc.get(f"/collections/{planet['collection']}/tiles/{uuid.uuid4()}/files"),
        404,
        "COMMON_NOT_FOUND",
    )
    assert_error(
        byoc.get(f"/collections/{uuid.uuid4()}/tiles/{planet['tile']}/files/a.bin"),
        404,
        "COMMON_NOT_FOUND",
    )


@pytest.mark.parametrize("which", ["collection", "tile"])
def test_ids_that_are_not_uuids_are_404(
    byoc: httpx.Client, planet: dict[str, Any], which: str
) -> None:
    """The file routes document no 400 (found by schemathesis): a malformed id names nothing."""
    ids = {**planet, which: "null,null"}
    base = f"/collections/{ids['collection']}/tiles/{ids['tile']}/files"
    assert_error(byoc.get(base), 404, "COMMON_NOT_FOUND")
    assert_error(byoc.get(base + "/a.bin"), 404, "COMMON_NOT_FOUND")
    assert byoc.head(base + "/a.bin").status_code == 404


def test_uuids_in_other_spellings_name_the_same_tile(
    byoc: httpx.Client, planet: dict[str, Any]
) -> None:
    collection = uuid.UUID(planet["collection"]).hex.upper()
    response = byoc.get(f"/collections/{collection}/tiles/{planet['tile']}/files")
    assert response.status_code == 200, response.text


def test_files_need_a_token(emulator: Emulator, planet: dict[str, Any]) -> None:
    url = emulator.base_url + "/api/v1/byoc" + files_url(planet) + "/a.bin"
    assert_error(httpx.get(url), 401, "COMMON_UNAUTHORIZED")
    assert httpx.head(url).status_code == 401
