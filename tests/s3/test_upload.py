"""Uploading a tile folder to a real S3-compatible server (moto, on loopback), sync and async."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest
from sentinelhub_client.s3 import (
    S3Uploader,
    S3UploadError,
    TransferConfig,
)

from tests.s3.helpers import (
    CONFIG,
    MULTIPART,
    PART,
    SIZES,
    RequestLog,
    local_files,
    make_tile,
    make_uploader,
    parts_of,
    remote_files,
    same_size_change,
    upload,
)
from tests.support.s3 import S3Server

pytestmark = pytest.mark.anyio

FLAVOURS = pytest.mark.parametrize("flavour", ["sync", "async"])


@FLAVOURS
async def test_a_folder_goes_up_concurrently_with_multipart_above_the_threshold(
    flavour: str, aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    uploader = make_uploader(aws_env, flavour)
    log = RequestLog(uploader.client)

    report = await upload(uploader, tile, f"s3://{s3_bucket}/collection/tile-1/")

    assert remote_files(aws_env, s3_bucket, "collection/tile-1") == local_files(tile)
    assert sorted(o.key for o in report.objects) == sorted(
        f"collection/tile-1/{name}" for name in SIZES
    )
    assert {o.status for o in report.objects} == {"uploaded"}
    assert report.bytes_sent == sum(SIZES.values())
    assert log.calls["PutObject"] == len(SIZES) - len(MULTIPART)
    assert log.calls["CreateMultipartUpload"] == len(MULTIPART)
    assert log.calls["UploadPart"] == sum(parts_of(SIZES[name]) for name in MULTIPART)
    assert log.calls["CompleteMultipartUpload"] == len(MULTIPART)
    client = aws_env.client()
    for obj in report.objects:
        head = client.head_object(Bucket=s3_bucket, Key=obj.key)
        assert head["Metadata"]["sha256"] == hashlib.sha256(obj.path.read_bytes()).hexdigest()
        relative = obj.key.removeprefix("collection/tile-1/")
        # moto, like S3, gives multipart objects an ETag "<md5 of md5s>-<parts>"
        assert head["ETag"].endswith(f'-{parts_of(obj.size)}"') == (relative in MULTIPART)
    assert aws_env.multipart_uploads(s3_bucket) == []


@FLAVOURS
async def test_a_rerun_sends_nothing_and_a_changed_file_goes_up_again(
    flavour: str, aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    destination = f"s3://{s3_bucket}/t1"
    await upload(make_uploader(aws_env, flavour), tile, destination)

    uploader = make_uploader(aws_env, flavour)
    log = RequestLog(uploader.client)
    again = await upload(uploader, tile, destination)
    assert {o.status for o in again.objects} == {"skipped"}
    assert again.bytes_sent == 0
    assert log.writes() == 0
    assert log.calls["HeadObject"] == len(SIZES)

    same_size_change(tile / "small.tif")
    same_size_change(tile / "large.tif")
    log.calls.clear()
    changed = await upload(uploader, tile, destination)
    statuses = {o.key.removeprefix("t1/"): o.status for o in changed.objects}
    assert statuses == {
        name: "uploaded" if name in ("small.tif", "large.tif") else "skipped" for name in SIZES
    }
    assert changed.bytes_sent == SIZES["small.tif"] + SIZES["large.tif"]
    assert log.calls["PutObject"] == 1
    assert log.calls["UploadPart"] == parts_of(SIZES["large.tif"])
    assert remote_files(aws_env, s3_bucket, "t1") == local_files(tile)


async def test_an_object_without_the_checksum_metadata_is_replaced(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    # the same bytes, written by another tool: no sha256 metadata, so not trusted
    aws_env.client().put_object(
        Bucket=s3_bucket, Key="t/small.tif", Body=(tile / "small.tif").read_bytes()
    )
    report = await upload(
        make_uploader(aws_env, "sync"), [tile / "small.tif"], f"s3://{s3_bucket}/t"
    )
    assert [o.status for o in report.objects] == ["uploaded"]
    head = aws_env.client().head_object(Bucket=s3_bucket, Key="t/small.tif")
    assert head["Metadata"] == {"sha256": report.objects[0].sha256}


class _FailAfter:
    """Makes ``UploadPart`` fail once ``allowed`` parts went through (a dropped connection)."""

    def __init__(self, client: Any, allowed: int) -> None:
        self.allowed = allowed
        client.meta.events.register("before-call.s3.UploadPart", self)

    def __call__(self, **_: Any) -> None:
        if self.allowed <= 0:
            raise ConnectionResetError("injected: connection reset after N parts")
        self.allowed -= 1


@FLAVOURS
async def test_an_interrupted_multipart_upload_is_resumed_from_the_parts_in_place(
    flavour: str, aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    large = tile / "large.tif"
    total_parts = parts_of(SIZES["large.tif"])
    one_at_a_time = TransferConfig(
        multipart_threshold=CONFIG.multipart_threshold, part_size=PART, max_concurrency=1
    )
    first = make_uploader(aws_env, flavour, config=one_at_a_time)
    _FailAfter(first.client, allowed=2)

    with pytest.raises(S3UploadError) as caught:
        await upload(first, [large, tile / "small.tif"], f"s3://{s3_bucket}/t")
    assert list(caught.value.failures) == ["t/large.tif"]
    assert caught.value.completed == ["t/small.tif"]
    assert "run the upload again" in str(caught.value)
    # nothing visible under the key, one unfinished upload holding the two parts
    assert "large.tif" not in remote_files(aws_env, s3_bucket, "t")
    [pending] = aws_env.multipart_uploads(s3_bucket)
    assert pending["Key"] == "t/large.tif"

    second = make_uploader(aws_env, flavour)
    log = RequestLog(second.client)
    progress: list[tuple[int, int]] = []
    report = await upload(
        second,
        [large, tile / "small.tif"],
        f"s3://{s3_bucket}/t",
        progress=lambda done, total: progress.append((done, total)),
    )

    assert [o.status for o in report.objects] == ["resumed", "skipped"]
    assert log.calls["UploadPart"] == total_parts - 2
    assert log.calls["CreateMultipartUpload"] == 0
    assert report.bytes_sent == SIZES["large.tif"] - 2 * PART
    assert aws_env.read(s3_bucket, "t/large.tif") == large.read_bytes()
    assert aws_env.multipart_uploads(s3_bucket) == []
    # the parts already in the bucket count as done from the start
    total = SIZES["large.tif"] + SIZES["small.tif"]
    assert progress[-1] == (total, total)
    assert progress[0][0] <= SIZES["small.tif"] + 2 * PART


async def test_an_unfinished_upload_that_does_not_match_the_file_is_aborted_and_restarted(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    large = tile / "large.tif"
    client = aws_env.client()
    stale = client.create_multipart_upload(
        Bucket=s3_bucket, Key="t/large.tif", ChecksumAlgorithm="CRC32"
    )
    client.upload_part(
        Bucket=s3_bucket,
        Key="t/large.tif",
        UploadId=stale["UploadId"],
        PartNumber=1,
        Body=b"x" * PART,
        ChecksumAlgorithm="CRC32",
    )

    uploader = make_uploader(aws_env, "sync")
    log = RequestLog(uploader.client)
    report = await upload(uploader, [large], f"s3://{s3_bucket}/t")

    assert [o.status for o in report.objects] == ["uploaded"]
    assert log.calls["AbortMultipartUpload"] == 1
    assert log.calls["UploadPart"] == parts_of(SIZES["large.tif"])
    assert aws_env.read(s3_bucket, "t/large.tif") == large.read_bytes()
    assert aws_env.multipart_uploads(s3_bucket) == []


@FLAVOURS
async def test_progress_adds_up_to_the_tile_size(
    flavour: str, aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    total = sum(SIZES.values())
    seen: list[tuple[int, int]] = []
    await upload(
        make_uploader(aws_env, flavour),
        tile,
        f"s3://{s3_bucket}/p",
        progress=lambda done, whole: seen.append((done, whole)),
    )
    assert seen[0] == (0, total)
    assert seen[-1] == (total, total)
    assert all(whole == total for _, whole in seen)
    dones = [done for done, _ in seen]
    assert dones == sorted(dones)
    # the first report, then one per request that carried bytes (a small file or a part)
    with_bytes = sum(parts_of(SIZES[n]) for n in MULTIPART) + len(
        [n for n, size in SIZES.items() if n not in MULTIPART and size]
    )
    assert len(seen) == 1 + with_bytes

    again: list[tuple[int, int]] = []
    await upload(
        make_uploader(aws_env, flavour),
        tile,
        f"s3://{s3_bucket}/p",
        progress=lambda done, whole: again.append((done, whole)),
    )
    assert again[-1] == (total, total)


def test_a_file_changed_during_the_upload_is_not_stored_with_a_wrong_checksum(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    small = tile / "small.tif"
    uploader = make_uploader(aws_env, "sync")
    assert isinstance(uploader, S3Uploader)

    def change(**_: Any) -> None:
        same_size_change(small)

    # the file changes after it was hashed, before it is read for sending
    uploader.client.meta.events.register("before-call.s3.HeadObject", change)
    with pytest.raises(S3UploadError) as caught:
        uploader.upload_tile([small], f"s3://{s3_bucket}/t")
    assert "changed while it was being uploaded" in str(caught.value.failures["t/small.tif"])
    assert remote_files(aws_env, s3_bucket, "t") == {}


async def test_cancelling_the_async_upload_stops_at_a_part_boundary_and_a_rerun_resumes(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    large = tile / "large.tif"
    started, release = threading.Event(), threading.Event()
    one_at_a_time = TransferConfig(
        multipart_threshold=CONFIG.multipart_threshold, part_size=PART, max_concurrency=1
    )
    uploader = make_uploader(aws_env, "async", config=one_at_a_time)

    def hold_first_part(**_: Any) -> None:
        if not started.is_set():
            started.set()
            release.wait(timeout=30)

    uploader.client.meta.events.register("before-call.s3.UploadPart", hold_first_part)
    async with anyio.create_task_group() as group:
        group.start_soon(upload, uploader, [large], f"s3://{s3_bucket}/t")
        await anyio.to_thread.run_sync(started.wait)
        group.cancel_scope.cancel()
    release.set()
    # the worker finishes the part in flight, then starts nothing more
    for thread in threading.enumerate():
        if thread.name.startswith("shc-s3"):
            await anyio.to_thread.run_sync(thread.join, 30)

    [pending] = aws_env.multipart_uploads(s3_bucket)
    client = aws_env.client()
    listed = client.list_parts(Bucket=s3_bucket, Key="t/large.tif", UploadId=pending["UploadId"])
    assert [part["PartNumber"] for part in listed["Parts"]] == [1]
    assert remote_files(aws_env, s3_bucket, "t") == {}

    second = make_uploader(aws_env, "async")
    log = RequestLog(second.client)
    report = await upload(second, [large], f"s3://{s3_bucket}/t")
    assert [o.status for o in report.objects] == ["resumed"]
    assert log.calls["UploadPart"] == parts_of(SIZES["large.tif"]) - 1
    assert aws_env.read(s3_bucket, "t/large.tif") == large.read_bytes()
    assert aws_env.multipart_uploads(s3_bucket) == []


def test_a_resumed_upload_of_a_file_changed_after_the_interruption_ends_right(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    large = tile / "large.tif"
    one_at_a_time = TransferConfig(
        multipart_threshold=CONFIG.multipart_threshold, part_size=PART, max_concurrency=1
    )
    first = make_uploader(aws_env, "sync", config=one_at_a_time)
    _FailAfter(first.client, allowed=2)
    with pytest.raises(S3UploadError):
        first.upload_tile([large], f"s3://{s3_bucket}/t")  # type: ignore[union-attr]

    # the change lies in a part not sent yet: the two parts in the bucket still match, but the
    # unfinished upload was started with the old file's SHA-256
    data = bytearray(large.read_bytes())
    data[-1] ^= 0xFF
    large.write_bytes(bytes(data))

    uploader = make_uploader(aws_env, "sync")
    report = uploader.upload_tile([large], f"s3://{s3_bucket}/t")  # type: ignore[union-attr]

    assert aws_env.read(s3_bucket, "t/large.tif") == bytes(data)
    head = aws_env.client().head_object(Bucket=s3_bucket, Key="t/large.tif")
    assert head["Metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert [o.status for o in report.objects] == ["uploaded"]
    assert aws_env.multipart_uploads(s3_bucket) == []
    # and now it is in place: a re-run skips it
    again = uploader.upload_tile([large], f"s3://{s3_bucket}/t")  # type: ignore[union-attr]
    assert [o.status for o in again.objects] == ["skipped"]


def test_requests_overlap_up_to_max_concurrency(
    aws_env: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    tile = make_tile(tmp_path / "tile")
    uploader = make_uploader(aws_env, "sync")
    assert isinstance(uploader, S3Uploader)
    # the first two writes wait for each other: a sequential uploader would break the barrier
    barrier = threading.Barrier(2, timeout=30)
    lock = threading.Lock()
    state = {"in_flight": 0, "most": 0, "writes": 0}

    def before(model: Any, **_: Any) -> None:
        if model.name not in ("PutObject", "UploadPart"):
            return
        with lock:
            state["in_flight"] += 1
            state["most"] = max(state["most"], state["in_flight"])
            state["writes"] += 1
            first_two = state["writes"] <= 2
        if first_two:
            barrier.wait()

    def after(model: Any, **_: Any) -> None:
        if model.name in ("PutObject", "UploadPart"):
            with lock:
                state["in_flight"] -= 1

    uploader.client.meta.events.register("before-call.s3.*", before)
    uploader.client.meta.events.register("after-call.s3.*", after)
    uploader.upload_tile(tile, f"s3://{s3_bucket}/c")

    assert 2 <= state["most"] <= CONFIG.max_concurrency
    assert remote_files(aws_env, s3_bucket, "c") == local_files(tile)
