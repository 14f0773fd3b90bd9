"""The I/O-free planning of downloads: byte ranges, segments, headers, resume decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sentinelhub_client._core.errors import DownloadError
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client.byoc.files.core import (
    ByteRanges,
    FileJob,
    ProgressAggregator,
    RemoteFile,
    Source,
    local_target,
    parse_content_range,
    plan_segments,
    resume_point,
    sidecar_payload,
    strong_etag,
)

SOURCE = Source("c", "t", "a/b.tif")
REMOTE = RemoteFile("a/b.tif", 1000, '"e1"')


def test_byte_ranges_merge_and_gaps() -> None:
    ranges = ByteRanges([(10, 20), (30, 40)])
    ranges.add(20, 30)
    assert ranges.ranges == [(10, 40)]
    ranges.add(0, 5)
    ranges.add(50, 60)
    ranges.add(45, 55)
    assert ranges.ranges == [(0, 5), (10, 40), (45, 60)]
    assert ranges.total() == 5 + 30 + 15
    assert ranges.missing(70) == [(5, 10), (40, 45), (60, 70)]
    ranges.add(0, 70)
    assert ranges.covers(70)
    assert ranges.missing(70) == []


def test_segments_are_equal_parts() -> None:
    segments = plan_segments([(0, 100), (150, 160)], 40)
    assert [(s.start, s.stop) for s in segments] == [(0, 34), (34, 68), (68, 100), (150, 160)]


@pytest.mark.parametrize(
    ("header", "parsed"),
    [
        ("bytes 0-9/10", (0, 9, 10)),
        ("bytes 5-5/*", (5, 5, None)),
        ("BYTES 1 - 2 / 3", (1, 2, 3)),
        ("bytes 9-0/10", None),
        ("bytes */10", None),
        ("items 0-9/10", None),
        (None, None),
    ],
)
def test_content_range(header: str | None, parsed: object) -> None:
    assert parse_content_range(header) == parsed


@pytest.mark.parametrize(("tag", "strong"), [('"x"', '"x"'), ('W/"x"', None), ("x", None)])
def test_only_strong_etags_guard_ranges(tag: str, strong: str | None) -> None:
    assert strong_etag(tag) == strong


def test_local_target_stays_inside(tmp_path: Path) -> None:
    assert local_target(tmp_path, "a/b c.tif") == tmp_path / "a" / "b c.tif"
    for evil in ("../x", "a/../../x", "/x", "C:x", "a//b", "a\\b", ""):
        with pytest.raises(DownloadError, match="refusing"):
            local_target(tmp_path, evil)


def sidecar(done: list[tuple[int, int]], synced: list[tuple[int, int]], boot: str | None) -> bytes:
    return sidecar_payload(
        SOURCE, 1000, '"e1"', ByteRanges(done), synced=ByteRanges(synced), boot_id=boot
    )


def test_resume_in_the_same_boot_keeps_every_written_byte() -> None:
    point = resume_point(
        sidecar=sidecar([(0, 600)], [(0, 200)], "boot-1"),
        part_size_on_disk=1000,
        source=SOURCE,
        remote=REMOTE,
        boot_id="boot-1",
    )
    assert point.done.ranges == [(0, 600)]
    assert point.synced.ranges == [(0, 200)]
    assert point.etag == '"e1"'


@pytest.mark.parametrize("now", ["boot-2", None])
def test_resume_after_a_reboot_keeps_only_flushed_bytes(now: str | None) -> None:
    point = resume_point(
        sidecar=sidecar([(0, 600)], [(0, 200)], "boot-1"),
        part_size_on_disk=1000,
        source=SOURCE,
        remote=REMOTE,
        boot_id=now,
    )
    assert point.done.ranges == [(0, 200)]
    assert "restarted" in point.reason


def test_resume_after_a_reboot_without_flushed_bytes_starts_over() -> None:
    point = resume_point(
        sidecar=sidecar([(0, 600)], [], "boot-1"),
        part_size_on_disk=1000,
        source=SOURCE,
        remote=REMOTE,
        boot_id="boot-2",
    )
    assert point.done.ranges == []
    assert "restarted" in point.reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"remote": RemoteFile("a/b.tif", 999, '"e1"')}, "size changed"),
        ({"remote": RemoteFile("a/b.tif", 1000, '"e2"')}, "changed on the server"),
        ({"remote": RemoteFile("a/b.tif", 1000, '"e1"', accept_ranges=False)}, "ranges"),
        ({"source": Source("c", "t", "other.tif")}, "another file"),
        ({"part_size_on_disk": 10}, ".part file does not have"),
        ({"part_size_on_disk": None}, ".part file is gone"),
        ({"sidecar": b"{"}, "unreadable"),
        ({"sidecar": json.dumps({"format": "x"}).encode()}, "another format"),
    ],
)
def test_resume_refused(change: dict[str, object], reason: str) -> None:
    arguments: dict[str, object] = {
        "sidecar": sidecar([(0, 600)], [], "b"),
        "part_size_on_disk": 1000,
        "source": SOURCE,
        "remote": REMOTE,
        "boot_id": "b",
    }
    arguments.update(change)
    point = resume_point(**arguments)  # type: ignore[arg-type]
    assert point.done.ranges == []
    assert reason in point.reason


def make_job(boot: str | None) -> FileJob:
    return FileJob(
        source=SOURCE,
        destination=Path("/nowhere/b.tif"),
        remote=REMOTE,
        progress=ProgressAggregator(None),
        policy=RetryPolicy(),
        url="https://x/f",
        boot_id=boot,
    )


def test_checkpoints_are_durable_only_now_and_then_when_the_boot_is_known() -> None:
    job = make_job("boot")
    segment = job.segments(1000)[0]
    assert job.begin_checkpoint() is None  # nothing written yet
    job.record(segment, 100)
    checkpoint = job.begin_checkpoint(force=True)
    assert checkpoint is not None
    assert not checkpoint.durable
    assert job.begin_checkpoint(force=True) is None  # one at a time
    document = json.loads(job.checkpoint_payload(checkpoint, flushed=False))
    job.end_checkpoint(written=True)
    assert document["done"] == [[0, 100]]
    assert document["synced"] == []
    assert document["boot_id"] == "boot"


def test_checkpoints_are_always_durable_when_the_boot_is_unknown() -> None:
    job = make_job(None)
    segment = job.segments(1000)[0]
    job.record(segment, 100)
    checkpoint = job.begin_checkpoint(force=True)
    assert checkpoint is not None
    assert checkpoint.durable
    job.record(segment, 50)  # written after the flush began: not covered by it
    document = json.loads(job.checkpoint_payload(checkpoint, flushed=True))
    assert document["done"] == [[0, 150]]
    assert document["synced"] == [[0, 100]]


def test_request_headers() -> None:
    job = make_job("b")
    whole, *_ = job.segments(10_000)
    assert job.request_headers(whole) == {"Accept-Encoding": "identity"}
    _first, second = job.segments(500)
    assert job.request_headers(second) == {
        "Accept-Encoding": "identity",
        "Range": "bytes=500-999",
        "If-Range": '"e1"',
    }
