"""Tile file downloads: remote paths and their URLs, local paths, which file a download is of
(no I/O)."""

from __future__ import annotations

import ntpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final
from urllib.parse import quote

from sentinelhub_client._core.errors import DownloadError, SentinelHubValidationError

__all__ = [
    "PART_SUFFIX",
    "SIDECAR_SUFFIX",
    "Source",
    "file_note",
    "file_url",
    "files_url",
    "listing_note",
    "local_target",
    "part_path",
    "sidecar_path",
    "tile_targets",
    "validate_remote_path",
]

#: Suffixes of the partial file and of its sidecar, appended to the destination's name.
PART_SUFFIX: Final = ".part"
SIDECAR_SUFFIX: Final = ".part.json"


def _id_segment(name: str, value: object) -> str:
    text = str(value) if value is not None else ""
    if not text.strip():
        raise SentinelHubValidationError(f"{name} must not be empty", field=name)
    return quote(text, safe="")


def validate_remote_path(path: object) -> str:
    """``path`` if it can name a file of a tile in a URL, else `SentinelHubValidationError`.

    Paths are relative and ``/``-separated, as the listing gives them. Empty, ``.`` and ``..``
    segments are refused: HTTP clients and servers collapse them, so the request would name
    another file than the one meant.
    """
    if not isinstance(path, str) or not path:
        raise SentinelHubValidationError(
            f"path must be a non-empty string, got {path!r}", field="path"
        )
    if "\x00" in path:
        raise SentinelHubValidationError(f"path contains a NUL character: {path!r}", field="path")
    if path.startswith("/"):
        raise SentinelHubValidationError(
            f"path must be relative to the tile (as the file listing gives it), got {path!r}",
            field="path",
        )
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise SentinelHubValidationError(
            f"path must not contain empty, '.' or '..' segments, got {path!r}", field="path"
        )
    return path


def files_url(base_path: str, collection_id: object, tile_id: object) -> str:
    """The URL (relative to the host) listing a tile's files."""
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    return (
        f"{base}/collections/{_id_segment('collection_id', collection_id)}"
        f"/tiles/{_id_segment('tile_id', tile_id)}/files"
    )


def file_url(base_path: str, collection_id: object, tile_id: object, path: str) -> str:
    """The URL of one file: ``/`` kept as ``/``, every other reserved character percent-encoded."""
    return (
        files_url(base_path, collection_id, tile_id)
        + "/"
        + quote(validate_remote_path(path), safe="/")
    )


def local_target(directory: Path, remote_path: str) -> Path:
    """Where the tile file ``remote_path`` goes under ``directory``; never outside it.

    Absolute paths, drive letters, backslashes and ``.``/``..`` segments are refused with
    `DownloadError`: a path the server sends must not choose where on disk the file lands.
    """
    problem = None
    if not isinstance(remote_path, str) or not remote_path:
        problem = "it is empty"
    elif "\x00" in remote_path or "\\" in remote_path:
        problem = "it contains a backslash or a NUL character"
    elif remote_path.startswith("/") or ntpath.splitdrive(remote_path)[0]:
        problem = "it is absolute"
    elif any(part in ("", ".", "..") for part in remote_path.split("/")):
        problem = "it has empty, '.' or '..' segments"
    if problem is not None:
        raise DownloadError(
            f"refusing to download {remote_path!r}: {problem}, so it could land outside {directory}"
        )
    parts = PurePosixPath(remote_path).parts
    target = directory.joinpath(*parts)
    if not target.is_relative_to(directory):  # pragma: no cover - excluded by the checks above
        raise DownloadError(f"refusing to download {remote_path!r}: it leaves {directory}")
    return target


def part_path(destination: Path) -> Path:
    """``<destination>.part``: where the bytes go until the download is complete."""
    return destination.with_name(destination.name + PART_SUFFIX)


def sidecar_path(destination: Path) -> Path:
    """``<destination>.part.json``: what of the ``.part`` file is valid, for a resume."""
    return destination.with_name(destination.name + SIDECAR_SUFFIX)


def tile_targets(directory: Path, files: Iterable[str]) -> list[tuple[str, Path]]:
    """Each remote path with its local path under ``directory`` (checked), without repeats."""
    if isinstance(files, str):
        raise SentinelHubValidationError("files must be a list of paths, not one string")
    seen: dict[str, Path] = {}
    for path in files:
        if not isinstance(path, str):
            raise SentinelHubValidationError(f"files must hold path strings, got {path!r}")
        if path not in seen:
            seen[path] = local_target(directory, path)
    return list(seen.items())


@dataclass(frozen=True)
class Source:
    """Which remote file a download is of (recorded in the sidecar)."""

    collection_id: str
    tile_id: str
    path: str

    def note(self, status: int | None) -> str | None:
        """The hint added to an error about this file (see `file_note`)."""
        return file_note(status, self.path, *self.ids)

    @property
    def ids(self) -> tuple[str, str]:
        """``(collection_id, tile_id)``."""
        return self.collection_id, self.tile_id

    @classmethod
    def checked(cls, base_path: str, collection_id: object, tile_id: object, path: str) -> Source:
        """The source of ``path`` in a tile, after the checks of `file_url` (else
        `SentinelHubValidationError`)."""
        file_url(base_path, collection_id, tile_id, path)
        return cls(str(collection_id), str(tile_id), path)

    def to_json(self) -> dict[str, str]:
        """The JSON form."""
        return {"collection_id": self.collection_id, "tile_id": self.tile_id, "path": self.path}


def file_note(status: int | None, path: str, collection_id: object, tile_id: object) -> str | None:
    """A hint appended to errors about a tile file (404 has several causes)."""
    if status == 404:
        return (
            f"no file {path!r} in tile {tile_id} of collection {collection_id}, no such tile or "
            "collection, or the collection was not made by a Planet subscription or order "
            "(only those have files)"
        )
    if status == 416:
        return "the range starts beyond the end of the file; get its size first"
    return None


def listing_note(status: int | None, collection_id: object, tile_id: object) -> str | None:
    """A hint for errors of the file listing."""
    if status == 404:
        return (
            f"no tile {tile_id} in collection {collection_id}, or the collection was not made "
            "by a Planet subscription or order (only those have files)"
        )
    return None
