"""Tile file downloads: the disk side (blocking calls; the async shell runs them in threads).

- `PartFile`: the ``<destination>.part`` file, locked against a second download of the same
  destination, sized (and, where the file system can, allocated) up front so that parallel ranges
  are written in place with ``pwrite`` and a full disk shows at the start.
- The resume sidecar ``<destination>.part.json`` is replaced atomically (temp file and
  ``os.replace``) about every second, from a thread of its own. It lists the bytes written and,
  apart, those flushed with ``fdatasync`` (now and then), with the id of the machine's boot: a
  killed process loses nothing, a power cut only what had not been flushed; no sidecar ever
  promises bytes the ``.part`` file lacks. Each of these checkpoints also starts the kernel's
  writeback of the file (``posix_fadvise(DONTNEED)``: no waiting, and pages already on disk
  leave the page cache, so a large download does not crowd it), so that the final fsync has
  little left to do.
- `finalize`: fsync, then ``os.replace`` into place, fsync of the folder, sidecar removed.
- The blocking steps of a download (`look`, `open_part`, the `PartWriter` methods), which
  `sentinelhub_client.byoc.files.flow` asks the shells to run.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from sentinelhub_client._core.errors import DownloadDiskError, DownloadError, DownloadExistsError
from sentinelhub_client.byoc.files.calls import RemoteFile
from sentinelhub_client.byoc.files.job import FileJob
from sentinelhub_client.byoc.files.paths import part_path, sidecar_path
from sentinelhub_client.byoc.files.ranges import Segment
from sentinelhub_client.byoc.files.state import Checkpoint

try:  # POSIX only: an advisory lock so that two downloads never share one .part file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "PartFile",
    "PartWriter",
    "boot_id",
    "check_destination",
    "disk_errors",
    "finalize",
    "look",
    "open_part",
    "plan_tile",
    "read_sidecar",
    "remove_sidecar",
    "write_sidecar",
]

logger = logging.getLogger(__name__)

#: Errors of ``posix_fallocate`` that mean "no room" (anything else: the file system cannot
#: preallocate, and the sparse file made by ``ftruncate`` does).
_NO_ROOM = frozenset({errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)})


@contextlib.contextmanager
def disk_errors(path: Path, destination: Path) -> Iterator[None]:
    """Turn an `OSError` of the block into `DownloadDiskError` naming the file."""
    try:
        yield
    except DownloadError:
        raise
    except OSError as exc:
        failed = Path(exc.filename) if isinstance(exc.filename, str) else path
        raise DownloadDiskError(exc, path=failed, destination=destination) from exc


def check_destination(destination: Path, *, overwrite: bool) -> None:
    """Refuse an existing destination unless ``overwrite``; create its folder."""
    if destination.is_dir():
        raise DownloadError(f"{destination} is a directory; give the path of a file to write")
    if destination.exists() and not overwrite:
        raise DownloadExistsError(destination)
    with disk_errors(destination.parent, destination):
        destination.parent.mkdir(parents=True, exist_ok=True)


class PartFile:
    """The ``.part`` file of one download, written at any offset, from any thread."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd = fd
        self._seek_lock = threading.Lock()  # only where there is no pwrite

    @classmethod
    def open(cls, path: Path, *, fresh: bool) -> PartFile:
        """Open (creating) and lock ``path``; ``fresh`` empties it.

        Raises `DownloadError` when another download holds the lock.
        """
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags, 0o666)
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise DownloadError(
                        f"{path} is being written by another download of the same file; "
                        "wait for it to finish"
                    ) from None
            if fresh:
                os.ftruncate(fd, 0)
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd)

    def size(self) -> int:
        """The current size of the file."""
        return os.fstat(self._fd).st_size

    def allocate(self, size: int) -> None:
        """Give the file ``size`` bytes (sparse), and reserve the blocks where possible.

        Raises `OSError` (ENOSPC, ...) when the disk cannot hold the file.
        """
        if self.size() != size:
            os.ftruncate(self._fd, size)
        if size and hasattr(os, "posix_fallocate"):
            try:
                os.posix_fallocate(self._fd, 0, size)
            except OSError as exc:
                if exc.errno in _NO_ROOM:
                    raise
                logger.debug("cannot preallocate %s (%s); writing it sparse", self.path, exc)

    def truncate(self) -> None:
        """Empty the file (a restart from zero)."""
        os.ftruncate(self._fd, 0)

    def write(self, offset: int, chunks: Sequence[bytes]) -> int:
        """Write ``chunks`` back to back at ``offset``; returns the byte count."""
        views = [memoryview(chunk) for chunk in chunks if chunk]
        total = sum(len(view) for view in views)
        if hasattr(os, "pwritev"):
            while views:
                written = os.pwritev(self._fd, views, offset)
                offset += written
                while views and written >= len(views[0]):
                    written -= len(views[0])
                    views.pop(0)
                if views and written:
                    views[0] = views[0][written:]
            return total
        with self._seek_lock:  # pragma: no cover - Windows
            os.lseek(self._fd, offset, os.SEEK_SET)
            for view in views:
                while view:
                    view = view[os.write(self._fd, view) :]
        return total

    def datasync(self) -> None:
        """Flush the written bytes to the disk (before a sidecar says they are there)."""
        if hasattr(os, "fdatasync"):
            os.fdatasync(self._fd)
        else:  # pragma: no cover - macOS, Windows
            os.fsync(self._fd)

    def start_writeback(self) -> None:
        """Ask the kernel to start writing the dirty pages out now, without waiting (so that the
        final fsync finds little left to do). Pages already written out leave the page cache."""
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(self._fd, 0, 0, os.POSIX_FADV_DONTNEED)

    def sync(self) -> None:
        """Flush data and metadata (before the rename)."""
        os.fsync(self._fd)

    def close(self) -> None:
        """Close (and unlock) the file; a second call does nothing."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)


def read_sidecar(path: Path) -> bytes | None:
    """The sidecar's bytes, or None when there is none."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_sidecar(path: Path, payload: bytes) -> None:
    """Replace the sidecar atomically (a temp file renamed over it).

    No fsync: a sidecar has to survive the process, which the page cache ensures; after a
    reboot only its ``synced`` ranges count (see `resume_point`), and a sidecar torn by a power
    cut does not parse, so the download starts over.
    """
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temporary.write_bytes(payload)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def boot_id() -> str | None:
    """An id of the machine's current boot (Linux), or None where there is none to read."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def look(destination: Path, *, resume: bool) -> tuple[bytes | None, int | None, str | None]:
    """What an earlier attempt left: the sidecar and the size of the ``.part`` file (None when
    absent, and both None without ``resume``); and the id of the machine's boot (`boot_id`)."""
    boot = boot_id()
    if not resume:
        return None, None, boot
    part = part_path(destination)
    with disk_errors(part, destination):
        sidecar = read_sidecar(sidecar_path(destination))
        return sidecar, part.stat().st_size if part.exists() else None, boot


