"""OAuth tokens shared by the processes of one machine: one small file per (token URL, client).

The folder is the user cache folder, worked out as platformdirs would on Linux, with the
standard library only: ``$XDG_CACHE_HOME/sentinelhub-client/tokens``, else
``~/.cache/sentinelhub-client/tokens`` (made 0700). Each file is named by a SHA-256 of the token
URL and the client id, so neither the secret nor the client id is in a name, and holds only
``{"access_token", "expires_at"}`` (seconds since the epoch), written 0600 and replaced
atomically. The secret is never written.

A process that needs a token takes an exclusive lock on the file's ``.lock`` companion
(``fcntl.flock`` on POSIX), reads the file, and fetches a token only when the file has no
usable one, writing it before it lets go of the lock: N worker processes starting together
fetch one token. Where ``fcntl`` is missing (Windows) there is no lock: the file is still read
and written (atomically), so processes share a token once one has written it, but processes
that start together may each fetch their own. Any error reading or writing the cache is logged
and the token is fetched as without it: the cache never makes a request fail.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CachedToken",
    "FileTokenCache",
    "clear_file_cache",
    "token_cache_dir",
    "user_cache_dir",
]

logger = logging.getLogger(__name__)

#: Whether processes can lock the cache (POSIX); elsewhere see the module docstring.
CAN_LOCK: Final = fcntl is not None

CachedToken = tuple[str, float]


def user_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The package's user cache folder: ``$XDG_CACHE_HOME/sentinelhub-client``, else
    ``~/.cache/sentinelhub-client`` (token files, the ingestion record of what was sent)."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "sentinelhub-client"


def token_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/sentinelhub-client/tokens``, else ``~/.cache/...``."""
    return user_cache_dir(environ) / "tokens"


def cache_key(token_url: str, client_id: str) -> str:
    """The file name stem of a (token URL, client id): a SHA-256, so neither shows."""
    return hashlib.sha256(f"{token_url}\0{client_id}".encode()).hexdigest()


class FileTokenCache:
    """The token file of one (token URL, client id)."""

    def __init__(self, token_url: str, client_id: str, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else token_cache_dir()
        stem = cache_key(token_url, client_id)
        self.path = self.folder / f"{stem}.json"
        self._lock_path = self.folder / f"{stem}.lock"

    def _prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file's lock (across processes) for the block; no lock where unsupported,
        and none when the folder cannot be written (the block runs anyway)."""
        handle = self.lock()
        try:
            yield
        finally:
            self.unlock(handle)

    def lock(self) -> int | None:
        """Take the lock (blocking); the handle for `unlock`."""
        if fcntl is None:
            return None
        try:
            self._prepare()
            handle = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            logger.debug("token cache lock unavailable: %s", exc)
            return None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError as exc:
            os.close(handle)
            logger.debug("token cache lock failed: %s", exc)
            return None
        return handle

    @staticmethod
    def unlock(handle: int | None) -> None:
        if handle is None:
            return
        try:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)

    def read(self) -> CachedToken | None:
        """``(access_token, expires_at)`` of an unexpired cached token, else None."""
        try:
            data: Any = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.debug("token cache unreadable: %s", exc)
            return None
        if not isinstance(data, dict):
            return None
        token, expires = data.get("access_token"), data.get("expires_at")
        if not isinstance(token, str) or not token or not isinstance(expires, int | float):
            return None
        if expires <= time.time():
            return None
        return token, float(expires)

    def write(self, access_token: str, expires_at: float) -> None:
        """Store a token (0600, replaced atomically); errors are logged, not raised."""
        try:
            self._prepare()
            # mkstemp makes the file 0600
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".token-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump({"access_token": access_token, "expires_at": expires_at}, stream)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            logger.warning("could not write the shared token cache in %s: %s", self.folder, exc)

    def drop(self, access_token: str) -> None:
        """Remove the cached token if it is still ``access_token`` (a newer one is kept)."""
        cached = self.read()
        if cached is not None and cached[0] == access_token:
            with contextlib.suppress(OSError):
                self.path.unlink()


def clear_file_cache(folder: Path | None = None) -> None:
    """Remove every cached token file of this user (the next fetch writes a new one)."""
    folder = folder if folder is not None else token_cache_dir()
    with contextlib.suppress(OSError):
        for path in folder.glob("*.json"):
            with contextlib.suppress(OSError):
                path.unlink()
