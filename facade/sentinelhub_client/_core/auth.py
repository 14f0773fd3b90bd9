"""OAuth 2 client credentials for Sentinel Hub, as one `httpx.Auth` for sync and async clients.

- The token is fetched with a bare client (not the API client), so fetching never recurses into
  this auth, through the transport's retry loop (`SyncTransport.over`); its request is ``POST``
  of the form ``grant_type=client_credentials&client_id=...&client_secret=...``.
- One token per (client id, token URL) is shared by every client, service and thread of the
  process: a module-level cache under a lock.
- With ``shared_token_cache`` (the default) it is also shared by the processes of the machine:
  a file under the user cache folder, locked while a token is fetched, so that N worker
  processes fetch one token (`sentinelhub_client._core.tokencache`).
- It is refreshed before it expires (on the monotonic clock): ``refresh_margin`` seconds early,
  but never more than half its lifetime early, so a short-lived token is not re-fetched on every
  request.
- One refresh at a time: threads wait on a `threading.Lock`, tasks on an `asyncio.Lock` of their
  event loop; whoever comes second finds the fresh token.
- A 401 drops the token that was used (if still cached) and replays the request once.
- A failing token endpoint raises `AuthenticationError` with the OAuth ``error`` and
  ``error_description``; temporary failures (429, 5xx, connection) are retried first.
- Neither the secret nor the token appears in logs or in ``repr``.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from sentinelhub_client._core.errors import AuthenticationError, error_from_response
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.tokencache import FileTokenCache, clear_file_cache
from sentinelhub_client._core.transport import AsyncTransport, Call, SyncTransport

if TYPE_CHECKING:
    import asyncio

    from sentinelhub_client._core.config import SHConfig

__all__ = [
    "BearerTokenAuth",
    "ClientCredentialsAuth",
    "MissingCredentialsAuth",
    "clear_token_cache",
    "refresh_deadline",
]

logger = logging.getLogger(__name__)

#: Refresh this many seconds before expiry (sentinelhub-py uses the same 120 s).
DEFAULT_REFRESH_MARGIN = 120.0
#: Lifetime assumed when the token endpoint does not say (Sentinel Hub issues 3600 s tokens).
DEFAULT_LIFETIME = 3600.0
#: Retry policy of the token endpoint itself, when the caller gives none.
TOKEN_RETRY = RetryPolicy(max_attempts=4, max_total_wait=60.0)


def refresh_deadline(now: float, expires_in: float, margin: float) -> float:
    """When (on the same clock as ``now``) a token issued at ``now`` should be replaced.

    ``margin`` seconds before expiry, but at most half the lifetime early: a token valid for
    60 s is used for 30 s rather than refreshed at every request.
    """
    lifetime = max(0.0, expires_in)
    return now + lifetime - min(margin, lifetime / 2)


@dataclass(frozen=True)
class Token:
    """An access token and when to stop using it (monotonic clock)."""

    access_token: str = field(repr=False)
    refresh_at: float
    #: When it expires, in seconds since the epoch (what the shared file keeps), if known.
    expires_at: float | None = None

    def usable(self, now: float) -> bool:
        """True while the token need not be replaced."""
        return now < self.refresh_at


class _CacheEntry:
    """The shared token of one (client id, token URL) and the locks that guard its refresh."""

    def __init__(self) -> None:
        self.token: Token | None = None
        self.thread_lock = threading.Lock()
        self._loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._guard = threading.Lock()

    def loop_lock(self) -> asyncio.Lock:
        """The asyncio lock of the running event loop (one per loop, created on demand)."""
        import asyncio  # here, not at the top: sync users never import asyncio

        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._loop_locks.get(loop)
            if lock is None:
                lock = self._loop_locks[loop] = asyncio.Lock()
            return lock

    def valid(self, now: float) -> Token | None:
        token = self.token
        return token if token is not None and token.usable(now) else None

    def drop(self, access_token: str) -> None:
        """Forget the token if it is still the one given (a newer one is kept)."""
        with self._guard:
            if self.token is not None and self.token.access_token == access_token:
                self.token = None


_CACHE: dict[tuple[str, str], _CacheEntry] = {}
_CACHE_LOCK = threading.Lock()


def _entry(key: tuple[str, str]) -> _CacheEntry:
    with _CACHE_LOCK:
        entry = _CACHE.get(key)
        if entry is None:
            entry = _CACHE[key] = _CacheEntry()
        return entry


def clear_token_cache() -> None:
    """Forget every cached token, in this process and in the shared token files of this user
    (the next request of each client fetches a new one)."""
    with _CACHE_LOCK:
        _CACHE.clear()
    clear_file_cache()


def parse_token_response(
    response: httpx.Response, now: float, margin: float, *, url: str | None = None
) -> Token:
    """The token out of a token endpoint's answer, or `AuthenticationError`."""
    if not 200 <= response.status_code < 300:
        raise error_from_response(
            response.status_code,
            response.headers,
            response.content,
            method="POST",
            url=url,
            error_class=AuthenticationError,
            note="the OAuth token endpoint refused to issue a token",
        )
    try:
        body = response.json()
        access_token = body["access_token"]
        if not isinstance(access_token, str) or not access_token:
            raise TypeError("access_token is not a non-empty string")
        raw_expiry = body.get("expires_in")
        expires_in = DEFAULT_LIFETIME if raw_expiry is None else float(raw_expiry)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AuthenticationError(
            "the token endpoint answered without a usable access_token",
            status=response.status_code,
            method="POST",
            url=url,
        ) from exc
    return Token(access_token, refresh_deadline(now, expires_in, margin), time.time() + expires_in)


