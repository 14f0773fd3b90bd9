"""Tile file downloads as steps: what a download does and in which order, written once for both
shells, with no I/O of its own.

`file_steps` is the download of one file written as a generator. It makes every decision (what to
keep of an earlier attempt, when to start over from zero and whether with ranges, whether the
result is complete, what is logged) and *yields* each thing it needs done:

- `Disk`: a blocking call (of `disk`); the sync shell makes it, the async shell makes it in a
  worker thread (``shield``: even while its task is cancelled, as clean-up must);
- `HEAD`: the file's ``HEAD`` (when its size is not known yet, and before starting over);
- `Transfer`: the fetch of every missing segment, on connections the shell schedules (threads and
  a stop flag, or tasks of a task group).

`tile_steps` is `download_tile` written the same way: it lists the tile's files (`LISTING`) unless
they are given, asks for every ``HEAD`` (`Heads`), plans the tile on disk (a `Disk` step), and
has the files that are not complete yet downloaded (`Files`, each one `file_steps`); it keeps the
tile's books (`Tile`) and assembles the result.

The shell sends back what the step returned, or throws in what it raised (`Stepper`; `run` is the
sync shell's loop, `arun` the async one's). So `sync.py` and `aio.py` keep only I/O and
scheduling, and the restart from zero, the resume decisions, the clean-up and the books of a tile
exist once, where tests drive them without a network.

Why steps rather than an async shell generated from the sync one (an unasync script): the shells
differ in more than ``await``: threads and a stop flag against task groups and cancel scopes, disk
calls made in place against in worker threads, clean-up shielded from cancellation. A generated
file would need a marker at each of those places and would still carry every decision twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Generator, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from sentinelhub_client.byoc.files import disk
from sentinelhub_client.byoc.files.calls import RemoteFile
from sentinelhub_client.byoc.files.job import Anomaly, FileJob, start_over
from sentinelhub_client.byoc.files.options import Settings
from sentinelhub_client.byoc.files.paths import Source
from sentinelhub_client.byoc.files.progress import ProgressAggregator, ProgressCallback
from sentinelhub_client.byoc.files.ranges import Segment
from sentinelhub_client.byoc.files.state import resume_point
from sentinelhub_client.byoc.files.tiles import Tile

__all__ = [
    "HEAD",
    "LISTING",
    "Disk",
    "FileSteps",
    "Files",
    "Head",
    "Heads",
    "Listing",
    "Step",
    "Stepper",
    "TileStep",
    "TileSteps",
    "Transfer",
    "arun",
    "file_steps",
    "run",
    "tile_steps",
]

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")


@dataclass(frozen=True)
class Disk(Generic[T]):
    """Make the blocking call ``call`` and send back what it returns."""

    call: Callable[[], T]
    #: Async shell: make it even while the task is being cancelled (clean-up).
    shield: bool = False


class Head:
    """Send the file's ``HEAD`` and send back the `RemoteFile` it gives."""


HEAD: Final = Head()


@dataclass(frozen=True)
class Transfer:
    """Fetch every missing segment of ``job`` into ``writer`` (`FileJob.segments`); send back
    None. An `Anomaly` raised by a connection is thrown in."""

    job: FileJob
    writer: disk.PartWriter

    def plan(self, settings: Settings) -> tuple[list[Segment], int]:
        """The segments to fetch, and on how many connections (one: one after the other)."""
        segments = self.job.segments(settings.part_size)
        return segments, min(settings.concurrency, len(segments))


Step = Disk[Any] | Head | Transfer
#: The download of one file: steps out, their results in, the path of the file returned.
FileSteps = Generator[Step, Any, Path]


class Listing:
    """List the tile's files (`list_tile_files`) and send back their paths."""


LISTING: Final = Listing()


@dataclass(frozen=True)
class Heads:
    """Send the ``HEAD`` of every one of ``sources`` (at most ``concurrency`` at a time) and send
    back their `RemoteFile` values, in the order of ``sources``."""

    sources: list[Source]


@dataclass(frozen=True)
class Files:
    """Download every file of ``todo`` (`file_steps` with the `RemoteFile` given and
    ``tile.progress``), at most ``concurrency`` at a time and ``concurrency`` requests in flight
    in all; an ``Exception`` of one file goes to ``tile.failed`` and the others finish; anything
    else stops them all and is raised. Send back None."""

    tile: Tile
    todo: list[tuple[Source, Path, RemoteFile]]


TileStep = Disk[Any] | Listing | Heads | Files
#: The download of a tile's files: steps out, their results in, the local paths returned.
TileSteps = Generator[TileStep, Any, list[Path]]


