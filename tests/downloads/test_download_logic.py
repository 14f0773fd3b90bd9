"""`download_tile_file` / `download_tile` against a scripted server (respx): ranges, resume,
answers that do not fit, files that change, disk errors, progress. Sync and async (`api`)."""

from __future__ import annotations

import errno
import json
import logging
import threading
from pathlib import Path

import httpx
import pytest
from sentinelhub_client._core.errors import APIConnectionError, DownloadError, NotFoundError
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client.byoc.files import disk as _download_disk
from sentinelhub_client.byoc.files.core import SIDECAR_FORMAT, ByteRanges
from sentinelhub_client.byoc.files.sync import (
    DownloadDiskError,
    DownloadExistsError,
    TileDownloadError,
)

from tests.downloads.conftest import Api, random_bytes, sha256
from tests.downloads.fake_server import COLLECTION_ID, TILE_ID, FakeServer

C, T = COLLECTION_ID, TILE_ID


class Recorder:
    """A progress callback that keeps every call (from any thread)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.calls.append((done, total))

    @property
    def last(self) -> tuple[int, int]:
        return self.calls[-1]


def ranges_of(requests: list[httpx.Request]) -> list[tuple[int, int]]:
    """The (first, last) of each Range header."""
    out = []
    for request in requests:
        first, last = request.headers["range"].removeprefix("bytes=").split("-")
        out.append((int(first), int(last)))
    return sorted(out)


def leftovers(destination: Path) -> list[str]:
    return sorted(p.name for p in destination.parent.iterdir() if p.name != destination.name)


# ------------------------------------------------------------------------------ plain downloads


def test_small_file_in_one_stream(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    data = random_bytes(100_000)
    fake.add("scene.tif", data)
    progress = Recorder()
    out = api("download_tile_file", C, T, "scene.tif", tmp_path / "scene.tif", progress=progress)
    assert out == tmp_path / "scene.tif"
    assert out.read_bytes() == data
    assert leftovers(out) == []
    assert [r.method for r in fake.requests] == ["HEAD", "GET"]
    (get,) = fake.file_gets
    assert "range" not in get.headers
    assert progress.last == (100_000, 100_000)
    dones = [done for done, _ in progress.calls]
    assert dones == sorted(dones)


def test_large_file_in_parallel_ranges(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    data = random_bytes(230_000)
    fake.add("big.tif", data)
    progress = Recorder()
    out = api(
        "download_tile_file",
        C,
        T,
        "big.tif",
        tmp_path / "big.tif",
        part_size=50_000,
        concurrency=3,
        chunk_size=16_384,
        progress=progress,
    )
    assert sha256(out) == sha256(data)
    gets = fake.file_gets
    assert len(gets) == 5
    assert all(r.headers["if-range"] == '"v1"' for r in gets)
    assert ranges_of(gets) == [
        (0, 45_999),
        (46_000, 91_999),
        (92_000, 137_999),
        (138_000, 183_999),
        (184_000, 229_999),
    ]
    assert progress.last == (230_000, 230_000)
    assert [done for done, _ in progress.calls] == sorted(done for done, _ in progress.calls)


def test_empty_file(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("empty.json", b"")
    out = api("download_tile_file", C, T, "empty.json", tmp_path / "empty.json")
    assert out.read_bytes() == b""
    assert fake.file_gets == []


def test_destination_folder_is_created(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("a.tif", b"abc")
    out = api("download_tile_file", C, T, "a.tif", str(tmp_path / "x" / "y" / "a.tif"))
    assert out.read_bytes() == b"abc"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("concurrency", 0),
        ("chunk_size", 0),
        ("part_size", -1),
        ("max_attempts", 0),
        ("concurrency", 1.5),
    ],
)
def test_options_are_validated(
    api: Api, fake: FakeServer, tmp_path: Path, option: str, value: object
) -> None:
    with pytest.raises(ValueError, match=option):
        api("download_tile_file", C, T, "a.tif", tmp_path / "a", **{option: value})
    assert fake.requests == []


# ------------------------------------------------------------------------------ existing files


def test_existing_destination_is_kept(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("a.tif", b"new")
    target = tmp_path / "a.tif"
    target.write_bytes(b"old")
    with pytest.raises(DownloadExistsError) as caught:
        api("download_tile_file", C, T, "a.tif", target)
    assert isinstance(caught.value, FileExistsError)
    assert isinstance(caught.value, DownloadError)
    assert str(target) in str(caught.value)
    assert "overwrite=True" in str(caught.value)
    assert target.read_bytes() == b"old"
    assert fake.requests == []
    assert api("download_tile_file", C, T, "a.tif", target, overwrite=True).read_bytes() == b"new"


def test_destination_that_is_a_folder(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="is a directory"):
        api("download_tile_file", C, T, "a.tif", tmp_path, overwrite=True)


# ------------------------------------------------------------------------------ broken answers


def test_dropped_connection_resumes_where_it_stopped(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    data = random_bytes(120_000)
    fake.add("f.bin", data)
    fake.cuts = {0: 30_000}
    out = api(
        "download_tile_file", C, T, "f.bin", tmp_path / "f.bin", part_size=60_000, concurrency=1
    )
    assert out.read_bytes() == data
    first, second, third = fake.file_gets
    assert first.headers["range"] == "bytes=0-59999"
    assert second.headers["range"] == "bytes=30000-59999"  # the 30 000 good bytes were kept
    assert second.headers["if-range"] == '"v1"'
    assert third.headers["range"] == "bytes=60000-119999"


def test_dropped_connection_of_a_single_stream(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    data = random_bytes(50_000)
    fake.add("f.bin", data)
    fake.cuts = {0: 20_000}
    out = api("download_tile_file", C, T, "f.bin", tmp_path / "f.bin")
    assert out.read_bytes() == data
    first, second = fake.file_gets
    assert "range" not in first.headers
    assert second.headers["range"] == "bytes=20000-49999"
    assert second.headers["if-range"] == '"v1"'


def test_server_ignoring_ranges_starts_over_as_one_stream(
    api: Api, fake: FakeServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = random_bytes(100_000)
    fake.add("f.bin", data)
    fake.ignore_ranges = True
    caplog.set_level(logging.WARNING, "sentinelhub_client")
    progress = Recorder()
    out = api(
        "download_tile_file",
        C,
        T,
        "f.bin",
        tmp_path / "f.bin",
        part_size=30_000,
        concurrency=2,
        progress=progress,
    )
    assert out.read_bytes() == data
    assert "answered 200" in caplog.text
    last = fake.file_gets[-1]
    assert "range" not in last.headers
    assert progress.last == (100_000, 100_000)


def test_mismatched_content_range_once_starts_over(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    data = random_bytes(100_000)
    fake.add("f.bin", data)
    fake.bad_ranges = 1
    out = api(
        "download_tile_file", C, T, "f.bin", tmp_path / "f.bin", part_size=30_000, concurrency=1
    )
    assert out.read_bytes() == data
    assert [r.method for r in fake.requests].count("HEAD") == 2  # planned again after the restart


def test_mismatched_content_range_twice_is_an_error(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    fake.add("f.bin", random_bytes(100_000))
    fake.bad_ranges = 1000
    with pytest.raises(DownloadError) as caught:
        api("download_tile_file", C, T, "f.bin", tmp_path / "f.bin", part_size=30_000)
    message = str(caught.value)
    assert "Content-Range" in message
    assert "starting over once" in message
    assert not (tmp_path / "f.bin").exists()


def test_206_to_a_whole_file_request_with_the_wrong_range(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    fake.add("f.bin", b"0123456789")
    bad = httpx.Response(206, headers={"Content-Range": "bytes 2-9/10"}, content=b"23456789")
    fake.forced = [bad, bad]
    with pytest.raises(DownloadError, match="Content-Range"):
        api("download_tile_file", C, T, "f.bin", tmp_path / "f.bin")


def test_longer_body_than_asked_is_an_anomaly(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("f.bin", random_bytes(1000))
    too_long = httpx.Response(
        206, headers={"Content-Range": "bytes 0-499/1000", "ETag": '"v1"'}, content=b"x" * 600
    )
    fake.forced = [too_long]
    out = api("download_tile_file", C, T, "f.bin", tmp_path / "f.bin", part_size=500, concurrency=1)
    assert out.read_bytes() == fake.files["f.bin"].data


def test_file_changing_midway_starts_over_and_gets_the_new_version(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    file = fake.add("f.bin", random_bytes(200_000))
    new = random_bytes(260_000, seed=7)
    progress = Recorder()

    def change(server: FakeServer, index: int) -> None:
        if index == 2:
            file.replace(new)

    fake.hook = change
    out = api(
        "download_tile_file",
        C,
        T,
        "f.bin",
        tmp_path / "f.bin",
        part_size=40_000,
        concurrency=2,
        progress=progress,
    )
    assert sha256(out) == sha256(new)
    assert progress.last == (260_000, 260_000)
    assert fake.file_gets[-1].headers.get("if-range") == '"v2"'


def test_file_changing_all_the_time_is_an_error(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    file = fake.add("f.bin", random_bytes(200_000))

    def change(server: FakeServer, index: int) -> None:
        if index >= 1:
            file.replace(random_bytes(200_000, seed=index))

    fake.hook = change
    with pytest.raises(DownloadError, match="changed on the server"):
        api(
            "download_tile_file", C, T, "f.bin", tmp_path / "f.bin", part_size=40_000, concurrency=1
        )


def test_error_status_of_a_part_is_raised_typed(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("f.bin", random_bytes(1000))
    fake.forced = [httpx.Response(404, json={"error": {"status": 404, "message": "gone"}})]
    with pytest.raises(NotFoundError, match="gone"):
        api("download_tile_file", C, T, "f.bin", tmp_path / "f.bin")


def test_connection_errors_use_up_the_attempts(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("f.bin", random_bytes(1000))
    fake.cuts = {0: 0, 1: 0, 2: 0}
    with pytest.raises(APIConnectionError, match="gave up after 3"):
        api("download_tile_file", C, T, "f.bin", tmp_path / "f.bin", max_attempts=3)


def test_a_segment_that_makes_progress_renews_its_attempts(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    data = random_bytes(100_000)
    fake.add("f.bin", data)
    fake.cuts = {
        0: 20_000,
        1: 20_000,
        2: 20_000,
        3: 20_000,
    }  # four drops in a row, each after bytes
    out = api("download_tile_file", C, T, "f.bin", tmp_path / "f.bin", max_attempts=2)
    assert out.read_bytes() == data
    assert [r.headers.get("range") for r in fake.file_gets] == [
        None,
        "bytes=20000-99999",
        "bytes=40000-99999",
        "bytes=60000-99999",
        "bytes=80000-99999",
    ]


def stop_midway(
    api: Api, fake: FakeServer, destination: Path, failure: type[BaseException]
) -> None:
    """A parallel download whose progress callback raises ``failure`` midway: it stops every
    segment and surfaces unchanged; what was written stays for a resume, which completes."""
    data = random_bytes(400_000)
    fake.add("f.bin", data)

    def stop(done: int, total: int) -> None:
        if done >= 100_000:
            raise failure("stop")

    options = {"part_size": 50_000, "chunk_size": 25_000, "concurrency": 4}
    with pytest.raises(failure):
        api("download_tile_file", C, T, "f.bin", destination, progress=stop, **options)
    assert (destination.parent / "f.bin.part.json").exists()
    assert not destination.exists()
    assert api("download_tile_file", C, T, "f.bin", destination).read_bytes() == data


def test_an_error_in_a_parallel_download_surfaces_as_it_is(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    stop_midway(api, fake, tmp_path / "f.bin", RuntimeError)


@pytest.mark.parametrize("failure", [KeyboardInterrupt, SystemExit])
def test_an_interrupt_in_a_download_thread_surfaces_as_it_is(
    fake: FakeServer, tmp_path: Path, failure: type[BaseException]
) -> None:
    """Not collected as a failure of the segment (only ``Exception`` is): it leaves the worker
    thread through its future and is raised in the caller's thread."""
    stop_midway(Api("sync"), fake, tmp_path / "f.bin", failure)