def open_part(job: FileJob, *, fresh: bool) -> PartFile:
    """Open the ``.part`` file of ``job``; ``fresh``: empty it and drop the sidecar first."""
    with disk_errors(job.part, job.destination):
        if fresh:
            remove_sidecar(job.sidecar)
        return PartFile.open(job.part, fresh=fresh)


def remove_sidecar(path: Path) -> None:
    """Delete the sidecar if there is one."""
    path.unlink(missing_ok=True)


def _fsync_directory(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)


def finalize(part: PartFile, destination: Path, sidecar: Path, *, overwrite: bool) -> Path:
    """Move the complete ``.part`` file into place atomically and drop the sidecar.

    The caller has checked the content (`FileJob.verify_complete`) and fsynced ``part``.
    """
    part.close()
    if not overwrite and destination.exists():
        raise DownloadExistsError(destination)
    os.replace(part.path, destination)
    _fsync_directory(destination.parent)
    remove_sidecar(sidecar)
    return destination


def plan_tile(
    targets: Sequence[tuple[str, Path]],
    remotes: Sequence[RemoteFile],
    *,
    overwrite: bool,
) -> tuple[list[tuple[str, Path, RemoteFile]], int]:
    """Which files of a tile still need a download, and the bytes already complete on disk.

    A file counts as complete when it exists with the server's size and has no ``.part``. Any
    other existing file raises `DownloadExistsError` unless ``overwrite`` (then it is fetched
    again). Only ``stat`` calls.
    """
    todo = []
    done = 0
    for (path, target), remote in zip(targets, remotes, strict=True):
        if target.exists() and not overwrite:
            complete = (
                target.is_file()
                and target.stat().st_size == remote.size
                and not part_path(target).exists()
            )
            if not complete:
                raise DownloadExistsError(target)
            logger.debug("Skipping %s: already complete", target)
            done += remote.size
            continue
        todo.append((path, target, remote))
    return todo, done


