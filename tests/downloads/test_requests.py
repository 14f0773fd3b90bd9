"""Request shapes and answer checks of the tile file functions, against a scripted server (respx).

Every test runs twice: through the sync functions and through their async twins (`api`)."""

from __future__ import annotations

import time

import httpx
import pytest
import respx
from sentinelhub_client._core.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    DownloadError,
    NotFoundError,
    RateLimitError,
    SentinelHubValidationError,
)
from sentinelhub_client._core.retry import RetryPolicy

from tests.downloads.conftest import Api, random_bytes
from tests.downloads.fake_server import (
    BASE_URL,
    COLLECTION_ID,
    PREFIX,
    TILE_ID,
    TOKEN,
    FakeServer,
)

C, T = COLLECTION_ID, TILE_ID

#: Paths with every awkward character, and how each must appear in the request URL.
ENCODED = {
    "scene.tif": "scene.tif",
    "sub dir/file name.tif": "sub%20dir/file%20name.tif",
    "a/b/c#frag.json": "a/b/c%23frag.json",
    "q?x=1&y=2.tif": "q%3Fx%3D1%26y%3D2.tif",
    "100%/ü+;,.tif": "100%25/%C3%BC%2B%3B%2C.tif",
}


# ------------------------------------------------------------------------------ URL and listing


def test_list_tile_files(api: Api, fake: FakeServer) -> None:
    fake.add("b.json", b"{}")
    fake.add("a/x.tif", b"xx")
    assert api("list_tile_files", C, T) == ["a/x.tif", "b.json"]
    (request,) = fake.requests
    assert request.method == "GET"
    assert request.url.raw_path == PREFIX.encode()
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_list_tile_files_other_base_path(api: Api, router: respx.MockRouter) -> None:
    route = router.get(f"{BASE_URL}/byoc/v1/collections/{C}/tiles/{T}/files").mock(
        return_value=httpx.Response(200, json=["f.tif"])
    )
    assert api("list_tile_files", C, T, byoc_base_path="/byoc/v1/") == ["f.tif"]
    assert route.called


def test_listing_404_says_planet_only(api: Api, router: respx.MockRouter) -> None:
    router.get(f"{BASE_URL}{PREFIX}").mock(
        return_value=httpx.Response(
            404,
            json={
                "error": {
                    "status": 404,
                    "reason": "Not Found",
                    "message": "Tile files exist only in collections created by Planet.",
                    "code": "COMMON_NOT_FOUND",
                }
            },
        )
    )
    with pytest.raises(NotFoundError) as caught:
        api("list_tile_files", C, T)
    assert caught.value.code == "COMMON_NOT_FOUND"
    assert "Planet subscription or order" in str(caught.value)


@pytest.mark.parametrize("body", [{"data": []}, [1, 2], "x"])
def test_listing_of_wrong_shape(api: Api, router: respx.MockRouter, body: object) -> None:
    router.get(f"{BASE_URL}{PREFIX}").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(APIResponseValidationError):
        api("list_tile_files", C, T)


@pytest.mark.parametrize(("path", "encoded"), list(ENCODED.items()))
def test_paths_are_percent_encoded_except_slashes(
    api: Api, fake: FakeServer, tmp_path: object, path: str, encoded: str
) -> None:
    data = random_bytes(3000)
    fake.add(path, data)
    assert api("get_tile_file_size", C, T, path) == 3000
    assert api("read_tile_file", C, T, path, 10, 19) == data[10:20]
    assert api("download_tile_file", C, T, path, tmp_path / "out.bin").read_bytes() == data  # type: ignore[operator]
    expected = f"{PREFIX}/{encoded}".encode()
    assert {r.url.raw_path for r in fake.requests} == {expected}
    assert [r.method for r in fake.requests][:2] == ["HEAD", "GET"]


@pytest.mark.parametrize("path", ["", "/abs.tif", "a/../b.tif", "a//b.tif", "./a.tif", "a/"])
def test_unusable_paths_are_refused_before_sending(api: Api, fake: FakeServer, path: str) -> None:
    with pytest.raises(SentinelHubValidationError):
        api("read_tile_file", C, T, path)
    with pytest.raises(ValueError, match="path"):
        api("get_tile_file_size", C, T, path)
    assert fake.requests == []


def test_empty_ids_are_refused(api: Api, fake: FakeServer) -> None:
    with pytest.raises(SentinelHubValidationError, match="collection_id"):
        api("list_tile_files", "", T)
    with pytest.raises(SentinelHubValidationError, match="tile_id"):
        api("get_tile_file_size", C, " ", "a.tif")


# ---------------------------------------------------------------------------------------- HEAD


def test_size_from_head(api: Api, fake: FakeServer) -> None:
    fake.add("big.tif", b"x" * 123_457)
    assert api("get_tile_file_size", C, T, "big.tif") == 123_457
    (request,) = fake.requests
    assert request.method == "HEAD"