def _bearer(request: httpx.Request, token: str) -> httpx.Request:
    """``request`` carrying ``token`` (its ``Authorization`` header set)."""
    request.headers["Authorization"] = f"Bearer {token}"
    return request


class ClientCredentialsAuth(httpx.Auth):
    """OAuth 2 client-credentials flow for Sentinel Hub (see the module docstring).

    Args:
        client_id, client_secret: the OAuth client.
        token_url: the token endpoint.
        refresh_margin: refresh this many seconds before expiry (capped at half the lifetime).
        timeout: seconds for a token request.
        retry: retry policy for the token endpoint (429, 5xx, connection errors).
        token_client, async_token_client: clients to fetch tokens with (for proxies or custom
            transports); they must not carry this auth. By default a bare client per fetch.
        clock: the monotonic clock (replaceable in tests).
        shared_cache: also keep the token in the user's token file, shared by the processes
            of the machine (`sentinelhub_client._core.tokencache`).
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str,
        *,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        token_client: httpx.Client | None = None,
        async_token_client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
        shared_cache: bool = False,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("sh_client_id and sh_client_secret are both needed for OAuth")
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self.refresh_margin = refresh_margin
        self.timeout = timeout
        self.retry = retry or TOKEN_RETRY
        self._token_client = token_client
        self._async_token_client = async_token_client
        self._clock = clock
        self._entry = _entry((client_id, token_url))
        self._file = FileTokenCache(token_url, client_id) if shared_cache else None

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(client_id={self.client_id!r}, token_url={self.token_url!r})"

    # -- the flows httpx drives -------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """Add the bearer token; on 401 drop it, get a fresh one and replay once."""
        token = self.get_token()
        response = yield _bearer(request, token)
        if self._refused(token, request, response):
            yield _bearer(request, self.get_token())

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Add the bearer token; on 401 drop it, get a fresh one and replay once."""
        token = await self.aget_token()
        response = yield _bearer(request, token)
        if self._refused(token, request, response):
            yield _bearer(request, await self.aget_token())

    def _refused(self, token: str, request: httpx.Request, response: httpx.Response) -> bool:
        """True when the service refused ``token`` (a 401): it is dropped, and the request is to
        be replayed once with a fresh one."""
        if response.status_code != 401:
            return False
        self._forget(token, request)
        return True

    def _forget(self, token: str, request: httpx.Request) -> None:
        """Drop a token the service refused (a 401), before fetching a new one and replaying."""
        self._entry.drop(token)
        if self._file is not None:
            self._file.drop(token)
        logger.info(
            "401 from %s %s: fetching a new token and replaying once",
            request.method,
            request.url.path,
        )

    # -- tokens ------------------------------------------------------------------------------

    def get_token(self) -> str:
        """A valid access token, fetched (once, across threads) when needed."""
        cached = self._entry.valid(self._clock())
        if cached is not None:
            return cached.access_token
        with self._entry.thread_lock:
            cached = self._entry.valid(self._clock())
            if cached is None:
                cached = self._entry.token = self._shared_fetch()
            return cached.access_token

    async def aget_token(self) -> str:
        """A valid access token, fetched (once, across the tasks of a loop) when needed."""
        cached = self._entry.valid(self._clock())
        if cached is not None:
            return cached.access_token
        async with self._entry.loop_lock():
            cached = self._entry.valid(self._clock())
            if cached is None:
                cached = self._entry.token = await self._ashared_fetch()
            return cached.access_token

    # -- the token file shared by the processes of the machine -------------------------------

    def _from_file(self) -> Token | None:
        assert self._file is not None
        found = self._file.read()
        if found is None:
            return None
        access_token, expires_at = found
        now = self._clock()
        token = Token(
            access_token,
            refresh_deadline(now, expires_at - time.time(), self.refresh_margin),
            expires_at,
        )
        return token if token.usable(now) else None

    def _to_file(self, token: Token) -> None:
        expires = token.expires_at
        if self._file is not None and expires is not None and math.isfinite(expires):
            self._file.write(token.access_token, expires)

    def _shared_fetch(self) -> Token:
        """A token from the shared file, or fetched (and written there) under its lock."""
        if self._file is None:
            return self._fetch()
        with self._file.locked():
            token = self._from_file()
            if token is None:
                token = self._fetch()
                self._to_file(token)
            else:
                logger.debug("OAuth token for client %s read from the shared cache", self.client_id)
            return token

    async def _ashared_fetch(self) -> Token:
        if self._file is None:
            return await self._afetch()
        import anyio.to_thread

        handle = await anyio.to_thread.run_sync(self._file.lock)
        try:
            token = self._from_file()
            if token is None:
                token = await self._afetch()
                self._to_file(token)
            return token
        finally:
            self._file.unlock(handle)

    def _form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }

    def _token_call(self) -> Call[Token]:
        """The token request, run by the transport's retry loop (per ``self.retry``)."""
        return Call(
            request={"method": "POST", "url": self.token_url, "data": self._form()},
            parse=lambda api, response: parse_token_response(
                response, self._clock(), self.refresh_margin, url=self.token_url
            ),
            error_class=AuthenticationError,
            note=_token_note,
        )

    def _fetch(self) -> Token:
        logger.debug(
            "Fetching an OAuth token for client %s from %s", self.client_id, self.token_url
        )
        if self._token_client is not None:
            return self._run(self._token_client)
        with httpx.Client() as client:  # a bare client: fetching never recurses into this auth
            return self._run(client)

    async def _afetch(self) -> Token:
        logger.debug(
            "Fetching an OAuth token for client %s from %s", self.client_id, self.token_url
        )
        if self._async_token_client is not None:
            return await self._arun(self._async_token_client)
        async with httpx.AsyncClient() as client:  # a bare client (see `_fetch`)
            return await self._arun(client)

    def _run(self, client: httpx.Client) -> Token:
        transport = SyncTransport.over(client, retry=self.retry, timeout=self.timeout)
        return transport.run(self._token_call())

    async def _arun(self, client: httpx.AsyncClient) -> Token:
        transport = AsyncTransport.over(client, retry=self.retry, timeout=self.timeout)
        return await transport.run(self._token_call())


