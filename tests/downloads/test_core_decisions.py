"""The decisions the two download shells share, driven without a network or an event loop: the
steps of one file's download (`flow.file_steps`), the restart from zero (`start_over`), the body
of one answer (`SegmentBody`), the settings and the bookkeeping of a tile."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sentinelhub_client._core.errors import (
    DownloadError,
    SentinelHubValidationError,
    TileDownloadError,
)
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client.byoc.files import flow
from sentinelhub_client.byoc.files.calls import RemoteFile
from sentinelhub_client.byoc.files.job import Anomaly, FileJob, SegmentBody, start_over
from sentinelhub_client.byoc.files.options import Settings
from sentinelhub_client.byoc.files.paths import Source
from sentinelhub_client.byoc.files.progress import ProgressAggregator
from sentinelhub_client.byoc.files.ranges import Segment
from sentinelhub_client.byoc.files.tiles import Tile

SOURCE = Source("c", "t", "a/b.tif")
CONTENT = bytes(range(256)) * 40  # 10240 bytes
REMOTE = RemoteFile("a/b.tif", len(CONTENT), '"e1"')
PART = 4096
LOG = logging.getLogger("tests.downloads.decisions")

Transfer = Callable[[flow.Transfer], None]


def settings(**changes: Any) -> Settings:
    options: dict[str, Any] = {
        "overwrite": False,
        "resume": True,
        "concurrency": 2,
        "chunk_size": 1024,
        "part_size": PART,
        "retry": None,
        "max_attempts": None,
        "byoc_base_path": "/api/v1/byoc",
    }
    options.update(changes)
    return Settings.checked(RetryPolicy(), **options)


def job(remote: RemoteFile = REMOTE, ranged: bool = True) -> FileJob:
    return FileJob(
        source=SOURCE,
        destination=Path("unused"),
        remote=remote,
        progress=ProgressAggregator(None),
        policy=RetryPolicy(),
        url="http://host/f",
        ranged=ranged,
    )


def write_all(content: bytes = CONTENT, *, stop_after: int | None = None) -> Transfer:
    """A transfer that writes every missing segment (only ``stop_after`` of them, then raises
    ``KeyboardInterrupt``, when given)."""

    def transfer(step: flow.Transfer) -> None:
        for number, segment in enumerate(step.job.segments(PART)):
            if stop_after is not None and number == stop_after:
                raise KeyboardInterrupt
            data = content[segment.pos : segment.stop]
            step.writer.wrote(segment, step.writer.write(segment, [data]))

    return transfer


def fails(kind: str) -> Transfer:
    def transfer(step: flow.Transfer) -> None:
        raise Anomaly(kind, f"{kind} happened")  # type: ignore[arg-type]

    return transfer


class Shell:
    """Makes the steps as the sync shell does, with scripted transfers and HEADs."""

    def __init__(self, transfers: list[Transfer], heads: list[RemoteFile] | None = None) -> None:
        self.transfers = transfers
        self.heads = heads if heads is not None else []
        self.steps: list[flow.Step] = []
        self.ranged: list[bool] = []

    def make(self, step: flow.Step) -> Any:
        self.steps.append(step)
        if isinstance(step, flow.Disk):
            return step.call()
        if isinstance(step, flow.Transfer):
            self.ranged.append(step.job.ranged)
            return self.transfers.pop(0)(step)
        return self.heads.pop(0)

    def kinds(self) -> list[str]:
        names = {flow.Disk: "disk", flow.Head: "head", flow.Transfer: "transfer"}
        return [names[type(step)] for step in self.steps]


def download(
    shell: Shell,
    destination: Path,
    *,
    remote: RemoteFile | None = REMOTE,
    progress: ProgressAggregator | None = None,
    **changes: Any,
) -> Path:
    steps = flow.file_steps(
        settings(**changes),
        SOURCE,
        destination,
        "http://host/f",
        progress or ProgressAggregator(None),
        remote,
        LOG,
    )
    return flow.run(steps, shell.make)


# ----------------------------------------------------------------------------- the steps


def test_a_fresh_download_runs_its_steps_in_order(tmp_path: Path) -> None:
    shell = Shell([write_all()])
    target = download(shell, tmp_path / "f.tif")
    assert target.read_bytes() == CONTENT
    # check, look, open, allocate, transfer, complete, finalize, wait
    assert shell.kinds() == ["disk"] * 4 + ["transfer"] + ["disk"] * 3
    assert [s.shield for s in shell.steps if isinstance(s, flow.Disk)] == [False] * 6 + [True]
    assert not (tmp_path / "f.tif.part").exists()
    assert not (tmp_path / "f.tif.part.json").exists()


def test_an_unknown_size_is_asked_with_a_head_and_added_to_the_progress(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    shell = Shell([write_all()], heads=[REMOTE])
    progress = ProgressAggregator(lambda done, total: seen.append((done, total)))
    download(shell, tmp_path / "f.tif", remote=None, progress=progress)
    assert shell.kinds()[:2] == ["disk", "head"]
    assert seen[-1] == (len(CONTENT), len(CONTENT))


def test_an_anomaly_starts_over_from_zero_once_after_a_new_head(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOG.name)
    shell = Shell([fails("changed"), write_all()], heads=[REMOTE])
    assert download(shell, tmp_path / "f.tif").read_bytes() == CONTENT
    # ..., transfer, restart, head, allocate, transfer, ...
    assert shell.kinds()[4:9] == ["transfer", "disk", "head", "disk", "transfer"]
    assert shell.ranged == [True, True]
    assert "over from zero: changed happened" in caplog.text


def test_a_server_that_ignores_ranges_gets_one_stream_after_the_restart(tmp_path: Path) -> None:
    shell = Shell([fails("no-ranges"), write_all()], heads=[REMOTE])
    assert download(shell, tmp_path / "f.tif").read_bytes() == CONTENT
    assert shell.ranged == [True, False]


def test_a_second_anomaly_raises_and_keeps_no_file(tmp_path: Path) -> None:
    shell = Shell([fails("changed"), fails("bad-range")], heads=[REMOTE])
    with pytest.raises(DownloadError, match=r"bad-range happened.*because changed happened"):
        download(shell, tmp_path / "f.tif")
    last = shell.steps[-1]
    assert isinstance(last, flow.Disk)
    assert last.shield  # the clean-up
    assert not (tmp_path / "f.tif").exists()


def test_an_interrupt_leaves_a_sidecar_that_the_next_run_resumes(tmp_path: Path) -> None:
    target = tmp_path / "f.tif"
    first = Shell([write_all(stop_after=1)])
    with pytest.raises(KeyboardInterrupt):
        download(first, target)
    last = first.steps[-1]
    assert isinstance(last, flow.Disk)
    assert last.shield
    sidecar = json.loads((tmp_path / "f.tif.part.json").read_bytes())
    assert sidecar["done"] == [[0, 3414]]  # the first of three equal segments

    seen: list[tuple[int, int]] = []
    second = Shell([write_all()])
    progress = ProgressAggregator(lambda done, total: seen.append((done, total)), total=10240)
    assert download(second, target, progress=progress).read_bytes() == CONTENT
    assert seen[0] == (3414, 10240)  # the resumed bytes are reported first


def test_without_resume_the_sidecar_is_not_read(tmp_path: Path) -> None:
    target = tmp_path / "f.tif"
    with pytest.raises(KeyboardInterrupt):
        download(Shell([write_all(stop_after=1)]), target)
    seen: list[tuple[int, int]] = []
    progress = ProgressAggregator(lambda done, total: seen.append((done, total)), total=10240)
    download(Shell([write_all()]), target, resume=False, progress=progress)
    assert seen[0] == (0, 10240)


def test_an_existing_destination_is_refused_before_anything_else(tmp_path: Path) -> None:
    target = tmp_path / "f.tif"
    target.write_bytes(b"old")
    shell = Shell([])
    with pytest.raises(FileExistsError):
        download(shell, target)
    assert shell.kinds() == ["disk"]


def test_a_failed_step_is_thrown_in_outside_the_shells_handler() -> None:
    """What the steps raise after handling a step's failure does not chain to it (as when
    the code ran straight, with no shell in between)."""

    def steps() -> flow.FileSteps:
        with contextlib.suppress(ValueError):
            yield flow.HEAD
        raise DownloadError("raised afterwards")

    def make(step: flow.Step) -> Any:
        raise ValueError("boom")

    with pytest.raises(DownloadError, match="afterwards") as caught:
        flow.run(steps(), make)
    assert caught.value.__context__ is None


# -------------------------------------------------------------------------- the decisions


def test_start_over_once_with_ranges_unless_the_server_ignores_them() -> None:
    changed, ignored = Anomaly("changed", "it changed"), Anomaly("no-ranges", "it sent 200")
    assert start_over(job(), None, changed) is True
    assert start_over(job(), None, ignored) is False
    assert start_over(job(ranged=False), None, changed) is False
    with pytest.raises(DownloadError, match="it sent 200 \\(after starting over once because it"):
        start_over(job(), changed, ignored)


def answer(status: int, headers: dict[str, str], *, ranged: bool = True) -> httpx.Response:
    sent = {"Range": "bytes=0-99"} if ranged else {}
    request = httpx.Request("GET", "http://host/f", headers=sent)
    return httpx.Response(status, headers=headers, request=request)


def test_a_segment_body_gathers_chunks_and_refuses_extra_bytes() -> None:
    segment = Segment(0, 100)
    body = SegmentBody(job(RemoteFile("a/b.tif", 100, '"e1"')), segment, chunk_size=40)
    body.begin(answer(206, {"content-range": "bytes 0-99/100", "etag": '"e1"'}))
    assert body.feed(b"") is False
    assert body.feed(b"x" * 30) is False
    assert body.feed(b"x" * 30) is True
    assert body.take() == [b"x" * 30, b"x" * 30]
    assert body.take() == []
    body.feed(b"y" * 10)
    with pytest.raises(Anomaly, match="more than the 100 bytes"):
        body.feed(b"z" * 91)
    assert body.take() == []  # nothing of an answer that overran is written


def test_a_segment_body_checks_the_answer_first() -> None:
    body = SegmentBody(job(RemoteFile("a/b.tif", 100, '"e1"')), Segment(0, 100), 40)
    with pytest.raises(Anomaly) as caught:
        body.begin(answer(200, {"content-length": "100"}))
    assert caught.value.kind == "no-ranges"


def test_settings_check_the_options_and_pick_the_policy() -> None:
    transport_policy = RetryPolicy(max_attempts=2)
    assert settings().policy == RetryPolicy()
    checked = Settings.checked(
        transport_policy,
        overwrite=True,
        resume=False,
        concurrency=1,
        chunk_size=1,
        part_size=1,
        retry=None,
        max_attempts=7,
        byoc_base_path="/b",
    )
    assert checked.policy == transport_policy.replace(max_attempts=7)
    for bad in ({"concurrency": 0}, {"chunk_size": True}, {"max_attempts": 0}):
        with pytest.raises(SentinelHubValidationError):
            settings(**bad)


def test_a_tile_reports_what_is_on_disk_and_names_its_failures(tmp_path: Path) -> None:
    tile = Tile("c", "t", tmp_path, ["a.tif", "b/c.json", "a.tif"])
    assert [source.path for source in tile.sources] == ["a.tif", "b/c.json"]
    remotes = [RemoteFile("a.tif", 10), RemoteFile("b/c.json", 5)]
    seen: list[tuple[int, int]] = []
    todo = tile.start(
        remotes,
        ([("b/c.json", tmp_path / "b" / "c.json", remotes[1])], 10),
        lambda done, total: seen.append((done, total)),
    )
    assert seen == [(10, 15)]
    assert [(source.path, target) for source, target, _ in todo] == [
        ("b/c.json", tmp_path / "b" / "c.json")
    ]
    assert tile.result() == [tmp_path / "a.tif", tmp_path / "b" / "c.json"]
    tile.failed(todo[0][0], OSError("disk"), LOG)
    with pytest.raises(TileDownloadError, match="1 of 2 files failed") as caught:
        tile.result()
    assert caught.value.completed == [tmp_path / "a.tif"]


def test_the_steps_of_a_tile_list_head_plan_and_download_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "a.tif").write_bytes(b"x" * 10)  # complete: skipped, counted as done
    remotes = {"a.tif": RemoteFile("a.tif", 10), "b/c.json": RemoteFile("b/c.json", 5)}
    made: list[str] = []
    seen: list[tuple[int, int]] = []

    def make(step: flow.TileStep) -> Any:
        if isinstance(step, flow.Disk):
            made.append("disk")
            return step.call()
        if isinstance(step, flow.Heads):
            made.append("heads")
            return [remotes[source.path] for source in step.sources]
        if isinstance(step, flow.Files):
            made.append("files")
            assert [source.path for source, _, _ in step.todo] == ["b/c.json"]
            step.tile.failed(step.todo[0][0], OSError("boom"), LOG)
            return None
        made.append("listing")
        return ["a.tif", "b/c.json"]

    steps = flow.tile_steps(
        "c", "t", tmp_path, None, overwrite=False, progress=lambda *s: seen.append(s)
    )
    with pytest.raises(TileDownloadError, match="1 of 2 files failed") as caught:
        flow.run(steps, make)
    assert made == ["listing", "heads", "disk", "files"]
    assert seen == [(10, 15)]
    assert caught.value.completed == [tmp_path / "a.tif"]


def test_a_tile_with_no_files_makes_no_step_and_a_complete_one_downloads_nothing(
    tmp_path: Path,
) -> None:
    def no_step(step: flow.TileStep) -> Any:
        raise AssertionError(step)

    assert (
        flow.run(flow.tile_steps("c", "t", tmp_path, [], overwrite=False, progress=None), no_step)
        == []
    )
    (tmp_path / "a.tif").write_bytes(b"x" * 3)

    async def make(step: flow.TileStep) -> Any:
        if isinstance(step, flow.Disk):
            return step.call()
        assert isinstance(step, flow.Heads)
        return [RemoteFile("a.tif", 3)]

    steps = flow.tile_steps("c", "t", tmp_path, ["a.tif"], overwrite=False, progress=None)
    assert anyio.run(flow.arun, steps, make) == [tmp_path / "a.tif"]