def test_head_without_length(api: Api, router: respx.MockRouter) -> None:
    router.head(f"{BASE_URL}{PREFIX}/a.tif").mock(return_value=httpx.Response(200))
    with pytest.raises(APIResponseValidationError, match="Content-Length"):
        api("get_tile_file_size", C, T, "a.tif")


def test_missing_file_is_not_found_with_a_hint(api: Api, fake: FakeServer) -> None:
    with pytest.raises(NotFoundError) as caught:
        api("get_tile_file_size", C, T, "nope.tif")
    assert "nope.tif" in str(caught.value)
    with pytest.raises(NotFoundError):
        api("read_tile_file", C, T, "nope.tif")


# --------------------------------------------------------------------------------- range reads


@pytest.mark.parametrize(
    ("start", "end", "header", "sliced"),
    [
        (None, None, None, slice(None)),
        (0, None, None, slice(None)),
        (5, None, "bytes=5-", slice(5, None)),
        (None, 9, "bytes=0-9", slice(0, 10)),
        (3, 3, "bytes=3-3", slice(3, 4)),
        (90, 99, "bytes=90-99", slice(90, 100)),
        (90, 5000, "bytes=90-5000", slice(90, 100)),
    ],
)
def test_read_sends_the_range_asked_for(
    api: Api,
    fake: FakeServer,
    start: int | None,
    end: int | None,
    header: str | None,
    sliced: slice,
) -> None:
    data = random_bytes(100)
    fake.add("f.bin", data)
    assert api("read_tile_file", C, T, "f.bin", start, end) == data[sliced]
    (request,) = fake.requests
    assert request.headers.get("range") == header
    assert "if-range" not in request.headers
    assert request.headers["accept-encoding"] == "identity"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (-1, None, "start"),
        (5, 4, "end"),
        (1.5, None, "start"),
        (True, None, "start"),
        (0, "9", "end"),
    ],
)
def test_read_validates_start_and_end(
    api: Api, fake: FakeServer, start: object, end: object, field: str
) -> None:
    with pytest.raises(ValueError, match=field) as caught:
        api("read_tile_file", C, T, "f.bin", start, end)
    assert isinstance(caught.value, SentinelHubValidationError)
    assert caught.value.field == field
    assert fake.requests == []


def test_read_beyond_the_end_is_416(api: Api, fake: FakeServer) -> None:
    fake.add("f.bin", b"0123456789")
    with pytest.raises(APIError) as caught:
        api("read_tile_file", C, T, "f.bin", 10)
    assert caught.value.status == 416
    assert "beyond the end" in str(caught.value)


def test_read_when_the_server_ignores_ranges(api: Api, fake: FakeServer) -> None:
    data = random_bytes(200_000)
    fake.add("f.bin", data)
    fake.ignore_ranges = True
    assert api("read_tile_file", C, T, "f.bin", 70_000, 150_000) == data[70_000:150_001]
    assert api("read_tile_file", C, T, "f.bin", 199_990) == data[199_990:]


def test_read_with_a_mismatched_content_range(api: Api, fake: FakeServer) -> None:
    fake.add("f.bin", random_bytes(1000))
    fake.bad_ranges = 1
    with pytest.raises(DownloadError, match="Content-Range"):
        api("read_tile_file", C, T, "f.bin", 100, 199)


def test_iter_resumes_a_dropped_connection(api: Api, fake: FakeServer) -> None:
    data = random_bytes(300_000)
    fake.add("f.bin", data)
    fake.cuts = {0: 100_000, 1: 50_000}
    chunks = api("iter_tile_file", C, T, "f.bin", start=1000, chunk_size=65536)
    assert b"".join(chunks) == data[1000:]
    first, second, third = fake.file_gets
    assert first.headers["range"] == "bytes=1000-"
    assert "if-range" not in first.headers
    # The retry asks for what was not yielded yet (whole chunks were), guarded by the ETag.
    resumed_at = int(second.headers["range"].removeprefix("bytes=").rstrip("-"))
    assert 1000 + 65536 <= resumed_at <= 101_000
    assert second.headers["if-range"] == '"v1"'
    assert third.headers["if-range"] == '"v1"'


def test_iter_of_a_file_that_changes_midway(api: Api, fake: FakeServer) -> None:
    file = fake.add("f.bin", random_bytes(300_000))
    fake.cuts = {0: 100_000}

    def change(server: FakeServer, index: int) -> None:
        if index == 1:
            file.replace(random_bytes(300_000, seed=2))

    fake.hook = change
    with pytest.raises(DownloadError, match="changed on the server"):
        api("iter_tile_file", C, T, "f.bin")


def test_iter_gives_up_after_max_attempts(api: Api, fake: FakeServer) -> None:
    fake.add("f.bin", random_bytes(1000))
    fake.forced = [httpx.Response(503, json={}) for _ in range(3)]
    with pytest.raises(APIError) as caught:
        api("read_tile_file", C, T, "f.bin", retry=RetryPolicy(backoff=0, max_attempts=3))
    assert caught.value.status == 503
    assert "gave up after 3" in str(caught.value)