class PartWriter:
    """The ``.part`` file of one download, and its resume sidecar written in the background.

    `poke` (after every write) starts a sidecar write when `FileJob.begin_checkpoint` says one
    is due; it runs in a thread of its own, so that an ``fdatasync`` (of a durable checkpoint)
    never stalls the transfer. One write at a time; a failure is raised by the next `poke` or by
    `raise_failure`. `wait` before anything that changes the file or the sidecar.
    """

    def __init__(self, job: FileJob, part: PartFile) -> None:
        self.job = job
        self.part = part
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    def write(self, segment: Segment, chunks: Sequence[bytes]) -> int:
        """Write ``chunks`` at ``segment.pos``; the byte count (to hand to `wrote`)."""
        with disk_errors(self.part.path, self.job.destination):
            return self.part.write(segment.pos, chunks)

    def wrote(self, segment: Segment, count: int) -> int:
        """Record ``count`` bytes written at ``segment.pos`` and `poke`; returns ``count``. (Not
        blocking: the async shell calls it on the event loop, where progress is reported.)"""
        self.job.record(segment, count)
        self.poke()
        return count

    def allocate(self) -> None:
        """Give the ``.part`` file the job's size (see `PartFile.allocate`)."""
        with disk_errors(self.job.part, self.job.destination):
            self.part.allocate(self.job.size)

    def restart(self) -> None:
        """Start over from zero: no sidecar, nothing written counts, an empty ``.part`` file."""
        self.wait()
        with disk_errors(self.job.part, self.job.destination):
            remove_sidecar(self.job.sidecar)
            self.job.forget()
            self.part.truncate()

    def complete(self) -> int:
        """Wait for the last sidecar write (raising its failure), fsync the ``.part`` file;
        returns its size."""
        with disk_errors(self.job.part, self.job.destination):
            self.wait()
            self.raise_failure()
            self.part.sync()
            return self.part.size()

    def finalize(self, *, overwrite: bool) -> Path:
        """`finalize` the checked ``.part`` file into place."""
        with disk_errors(self.job.destination, self.job.destination):
            return finalize(self.part, self.job.destination, self.job.sidecar, overwrite=overwrite)

    def abandon(self) -> None:
        """After a failure: write the sidecar (what was written stays usable for a resume; a
        failure to write it is ignored), then wait for the sidecar writes."""
        try:
            with contextlib.suppress(Exception):
                self.flush()
        finally:
            self.wait()

    def poke(self) -> None:
        """Start a sidecar write if one is due (non-blocking)."""
        self.raise_failure()
        checkpoint = self.job.begin_checkpoint()
        if checkpoint is None:
            return
        self._thread = threading.Thread(
            target=self._write, args=(checkpoint,), name="shc-checkpoint", daemon=True
        )
        self._thread.start()

    def _write(self, checkpoint: Checkpoint) -> None:
        written = False
        try:
            self._checkpoint(checkpoint)
            written = True
        except BaseException as exc:
            self._failure = exc
        finally:
            self.job.end_checkpoint(written=written)

    def _checkpoint(self, checkpoint: Checkpoint) -> None:
        with disk_errors(self.job.sidecar, self.job.destination):
            if checkpoint.durable:
                self.part.datasync()
            else:
                self.part.start_writeback()
            payload = self.job.checkpoint_payload(checkpoint, flushed=checkpoint.durable)
            write_sidecar(self.job.sidecar, payload)

    def wait(self) -> None:
        """Block until a running sidecar write is done."""
        thread = self._thread
        if thread is not None:
            thread.join()
            self._thread = None

    def raise_failure(self) -> None:
        """Raise the error of a failed background write, once."""
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def flush(self) -> None:
        """Write the sidecar now, in this thread (e.g. when a download stops on an error)."""
        self.wait()
        checkpoint = self.job.begin_checkpoint(force=True)
        if checkpoint is None:
            return
        written = False
        try:
            self._checkpoint(checkpoint)
            written = True
        finally:
            self.job.end_checkpoint(written=written)