# ------------------------------------------------------------------------------------- resume


def interrupt(api: Api, fake: FakeServer, destination: Path, **options: object) -> None:
    """Run a download that fails for good after part of the file (connection errors)."""
    fake.cuts = dict.fromkeys(range(100), 25_000)
    with pytest.raises(APIConnectionError):
        api("download_tile_file", C, T, "f.bin", destination, max_attempts=1, **options)
    fake.cuts = {}


def test_resume_fetches_only_what_is_missing(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    data = random_bytes(200_000)
    fake.add("f.bin", data)
    destination = tmp_path / "f.bin"
    interrupt(api, fake, destination, part_size=50_000, concurrency=1)
    assert not destination.exists()
    sidecar = json.loads((tmp_path / "f.bin.part.json").read_text())
    assert sidecar["format"] == SIDECAR_FORMAT
    assert sidecar["size"] == 200_000
    assert sidecar["etag"] == '"v1"'
    assert sidecar["source"] == {"collection_id": C, "tile_id": T, "path": "f.bin"}
    assert ByteRanges(tuple(r) for r in sidecar["done"]).total() == 25_000
    assert sidecar["synced"] == []  # nothing flushed yet: a kill keeps it, a reboot would not
    assert sidecar["boot_id"] == _download_disk.boot_id()
    assert (tmp_path / "f.bin.part").stat().st_size == 200_000

    fake.requests.clear()
    progress = Recorder()
    out = api(
        "download_tile_file",
        C,
        T,
        "f.bin",
        destination,
        part_size=50_000,
        concurrency=1,
        progress=progress,
    )
    assert out.read_bytes() == data
    assert progress.calls[0] == (25_000, 200_000)  # the bytes on disk count from the start
    gets = fake.file_gets
    assert gets[0].headers["range"] == "bytes=25000-68749"  # 175 000 bytes in 4 equal parts
    assert all(r.headers["if-range"] == '"v1"' for r in gets)
    assert sum(b - a + 1 for a, b in ranges_of(gets)) == 175_000
    assert leftovers(out) == []


def test_resume_after_a_reboot_keeps_only_flushed_bytes(
    api: Api, fake: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = random_bytes(200_000)
    fake.add("f.bin", data)
    destination = tmp_path / "f.bin"
    sidecar = tmp_path / "f.bin.part.json"

    def reboot() -> None:
        document = json.loads(sidecar.read_text())
        document["boot_id"] = "an earlier boot"
        sidecar.write_text(json.dumps(document))

    # Boot known: checkpoints are not flushed (within 30 s), so a reboot loses everything.
    interrupt(api, fake, destination, part_size=50_000, concurrency=1)
    reboot()
    fake.requests.clear()
    assert (
        api("download_tile_file", C, T, "f.bin", destination, part_size=50_000).read_bytes() == data
    )
    assert sum(b - a + 1 for a, b in ranges_of(fake.file_gets)) == 200_000

    # Boot unknown: checkpoints are flushed every second and at the last (forced) one, so the
    # flushed bytes survive a reboot.
    destination.unlink()
    monkeypatch.setattr(_download_disk, "boot_id", lambda: None)
    interrupt(api, fake, destination, part_size=50_000, concurrency=1)
    document = json.loads(sidecar.read_text())
    assert document["boot_id"] is None
    assert document["synced"] == document["done"] == [[0, 25_000]]
    reboot()
    fake.requests.clear()
    assert (
        api("download_tile_file", C, T, "f.bin", destination, part_size=50_000).read_bytes() == data
    )
    assert sum(b - a + 1 for a, b in ranges_of(fake.file_gets)) == 175_000


def test_resume_after_the_file_changed_starts_over(
    api: Api, fake: FakeServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    file = fake.add("f.bin", random_bytes(200_000))
    destination = tmp_path / "f.bin"
    interrupt(api, fake, destination, part_size=50_000, concurrency=1)
    new = random_bytes(200_000, seed=3)
    file.replace(new)
    fake.requests.clear()
    caplog.set_level(logging.INFO, "sentinelhub_client")
    out = api("download_tile_file", C, T, "f.bin", destination, part_size=50_000)
    assert out.read_bytes() == new
    assert "Not resuming" in caplog.text
    assert "changed" in caplog.text
    assert sum(b - a + 1 for a, b in ranges_of(fake.file_gets)) == 200_000


def test_resume_false_starts_over(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    data = random_bytes(200_000)
    fake.add("f.bin", data)
    destination = tmp_path / "f.bin"
    interrupt(api, fake, destination, part_size=50_000, concurrency=1)
    fake.requests.clear()
    out = api("download_tile_file", C, T, "f.bin", destination, part_size=50_000, resume=False)
    assert out.read_bytes() == data
    assert sum(b - a + 1 for a, b in ranges_of(fake.file_gets)) == 200_000


def test_resume_with_a_corrupt_sidecar_starts_over(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    data = random_bytes(100_000)
    fake.add("f.bin", data)
    destination = tmp_path / "f.bin"
    (tmp_path / "f.bin.part").write_bytes(b"\0" * 100_000)
    (tmp_path / "f.bin.part.json").write_text("{not json")
    assert api("download_tile_file", C, T, "f.bin", destination).read_bytes() == data


def test_resume_when_the_server_sends_no_etag_starts_over(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    data = random_bytes(200_000)
    fake.add("f.bin", data)
    fake.send_etag = False
    destination = tmp_path / "f.bin"
    interrupt(api, fake, destination, part_size=50_000, concurrency=1)
    fake.requests.clear()
    out = api("download_tile_file", C, T, "f.bin", destination, part_size=50_000)
    assert out.read_bytes() == data
    assert sum(b - a + 1 for a, b in ranges_of(fake.file_gets)) == 200_000
    assert all("if-range" not in r.headers for r in fake.file_gets)


def test_a_second_download_of_the_same_destination_is_refused(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    fake.add("f.bin", b"abc")
    destination = tmp_path / "f.bin"
    held = _download_disk.PartFile.open(tmp_path / "f.bin.part", fresh=False)
    try:
        with pytest.raises(DownloadError, match="another download"):
            api("download_tile_file", C, T, "f.bin", destination)
    finally:
        held.close()
    assert api("download_tile_file", C, T, "f.bin", destination).read_bytes() == b"abc"


# ---------------------------------------------------------------------------------- disk errors


def test_full_disk_keeps_the_part_for_a_resume(
    api: Api, fake: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = random_bytes(200_000)
    fake.add("f.bin", data)
    destination = tmp_path / "f.bin"
    real_write = _download_disk.PartFile.write
    calls = []

    def failing_write(self: _download_disk.PartFile, offset: int, chunks: list[bytes]) -> int:
        calls.append(offset)
        if len(calls) > 2:  # the first two parts (of 50 000 bytes, written whole) get in
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, offset, chunks)

    monkeypatch.setattr(_download_disk.PartFile, "write", failing_write)
    with pytest.raises(DownloadDiskError) as caught:
        api(
            "download_tile_file",
            C,
            T,
            "f.bin",
            destination,
            part_size=50_000,
            chunk_size=20_000,
            concurrency=1,
        )
    error = caught.value
    assert isinstance(error, OSError)
    assert error.errno == errno.ENOSPC
    assert error.path == tmp_path / "f.bin.part"
    assert "No space left on device" in str(error)
    assert str(tmp_path / "f.bin.part") in str(error)
    assert "resume" in str(error)
    assert (tmp_path / "f.bin.part").exists()
    assert json.loads((tmp_path / "f.bin.part.json").read_text())["done"] == [[0, 100_000]]

    monkeypatch.setattr(_download_disk.PartFile, "write", real_write)
    fake.requests.clear()
    out = api("download_tile_file", C, T, "f.bin", destination, part_size=50_000)
    assert out.read_bytes() == data
    assert fake.file_gets[0].headers["range"] == "bytes=100000-149999"


def test_unwritable_destination_is_a_disk_error(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("f.bin", b"abc")
    (tmp_path / "not-a-folder").write_text("x")
    with pytest.raises(DownloadDiskError) as caught:
        api("download_tile_file", C, T, "f.bin", tmp_path / "not-a-folder" / "f.bin")
    assert "not-a-folder" in str(caught.value)
    assert caught.value.errno in (errno.ENOTDIR, errno.EEXIST)


def test_preallocation_failure_is_reported_before_downloading(
    api: Api, fake: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.add("f.bin", random_bytes(10_000))

    def no_room(fd: int, offset: int, length: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_download_disk.os, "posix_fallocate", no_room, raising=False)
    with pytest.raises(DownloadDiskError, match="No space left"):
        api("download_tile_file", C, T, "f.bin", tmp_path / "f.bin")
    assert fake.file_gets == []


# ----------------------------------------------------------------------------------- whole tile


def test_download_tile(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    files = {
        "scene_metadata.json": b'{"id": 1}',
        "analytic/scene_4b_sr.tif": random_bytes(150_000, seed=1),
        "analytic/udm/scene_udm2.tif": random_bytes(60_000, seed=2),
    }
    for path, data in files.items():
        fake.add(path, data)
    progress = Recorder()
    out = api("download_tile", C, T, tmp_path / "tile", progress=progress, part_size=40_000)
    assert out == [tmp_path / "tile" / p for p in sorted(files)]
    for path, data in files.items():
        assert (tmp_path / "tile" / path).read_bytes() == data
    total = sum(len(d) for d in files.values())
    assert {t for _, t in progress.calls} == {total}
    assert progress.last == (total, total)
    assert [d for d, _ in progress.calls] == sorted(d for d, _ in progress.calls)

    # Again: everything is complete, nothing is fetched.
    fake.requests.clear()
    progress = Recorder()
    assert api("download_tile", C, T, tmp_path / "tile", progress=progress) == out
    assert fake.file_gets == []
    assert progress.last == (total, total)


def test_an_interrupt_in_a_worker_ends_download_tile_and_keeps_the_part(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    """A KeyboardInterrupt raised in a file's worker (here by the progress callback) is raised
    by the call, not lost with the call returning paths that do not exist."""
    data = random_bytes(150_000, seed=3)
    fake.add("a.tif", data)

    def interrupt(done: int, total: int) -> None:
        if 0 < done < total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        api(
            "download_tile",
            C,
            T,
            tmp_path / "tile",
            progress=interrupt,
            concurrency=1,
            chunk_size=16_384,
        )
    assert not (tmp_path / "tile" / "a.tif").exists()
    assert (tmp_path / "tile" / "a.tif.part").exists()
    api("download_tile", C, T, tmp_path / "tile")  # resumes from the part
    assert (tmp_path / "tile" / "a.tif").read_bytes() == data


def test_download_tile_some_files(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("a.tif", b"a")
    fake.add("b/c.tif", b"c")
    out = api("download_tile", C, T, tmp_path, files=["b/c.tif", "b/c.tif"])
    assert out == [tmp_path / "b" / "c.tif"]
    assert not (tmp_path / "a.tif").exists()
    assert [r.url.path.endswith("/files") for r in fake.requests].count(True) == 0


def test_download_tile_refuses_an_incomplete_existing_file(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    fake.add("a.tif", b"aaaa")
    fake.add("b.tif", b"bbbb")
    (tmp_path / "b.tif").write_bytes(b"bb")
    with pytest.raises(DownloadExistsError, match=r"b\.tif"):
        api("download_tile", C, T, tmp_path)
    assert fake.file_gets == []
    assert api("download_tile", C, T, tmp_path, overwrite=True) == [
        tmp_path / "a.tif",
        tmp_path / "b.tif",
    ]
    assert (tmp_path / "b.tif").read_bytes() == b"bbbb"


@pytest.mark.parametrize("evil", ["../escape.tif", "/etc/passwd", "a/../../x", "C:/x", "a\\..\\x"])
def test_download_tile_refuses_paths_leaving_the_folder(
    api: Api, fake: FakeServer, tmp_path: Path, evil: str
) -> None:
    fake.add("ok.tif", b"ok")
    fake.add(evil, b"evil")
    folder = tmp_path / "tile"
    with pytest.raises(DownloadError, match="refusing"):
        api("download_tile", C, T, folder)
    assert not any(tmp_path.rglob("*.tif"))
    assert fake.file_gets == []


def test_download_tile_reports_failed_files_and_finishes_the_others(
    api: Api, fake: FakeServer, tmp_path: Path
) -> None:
    fake.add("a.tif", b"aaaa")
    fake.add("b.tif", b"bbbb")
    fake.forced = [httpx.Response(403, json={"error": {"status": 403, "message": "no"}})]
    with pytest.raises(TileDownloadError) as caught:
        api("download_tile", C, T, tmp_path, concurrency=1)
    error = caught.value
    assert list(error.failures) == ["a.tif"]
    assert error.completed == [tmp_path / "b.tif"]
    assert (tmp_path / "b.tif").read_bytes() == b"bbbb"
    assert "1 of 2 files failed" in str(error)
    assert api("download_tile", C, T, tmp_path) == [tmp_path / "a.tif", tmp_path / "b.tif"]


def test_download_tile_of_an_empty_tile(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    assert api("download_tile", C, T, tmp_path) == []


def test_download_tile_max_attempts_applies(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    fake.add("a.tif", b"aaaa")
    fake.forced = [httpx.Response(503, json={}) for _ in range(2)]
    with pytest.raises(TileDownloadError):
        api("download_tile", C, T, tmp_path, retry=RetryPolicy(backoff=0), max_attempts=2)