@pytest.mark.anyio
async def test_aiter_is_lazy_and_checks_arguments_at_once(fake: FakeServer) -> None:
    from sentinelhub_client.byoc.files.sync import aiter_tile_file

    fake.add("f.bin", b"abc")
    async with httpx.AsyncClient(base_url=BASE_URL) as client:
        with pytest.raises(SentinelHubValidationError):
            aiter_tile_file(client, C, T, "f.bin", start=-5)
        iterator = aiter_tile_file(client, C, T, "f.bin")
        assert fake.requests == []
        assert [chunk async for chunk in iterator] == [b"abc"]


# ---------------------------------------------------------------------------------- rate limits


def test_429_retry_after_is_in_milliseconds(api: Api, fake: FakeServer, tmp_path: object) -> None:
    fake.add("f.bin", b"payload")
    fake.forced = [httpx.Response(429, headers={"Retry-After": "300"}, json={})]
    started = time.monotonic()
    data = api("read_tile_file", C, T, "f.bin", retry=RetryPolicy(backoff=0.001))
    elapsed = time.monotonic() - started
    assert data == b"payload"
    assert 0.3 <= elapsed < 5  # 300 ms, not 300 s


def test_429_on_a_download_part(api: Api, fake: FakeServer, tmp_path: object) -> None:
    data = random_bytes(40_000)
    fake.add("f.bin", data)
    fake.forced = [httpx.Response(429, headers={"Retry-After": "200"}, json={})]
    started = time.monotonic()
    out = api(
        "download_tile_file",
        C,
        T,
        "f.bin",
        tmp_path / "f.bin",  # type: ignore[operator]
        part_size=10_000,
        retry=RetryPolicy(backoff=0.001),
    )
    assert out.read_bytes() == data
    assert time.monotonic() - started >= 0.2


def test_429_beyond_the_limit_raises_rate_limit_error(api: Api, fake: FakeServer) -> None:
    fake.add("f.bin", b"payload")
    fake.forced = [httpx.Response(429, headers={"Retry-After": "600000"}, json={})]
    with pytest.raises(RateLimitError) as caught:
        api("read_tile_file", C, T, "f.bin", retry=RetryPolicy(max_retry_after=10))
    assert caught.value.retry_after == 600


# ----------------------------------------------------------------------------------- redirects


def test_redirect_to_another_host_drops_the_authorization(
    api: Api, router: respx.MockRouter, tmp_path: object
) -> None:
    data = random_bytes(5000)
    file_url = f"{BASE_URL}{PREFIX}/f.bin"
    storage = "https://storage.example.com/bucket/f.bin?sig=abc"
    router.head(file_url).mock(
        return_value=httpx.Response(200, headers={"Content-Length": "5000", "ETag": '"e"'})
    )
    router.get(file_url).mock(return_value=httpx.Response(302, headers={"Location": storage}))
    seen: list[httpx.Request] = []

    def serve(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=data, headers={"ETag": '"e"'})

    router.get(storage).mock(side_effect=serve)
    assert api("read_tile_file", C, T, "f.bin") == data
    assert api("download_tile_file", C, T, "f.bin", tmp_path / "f.bin").read_bytes() == data  # type: ignore[operator]
    assert len(seen) == 2
    for request in seen:
        assert "authorization" not in request.headers
        assert request.url.params["sig"] == "abc"


def test_redirect_with_an_auth_flow_does_not_authenticate_elsewhere(
    router: respx.MockRouter,
) -> None:
    from sentinelhub_client.byoc.files.sync import read_tile_file

    class Bearer(httpx.Auth):
        def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
            request.headers["Authorization"] = "Bearer from-auth"
            yield request

    storage = "https://storage.example.com/f"
    router.get(f"{BASE_URL}{PREFIX}/f.bin").mock(
        return_value=httpx.Response(307, headers={"Location": storage})
    )
    target = router.get(storage).mock(return_value=httpx.Response(200, content=b"ok"))
    with httpx.Client(base_url=BASE_URL, auth=Bearer()) as client:
        assert read_tile_file(client, C, T, "f.bin") == b"ok"
    assert "authorization" not in target.calls.last.request.headers


def test_same_origin_redirect_keeps_the_authorization(api: Api, router: respx.MockRouter) -> None:
    router.get(f"{BASE_URL}{PREFIX}/f.bin").mock(
        return_value=httpx.Response(301, headers={"Location": "/elsewhere/f.bin"})
    )
    target = router.get(f"{BASE_URL}/elsewhere/f.bin").mock(
        return_value=httpx.Response(200, content=b"ok")
    )
    assert api("read_tile_file", C, T, "f.bin") == b"ok"
    assert target.calls.last.request.headers["authorization"] == f"Bearer {TOKEN}"


def test_redirect_loop_ends(api: Api, router: respx.MockRouter) -> None:
    router.get(f"{BASE_URL}{PREFIX}/f.bin").mock(
        return_value=httpx.Response(302, headers={"Location": f"{PREFIX}/f.bin"})
    )
    with pytest.raises(APIConnectionError, match="more than 5 redirects"):
        api("read_tile_file", C, T, "f.bin")