def _token_note(status: int | None) -> str:
    if status is None:
        return "while fetching an OAuth token"
    return "the OAuth token endpoint refused to issue a token"


class BearerTokenAuth(httpx.Auth):
    """A pre-issued access token (``sh_token``), sent as is; it is never refreshed."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("sh_token must be a non-empty string")
        self._token = token

    def __repr__(self) -> str:
        return "BearerTokenAuth(token='***')"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """Add the token."""
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class MissingCredentialsAuth(httpx.Auth):
    """Stands in when no credentials are configured: explains how to set them, at first use."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """Raise `AuthenticationError` (no request is sent)."""
        raise AuthenticationError(
            "no Sentinel Hub credentials: set sh_client_id and sh_client_secret (environment "
            "SH_CLIENT_ID / SH_CLIENT_SECRET, or a profile in ~/.config/sentinelhub/config.toml),"
            " or a pre-issued sh_token",
            method=request.method,
            url=str(request.url),
        )
        yield request  # pragma: no cover - unreachable, makes this a generator


def auth_for(config: SHConfig, **kwargs: Any) -> httpx.Auth:
    """The auth for a config: a pre-issued token, client credentials, or the missing-credentials
    stand-in. ``kwargs`` go to `ClientCredentialsAuth` (token clients).

    The token endpoint is retried with the config's policy, at most `TOKEN_RETRY`'s attempts.
    """
    if config.sh_token:
        return BearerTokenAuth(config.sh_token)
    if config.sh_client_id and config.sh_client_secret:
        return ClientCredentialsAuth(
            config.sh_client_id,
            config.sh_client_secret,
            config.sh_token_url,
            timeout=min(config.timeout, 60.0),
            retry=config.retry.replace(
                max_attempts=min(config.retry.max_attempts, TOKEN_RETRY.max_attempts)
            ),
            shared_cache=config.shared_token_cache,
            **kwargs,
        )
    return MissingCredentialsAuth()
