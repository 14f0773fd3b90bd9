"""Tile file downloads: the public functions written once for both shells: their signatures,
their documentation and the checks of their arguments (no I/O).

Each function here has the parameters of the public function of the same name, but for the
client: in its place comes the transport's retry policy (positional-only), which the shell passes.
It checks and normalises the arguments and returns what the shell's body needs: a `Call`, a
`Reading`, a `FileDownload` or a `TileDownload`. A shell makes its public functions with
`Shell.entry` (and `Shell.coroutine` for ``async def`` ones): each takes the client, turns it into
the shell's transport, calls the function here with the rest of the arguments and hands what it
returned to the shell's body. The public function gets this module's signature (with ``client``
first) and docstring, so `help()` shows them and `tests/unit/test_twins.py` sees the same
signatures on both sides; type checkers see the same parameters (``ParamSpec``).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, Generic, NamedTuple, ParamSpec, Protocol, TypeVar, cast

from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import Call
from sentinelhub_client.byoc.files import calls, flow
from sentinelhub_client.byoc.files.options import (
    DEFAULT_BYOC_BASE_PATH,
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CONCURRENCY,
    DEFAULT_PART_SIZE,
    Settings,
    request_policy,
    validate_byte_range,
    validate_options,
)
from sentinelhub_client.byoc.files.paths import Source, file_url
from sentinelhub_client.byoc.files.progress import ProgressAggregator, ProgressCallback
from sentinelhub_client.byoc.files.reads import RangeRead

__all__ = [
    "FileDownload",
    "Reading",
    "Shell",
    "TileDownload",
    "download_tile",
    "download_tile_file",
    "get_tile_file_size",
    "iter_tile_file",
    "list_tile_files",
    "read_tile_file",
]

PathLike = str | os.PathLike[str]

P = ParamSpec("P")
A = TypeVar("A")
R = TypeVar("R")
C = TypeVar("C")
F = TypeVar("F", bound=Callable[..., Any])


class _Transport(Protocol):
    @property
    def retry(self) -> RetryPolicy: ...


T = TypeVar("T", bound=_Transport)


class Reading(NamedTuple):
    """A range read: the streamed request, the plan that reads its answers, and their options."""

    call: Call[Any]
    plan: RangeRead
    path: str
    chunk_size: int


@dataclass(frozen=True)
class FileDownload:
    """One file's download: its checked options, the file and where it goes."""

    settings: Settings
    source: Source
    destination: Path
    progress: ProgressAggregator


@dataclass(frozen=True)
class TileDownload:
    """A tile's download: its checked options, its steps, and the request listing its files."""

    settings: Settings
    steps: flow.TileSteps
    listing: Call[list[str]]