class Stepper(Generic[S, R]):
    """Drives a generator of steps: `next` resumes it with the outcome of the last step (`done`
    or `failed`) and gives the next step, or None once it returned `result`."""

    result: R

    def __init__(self, steps: Generator[S, Any, R]) -> None:
        self._steps = steps
        self._sent: Any = None
        self._error: BaseException | None = None

    def next(self) -> S | None:
        """The next step (the generator's exceptions propagate), None at the end."""
        sent, error = self._sent, self._error
        self._sent = self._error = None
        try:
            return self._steps.send(sent) if error is None else self._steps.throw(error)
        except StopIteration as stop:
            self.result = stop.value
            return None

    def done(self, value: Any) -> None:
        """The step returned ``value``."""
        self._sent = value

    def failed(self, error: BaseException) -> None:
        """The step raised ``error`` (thrown in by the next `next`, outside any handler)."""
        self._error = error


def run(steps: Generator[S, Any, R], make: Callable[[S], Any]) -> R:
    """Run ``steps`` in this thread, ``make`` making each step: the sync shell's loop."""
    stepper = Stepper(steps)
    while (step := stepper.next()) is not None:
        try:
            stepper.done(make(step))
        except BaseException as exc:  # the steps clean up, then raise it again
            stepper.failed(exc)
    return stepper.result


async def arun(steps: Generator[S, Any, R], make: Callable[[S], Awaitable[Any]]) -> R:
    """Run ``steps``, awaiting ``make`` of each step: the async shell's loop (`run`'s twin)."""
    stepper = Stepper(steps)
    while (step := stepper.next()) is not None:
        try:
            stepper.done(await make(step))
        except BaseException as exc:  # the steps clean up, then raise it again
            stepper.failed(exc)
    return stepper.result


def tile_steps(
    collection_id: object,
    tile_id: object,
    directory: Path,
    files: Iterable[str] | None,
    *,
    overwrite: bool,
    progress: ProgressCallback | None,
) -> TileSteps:
    """Download ``files`` of a tile (None: those of its listing) into ``directory``: the local
    paths, in order, or `TileDownloadError` naming the files that failed (`Tile.result`)."""
    paths = files if files is not None else (yield LISTING)
    tile = Tile(collection_id, tile_id, directory, list(paths))
    if not tile.targets:
        return []
    remotes = yield Heads(tile.sources)
    plan = yield Disk(partial(disk.plan_tile, tile.targets, remotes, overwrite=overwrite))
    todo = tile.start(remotes, plan, progress)
    if todo:
        yield Files(tile, todo)
    return tile.result()


def file_steps(
    settings: Settings,
    source: Source,
    destination: Path,
    url: str,
    progress: ProgressAggregator,
    remote: RemoteFile | None,
    log: logging.Logger,
) -> FileSteps:
    """Download ``source`` (at the full URL ``url``) to ``destination``; ``remote``: what its
    ``HEAD`` said (None: ask first, and add its size to ``progress``); ``log``: the shell's."""
    yield Disk(partial(disk.check_destination, destination, overwrite=settings.overwrite))
    if remote is None:
        remote = yield HEAD
        progress.add_total(remote.size)
    sidecar, on_disk, boot = yield Disk(partial(disk.look, destination, resume=settings.resume))
    job = FileJob(
        source=source,
        destination=destination,
        remote=remote,
        progress=progress,
        policy=settings.policy,
        url=url,
        boot_id=boot,
    )
    point = resume_point(
        sidecar=sidecar, part_size_on_disk=on_disk, source=source, remote=remote, boot_id=boot
    )
    fresh = not point.done.ranges
    part = yield Disk(partial(disk.open_part, job, fresh=fresh))
    writer = disk.PartWriter(job, part)
    try:
        if fresh:
            if sidecar is not None:
                log.info("Not resuming %s: %s", destination, point.reason)
        else:
            log.info("Resuming %s: %s", destination, point.reason)
            job.resume_from(point)
        progress.report()
        final = yield from _fetch(job, writer, settings, log)
    except GeneratorExit:  # closed unfinished (the shells never do): no step can run any more
        part.close()
        raise
    except BaseException:
        try:
            yield Disk(writer.abandon, shield=True)
        finally:
            part.close()
        raise
    yield Disk(writer.wait, shield=True)
    part.close()
    return final


def _fetch(
    job: FileJob, writer: disk.PartWriter, settings: Settings, log: logging.Logger
) -> FileSteps:
    """Fetch what is missing, starting over from zero once after an `Anomaly` (`start_over`);
    check the result and move it into place."""
    yield Disk(writer.allocate)
    first: Anomaly | None = None
    while True:
        try:
            yield Transfer(job, writer)
            break
        except Anomaly as anomaly:
            ranged = start_over(job, first, anomaly)
            first = anomaly
            log.warning(
                "Starting the download of %s over from zero: %s", job.source.path, anomaly.message
            )
            yield Disk(writer.restart)
            job.replan((yield HEAD), ranged=ranged)
            yield Disk(writer.allocate)
    job.verify_complete((yield Disk(writer.complete)))
    final: Path = yield Disk(partial(writer.finalize, overwrite=settings.overwrite))
    log.info("Downloaded %s (%d bytes) to %s", job.source.path, job.size, final)
    return final