def list_tile_files(
    default_retry: RetryPolicy,
    /,
    collection_id: str,
    tile_id: str,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> Call[list[str]]:
    """The paths of a tile's files, relative to the tile and ``/``-separated.

    Only tiles of collections made by a Planet subscription or order have files; for any other
    collection the service answers 404 (`NotFoundError`).
    """
    policy = request_policy(default_retry, retry)
    return calls.listing_call(byoc_base_path, collection_id, tile_id, policy)


def get_tile_file_size(
    default_retry: RetryPolicy,
    /,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> Call[calls.RemoteFile]:
    """The size in bytes of one file of a tile (a ``HEAD`` request)."""
    source = Source(str(collection_id), str(tile_id), path)
    return calls.head_call(byoc_base_path, source, request_policy(default_retry, retry))


def iter_tile_file(
    default_retry: RetryPolicy,
    /,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    start: int | None = None,
    end: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> Reading:
    """Stream bytes ``start..end`` of a file (``end`` inclusive, like HTTP ranges) in chunks.

    ``start`` defaults to 0 and ``end`` to the last byte; an ``end`` past the file stops at its
    last byte. Arguments are checked at once (`SentinelHubValidationError`, a ``ValueError``);
    nothing is sent until the iterator is first advanced. A connection dropped midway is resumed
    where it stopped (``Range`` + ``If-Range``); if the file changed meanwhile, `DownloadError`.
    A range starting beyond the end of the file raises `APIError` with status 416.
    """
    url = file_url(byoc_base_path, collection_id, tile_id, path)
    plan = RangeRead(*validate_byte_range(start, end))
    validate_options(concurrency=1, chunk_size=chunk_size, part_size=1, max_attempts=None)
    source = Source(str(collection_id), str(tile_id), path)
    call = calls.range_call(url, plan, source, request_policy(default_retry, retry))
    return Reading(call, plan, path, chunk_size)


def read_tile_file(
    default_retry: RetryPolicy,
    /,
    collection_id: str,
    tile_id: str,
    path: str,
    start: int | None = None,
    end: int | None = None,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> Reading:
    """Bytes ``start..end`` of a file (``end`` inclusive, like HTTP ranges), in memory.

    For whole large files use `download_tile_file`; see `iter_tile_file` for the details.
    """
    ids, base = (collection_id, tile_id, path), byoc_base_path
    return iter_tile_file(
        default_retry, *ids, start=start, end=end, byoc_base_path=base, retry=retry
    )


def download_tile_file(
    default_retry: RetryPolicy,
    /,
    collection_id: str,
    tile_id: str,
    path: str,
    destination: PathLike,
    *,
    overwrite: bool = False,
    resume: bool = True,
    concurrency: int = DEFAULT_CONCURRENCY,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    part_size: int = DEFAULT_PART_SIZE,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    max_attempts: int | None = None,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
) -> FileDownload:
    """Download one file of a tile to ``destination``; returns its path.

    The bytes are streamed to ``<destination>.part`` and never held in memory. A file larger
    than ``part_size`` is fetched as byte ranges, ``concurrency`` at a time, each retried on its
    own (the `RetryPolicy` ``retry``, ``max_attempts`` overriding its attempts; a 429's
    ``Retry-After`` is honoured). With ``resume`` (the default) a run after an interruption keeps
    the bytes on disk that ``<destination>.part.json`` vouches for; ``resume=False`` starts over.
    When done, the size is checked and the file fsynced and renamed into place.

    Args:
        destination: the file to write; its folder is created.
        overwrite: replace an existing ``destination`` (else `DownloadExistsError`).
        chunk_size: bytes buffered per connection between writes (and progress reports).
        part_size: the largest byte range of one request.
        progress: ``progress(done_bytes, total_bytes)``, called from the downloading threads
            (in the async twin, from the event loop's thread).

    Raises:
        DownloadExistsError: ``destination`` exists and ``overwrite`` is False.
        DownloadDiskError: the disk refused a write (full, read-only, ...); the ``.part`` stays.
        DownloadError: the file changed on the server during the download, twice, or the
            server's answers do not fit what was asked.
        NotFoundError, APIError, APIConnectionError: what the service (or the network) said.
    """
    options = (overwrite, resume, concurrency, chunk_size, part_size, retry, max_attempts)
    settings = Settings.checked(default_retry, *options, byoc_base_path)
    source = Source.checked(byoc_base_path, collection_id, tile_id, path)
    return FileDownload(settings, source, Path(destination), ProgressAggregator(progress))


def download_tile(
    default_retry: RetryPolicy,
    /,
    collection_id: str,
    tile_id: str,
    directory: PathLike,
    *,
    files: Iterable[str] | None = None,
    overwrite: bool = False,
    resume: bool = True,
    concurrency: int = DEFAULT_CONCURRENCY,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    part_size: int = DEFAULT_PART_SIZE,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    max_attempts: int | None = None,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
) -> TileDownload:
    """Download the files of a tile into ``directory`` (sub-folders as in the tile).

    ``files`` picks some paths (default: all, from `list_tile_files`). Files run concurrently,
    with at most ``concurrency`` requests in flight in all; ``progress`` sees one total, the sum
    of the sizes. Files already complete (same size, no ``.part``) are skipped; other existing
    files raise `DownloadExistsError` before anything is fetched, unless ``overwrite``. A path
    that would land outside ``directory`` (absolute, ``..``) raises `DownloadError`.

    Returns the local paths, in the order of ``files`` (or of the listing). When some files fail
    the others still finish, then `TileDownloadError` lists the failures.
    """
    options = (overwrite, resume, concurrency, chunk_size, part_size, retry, max_attempts)
    settings = Settings.checked(default_retry, *options, byoc_base_path)
    steps = flow.tile_steps(
        collection_id, tile_id, Path(directory), files, overwrite=overwrite, progress=progress
    )
    listing = calls.listing_call(byoc_base_path, collection_id, tile_id, settings.policy)
    return TileDownload(settings, steps, listing)


class Shell(Generic[C, T]):
    """How one shell makes its public functions: ``transport`` turns the ``client`` argument (of
    the type written ``client``) into the shell's transport; ``prefix`` goes before every name
    (``"a"`` for the async twins); ``module``: the shell's module."""

    def __init__(
        self, transport: Callable[[C], T], client: str, module: str, prefix: str = ""
    ) -> None:
        self._transport = transport
        self._client = client
        self._module = module
        self._prefix = prefix

    def entry(
        self,
        spec: Callable[Concatenate[RetryPolicy, P], A],
        body: Callable[[T, A], R],
        note: str = "",
    ) -> Callable[Concatenate[C, P], R]:
        """The public function ``spec`` of this module, made by ``body``; ``note``: what the
        docstring of an async twin adds."""

        def entry(client: C, *args: P.args, **kwargs: P.kwargs) -> R:
            transport = self._transport(client)
            return body(transport, spec(transport.retry, *args, **kwargs))

        # ``client`` may be given by name, as ever; type checkers see it by position only.
        return cast("Callable[Concatenate[C, P], R]", self._dress(entry, spec, body, note))

    def coroutine(
        self,
        spec: Callable[Concatenate[RetryPolicy, P], A],
        body: Callable[[T, A], Awaitable[R]],
        note: str = "",
    ) -> Callable[Concatenate[C, P], Coroutine[Any, Any, R]]:
        """`entry` for an ``async def`` public function: the arguments are checked when it is
        awaited, like every coroutine's."""

        async def entry(client: C, *args: P.args, **kwargs: P.kwargs) -> R:
            transport = self._transport(client)
            return await body(transport, spec(transport.retry, *args, **kwargs))

        dressed = self._dress(entry, spec, body, note)
        return cast("Callable[Concatenate[C, P], Coroutine[Any, Any, R]]", dressed)

    def _dress(self, entry: F, spec: Callable[..., Any], body: Callable[..., Any], note: str) -> F:
        """Give ``entry`` the name, docstring and signature of the public function."""
        name = self._prefix + spec.__name__
        doc = inspect.cleandoc(spec.__doc__ or "")
        if self._prefix:
            doc += f"\n\nThe async twin of `{spec.__name__}`" + (f": {note}" if note else ".")
        client = inspect.Parameter(
            "client", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=self._client
        )
        parameters = [client, *list(inspect.signature(spec).parameters.values())[1:]]
        returns = inspect.signature(body).return_annotation
        signature = inspect.Signature(parameters, return_annotation=returns)
        annotations = {p.name: p.annotation for p in parameters}
        for key, value in {
            "__name__": name,
            "__qualname__": name,
            "__module__": self._module,
            "__doc__": doc,
            "__signature__": signature,
            "__annotations__": {**annotations, "return": returns},
        }.items():
            setattr(entry, key, value)
        return entry
